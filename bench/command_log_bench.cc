// Engine + command log benchmarks (the real RocksDB in a temporary directory).
//
//   BM_LoggedHolds/<mode>/<batch>  holds/s through a shard runner that logs
//       every command before replying; the producer submits `batch` holds and
//       waits for all replies (the group commit size). mode 0 = sync (fsync
//       per group commit), 1 = async (no fsync), 2 = none (no log).
//   BM_Recovery10M   recovery time of 10M log records (hold/release pairs).
//   BM_SnapshotPause shard-thread pause to serialise a shard with 1M live orders.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "engine/shard.h"
#include "runtime/log_entry.h"
#include "runtime/shard_runner.h"
#include "storage/command_log.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace {

using namespace tessera;
using namespace tessera::engine;

constexpr int64_t kT0 = 1'790'000'000'000;
constexpr PerformanceId kBig = 1500;

using tessera::testing_support::TempDir;  // tests/storage/temp_dir.h

// `now_ms`: the clock the shard runs on (a performance that has started
// takes no order).
std::vector<Command> big_venue(uint32_t capacity, int64_t now_ms = kT0) {
  std::vector<Command> out = workload::demo_catalog();
  out.push_back(
      Command{0, DefinePerformance{kBig, 1, now_ms + 60 * 86'400'000LL, 0, 0}});  // after every deadline below
  out.push_back(Command{0, SetGeneralAdmission{kBig, 1, capacity}});
  out.push_back(workload::demo_contact_profiles(8));  // the holds' contact 7, as a directory hands it over
  return out;
}

using Counter = runtime::CountingCompletion;

void BM_LoggedHolds(benchmark::State& state) {
  const int mode = static_cast<int>(state.range(0));
  const uint32_t batch = static_cast<uint32_t>(state.range(1));
  TempDir dir;
  std::unique_ptr<storage::CommandLog> log;
  if (mode < 2) {
    auto opened = storage::CommandLog::open(
        storage::LogOptions{dir.path(), mode == 0 ? storage::Durability::kSync : storage::Durability::kAsync, 1});
    if (!opened.is_ok()) return state.SkipWithError(opened.status().to_string().c_str());
    log = std::move(opened.value());
  }
  runtime::SystemClock clock;
  runtime::RunnerConfig rc;
  rc.log = log.get();
  runtime::ShardRunner runner(0, 1, clock, ShardConfig{1 << 22}, rc);
  runner.start();
  Counter setup;
  uint64_t n = 0;
  for (Command& c : big_venue(50'000'000, clock.now_ms())) {
    runner.submit(std::move(c), &setup);
    ++n;
  }
  while (setup.done.load() < n) std::this_thread::yield();
  const Command hold{
      0, Hold{7, workload::kWeb, {workload::demo_line(kBig, 1, 1, 1)}, 1'800'000}};  // the product's longest hold
  Counter done;
  uint64_t sent = 0;
  for (auto _ : state) {
    for (uint32_t i = 0; i < batch; ++i) {
      Command c = hold;
      while (!runner.submit(std::move(c), &done)) std::this_thread::yield();
      ++sent;
    }
    while (done.done.load(std::memory_order_acquire) < sent) std::this_thread::yield();
  }
  runner.stop();
  if (setup.refused.load() + done.refused.load() > 0)
    return state.SkipWithError("a set-up command or hold was refused");
  state.SetItemsProcessed(static_cast<int64_t>(sent));
  const runtime::ShardRunnerStats st = runner.stats();
  state.counters["avg_group_commit"] = st.batches ? static_cast<double>(st.commands) / st.batches : 0;
  const runtime::LogWriterStats ls = runner.log_stats();
  state.counters["append_us_avg"] = ls.appends ? static_cast<double>(ls.append_us_total) / ls.appends : 0;
}
BENCHMARK(BM_LoggedHolds)
    ->ArgNames({"mode", "batch"})
    ->ArgsProduct({{0, 1, 2}, {1, 64, 1024, 8192}})
    ->UseRealTime()
    ->MinTime(1.0);

