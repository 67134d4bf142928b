// OrderDesk, the order page (seed 003): reading an order back whole, its
// notes and the client's information, and the list of orders of a contact,
// a performance or a state.
#include <algorithm>
#include <cassert>

#include "engine/limits.h"
#include "engine/order_desk.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

namespace {

// The deadline the page shows: the option/reservation's own (kept while
// overdue), a hold's expiry, none for a confirmed order.
int64_t shown_deadline(const Order& o) { return o.state == OrderState::kHeld ? o.deadline_ms : o.due_ms; }

Reply with_record_detail(Reply r, ReplyDetail detail) {
  r.detail = std::make_shared<ReplyDetail>(std::move(detail));
  return r;
}

bool list_matches(const Order& o, const ListOrders& c, uint16_t states) {
  if (!o.live() && o.lines.empty()) return false;  // purged
  if ((states & (1u << static_cast<unsigned>(o.state))) == 0) return false;
  if (c.contact != kNone && o.contact != c.contact) return false;
  if (c.performance == kNone) return true;
  return std::any_of(o.lines.begin(), o.lines.end(),
                     [&](const OrderLine& l) { return l.performance == c.performance; });
}

Reply check_text(const std::string& text, std::string_view what) {
  if (text.size() > kNoteLengthMax)
    return refuse(ReplyCode::kLimitExceeded, cat(what, " is ", text.size(), " bytes; at most ", kNoteLengthMax));
  return Reply{};
}

}  // namespace

OrderRecord OrderDesk::record_of(OrderId id, const Order& o) const {
  OrderRecord r;
  r.order = id;
  r.state = o.state;
  r.status = std::string(seed_status_name(o.state));
  r.kind = o.kind;
  r.policy = o.policy;
  r.contact = o.contact;
  r.channel = o.channel;
  r.principal = o.principal;
  r.created_ms = o.created_ms;
  r.deadline_ms = o.state == OrderState::kHeld ? 0 : o.due_ms;
  r.hold_expires_ms = o.state == OrderState::kHeld ? o.deadline_ms : 0;
  r.overdue_until_ms = o.state == OrderState::kOverdue ? o.deadline_ms : 0;
  r.hold_until_max_ms = o.hold_until_max_ms;
  r.extensions = o.extensions;
  r.extensions_max = o.extensions_max;
  r.mark = o.mark;
  r.locked = o.locked;
  r.reminder_rank = o.reminder_rank;
  r.reminded_ms = o.reminded_ms;
  r.file_number = o.file_number;
  r.lines.reserve(o.lines.size());
  for (const OrderLine& l : o.lines) {
    OrderRecordLine line{l.performance,
                         l.category,
                         l.tariff,
                         l.contingent,
                         l.quantity,
                         l.unit_price_cents,
                         uint64_t{l.unit_price_cents} * l.quantity,
                         {}};
    if (l.seat != kNoSeat) {
      const VenueLayout& layout = stock_.layout_of(stock_.performances().items()[l.performance_index]);
      line.seats.reserve(l.quantity);
      for (uint32_t seat = l.seat; seat < l.seat + l.quantity; ++seat) {
        const VenueLayout::Place p = layout.place(seat);
        line.seats.push_back(SeatPlace{seat, layout.section_names[p.section], p.row_number, p.seat_number});
      }
    }
    r.quantity += l.quantity;
    r.total_cents += line.amount_cents;
    r.lines.push_back(std::move(line));
  }
  const OrderCold& cold = book_.cold(o);
  r.notes = cold.notes;
  r.client_info = cold.client_info;
  // The creation, from the order itself; its initial state is where the
  // first state change started (or the state it is still in).
  r.workflow.reserve(cold.workflow.size() + 2);
  r.workflow.push_back(WorkflowEntry{o.created_ms, o.principal, WorkflowAction::kCreated, o.state, o.state, {}});
  bool changed = false;
  book_.for_each_event(o, [&](const WorkflowEvent& e) {
    if (e.action == WorkflowAction::kStateChanged && !changed) {
      r.workflow.front().from = r.workflow.front().to = e.from;
      changed = true;
    }
    r.workflow.push_back(
        WorkflowEntry{e.at_ms, e.principal, e.action, e.from, e.to, workflow_detail_text(e.what, e.arg)});
  });
  fill_money(o, &r);
  fill_dossier(o, &r);
  return r;
}

