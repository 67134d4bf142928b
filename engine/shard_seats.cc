// Shard seated inventory: venue layouts, seat maps of performances, seat
// holds (chosen on a map or best available), and bulk blocking and moving.
//
// A seated order line is a run of adjacent seats in one row (OrderLine::seat
// = its first seat, quantity = its length); it consumes from the same quotas
// as a GA line of its category and contingent. Each command validates fully
// (and the quota loop undoes its own steps) before a seat changes state, so
// a refusal leaves the shard exactly as it was.
#include <algorithm>
#include <cassert>

#include "engine/best_available.h"
#include "engine/limits.h"
#include "engine/shard.h"

namespace tessera::engine {

namespace {

constexpr uint8_t kAccessibleFlags = kSeatWheelchair | kSeatCompanion;

const char* seat_state_name(uint16_t v) {
  switch (seat_state(v)) {
    case kSeatFree:
      return "in another contingent";
    case kSeatTaken:
      return "taken";
    default:
      return "blocked";
  }
}

// Builds "N seats are <what>: seat 1 (...) taken, ..." from seats collected in `bad`.
std::string seats_message(const VenueLayout& l, const SeatMap& m, const std::vector<uint32_t>& bad, const char* what) {
  std::string out = cat(bad.size(), bad.size() == 1 ? " seat is " : " seats are ", what, ": ");
  for (size_t i = 0; i < bad.size() && i < kSeatsNamedInMessageMax; ++i)
    out += cat(i ? ", " : "", l.describe(bad[i]), " ", seat_state_name(m.seats[bad[i]]));
  if (bad.size() > kSeatsNamedInMessageMax) out += cat(" and ", bad.size() - kSeatsNamedInMessageMax, " more");
  return out;
}

}  // namespace

bool Shard::is_seated(const Performance& p, CategoryId category) const {
  return p.seat_map.present() && layout_of(p).category_slot(category) != VenueLayout::kNoCategorySlot;
}

// ---- Layouts and seat maps --------------------------------------------------

Reply Shard::check(const DefineVenueLayout& c, VenueLayout* built) const {
  if (layouts_.find(c.layout)) return refuse(ReplyCode::kDuplicate, cat("layout ", c.layout, " is already defined"));
  if (layouts_.size() >= kLayoutsMax) return refuse(ReplyCode::kLimitExceeded, "too many venue layouts");
  VenueLayout scratch;
  return VenueLayout::build(c, catalog_, built ? built : &scratch);
}

Reply Shard::on(const DefineVenueLayout& c) {
  VenueLayout layout;
  Reply r = check(c, &layout);
  if (r.ok()) layouts_.add(c.layout, std::move(layout));
  return r;
}

Reply Shard::on(const AssignLayout& c) {
  Performance* p = performances_.find(c.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found"));
  const VenueLayout* l = layouts_.find(c.layout);
  if (!l) return refuse(ReplyCode::kNotFound, cat("layout ", c.layout, " not found"));
  if (p->seat_map.present())
    return refuse(ReplyCode::kInvalidState,
                  cat("performance ", c.performance, " already has layout ", p->seat_map.layout));
  for (CategoryId category : l->categories)
    if (p->area(category))
      return refuse(ReplyCode::kInvalidState,
                    cat("performance ", c.performance, " already sells category ", category, " as general admission"));
  if (p->areas.size() + l->categories.size() > kCategoriesPerPerformanceMax)
    return refuse(ReplyCode::kLimitExceeded, cat("performance ", c.performance, " would have more than ",
                                                 kCategoriesPerPerformanceMax, " categories"));
  p->seat_map.assign(*l, static_cast<uint32_t>(l - layouts_.items().data()));
  std::vector<uint32_t> unblocked(l->categories.size(), 0);
  for (uint32_t i = 0; i < l->seat_count(); ++i) unblocked[l->seat_category[i]] += p->seat_map.seats[i] == kSeatFree;
  for (size_t k = 0; k < l->categories.size(); ++k) {
    const QuotaIndex open = quotas_.add(QuotaKind::kOpenSale, unblocked[k]);
    p->areas.push_back(GeneralAdmission{l->categories[k], unblocked[k], 0, open});
  }
  Reply r;
  r.value = l->seat_count();
  return r;
}

// ---- Taking and returning seats ---------------------------------------------

Reply Shard::take_seats(const SeatRequest& q, ChannelId channel, ContactId contact, Order* order) {
  if (!catalog_.has_channel(channel)) return refuse(ReplyCode::kNotFound, cat("channel ", channel, " not found"));
  const Performance* p = performances_.find(q.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", q.performance, " not found on this shard"));
  if (!p->seat_map.present())
    return refuse(ReplyCode::kInvalidArgument, cat("performance ", q.performance, " has no seat map"));
  if ((q.options & ~kSeatOptionsAll) != 0) return refuse(ReplyCode::kInvalidArgument, "unknown seat request options");
  const uint32_t pi = static_cast<uint32_t>(p - performances_.items().data());
  if (contact == kNone && p->definition.contact_limit > 0)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("performance ", q.performance, " limits units per contact: the order needs a contact"));
  uint16_t slot = 0;
  uint32_t ci = 0;
  if (q.contingent != kNone) {
    const Contingent* k = contingents_.find(q.contingent);
    if (!k) return refuse(ReplyCode::kNotFound, cat("contingent ", q.contingent, " not found"));
    if (k->performance_index != pi || !k->seated())
      return refuse(ReplyCode::kInvalidArgument,
                    cat("contingent ", q.contingent, " is not a seated contingent of performance ", q.performance));
    if (!k->open_to(channel))
      return refuse(ReplyCode::kInvalidArgument, cat("contingent ", q.contingent, " is not open to channel ", channel));
    if (k->closed_at(now_ms_))
      return refuse(ReplyCode::kInvalidState, cat("contingent ", q.contingent, " was released back"));
    if (q.category != kNone && q.category != k->category)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("contingent ", q.contingent, " holds category ", k->category, ", not ", q.category));
    slot = static_cast<uint16_t>(k->slot);
    ci = static_cast<uint32_t>(k - contingents_.items().data());
  }
  scratch_seats_.clear();
  Reply r = q.seats.empty() ? choose_seats(q, *p, slot) : check_named_seats(q, *p, slot);
  if (!r.ok()) return r;
  order->channel = channel;
  order->contact = contact;
  order->lines.clear();
  r = seats_to_lines(q, *p, pi, ci, channel, &order->lines);
  if (r.ok()) r = consume_quotas(*order);
  if (!r.ok()) {
    order->lines.clear();
    return r;
  }
  // Everything checked: the seats are taken.
  Performance& mp = performances_.items()[pi];
  const VenueLayout& l = layout_of(mp);
  for (const OrderLine& line : order->lines) {
    for (uint32_t s = line.seat; s < line.seat + line.quantity; ++s) {
      assert(mp.seat_map.seats[s] == slot);
      mp.seat_map.set(l, s, kSeatTaken | slot);
    }
  }
  return r;
}

Reply Shard::choose_seats(const SeatRequest& q, const Performance& p, uint16_t slot) {
  if (q.category == kNone) return refuse(ReplyCode::kInvalidArgument, "best available needs a category");
  if (q.quantity == 0 || q.quantity > kLineQuantityMax)
    return refuse(ReplyCode::kInvalidArgument, cat("best available takes 1 to ", kLineQuantityMax, " seats"));
  const VenueLayout& l = layout_of(p);
  const int category_slot = l.category_slot(q.category);
  if (category_slot == VenueLayout::kNoCategorySlot)
    return refuse(ReplyCode::kNotFound, cat("performance ", q.performance, " has no seats in category ", q.category));
  const SeatQuery query{static_cast<uint32_t>(category_slot),
                        slot,
                        q.quantity,
                        (q.options & kSeatOptionAccessible) != 0,
                        (q.options & kSeatOptionAllowSplit) != 0,
                        (q.options & kSeatOptionAllowRestrictedView) != 0};
  if (!choose_best_available(l, p.seat_map, query, &scratch_seats_, &scratch_work_))
    return refuse(ReplyCode::kSoldOut,
                  cat("performance ", q.performance, " category ", q.category, ": no ", q.quantity,
                      query.allow_split ? " seats" : " adjacent seats", query.accessible ? " (accessible)" : "",
                      query.allow_restricted_view ? "" : " without restricted view", " available",
                      q.contingent != kNone ? cat(" in contingent ", q.contingent) : std::string()));
  return Reply{};
}

// Seats chosen on a map: all exist, none twice, all free in the request's
// contingent (or open sale) and category; wheelchair and companion seats
// only for an accessible request.
Reply Shard::check_named_seats(const SeatRequest& q, const Performance& p, uint16_t slot) {
  if (q.quantity != 0 && q.quantity != q.seats.size())
    return refuse(ReplyCode::kInvalidArgument, cat("quantity ", q.quantity, " differs from the ", q.seats.size(),
                                                   " seats named (0 = as many as named)"));
  if (q.seats.size() > kLineQuantityMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", kLineQuantityMax, " seats per order"));
  const VenueLayout& l = layout_of(p);
  scratch_seats_.assign(q.seats.begin(), q.seats.end());
  std::sort(scratch_seats_.begin(), scratch_seats_.end());
  const bool accessible = (q.options & kSeatOptionAccessible) != 0;
  scratch_work_.clear();  // seats not available
  for (size_t i = 0; i < scratch_seats_.size(); ++i) {
    const uint32_t s = scratch_seats_[i];
    if (s >= l.seat_count())
      return refuse(ReplyCode::kInvalidArgument, cat("seat ", s, " does not exist in layout ", l.id));
    if (i > 0 && scratch_seats_[i - 1] == s)
      return refuse(ReplyCode::kInvalidArgument, cat("seat ", s, " is named twice"));
    if (q.category != kNone && l.category_of(s) != q.category)
      return refuse(ReplyCode::kInvalidArgument,
                    cat(l.describe(s), " is in category ", l.category_of(s), ", not ", q.category));
    if (((l.seat_flags[s] & kAccessibleFlags) != 0) != accessible)
      return refuse(ReplyCode::kInvalidArgument,
                    cat(l.describe(s), accessible ? " is not an accessible seat"
                                                  : " is a wheelchair or companion seat: ask for accessible seats"));
    if (p.seat_map.seats[s] != slot) scratch_work_.push_back(s);
  }
  if (!scratch_work_.empty())
    return refuse(ReplyCode::kSoldOut, seats_message(l, p.seat_map, scratch_work_, "not available"));
  return Reply{};
}

// Groups scratch_seats_ (ascending) into lines: runs of adjacent seats of
// one category in one row.
Reply Shard::seats_to_lines(const SeatRequest& q, const Performance& p, uint32_t pi, uint32_t ci, ChannelId channel,
                            std::vector<OrderLine>* out) const {
  const Tariff* t = catalog_.tariff(q.tariff);
  if (!t) return refuse(ReplyCode::kNotFound, cat("tariff ", q.tariff, " not found"));
  if (t->product != p.definition.product)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("tariff ", q.tariff, " is not a tariff of product ", p.definition.product));
  const VenueLayout& l = layout_of(p);
  uint32_t row_end = 0;
  for (const uint32_t s : scratch_seats_) {
    const CategoryId category = l.category_of(s);
    if (!out->empty()) {
      OrderLine& last = out->back();
      if (last.seat + last.quantity == s && last.category == category && s < row_end) {
        ++last.quantity;
        continue;
      }
    }
    if (s >= row_end) row_end = l.row_end(l.row_of(s));
    const int64_t price = catalog_.price_cents(*t, category, channel);
    if (price < 0)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("tariff ", q.tariff, " has no price for category ", category, " on channel ", channel));
    if (out->size() >= kOrderLinesMax)
      return refuse(ReplyCode::kLimitExceeded,
                    cat("these seats form more than ", kOrderLinesMax, " runs of adjacent seats: split the order"));
    out->push_back(
        OrderLine{q.performance, pi, category, q.tariff, q.contingent, ci, 1, static_cast<uint32_t>(price), s});
  }
  return Reply{};
}

