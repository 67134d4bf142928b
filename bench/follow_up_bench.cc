// Follow-up benchmarks (issue 7): one shard, in process, 1M live options.
//
//   BM_FollowUpFirstPage        first 100 rows + total count, mandatory
//                               filters only (half the options due)
//   BM_FollowUpFirstPageFiltered/<set>  the same with row filters, one row
//                               each (issue 21, target <= 1 ms): 0 channel,
//                               1 contact, 2 three tariffs, 3 contingents with
//                               their sub-contingents, 4 all of them at once
//   BM_FollowUpFilteredAfterReleaseAll/<0 channel, 1 contact>  the first
//                               filtered query after a ReleaseAll, which
//                               rebuilds the runs the release left stale
//   BM_FollowUpNextPage         a page after a cursor deep in the results
//   BM_ReleaseAll1M             ReleaseAll over 1M matching options
//                               (ms_per_1M counter; target <= 50 ms)
//   BM_ReleaseAll1M_TwoShards   the same 1M options on 2 shards (500k each),
//                               each shard on its own thread as in the
//                               server: wall time until both are done
//   BM_BookOption               placing an option (index insert included)
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "engine/reply_detail.h"
#include "engine/shard.h"
#include "workload/demo_venue.h"

namespace {

using namespace tessera::engine;
using tessera::workload::demo_line;

constexpr int64_t kT0 = 1'790'000'000'000;
constexpr int64_t kDay = 86'400'000;
constexpr uint32_t kPerformances = 20;
constexpr PerformanceId kFirst = 3500;  // product 3: options kept until released

std::unique_ptr<Shard> venue(uint32_t orders, uint32_t shard_id = 0, uint32_t shard_count = 1) {
  auto shard = std::make_unique<Shard>(shard_id, shard_count, kT0, ShardConfig{orders});
  for (const Command& c : tessera::workload::demo_catalog()) shard->apply(c, kT0);
  for (uint32_t p = 0; p < kPerformances; ++p) {
    if (shard_of_performance(kFirst.value() + p, shard_count) != shard_id) continue;
    shard->apply(Command{0, DefinePerformance{kFirst.value() + p, 3, kT0 + 90 * kDay, 0, 0}}, kT0);
    shard->apply(Command{0, SetGeneralAdmission{kFirst.value() + p, 1, orders}}, kT0);
  }
  return shard;
}

// The filtered benchmark's columns: product 3's tariffs 31-36 (31 and 32
// come with the demo venue) and, per performance, a contingent with one
// sub-contingent.
constexpr uint32_t kTariffs = 6;
TariffId bench_tariff(uint32_t i) { return tessera::workload::demo_tariff(3, 1 + i % kTariffs); }
ContingentId bench_contingent(PerformanceId p) { return p.value() * 10 + 5; }
ContingentId bench_sub_contingent(PerformanceId p) { return p.value() * 10 + 6; }

// `orders` options of 1 unit, deadlines spread over 60 days in booking
// order with jitter (as options are taken over a season), two channels.
// `varied`: six tariffs, and one option in ten in a contingent, one in ten
// in its sub-contingent.
std::unique_ptr<Shard> booked(uint32_t orders, uint32_t shard_id = 0, uint32_t shard_count = 1, bool varied = false) {
  auto shard = venue(orders, shard_id, shard_count);
  if (varied) {
    for (uint32_t t = 3; t <= kTariffs; ++t) {
      shard->apply(Command{0, DefineTariff{bench_tariff(t - 1), 3, "Tarif " + std::to_string(t)}}, kT0);
      shard->apply(Command{0, SetTariffPrice{bench_tariff(t - 1), 1, kNone, 1000 * t}}, kT0);
    }
    for (uint32_t p = 0; p < kPerformances; ++p) {
      const PerformanceId perf = kFirst.value() + p;
      if (shard_of_performance(perf.value(), shard_count) != shard_id) continue;
      shard->apply(Command{0, DefineContingent{bench_contingent(perf), perf, 1, orders / kPerformances / 4, {}}}, kT0);
      shard->apply(
          Command{0,
                  DefineSubContingent{
                      bench_sub_contingent(perf), perf, bench_contingent(perf), orders / kPerformances / 8, {}}},
          kT0);
    }
  }
  std::mt19937_64 rng(42);
  for (uint32_t i = 0; i < orders; ++i) {
    const PerformanceId perf = kFirst.value() + i % kPerformances;
    if (shard_of_performance(perf.value(), shard_count) != shard_id) continue;
    const int64_t due = kT0 + kDay + int64_t{i} * (60 * kDay / orders) + static_cast<int64_t>(rng() % kDay);
    const ChannelId channel = i % 4 == 0 ? tessera::workload::kWeb : tessera::workload::kBoxOffice;
    LineRequest line = demo_line(perf, 3, 1, 1);
    if (varied) {
      line.tariff = bench_tariff(i / kPerformances);
      const uint32_t tenth = (i / kPerformances) % 10;
      if (tenth == 0) line.contingent = bench_contingent(perf);
      if (tenth == 1) line.contingent = bench_sub_contingent(perf);
    }
    const Reply r = shard->apply(
        Command{0, Book{BookingKind::kOption, 1 + static_cast<uint32_t>(i % 5000), channel, {line}, due}}, kT0);
    if (!r.ok()) {
      std::fprintf(stderr, "option %u refused: %s\n", i, r.message.c_str());
      return nullptr;
    }
  }
  return shard;
}

FollowUpFilter due_within(int64_t days) {
  FollowUpFilter f;
  f.kind = BookingKind::kOption;
  f.due_until_ms = kT0 + days * kDay;
  f.season = 1;
  f.family = 1;
  return f;
}

Shard& million() {
  static std::unique_ptr<Shard> shard = booked(1'000'000, 0, 1, true);
  return *shard;
}

void run_query(benchmark::State& state, const QueryFollowUp& q) {
  Shard& shard = million();
  const Command command{0, q};
  uint64_t total = 0;
  for (auto _ : state) {
    const Reply r = shard.apply(command, kT0);
    if (!r.ok()) {
      state.SkipWithError(r.message.c_str());
      return;
    }
    total = std::get<FollowUpPage>(r.detail->value).total;
  }
  state.counters["matching_rows"] = static_cast<double>(total);
}

void BM_FollowUpFirstPage(benchmark::State& state) { run_query(state, QueryFollowUp{due_within(31), {}, 100}); }
BENCHMARK(BM_FollowUpFirstPage)->Unit(benchmark::kMicrosecond);

void BM_FollowUpFirstPageFiltered(benchmark::State& state) {
  FollowUpFilter f = due_within(31);
  const int set = static_cast<int>(state.range(0));
  if (set == 0 || set == 4) f.channels = {tessera::workload::kWeb};
  if (set == 1 || set == 4) f.contacts = {ContactId{1}};
  if (set == 2 || set == 4) f.tariffs = {bench_tariff(0), bench_tariff(1), bench_tariff(2)};
  if (set == 3 || set == 4)
    for (uint32_t p = 0; p < kPerformances; ++p) f.contingents.push_back(bench_contingent(kFirst.value() + p));
  static const char* const kSets[] = {"channel", "contact", "3 tariffs", "contingents with subs", "all at once"};
  state.SetLabel(kSets[set]);
  run_query(state, QueryFollowUp{f, {}, 100});
}
BENCHMARK(BM_FollowUpFirstPageFiltered)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);

