// OrderDesk: one handler per order command (see order_desk.h and the state
// machine in order_book.h).
#include "engine/order_desk.h"

#include <algorithm>
#include <cassert>

#include "engine/limits.h"

namespace tessera::engine {

namespace {

OrderState booked_state(BookingKind kind) {
  return kind == BookingKind::kOption ? OrderState::kOption : OrderState::kReservation;
}

Reply locked(OrderId id, const Order& o) {
  Reply r = refuse(ReplyCode::kLocked, cat("order ", id, " is locked: unlock it first"));
  r.order = id;
  r.state = o.state;
  return r;
}

}  // namespace

Reply wrong_state(OrderId id, const Order& o, const char* what) {
  Reply r = refuse(ReplyCode::kInvalidState, cat("order ", id, " is ", order_state_name(o.state), ": ", what));
  r.order = id;
  r.state = o.state;
  return r;
}

Reply OrderDesk::on(const Hold& c, const Caller& who) {
  // The cart's lifetime and extension allowance: the strictest of its products.
  int64_t lifetime_max = kHoldTtlMsMax;
  uint32_t extensions_max = UINT32_MAX;
  for (const LineRequest& l : c.lines)
    if (Reply bad = hold_limits(l.performance, who, &lifetime_max, &extensions_max); !bad.ok()) return bad;
  if (Reply bad = check_hold_ttl(c.ttl_ms, lifetime_max); !bad.ok()) return bad;
  Reply r = book_.place_lines(c.lines, {who.principal, c.contact, c.channel, OrderState::kHeld, now_ms_ + c.ttl_ms});
  if (!r.ok()) return r;
  Order& o = *book_.find(r.order);
  o.hold_until_max_ms = now_ms_ + lifetime_max;
  o.extensions_max = extensions_max;
  return r;
}

// A hold's ttl must be within the engine's range and the products' lifetime.
Reply OrderDesk::check_hold_ttl(int64_t ttl_ms, int64_t lifetime_max_ms) {
  if (ttl_ms < kHoldTtlMsMin || ttl_ms > kHoldTtlMsMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("hold ttl_ms must be in [", kHoldTtlMsMin, ", ", kHoldTtlMsMax, "]"));
  if (ttl_ms > lifetime_max_ms)
    return refuse(ReplyCode::kLimitExceeded, cat("a hold of these products lives at most ", lifetime_max_ms, " ms"));
  return Reply{};
}

Reply OrderDesk::hold_limits(PerformanceId performance, const Caller& who, int64_t* lifetime_max_ms,
                             uint32_t* extensions_max) const {
  const Performance* p = stock_.performances().find(performance);
  if (!p) return Reply{};  // taking the stock names the unknown performance
  const int64_t starts = p->definition.starts_at_ms;
  if (who.rules >= 1 && starts != 0 && starts <= now_ms_) return started_refusal(*p);
  const DefineProduct& product = catalog_.product(p->definition.product)->definition;
  *lifetime_max_ms = std::min(*lifetime_max_ms, product.hold_lifetime_max_ms);
  *extensions_max = std::min(*extensions_max, product.hold_extensions_max);
  return Reply{};
}

Reply OrderDesk::started_refusal(const Performance& p) const {
  const int64_t starts = p.definition.starts_at_ms;
  if (starts == 0 || starts > now_ms_) return Reply{};
  return refuse(ReplyCode::kInvalidState, cat("performance ", p.definition.performance, " started at ", starts,
                                              " (now ", now_ms_, "): it takes no new orders"));
}

Reply OrderDesk::on(const HoldSeats& c, const Caller& who) {
  int64_t lifetime_max = kHoldTtlMsMax;
  uint32_t extensions_max = UINT32_MAX;
  if (Reply bad = hold_limits(c.request.performance, who, &lifetime_max, &extensions_max); !bad.ok()) return bad;
  if (Reply bad = check_hold_ttl(c.ttl_ms, lifetime_max); !bad.ok()) return bad;
  Reply r = book_.place_seats(c.request, {who.principal, c.contact, c.channel, OrderState::kHeld, now_ms_ + c.ttl_ms});
  if (!r.ok()) return r;
  Order& o = *book_.find(r.order);
  o.hold_until_max_ms = now_ms_ + lifetime_max;
  o.extensions_max = extensions_max;
  return SeatInventory::seats_reply(o, r.order);
}

Reply OrderDesk::on(const HoldSeatsWithLines& c, const Caller& who) {
  // The cart's lifetime and extension allowance: the strictest of its products.
  int64_t lifetime_max = kHoldTtlMsMax;
  uint32_t extensions_max = UINT32_MAX;
  if (Reply bad = hold_limits(c.request.performance, who, &lifetime_max, &extensions_max); !bad.ok()) return bad;
  for (const LineRequest& l : c.lines)
    if (Reply bad = hold_limits(l.performance, who, &lifetime_max, &extensions_max); !bad.ok()) return bad;
  if (Reply bad = check_hold_ttl(c.ttl_ms, lifetime_max); !bad.ok()) return bad;
  Reply r = book_.place_mixed(c.request, c.lines,
                              {who.principal, c.contact, c.channel, OrderState::kHeld, now_ms_ + c.ttl_ms});
  if (!r.ok()) return r;
  Order& o = *book_.find(r.order);
  o.hold_until_max_ms = now_ms_ + lifetime_max;
  o.extensions_max = extensions_max;
  return SeatInventory::seats_reply(o, r.order);
}

Reply OrderDesk::check_not_started(const SeatRequest* seats, const std::vector<LineRequest>* lines, const Caller& who,
                                   int64_t* earliest_start) const {
  *earliest_start = 0;
  auto check = [&](PerformanceId id) -> Reply {
    const Performance* p = stock_.performances().find(id);
    if (!p || p->definition.starts_at_ms == 0) return Reply{};  // taking the stock names an unknown one
    const int64_t starts = p->definition.starts_at_ms;
    // A product that lets its bookings run past the start bounds no deadline.
    const bool past_start = catalog_.product(p->definition.product)->definition.deadline_after_start;
    if (!past_start && (*earliest_start == 0 || starts < *earliest_start)) *earliest_start = starts;
    return who.rules >= 1 ? started_refusal(*p) : Reply{};
  };
  if (seats)
    if (Reply r = check(seats->performance); !r.ok()) return r;
  if (lines)
    for (const LineRequest& l : *lines)
      if (Reply r = check(l.performance); !r.ok()) return r;
  return Reply{};
}

Reply OrderDesk::booking_deadline(int64_t given, PerformanceId performance, ChannelId channel, BookingKind kind,
                                  int64_t starts_ms, const Caller& who, int64_t* deadline) const {
  *deadline = given;
  const bool bounded = who.rules >= 1 && starts_ms != 0;
  if (bounded && starts_ms <= now_ms_)
    return refuse(ReplyCode::kInvalidState,
                  cat("the performance started at ", starts_ms, " (now ", now_ms_, "): it takes no new bookings"));
  if (given == 0) {
    const Performance* p = stock_.performances().find(performance);
    if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", performance, " not found on this shard"));
    const int64_t lifetime = catalog_.option_lifetime(p->definition.product, channel, kind);
    if (lifetime == 0)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("no deadline given, and product ", p->definition.product, " has no ",
                        kind == BookingKind::kOption ? "option" : "reservation", " lifetime for channel ", channel,
                        " (SetOptionLifetime)"));
    *deadline = now_ms_ + lifetime;
    if (bounded && *deadline > starts_ms) *deadline = starts_ms;  // it lapses when the performance starts
  } else if (bounded && given > starts_ms) {
    return refuse(ReplyCode::kInvalidArgument, cat("deadline ", given, " is after the performance starts (", starts_ms,
                                                   "): an option or reservation lapses by then at the latest "
                                                   "(unless its product sets deadline_after_start)"));
  }
  return check_deadline(*deadline, now_ms_);
}

