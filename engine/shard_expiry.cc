// Shard expiry: which orders run a timer, and what happens at a deadline.
//
// Every live order that can expire has exactly one timer in the wheel, due
// at its deadline_ms; a command that touches an order past its deadline
// applies the expiry first (expire_if_due), so no command ever sees a hold
// that should already be gone, even between two advance() slices.
#include <cassert>

#include "engine/shard.h"

namespace tessera::engine {

bool Shard::needs_timer(const Order& o) const {
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

void Shard::arm_timer(Order& o, OrderId id) {
  assert(!o.timer.valid());
  if (!needs_timer(o)) return;
  o.timer = timers_.schedule(o.deadline_ms, id);
  o.timer_seq = timer_seq_next_++;
}

void Shard::disarm_timer(Order& o) {
  if (!o.timer.valid()) return;
  const bool cancelled = timers_.cancel(o.timer);
  assert(cancelled);
  (void)cancelled;
  o.timer = TimerId{};
}

void Shard::set_deadline(Order& o, OrderId id, int64_t deadline_ms) {
  disarm_timer(o);
  o.deadline_ms = deadline_ms;
  arm_timer(o, id);
}

void Shard::expire_if_due(Order& o, OrderId id) {
  // A loop: an option past its deadline may also be past its grace period.
  while (o.timer.valid() && o.deadline_ms <= now_ms_) {
    disarm_timer(o);
    on_deadline(id);
  }
}

// The timer of order `id` is gone (fired or disarmed); apply its deadline.
void Shard::on_deadline(OrderId id) {
  Order* o = orders_.find(id);
  assert(o && o->live() && !o->locked);
  o->timer = TimerId{};
  switch (o->state) {
    case OrderState::kHeld:
      close(*o, id, OrderState::kExpired);
      return;
    case OrderState::kOption:
    case OrderState::kReservation:
      if (o->policy == ExpiryPolicy::kOverdueThenArchive) {
        transition(*o, OrderState::kOverdue);
        o->deadline_ms += o->overdue_grace_ms;
        arm_timer(*o, id);
      } else {
        assert(o->policy == ExpiryPolicy::kReleaseAtDeadline);
        close(*o, id, OrderState::kArchived);
      }
      return;
    case OrderState::kOverdue:
      close(*o, id, OrderState::kArchived);
      return;
    default:
      assert(false && "timer on an order that cannot expire");
  }
}

}  // namespace tessera::engine
