// OrderRetention: confirmed orders leave memory once their performances are
// past (issue 16). SetOrderRetention{retain_ms}, a catalog setting on every
// shard, says how long after a performance's start its confirmed orders stay
// in memory; 0 (the default) keeps them for ever, as before it existed.
//
// Once now >= start + retain_ms, Advance archives the performance, and a
// sweep of the order slots retires every confirmed order whose lines are all
// on archived performances:
//   - its record goes to the history of closed orders (engine/order_history.h)
//     with its state, "confirmed": GetOrderRecord by id and ListOrders of its
//     contact read it from there;
//   - its units stay counted under their quotas, as retired units
//     (StockLedger::retire_line): an archived performance's stock summary
//     and counters do not move, and a recount still adds up;
//   - its slot is freed, as a purged closed order's is.
// A performance without a date (starts_at_ms 0) is never archived. Orders
// with a line on a performance not yet archived stay until it is.
//
// Determinism: all of it happens inside Advance, which the runner logs when
// it does anything, so replay repeats it at the same points. The sweep runs
// in slices of at most kRetireSlotsPerSlice slots (a million orders never
// stall the loop); a performance archived during a sweep restarts it.
// State (snapshot section, hashed once set): retain_ms, the archived
// performances and the sweep's cursor. The retired units are StockLedger's.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "engine/command.h"
#include "engine/order_book.h"
#include "engine/stock_ledger.h"

namespace tessera::engine {

inline constexpr uint32_t kRetireSlotsPerSlice = 16'384;

// The snapshot image of the retention state.
struct RetentionState {
  int64_t retain_ms = 0;
  std::vector<uint32_t> archived;  // performance indexes, in archiving order
  uint32_t sweep_next = 0;         // next slot of the running sweep
  bool sweeping = false;
  auto fields() const { return std::tie(retain_ms, archived, sweep_next, sweeping); }
  bool unused() const { return retain_ms == 0 && archived.empty() && !sweeping; }
};

class OrderRetention {
 public:
  OrderRetention(OrderBook& book, StockLedger& stock, const int64_t& now_ms)
      : book_(book), stock_(stock), now_ms_(now_ms) {}

  // The catalog setting (prepared on every shard: check() changes nothing).
  Reply check(const SetOrderRetention& c) const;
  Reply on(const SetOrderRetention& c);
  int64_t retain_ms() const { return state_.retain_ms; }
  // A performance was defined or redefined: the next archiving time is
  // computed again.
  void performances_changed() { next_due_known_ = false; }

  // One slice: archives the performances due at now, then sweeps at most
  // kRetireSlotsPerSlice slots, retiring at most `budget` orders. Returns
  // the work done (0: nothing changed); == budget means more may be due.
  uint32_t advance(uint32_t budget);

  const RetentionState& state() const { return state_; }
  // Snapshot: takes the state read (checked against the performances).
  Status restore(RetentionState state);

 private:
  // The earliest start + retain_ms of a performance not archived yet
  // (INT64_MAX: none), computed again when unknown.
  int64_t next_due();
  bool retirable(const Order& order) const;

  OrderBook& book_;
  StockLedger& stock_;
  const int64_t& now_ms_;
  RetentionState state_;
  int64_t next_due_ = 0;
  bool next_due_known_ = false;  // derived from state_ and the performances
};

}  // namespace tessera::engine
