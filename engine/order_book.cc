// OrderBook: placing orders, their transitions, deadlines and timers (see
// order_book.h).
#include "engine/order_book.h"

#include <algorithm>
#include <cassert>

#include "engine/limits.h"

namespace tessera::engine {

OrderBook::OrderBook(uint32_t shard, uint32_t orders_reserved, StockLedger& stock, SeatInventory& seats,
                     ContingentTree& contingents, ShardTimers& timers, const Catalog& catalog, const int64_t& now_ms)
    : stock_(stock),
      seats_(seats),
      contingents_(contingents),
      timers_(timers),
      catalog_(catalog),
      now_ms_(now_ms),
      orders_(shard, orders_reserved) {}

// ---- Placing orders ---------------------------------------------------------------

Reply OrderBook::place_lines(const Lines& lines, const NewOrder& order) {
  // Stock is taken into a scratch order first, so a refusal touches no slot.
  Order scratch;
  scratch.lines = std::move(scratch_lines_);
  Reply r = take_lines(lines, order.channel, order.contact, &scratch);
  return finish(scratch, std::move(r), order);
}

Reply OrderBook::place_seats(const SeatRequest& request, const NewOrder& order) {
  Order scratch;
  scratch.lines = std::move(scratch_lines_);
  Reply r = seats_.take(request, order.channel, order.contact, &scratch);
  return finish(scratch, std::move(r), order);
}

Reply OrderBook::place_mixed(const SeatRequest& request, const Lines& lines, const NewOrder& order) {
  Order scratch;
  scratch.lines = std::move(scratch_lines_);
  Reply r = take_mixed(request, lines, order.channel, order.contact, &scratch);
  return finish(scratch, std::move(r), order);
}

// Takes all lines or none. Every line is validated before any stock is
// looked at, so a malformed order is refused as such even when sold out.
Reply OrderBook::take_lines(const Lines& lines, ChannelId channel, ContactId contact, Order* order) {
  if (lines.empty()) return refuse(ReplyCode::kInvalidArgument, "an order needs at least one line");
  if (lines.size() > kOrderLinesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("an order has at most ", kOrderLinesMax, " lines"));
  if (!catalog_.has_channel(channel)) return refuse(ReplyCode::kNotFound, cat("channel ", channel, " not found"));
  order->channel = channel;
  order->contact = contact;
  order->lines.clear();
  Reply r = stock_.validate_lines(lines, channel, contact, &order->lines);
  if (!r.ok()) {
    order->lines.clear();
    return r;
  }
  return stock_.consume(*order);
}

Reply OrderBook::take_mixed(const SeatRequest& q, const Lines& lines, ChannelId channel, ContactId contact,
                            Order* order) {
  if (lines.empty())
    return refuse(ReplyCode::kInvalidArgument, "a mixed order needs a general-admission line (else use HoldSeats)");
  if (lines.size() >= kOrderLinesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("an order has at most ", kOrderLinesMax, " lines"));
  Order units;
  Reply r = stock_.validate_lines(lines, channel, contact, &units.lines);
  if (!r.ok()) return r;
  r = seats_.take(q, channel, contact, order);
  if (!r.ok()) return r;
  uint64_t quantity = 0;
  for (const OrderLine& line : order->lines) quantity += line.quantity;
  for (const OrderLine& line : units.lines) quantity += line.quantity;
  if (order->lines.size() + units.lines.size() > kOrderLinesMax || quantity > kOrderQuantityMax) {
    r = refuse(ReplyCode::kLimitExceeded, cat("an order has at most ", kOrderLinesMax, " lines (each run of adjacent",
                                              " seats is one) and ", kOrderQuantityMax, " units"));
  } else {
    units.channel = channel;
    units.contact = contact;
    r = stock_.consume(units);
  }
  if (!r.ok()) {
    return_stock(*order);  // the seats go back to exactly their previous state
    order->lines.clear();
    return r;
  }
  order->lines.insert(order->lines.end(), units.lines.begin(), units.lines.end());
  assert(order->lines.front().seat != kNoSeat && order->lines.back().seat == kNoSeat);
  return r;
}

// Moves the stock taken into `scratch` (unless `taken` is a refusal) into a
// new order slot and arms its timer.
Reply OrderBook::finish(Order& scratch, Reply taken, const NewOrder& order) {
  const OrderState state = order.state;
  const int64_t deadline_ms = order.deadline_ms;
  Reply r = std::move(taken);
  if (r.ok() && orders_.live_count() >= kLiveOrdersPerShardMax) {
    return_stock(scratch);
    r = refuse(ReplyCode::kLimitExceeded, "this shard holds its maximum of live orders");
  }
  if (!r.ok()) {
    scratch.lines.clear();
    scratch_lines_ = std::move(scratch.lines);
    return r;
  }
  const uint32_t slot = orders_.allocate(kLiveOrdersPerShardMax);
  assert(slot != OrderTable::kNoSlot);
  Order& o = orders_.at(slot);
  std::swap(o.lines, scratch.lines);
  scratch.lines.clear();
  scratch_lines_ = std::move(scratch.lines);
  o.channel = order.channel;
  o.contact = order.contact;
  o.principal = order.creator;
  TESSERA_CHECK(is_initial_state(state));
  o.state = state;
  o.created_ms = now_ms_;
  o.deadline_ms = deadline_ms;
  if (state != OrderState::kHeld) {
    o.kind = state == OrderState::kOption ? BookingKind::kOption : BookingKind::kReservation;
    const ExpiryRule rule = expiry_rule_of(o);
    o.policy = rule.policy;
    o.overdue_grace_ms = rule.overdue_grace_ms;
  }
  // The workflow's "created" entry is not stored: created_ms, principal and
  // the initial state say it (OrderDesk::record_of), so a new order writes
  // nothing to its cold part.
  const OrderId id = orders_.id_of(slot);
  arm_timer(o, id);
  if (state != OrderState::kHeld) {
    o.due_ms = deadline_ms;
    follow_up_.add(o, id);
  }
  return order_reply(id, o);
}

ExpiryRule OrderBook::expiry_rule_of(const Order& order) const {
  assert(!order.lines.empty());
  const Performance& p = stock_.performances().items()[order.lines.front().performance_index];
  const Product* product = catalog_.product(p.definition.product);
  assert(product);
  return catalog_.expiry_rule(*product, order.channel);
}

// ---- Returning stock and closing -------------------------------------------------

// Returns the last `quantity` units of a line (for a seated line, the last
// seats of its run: a partial confirmation keeps the first ones).
void OrderBook::return_line(const Order& order, const OrderLine& line, uint32_t quantity) {
  assert(quantity <= line.quantity);
  if (quantity == 0) return;
  stock_.give_back(order, line, quantity);
  const uint32_t first_seat = line.seat == kNoSeat ? kNoSeat : line.seat + line.quantity - quantity;
  if (first_seat != kNoSeat) seats_.give_back(line, first_seat, quantity);
  if (line.contingent != kNone && stock_.contingents().items()[line.contingent_index].released)
    contingents_.flow_back(line, first_seat, quantity);
}

Reply OrderBook::add_unit(Order& order, OrderId id, uint32_t line) {
  TESSERA_CHECK(order.live() && line < order.lines.size());
  if (order.lines[line].seat != kNoSeat)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("line ", line, " of order ", id, " is seated: a participant takes one of its seats"));
  if (order.lines[line].quantity >= kLineQuantityMax || order.quantity() >= kOrderQuantityMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("at most ", kLineQuantityMax, " units per line and ", kOrderQuantityMax, " per order"));
  if (Reply r = stock_.take_more(order, order.lines[line], 1); !r.ok()) return r;
  const bool booked = is_booking(order.state);
  if (booked) follow_up_.remove(order, id);  // before its rows change
  ++order.lines[line].quantity;
  if (booked) follow_up_.add(order, id);
  return Reply{};
}

