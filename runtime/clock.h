// Clocks: the only place engine time comes from. The engine itself never
// reads a clock; the shard runner reads one and passes now_ms in.
// Thread-safety: now_ms() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace tessera::runtime {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ms() const = 0;
};

// Wall-clock milliseconds since the Unix epoch.
class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock moved by hand (tests, simulations, load-test replays).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 0) : now_(start_ms) {}
  int64_t now_ms() const override { return now_.load(std::memory_order_acquire); }
  void set_ms(int64_t t) { now_.store(t, std::memory_order_release); }
  void advance_ms(int64_t d) { now_.fetch_add(d, std::memory_order_acq_rel); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace tessera::runtime