Reply OrderDesk::on(const GetOrderRecord& c, const Caller& who) const {
  const Order* order = find_any(c.order, who);
  if (!order) return refuse(ReplyCode::kNotFound, cat("order ", c.order, " not found"));
  return with_record_detail(order_reply(c.order, *order), ReplyDetail{record_of(c.order, *order)});
}

Reply OrderDesk::on(const AddOrderNote& c, const Caller& who) {
  Order* order = find_any(c.order, who);
  if (!order) return refuse(ReplyCode::kNotFound, cat("order ", c.order, " not found"));
  if (c.text.empty()) return refuse(ReplyCode::kInvalidArgument, "a note needs a text");
  if (Reply bad = check_text(c.text, "the note"); !bad.ok()) return bad;
  OrderCold& cold = book_.cold(*order);
  if (cold.notes.size() >= kOrderNotesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("order ", c.order, " has ", kOrderNotesMax, " notes, the most"));
  if (Reply full = check_workflow_room(*order, c.order); !full.ok()) return full;
  cold.notes.push_back(OrderNote{now_ms_, who.principal, c.text});
  book_.record(*order, WorkflowAction::kModified, who.principal, WorkflowDetail::kNoteAdded);
  if (!order->live()) note_closed(*order, c.order);
  return order_reply(c.order, *order);
}

Reply OrderDesk::on(const SetOrderInfo& c, const Caller& who) {
  Order* order = find_any(c.order, who);
  if (!order) return refuse(ReplyCode::kNotFound, cat("order ", c.order, " not found"));
  if (Reply bad = check_text(c.text, "the client's information"); !bad.ok()) return bad;
  if (Reply full = check_workflow_room(*order, c.order); !full.ok()) return full;
  book_.cold(*order).client_info = c.text;
  book_.record(*order, WorkflowAction::kModified, who.principal,
               c.text.empty() ? WorkflowDetail::kInfoCleared : WorkflowDetail::kInfoSet);
  if (!order->live()) note_closed(*order, c.order);
  return order_reply(c.order, *order);
}

Reply OrderDesk::on(const ListOrders& c, const Caller&) const {
  if (c.limit == 0 || c.limit > kOrderListRowsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("limit must be in [1, ", kOrderListRowsMax, "]"));
  if ((c.states & ~kOrderStatesAll) != 0)
    return refuse(ReplyCode::kInvalidArgument, cat("states has unknown bits: ", c.states));
  const uint16_t states = c.states == 0 ? kOrderStatesAll : c.states;
  const OrderTable& table = book_.table();
  // A closed order's slot keeps it until the slot is reused (after every
  // other free slot): those are still listed.
  std::vector<OrderId> after;
  uint64_t total = 0;
  for (uint32_t slot = 0; slot < table.slot_count(); ++slot) {
    const Order& o = table.at(slot);
    if (!list_matches(o, c, states)) continue;
    if (c.document_alerts && !document_alert(o)) continue;
    ++total;
    const OrderId id = table.id_of(slot);
    if (id > c.after) after.push_back(id);
  }
  OrderPage page;
  page.total = total;
  const size_t n = std::min<size_t>(after.size(), c.limit);
  std::partial_sort(after.begin(), after.begin() + static_cast<ptrdiff_t>(n), after.end());
  page.orders.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const Order& o = *book_.find(after[i]);
    page.orders.push_back(OrderSummary{after[i], o.state, o.contact, o.channel, o.principal, o.created_ms,
                                       shown_deadline(o), o.lines.empty() ? kNone : o.lines.front().performance,
                                       o.quantity(), static_cast<uint64_t>(package_of(o))});
  }
  if (after.size() > n) page.next_after = page.orders.back().order;
  Reply r;
  r.value = static_cast<int64_t>(total);
  return with_record_detail(std::move(r), ReplyDetail{std::move(page)});
}

void OrderDesk::keep_history(bool on) {
  keep_history_ = on;
  if (!on) history_.clear();
}

void OrderDesk::note_closed(const Order& order, OrderId id) {
  assert(!order.live() || order.state == OrderState::kConfirmed);  // closed, or retired
  if (keep_history_) history_.push_back(history_write_of(record_of(id, order)));
}

