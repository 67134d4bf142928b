// The peers of the comparison harness: what a team would build instead of
// Tessera — Redis with atomic Lua scripts, PostgreSQL with row locks — seen
// through one small interface so tessera-peer-load drives both the same way
// (bench/peers/peer_run.h) on the venue of tools/load/onsale_plan.h.
//
// Thread-safety: a PeerSession belongs to one thread; a PeerSystem's
// set-up, sweep and recount are called from the driver's main thread (sweep
// also from the one sweeper thread, on its own connection).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "tools/load/onsale_plan.h"

namespace tessera::bench {

enum class PeerOpKind : uint8_t { kHold, kHoldSeats, kConfirm, kRelease };

struct PeerOp {
  PeerOpKind kind = PeerOpKind::kHold;
  uint32_t category = 1;      // kHold
  uint32_t quantity = 1;      // kHold, kHoldSeats
  int64_t hold = 0;           // kConfirm, kRelease: the hold id
  int64_t expires_at_ms = 0;  // kHold, kHoldSeats: the TTL's end; kConfirm: now
};

// Stock as recounted from a peer's own tables / keys after a run.
struct PeerRecount {
  std::array<int64_t, tools::kRushCategory + 1> sold_units{};  // confirmed holds, by category
  std::array<int64_t, tools::kRushCategory + 1> available{};   // free units, by category
  int64_t seats_sold_twice = 0;                                // seats of two confirmed holds
};

class PeerSession {
 public:
  virtual ~PeerSession() = default;
  // Runs `ops` in order, in one round trip where the system allows it
  // (Redis: one pipeline). results[i]: a hold id (> 0) or 0 = sold out for
  // holds; 1 = done, 0 = refused (not held / expired) for confirm/release.
  virtual Status run(const std::vector<PeerOp>& ops, std::vector<int64_t>& results) = 0;
  // Releases up to `limit` holds expired at `now_ms`; returns how many.
  virtual Result<int64_t> sweep(int64_t now_ms, uint32_t limit) = 0;
};

class PeerSystem {
 public:
  virtual ~PeerSystem() = default;
  virtual std::string name() const = 0;
  // Max ops per round trip this peer takes (PostgreSQL: one statement).
  virtual uint32_t ops_per_round_trip_max() const = 0;
  // Drops what an earlier run left, loads the venue (+ a rush quota of
  // `rush_capacity` units in kRushCategory) and the scripts / functions.
  virtual Status load_venue(uint32_t rush_capacity) = 0;
  virtual Result<std::unique_ptr<PeerSession>> connect() = 0;
  virtual Result<PeerRecount> recount() = 0;
  // The server settings that matter for the comparison, one line.
  virtual Result<std::string> settings() = 0;
};

std::unique_ptr<PeerSystem> make_redis_peer(const std::string& host, uint16_t port);
std::unique_ptr<PeerSystem> make_postgres_peer(const std::string& host, uint16_t port, const std::string& user);

// Capacity of category c in a peer's venue (the rush quota included).
inline int64_t peer_capacity(uint32_t category, uint32_t rush_capacity) {
  return category == tools::kRushCategory ? rush_capacity : tools::venue_capacity(category);
}

}  // namespace tessera::bench
