// Engine time and the demo performances the tests start from: one
// definition for shard_fixture.h, owners_fixture.h and the suites (engine,
// runtime, storage, server) that used to define their own copies, which
// collide when a unity build puts several suites in one translation unit.
#pragma once

#include <cstdint>

#include "engine/ids.h"

namespace tessera::engine {

inline constexpr int64_t kT0 = 1'790'000'000'000;  // engine time at start
inline constexpr int64_t kMinute = 60'000;
inline constexpr int64_t kHour = 60 * kMinute;
inline constexpr int64_t kDay = 24 * kHour;
// Performances: 1000.. product 1 (release), 2000.. product 2 (overdue), 3000.. product 3 (keep).
inline constexpr PerformanceId kPerfRelease = 1000, kPerfOverdue = 2000, kPerfKeep = 3000;

}  // namespace tessera::engine
