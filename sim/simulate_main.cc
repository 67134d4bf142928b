// tessera-simulate: runs the deterministic simulator over a range of seeds
// (scripts/simulate; docs/testing.md). Exit status 1 if any seed fails;
// each failure prints the line that replays it.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "sim/simulator.h"

int main(int argc, char** argv) {
  CLI::App app{"Runs the deterministic simulator (sim/simulator.h) over seeds first..first+count-1."};
  uint64_t first = 1;
  uint64_t count = 100;
  tessera::sim::SimOptions o;
  bool quiet = false;
  app.add_option("--first-seed", first, "first seed")->capture_default_str();
  app.add_option("--seeds", count, "how many seeds")->capture_default_str();
  app.add_option("--requests", o.requests, "client requests per seed")->capture_default_str();
  app.add_flag("--verbose", o.verbose, "print each fault and restart");
  bool no_catalog = false;
  app.add_flag("--no-catalog", no_catalog, "the back office changes no prices (no catalog commands)");
  app.add_flag("--quiet", quiet, "print failures and the summary only");
  CLI11_PARSE(app, argc, argv);
  o.catalog_commands = !no_catalog;

  const auto start = std::chrono::steady_clock::now();
  uint64_t failed = 0, simulated_ms = 0, acknowledged = 0, checked = 0, crashes = 0, power = 0, faults = 0;
  uint64_t gave_up = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    o.seed = seed;
    const tessera::sim::SimResult r = tessera::sim::simulate(o);
    simulated_ms += r.simulated_ms;
    acknowledged += r.acknowledged;
    checked += r.checked_operations;
    crashes += r.crashes;
    power += r.power_losses;
    faults += r.storage_faults;
    gave_up += r.linearizability.gave_up ? 1 : 0;
    if (!r.ok) {
      ++failed;
      std::printf("%s\n  replay: TESSERA_SEED=%lu scripts/simulate 1, with this run's flags\n",
                  tessera::sim::describe(o, r).c_str(), static_cast<unsigned long>(seed));
    } else if (!quiet) {
      std::printf("%s\n", tessera::sim::describe(o, r).c_str());
    }
    std::fflush(stdout);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "%lu seeds from %lu: %lu failed; %lu acknowledged commands, %lu checked operations (checker gave up on %lu), "
      "%lu crashes, %lu power losses, %lu storage faults; %.1f simulated minutes in %.1f s\n",
      static_cast<unsigned long>(count), static_cast<unsigned long>(first), static_cast<unsigned long>(failed),
      static_cast<unsigned long>(acknowledged), static_cast<unsigned long>(checked),
      static_cast<unsigned long>(gave_up), static_cast<unsigned long>(crashes), static_cast<unsigned long>(power),
      static_cast<unsigned long>(faults), static_cast<double>(simulated_ms) / 60'000.0, seconds);
  return failed == 0 ? 0 : 1;
}
