// Seeded randomised runs: every randomised test takes its seeds from here,
// so each prints the seed of a failure and replays one with TESSERA_SEED=n.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>

namespace tessera::testing_support {

// Calls run(seed) for seeds 1..count, or only for $TESSERA_SEED when set,
// stopping at the first fatal failure; failures name their seed.
template <typename F>
void for_each_seed(uint64_t count, F&& run) {
  uint64_t first = 1, last = count;
  if (const char* s = std::getenv("TESSERA_SEED")) first = last = std::strtoull(s, nullptr, 10);
  for (uint64_t seed = first; seed <= last; ++seed) {
    SCOPED_TRACE(testing::Message() << "seed " << seed << " (replay: TESSERA_SEED=" << seed << ")");
    run(seed);
    if (testing::Test::HasFatalFailure()) return;
  }
}

// for_each_seed over a Run type constructed from the seed and stepped
// `steps` times; a failure also names its step.
template <typename Run>
void run_seeded_steps(uint64_t count, int steps) {
  for_each_seed(count, [steps](uint64_t seed) {
    Run run(seed);
    for (int step = 0; step < steps; ++step) {
      run.step();
      if (testing::Test::HasFatalFailure()) {
        ADD_FAILURE() << "failed at step " << step;
        return;
      }
    }
  });
}

}  // namespace tessera::testing_support
