// Shard order lifecycle: taking and returning stock under every quota that
// applies, and each state transition of an order.
#include <algorithm>
#include <cassert>

#include "engine/limits.h"
#include "engine/shard.h"

namespace tessera::engine {

// ---- Stock ----------------------------------------------------------------

Reply Shard::resolve_quotas(const LineRequest& line, ChannelId channel, QuotaSet* set, uint32_t* performance_index,
                            uint32_t* contingent_index) const {
  const Performance* p = performances_.find(line.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", line.performance, " not found on this shard"));
  const GeneralAdmission* area = p->area(line.category);
  if (!area)
    return refuse(ReplyCode::kNotFound,
                  cat("performance ", line.performance, " has no stock in category ", line.category));
  *performance_index = static_cast<uint32_t>(p - performances_.items().data());
  if (line.contingent != kNone) {
    const Contingent* k = contingents_.find(line.contingent);
    if (!k) return refuse(ReplyCode::kNotFound, cat("contingent ", line.contingent, " not found"));
    if (k->performance_index != *performance_index || k->category != line.category)
      return refuse(ReplyCode::kInvalidArgument, cat("contingent ", line.contingent, " is not in performance ",
                                                     line.performance, " category ", line.category));
    if (!k->open_to(channel))
      return refuse(ReplyCode::kInvalidArgument,
                    cat("contingent ", line.contingent, " is not open to channel ", channel));
    if (k->closed_at(now_ms_))
      return refuse(ReplyCode::kInvalidState, cat("contingent ", line.contingent, " was released back"));
    *contingent_index = static_cast<uint32_t>(k - contingents_.items().data());
    set->add(k->quota);
  } else {
    set->add(area->open_quota);
  }
  set->add(p->capacity_quota);
  set->add(p->channel_quota(channel));
  return Reply{};
}

QuotaSet Shard::quotas_of(const OrderLine& line, ChannelId channel) const {
  const Performance& p = performances_.items()[line.performance_index];
  QuotaSet set;
  if (line.contingent != kNone) {
    set.add(contingents_.items()[line.contingent_index].quota);
  } else {
    const GeneralAdmission* area = p.area(line.category);
    assert(area);
    set.add(area->open_quota);
  }
  set.add(p.capacity_quota);
  set.add(p.channel_quota(channel));
  return set;
}

uint32_t Shard::contact_available(uint32_t performance_index, ContactId contact) const {
  const uint32_t limit = performances_.items()[performance_index].definition.contact_limit;
  if (limit == 0) return UINT32_MAX;
  const uint32_t* held = contact_units_.find((uint64_t{performance_index} << 32) | contact);
  return held ? limit - *held : limit;
}

void Shard::count_contact(uint32_t performance_index, ContactId contact, int64_t delta) {
  if (performances_.items()[performance_index].definition.contact_limit == 0) return;
  const uint64_t key = (uint64_t{performance_index} << 32) | contact;
  uint32_t& held = contact_units_[key];
  assert(delta >= 0 || held >= static_cast<uint32_t>(-delta));
  held = static_cast<uint32_t>(held + delta);
  if (held == 0) contact_units_.erase(key);
}

// Returns the last `quantity` units of a line (for a seated line, the last
// seats of its run: a partial confirmation keeps the first ones).
void Shard::return_line(const Order& order, const OrderLine& line, uint32_t quantity) {
  assert(quantity <= line.quantity);
  if (quantity == 0) return;
  quotas_.give_back(quotas_of(line, order.channel), quantity);
  count_contact(line.performance_index, order.contact, -static_cast<int64_t>(quantity));
  const uint32_t first_seat = line.seat == kNoSeat ? kNoSeat : line.seat + line.quantity - quantity;
  if (first_seat != kNoSeat) return_seats(line, first_seat, quantity);
  if (line.contingent != kNone && contingents_.items()[line.contingent_index].released)
    flow_back(line, first_seat, quantity);
}

void Shard::return_stock(const Order& order) {
  for (const OrderLine& line : order.lines) return_line(order, line, line.quantity);
}

// Takes all lines or none. Every line is validated before any stock is
// looked at, so a malformed order is refused as such even when sold out.
Reply Shard::take_stock(const Lines& lines, ChannelId channel, ContactId contact, Order* order) {
  if (lines.empty()) return refuse(ReplyCode::kInvalidArgument, "an order needs at least one line");
  if (lines.size() > kOrderLinesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("an order has at most ", kOrderLinesMax, " lines"));
  if (!catalog_.has_channel(channel)) return refuse(ReplyCode::kNotFound, cat("channel ", channel, " not found"));
  order->channel = channel;
  order->contact = contact;
  order->lines.clear();
  Reply r = validate_lines(lines, channel, contact, &order->lines);
  if (!r.ok()) {
    order->lines.clear();
    return r;
  }
  return consume_quotas(*order);
}

// Takes the units of every line of `order` under every quota that applies
// and the contact's limit: all lines or none (then the lines are cleared).
Reply Shard::consume_quotas(Order& order) {
  for (size_t i = 0; i < order.lines.size(); ++i) {
    const OrderLine& line = order.lines[i];
    const QuotaSet set = quotas_of(line, order.channel);
    const uint32_t available = quotas_.available(set);
    Reply r;
    if (available < line.quantity) {
      r = refuse(ReplyCode::kSoldOut, cat("performance ", line.performance, " category ", line.category, ": ",
                                          available, " available, ", line.quantity, " asked"));
    } else if (contact_available(line.performance_index, order.contact) < line.quantity) {
      r = refuse(ReplyCode::kLimitExceeded, cat("contact ", order.contact, " may hold at most ",
                                                performances_.items()[line.performance_index].definition.contact_limit,
                                                " units of performance ", line.performance));
    }
    if (!r.ok()) {
      for (size_t j = 0; j < i; ++j) {
        const OrderLine& taken = order.lines[j];
        quotas_.give_back(quotas_of(taken, order.channel), taken.quantity);
        count_contact(taken.performance_index, order.contact, -static_cast<int64_t>(taken.quantity));
      }
      order.lines.clear();
      return r;
    }
    quotas_.consume(set, line.quantity);
    count_contact(line.performance_index, order.contact, line.quantity);
  }
  return Reply{};
}

// Checks quantities, ids, contingent and tariff of every line and appends
// the resolved lines to `out`. Takes no stock.
Reply Shard::validate_lines(const Lines& lines, ChannelId channel, ContactId contact,
                            std::vector<OrderLine>* out) const {
  uint32_t total = 0;
  for (const LineRequest& l : lines) {
    if (l.quantity == 0) return refuse(ReplyCode::kInvalidArgument, "a line needs a quantity of at least 1");
    total += std::min(l.quantity, kOrderQuantityMax + 1);
    if (l.quantity > kLineQuantityMax || total > kOrderQuantityMax)
      return refuse(ReplyCode::kLimitExceeded,
                    cat("at most ", kLineQuantityMax, " units per line and ", kOrderQuantityMax, " per order"));
    QuotaSet set;
    uint32_t pi = 0;
    uint32_t ci = 0;
    Reply r = resolve_quotas(l, channel, &set, &pi, &ci);
    if (!r.ok()) return r;
    if (contact == kNone && performances_.items()[pi].definition.contact_limit > 0)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("performance ", l.performance, " limits units per contact: the order needs a contact"));
    const Tariff* t = catalog_.tariff(l.tariff);
    if (!t) return refuse(ReplyCode::kNotFound, cat("tariff ", l.tariff, " not found"));
    const Performance& p = performances_.items()[pi];
    if (is_seated(p, l.category))
      return refuse(ReplyCode::kInvalidArgument, cat("category ", l.category, " of performance ", l.performance,
                                                     " is seated: hold seats with HoldSeats or BookSeats"));
    if (t->product != p.definition.product)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("tariff ", l.tariff, " is not a tariff of product ", p.definition.product));
    const int64_t price = catalog_.price_cents(*t, l.category, channel);
    if (price < 0)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("tariff ", l.tariff, " has no price for category ", l.category, " on channel ", channel));
    out->push_back(OrderLine{l.performance, pi, l.category, l.tariff, l.contingent, ci, l.quantity,
                             static_cast<uint32_t>(price), kNoSeat});
  }
  return Reply{};
}

