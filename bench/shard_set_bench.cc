// Scaling across shards.
//
//   BM_ShardsParallelApply/N   N threads, each owning a Shard, hold+release
//                              pairs in process (the engine's scaling, no queue)
//   BM_ShardSetPipelined/N     N shard runners fed through their bounded inboxes
//                              by one producer per shard, 4,096 commands in
//                              flight each (the runtime's scaling)
// items = holds. On a 2-core machine N=2 shares the cores with the producers.
#include <benchmark/benchmark.h>

#include <atomic>
#include <thread>
#include <vector>

#include "engine/shard.h"
#include "runtime/shard_set.h"
#include "workload/demo_venue.h"

namespace {

using namespace tessera;
using namespace tessera::engine;

constexpr int64_t kT0 = 1'790'000'000'000;

// Performance ids that land on shard s of n.
PerformanceId performance_on(uint32_t s, uint32_t n) {
  uint32_t p = 1100;
  while (shard_of_performance(p, n) != s) ++p;
  return p;
}

// `now_ms`: the clock the shards run on (a performance that has started
// takes no order).
std::vector<Command> venue(PerformanceId p, int64_t now_ms = kT0) {
  std::vector<Command> out = workload::demo_catalog();
  out.push_back(Command{0, DefinePerformance{p, 1, now_ms + 86'400'000, 0, 0}});
  out.push_back(Command{0, SetGeneralAdmission{p, 1, 1'000'000}});
  return out;
}

void BM_ShardsParallelApply(benchmark::State& state) {
  const uint32_t n = static_cast<uint32_t>(state.range(0));
  constexpr uint64_t kPairsPerThread = 2'000'000;
  for (auto _ : state) {
    std::vector<std::thread> threads;
    for (uint32_t s = 0; s < n; ++s) {
      threads.emplace_back([s, n] {
        Shard shard(s, n, kT0);
        const PerformanceId p = performance_on(s, n);
        for (const Command& c : venue(p)) shard.apply(c, kT0);
        const Command hold{0, Hold{7, workload::kWeb, {workload::demo_line(p, 1, 1, 1)}, 600'000}};
        Command release{0, Release{0}};
        for (uint64_t i = 0; i < kPairsPerThread; ++i) {
          std::get<Release>(release.body).order = shard.apply(hold, kT0).order;
          shard.apply(release, kT0);
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  state.SetItemsProcessed(state.iterations() * n * kPairsPerThread);
}
BENCHMARK(BM_ShardsParallelApply)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

using Counter = runtime::CountingCompletion;

void BM_ShardSetPipelined(benchmark::State& state) {
  const uint32_t n = static_cast<uint32_t>(state.range(0));
  constexpr uint64_t kHoldsPerShard = 500'000, kWindow = 4096;
  runtime::SystemClock clock;
  std::atomic<uint64_t> refused{0};
  for (auto _ : state) {
    state.PauseTiming();
    runtime::ShardSet shards(n, clock);
    shards.start();
    std::vector<PerformanceId> perf(n);
    for (const Command& c : workload::demo_catalog()) shards.call(c);
    shards.call(workload::demo_contact_profiles(8));  // the holds' contact 7, as a directory hands it over
    for (uint32_t s = 0; s < n; ++s) {
      perf[s] = performance_on(s, n);
      const std::vector<Command> own = venue(perf[s], clock.now_ms());
      for (size_t i = workload::demo_catalog().size(); i < own.size(); ++i) shards.call(own[i]);
    }
    state.ResumeTiming();
    std::vector<std::thread> producers;
    for (uint32_t s = 0; s < n; ++s) {
      producers.emplace_back([&, s] {
        Counter counter;
        const Command hold{0, Hold{7, workload::kWeb, {workload::demo_line(perf[s], 1, 1, 1)}, 1'000}};
        for (uint64_t sent = 0; sent < kHoldsPerShard;) {
          if (sent - counter.done.load(std::memory_order_acquire) >= kWindow) {
            std::this_thread::yield();
            continue;
          }
          Command c = hold;
          if (shards.runner(s).submit(std::move(c), &counter)) ++sent;
        }
        while (counter.done.load(std::memory_order_acquire) < kHoldsPerShard) std::this_thread::yield();
        refused.fetch_add(counter.refused.load());
      });
    }
    for (auto& t : producers) t.join();
    state.PauseTiming();
    shards.stop();
    state.ResumeTiming();
  }
  if (refused.load() > 0) return state.SkipWithError("a hold was refused");
  state.SetItemsProcessed(state.iterations() * n * kHoldsPerShard);
}
BENCHMARK(BM_ShardSetPipelined)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