Reply OrderDesk::on(const Book& c, const Caller& who) {
  if (c.lines.empty()) return refuse(ReplyCode::kInvalidArgument, "an order needs at least one line");
  int64_t starts = 0, deadline = 0;
  Reply r = check_not_started(nullptr, &c.lines, who, &starts);
  if (!r.ok()) return r;
  r = booking_deadline(c.deadline_ms, c.lines.front().performance, c.channel, c.kind, starts, who, &deadline);
  if (!r.ok()) return r;
  return book_.place_lines(c.lines, {who.principal, c.contact, c.channel, booked_state(c.kind), deadline});
}

Reply OrderDesk::on(const BookSeats& c, const Caller& who) {
  int64_t starts = 0, deadline = 0;
  Reply r = check_not_started(&c.request, nullptr, who, &starts);
  if (!r.ok()) return r;
  r = booking_deadline(c.deadline_ms, c.request.performance, c.channel, c.kind, starts, who, &deadline);
  if (!r.ok()) return r;
  r = book_.place_seats(c.request, {who.principal, c.contact, c.channel, booked_state(c.kind), deadline});
  if (!r.ok()) return r;
  return SeatInventory::seats_reply(*book_.find(r.order), r.order);
}

Reply OrderDesk::on(const BookSeatsWithLines& c, const Caller& who) {
  int64_t starts = 0, deadline = 0;
  Reply r = check_not_started(&c.request, &c.lines, who, &starts);
  if (!r.ok()) return r;
  r = booking_deadline(c.deadline_ms, c.request.performance, c.channel, c.kind, starts, who, &deadline);
  if (!r.ok()) return r;
  r = book_.place_mixed(c.request, c.lines, {who.principal, c.contact, c.channel, booked_state(c.kind), deadline});
  if (!r.ok()) return r;
  return SeatInventory::seats_reply(*book_.find(r.order), r.order);
}