void OrderBook::remove_unit(Order& order, OrderId id, uint32_t line) {
  TESSERA_CHECK(order.live() && line < order.lines.size() && order.quantity() > 1);
  const bool booked = is_booking(order.state);
  if (booked) follow_up_.remove(order, id);
  return_line(order, order.lines[line], 1);
  if (--order.lines[line].quantity == 0) erase_if(order.lines, [](const OrderLine& l) { return l.quantity == 0; });
  if (booked) follow_up_.add(order, id);
}

Reply OrderBook::move_lines(Order& order, OrderId id, PerformanceId to) {
  TESSERA_CHECK(order.live());
  Lines wanted;
  for (size_t i = 0; i < order.lines.size(); ++i) {
    const OrderLine& l = order.lines[i];
    if (l.seat != kNoSeat)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("line ", i, " of order ", id, " is seated: a seat does not move to another departure"));
    if (l.contingent != kNone)
      return refuse(ReplyCode::kInvalidArgument, cat("line ", i, " of order ", id, " is in contingent ", l.contingent,
                                                     ", which is its departure's own: release it first"));
    wanted.push_back(LineRequest{to, l.category, l.tariff, l.quantity, kNone});
  }
  Order moved;
  moved.channel = order.channel;
  moved.contact = order.contact;
  if (Reply r = stock_.validate_lines(wanted, order.channel, order.contact, &moved.lines); !r.ok()) return r;
  for (size_t i = 0; i < order.lines.size(); ++i) moved.lines[i].unit_price_cents = order.lines[i].unit_price_cents;
  if (Reply r = stock_.consume(moved); !r.ok()) return r;  // all of it, or nothing taken
  const bool booked = is_booking(order.state);
  if (booked) follow_up_.remove(order, id);
  return_stock(order);
  std::swap(order.lines, moved.lines);
  if (booked) follow_up_.add(order, id);
  return Reply{};
}

