// The order page (seed 003), in process on one shard:
//
//   BM_GetOrderRecord/<lines>  read back a live option of 1 or 8 lines with a
//                              5-entry workflow and a note (the whole
//                              OrderRecord; target <= 2 us)
//   BM_GetOrderRecordSeated    a live seated order of 4 seats (labels built)
//   BM_GetOrder                the state-only read, for scale
//   BM_ListOrdersOfContact     ListOrders of one contact among 100,000 live
//                              orders (a scan; 20 rows a page)
//   BM_ClosedOrderFromHistory  GetOrderRecord of a closed order whose slot
//                              was reused, answered from the history store
//                              (the real RocksDB, 20,000 closed orders,
//                              warm): the point read and the decode that the
//                              log writer thread does (target <= 50 us)
//   BM_ClosedOrderThroughRunner the same query submitted to a shard runner
//                              and waited for: plus the hand-offs between
//                              threads
//   BM_LoggedHoldRelease/<history>/<sync>  1024 holds, then their 1024
//                              releases, through a shard runner logging in
//                              sync (1) or async (0) mode (group commit
//                              1024), without (0) and with (1) the history
//                              (handed to storage/history_store.h, written
//                              behind the log; target: <= 10 % added, sync);
//                              log_writes_per_1024 = fsyncs per 1024 commands
//   BM_RetentionSweep          1,000,000 confirmed one-line orders of one
//                              performance leave memory once it is past the
//                              order retention: time per order retired (with
//                              its history record built), and the longest
//                              Advance slice (the shard's longest pause)
//   BM_OrderBytes              no timing: bytes of the hot Order, of a
//                              one-line order with its line, and of its cold
//                              part (workflow vector with room for 2 events,
//                              notes, client's information)
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "engine/order.h"
#include "engine/order_history.h"
#include "engine/reply_detail.h"
#include "engine/shard.h"
#include "runtime/clock.h"
#include "runtime/shard_runner.h"
#include "storage/command_log.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace {

using namespace tessera::engine;
using tessera::workload::demo_line;
using tessera::workload::kBoxOffice;
using tessera::workload::kWeb;

constexpr int64_t kT0 = 1'790'000'000'000;
constexpr int64_t kDay = 86'400'000;
constexpr PerformanceId kBig = 1500, kSeated = 1600;

std::unique_ptr<Shard> venue(uint32_t orders) {
  auto shard = std::make_unique<Shard>(0, 1, kT0, ShardConfig{orders});
  for (const Command& c : tessera::workload::demo_catalog()) shard->apply(c, kT0);
  shard->apply(Command{0, DefinePerformance{kBig, 1, kT0 + 30 * kDay, 0, 0}}, kT0);
  for (uint32_t c = 1; c <= 3; ++c) shard->apply(Command{0, SetGeneralAdmission{kBig, c, 10'000'000}}, kT0);
  tessera::workload::GridLayout grid;
  grid.layout = 5, grid.rows = 20, grid.seats = 30;
  shard->apply(Command{0, tessera::workload::grid_layout(grid)}, kT0);
  shard->apply(Command{0, DefinePerformance{kSeated, 1, kT0 + 30 * kDay, 0, 0}}, kT0);
  shard->apply(Command{0, AssignLayout{kSeated, 5}}, kT0);
  return shard;
}

// A live option of `lines` lines, with a note, a mark, a lock and a file.
OrderId busy_option(Shard& shard, uint32_t lines) {
  Book book{BookingKind::kOption, 7, kBoxOffice, {}, kT0 + 10 * kDay};
  for (uint32_t i = 0; i < lines; ++i) book.lines.push_back(demo_line(kBig, 1, 1 + i % 3, 1 + i));
  const OrderId id = shard.apply(Command{0, book}, kT0).order;
  for (CommandBody c :
       {CommandBody{SetReleaseMark{id, ReleaseMark::kKeep}}, CommandBody{SetLock{id, true}},
        CommandBody{SetOrderFile{id, 7700}}, CommandBody{AddOrderNote{id, "Rappelée le 3, attend le virement"}}})
    shard.apply(Command{0, c}, kT0);
  return id;
}

