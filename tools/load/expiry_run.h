// run_expiry: the mass-release measurement of the comparison harness.
//
// Books `expiry_options` 1-unit options (round robin over the comparison
// venue's GA categories) that all fall due at one instant, then polls the
// availability until every unit is back: the server's timing wheel releases
// them with no client call. Reports the time from the deadline to the last
// unit back (the one latency sample), options / that time (throughput), and
// a check that the stock is whole again.
// Thread-safety: blocks its caller; one client, one thread.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "tools/load/load_options.h"
#include "tools/load/load_run.h"

namespace tessera::tools {

inline constexpr int64_t kExpiryLeadMsMin = 2'000;   // deadline = booking start + this + booking time estimate
inline constexpr int64_t kExpiryWaitMsMax = 30'000;  // polling gives up this long after the deadline

Result<LoadReport> run_expiry(const LoadOptions& options, uint64_t seed);

}  // namespace tessera::tools