// The first filtered query after a ReleaseAll of the options due within 5
// days (about 80,000 of the 1M): it rebuilds the runs that ReleaseAll left
// stale, by channel (/0) or by contact (/1, many orders went: the lists are
// rebuilt too).
void BM_FollowUpFilteredAfterReleaseAll(benchmark::State& state) {
  double ms_total = 0;
  uint64_t released = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<Shard> shard = booked(1'000'000, 0, 1, true);
    if (!shard) return state.SkipWithError("booking failed");
    FollowUpFilter some = due_within(5);
    if (state.range(0) == 1) some.contacts = {ContactId{1}, ContactId{2}};
    released = static_cast<uint64_t>(shard->apply(Command{0, ReleaseAll{some}}, kT0).value);
    FollowUpFilter f = due_within(31);
    if (state.range(0) == 0) f.channels = {tessera::workload::kWeb};
    if (state.range(0) == 1) f.contacts = {ContactId{1}};
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    const Reply r = shard->apply(Command{0, QueryFollowUp{f, {}, 100}}, kT0);
    ms_total += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!r.ok()) return state.SkipWithError(r.message.c_str());
    state.PauseTiming();
    shard.reset();
    state.ResumeTiming();
  }
  state.SetLabel(state.range(0) == 0 ? "channel" : "contact");
  state.counters["first_query_ms"] = ms_total / static_cast<double>(state.iterations());
  state.counters["released"] = static_cast<double>(released);
}
BENCHMARK(BM_FollowUpFilteredAfterReleaseAll)->DenseRange(0, 1)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_FollowUpNextPage(benchmark::State& state) {
  Shard& shard = million();
  const Reply first = shard.apply(Command{0, QueryFollowUp{due_within(20), {}, 100}}, kT0);
  const FollowUpRow& last = std::get<FollowUpPage>(first.detail->value).rows.back();
  run_query(state, QueryFollowUp{due_within(31), FollowUpCursor{last.due_ms, last.order, last.line}, 100});
}
BENCHMARK(BM_FollowUpNextPage)->Unit(benchmark::kMicrosecond);

