// Shard order commands: one handler per transition of the order state
// machine (see the diagram in shard.h). Each validates before it changes
// anything, so a refusal leaves the shard exactly as it was.
#include <algorithm>
#include <cassert>

#include "engine/limits.h"
#include "engine/shard.h"

namespace tessera::engine {

namespace {

Reply wrong_state(OrderId id, const Order& o, const char* what) {
  Reply r = refuse(ReplyCode::kInvalidState, cat("order ", id, " is ", order_state_name(o.state), ": ", what));
  r.order = id;
  r.state = o.state;
  return r;
}

Reply locked(OrderId id, const Order& o) {
  Reply r = refuse(ReplyCode::kLocked, cat("order ", id, " is locked: unlock it first"));
  r.order = id;
  r.state = o.state;
  return r;
}

}  // namespace

Reply Shard::on(const Hold& c) {
  // The cart's lifetime and extension allowance: the strictest of its products.
  int64_t lifetime_max = kHoldTtlMsMax;
  uint32_t extensions_max = UINT32_MAX;
  for (const LineRequest& l : c.lines) hold_limits(l.performance, &lifetime_max, &extensions_max);
  if (Reply bad = check_hold_ttl(c.ttl_ms, lifetime_max); !bad.ok()) return bad;
  Reply r = place_order(c.lines, c.contact, c.channel, OrderState::kHeld, now_ms_ + c.ttl_ms);
  if (!r.ok()) return r;
  Order& o = *orders_.find(r.order);
  o.hold_until_max_ms = now_ms_ + lifetime_max;
  o.extensions_max = extensions_max;
  return r;
}

// A hold's ttl must be within the engine's range and the products' lifetime.
Reply Shard::check_hold_ttl(int64_t ttl_ms, int64_t lifetime_max_ms) const {
  if (ttl_ms < kHoldTtlMsMin || ttl_ms > kHoldTtlMsMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("hold ttl_ms must be in [", kHoldTtlMsMin, ", ", kHoldTtlMsMax, "]"));
  if (ttl_ms > lifetime_max_ms)
    return refuse(ReplyCode::kLimitExceeded, cat("a hold of these products lives at most ", lifetime_max_ms, " ms"));
  return Reply{};
}

void Shard::hold_limits(PerformanceId performance, int64_t* lifetime_max_ms, uint32_t* extensions_max) const {
  const Performance* p = performances_.find(performance);
  if (!p) return;  // taking the stock names the unknown performance
  const DefineProduct& product = catalog_.product(p->definition.product)->definition;
  *lifetime_max_ms = std::min(*lifetime_max_ms, product.hold_lifetime_max_ms);
  *extensions_max = std::min(*extensions_max, product.hold_extensions_max);
}

Reply Shard::on(const HoldSeats& c) {
  int64_t lifetime_max = kHoldTtlMsMax;
  uint32_t extensions_max = UINT32_MAX;
  hold_limits(c.request.performance, &lifetime_max, &extensions_max);
  if (Reply bad = check_hold_ttl(c.ttl_ms, lifetime_max); !bad.ok()) return bad;
  Reply r = place_seats(c.request, c.contact, c.channel, OrderState::kHeld, now_ms_ + c.ttl_ms);
  if (!r.ok()) return r;
  Order& o = *orders_.find(r.order);
  o.hold_until_max_ms = now_ms_ + lifetime_max;
  o.extensions_max = extensions_max;
  return seats_reply(o, r.order);
}

Reply Shard::on(const BookSeats& c) {
  Reply r = check_deadline(c.deadline_ms);
  if (!r.ok()) return r;
  r = place_seats(c.request, c.contact, c.channel,
                  c.kind == BookingKind::kOption ? OrderState::kOption : OrderState::kReservation, c.deadline_ms);
  if (!r.ok()) return r;
  return seats_reply(*orders_.find(r.order), r.order);
}

Reply Shard::on(const Book& c) {
  Reply r = check_deadline(c.deadline_ms);
  if (!r.ok()) return r;
  return place_order(c.lines, c.contact, c.channel,
                     c.kind == BookingKind::kOption ? OrderState::kOption : OrderState::kReservation, c.deadline_ms);
}

Reply Shard::on(const ExtendHold& c) {
  Order* o = nullptr;
  Reply r = find_live(c.order, &o);
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
  ++o->extensions;
  set_deadline(*o, c.order, now_ms_ + c.ttl_ms);
  return order_reply(c.order, *o);
}

Reply Shard::on(const ConvertHold& c) {
  Order* o = nullptr;
  Reply r = find_live(c.order, &o);
  if (!r.ok()) return r;
  if (o->state != OrderState::kHeld) return wrong_state(c.order, *o, "only holds become options or reservations");
  r = check_deadline(c.deadline_ms);
  if (!r.ok()) return r;
  o->kind = c.kind;
  transition(*o, c.kind == BookingKind::kOption ? OrderState::kOption : OrderState::kReservation);
  const ExpiryRule rule = expiry_rule_of(*o);
  o->policy = rule.policy;
  o->overdue_grace_ms = rule.overdue_grace_ms;
  set_deadline(*o, c.order, c.deadline_ms);
  o->due_ms = c.deadline_ms;
  follow_up_.add(*o, c.order);
  return order_reply(c.order, *o);
}

Reply Shard::on(const Confirm& c) {
  Order* o = nullptr;
  Reply r = find_live(c.order, &o);
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
    if (is_booking(o->state)) follow_up_.remove(*o, c.order);  // before its rows change
    // Partial confirmation: what is not kept returns now.
    for (size_t i = 0; i < c.keep.size(); ++i) {
      OrderLine& line = o->lines[i];
      return_line(*o, line, line.quantity - c.keep[i]);
      line.quantity = c.keep[i];
    }
    std::erase_if(o->lines, [](const OrderLine& l) { return l.quantity == 0; });
  } else if (is_booking(o->state)) {
    follow_up_.remove(*o, c.order);
  }
  disarm_timer(*o);
  transition(*o, OrderState::kConfirmed);
  o->locked = false;
  return order_reply(c.order, *o);
}

