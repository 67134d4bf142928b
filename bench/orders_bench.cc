// The order page (seed 003), in process on one shard:
//
//   BM_GetOrderRecord/<lines>  read back a live option of 1 or 8 lines with a
//                              5-entry workflow and a note (the whole
//                              OrderRecord; target <= 2 us)
//   BM_GetOrderRecordSeated    a live seated order of 4 seats (labels built)
//   BM_GetOrder                the state-only read, for scale
//   BM_ListOrdersOfContact     ListOrders of one contact among 100,000 live
//                              orders (a scan; 20 rows a page)
//   BM_OrderBytes              no timing: bytes of the hot Order, of a
//                              one-line order with its line, and of its cold
//                              part (workflow vector with room for 2 events,
//                              notes, client's information)
#include <benchmark/benchmark.h>

#include <memory>

#include "engine/order.h"
#include "engine/reply_detail.h"
#include "engine/shard.h"
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

void BM_OrderBytes(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sizeof(Order));
  // jemalloc's smallest class holding one line.
  const size_t line_block = (sizeof(OrderLine) + 15) / 16 * 16;
  state.counters["order_bytes"] = sizeof(Order);
  state.counters["one_line_hot_bytes"] = static_cast<double>(sizeof(Order) + line_block);
  state.counters["cold_bytes"] = static_cast<double>(sizeof(OrderCold) + 2 * sizeof(WorkflowEvent));  // + 2 reserved
  state.counters["workflow_event_bytes"] = sizeof(WorkflowEvent);
}
BENCHMARK(BM_OrderBytes)->Iterations(1);

}  // namespace
