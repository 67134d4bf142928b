// FuzzShard: the engine behind the client-frame fuzz target and its corpus
// generator. One shard (of one) and the contact directory partition (the
// contact commands go there, as the runtime routes them; a profile
// hand-over follows each accepted record change), with the randomised
// workload's venue set up
// (workload/random_workload.h: three products, GA and seated performances,
// nested contingents), running each decoded command as a shard runner does
// once the session has decoded it and the connection's role allowed it.
//
// Every run ends with check_invariants() (the shard's and the directory's); a violation, or a catalog command
// whose apply() disagrees with its prepare(), aborts the process: that is a
// finding for libFuzzer, not an outcome.
// Thread-safety: none (one fuzzing thread).
#pragma once

#include <cstdint>

#include "directory/contact_directory.h"
#include "engine/command.h"
#include "engine/shard.h"
#include "tests/fuzz/fuzz_check.h"

namespace tessera::fuzz {

inline constexpr int64_t kFuzzStartMs = 1'790'000'000'000;
// The venue: one GA performance per product (1000, 2000, 3000) and one
// seated (1500, 2500, 3500), capacity kFuzzCapacity each.
inline constexpr uint32_t kFuzzCapacity = 100;

class FuzzShard {
 public:
  // The venue set up at kFuzzStartMs; the clock then starts at start_ms.
  explicit FuzzShard(int64_t start_ms = kFuzzStartMs);

  // Applies `command` at now_ms(), then moves the clock 1 ms on: a catalog
  // command is prepared and applied only if prepare() accepts it; a command
  // split by order or fanned out is applied as its parts and the replies
  // merged. Advance, which no connection may send (the server refuses it
  // with kForbidden, as this does), stands for the runner's own clock
  // instead: the clock moves `budget` minutes on. Then fires the expiries
  // due and checks the invariants (aborts on a violation).
  engine::Reply run(const engine::Command& command);

  int64_t now_ms() const { return now_ms_; }
  const engine::Shard& shard() const { return shard_; }

 private:
  engine::Reply apply(const engine::Command& command);

  engine::Shard shard_;
  directory::ContactDirectory directory_;
  int64_t now_ms_;
};

}  // namespace tessera::fuzz