Reply Shard::on(const Release& c) {
  Order* o = nullptr;
  Reply r = find_live(c.order, &o);
  if (!r.ok()) return r;
  if (o->state == OrderState::kConfirmed) return wrong_state(c.order, *o, "cancel a confirmed order instead");
  if (o->locked) return locked(c.order, *o);
  close(*o, c.order, OrderState::kReleased);
  return order_reply(c.order, *o);
}

Reply Shard::on(const Cancel& c) {
  Order* o = nullptr;
  Reply r = find_live(c.order, &o);
  if (!r.ok()) return r;
  if (o->state != OrderState::kConfirmed)
    return wrong_state(c.order, *o, "only confirmed orders are cancelled; release or archive the others");
  close(*o, c.order, OrderState::kCancelled);
  return order_reply(c.order, *o);
}

Reply Shard::on(const Archive& c) {
  Order* o = nullptr;
  Reply r = find_live(c.order, &o);
  if (!r.ok()) return r;
  if (!is_booking(o->state)) return wrong_state(c.order, *o, "only options and reservations are archived");
  if (o->locked) return locked(c.order, *o);
  close(*o, c.order, OrderState::kArchived);
  return order_reply(c.order, *o);
}

Reply Shard::on(const Reinstate& c) {
  Order* o = nullptr;
  Reply r = find_live(c.order, &o);
  if (!r.ok()) return r;
  if (o->state != OrderState::kOverdue) return wrong_state(c.order, *o, "only overdue orders are reinstated");
  r = check_deadline(c.deadline_ms);
  if (!r.ok()) return r;
  follow_up_.remove(*o, c.order);
  transition(*o, o->kind == BookingKind::kOption ? OrderState::kOption : OrderState::kReservation);
  set_deadline(*o, c.order, c.deadline_ms);
  o->due_ms = c.deadline_ms;
  follow_up_.add(*o, c.order);
  return order_reply(c.order, *o);
}

Reply Shard::on(const SetReleaseMark& c) {
  Order* o = nullptr;
  Reply r = find_live(c.order, &o);
  if (!r.ok()) return r;
  if (!is_booking(o->state)) return wrong_state(c.order, *o, "only options and reservations carry a release mark");
  o->mark = c.mark;
  follow_up_.update_flags(*o, c.order);
  return order_reply(c.order, *o);
}

Reply Shard::on(const SetLock& c) {
  Order* o = nullptr;
  Reply r = find_live(c.order, &o);
  if (!r.ok()) return r;
  if (!is_booking(o->state)) return wrong_state(c.order, *o, "only options and reservations are locked");
  set_locked(*o, c.order, c.locked);
  return order_reply(c.order, *o);
}

void Shard::set_locked(Order& o, OrderId id, bool locked) {
  if (o.locked == locked) return;
  o.locked = locked;
  if (is_booking(o.state)) follow_up_.update_flags(o, id);
  if (locked) {
    disarm_timer(o);
  } else {
    arm_timer(o, id);
  }
}

}  // namespace tessera::engine
