// Shard state hash and invariant checker.
//
// check_invariants() recounts everything derivable from the live orders
// (quota counters, per-contact counters, timers) and compares it with what
// the shard maintains incrementally. Tests call it after every step of the
// randomised runs.
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
      return Status::internal(cat("order ", id, " (", order_state_name(o.state), ") timer ",
                                  o.timer.valid() ? "armed" : "missing"));
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
  if (timed != timers_.size())
    return Status::internal(cat("timing wheel holds ", timers_.size(), " timers, live deadlines ", timed));
  for (size_t q = 0; q < quotas_.size(); ++q) {
    if (quotas_[q].used != used[q])
      return Status::internal(cat("quota ", q, " used ", quotas_[q].used, " != recount ", used[q]));
    if (quotas_[q].used > quotas_[q].capacity)
      return Status::internal(cat("quota ", q, " oversold: used ", quotas_[q].used, " > capacity ",
                                  quotas_[q].capacity));
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

}  // namespace tessera::engine
