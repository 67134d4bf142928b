// RandomWorkload: a seeded stream of order commands over the demo venue —
// holds, bookings, extensions, conversions, confirmations (full and
// partial), releases, cancellations, archives, reinstatements, locks and
// marks, seated holds and bookings (named seats and best available),
// blocking, moving seats between nested contingents and release-back dates,
// some with request keys and some deliberately invalid.
//
// Used wherever "any realistic sequence" is needed: snapshot equivalence,
// replay and crash tests, log benchmarks. The same seed and the same replies
// give the same stream. Feed every reply back through observe() so later
// commands can name the orders it created.
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "engine/command.h"
#include "workload/demo_venue.h"

namespace tessera::workload {
inline constexpr engine::LayoutId kRandomLayout = 7;
inline constexpr uint32_t kRandomLayoutSeats = 60;  // 6 rows x 10 seats
inline constexpr uint32_t kRandomContacts = 200;    // orders name contacts 1..200 (set up as known)
constexpr engine::PerformanceId random_seated_performance(engine::ProductId p) { return p.value() * 1000 + 500; }
}  // namespace tessera::workload

namespace tessera::workload {

class RandomWorkload {
 public:
  // Performances: first..first+count-1 of each product (1000.., 2000.., 3000..),
  // plus one seated performance per product (1500, 2500, 3500) on a 60-seat
  // layout with a seated partner contingent (p * 10 + 5) and a sub-group
  // (p * 10 + 6).
  RandomWorkload(uint64_t seed, uint32_t performances_per_product);

  // The set-up commands of the venue this workload targets.
  std::vector<engine::Command> setup(uint32_t capacity_per_performance) const;

  // Next command at engine time now_ms.
  engine::Command next(int64_t now_ms);
  void observe(const engine::Command& command, const engine::Reply& reply);

  // A random step of time: mostly milliseconds, sometimes minutes or days.
  int64_t time_step();

 private:
  uint32_t pick(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
  engine::OrderId some_order();
  engine::PerformanceId some_performance();
  engine::Command next_seated(int64_t now_ms, uint32_t kind);
  std::vector<uint32_t> some_seats(uint32_t max);

  std::mt19937_64 rng_;
  uint32_t performances_;
  std::vector<engine::OrderId> orders_;
  uint64_t next_key_ = 1;
};

}  // namespace tessera::workload