// Seats [first, first + count) of a line go back to free, in the slot they had.
void Shard::return_seats(const OrderLine& line, uint32_t first, uint32_t count) {
  Performance& p = performances_.items()[line.performance_index];
  const VenueLayout& l = layout_of(p);
  const uint16_t slot =
      line.contingent == kNone ? 0 : static_cast<uint16_t>(contingents_.items()[line.contingent_index].slot);
  for (uint32_t s = first; s < first + count; ++s) {
    assert(p.seat_map.seats[s] == (kSeatTaken | slot));
    p.seat_map.set(l, s, slot);
  }
}

Reply Shard::seats_reply(const Order& o, OrderId id) const {
  Reply r = order_reply(id, o);
  r.value = o.lines.front().seat;
  const bool split = o.lines.size() > 1 && o.lines[1].seat != kNoSeat;  // seat lines come first
  for (size_t i = 0; i < o.lines.size() && o.lines[i].seat != kNoSeat; ++i) {
    r.seat_count += o.lines[i].quantity;
    if (split) r.message += cat(i == 0 ? "" : ",", o.lines[i].seat, "+", o.lines[i].quantity);
  }
  return r;
}

// ---- Blocking and moving seats ----------------------------------------------

// Checks a bulk list of seats (exist, none twice, none taken) and leaves it
// sorted in scratch_work_.
Reply Shard::check_seat_list(const Performance& p, const std::vector<uint32_t>& seats, bool refuse_taken) {
  if (seats.empty() || seats.size() > kSeatsPerCommandMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a seat command names 1 to ", kSeatsPerCommandMax, " seats"));
  const VenueLayout& l = layout_of(p);
  scratch_work_.assign(seats.begin(), seats.end());
  std::sort(scratch_work_.begin(), scratch_work_.end());
  scratch_seats_.clear();  // taken seats
  for (size_t i = 0; i < scratch_work_.size(); ++i) {
    const uint32_t s = scratch_work_[i];
    if (s >= l.seat_count())
      return refuse(ReplyCode::kInvalidArgument, cat("seat ", s, " does not exist in layout ", l.id));
    if (i > 0 && scratch_work_[i - 1] == s)
      return refuse(ReplyCode::kInvalidArgument, cat("seat ", s, " is named twice"));
    if (refuse_taken && seat_state(p.seat_map.seats[s]) == kSeatTaken) scratch_seats_.push_back(s);
  }
  if (!scratch_seats_.empty())
    return refuse(ReplyCode::kInvalidState,
                  seats_message(l, p.seat_map, scratch_seats_, "taken by live orders (release them first)"));
  return Reply{};
}

// Changes the unblocked capacity of a seated category by delta seats of `slot`.
void Shard::change_capacity(Performance& p, CategoryId category, uint32_t slot, int64_t delta) {
  GeneralAdmission* area = p.area(category);
  assert(area);
  area->capacity = static_cast<uint32_t>(area->capacity + delta);
  if (slot == 0) {
    quotas_[area->open_quota].capacity = static_cast<uint32_t>(quotas_[area->open_quota].capacity + delta);
    return;
  }
  Contingent& k = contingents_.items()[slot_contingent(p, slot)];
  quotas_[k.quota].capacity = static_cast<uint32_t>(quotas_[k.quota].capacity + delta);
  area->allotted = static_cast<uint32_t>(area->allotted + delta);
  k.blocked = static_cast<uint32_t>(k.blocked - delta);
}

// The performance of a seat command, which must have a seat map.
Reply Shard::find_seated(PerformanceId performance, Performance** out) {
  Performance* p = performances_.find(performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", performance, " not found"));
  if (!p->seat_map.present())
    return refuse(ReplyCode::kInvalidArgument, cat("performance ", performance, " has no seat map"));
  *out = p;
  return Reply{};
}

Reply Shard::on(const BlockSeats& c) { return set_blocked(c.performance, c.seats, true); }
Reply Shard::on(const UnblockSeats& c) { return set_blocked(c.performance, c.seats, false); }

// Blocks (or unblocks) every listed seat, all or nothing: a taken seat
// refuses the whole command. Seats already in the wanted state are left
// alone; the reply's value counts the seats changed.
Reply Shard::set_blocked(PerformanceId performance, const std::vector<uint32_t>& seats, bool block) {
  Performance* p = nullptr;
  if (Reply found = find_seated(performance, &p); !found.ok()) return found;
  Reply r = check_seat_list(*p, seats, true);
  if (!r.ok()) return r;
  const VenueLayout& l = layout_of(*p);
  const uint16_t from = block ? kSeatFree : kSeatBlocked;
  const uint16_t to = block ? kSeatBlocked : kSeatFree;
  for (const uint32_t s : scratch_work_) {
    const uint16_t v = p->seat_map.seats[s];
    if (seat_state(v) != from) continue;
    change_capacity(*p, l.category_of(s), seat_slot(v), block ? -1 : +1);
    p->seat_map.set(l, s, to | seat_slot(v));
    ++r.value;
  }
  return r;
}

// One free or blocked seat changes slot; quotas follow (blocked seats only
// change the contingents' blocked counters).
void Shard::move_seat(Performance& p, uint32_t seat, uint16_t to_slot) {
  const uint16_t v = p.seat_map.seats[seat];
  const uint16_t from_slot = seat_slot(v);
  if (from_slot == to_slot) return;
  assert(seat_state(v) != kSeatTaken);
  const VenueLayout& l = layout_of(p);
  const uint32_t from = slot_contingent(p, from_slot), to = slot_contingent(p, to_slot);
  if (seat_state(v) == kSeatFree) {
    const uint32_t pi = static_cast<uint32_t>(&p - performances_.items().data());
    transfer_units(from, to, pi, l.category_of(seat), 1);
  } else {
    if (from != kNoContingent) --contingents_.items()[from].blocked;
    if (to != kNoContingent) ++contingents_.items()[to].blocked;
  }
  p.seat_map.set(l, seat, static_cast<uint16_t>(seat_state(v) | to_slot));
}

Reply Shard::on(const MoveSeatsToContingent& c) {
  Performance* p = nullptr;
  if (Reply found = find_seated(c.performance, &p); !found.ok()) return found;
  const uint32_t pi = static_cast<uint32_t>(p - performances_.items().data());
  uint32_t to = kNoContingent;
  uint16_t to_slot = 0;
  if (c.contingent != kNone) {
    const Contingent* k = contingents_.find(c.contingent);
    if (!k) return refuse(ReplyCode::kNotFound, cat("contingent ", c.contingent, " not found"));
    if (k->performance_index != pi || !k->seated())
      return refuse(ReplyCode::kInvalidArgument,
                    cat("contingent ", c.contingent, " is not a seated contingent of performance ", c.performance));
    if (k->closed_at(now_ms_))
      return refuse(ReplyCode::kInvalidState, cat("contingent ", c.contingent, " was released back"));
    to = static_cast<uint32_t>(k - contingents_.items().data());
    to_slot = static_cast<uint16_t>(k->slot);
  }
  Reply r = check_seat_list(*p, c.seats, true);
  if (!r.ok()) return r;
  const VenueLayout& l = layout_of(*p);
  scratch_counts_.assign(p->seat_map.contingent_slots.size() + 1, 0);  // seats moving in, by source slot
  for (const uint32_t s : scratch_work_) {
    if (to != kNoContingent && l.category_of(s) != contingents_.items()[to].category)
      return refuse(ReplyCode::kInvalidArgument,
                    cat(l.describe(s), " is in category ", l.category_of(s), "; contingent ", c.contingent,
                        " holds category ", contingents_.items()[to].category));
    const uint16_t from_slot = seat_slot(p->seat_map.seats[s]);
    if (from_slot != to_slot) ++scratch_counts_[from_slot];
  }
  // Planned quotas: each contingent on the path up from the target gains the
  // seats that come from outside its subtree.
  for (uint32_t a = to; a != kNoContingent; a = contingents_.items()[a].parent) {
    uint64_t gain = 0;
    for (uint32_t s = 0; s < scratch_counts_.size(); ++s)
      if (scratch_counts_[s] && (s == 0 || !is_within(p->seat_map.contingent_slots[s - 1], a)))
        gain += scratch_counts_[s];
    const Contingent& k = contingents_.items()[a];
    if (subtree_held(a) + gain > k.planned)
      return refuse(ReplyCode::kLimitExceeded, cat("contingent ", k.id, " would hold ", subtree_held(a) + gain,
                                                   " seats, over its planned quota of ", k.planned));
  }
  for (const uint32_t s : scratch_work_) {
    r.value += seat_slot(p->seat_map.seats[s]) != to_slot;
    move_seat(*p, s, to_slot);
  }
  return r;
}

}  // namespace tessera::engine
