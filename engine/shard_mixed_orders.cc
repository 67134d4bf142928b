// Shard orders mixing seats and general admission: the seats of one
// SeatRequest and general-admission lines in one order (HoldSeatsWithLines,
// BookSeatsWithLines), all or nothing.
//
// Key design choice: reuse the two paths as they are. The GA lines are
// validated first (no stock taken), the seats are then taken exactly as by
// HoldSeats, the GA units last under their own quotas (which see the seats
// just taken: performance capacity, channel cap, contact limit). A refusal
// of the units returns the seats and their units (return_stock restores
// each seat's exact state), so a refused command leaves the shard as it was.
// The order's seat lines come first, then its GA lines; release, expiry,
// cancellation and confirmation treat each line as usual.
#include <cassert>

#include "engine/limits.h"
#include "engine/shard.h"

namespace tessera::engine {

Reply Shard::take_seats_and_lines(const SeatRequest& q, const Lines& lines, ChannelId channel, ContactId contact,
                                  Order* order) {
  if (lines.empty())
    return refuse(ReplyCode::kInvalidArgument, "a mixed order needs a general-admission line (else use HoldSeats)");
  if (lines.size() >= kOrderLinesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("an order has at most ", kOrderLinesMax, " lines"));
  Order units;
  Reply r = validate_lines(lines, channel, contact, &units.lines);
  if (!r.ok()) return r;
  r = take_seats(q, channel, contact, order);
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
    r = consume_quotas(units);
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

Reply Shard::place_seats_and_lines(const SeatRequest& request, const Lines& lines, ContactId contact, ChannelId channel,
                                   OrderState state, int64_t deadline_ms) {
  Order scratch;
  scratch.lines = std::move(scratch_lines_);
  Reply r = take_seats_and_lines(request, lines, channel, contact, &scratch);
  return finish_order(scratch, std::move(r), contact, channel, state, deadline_ms);
}

Reply Shard::on(const HoldSeatsWithLines& c) {
  // The cart's lifetime and extension allowance: the strictest of its products.
  int64_t lifetime_max = kHoldTtlMsMax;
  uint32_t extensions_max = UINT32_MAX;
  hold_limits(c.request.performance, &lifetime_max, &extensions_max);
  for (const LineRequest& l : c.lines) hold_limits(l.performance, &lifetime_max, &extensions_max);
  if (Reply bad = check_hold_ttl(c.ttl_ms, lifetime_max); !bad.ok()) return bad;
  Reply r = place_seats_and_lines(c.request, c.lines, c.contact, c.channel, OrderState::kHeld, now_ms_ + c.ttl_ms);
  if (!r.ok()) return r;
  Order& o = *orders_.find(r.order);
  o.hold_until_max_ms = now_ms_ + lifetime_max;
  o.extensions_max = extensions_max;
  return seats_reply(o, r.order);
}

Reply Shard::on(const BookSeatsWithLines& c) {
  Reply r = check_deadline(c.deadline_ms);
  if (!r.ok()) return r;
  r = place_seats_and_lines(c.request, c.lines, c.contact, c.channel,
                            c.kind == BookingKind::kOption ? OrderState::kOption : OrderState::kReservation,
                            c.deadline_ms);
  if (!r.ok()) return r;
  return seats_reply(*orders_.find(r.order), r.order);
}

}  // namespace tessera::engine