Reply OrderDesk::on(const ExtendHold& c, const Caller& who) {
  Order* o = nullptr;
  Reply r = find_live(c.order, who, &o);
  if (!r.ok()) return r;
  if (o->state != OrderState::kHeld) return wrong_state(c.order, *o, "only holds are extended");
  if (c.ttl_ms < kHoldTtlMsMin || c.ttl_ms > kHoldTtlMsMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("hold ttl_ms must be in [", kHoldTtlMsMin, ", ", kHoldTtlMsMax, "]"));
  if (o->extensions >= o->extensions_max)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("hold ", c.order, " was extended ", o->extensions, " times already, the maximum"));
  if (now_ms_ + c.ttl_ms > o->hold_until_max_ms)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("hold ", c.order, " may not live past ", o->hold_until_max_ms, " (its maximum lifetime)"));
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  ++o->extensions;
  book_.set_deadline(*o, c.order, now_ms_ + c.ttl_ms);
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kHoldExtended,
               static_cast<uint64_t>(o->deadline_ms));
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const ConvertHold& c, const Caller& who) {
  if (c.kind > BookingKind::kReservation)
    return refuse(ReplyCode::kInvalidArgument, "kind must be option or reservation");
  Order* o = nullptr;
  Reply r = find_live(c.order, who, &o);
  if (!r.ok()) return r;
  if (o->state != OrderState::kHeld) return wrong_state(c.order, *o, "only holds become options or reservations");
  // The cart's performances may have started since it was made: a booking
  // still lapses at the earliest start (a started one refuses it).
  int64_t starts = 0;
  for (const OrderLine& l : o->lines) {
    const int64_t at = stock_.performances().items()[l.performance_index].definition.starts_at_ms;
    if (at != 0 && (starts == 0 || at < starts)) starts = at;
  }
  int64_t deadline = 0;
  r = booking_deadline(c.deadline_ms, o->lines.front().performance, o->channel, c.kind, starts, who, &deadline);
  if (!r.ok()) return r;
  o->kind = c.kind;
  book_.transition(*o, booked_state(c.kind), who.principal);
  const ExpiryRule rule = book_.expiry_rule_of(*o);
  o->policy = rule.policy;
  o->overdue_grace_ms = rule.overdue_grace_ms;
  book_.set_deadline(*o, c.order, deadline);
  o->due_ms = deadline;
  book_.follow_up().add(*o, c.order);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const Confirm& c, const Caller& who) {
  Order* o = nullptr;
  Reply r = find_live(c.order, who, &o);
  if (!r.ok()) return r;
  if (o->state == OrderState::kConfirmed) return wrong_state(c.order, *o, "already confirmed");
  if (!c.keep.empty()) {
    if (c.keep.size() != o->lines.size())
      return refuse(ReplyCode::kInvalidArgument, cat("keep lists ", c.keep.size(), " quantities; order ", c.order,
                                                     " has ", o->lines.size(), " lines"));
    uint32_t kept = 0;
    for (size_t i = 0; i < c.keep.size(); ++i) {
      if (c.keep[i] > o->lines[i].quantity)
        return refuse(ReplyCode::kInvalidArgument,
                      cat("line ", i, " holds ", o->lines[i].quantity, " units; cannot keep ", c.keep[i]));
      kept += c.keep[i];
    }
    if (kept == 0) return refuse(ReplyCode::kInvalidArgument, "confirming nothing: release the order instead");
    if (const OrderDossier* d = dossier_of(*o))
      for (size_t i = 0; i < c.keep.size(); ++i)
        if (d->participants_on(static_cast<uint32_t>(i)) > c.keep[i])
          return refuse(ReplyCode::kInvalidArgument,
                        cat("line ", i, " has ", d->participants_on(static_cast<uint32_t>(i)),
                            " participants; cannot keep ", c.keep[i], " units: remove participants first"));
    if (is_booking(o->state)) book_.follow_up().remove(*o, c.order);  // before its rows change
    book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kPartlyConfirmed,
                 uint64_t{kept} << 32 | o->quantity());
    // Partial confirmation: what is not kept returns now.
    for (size_t i = 0; i < c.keep.size(); ++i) {
      OrderLine& line = o->lines[i];
      book_.return_line(*o, line, line.quantity - c.keep[i]);
      line.quantity = c.keep[i];
    }
    if (dossier_of(*o) != nullptr)  // participants follow their lines as the emptied ones go
      for (Participant& p : open_dossier(*o).participants)
        p.line -= static_cast<uint32_t>(std::count(c.keep.begin(), c.keep.begin() + p.line, 0u));
    erase_if(o->lines, [](const OrderLine& l) { return l.quantity == 0; });
  } else if (is_booking(o->state)) {
    book_.follow_up().remove(*o, c.order);
  }
  book_.disarm_timer(*o);
  book_.transition(*o, OrderState::kConfirmed, who.principal);
  o->locked = false;
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const Release& c, const Caller& who) {
  Order* o = nullptr;
  Reply r = find_live(c.order, who, &o);
  if (!r.ok()) return r;
  if (o->state == OrderState::kConfirmed) return wrong_state(c.order, *o, "cancel a confirmed order instead");
  if (o->locked) return locked(c.order, *o);
  book_.close(*o, c.order, OrderState::kReleased, who.principal);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const Cancel& c, const Caller& who) {
  Order* o = nullptr;
  Reply r = find_live(c.order, who, &o);
  if (!r.ok()) return r;
  if (o->state != OrderState::kConfirmed)
    return wrong_state(c.order, *o, "only confirmed orders are cancelled; release or archive the others");
  if (Reply invoiced = invoiced_refusal(*o, c.order, "it is cancelled"); !invoiced.ok()) return invoiced;
  book_.close(*o, c.order, OrderState::kCancelled, who.principal);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const Archive& c, const Caller& who) {
  Order* o = nullptr;
  Reply r = find_live(c.order, who, &o);
  if (!r.ok()) return r;
  if (!is_booking(o->state)) return wrong_state(c.order, *o, "only options and reservations are archived");
  if (o->locked) return locked(c.order, *o);
  book_.close(*o, c.order, OrderState::kArchived, who.principal);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const Reinstate& c, const Caller& who) {
  Order* o = nullptr;
  Reply r = find_live(c.order, who, &o);
  if (!r.ok()) return r;
  if (o->state != OrderState::kOverdue) return wrong_state(c.order, *o, "only overdue orders are reinstated");
  r = check_deadline(c.deadline_ms, now_ms_);
  if (!r.ok()) return r;
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  book_.follow_up().remove(*o, c.order);
  book_.transition(*o, booked_state(o->kind), who.principal);
  book_.set_deadline(*o, c.order, c.deadline_ms);
  o->due_ms = c.deadline_ms;
  book_.follow_up().add(*o, c.order);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const SetReleaseMark& c, const Caller& who) {
  if (c.mark > ReleaseMark::kKeep) return refuse(ReplyCode::kInvalidArgument, "mark must be release or keep");
  Order* o = nullptr;
  Reply r = find_live(c.order, who, &o);
  if (!r.ok()) return r;
  if (!is_booking(o->state)) return wrong_state(c.order, *o, "only options and reservations carry a release mark");
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  book_.set_mark(*o, c.order, c.mark, who.principal);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const SetLock& c, const Caller& who) {
  Order* o = nullptr;
  Reply r = find_live(c.order, who, &o);
  if (!r.ok()) return r;
  if (!is_booking(o->state)) return wrong_state(c.order, *o, "only options and reservations are locked");
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  book_.set_locked(*o, c.order, c.locked, who.principal);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const GetOrder& c, const Caller& who) const {
  const Order* order = find_any(c.order, who);
  if (!order) return refuse(ReplyCode::kNotFound, cat("order ", c.order, " not found"));
  return order_reply(c.order, *order);
}

const Order* OrderDesk::find_any(OrderId id, const Caller& who) const {
  const Order* order = book_.find(id);
  if (order && !order->live() && order->lines.empty()) return nullptr;  // purged
  return order && (!who.own_orders_only || order->principal == who.principal) ? order : nullptr;
}

Reply OrderDesk::check_workflow_room(const Order& order, OrderId id) const {
  if (!book_.workflow_full(order)) return Reply{};
  return refuse(ReplyCode::kLimitExceeded, cat("order ", id, " has ", kOrderWorkflowMax,
                                               " workflow entries, the most operators' actions may add"));
}

Reply OrderDesk::find_live(OrderId id, const Caller& who, Order** order) {
  if (who.own_orders_only) {
    const Order* o = book_.find(id);
    if (!o || o->principal != who.principal) return refuse(ReplyCode::kNotFound, cat("order ", id, " not found"));
  }
  return book_.find_live(id, order);
}

}  // namespace tessera::engine