void OrderBook::return_stock(const Order& order) {
  for (const OrderLine& line : order.lines) return_line(order, line, line.quantity);
}

Reply OrderBook::find_live(OrderId id, Order** order) {
  Order* o = orders_.find(id);
  if (!o) return refuse(ReplyCode::kNotFound, cat("order ", id, " not found"));
  if (o->live()) expire_if_due(*o, id);
  if (!o->live()) {
    Reply r = refuse(ReplyCode::kInvalidState, cat("order ", id, " is ", order_state_name(o->state)));
    r.order = id;
    r.state = o->state;
    return r;
  }
  *order = o;
  return Reply{};
}

uint32_t OrderBook::reassign_contact(ContactId from, ContactId to) {
  uint32_t moved = 0;
  for (uint32_t slot = 0; slot < orders_.slot_count(); ++slot) {
    Order& o = orders_.at(slot);
    if (o.contact != from) continue;
    ++moved;
    if (!o.live()) {
      o.contact = to;
      continue;
    }
    const OrderId id = orders_.id_of(slot);
    const bool booked = is_booking(o.state);  // options and reservations have follow-up rows
    if (booked) follow_up_.remove(o, id);
    for (const OrderLine& line : o.lines) stock_.count_contact(line.performance_index, from, -int64_t{line.quantity});
    o.contact = to;
    for (const OrderLine& line : o.lines) stock_.count_contact(line.performance_index, to, line.quantity);
    if (booked) follow_up_.add(o, id);
  }
  return moved;
}

Reply OrderBook::give_to_contact(Order& order, OrderId id, ContactId to, PrincipalId by) {
  TESSERA_CHECK(order.live());
  if (order.contact == to) return order_reply(id, order);
  // The units of each performance the order holds, against `to`'s limit there.
  for (const OrderLine& line : order.lines) {
    uint32_t units = 0;
    for (const OrderLine& other : order.lines)
      if (other.performance_index == line.performance_index) units += other.quantity;
    const uint32_t room = stock_.contact_available(line.performance_index, to);
    if (units > room)
      return refuse(ReplyCode::kLimitExceeded, cat("contact ", to, " may hold ", room, " more units of performance ",
                                                   line.performance, "; the request holds ", units));
  }
  const bool booked = is_booking(order.state);
  if (booked) follow_up_.remove(order, id);
  for (const OrderLine& line : order.lines) {
    stock_.count_contact(line.performance_index, order.contact, -int64_t{line.quantity});
    stock_.count_contact(line.performance_index, to, line.quantity);
  }
  order.contact = to;
  if (booked) follow_up_.add(order, id);
  record(order, WorkflowAction::kModified, by, WorkflowDetail::kPreRegistrationIntegrated, to.value());
  return order_reply(id, order);
}

void OrderBook::option_to_reservation(Order& order, OrderId id, PrincipalId by) {
  TESSERA_CHECK(order.state == OrderState::kOption);
  follow_up_.remove(order, id);
  transition(order, OrderState::kReservation, by);
  order.kind = BookingKind::kReservation;
  follow_up_.add(order, id);
}