std::vector<OrderId> OrderDesk::closed_in_memory(const ListOrders& c) const {
  std::vector<OrderId> out;
  if (c.states & ~kOrderStatesAll) return out;
  const uint16_t states = c.states == 0 ? kOrderStatesAll : c.states;
  const OrderTable& table = book_.table();
  for (uint32_t slot = 0; slot < table.slot_count(); ++slot) {
    const Order& o = table.at(slot);
    if (!o.live() && list_matches(o, c, states)) out.push_back(table.id_of(slot));
  }
  return out;
}

Reply OrderDesk::on(const PurgeOrderHistory& c, const Caller&) {
  if ((c.order == 0) == (c.contact == kNone))
    return refuse(ReplyCode::kInvalidArgument, "PurgeOrderHistory names an order or a contact (exactly one)");
  OrderTable& table = book_.table();
  if (c.order != 0) {
    if (order_shard(c.order) != table.shard()) return Reply{};  // another shard's order
    if (const Order* o = book_.find(c.order)) {
      if (o->live())
        return refuse(ReplyCode::kInvalidState,
                      cat("order ", c.order, " is ", order_state_name(o->state), ": only closed orders are purged"));
      table.forget(table.slot_of(*o));
    }
  } else {
    for (uint32_t slot = 0; slot < table.slot_count(); ++slot) {
      const Order& o = table.at(slot);
      if (!o.live() && o.contact == c.contact) table.forget(slot);
    }
  }
  if (keep_history_) history_.push_back(HistoryWrite{true, c.order, c.contact, {}, {}});
  return Reply{};
}

Reply OrderDesk::on(const GetStockSummary& c, const Caller&) const {
  const Performance* p = stock_.performances().find(c.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found"));
  StockSummary summary;
  summary.performance = c.performance;
  for (const GeneralAdmission& a : p->areas) {
    StockRow row;
    row.category = a.category;
    row.seated = stock_.is_seated(*p, a.category);
    row.capacity = a.capacity;
    summary.rows.push_back(row);
  }
  std::sort(summary.rows.begin(), summary.rows.end(),
            [](const StockRow& a, const StockRow& b) { return a.category < b.category; });
  const auto row_of = [&](CategoryId category) -> StockRow* {
    for (StockRow& r : summary.rows)
      if (r.category == category) return &r;
    return nullptr;
  };
  if (p->seat_map.present()) {
    // A seated category's capacity is its seats; blocked seats are never sold.
    const VenueLayout& layout = stock_.layout_of(*p);
    for (StockRow& r : summary.rows)
      if (r.seated) r.capacity = 0;
    for (uint32_t seat = 0; seat < layout.seat_count(); ++seat) {
      StockRow* r = row_of(layout.category_of(seat));
      if (!r || !r->seated) continue;
      ++r->capacity;
      if (seat_state(p->seat_map.seats[seat]) == kSeatBlocked) ++r->blocked;
    }
  }
  const OrderTable& table = book_.table();
  for (uint32_t slot = 0; slot < table.slot_count(); ++slot) {
    const Order& o = table.at(slot);
    if (!o.live()) continue;
    for (const OrderLine& l : o.lines) {
      if (l.performance != c.performance) continue;
      StockRow* r = row_of(l.category);
      if (!r) continue;
      switch (o.state) {
        case OrderState::kHeld:
          r->held += l.quantity;
          break;
        case OrderState::kOption:
          r->option += l.quantity;
          break;
        case OrderState::kReservation:
          r->reservation += l.quantity;
          break;
        case OrderState::kOverdue:
          r->overdue += l.quantity;
          break;
        default:
          r->confirmed += l.quantity;
          break;
      }
    }
  }
  // An archived performance's confirmed orders that left memory.
  const uint32_t pi = stock_.index_of(*p);
  for (StockRow& r : summary.rows) r.confirmed += stock_.retired_confirmed(pi, r.category);
  uint64_t free = 0;
  for (StockRow& r : summary.rows) {
    const uint32_t taken = r.blocked + r.held + r.option + r.overdue + r.reservation + r.confirmed;
    r.free = r.capacity > taken ? r.capacity - taken : 0;
    free += r.free;
  }
  Reply r;
  r.value = static_cast<int64_t>(free);
  return with_record_detail(std::move(r), ReplyDetail{std::move(summary)});
}

}  // namespace tessera::engine
