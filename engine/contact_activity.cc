// GetContactActivity: a contact's indicators and histories from the orders
// and subscriptions of the inventory shards (engine/contact_activity.h).
#include "engine/contact_activity.h"

#include <algorithm>
#include <memory>

#include "engine/codec.h"
#include "engine/limits.h"
#include "engine/order_record.h"
#include "engine/reply_detail.h"
#include "engine/shard.h"

namespace tessera::engine {

namespace {

auto row_key(const ActivityRow& r) { return std::tie(r.at_ms, r.order, r.item); }
bool newer(const ActivityRow& a, const ActivityRow& b) { return row_key(a) > row_key(b); }

const ContactActivity* activity_of(const Reply& r) {
  return r.detail ? std::get_if<ContactActivity>(&r.detail->value) : nullptr;
}

// Most used first, then by id.
void sort_by_use(std::vector<ChannelUse>& channels) {
  std::sort(channels.begin(), channels.end(), [](const ChannelUse& a, const ChannelUse& b) {
    return std::tie(b.orders, a.channel) < std::tie(a.orders, b.channel);
  });
}

Reply activity_reply(ContactActivity a) {
  Reply r;
  r.value = static_cast<int64_t>(a.total);
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(a)});
  return r;
}

// A mailing row of a reminder the workflow entry `index` of `order` records.
ActivityRow mailing_row(OrderId order, uint64_t index, int64_t at_ms, ReminderSent sent, std::string detail) {
  ActivityRow row;
  row.at_ms = at_ms;
  row.order = order;
  row.item = index;
  row.rank = sent.rank;
  row.email = sent.email;
  row.detail = std::move(detail);
  return row;
}

// One more confirmed order through `channel`.
void count_channel(std::vector<ChannelUse>& channels, ChannelId channel) {
  const auto use =
      std::find_if(channels.begin(), channels.end(), [&](const ChannelUse& u) { return u.channel == channel; });
  if (use == channels.end()) {
    channels.push_back(ChannelUse{channel, 1});
  } else {
    ++use->orders;
  }
}

// Adds a line of `order` to its performance's cultural row, among the
// order's rows (rows[first_row..]): one row per performance of an order,
// its lines together. Returns true when the row is new.
bool add_cultural_line(std::vector<ActivityRow>& rows, size_t first_row, OrderId order, PerformanceId performance,
                       int64_t starts_ms, bool attended, uint32_t quantity, uint64_t amount_cents) {
  auto row = std::find_if(rows.begin() + static_cast<ptrdiff_t>(first_row), rows.end(),
                          [&](const ActivityRow& r) { return r.performance == performance; });
  const bool fresh = row == rows.end();
  if (fresh) {
    ActivityRow r;
    r.at_ms = starts_ms;
    r.order = order;
    r.item = performance.value();
    r.performance = performance;
    r.attended = attended;
    rows.push_back(r);
    row = rows.end() - 1;
  }
  row->quantity += quantity;
  row->amount_cents += amount_cents;
  return fresh;
}

}  // namespace

uint32_t activity_limit(uint32_t limit) { return limit == 0 ? kContactSearchRowsDefault : limit; }

bool activity_after_cursor(const ActivityRow& row, const GetContactActivity& c) {
  return c.before_ms == 0 || row_key(row) < std::tie(c.before_ms, c.before_order, c.before_item);
}

void page_activity(ContactActivity& out, std::vector<ActivityRow> rows, const GetContactActivity& c, bool more) {
  const uint32_t limit = activity_limit(c.limit);
  std::erase_if(rows, [&](const ActivityRow& r) { return !activity_after_cursor(r, c); });
  std::sort(rows.begin(), rows.end(), newer);
  if (rows.size() > limit) {
    rows.resize(limit);
    more = true;
  }
  out.rows = std::move(rows);
  out.next_before_ms = 0;
  out.next_before_order = 0;
  out.next_before_item = 0;
  if (more && !out.rows.empty()) {
    out.next_before_ms = out.rows.back().at_ms;
    out.next_before_order = out.rows.back().order;
    out.next_before_item = out.rows.back().item;
  }
  // PMG: to the cent, half up.
  out.average_basket_cents = out.orders_confirmed == 0
                                 ? 0
                                 : (2 * out.spent_cents + out.orders_confirmed) / (2 * uint64_t{out.orders_confirmed});
}