void OrderBook::close(Order& order, OrderId id, OrderState closed_state, PrincipalId by, const FollowUpBulk* bulk) {
  TESSERA_CHECK(order.live());
  TESSERA_CHECK(is_closed(closed_state));
  if (is_booking(order.state)) follow_up_.remove(order, id, bulk);
  return_stock(order);
  timers_.disarm(&order.timer);
  // The state change, as transition() would record it but in the hot part.
  TESSERA_CHECK_MSG(is_legal_transition(order.state, closed_state), order_state_name(order.state).data());
  order.closed_from = order.state;
  order.state = closed_state;
  order.closed_ms = now_ms_;
  order.closed_by = by;
  order.close_at_event = order.workflow_size;
  if (on_close_) on_close_(order, id);
  orders_.free(order_slot(id));
}

void OrderBook::retire(uint32_t slot) {
  Order& order = orders_.at(slot);
  TESSERA_CHECK(order.state == OrderState::kConfirmed);
  for (const OrderLine& line : order.lines) stock_.retire_line(order, line);
  if (on_close_) on_close_(order, orders_.id_of(slot));
  orders_.retire(slot);
}

void OrderBook::transition(Order& order, OrderState to, PrincipalId by) {
  TESSERA_CHECK_MSG(is_legal_transition(order.state, to), order_state_name(order.state).data());
  const OrderState from = order.state;
  order.state = to;
  append(order, WorkflowEvent{now_ms_, by, WorkflowAction::kStateChanged, from, to, WorkflowDetail::kNothing, 0});
}

void OrderBook::record(Order& order, WorkflowAction action, PrincipalId by, WorkflowDetail what, uint64_t arg) {
  append(order, WorkflowEvent{now_ms_, by, action, order.state, order.state, what, arg});
}

void OrderBook::append(Order& order, const WorkflowEvent& event) {
  std::vector<WorkflowEvent>& workflow = cold(order).workflow;
  TESSERA_CHECK(workflow.size() == order.workflow_size);
  workflow.push_back(event);
  ++order.workflow_size;
}

// ---- Deadlines and timers -------------------------------------------------------

bool OrderBook::needs_timer(const Order& o) {
  if (!o.live() || o.locked) return false;
  switch (o.state) {
    case OrderState::kHeld:
    case OrderState::kOverdue:
      return true;
    case OrderState::kOption:
    case OrderState::kReservation:
      return o.policy != ExpiryPolicy::kKeepUntilReleased;
    default:
      return false;
  }
}

void OrderBook::arm_timer(Order& o, OrderId id) {
  assert(!o.timer.valid());
  if (!needs_timer(o)) return;
  o.timer = timers_.arm(o.deadline_ms, id.value(), &o.timer_seq);
}

void OrderBook::set_deadline(Order& o, OrderId id, int64_t deadline_ms) {
  timers_.disarm(&o.timer);
  o.deadline_ms = deadline_ms;
  arm_timer(o, id);
}

void OrderBook::expire_if_due(Order& o, OrderId id) {
  // A loop: an option past its deadline may also be past its grace period.
  while (o.timer.valid() && o.deadline_ms <= now_ms_) {
    timers_.disarm(&o.timer);
    on_deadline(id);
  }
}

// The timer of order `id` is gone (fired or disarmed); apply its deadline.
void OrderBook::on_deadline(OrderId id) {
  Order* o = orders_.find(id);
  assert(o && o->live() && !o->locked);
  o->timer = TimerId{};
  switch (o->state) {
    case OrderState::kHeld:
      close(*o, id, OrderState::kExpired, kSystem);
      return;
    case OrderState::kOption:
    case OrderState::kReservation:
      if (o->policy == ExpiryPolicy::kOverdueThenArchive) {
        transition(*o, OrderState::kOverdue, kSystem);
        o->deadline_ms += o->overdue_grace_ms;
        arm_timer(*o, id);
      } else {
        assert(o->policy == ExpiryPolicy::kReleaseAtDeadline);
        close(*o, id, OrderState::kArchived, kSystem);
      }
      return;
    case OrderState::kOverdue:
      close(*o, id, OrderState::kArchived, kSystem);
      return;
    default:
      assert(false && "timer on an order that cannot expire");
  }
}

