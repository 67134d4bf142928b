// The deterministic simulator (issue 24): one seed replays the life of a
// whole server — its clients, their network, its disk and its crashes.
//
// One thread runs the real partition code: a runtime::ShardSet of stepped
// runners (runtime/shard_runner.h: the same loop, turned by the simulator
// instead of a thread), its real log writers and recovery replay, over an
// in-memory log store that fails when the seed says so (sim/sim_log_store.h).
// Clients speak the real protocol frames (net/messages.h, net/codec.h)
// through a simulated network that delays each message and reorders
// messages across connections (never within one) and cuts connections.
// Time is a runtime::ManualClock the simulator moves.
//
// The workload: web shops holding, confirming and releasing (the engine's
// RandomWorkload: GA and seated, valid and invalid), the back office
// creating contacts, paying, reading and releasing overdue orders (and,
// with catalog_commands, changing prices: all shards or none), and checker
// clients holding, releasing and reading availability on quotas of their
// own, whose histories are checked for linearizability
// (sim/history_checker.h).
//
// Faults: storage I/O errors, short (torn) writes, fsync failures, a full
// disk; process crashes (unsynced writes survive) and power losses (they
// do not, but for a prefix). After a storage failure the server answers
// Unavailable until it is restarted — the supervised restart of
// tessera-server (exit status 75, scripts/run): the simulator restarts it
// after a back-off, as the supervisor would.
//
// Checks, after every step: every partition's check_invariants() (stock
// recounts, no seat in two live orders); no command acknowledged Ok by a
// partition after its storage failed. At every restart: recovery succeeds;
// every command acknowledged Ok is in the recovered log (with `sync`, and
// with `async` unless the power failed since); a catalog command is on all
// shards or on none; after a process crash, the recovered state hashes
// equal the live ones. At the end: the checker clients' histories are
// linearizable. The first failed check ends the run with a message naming
// the seed, the step and the simulated time.
// Thread-safety: none; one simulation per thread.
#pragma once

#include <cstdint>
#include <string>

#include "sim/history_checker.h"

namespace tessera::sim {

struct SimOptions {
  uint64_t seed = 1;
  uint32_t requests = 2'000;  // client requests sent before the run winds down
  uint32_t web_clients = 3;
  uint32_t checker_clients = 4;
  bool back_office = true;
  // The back office also changes a price now and then: a catalog command,
  // applied and logged by every shard or none (docs/testing.md, "Found by
  // the simulator").
  bool catalog_commands = true;
  // Faults (per step, in parts per million).
  uint32_t storage_fault_ppm = 1'500;
  uint32_t crash_ppm = 1'500;
  uint32_t power_loss_ppm = 1'000;
  uint32_t cut_ppm = 2'000;
  bool verbose = false;  // prints each fault and restart to stderr
};

struct SimResult {
  bool ok = true;
  std::string failure;  // the first failed check
  bool sync = true;     // the durability the seed chose
  uint64_t steps = 0;
  uint64_t requests = 0;
  uint64_t replies = 0;
  uint64_t acknowledged = 0;  // Ok replies to commands that change state
  uint64_t unknown = 0;       // requests whose reply never came (cut, crash)
  uint64_t crashes = 0, power_losses = 0, storage_faults = 0, restarts = 0, cuts = 0;
  uint64_t entries_checked = 0;  // acknowledged commands found again after a restart
  uint64_t simulated_ms = 0;
  uint64_t trace_hash = 0;  // every reply and state hash: the same seed gives the same value
  CheckResult linearizability;
  uint64_t checked_operations = 0;
};

SimResult simulate(const SimOptions& options);

// One line: seed, outcome and counts (scripts/simulate, the test's output).
std::string describe(const SimOptions& options, const SimResult& result);

}  // namespace tessera::sim
