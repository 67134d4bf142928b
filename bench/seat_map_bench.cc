// Seat map benchmarks: one shard, in process, no queue — the engine's own cost.
//
//   BM_BestAvailableHold/<sold %>/<fill>  best-available 2-seat holds in a
//       20,000-seat hall already <sold %> sold; fill 0 = sold seats picked at
//       random (worst fragmentation), 1 = best seats sold first (an on-sale).
//       Holds are timed in batches; each batch is released untimed, so the
//       hall stays at its fill. items = holds.
//   BM_BestAvailableHoldRelease/<sold %>  hold 2 best seats + release, both timed.
//   BM_NamedSeatHoldRelease    hold 2 seats chosen on the map + release.
//   BM_BulkBlock10k            block 10,000 seats in one command (unblock untimed).
//   BM_LayoutDefine100k        define a 100,000-seat layout and assign it to a
//                              performance (bytes_per_seat counters: layout with
//                              its derived indexes, and one performance's map).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

#include "engine/shard.h"
#include "workload/demo_venue.h"

namespace {

using namespace tessera::engine;
using tessera::workload::GridLayout;
using tessera::workload::kBoxOffice;
using tessera::workload::kWeb;

constexpr int64_t kT0 = 1'790'000'000'000;
constexpr PerformanceId kPerf = 1500;  // product 1
constexpr TariffId kTariff = 11;

GridLayout hall_20k() {
  GridLayout g;
  g.sections = 4;
  g.rows = 200;
  g.seats = 25;  // 4 x 200 x 25 = 20,000 seats
  g.categories = {1};
  return g;
}

// A shard with the 20,000-seat hall, `sold_percent` of it booked in orders
// of up to 10 seats (random seats, or best first).
std::unique_ptr<Shard> hall(uint32_t sold_percent, bool best_first) {
  auto shard = std::make_unique<Shard>(0, 1, kT0, ShardConfig{1u << 16});
  for (const Command& c : tessera::workload::demo_catalog()) shard->apply(c, kT0);
  shard->apply(Command{0, tessera::workload::grid_layout(hall_20k())}, kT0);
  shard->apply(Command{0, DefinePerformance{kPerf, 1, kT0 + 86'400'000, 0, 0}}, kT0);
  shard->apply(Command{0, AssignLayout{kPerf, 1}}, kT0);
  const VenueLayout& l = *shard->layout(1);
  std::vector<uint32_t> order(l.seat_count());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  if (best_first) {
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return l.seat_rank[a] < l.seat_rank[b]; });
  } else {
    std::shuffle(order.begin(), order.end(), std::mt19937_64(42));
  }
  const uint32_t sold = l.seat_count() * sold_percent / 100;
  for (uint32_t i = 0; i < sold; i += 10) {
    std::vector<uint32_t> seats(order.begin() + i, order.begin() + std::min(sold, i + 10));
    const Reply r =
        shard->apply(Command{0, BookSeats{BookingKind::kOption, 7, kBoxOffice,
                                          SeatRequest{kPerf, kNone, kTariff, kNone, 0, seats, 0}, kT0 + 86'400'000}},
                     kT0);
    if (!r.ok()) std::abort();
  }
  return shard;
}