// Writes `records` entries (hold/release pairs) as the runner would; false
// if a command was refused (a log of refusals replays faster than sales).
bool write_log(const std::string& dir, uint64_t records) {
  auto log = storage::CommandLog::open(storage::LogOptions{dir, storage::Durability::kAsync, 1});
  Shard shard(0, 1, kT0);
  std::string entries;
  uint64_t seq = 1;
  uint32_t count = 0;
  bool all_ok = true;
  auto add = [&](const Command& c) {
    const Reply r = shard.apply(c, kT0);
    all_ok &= r.ok();
    runtime::append_entry(&entries, kT0, c, r);
    if (++count == 8192) {
      log.value()->append(0, seq, count, entries).ignore_error();
      seq += count;
      count = 0;
      entries.clear();
    }
  };
  for (const Command& c : big_venue(1'000'000)) add(c);
  const Command hold{
      0, Hold{7, workload::kWeb, {workload::demo_line(kBig, 1, 1, 1)}, 1'800'000}};  // the product's longest hold
  while (seq + count < records) {
    const Reply r = shard.apply(hold, kT0);
    all_ok &= r.ok();
    runtime::append_entry(&entries, kT0, hold, r);
    ++count;
    add(Command{0, Release{r.order}});
  }
  if (count) log.value()->append(0, seq, count, entries).ignore_error();
  return all_ok;
}

void BM_Recovery10M(benchmark::State& state) {
  const uint64_t records = static_cast<uint64_t>(state.range(0));
  TempDir dir;
  if (!write_log(dir.path(), records)) return state.SkipWithError("a command of the log was refused");
  using Seconds = std::chrono::duration<double>;
  for (auto _ : state) {
    // Where the time goes: RocksDB's open (its WAL replay), our replay,
    // and the close (the history the replay closed is stored).
    const auto t0 = std::chrono::steady_clock::now();
    auto log = storage::CommandLog::open(storage::LogOptions{dir.path(), storage::Durability::kAsync, 1});
    if (!log.is_ok()) return state.SkipWithError(log.status().to_string().c_str());
    const auto t1 = std::chrono::steady_clock::now();
    auto r = log.value()->recover(0);
    if (!r.is_ok()) return state.SkipWithError(r.status().to_string().c_str());
    const auto t2 = std::chrono::steady_clock::now();
    log.value().reset();
    const auto t3 = std::chrono::steady_clock::now();
    state.counters["entries_replayed"] = static_cast<double>(r->entries_replayed);
    state.counters["open_s"] = Seconds(t1 - t0).count();
    state.counters["replay_s"] = Seconds(t2 - t1).count();
    state.counters["close_s"] = Seconds(t3 - t2).count();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records));
}
BENCHMARK(BM_Recovery10M)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

void BM_SnapshotPause(benchmark::State& state) {
  const uint32_t orders = static_cast<uint32_t>(state.range(0));
  Shard shard(0, 1, kT0, ShardConfig{orders});
  for (const Command& c : big_venue(orders)) shard.apply(c, kT0);
  for (uint32_t i = 0; i < orders; ++i) {
    const Reply booked = shard.apply(Command{0, Book{BookingKind::kOption,
                                                     i,
                                                     workload::kBoxOffice,
                                                     {workload::demo_line(kBig, 1, 1, 1)},
                                                     kT0 + 86'400'000LL * (1 + i % 30)}},
                                     kT0);
    if (!booked.ok()) {
      state.SkipWithError(booked.message.c_str());  // the snapshot must hold every order
      return;
    }
  }
  std::string bytes;
  for (auto _ : state) {
    bytes.clear();
    shard.save(&bytes);
  }
  state.counters["snapshot_MB"] = static_cast<double>(bytes.size()) / 1e6;
}
BENCHMARK(BM_SnapshotPause)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