void read_back(benchmark::State& state, Shard& shard, OrderId id) {
  const Command get{0, GetOrderRecord{id}};
  for (auto _ : state) benchmark::DoNotOptimize(shard.apply(get, kT0));
  const Reply r = shard.apply(get, kT0);
  if (!r.ok() || !r.detail) state.SkipWithError("no record");
  state.SetItemsProcessed(state.iterations());
}

void BM_GetOrderRecord(benchmark::State& state) {
  auto shard = venue(1'000);
  read_back(state, *shard, busy_option(*shard, static_cast<uint32_t>(state.range(0))));
}
BENCHMARK(BM_GetOrderRecord)->Arg(1)->Arg(8);

void BM_GetOrderRecordSeated(benchmark::State& state) {
  auto shard = venue(1'000);
  const Reply r =
      shard->apply(Command{0, BookSeats{BookingKind::kOption, 7, kBoxOffice,
                                        SeatRequest{kSeated, 1, tessera::workload::demo_tariff(1, 1), kNone, 4, {}, 0},
                                        kT0 + 10 * kDay}},
                   kT0);
  if (!r.ok()) state.SkipWithError(r.message.c_str());
  read_back(state, *shard, r.order);
}
BENCHMARK(BM_GetOrderRecordSeated);

void BM_GetOrder(benchmark::State& state) {
  auto shard = venue(1'000);
  const Command get{0, GetOrder{busy_option(*shard, 1)}};
  for (auto _ : state) benchmark::DoNotOptimize(shard->apply(get, kT0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetOrder);

void BM_ListOrdersOfContact(benchmark::State& state) {
  constexpr uint32_t kOrders = 100'000;
  auto shard = venue(kOrders);
  for (uint32_t i = 0; i < kOrders; ++i)
    shard->apply(Command{0, Hold{1000 + i % 5'000, kWeb, {demo_line(kBig, 1, 1, 1)}, 600'000}}, kT0);
  const Command list{0, ListOrders{1007, kNone, 0, 0, 20}};
  for (auto _ : state) benchmark::DoNotOptimize(shard->apply(list, kT0));
  const Reply r = shard->apply(list, kT0);
  if (!r.ok() || r.value != kOrders / 5'000) state.SkipWithError("wrong total");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ListOrdersOfContact)->Unit(benchmark::kMicrosecond);

// ---- The history of closed orders (the real RocksDB in a temporary directory)

using tessera::testing_support::TempDir;  // tests/storage/temp_dir.h

using tessera::runtime::CountingCompletion;
using tessera::runtime::ShardRunner;
using tessera::runtime::WaitableCompletion;
namespace storage = tessera::storage;

// Counts replies; wait_for(n) sleeps until n have come (one wake-up, not one
// per reply), so the benchmark's own thread does not spin on the 2 cores the
// runner, log writer and history thread share (a server's I/O threads sleep
// in epoll too).
class CountdownCompletion final : public tessera::runtime::Completion {
 public:
  void complete(Reply&&) override {
    if (done_.fetch_add(1) + 1 >= wake_at_.load()) done_.notify_one();
  }
  void wait_for(uint64_t n) {
    wake_at_.store(n);
    for (uint64_t seen = done_.load(); seen < n; seen = done_.load()) done_.wait(seen);
  }

 private:
  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> wake_at_{UINT64_MAX};
};

std::unique_ptr<storage::CommandLog> open_log(const std::string& dir, bool history, bool sync = true) {
  auto opened = storage::CommandLog::open(
      storage::LogOptions{dir, sync ? storage::Durability::kSync : storage::Durability::kAsync, 1, history});
  return opened.is_ok() ? std::move(opened.value()) : nullptr;
}

std::unique_ptr<ShardRunner> start_runner(storage::CommandLog* log, const tessera::runtime::Clock& clock) {
  tessera::runtime::RunnerConfig rc;
  rc.log = log;
  auto runner = std::make_unique<ShardRunner>(0, 1, clock, ShardConfig{1 << 16}, rc);
  runner->start();
  CountingCompletion setup;
  uint64_t n = 0;
  std::vector<Command> commands = tessera::workload::demo_catalog();
  commands.push_back(Command{0, DefinePerformance{kBig, 1, clock.now_ms() + 300 * kDay, 0, 0}});  // not started
  commands.push_back(Command{0, SetGeneralAdmission{kBig, 1, 50'000'000}});
  commands.push_back(tessera::workload::demo_contact_profiles(8));  // web_hold's contact 7
  for (Command& c : commands) {
    while (!runner->submit(std::move(c), &setup)) std::this_thread::yield();
    ++n;
  }
  while (setup.done.load() < n) std::this_thread::yield();
  return runner;
}

// Submits `commands` (made by make(i)) and waits for all their replies.
template <typename Make>
std::vector<Reply> round(ShardRunner& runner, uint32_t commands, Make make) {
  std::vector<WaitableCompletion> done(commands);
  for (uint32_t i = 0; i < commands; ++i) {
    Command c = make(i);
    while (!runner.submit(std::move(c), &done[i])) std::this_thread::yield();
  }
  std::vector<Reply> out;
  out.reserve(commands);
  for (WaitableCompletion& d : done) out.push_back(std::move(d.wait()));
  return out;
}

Command web_hold() { return Command{0, Hold{7, kWeb, {demo_line(kBig, 1, 1, 1)}, 600'000}}; }

// 20,000 orders held and released with notes, their slots reused by as many
// holds: every closed order is only in the history.
std::vector<OrderId> closed_orders(ShardRunner& runner) {
  std::vector<OrderId> closed;
  for (int r = 0; r < 20; ++r) {
    const std::vector<Reply> held = round(runner, 1000, [](uint32_t) { return web_hold(); });
    for (const Reply& h : held)
      if (!h.ok()) {
        std::fprintf(stderr, "hold refused: %s\n", h.message.c_str());
        break;
      }
    round(runner, 1000, [&](uint32_t i) {
      return Command{0, AddOrderNote{held[i].order, "Rappelée le 3, attend le virement"}};
    });
    round(runner, 1000, [&](uint32_t i) { return Command{0, Release{held[i].order}}; });
    for (const Reply& h : held) closed.push_back(h.order);
  }
  round(runner, 20'000, [](uint32_t) { return web_hold(); });
  return closed;
}

void BM_ClosedOrderFromHistory(benchmark::State& state) {
  TempDir dir;
  auto log = open_log(dir.path(), true);
  if (!log) return state.SkipWithError("cannot open the log");
  tessera::runtime::SystemClock clock;
  auto runner = start_runner(log.get(), clock);
  const std::vector<OrderId> closed = closed_orders(*runner);
  runner->stop();
  // From RocksDB, not from the records still in memory.
  if (!log->store_history().is_ok()) return state.SkipWithError("cannot store the history");
  std::string raw;
  size_t i = 0;
  for (auto _ : state) {
    const OrderId id = closed[i++ % closed.size()];
    if (!log->read_history_record(id, &raw).is_ok()) return state.SkipWithError("read failed");
    const Reply r = history_record_reply(id, Caller{}, raw);
    if (!r.ok()) return state.SkipWithError(("no record in the history: " + r.message).c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClosedOrderFromHistory)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_ClosedOrderThroughRunner(benchmark::State& state) {
  TempDir dir;
  auto log = open_log(dir.path(), true);
  if (!log) return state.SkipWithError("cannot open the log");
  tessera::runtime::SystemClock clock;
  auto runner = start_runner(log.get(), clock);
  const std::vector<OrderId> closed = closed_orders(*runner);
  size_t i = 0;
  for (auto _ : state) {
    WaitableCompletion done;
    while (!runner->submit(Command{0, GetOrderRecord{closed[i++ % closed.size()]}}, &done)) std::this_thread::yield();
    if (!done.wait().ok()) return state.SkipWithError("no record in the history");
  }
  runner->stop();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClosedOrderThroughRunner)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_LoggedHoldRelease(benchmark::State& state) {
  constexpr uint32_t kBatch = 1024;
  const bool history = state.range(0) != 0;
  TempDir dir;
  auto log = open_log(dir.path(), history, state.range(1) != 0);
  if (!log) return state.SkipWithError("cannot open the log");
  tessera::runtime::SystemClock clock;
  auto runner = start_runner(log.get(), clock);
  CountdownCompletion done;
  const uint64_t appends_before = log->stats().batches;
  uint64_t sent = 0;
  std::vector<WaitableCompletion> held(kBatch);
  for (auto _ : state) {
    for (WaitableCompletion& h : held) std::destroy_at(&h), std::construct_at(&h);
    for (uint32_t i = 0; i < kBatch; ++i)
      while (!runner->submit(web_hold(), &held[i])) std::this_thread::yield();
    std::vector<OrderId> ids(kBatch);
    for (uint32_t i = 0; i < kBatch; ++i) ids[i] = held[i].wait().order;
    for (uint32_t i = 0; i < kBatch; ++i)
      while (!runner->submit(Command{0, Release{ids[i]}}, &done)) std::this_thread::yield();
    sent += kBatch;
    done.wait_for(sent);
  }
  runner->stop();
  state.SetItemsProcessed(static_cast<int64_t>(2 * sent));
  const tessera::runtime::ShardRunnerStats st = runner->stats();
  state.counters["avg_group_commit"] = st.batches ? static_cast<double>(st.commands) / st.batches : 0;
  state.counters["log_writes_per_1024"] =
      sent ? static_cast<double>(log->stats().batches - appends_before) * kBatch / static_cast<double>(sent) : 0;
}
BENCHMARK(BM_LoggedHoldRelease)
    ->ArgNames({"history", "sync"})
    ->ArgsProduct({{0, 1}, {1, 0}})
    ->UseRealTime()
    ->MinTime(2.0);

void BM_RetentionSweep(benchmark::State& state) {
  constexpr uint32_t kOrders = 1'000'000;
  double longest_slice_us = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto shard = venue(kOrders);
    shard->apply(Command{0, DefinePerformance{1700, 1, kT0 + kDay, 0, 0}}, kT0);
    shard->apply(Command{0, SetGeneralAdmission{1700, 1, kOrders}}, kT0);
    for (uint32_t i = 0; i < kOrders; ++i) {
      const Reply held =
          shard->apply(Command{0, Hold{7 + i % 1000, kWeb, {demo_line(1700, 1, 1, 1)}, 10 * 60'000}}, kT0);
      if (!held.ok() || !shard->apply(Command{0, Confirm{held.order, {}}}, kT0).ok())
        return state.SkipWithError("could not confirm");
    }
    shard->apply(Command{0, SetOrderRetention{kDay}}, kT0);
    shard->keep_history(true);  // as a logging runner does: each retired order's record is built
    std::vector<HistoryWrite> history;
    state.ResumeTiming();
    for (;;) {
      const auto start = std::chrono::steady_clock::now();
      const uint32_t work = shard->advance(kT0 + 2 * kDay, kExpiriesPerSliceMax);
      shard->take_history(&history);
      const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
      longest_slice_us = std::max(longest_slice_us, us);
      history.clear();
      if (work == 0) break;
    }
    state.PauseTiming();
    if (shard->stats().live_orders != 0) state.SkipWithError("orders left in memory");
    shard.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kOrders);
  state.counters["longest_slice_us"] = longest_slice_us;
}
BENCHMARK(BM_RetentionSweep)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_OrderBytes(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sizeof(Order));
  // A one-line order as the engine builds it: its line inline, or (a heap
  // block) as many bytes as the block holds.
  Order one;
  one.lines.push_back(OrderLine{});
  const size_t heap = one.lines.capacity() > 1 ? one.lines.capacity() * sizeof(OrderLine) : 0;
  state.counters["order_bytes"] = sizeof(Order);
  state.counters["one_line_hot_bytes"] = static_cast<double>(sizeof(Order) + heap);
  state.counters["cold_bytes"] = static_cast<double>(sizeof(OrderCold) + 2 * sizeof(WorkflowEvent));  // + 2 reserved
  state.counters["workflow_event_bytes"] = sizeof(WorkflowEvent);
}
BENCHMARK(BM_OrderBytes)->Iterations(1);

}  // namespace
