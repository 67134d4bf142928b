// Shard state hash and invariant checker.
//
// check_invariants() recounts everything derivable from the live orders
// (quota counters, per-contact counters, timers) and compares it with what
// the shard maintains incrementally, and every seat state from the orders
// and the seat maps (check_seat_invariants). Tests call it after every step
// of the randomised runs.
#include <algorithm>
#include <vector>

#include "engine/hash.h"
#include "engine/shard.h"

namespace tessera::engine {

uint64_t Shard::state_hash() const {
  Hasher h;
  h.add_u64(shard_);
  h.add_u64(shard_count_);
  catalog_.hash_into(h);
  h.add(layouts_.items());
  h.add(quotas_.all());
  h.add(performances_.items());
  h.add(contingents_.items());
  for (uint32_t slot = 0; slot < orders_.slot_count(); ++slot) {
    const Order& o = orders_.at(slot);
    h.add_u64(o.generation);
    if (!o.live()) continue;
    h.add(o);
    // Which orders wait on a timer, and in what order same-due timers fire.
    // (Not the wheel's due: a past deadline is clamped to whatever tick the
    // wheel was at, which replay need not reproduce.)
    h.add_u64(o.timer.valid() ? o.timer_seq : 0);
  }
  // Future ids depend on which slots are free and in what order.
  h.add(orders_.free_list());
  h.add_u64(orders_.slot_count());
  h.add_u64(timer_seq_next_);
  idempotency_.hash_into(h);
  contacts_.hash_into(h);
  subscriptions_.hash_into(h);
  return h.value();
}

Status Shard::check_invariants() const {
  // Recount quota usage and per-contact units from the live orders.
  std::vector<uint64_t> used(quotas_.size(), 0);
  FlatMap<uint64_t, uint32_t> contact_units;
  uint32_t live = 0;
  uint32_t timed = 0;
  for (uint32_t slot = 0; slot < orders_.slot_count(); ++slot) {
    const Order& o = orders_.at(slot);
    const OrderId id = orders_.id_of(slot);
    if (!o.live()) {
      if (o.timer.valid()) return Status::internal(cat("closed order ", id, " still has a timer"));
      continue;
    }
    ++live;
    if (o.lines.empty()) return Status::internal(cat("live order ", id, " has no lines"));
    for (const OrderLine& line : o.lines) {
      if (line.quantity == 0) return Status::internal(cat("order ", id, " has an empty line"));
      const QuotaSet set = quotas_of(line, o.channel);
      for (uint32_t i = 0; i < set.count; ++i) used[set.ids[i]] += line.quantity;
      if (performances_.items()[line.performance_index].definition.contact_limit > 0)
        contact_units[(uint64_t{line.performance_index} << 32) | o.contact] += line.quantity;
    }
    if (needs_timer(o) != o.timer.valid())
      return Status::internal(
          cat("order ", id, " (", order_state_name(o.state), ") timer ", o.timer.valid() ? "armed" : "missing"));
    if (o.timer.valid()) {
      ++timed;
      // A deadline already past when the timer was armed is due at the next tick.
      const int64_t due = timers_.pending(o.timer) ? timers_.due_ms(o.timer) : -1;
      const bool due_ok = due == o.deadline_ms || (o.deadline_ms < due && due <= now_ms_ + 1);
      if (!timers_.pending(o.timer) || timers_.payload(o.timer) != id || !due_ok)
        return Status::internal(cat("order ", id, " timer does not match its deadline ", o.deadline_ms));
    }
  }
  if (live != orders_.live_count())
    return Status::internal(cat("live order count ", orders_.live_count(), " != recount ", live));
  Status seats = check_contingent_invariants(&timed);
  if (!seats.is_ok()) return seats;
  if (timed != timers_.size())
    return Status::internal(cat("timing wheel holds ", timers_.size(), " timers, live deadlines ", timed));
  seats = check_seat_invariants();
  if (!seats.is_ok()) return seats;
  seats = check_follow_up_index();
  if (!seats.is_ok()) return seats;
  seats = subscriptions_.check_invariants();
  if (!seats.is_ok()) return seats;
  for (size_t q = 0; q < quotas_.size(); ++q) {
    if (quotas_[q].used != used[q])
      return Status::internal(cat("quota ", q, " used ", quotas_[q].used, " != recount ", used[q]));
    if (quotas_[q].used > quotas_[q].capacity)
      return Status::internal(
          cat("quota ", q, " oversold: used ", quotas_[q].used, " > capacity ", quotas_[q].capacity));
  }
  if (contact_units.size() != contact_units_.size())
    return Status::internal("per-contact counters differ from a recount");
  Status s;
  contact_units.for_each([&](uint64_t key, uint32_t n) {
    const uint32_t* held = contact_units_.find(key);
    if (s.is_ok() && (!held || *held != n)) s = Status::internal(cat("per-contact counter ", key, " != recount ", n));
  });
  return s;
}

// Contingent trees: parents come first and match; nobody holds more than
// its planned quota; released contingents hold no unsold stock; release-back
// timers match their dates. Adds the armed timers to *timed.
Status Shard::check_contingent_invariants(uint32_t* timed) const {
  const std::vector<Contingent>& ks = contingents_.items();
  std::vector<uint64_t> subtree(ks.size(), 0);
  for (size_t i = 0; i < ks.size(); ++i) subtree[i] = held(ks[i]);
  for (size_t i = ks.size(); i-- > 0;) {
    const Contingent& k = ks[i];
    if (k.parent != kNoContingent) {
      const Contingent& parent = ks[k.parent];
      if (k.parent >= i || parent.performance_index != k.performance_index || parent.category != k.category ||
          parent.seated() != k.seated())
        return Status::internal(cat("contingent ", k.id, " has an inconsistent parent"));
      subtree[k.parent] += subtree[i];
    }
    if (subtree[i] > k.planned)
      return Status::internal(cat("contingent ", k.id, " holds ", subtree[i], " > planned ", k.planned));
    const Quota& q = quotas_[k.quota];
    if (k.released && (q.capacity != q.used || k.blocked != 0))
      return Status::internal(cat("released contingent ", k.id, " still holds unsold stock"));
    if (!k.seated() && k.blocked != 0) return Status::internal(cat("GA contingent ", k.id, " has blocked seats"));
    const bool armed = k.release_back_ms != 0 && !k.released;
    if (armed != k.timer.valid())
      return Status::internal(cat("contingent ", k.id, " release-back timer ", armed ? "missing" : "armed"));
    if (k.timer.valid()) {
      ++*timed;
      if (!timers_.pending(k.timer) || timers_.payload(k.timer) != (kContingentTimerTag | i) ||
          timers_.due_ms(k.timer) != k.release_back_ms)
        return Status::internal(cat("contingent ", k.id, " timer does not match its release-back date"));
    }
  }
  return Status();
}

// Seats: each taken seat in exactly one live order line (same category and
// contingent); quota capacities, blocked counters and row counts equal a
// recount of the seat map.
Status Shard::check_seat_invariants() const {
  std::vector<std::vector<uint8_t>> in_order(performances_.size());
  for (uint32_t slot = 0; slot < orders_.slot_count(); ++slot) {
    const Order& o = orders_.at(slot);
    if (!o.live()) continue;
    for (const OrderLine& line : o.lines) {
      const Performance& p = performances_.items()[line.performance_index];
      const bool seated = is_seated(p, line.category);
      if (seated != (line.seat != kNoSeat))
        return Status::internal(cat("order ", orders_.id_of(slot), " line seated/GA mismatch"));
      if (!seated) continue;
      const VenueLayout& l = layout_of(p);
      std::vector<uint8_t>& marks = in_order[line.performance_index];
      if (marks.empty()) marks.assign(l.seat_count(), 0);
      const uint16_t slot_of_line = line.contingent == kNone ? 0 : contingents_.items()[line.contingent_index].slot;
      if (line.seat + uint64_t{line.quantity} > l.row_end(l.row_of(line.seat)))
        return Status::internal(cat("order ", orders_.id_of(slot), " has a seat run across rows"));
      for (uint32_t s = line.seat; s < line.seat + line.quantity; ++s) {
        if (marks[s]++) return Status::internal(cat(l.describe(s), " is in two live orders"));
        if (p.seat_map.seats[s] != (kSeatTaken | slot_of_line) || l.category_of(s) != line.category)
          return Status::internal(cat(l.describe(s), " of order ", orders_.id_of(slot), " is not taken as its line"));
      }
    }
  }
  for (uint32_t pi = 0; pi < performances_.size(); ++pi) {
    const Performance& p = performances_.items()[pi];
    if (!p.seat_map.present()) continue;
    const VenueLayout& l = layout_of(p);
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
        if (taken != (!in_order[pi].empty() && in_order[pi][s]))
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
          quotas_[area->open_quota].capacity != by_category[c] - allotted[c])
        return Status::internal(cat("performance ", p.definition.performance, " category ", l.categories[c],
                                    " capacity differs from a recount of its seats"));
    }
    for (size_t k = 1; k < slots; ++k) {
      const Contingent& c = contingents_.items()[m.contingent_slots[k - 1]];
      if (c.slot != k || c.performance_index != pi || quotas_[c.quota].capacity != unblocked[k] ||
          c.blocked != blocked[k])
        return Status::internal(cat("contingent ", c.id, " differs from a recount of its seats"));
    }
  }
  return Status();
}

// The follow-up index holds exactly the rows of the live options and
// reservations (recounted), each under its order's current deadline.
Status Shard::check_follow_up_index() const {
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
  return s;
}

}  // namespace tessera::engine
