// SeatInventory: layouts, seat maps, seat holds, blocking and moving seats
// (see seat_inventory.h).
#include "engine/seat_inventory.h"

#include <algorithm>
#include <cassert>

#include "engine/best_available.h"
#include "engine/limits.h"

namespace tessera::engine {

namespace {

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
Reply SeatInventory::check(const DefineVenueLayout& c, VenueLayout* built) const {
  if (stock_.layouts().find(c.layout))
    return refuse(ReplyCode::kDuplicate, cat("layout ", c.layout, " is already defined"));
  if (stock_.layouts().size() >= kLayoutsMax) return refuse(ReplyCode::kLimitExceeded, "too many venue layouts");
  VenueLayout scratch;
  return VenueLayout::build(c, catalog_, built ? built : &scratch);
}

Reply SeatInventory::on(const DefineVenueLayout& c) {
  VenueLayout layout;
  Reply r = check(c, &layout);
  if (r.ok()) stock_.layouts().add(c.layout, std::move(layout));
  return r;
}

Reply SeatInventory::on(const AssignLayout& c) {
  Performance* p = stock_.performances().find(c.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found"));
  const VenueLayout* l = stock_.layouts().find(c.layout);
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
  p->seat_map.assign(*l, static_cast<uint32_t>(l - stock_.layouts().items().data()));
  std::vector<uint32_t> unblocked(l->categories.size(), 0);
  for (uint32_t i = 0; i < l->seat_count(); ++i) unblocked[l->seat_category[i]] += p->seat_map.seats[i] == kSeatFree;
  for (size_t k = 0; k < l->categories.size(); ++k) {
    const QuotaIndex open = stock_.quotas().add(QuotaKind::kOpenSale, unblocked[k]);
    p->areas.push_back(GeneralAdmission{l->categories[k], unblocked[k], 0, open});
  }
  Reply r;
  r.value = l->seat_count();
  return r;
}

// ---- Taking and returning seats ---------------------------------------------

Reply SeatInventory::take(const SeatRequest& q, ChannelId channel, ContactId contact, Order* order) {
  if (!catalog_.has_channel(channel)) return refuse(ReplyCode::kNotFound, cat("channel ", channel, " not found"));
  const Performance* p = stock_.performances().find(q.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", q.performance, " not found on this shard"));
  if (!p->seat_map.present())
    return refuse(ReplyCode::kInvalidArgument, cat("performance ", q.performance, " has no seat map"));
  if ((q.options & ~kSeatOptionsAll) != 0) return refuse(ReplyCode::kInvalidArgument, "unknown seat request options");
  const uint32_t pi = static_cast<uint32_t>(p - stock_.performances().items().data());
  if (contact == kNone && p->definition.contact_limit > 0)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("performance ", q.performance, " limits units per contact: the order needs a contact"));
  uint16_t slot = 0;
  uint32_t ci = 0;
  if (q.contingent != kNone) {
    const Contingent* k = stock_.contingents().find(q.contingent);
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
    ci = static_cast<uint32_t>(k - stock_.contingents().items().data());
  }
  scratch_seats_.clear();
  Reply r = q.seats.empty() ? choose_seats(q, *p, slot) : check_named_seats(q, *p, slot);
  if (!r.ok()) return r;
  order->channel = channel;
  order->contact = contact;
  order->lines.clear();
  r = seats_to_lines(q, *p, pi, ci, channel, &order->lines);
  if (r.ok()) r = stock_.consume(*order);
  if (!r.ok()) {
    order->lines.clear();
    return r;
  }
  // Everything checked: the seats are taken.
  Performance& mp = stock_.performances().items()[pi];
  const VenueLayout& l = stock_.layout_of(mp);
  for (const OrderLine& line : order->lines) {
    for (uint32_t s = line.seat; s < line.seat + line.quantity; ++s) {
      assert(mp.seat_map.seats[s] == slot);
      mp.seat_map.set(l, s, kSeatTaken | slot);
    }
  }
  return r;
}

Reply SeatInventory::choose_seats(const SeatRequest& q, const Performance& p, uint16_t slot) {
  if (q.category == kNone) return refuse(ReplyCode::kInvalidArgument, "best available needs a category");
  if (q.quantity == 0 || q.quantity > kLineQuantityMax)
    return refuse(ReplyCode::kInvalidArgument, cat("best available takes 1 to ", kLineQuantityMax, " seats"));
  const VenueLayout& l = stock_.layout_of(p);
  const int category_slot = l.category_slot(q.category);
  if (category_slot == VenueLayout::kNoCategorySlot)
    return refuse(ReplyCode::kNotFound, cat("performance ", q.performance, " has no seats in category ", q.category));
  const SeatQuery query{static_cast<uint32_t>(category_slot),
                        slot,
                        q.quantity,
                        (q.options & kSeatOptionAccessible) != 0,
                        (q.options & kSeatOptionAllowSplit) != 0,
                        (q.options & kSeatOptionAllowRestrictedView) != 0};
  if (choose_best_available(l, p.seat_map, query, &scratch_seats_, &scratch_work_)) return Reply{};
  // Say what is true: restricted view is the reason only if seats with it
  // would have done.
  SeatQuery with_restricted = query;
  with_restricted.allow_restricted_view = true;
  const bool restricted_would_do =
      !query.allow_restricted_view &&
      choose_best_available(l, p.seat_map, with_restricted, &scratch_seats_, &scratch_work_);
  return refuse(ReplyCode::kSoldOut,
                cat("performance ", q.performance, " category ", q.category, ": no ", q.quantity,
                    query.allow_split ? " free seats" : " adjacent free seats", query.accessible ? " (accessible)" : "",
                    q.contingent != kNone ? cat(" in contingent ", q.contingent) : std::string(),
                    restricted_would_do ? " without restricted view (there are with it: allow restricted view)" : ""));
}

// Seats chosen on a map: all exist, none twice, all free in the request's
// contingent (or open sale) and category; wheelchair and companion seats
// only for an accessible request.
Reply SeatInventory::check_named_seats(const SeatRequest& q, const Performance& p, uint16_t slot) {
  if (q.quantity != 0 && q.quantity != q.seats.size())
    return refuse(ReplyCode::kInvalidArgument, cat("quantity ", q.quantity, " differs from the ", q.seats.size(),
                                                   " seats named (0 = as many as named)"));
  if (q.seats.size() > kLineQuantityMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", kLineQuantityMax, " seats per order"));
  const VenueLayout& l = stock_.layout_of(p);
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
    if (((l.seat_flags[s] & kSeatAccessibleFlags) != 0) != accessible)
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
Reply SeatInventory::seats_to_lines(const SeatRequest& q, const Performance& p, uint32_t pi, uint32_t ci,
                                    ChannelId channel, OrderLines* out) const {
  const Tariff* t = catalog_.tariff(q.tariff);
  if (!t) return refuse(ReplyCode::kNotFound, cat("tariff ", q.tariff, " not found"));
  if (t->product != p.definition.product)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("tariff ", q.tariff, " is not a tariff of product ", p.definition.product));
  const VenueLayout& l = stock_.layout_of(p);
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
void SeatInventory::give_back(const OrderLine& line, uint32_t first, uint32_t count) {
  Performance& p = stock_.performances().items()[line.performance_index];
  const VenueLayout& l = stock_.layout_of(p);
  const uint16_t slot =
      line.contingent == kNone ? 0 : static_cast<uint16_t>(stock_.contingents().items()[line.contingent_index].slot);
  for (uint32_t s = first; s < first + count; ++s) {
    assert(p.seat_map.seats[s] == (kSeatTaken | slot));
    p.seat_map.set(l, s, slot);
  }
}

Reply SeatInventory::seats_reply(const Order& o, OrderId id) {
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
Reply SeatInventory::check_seat_list(const Performance& p, const std::vector<uint32_t>& seats, bool refuse_taken) {
  if (seats.empty() || seats.size() > kSeatsPerCommandMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a seat command names 1 to ", kSeatsPerCommandMax, " seats"));
  const VenueLayout& l = stock_.layout_of(p);
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
void SeatInventory::change_capacity(Performance& p, CategoryId category, uint32_t slot, int64_t delta) {
  GeneralAdmission* area = p.area(category);
  assert(area);
  area->capacity = static_cast<uint32_t>(area->capacity + delta);
  if (slot == 0) {
    stock_.quotas()[area->open_quota].capacity =
        static_cast<uint32_t>(stock_.quotas()[area->open_quota].capacity + delta);
    return;
  }
  Contingent& k = stock_.contingents().items()[stock_.slot_contingent(p, slot)];
  stock_.quotas()[k.quota].capacity = static_cast<uint32_t>(stock_.quotas()[k.quota].capacity + delta);
  area->allotted = static_cast<uint32_t>(area->allotted + delta);
  k.blocked = static_cast<uint32_t>(k.blocked - delta);
}

// The performance of a seat command, which must have a seat map.
Reply SeatInventory::find_seated(PerformanceId performance, Performance** out) {
  Performance* p = stock_.performances().find(performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", performance, " not found"));
  if (!p->seat_map.present())
    return refuse(ReplyCode::kInvalidArgument, cat("performance ", performance, " has no seat map"));
  *out = p;
  return Reply{};
}

// Blocks (or unblocks) every listed seat, all or nothing: a taken seat
// refuses the whole command. Seats already in the wanted state are left
// alone; the reply's value counts the seats changed.
Reply SeatInventory::set_blocked(PerformanceId performance, const std::vector<uint32_t>& seats, bool block) {
  Performance* p = nullptr;
  if (Reply found = find_seated(performance, &p); !found.ok()) return found;
  Reply r = check_seat_list(*p, seats, true);
  if (!r.ok()) return r;
  const VenueLayout& l = stock_.layout_of(*p);
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
void SeatInventory::move_seat(Performance& p, uint32_t seat, uint16_t to_slot) {
  const uint16_t v = p.seat_map.seats[seat];
  const uint16_t from_slot = seat_slot(v);
  if (from_slot == to_slot) return;
  assert(seat_state(v) != kSeatTaken);
  const VenueLayout& l = stock_.layout_of(p);
  const uint32_t from = stock_.slot_contingent(p, from_slot), to = stock_.slot_contingent(p, to_slot);
  if (seat_state(v) == kSeatFree) {
    const uint32_t pi = static_cast<uint32_t>(&p - stock_.performances().items().data());
    stock_.transfer_units(from, to, pi, l.category_of(seat), 1);
  } else {
    if (from != kNoContingent) --stock_.contingents().items()[from].blocked;
    if (to != kNoContingent) ++stock_.contingents().items()[to].blocked;
  }
  p.seat_map.set(l, seat, static_cast<uint16_t>(seat_state(v) | to_slot));
}

Reply SeatInventory::on(const MoveSeatsToContingent& c) {
  Performance* p = nullptr;
  if (Reply found = find_seated(c.performance, &p); !found.ok()) return found;
  const uint32_t pi = static_cast<uint32_t>(p - stock_.performances().items().data());
  uint32_t to = kNoContingent;
  uint16_t to_slot = 0;
  if (c.contingent != kNone) {
    const Contingent* k = stock_.contingents().find(c.contingent);
    if (!k) return refuse(ReplyCode::kNotFound, cat("contingent ", c.contingent, " not found"));
    if (k->performance_index != pi || !k->seated())
      return refuse(ReplyCode::kInvalidArgument,
                    cat("contingent ", c.contingent, " is not a seated contingent of performance ", c.performance));
    if (k->closed_at(now_ms_))
      return refuse(ReplyCode::kInvalidState, cat("contingent ", c.contingent, " was released back"));
    to = static_cast<uint32_t>(k - stock_.contingents().items().data());
    to_slot = static_cast<uint16_t>(k->slot);
  }
  Reply r = check_seat_list(*p, c.seats, true);
  if (!r.ok()) return r;
  const VenueLayout& l = stock_.layout_of(*p);
  scratch_counts_.assign(p->seat_map.contingent_slots.size() + 1, 0);  // seats moving in, by source slot
  for (const uint32_t s : scratch_work_) {
    if (to != kNoContingent && l.category_of(s) != stock_.contingents().items()[to].category)
      return refuse(ReplyCode::kInvalidArgument,
                    cat(l.describe(s), " is in category ", l.category_of(s), "; contingent ", c.contingent,
                        " holds category ", stock_.contingents().items()[to].category));
    const uint16_t from_slot = seat_slot(p->seat_map.seats[s]);
    if (from_slot != to_slot) ++scratch_counts_[from_slot];
  }
  // Planned quotas: each contingent on the path up from the target gains the
  // seats that come from outside its subtree.
  for (uint32_t a = to; a != kNoContingent; a = stock_.contingents().items()[a].parent) {
    uint64_t gain = 0;
    for (uint32_t s = 0; s < scratch_counts_.size(); ++s)
      if (scratch_counts_[s] && (s == 0 || !stock_.is_within(p->seat_map.contingent_slots[s - 1], a)))
        gain += scratch_counts_[s];
    const Contingent& k = stock_.contingents().items()[a];
    if (stock_.subtree_held(a) + gain > k.planned)
      return refuse(ReplyCode::kLimitExceeded, cat("contingent ", k.id, " would hold ", stock_.subtree_held(a) + gain,
                                                   " seats, over its planned quota of ", k.planned));
  }
  for (const uint32_t s : scratch_work_) {
    r.value += seat_slot(p->seat_map.seats[s]) != to_slot;
    move_seat(*p, s, to_slot);
  }
  return r;
}

// ---- Invariants and snapshots ---------------------------------------------------

// Seats: each taken seat in exactly one live order line (same category and
// contingent); quota capacities, blocked counters and row counts equal a
// recount of the seat map.
Status SeatInventory::check_invariants() const {
  std::vector<std::vector<uint8_t>> in_order(stock_.performances().size());
  for (uint32_t slot = 0; slot < orders_.slot_count(); ++slot) {
    const Order& o = orders_.at(slot);
    if (!o.live()) continue;
    for (const OrderLine& line : o.lines) {
      const Performance& p = stock_.performances().items()[line.performance_index];
      const bool seated = stock_.is_seated(p, line.category);
      if (seated != (line.seat != kNoSeat))
        return Status::internal(cat("order ", orders_.id_of(slot), " line seated/GA mismatch"));
      if (!seated) continue;
      const VenueLayout& l = stock_.layout_of(p);
      std::vector<uint8_t>& marks = in_order[line.performance_index];
      if (marks.empty()) marks.assign(l.seat_count(), 0);
      const uint16_t slot_of_line =
          line.contingent == kNone ? 0 : stock_.contingents().items()[line.contingent_index].slot;
      if (line.seat + uint64_t{line.quantity} > l.row_end(l.row_of(line.seat)))
        return Status::internal(cat("order ", orders_.id_of(slot), " has a seat run across rows"));
      for (uint32_t s = line.seat; s < line.seat + line.quantity; ++s) {
        if (marks[s]++) return Status::internal(cat(l.describe(s), " is in two live orders"));
        if (p.seat_map.seats[s] != (kSeatTaken | slot_of_line) || l.category_of(s) != line.category)
          return Status::internal(cat(l.describe(s), " of order ", orders_.id_of(slot), " is not taken as its line"));
      }
    }
  }
  for (uint32_t pi = 0; pi < stock_.performances().size(); ++pi) {
    const Performance& p = stock_.performances().items()[pi];
    if (!p.seat_map.present()) continue;
    const VenueLayout& l = stock_.layout_of(p);
    const SeatMap& m = p.seat_map;
    const size_t slots = m.contingent_slots.size() + 1;
    std::vector<uint32_t> unblocked(slots, 0), blocked(slots, 0), by_category(l.categories.size(), 0),
        allotted(l.categories.size(), 0);
    std::vector<uint16_t> row_free(l.row_count(), 0);
    std::vector<uint64_t> free_bits(l.word_count(), 0);
    for (uint32_t r = 0; r < l.row_count(); ++r) {
      for (uint32_t s = l.row_begin(r); s < l.row_end(r); ++s) {
        const uint16_t v = m.seats[s];
        const uint16_t k = seat_slot(v);
        if (k >= slots) return Status::internal(cat(l.describe(s), " names an unknown contingent slot"));
        const bool taken = seat_state(v) == kSeatTaken;
        // An archived performance's seats may be taken by retired orders.
        if (taken != (!in_order[pi].empty() && in_order[pi][s]) && !(taken && stock_.archived(pi)))
          return Status::internal(
              cat(l.describe(s), taken ? " is taken by no live order" : " is in an order but not taken"));
        if (seat_state(v) == kSeatBlocked) {
          ++blocked[k];
          continue;
        }
        ++unblocked[k];
        ++by_category[l.seat_category[s]];
        allotted[l.seat_category[s]] += k != 0;
        row_free[r] += v == kSeatFree;
        if (v == kSeatFree) free_bits[l.seat_bit(s) / 64] |= uint64_t{1} << (l.seat_bit(s) % 64);
      }
    }
    if (row_free != m.row_free)
      return Status::internal(cat("performance ", p.definition.performance, " row counts differ"));
    if (free_bits != m.free_bits)
      return Status::internal(cat("performance ", p.definition.performance, " free seat bits differ"));
    for (uint32_t r = 0; r < l.row_count(); ++r)
      if (m.row_run[r] != SeatMap::kRunUnknown && m.row_run[r] != m.count_longest_run(l, r))
        return Status::internal(cat("performance ", p.definition.performance, " row ", r, " free-run cache is stale"));
    for (size_t c = 0; c < l.categories.size(); ++c) {
      const GeneralAdmission* area = p.area(l.categories[c]);
      if (!area || area->capacity != by_category[c] || area->allotted != allotted[c] ||
          stock_.quotas()[area->open_quota].capacity != by_category[c] - allotted[c])
        return Status::internal(cat("performance ", p.definition.performance, " category ", l.categories[c],
                                    " capacity differs from a recount of its seats"));
    }
    for (size_t k = 1; k < slots; ++k) {
      const Contingent& c = stock_.contingents().items()[m.contingent_slots[k - 1]];
      if (c.slot != k || c.performance_index != pi || stock_.quotas()[c.quota].capacity != unblocked[k] ||
          c.blocked != blocked[k])
        return Status::internal(cat("contingent ", c.id, " differs from a recount of its seats"));
    }
  }
  return Status();
}

// Checks each seat map against its layout and its contingents, then
// rebuilds the derived row counts. Layouts are checked and indexed first.
Status SeatInventory::restore_seat_maps() {
  for (VenueLayout& l : stock_.layouts().items()) {
    Status s = l.validate_and_index(catalog_);
    if (!s.is_ok()) return s;
  }
  for (Performance& p : stock_.performances().items()) {
    SeatMap& m = p.seat_map;
    if (!m.present()) {
      if (!m.seats.empty() || !m.contingent_slots.empty())
        return Status::invalid_argument("snapshot: seats without a layout");
      continue;
    }
    const VenueLayout* l = stock_.layouts().find(m.layout);
    if (!l || m.seats.size() != l->seat_count() || m.contingent_slots.size() > kSeatContingentsPerPerformanceMax)
      return Status::invalid_argument(cat("snapshot: performance ", p.definition.performance, " has a bad seat map"));
    m.layout_index = static_cast<uint32_t>(l - stock_.layouts().items().data());
    for (CategoryId c : l->categories)
      if (!p.area(c)) return Status::invalid_argument("snapshot: a seated category has no area");
    for (size_t k = 0; k < m.contingent_slots.size(); ++k) {
      const uint32_t ci = m.contingent_slots[k];
      const uint32_t pi = static_cast<uint32_t>(&p - stock_.performances().items().data());
      if (ci >= stock_.contingents().size() || stock_.contingents().items()[ci].slot != k + 1 ||
          stock_.contingents().items()[ci].performance_index != pi ||
          !stock_.is_seated(p, stock_.contingents().items()[ci].category))
        return Status::invalid_argument("snapshot: a seat map names a bad contingent");
    }
    for (uint16_t v : m.seats)
      if (seat_state(v) == kSeatStateMask || seat_slot(v) > m.contingent_slots.size())
        return Status::invalid_argument("snapshot: a seat has a bad state");
    m.rebuild_derived(*l);
  }
  for (const Contingent& k : stock_.contingents().items()) {
    const Performance& p = stock_.performances().items()[k.performance_index];
    if (k.seated() != stock_.is_seated(p, k.category) ||
        (k.seated() && (k.slot > p.seat_map.contingent_slots.size() ||
                        &stock_.contingents().items()[p.seat_map.contingent_slots[k.slot - 1]] != &k)))
      return Status::invalid_argument(cat("snapshot: contingent ", k.id, " has a bad seat slot"));
  }
  return Status();
}

}  // namespace tessera::engine
