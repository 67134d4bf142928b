// ShardTimers: the one timing wheel of a shard, shared by the deadlines of
// orders and the release-back dates of contingents, and the arming sequence
// that makes same-due timers fire in the order they were armed (also after
// a snapshot is loaded: the wheel is rebuilt by (due, sequence)).
//
// A timer's payload is an OrderId, or (kContingentTimerTag set) the
// contingents index whose release-back date it is. Order ids never set
// bit 63 (shard < kShardsMax).
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cassert>
#include <cstdint>

#include "engine/ids.h"
#include "engine/limits.h"
#include "engine/timing_wheel.h"

namespace tessera::engine {

inline constexpr uint64_t kContingentTimerTag = uint64_t{1} << 63;
static_assert(kShardsMax <= 128);

class ShardTimers {
 public:
  ShardTimers(int64_t start_ms, uint32_t capacity_hint) : wheel_(start_ms, capacity_hint) {}

  // Arms a timer due at due_ms; *seq receives its arming sequence number.
  TimerId arm(int64_t due_ms, uint64_t payload, uint64_t* seq) {
    *seq = next_seq_++;
    return wheel_.schedule(due_ms, payload);
  }
  // Re-arms a timer read from a snapshot (its sequence number is kept).
  TimerId restore(int64_t due_ms, uint64_t payload) { return wheel_.schedule(due_ms, payload); }
  // Cancels *timer if armed and clears it. REQUIRES an armed timer is pending.
  void disarm(TimerId* timer) {
    if (!timer->valid()) return;
    const bool cancelled = wheel_.cancel(*timer);
    assert(cancelled);
    (void)cancelled;
    *timer = TimerId{};
  }

  const TimingWheel& wheel() const { return wheel_; }
  TimingWheel& wheel() { return wheel_; }
  uint64_t next_seq() const { return next_seq_; }
  void set_next_seq(uint64_t seq) { next_seq_ = seq; }

 private:
  TimingWheel wheel_;
  uint64_t next_seq_ = 1;
};

}  // namespace tessera::engine