void BM_ReleaseAll1M(benchmark::State& state) {
  double ms_total = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<Shard> shard = booked(1'000'000);
    if (!shard) {
      state.SkipWithError("booking failed");
      return;
    }
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    const Reply r = shard->apply(Command{0, ReleaseAll{due_within(90)}}, kT0);
    const auto t1 = std::chrono::steady_clock::now();
    if (r.value != 1'000'000) state.SkipWithError("not every option was released");
    ms_total += std::chrono::duration<double, std::milli>(t1 - t0).count();
    state.PauseTiming();
    shard.reset();  // freeing 1M orders is not part of the release
    state.ResumeTiming();
  }
  state.counters["ms_per_1M"] = ms_total / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ReleaseAll1M)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_ReleaseAll1M_TwoShards(benchmark::State& state) {
  double ms_total = 0;
  uint64_t released = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<Shard> shards[2] = {booked(1'000'000, 0, 2), booked(1'000'000, 1, 2)};
    state.ResumeTiming();
    Reply replies[2];
    const auto t0 = std::chrono::steady_clock::now();
    std::thread other([&] { replies[1] = shards[1]->apply(Command{0, ReleaseAll{due_within(90)}}, kT0); });
    replies[0] = shards[0]->apply(Command{0, ReleaseAll{due_within(90)}}, kT0);
    other.join();
    const auto t1 = std::chrono::steady_clock::now();
    released = static_cast<uint64_t>(replies[0].value + replies[1].value);
    if (released != 1'000'000) state.SkipWithError("not every option was released");
    ms_total += std::chrono::duration<double, std::milli>(t1 - t0).count();
    state.PauseTiming();
    shards[0].reset();
    shards[1].reset();
    state.ResumeTiming();
  }
  state.counters["ms_per_1M"] = ms_total / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ReleaseAll1M_TwoShards)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_BookOption(benchmark::State& state) {
  constexpr uint32_t kOrders = 2'000'000;
  auto shard = venue(kOrders);
  uint32_t i = 0;
  for (auto _ : state) {
    if (i == kOrders) {
      state.PauseTiming();
      shard = venue(kOrders);
      i = 0;
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(shard->apply(Command{0, Book{BookingKind::kOption,
                                                          7,
                                                          tessera::workload::kBoxOffice,
                                                          {demo_line(kFirst.value() + i % kPerformances, 3, 1, 1)},
                                                          kT0 + kDay + (i * 7919) % (60 * kDay)}},
                                          kT0));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BookOption);

}  // namespace