Reply Shard::contact_activity(const GetContactActivity& c) const {
  if (c.contact == kNone) return refuse(ReplyCode::kInvalidArgument, "GetContactActivity needs a contact");
  if (c.history > static_cast<ContactHistory>(kContactHistoryLast))
    return refuse(ReplyCode::kInvalidArgument, cat("unknown history ", static_cast<unsigned>(c.history)));
  if (c.limit > kContactSearchRowsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("limit must be at most ", kContactSearchRowsMax));
  ContactActivity out;
  out.contact = c.contact;
  out.history = c.history;
  std::vector<ActivityRow> rows;
  std::vector<PerformanceId> attended, to_attend;
  const OrderTable& table = orders_.table();
  for (uint32_t slot = 0; slot < table.slot_count(); ++slot) {
    const Order& o = table.at(slot);
    if (o.contact != c.contact || (!o.live() && o.lines.empty())) continue;  // another's, or purged
    const OrderId id = table.id_of(slot);
    if (c.history == ContactHistory::kMailings) {
      uint64_t index = 0;  // the order page's workflow: its creation first
      orders_.for_each_event(o, [&](const WorkflowEvent& e) {
        ++index;
        if (const auto sent = reminder_of(e))
          rows.push_back(mailing_row(id, index, e.at_ms, *sent, workflow_detail_text(e.what, e.arg)));
      });
    }
    if (o.state != OrderState::kConfirmed) continue;
    ++out.orders_confirmed;
    count_channel(out.channels, o.channel);
    const size_t first_row = rows.size();
    for (const OrderLine& l : o.lines) {
      const uint64_t amount = uint64_t{l.unit_price_cents} * l.quantity;
      out.spent_cents += amount;
      const int64_t starts = stock_.performances().items()[l.performance_index].definition.starts_at_ms;
      const bool past = starts <= now_ms_;
      (past ? attended : to_attend).push_back(l.performance);
      if (past) {
        out.last_attended_ms = std::max(out.last_attended_ms, starts);
      } else if (out.next_performance_ms == 0 || starts < out.next_performance_ms) {
        out.next_performance_ms = starts;
      }
      if (c.history == ContactHistory::kCultural)
        add_cultural_line(rows, first_row, id, l.performance, starts, past, l.quantity, amount);
    }
  }
  for (auto* list : {&attended, &to_attend}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  out.performances_attended = static_cast<uint32_t>(attended.size());
  out.performances_to_attend = static_cast<uint32_t>(to_attend.size());
  subscriptions_.activity_of(c.contact, now_ms_, out, c.history == ContactHistory::kMailings ? &rows : nullptr);
  out.total = rows.size();
  sort_by_use(out.channels);
  page_activity(out, std::move(rows), c, false);
  return activity_reply(std::move(out));
}

std::vector<OrderId> Shard::orders_of_contact(ContactId contact) const {
  std::vector<OrderId> out;
  const OrderTable& table = orders_.table();
  for (uint32_t slot = 0; slot < table.slot_count(); ++slot) {
    const Order& o = table.at(slot);
    if (o.contact == contact && (o.live() || !o.lines.empty())) out.push_back(table.id_of(slot));
  }
  return out;
}

std::string pmg_tier_of(uint64_t average_basket_cents, uint32_t orders_confirmed, const std::vector<PmgTier>& tiers) {
  if (orders_confirmed == 0) return {};
  const PmgTier* best = nullptr;
  for (const PmgTier& t : tiers)
    if (t.from_cents <= average_basket_cents && (!best || t.from_cents > best->from_cents)) best = &t;
  return best ? best->name : std::string();
}

Reply merge_contact_activity(std::vector<Reply>& parts, const GetContactActivity& c,
                             const std::vector<PmgTier>& tiers) {
  ContactActivity all;
  std::vector<ActivityRow> rows;
  bool more = false;
  for (const Reply& r : parts) {
    const ContactActivity* a = activity_of(r);
    if (!a) continue;
    all.contact = a->contact;
    all.history = a->history;
    all.orders_confirmed += a->orders_confirmed;
    all.spent_cents += a->spent_cents;
    all.performances_attended += a->performances_attended;  // a performance lives on one shard
    all.performances_to_attend += a->performances_to_attend;
    all.last_attended_ms = std::max(all.last_attended_ms, a->last_attended_ms);
    if (a->next_performance_ms != 0 &&
        (all.next_performance_ms == 0 || a->next_performance_ms < all.next_performance_ms))
      all.next_performance_ms = a->next_performance_ms;
    for (const ChannelUse& u : a->channels) {
      const auto at = std::find_if(all.channels.begin(), all.channels.end(),
                                   [&](const ChannelUse& v) { return v.channel == u.channel; });
      if (at == all.channels.end()) {
        all.channels.push_back(u);
      } else {
        at->orders += u.orders;
      }
    }
    all.subscriptions_running += a->subscriptions_running;
    all.subscribed_until_ms = std::max(all.subscribed_until_ms, a->subscribed_until_ms);
    all.total += a->total;
    more = more || a->next_before_ms != 0;
    rows.insert(rows.end(), a->rows.begin(), a->rows.end());
  }
  sort_by_use(all.channels);
  if (all.channels.size() > kActivityChannelsMax) all.channels.resize(kActivityChannelsMax);
  page_activity(all, std::move(rows), c, more);
  all.pmg_tier = pmg_tier_of(all.average_basket_cents, all.orders_confirmed, tiers);
  return activity_reply(std::move(all));
}

Reply complete_activity_from_history(Reply memory, const GetContactActivity& c, const std::vector<std::string>& stored,
                                     const ActivityContext& context) {
  const ContactActivity* mem = activity_of(memory);
  if (!memory.ok() || !mem || stored.empty()) return memory;
  ContactActivity out = *mem;
  std::vector<ActivityRow> rows = out.rows;
  std::vector<PerformanceId> attended;  // archived performances the stored orders add
  const auto start_of = [&](PerformanceId p) -> const ActivityContext::Start* {
    const auto it =
        std::lower_bound(context.archived.begin(), context.archived.end(), p,
                         [](const ActivityContext::Start& s, PerformanceId q) { return s.performance < q; });
    return it != context.archived.end() && it->performance == p ? &*it : nullptr;
  };
  for (const std::string& raw : stored) {
    OrderRecord record;
    if (!decode(raw, record).is_ok() || record.contact != c.contact) continue;
    if (c.history == ContactHistory::kMailings) {
      for (size_t i = 0; i < record.workflow.size(); ++i) {
        const WorkflowEntry& e = record.workflow[i];
        const auto sent = reminder_of(e);
        if (!sent) continue;
        ++out.total;
        rows.push_back(mailing_row(record.order, i, e.at_ms, *sent, e.detail));
      }
    }
    if (record.state != OrderState::kConfirmed) continue;
    // A confirmed order in the history was retired: all its performances
    // are archived, so past (attended), as memory counted it.
    ++out.orders_confirmed;
    count_channel(out.channels, record.channel);
    const size_t first_row = rows.size();
    for (const OrderRecordLine& l : record.lines) {
      out.spent_cents += l.amount_cents;
      const ActivityContext::Start* start = start_of(l.performance);
      const int64_t starts = start ? start->starts_at_ms : 0;
      attended.push_back(l.performance);
      out.last_attended_ms = std::max(out.last_attended_ms, starts);
      if (c.history == ContactHistory::kCultural &&
          add_cultural_line(rows, first_row, record.order, l.performance, starts, true, l.quantity, l.amount_cents))
        ++out.total;
    }
  }
  std::sort(attended.begin(), attended.end());
  attended.erase(std::unique(attended.begin(), attended.end()), attended.end());
  for (PerformanceId p : attended)
    if (std::find(context.attended_in_memory.begin(), context.attended_in_memory.end(), p) ==
        context.attended_in_memory.end())
      ++out.performances_attended;
  sort_by_use(out.channels);
  page_activity(out, std::move(rows), c, mem->next_before_ms != 0);
  return activity_reply(std::move(out));
}

ActivityContext Shard::activity_context(ContactId contact) const {
  ActivityContext out;
  const OrderTable& table = orders_.table();
  for (uint32_t slot = 0; slot < table.slot_count(); ++slot) {
    const Order& o = table.at(slot);
    if (o.contact != contact || (!o.live() && o.lines.empty())) continue;
    out.in_memory.push_back(table.id_of(slot));
    if (o.state != OrderState::kConfirmed) continue;
    for (const OrderLine& l : o.lines)
      if (stock_.archived(l.performance_index)) out.attended_in_memory.push_back(l.performance);
  }
  const auto& performances = stock_.performances().items();
  for (uint32_t pi : retention_.state().archived)
    out.archived.push_back(
        ActivityContext::Start{performances[pi].definition.performance, performances[pi].definition.starts_at_ms});
  std::sort(
      out.archived.begin(), out.archived.end(),
      [](const ActivityContext::Start& a, const ActivityContext::Start& b) { return a.performance < b.performance; });
  return out;
}

}  // namespace tessera::engine