void OrderBook::set_locked(Order& o, OrderId id, bool locked, PrincipalId by) {
  if (o.locked == locked) return;
  o.locked = locked;
  record(o, WorkflowAction::kModified, by, locked ? WorkflowDetail::kLocked : WorkflowDetail::kUnlocked);
  if (is_booking(o.state)) follow_up_.update_flags(o, id);
  if (locked) {
    timers_.disarm(&o.timer);
  } else {
    arm_timer(o, id);
  }
}

void OrderBook::set_mark(Order& o, OrderId id, ReleaseMark mark, PrincipalId by) {
  if (o.mark == mark) return;
  o.mark = mark;
  follow_up_.update_flags(o, id);
  record(o, WorkflowAction::kModified, by,
         mark == ReleaseMark::kKeep ? WorkflowDetail::kMarkedKeep : WorkflowDetail::kMarkedRelease);
}

// ---- Invariants ---------------------------------------------------------------------

Status OrderBook::check_invariants(uint32_t* timed) const {
  uint32_t live = 0;
  const TimingWheel& wheel = timers_.wheel();
  for (uint32_t slot = 0; slot < orders_.slot_count(); ++slot) {
    const Order& o = orders_.at(slot);
    const OrderId id = orders_.id_of(slot);
    if (o.workflow_size != orders_.cold(slot).workflow.size())
      return Status::internal(cat("order ", id, " counts ", o.workflow_size, " workflow entries, stores ",
                                  orders_.cold(slot).workflow.size()));
    if (!o.live()) {
      if (o.timer.valid()) return Status::internal(cat("closed order ", id, " still has a timer"));
      if (o.close_recorded() && o.close_at_event > o.workflow_size)
        return Status::internal(cat("closed order ", id, " closes after its last workflow entry"));
      continue;
    }
    if (o.close_recorded()) return Status::internal(cat("live order ", id, " has a closing"));
    ++live;
    if (o.lines.empty()) return Status::internal(cat("live order ", id, " has no lines"));
    for (const OrderLine& line : o.lines)
      if (line.quantity == 0) return Status::internal(cat("order ", id, " has an empty line"));
    if (needs_timer(o) != o.timer.valid())
      return Status::internal(
          cat("order ", id, " (", order_state_name(o.state), ") timer ", o.timer.valid() ? "armed" : "missing"));
    if (o.timer.valid()) {
      ++*timed;
      // A deadline already past when the timer was armed is due at the next tick.
      const int64_t due = wheel.pending(o.timer) ? wheel.due_ms(o.timer) : -1;
      const bool due_ok = due == o.deadline_ms || (o.deadline_ms < due && due <= now_ms_ + 1);
      if (!wheel.pending(o.timer) || wheel.payload(o.timer) != id.value() || !due_ok)
        return Status::internal(cat("order ", id, " timer does not match its deadline ", o.deadline_ms));
    }
  }
  if (live != orders_.live_count())
    return Status::internal(cat("live order count ", orders_.live_count(), " != recount ", live));
  return check_follow_up_index();
}

// The follow-up index holds exactly the rows of the live options and
// reservations (recounted), each under its order's current deadline.
Status OrderBook::check_follow_up_index() const {
  size_t rows = 0;
  Status s;
  for (uint32_t slot = 0; slot < orders_.slot_count() && s.is_ok(); ++slot) {
    const Order& o = orders_.at(slot);
    if (!o.live() || !is_booking(o.state)) continue;
    const OrderId id = orders_.id_of(slot);
    FollowUpIndex::for_each_row(o, id, [&](uint32_t pi, const FollowUpEntry& e) {
      ++rows;
      const FollowUpIndex::Bucket* b = follow_up_.find(pi, o.kind);
      const auto at = b ? b->lower_bound(e) : FollowUpIndex::Bucket::Position{};
      if (s.is_ok() &&
          (!b || b->at_end(at) || FollowUpEntryLess{}(e, b->get(at)) || b->get(at).quantity != e.quantity ||
           b->get(at).contact != e.contact || b->get(at).flags != e.flags))
        s = Status::internal(cat("order ", id, " line ", e.line, " is missing from the follow-up index"));
    });
  }
  if (s.is_ok() && rows != follow_up_.size())
    s = Status::internal(cat("follow-up index holds ", follow_up_.size(), " rows, recount ", rows));
  if (s.is_ok() && !follow_up_.runs_match_rows())
    s = Status::internal("the follow-up index's runs by channel, tariff, contingent or contact differ from its rows");
  return s;
}

}  // namespace tessera::engine
