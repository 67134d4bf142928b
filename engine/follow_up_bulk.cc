// FollowUpDesk bulk actions of the follow-up screen on selected orders: marks,
// locks, release of the selection, reminders, and filing an order.
//
// A selection is checked as a whole first (not empty, within
// kBulkOrdersMax, no order named twice): a bad selection changes nothing.
// Then each order gets its own outcome — done, or skipped with the reason —
// because the orders of one selection may be in any state by now (another
// clerk, an expiry). The runtime splits a selection by shard and puts the
// outcomes back in the order the client named them.
#include <algorithm>
#include <cassert>

#include "engine/follow_up_desk.h"
#include "engine/limits.h"

namespace tessera::engine {

Reply FollowUpDesk::check_selection(const std::vector<OrderId>& orders) {
  if (orders.empty()) return refuse(ReplyCode::kInvalidArgument, "select at least one order");
  if (orders.size() > kBulkOrdersMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", kBulkOrdersMax, " orders in one selection"));
  std::vector<OrderId> sorted = orders;
  std::sort(sorted.begin(), sorted.end());
  const auto twice = std::adjacent_find(sorted.begin(), sorted.end());
  if (twice != sorted.end()) return refuse(ReplyCode::kInvalidArgument, cat("order ", *twice, " is selected twice"));
  return Reply{};
}

// Calls apply_one(order, id) -> Outcome for each live order of the
// selection (after applying any expiry already due); unknown and closed
// orders get kNotFound / kSkippedState.
template <typename F>
Reply FollowUpDesk::for_each_selected(const std::vector<OrderId>& orders, F&& apply_one) {
  Reply r = check_selection(orders);
  if (!r.ok()) return r;
  BulkOutcomes out;
  out.orders.reserve(orders.size());
  for (OrderId id : orders) {
    Order* o = book_.table().find(id);
    if (!o) {
      out.orders.push_back(OrderOutcome{id, Outcome::kNotFound, OrderState::kReleased});
      continue;
    }
    if (o->live()) book_.expire_if_due(*o, id);
    const Outcome outcome = o->live() ? apply_one(*o, id) : Outcome::kSkippedState;
    out.orders.push_back(OrderOutcome{id, outcome, o->state});
    if (outcome == Outcome::kDone) ++r.value;
  }
  r.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(out)});
  return r;
}

Reply FollowUpDesk::on(const MarkOrders& c, const Caller& who) {
  if (c.mark > ReleaseMark::kKeep) return refuse(ReplyCode::kInvalidArgument, "mark must be release or keep");
  return for_each_selected(c.orders, [&](Order& o, OrderId id) {
    if (!is_booking(o.state)) return Outcome::kSkippedState;
    if (book_.workflow_full(o)) return Outcome::kSkippedWorkflowFull;
    book_.set_mark(o, id, c.mark, who.principal);
    return Outcome::kDone;
  });
}

Reply FollowUpDesk::on(const LockOrders& c, const Caller& who) {
  return for_each_selected(c.orders, [&](Order& o, OrderId id) {
    if (!is_booking(o.state)) return Outcome::kSkippedState;
    if (book_.workflow_full(o)) return Outcome::kSkippedWorkflowFull;
    book_.set_locked(o, id, c.locked, who.principal);
    return Outcome::kDone;
  });
}

Reply FollowUpDesk::on(const ReleaseOrders& c, const Caller& who) {
  return for_each_selected(c.orders, [&](Order& o, OrderId id) {
    if (!is_booking(o.state)) return Outcome::kSkippedState;
    if (o.locked) return Outcome::kSkippedLocked;
    if (o.mark == ReleaseMark::kKeep) return Outcome::kSkippedKept;
    book_.close(o, id, OrderState::kReleased, who.principal);
    return Outcome::kDone;
  });
}