void BM_BestAvailableHold(benchmark::State& state) {
  const uint32_t sold = static_cast<uint32_t>(state.range(0));
  auto shard = hall(sold, state.range(1) != 0);
  const uint32_t batch = std::max<uint32_t>(8, std::min<uint32_t>(256, 20'000 * (100 - sold) / 100 / 40));
  const Command hold{0, HoldSeats{8, kWeb, SeatRequest{kPerf, 1, kTariff, kNone, 2, {}, 0}, 600'000}};
  std::vector<OrderId> held;
  held.reserve(batch);
  uint64_t refused = 0;
  for (auto _ : state) {
    const Reply r = shard->apply(hold, kT0);
    if (r.ok()) {
      held.push_back(r.order);
    } else {
      ++refused;
    }
    if (held.size() == batch || !r.ok()) {
      state.PauseTiming();
      for (OrderId id : held) shard->apply(Command{0, Release{id}}, kT0);
      held.clear();
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["refused"] = static_cast<double>(refused);
  if (!shard->check_invariants().is_ok()) state.SkipWithError("invariants broken");
}
BENCHMARK(BM_BestAvailableHold)->ArgsProduct({{0, 50, 95}, {0, 1}});

void BM_BestAvailableHoldRelease(benchmark::State& state) {
  auto shard = hall(static_cast<uint32_t>(state.range(0)), false);
  const Command hold{0, HoldSeats{8, kWeb, SeatRequest{kPerf, 1, kTariff, kNone, 2, {}, 0}, 600'000}};
  Command release{0, Release{0}};
  for (auto _ : state) {
    const Reply r = shard->apply(hold, kT0);
    std::get<Release>(release.body).order = r.order;
    benchmark::DoNotOptimize(shard->apply(release, kT0));
  }
  state.SetItemsProcessed(state.iterations());
  if (!shard->check_invariants().is_ok()) state.SkipWithError("invariants broken");
}
BENCHMARK(BM_BestAvailableHoldRelease)->Arg(0)->Arg(50)->Arg(95);

void BM_NamedSeatHoldRelease(benchmark::State& state) {
  auto shard = hall(50, false);
  // Free adjacent pairs, as a web client would pick them on the map.
  const SeatMap& m = *shard->seat_map(kPerf);
  std::vector<Command> holds;
  for (uint32_t s = 0; s + 1 < m.seats.size() && holds.size() < 1024; ++s)
    if (m.seats[s] == kSeatFree && m.seats[s + 1] == kSeatFree &&
        shard->layout(1)->row_of(s) == shard->layout(1)->row_of(s + 1))
      holds.push_back(
          Command{0, HoldSeats{8, kWeb, SeatRequest{kPerf, kNone, kTariff, kNone, 0, {s, s + 1}, 0}, 600'000}});
  Command release{0, Release{0}};
  size_t i = 0;
  for (auto _ : state) {
    const Reply r = shard->apply(holds[i++ % holds.size()], kT0);
    std::get<Release>(release.body).order = r.order;
    benchmark::DoNotOptimize(shard->apply(release, kT0));
  }
  state.SetItemsProcessed(state.iterations());
  if (!shard->check_invariants().is_ok()) state.SkipWithError("invariants broken");
}
BENCHMARK(BM_NamedSeatHoldRelease);

void BM_BulkBlock10k(benchmark::State& state) {
  auto shard = hall(0, false);
  std::vector<uint32_t> seats(10'000);
  for (uint32_t i = 0; i < seats.size(); ++i) seats[i] = i * 2;  // every other seat
  const Command block{0, BlockSeats{kPerf, seats}};
  const Command unblock{0, UnblockSeats{kPerf, seats}};
  for (auto _ : state) {
    if (shard->apply(block, kT0).value != 10'000) state.SkipWithError("not blocked");
    state.PauseTiming();
    shard->apply(unblock, kT0);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * 10'000);
}
BENCHMARK(BM_BulkBlock10k)->Unit(benchmark::kMicrosecond);

void BM_LayoutDefine100k(benchmark::State& state) {
  GridLayout g;
  g.sections = 10;
  g.rows = 200;
  g.seats = 50;  // 100,000 seats
  const Command define{0, tessera::workload::grid_layout(g)};
  for (auto _ : state) {
    state.PauseTiming();
    auto shard = std::make_unique<Shard>(0, 1, kT0);
    for (const Command& c : tessera::workload::demo_catalog()) shard->apply(c, kT0);
    shard->apply(Command{0, DefinePerformance{kPerf, 1, kT0 + 86'400'000, 0, 0}}, kT0);
    state.ResumeTiming();
    if (shard->apply(define, kT0).value != 100'000) state.SkipWithError("layout refused");
    shard->apply(Command{0, AssignLayout{kPerf, 1}}, kT0);
    state.PauseTiming();
    shard.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * 100'000);
  // Measured on a fresh copy: the layout (shared by its performances) and one
  // performance's seat map, arrays sized by seats, rows and bit words.
  auto shard = std::make_unique<Shard>(0, 1, kT0);
  for (const Command& c : tessera::workload::demo_catalog()) shard->apply(c, kT0);
  shard->apply(Command{0, DefinePerformance{kPerf, 1, kT0 + 86'400'000, 0, 0}}, kT0);
  shard->apply(define, kT0);
  shard->apply(Command{0, AssignLayout{kPerf, 1}}, kT0);
  const VenueLayout& l = *shard->layout(1);
  const SeatMap& m = *shard->seat_map(kPerf);
  const double seats = l.seat_count(), rows = l.row_count();
  // Per seat: category slot, flags, rank (primary) + row index, rank prefix (derived);
  // per row: number, first seat number, first seat, rank, first bit word.
  const double layout_bytes =
      seats * (1 + 1 + 2 + 4 + 4) + rows * (4 + 4 + 4 + 2 + 4) + static_cast<double>(l.search_masks().size()) * 8;
  const double map_bytes = seats * 2 + static_cast<double>(m.free_bits.size()) * 8 + rows * (2 + 2);
  state.counters["layout_bytes_per_seat"] = layout_bytes / seats;
  state.counters["performance_bytes_per_seat"] = map_bytes / seats;
}
BENCHMARK(BM_LayoutDefine100k)->Unit(benchmark::kMillisecond);

}  // namespace
