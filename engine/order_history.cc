// The history of closed orders: records and rows in and out of bytes, and
// the merge of a memory page with stored rows.
#include "engine/order_history.h"

#include <algorithm>
#include <memory>

#include "engine/codec.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

OrderSummary summary_of(const OrderRecord& r) {
  return OrderSummary{r.order,
                      r.state,
                      r.contact,
                      r.channel,
                      r.principal,
                      r.created_ms,
                      r.state == OrderState::kHeld ? r.hold_expires_ms : r.deadline_ms,
                      r.lines.empty() ? kNone : r.lines.front().performance,
                      r.quantity,
                      r.total_cents};
}

HistoryWrite history_write_of(const OrderRecord& r) {
  return HistoryWrite{false, r.order, r.contact, encode(r), encode(summary_of(r))};
}

Reply history_record_reply(OrderId id, const Caller& who, std::string_view raw) {
  OrderRecord record;
  if (raw.empty() || !decode(raw, record).is_ok() || record.order != id ||
      (who.own_orders_only && record.principal != who.principal))
    return refuse(ReplyCode::kNotFound, cat("order ", id, " not found"));
  Reply r;
  r.order = id;
  r.state = record.state;
  r.value = record.deadline_ms;
  r.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(record)});
  return r;
}

namespace {

bool matches(const OrderSummary& s, const ListOrders& c) {
  const uint16_t states = c.states == 0 ? kOrderStatesAll : c.states;
  if ((states & (1u << static_cast<unsigned>(s.state))) == 0) return false;
  if (c.contact != kNone && s.contact != c.contact) return false;
  return c.performance == kNone || s.performance == c.performance;
}

}  // namespace

Reply merge_history_page(Reply memory, const ListOrders& c, const std::vector<OrderId>& in_memory,
                         const std::vector<std::string>& stored, uint32_t shard) {
  if (!memory.ok() || !memory.detail) return memory;
  const OrderPage* mem = std::get_if<OrderPage>(&memory.detail->value);
  if (!mem) return memory;
  OrderPage page = *mem;
  bool more = page.next_after != 0;
  std::vector<OrderSummary> rows;
  for (const std::string& raw : stored) {
    OrderSummary s;
    if (!decode(raw, s).is_ok() || order_shard(s.order) != shard || !matches(s, c)) continue;
    if (std::find(in_memory.begin(), in_memory.end(), s.order) != in_memory.end()) continue;
    ++page.total;
    if (s.order > c.after) rows.push_back(s);
  }
  page.orders.insert(page.orders.end(), rows.begin(), rows.end());
  std::sort(page.orders.begin(), page.orders.end(),
            [](const OrderSummary& a, const OrderSummary& b) { return a.order < b.order; });
  if (page.orders.size() > c.limit) {
    page.orders.resize(c.limit);
    more = true;
  }
  page.next_after = more && !page.orders.empty() ? page.orders.back().order : 0;
  Reply out;
  out.value = static_cast<int64_t>(page.total);
  out.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(page)});
  return out;
}

std::vector<OrderId> stored_orders(const std::vector<std::string>& stored, uint32_t shard,
                                   const std::vector<OrderId>& skip) {
  std::vector<OrderId> out;
  for (const std::string& raw : stored) {
    OrderSummary s;
    if (!decode(raw, s).is_ok() || order_shard(s.order) != shard) continue;
    if (std::find(skip.begin(), skip.end(), s.order) == skip.end()) out.push_back(s.order);
  }
  return out;
}

}  // namespace tessera::engine