ReminderItem FollowUpDesk::reminder_item(const Order& o, OrderId id) const {
  ReminderItem item;
  item.contact = o.contact;
  if (const Contact* c = contacts_.find(o.contact)) {
    item.contact_number = c->record.number;
    item.last_name = c->record.last_name;
    item.first_name = c->record.first_name;
    item.email = c->record.email;
  }
  item.reminder_rank = o.reminder_rank;
  item.order = id;
  item.file_number = o.file_number;
  item.due_ms = o.due_ms;
  const Performance& p = stock_.performances().items()[o.lines.front().performance_index];
  item.product_name = catalog_.product(p.definition.product)->definition.name;
  item.performance_starts_ms = p.definition.starts_at_ms;
  for (const OrderLine& line : o.lines) {
    item.amount_cents += int64_t{line.unit_price_cents} * line.quantity;
    item.quantity += line.quantity;
  }
  return item;
}

Reply FollowUpDesk::on(const RemindOrders& c, const Caller& who) {
  // Format 0: the default document (rules 5; before, not found).
  const DefineReminderFormat* format =
      c.format == 0 && who.rules >= 5 ? &default_order_reminder_format() : subscriptions_.format(c.format);
  if (!format) return refuse(ReplyCode::kNotFound, cat("reminder format ", c.format, " not found"));
  if (c.delivery > Delivery::kEmail) return refuse(ReplyCode::kInvalidArgument, "delivery must be file or email");
  ReminderBatch batch;
  batch.format = *format;
  batch.delivery = c.delivery;
  batch.templates = subscriptions_.templates_of(DocumentKind::kOrderReminder);
  Reply r = for_each_selected(c.orders, [&](Order& o, OrderId id) {
    if (!is_booking(o.state)) return Outcome::kSkippedState;
    if (book_.workflow_full(o)) return Outcome::kSkippedWorkflowFull;
    if (who.rules < 5) {
      note_reminder(o, c.format, c.delivery, who);  // recorded before the export, as then
      batch.items.push_back(reminder_item(o, id));
    } else {
      batch.items.push_back(reminder_item(o, id));
      ++batch.items.back().reminder_rank;  // the rank this reminder carries, once delivered
    }
    return Outcome::kDone;
  });
  if (!r.ok()) return r;
  batch.outcomes = std::move(std::get<BulkOutcomes>(r.detail->value).orders);
  std::sort(batch.items.begin(), batch.items.end(), [](const ReminderItem& a, const ReminderItem& b) {
    return a.contact_number != b.contact_number ? a.contact_number < b.contact_number : a.order < b.order;
  });
  r.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(batch)});
  return r;
}

void FollowUpDesk::note_reminder(Order& o, uint32_t format, Delivery delivery, const Caller& who) {
  ++o.reminder_rank;
  o.reminded_ms = now_ms_;
  if (book_.workflow_full(o)) return;  // the rank counts it; the workflow has no room left
  const uint64_t reference = uint64_t{o.reminder_rank} << 32 | format;
  if (delivery == Delivery::kEmail) {
    book_.record(o, WorkflowAction::kEmailSent, who.principal, WorkflowDetail::kReminderEmail, reference);
  } else {
    book_.record(o, WorkflowAction::kModified, who.principal, WorkflowDetail::kReminderLetter, reference);
  }
}

Reply FollowUpDesk::on(const RecordOrderReminders& c, const Caller& who) {
  if (c.delivery != Delivery::kFile && c.delivery != Delivery::kEmail)
    return refuse(ReplyCode::kInvalidArgument, "delivery must be file or email");
  return for_each_selected(c.orders, [&](Order& o, OrderId) {
    if (!is_booking(o.state)) return Outcome::kSkippedState;  // closed since the export: nothing to note
    note_reminder(o, c.format, c.delivery, who);
    return Outcome::kDone;
  });
}

Reply FollowUpDesk::on(const SetOrderFile& c, const Caller& who) {
  Order* o = nullptr;
  Reply r = book_.find_live(c.order, &o);
  if (!r.ok()) return r;
  if (book_.workflow_full(*o))
    return refuse(ReplyCode::kLimitExceeded, cat("order ", c.order, " has ", kOrderWorkflowMax,
                                                 " workflow entries, the most operators' actions may add"));
  o->file_number = c.file_number;
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kFiled, c.file_number);
  return order_reply(c.order, *o);
}

}  // namespace tessera::engine
