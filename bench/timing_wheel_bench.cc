// Benchmarks for engine/timing_wheel.h. The figure it proves: 1,000,000
// timers due at the same millisecond fire in slices of 65,536 in well under
// the 50 ms budget (counter ms_per_1M), plus the O(1) costs of schedule+cancel
// and schedule+fire (items/s).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include "engine/timing_wheel.h"

namespace tessera::engine {
namespace {

constexpr int64_t kStartMs = 1'700'000'000'000;  // a Unix-epoch ms of 2023
constexpr int64_t kHourMs = 3'600'000;
constexpr uint32_t kSlice = 65'536;  // engine/limits.h kExpiriesPerSliceMax
constexpr uint32_t kMillion = 1'000'000;

// Hold-like dues: now + 1 s .. 1 h, precomputed so the RNG is not measured.
std::vector<int64_t> hold_offsets(size_t count, int64_t range_ms) {
  std::mt19937_64 rng(12345);
  std::vector<int64_t> offsets(count);
  for (int64_t& offset : offsets) offset = 1000 + static_cast<int64_t>(rng() % static_cast<uint64_t>(range_ms));
  return offsets;
}

// One schedule + one cancel per item, with range(0) other timers pending.
void BM_ScheduleCancelPair(benchmark::State& state) {
  const auto background = static_cast<uint32_t>(state.range(0));
  TimingWheel wheel(kStartMs, background + 1);
  const std::vector<int64_t> offsets = hold_offsets(4096, kHourMs);
  for (uint32_t i = 0; i < background; ++i) wheel.schedule(kStartMs + offsets[i % 4096], i);
  size_t i = 0;
  for (auto _ : state) {
    const TimerId id = wheel.schedule(kStartMs + offsets[i & 4095], i);
    ++i;
    benchmark::DoNotOptimize(wheel.cancel(id));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ScheduleCancelPair)->Arg(0)->Arg(100'000)->Arg(1'000'000);

// Schedules range(0) timers spread over range(1) ms ahead, then advances in
// 1 s steps until all have fired. Items = timers scheduled and fired.
void BM_ScheduleThenFire(benchmark::State& state) {
  const auto timers = static_cast<uint32_t>(state.range(0));
  const int64_t range_ms = state.range(1);
  const std::vector<int64_t> offsets = hold_offsets(timers, range_ms);
  uint64_t payload_sum = 0;
  for (auto _ : state) {
    TimingWheel wheel(kStartMs, timers);
    for (uint32_t i = 0; i < timers; ++i) wheel.schedule(kStartMs + offsets[i], i);
    for (int64_t now = kStartMs; !wheel.empty(); now += 1000) {
      while (wheel.advance(now, kSlice, [&](TimerId, uint64_t payload, int64_t) { payload_sum += payload; }) ==
             kSlice) {
      }
    }
  }
  benchmark::DoNotOptimize(payload_sum);
  state.SetItemsProcessed(state.iterations() * timers);
}
BENCHMARK(BM_ScheduleThenFire)
    ->Args({kMillion, kHourMs})
    ->Args({kMillion, 30 * 24 * kHourMs})
    ->Unit(benchmark::kMillisecond);

// Steady state: each item schedules one hold (due in 1 s .. 1 h) and advances
// the clock 1 ms, firing whatever is due; about range(0) timers stay pending.
void BM_ScheduleFireSteadyState(benchmark::State& state) {
  const auto pending = static_cast<uint32_t>(state.range(0));
  const int64_t range_ms = 2 * static_cast<int64_t>(pending);  // one schedule per ms, mean life = pending ms
  const std::vector<int64_t> offsets = hold_offsets(1 << 16, range_ms);
  TimingWheel wheel(kStartMs, 2 * pending);
  int64_t now = kStartMs;
  uint64_t fired = 0;
  size_t i = 0;
  for (auto _ : state) {
    wheel.schedule(now + offsets[i & 0xFFFF], i);
    ++i;
    fired += wheel.advance(now++, kSlice, [](TimerId, uint64_t, int64_t) {});
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["fired"] = static_cast<double>(fired);
}
BENCHMARK(BM_ScheduleFireSteadyState)->Arg(10'000)->Arg(1'000'000);

// 1M timers due at the same instant, fired in slices of 65,536; the callback
// does a little caller work (sums payloads). range(0) = how far ahead of the
// clock they were scheduled: 0 = level 0; 2^40 = top level, so the advance
// also cascades them down five times. Times the firing only.
void BM_FireMillionSameInstant(benchmark::State& state) {
  const int64_t ahead_ms = state.range(0);
  const int64_t due = kStartMs + ahead_ms;
  TimingWheel wheel(kStartMs, kMillion);
  double fire_ms_total = 0;
  uint64_t payload_sum = 0;
  for (auto _ : state) {
    state.PauseTiming();
    TimingWheel fresh(kStartMs, kMillion);
    std::swap(wheel, fresh);
    for (uint32_t i = 0; i < kMillion; ++i) wheel.schedule(due, i);
    state.ResumeTiming();
    const auto begin = std::chrono::steady_clock::now();
    uint32_t fired = 0;
    do {
      fired = wheel.advance(due, kSlice, [&](TimerId, uint64_t payload, int64_t) { payload_sum += payload; });
    } while (fired == kSlice);
    fire_ms_total += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
  }
  benchmark::DoNotOptimize(payload_sum);
  state.SetItemsProcessed(state.iterations() * kMillion);
  state.counters["ms_per_1M"] = fire_ms_total / static_cast<double>(state.iterations());
}
BENCHMARK(BM_FireMillionSameInstant)->Arg(0)->Arg(int64_t{1} << 40)->Unit(benchmark::kMillisecond);

// As above, but times scheduling the 1M too (the whole burst as a caller sees it).
void BM_ScheduleAndFireMillionSameInstant(benchmark::State& state) {
  const int64_t due = kStartMs + kHourMs;
  TimingWheel wheel(kStartMs, kMillion);
  double ms_total = 0;
  uint64_t payload_sum = 0;
  for (auto _ : state) {
    const auto begin = std::chrono::steady_clock::now();
    for (uint32_t i = 0; i < kMillion; ++i) wheel.schedule(due, i);
    while (wheel.advance(due, kSlice, [&](TimerId, uint64_t payload, int64_t) { payload_sum += payload; }) == kSlice) {
    }
    ms_total += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
    state.PauseTiming();
    TimingWheel fresh(kStartMs, kMillion);  // same start for every iteration
    std::swap(wheel, fresh);
    state.ResumeTiming();
  }
  benchmark::DoNotOptimize(payload_sum);
  state.SetItemsProcessed(state.iterations() * kMillion);
  state.counters["ms_per_1M"] = ms_total / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ScheduleAndFireMillionSameInstant)->Unit(benchmark::kMillisecond);

// Advancing an empty wheel (or one whose timers are far away) by 30 days.
void BM_AdvanceThirtyDaysNothingDue(benchmark::State& state) {
  TimingWheel wheel(0);
  wheel.schedule(TimingWheel::kDueMax, 1);
  int64_t now = 0;
  for (auto _ : state) {
    now += 30 * 24 * kHourMs;
    if (now >= TimingWheel::kDueMax) {
      state.PauseTiming();
      TimingWheel fresh(0);
      std::swap(wheel, fresh);
      wheel.schedule(TimingWheel::kDueMax, 1);
      now = 30 * 24 * kHourMs;
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(wheel.advance(now, kSlice, [](TimerId, uint64_t, int64_t) {}));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AdvanceThirtyDaysNothingDue);

}  // namespace
}  // namespace tessera::engine