// ---- Placing and finding orders -------------------------------------------

Reply Shard::check_deadline(int64_t deadline_ms) const {
  if (deadline_ms <= now_ms_ || deadline_ms - now_ms_ > kDeadlineAheadMsMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("deadline ", deadline_ms, " must be after now (", now_ms_, ") and at most 3 years ahead"));
  return Reply{};
}

Reply Shard::place_order(const Lines& lines, ContactId contact, ChannelId channel, OrderState state,
                         int64_t deadline_ms) {
  // Stock is taken into a scratch order first, so a refusal touches no slot.
  Order scratch;
  scratch.lines = std::move(scratch_lines_);
  Reply r = take_stock(lines, channel, contact, &scratch);
  return finish_order(scratch, std::move(r), contact, channel, state, deadline_ms);
}

Reply Shard::place_seats(const SeatRequest& request, ContactId contact, ChannelId channel, OrderState state,
                         int64_t deadline_ms) {
  Order scratch;
  scratch.lines = std::move(scratch_lines_);
  Reply r = take_seats(request, channel, contact, &scratch);
  return finish_order(scratch, std::move(r), contact, channel, state, deadline_ms);
}

// Moves the stock taken into `scratch` (unless `taken` is a refusal) into a
// new order slot and arms its timer.
Reply Shard::finish_order(Order& scratch, Reply taken, ContactId contact, ChannelId channel, OrderState state,
                          int64_t deadline_ms) {
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
  o.channel = channel;
  o.contact = contact;
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
  const OrderId id = orders_.id_of(slot);
  arm_timer(o, id);
  if (state != OrderState::kHeld) {
    o.due_ms = deadline_ms;
    follow_up_.add(o, id);
  }
  return order_reply(id, o);
}

ExpiryRule Shard::expiry_rule_of(const Order& order) const {
  assert(!order.lines.empty());
  const Performance& p = performances_.items()[order.lines.front().performance_index];
  const Product* product = catalog_.product(p.definition.product);
  assert(product);
  return catalog_.expiry_rule(*product, order.channel);
}

Reply Shard::find_live(OrderId id, Order** order) {
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

void Shard::close(Order& order, OrderId id, OrderState closed_state, const std::vector<bool>* compacting) {
  TESSERA_CHECK(order.live());
  TESSERA_CHECK(is_closed(closed_state));
  if (is_booking(order.state)) follow_up_.remove(order, id, compacting);
  return_stock(order);
  disarm_timer(order);
  transition(order, closed_state);
  orders_.free(order_slot(id));
}

}  // namespace tessera::engine
