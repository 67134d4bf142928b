// run_load: the tessera-load driver — set-up (performances, or the search
// mix's contacts), connections, pipelining, closed or open loop, progress
// lines, and the rush / onsale / search checks at the end.
//
// Closed loop (rate 0): each connection keeps `pipeline` requests of
// `batch` commands in flight; each reply's callback sends the next request.
// Open loop (rate > 0): one pacer thread sends a request every batch/rate
// seconds, round robin over the connections, whatever the replies do; a
// request's latency counts from the time it was due (no coordinated
// omission). Per connection at most kOpenLoopInFlightMax requests are in
// flight; a request due while that many are out is skipped and counted.
//
// Latency is per request (send → last reply), in a LatencyHistogram.
// Thread-safety: run_load blocks its caller; it owns every thread it starts.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "base/status.h"
#include "engine/ids.h"
#include "net/client.h"
#include "net/result_code.h"
#include "tools/load/latency_histogram.h"
#include "tools/load/load_options.h"

namespace tessera::tools {

inline constexpr uint32_t kOpenLoopInFlightMax = 4'096;              // per connection
inline constexpr engine::PerformanceId kRushPerformanceMin = 9'000;  // rush ids: 9000 + random
inline constexpr uint32_t kRushPerformanceSpan = 1'000;
inline constexpr engine::PerformanceId kLoadPerformanceMin = 100'000;  // hold-* ids
inline constexpr uint32_t kLoadPerformanceSpan = 900'000;
inline constexpr uint32_t kLoadCapacity = 100'000'000;  // units per hold-* performance

struct RushResult {
  engine::PerformanceId performance = 0;
  uint32_t capacity = 0;
  uint64_t confirmed_units = 0;  // the clients' tally
  uint64_t confirmed_orders = 0;
  int64_t available = -1;             // the server's GetAvailability after the run
  uint64_t orders_not_confirmed = 0;  // confirmed orders GetOrder does not show as Confirmed
  uint64_t duplicate_orders = 0;      // one order id confirmed twice
  uint64_t in_doubt = 0;
  uint64_t unexpected = 0;
  bool sold_out = false;  // some connection saw a 1-unit SoldOut
  bool pass = false;
  std::string verdict;  // why it passed or failed
};

// Sold and oversold units of a rush or an on-sale run, recounted from the
// server's own state (the comparison harness's columns).
struct SaleCheck {
  uint64_t sold_units = 0;
  uint64_t oversold_units = 0;  // units confirmed beyond a quota's capacity: must be 0
  bool pass = false;
  std::string verdict;
};

inline constexpr uint32_t kExpirySettleMs = 1'500;  // after a TTL or deadline: the wheel has fired

struct LoadReport {
  LoadMix mix = LoadMix::kHoldRelease;
  uint32_t connections = 0, pipeline = 0, batch = 0;
  uint64_t rate = 0;
  uint64_t seed = 0;
  double seconds = 0;
  uint64_t requests = 0;
  uint64_t commands = 0;
  uint64_t holds = 0;  // hold commands answered (Ok or refused, e.g. SoldOut); 0 unless mix_counts_holds
  uint64_t failed_requests = 0;
  uint64_t skipped_requests = 0;  // open loop: due while the connection was saturated
  std::string first_failure;
  std::array<uint64_t, net::kResultCodeSlots> codes{};
  LatencyHistogram latency;
  std::optional<RushResult> rush;
  std::optional<SaleCheck> sale;  // rush, onsale and expiry; search: its verdict only (no units)

  double commands_per_s() const { return seconds > 0 ? static_cast<double>(commands) / seconds : 0; }
  double holds_per_s() const { return seconds > 0 ? static_cast<double>(holds) / seconds : 0; }
  double requests_per_s() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
};

// Client options of tessera-load's connection number `index`.
net::ClientOptions load_client_options(const LoadOptions& options, uint32_t index);

// Runs one load (set-up, load, drain, check). `progress` receives the
// set-up's line and a line a second (nullptr = none). Fails (unavailable /
// failed_precondition) when it cannot connect or set up; a FAILed check is
// a report, not an error.
Result<LoadReport> run_load(const LoadOptions& options, std::FILE* progress);

// Human-readable report (several lines) and a single-line JSON object.
std::string format_report(const LoadReport& report);
std::string format_report_json(const LoadReport& report);

}  // namespace tessera::tools
