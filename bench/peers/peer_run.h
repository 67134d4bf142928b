// run_peer: tessera-peer-load's driver — the comparison workloads of
// bench/compare.sh against a Redis or PostgreSQL peer (bench/peers/peer.h),
// shaped like tessera-load's (tools/load) so the rows compare:
//
//   onsale  every thread sends rounds of follow-ups (confirm / release of
//           earlier holds) then new holds drawn by tools::OnSalePlan, up to
//           `pipeline` ops per round trip; a sweeper thread releases expired
//           holds (as a cron job would).
//   (both)  after the run every thread follows up what it holds; then every
//           hold still open (left to expire, or confirmed too late) is swept
//           and the stock recounted.
//   rush    every thread holds 1..4 units of the one rush quota and confirms
//           each hold in its next round, until sold out (or the time is up).
//   expiry  `expiry_options` 1-unit holds on the GA categories, all expired
//           at one instant; `connections` sweepers release them in parallel
//           (SKIP LOCKED / atomic script): time from start to all released.
//   hold-release  tessera-load's hold-release: each round first releases the
//           1-unit holds of earlier rounds, then fills up with new 1-unit
//           holds round robin over the GA categories (TTL 60 s); at the end
//           what is held is left to expire (then swept), as tessera-load does.
//
// Closed loop (rate 0): each thread sends its next round as soon as the
// last one is answered. Open loop (rate > 0): rounds of r ops (r = the
// pipeline; PostgreSQL: 1) are due every r/rate seconds overall, round
// robin over the threads as tessera-load's pacer does (thread i's round k
// at its start + (k * connections + i) * r / rate). A thread behind
// schedule sends at once, and a round's latency counts from the time it
// was due, not sent (no coordinated omission); nothing is skipped (one
// round in flight per connection), so a rate the peer cannot sustain shows
// as growing latency and a throughput below the rate. Rounds of follow-ups
// after the time is up are sent at once and timed from their send.
//
// Latency is per round trip (Redis: a pipeline of ops; PostgreSQL: one
// call). Thread-safety: blocks its caller; owns every thread it starts.
#pragma once

#include <cstdint>
#include <string>

#include "bench/peers/peer.h"
#include "tools/load/latency_histogram.h"
#include "tools/load/load_options.h"

namespace tessera::bench {

inline constexpr uint32_t kPeerConnectionsMax = 256;
inline constexpr uint32_t kSweepLimit = 1'000;            // holds per sweep call
inline constexpr uint32_t kSweepPauseMs = 100;            // the sweeper's pause when nothing is due
inline constexpr int64_t kPeerExpiryLeadMs = 3'600'000;   // expiry: options due an hour after creation
inline constexpr int64_t kPeerHoldReleaseTtlMs = 60'000;  // hold-release: = tessera-load's hold TTL

struct PeerOptions {
  std::string system;  // redis | postgres
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string user = "postgres";                 // postgres role
  tools::LoadMix mix = tools::LoadMix::kOnSale;  // onsale | rush | expiry | hold-release
  uint32_t connections = 8;
  uint32_t pipeline = 64;  // ops per round trip (PostgreSQL: always 1)
  uint32_t duration_s = 10;
  uint64_t rate = 0;  // open loop: total ops/s over every connection; 0 = closed loop
  uint32_t rush_capacity = 100'000;
  uint32_t rush_quantity_max = 4;
  uint32_t expiry_options = 50'000;
  uint64_t seed = 1;
  bool json = false;
};

// Parses argv (argv[0] skipped) with tools/options/typed_options.h, as
// tessera-load does. "--help" gives failed_precondition with the usage.
Result<PeerOptions> parse_peer_options(int argc, const char* const* argv);

struct PeerReport {
  std::string system, settings;
  tools::LoadMix mix = tools::LoadMix::kOnSale;
  uint32_t connections = 0, pipeline = 0;
  uint64_t rate = 0;  // open loop: ops/s asked for; 0 = closed loop
  uint64_t seed = 0;
  double seconds = 0;
  uint64_t ops = 0, holds = 0, holds_ok = 0, sold_out = 0, released = 0;
  uint64_t sold_units = 0, oversold_units = 0;
  bool pass = false;
  std::string verdict;
  tools::LatencyHistogram latency;

  double throughput_per_s() const;
  double ops_per_s() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
};

Result<PeerReport> run_peer(const PeerOptions& options, PeerSystem& peer);

// Human-readable report (several lines, tessera-load's layout) and a
// single-line JSON object (tessera-load's latency keys).
std::string format_peer_report(const PeerReport& report);
std::string format_peer_report_json(const PeerReport& report);

}  // namespace tessera::bench
