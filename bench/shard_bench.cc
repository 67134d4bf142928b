// Shard benchmarks: one shard, in process, no queue — the engine's own cost.
//
//   BM_GaHoldRelease        hold 1 GA unit then release it (items = holds)
//   BM_GaHold               holds only, into a large venue (items = holds)
//   BM_HoldOptionConfirm    hold -> option -> confirm (items = orders)
//   BM_SimultaneousExpiries 1M holds due at the same millisecond, expired in
//                           slices of kExpiriesPerSliceMax (ms_per_1M counter)
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <vector>

#include "engine/limits.h"
#include "engine/shard.h"
#include "workload/demo_venue.h"

namespace {

using namespace tessera::engine;
using tessera::workload::demo_line;
using tessera::workload::kWeb;

constexpr int64_t kT0 = 1'790'000'000'000;
constexpr PerformanceId kBig = 1500;  // product 1

// A shard with the demo catalog and one performance of `capacity` units in category 1.
std::unique_ptr<Shard> big_venue(uint32_t capacity) {
  auto shard = std::make_unique<Shard>(0, 1, kT0, ShardConfig{capacity});
  for (const Command& c : tessera::workload::demo_catalog()) shard->apply(c, kT0);
  // Far enough ahead for BM_HoldOptionConfirm's option deadline (a booking
  // lapses by its performance's start at the latest).
  shard->apply(Command{0, DefinePerformance{kBig, 1, kT0 + 30 * 86'400'000LL, 0, 0}}, kT0);
  shard->apply(Command{0, SetGeneralAdmission{kBig, 1, capacity}}, kT0);
  return shard;
}

Command hold_cmd(uint32_t contact, int64_t ttl_ms = 600'000) {
  return Command{0, Hold{contact, kWeb, {demo_line(kBig, 1, 1, 1)}, ttl_ms}};
}

void BM_GaHoldRelease(benchmark::State& state) {
  auto shard = big_venue(1'000'000);
  const Command hold = hold_cmd(7);
  Command release{0, Release{0}};
  for (auto _ : state) {
    const Reply r = shard->apply(hold, kT0);
    std::get<Release>(release.body).order = r.order;
    benchmark::DoNotOptimize(shard->apply(release, kT0));
  }
  state.SetItemsProcessed(state.iterations());
  if (!shard->check_invariants().is_ok()) state.SkipWithError("invariants broken");
}
BENCHMARK(BM_GaHoldRelease);

void BM_GaHold(benchmark::State& state) {
  constexpr uint32_t kHolds = 2'000'000;
  auto shard = big_venue(kHolds);
  const Command hold = hold_cmd(7);
  uint64_t n = 0;
  for (auto _ : state) {
    if (n == kHolds) {  // venue sold out: start over on a fresh shard (untimed)
      state.PauseTiming();
      shard = big_venue(kHolds);
      n = 0;
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(shard->apply(hold, kT0));
    ++n;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GaHold);

void BM_HoldOptionConfirm(benchmark::State& state) {
  constexpr uint32_t kOrders = 2'000'000;
  auto shard = big_venue(kOrders);
  const Command hold = hold_cmd(7);
  Command option{0, ConvertHold{0, BookingKind::kOption, kT0 + 7 * 86'400'000LL}};
  Command confirm{0, Confirm{0, {}}};
  uint64_t n = 0;
  for (auto _ : state) {
    if (n == kOrders) {
      state.PauseTiming();
      shard = big_venue(kOrders);
      n = 0;
      state.ResumeTiming();
    }
    const OrderId id = shard->apply(hold, kT0).order;
    std::get<ConvertHold>(option.body).order = id;
    std::get<Confirm>(confirm.body).order = id;
    const Reply optioned = shard->apply(option, kT0);
    const Reply confirmed = shard->apply(confirm, kT0);
    if (!optioned.ok() || !confirmed.ok()) {
      state.SkipWithError((optioned.ok() ? confirmed : optioned).message.c_str());  // measure the path, not refusals
      break;
    }
    ++n;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HoldOptionConfirm);

void BM_SimultaneousExpiries(benchmark::State& state) {
  const uint32_t holds = static_cast<uint32_t>(state.range(0));
  double total_ms = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto shard = big_venue(holds);
    const Command hold = hold_cmd(7, 60'000);
    for (uint32_t i = 0; i < holds; ++i) shard->apply(hold, kT0);
    state.ResumeTiming();
    const auto start = std::chrono::steady_clock::now();
    uint32_t fired = 0;
    while (const uint32_t n = shard->advance(kT0 + 60'000, kExpiriesPerSliceMax)) fired += n;
    total_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (fired != holds) state.SkipWithError("not every hold expired");
    state.PauseTiming();
    shard.reset();  // freeing 1M orders is not part of the figure
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * holds);
  state.counters["ms_per_1M"] = total_ms / static_cast<double>(state.iterations()) * 1e6 / holds;
}
BENCHMARK(BM_SimultaneousExpiries)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
