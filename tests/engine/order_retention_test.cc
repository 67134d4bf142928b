// The order retention on one shard (engine/order_retention.h): confirmed
// orders leave memory once every performance they are on is past its start
// + the retention, their history record is written, the archived stock does
// not move and still recounts; a sweep cut by a snapshot finishes the same;
// out-of-range settings are refused and 0 keeps everything.
#include <gtest/gtest.h>

#include "engine/codec.h"
#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"
#include "workload/demo_venue.h"

namespace tessera::engine {
namespace {

constexpr PerformanceId kSoon = 9001, kLater = 9002;
constexpr int64_t kSoonStart = kT0 + 2 * kDay, kLaterStart = kT0 + 10 * kDay;

class OrderRetentionTest : public ShardTest {
 protected:
  OrderRetentionTest() {
    for (auto [p, start] : {std::pair{kSoon, kSoonStart}, std::pair{kLater, kLaterStart}}) {
      must_apply(Command{0, DefinePerformance{p, workload::kProductRelease, start, 0, 4}});
      for (uint32_t c = 1; c <= 2; ++c) must_apply(Command{0, SetGeneralAdmission{p, c, 1'000}});
    }
    shard_.keep_history(true);
  }
  // A confirmed order of `contact` with one line per performance given.
  OrderId confirmed(std::vector<PerformanceId> on, ContactId contact = 7, uint32_t n = 2) {
    Hold h{contact, workload::kWeb, {}, 10 * kMinute};
    for (PerformanceId p : on) h.lines.push_back(workload::demo_line(p, workload::kProductRelease, 1, n));
    const Reply held = run(h);
    EXPECT_TRUE(held.ok()) << held.message;
    EXPECT_TRUE(run(Confirm{held.order, {}}).ok());
    return held.order;
  }
  StockSummary stock(PerformanceId p) {
    const Reply r = run(GetStockSummary{p});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.detail ? std::get<StockSummary>(r.detail->value) : StockSummary{};
  }
  // The orders whose records the history received since the last call.
  std::vector<OrderRecord> history() {
    std::vector<HistoryWrite> writes;
    shard_.take_history(&writes);
    std::vector<OrderRecord> out;
    for (const HistoryWrite& w : writes) {
      OrderRecord r;
      EXPECT_TRUE(decode(w.record, r).is_ok());
      out.push_back(r);
    }
    return out;
  }
};

TEST_F(OrderRetentionTest, ConfirmedOrdersOfPastPerformancesLeaveMemory_TheStockStaysAndRecounts) {
  const OrderId soon = confirmed({kSoon});
  const OrderId both = confirmed({kSoon, kLater});
  const OrderId later = confirmed({kLater});
  const OrderId option = run(Book{BookingKind::kOption,
                                  8,
                                  workload::kBoxOffice,
                                  {workload::demo_line(kSoon, workload::kProductRelease, 2, 1)},
                                  kT0 + kDay})
                             .order;
  ASSERT_TRUE(run(SetOrderRetention{kDay}).ok());
  history();
  advance_to(kT0 + kDay + kMinute);  // the option's deadline: archived (product 1's policy)
  const StockSummary soon_stock = stock(kSoon);
  const int64_t free_before = available(kSoon, 1);
  EXPECT_EQ(history().size(), 1u) << "the archived option";

  advance_to(kSoonStart + kDay - 1);
  EXPECT_NE(shard_.find_order(soon), nullptr) << "not yet: start + retention is a millisecond away";
  advance_to(kSoonStart + kDay);
  EXPECT_EQ(shard_.find_order(soon), nullptr) << "its only performance is past the retention";
  EXPECT_EQ(run(GetOrderRecord{soon}).code, ReplyCode::kNotFound) << "memory no longer answers for it";
  EXPECT_EQ(run(Cancel{soon}).code, ReplyCode::kNotFound);
  ASSERT_NE(shard_.find_order(both), nullptr) << "one of its performances is still ahead";
  EXPECT_EQ(shard_.find_order(both)->state, OrderState::kConfirmed);
  const std::vector<OrderRecord> moved = history();
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].order, soon);
  EXPECT_EQ(moved[0].state, OrderState::kConfirmed);
  EXPECT_EQ(moved[0].quantity, 2u);
  EXPECT_EQ(encode(stock(kSoon)), encode(soon_stock)) << "an archived performance's stock does not move";
  EXPECT_EQ(available(kSoon, 1), free_before);
  EXPECT_EQ(shard_.find_order(option)->state, OrderState::kArchived) << "closed orders are not the retention's";

  advance_to(kLaterStart + kDay + kMinute);
  EXPECT_EQ(shard_.find_order(both), nullptr);
  EXPECT_EQ(shard_.find_order(later), nullptr);
  EXPECT_EQ(history().size(), 2u);
  const StockSummary later_stock = stock(kLater);
  ASSERT_FALSE(later_stock.rows.empty());
  EXPECT_EQ(later_stock.rows[0].confirmed, 4u) << "two retired orders of 2 units, still counted as sold";
  // The freed slots take new orders (a performance further ahead).
  must_apply(Command{0, DefinePerformance{9003, workload::kProductRelease, kLaterStart + 30 * kDay, 0, 0}});
  must_apply(Command{0, SetGeneralAdmission{9003, 1, 100}});
  const OrderId next = confirmed({9003});
  EXPECT_NE(shard_.find_order(next), nullptr);
  EXPECT_TRUE(shard_.check_invariants().is_ok());
}

TEST_F(OrderRetentionTest, ZeroKeepsEverything_AndOutOfRangeIsRefused) {
  const OrderId soon = confirmed({kSoon});
  const uint64_t hash = shard_.state_hash();
  for (int64_t bad : {int64_t{-1}, int64_t{1}, 30 * kMinute, kOrderRetentionMsMax + 1}) {
    const Reply r = run(SetOrderRetention{bad});
    EXPECT_EQ(r.code, ReplyCode::kInvalidArgument) << bad;
    EXPECT_NE(r.message.find("retention"), std::string::npos) << r.message;
    EXPECT_EQ(shard_.prepare(Command{0, SetOrderRetention{bad}}).code, ReplyCode::kInvalidArgument);
  }
  EXPECT_EQ(shard_.state_hash(), hash) << "a refusal changes nothing";
  ASSERT_TRUE(run(SetOrderRetention{0}).ok());
  EXPECT_EQ(shard_.state_hash(), hash) << "0 is the default: nothing new in the state";
  advance_to(kLaterStart + 100 * kDay);
  EXPECT_NE(shard_.find_order(soon), nullptr) << "without a retention confirmed orders stay";
  ASSERT_TRUE(run(SetOrderRetention{kHour}).ok());
  advance_to(now_ + 1);
  EXPECT_EQ(shard_.find_order(soon), nullptr) << "set later, it applies to performances already past";
}

TEST_F(OrderRetentionTest, PerContactLimitsForgetTheRetiredUnits) {
  // kSoon allows 4 units per contact: contact 9 holds them all.
  confirmed({kSoon}, 9, 4);
  EXPECT_EQ(available(kSoon, 1, workload::kWeb, kNone, 9), 0);
  ASSERT_TRUE(run(SetOrderRetention{kDay}).ok());
  advance_to(kSoonStart + 2 * kDay);
  EXPECT_TRUE(shard_.check_invariants().is_ok()) << "the per-contact counter recounts without the retired order";
}

TEST_F(OrderRetentionTest, ASweepCutByASnapshot_FinishesTheSameAfterLoading) {
  // More orders than one slice visits, on the soon performance and beyond.
  for (PerformanceId p : {PerformanceId{9005}, PerformanceId{9007}}) {
    must_apply(Command{0, DefinePerformance{p, workload::kProductRelease, kSoonStart, 0, 0}});
    must_apply(Command{0, SetGeneralAdmission{p, 1, 100'000}});
  }
  for (uint32_t i = 0; i < kRetireSlotsPerSlice + 5'000; ++i) {
    const Reply held =
        shard_.apply(Command{0, Hold{7 + i % 50,
                                     workload::kWeb,
                                     {workload::demo_line(i % 2 ? PerformanceId{9007} : PerformanceId{9005},
                                                          workload::kProductRelease, 1, 1)},
                                     10 * kMinute}},
                     now_);
    ASSERT_TRUE(held.ok()) << held.message;
    ASSERT_TRUE(shard_.apply(Command{0, Confirm{held.order, {}}}, now_).ok());
  }
  ASSERT_TRUE(run(SetOrderRetention{kDay}).ok());
  now_ = kSoonStart + kDay;
  ASSERT_GT(shard_.advance(now_, 1'000), 0u);  // archives, then one slice of the sweep
  const std::unique_ptr<Shard> loaded = reloaded(shard_);
  ASSERT_TRUE(loaded);
  Shard& copy = *loaded;
  EXPECT_EQ(copy.state_hash(), shard_.state_hash());
  for (Shard* s : {&shard_, &copy}) {
    uint32_t steps = 0;
    while (s->advance(now_, 1'000) > 0) ++steps;
    EXPECT_GT(steps, 1u) << "the rest of the sweep goes in slices";
    EXPECT_TRUE(s->check_invariants().is_ok());
    EXPECT_EQ(s->stats().live_orders, 0u) << "every confirmed order left memory";
  }
  EXPECT_EQ(copy.state_hash(), shard_.state_hash()) << "the loaded shard swept exactly as the original";
  const std::unique_ptr<Shard> again = reloaded(copy);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->state_hash(), copy.state_hash()) << "archived stock and retired units survive a snapshot";
}

TEST_F(OrderRetentionTest, SeatedOrdersLeaveMemory_TheirSeatsStayTaken) {
  workload::GridLayout grid;
  grid.layout = 5, grid.rows = 4, grid.seats = 10;
  must_apply(Command{0, workload::grid_layout(grid)});
  must_apply(Command{0, DefinePerformance{9006, workload::kProductRelease, kSoonStart, 0, 0}});
  must_apply(Command{0, AssignLayout{9006, 5}});
  const Reply seats = run(BookSeats{
      BookingKind::kOption, 7, workload::kBoxOffice,
      SeatRequest{9006, 1, workload::demo_tariff(workload::kProductRelease, 1), kNone, 3, {}, 0}, kT0 + kDay});
  ASSERT_TRUE(seats.ok()) << seats.message;
  ASSERT_TRUE(run(Confirm{seats.order, {}}).ok());
  const StockSummary before = stock(9006);
  ASSERT_TRUE(run(SetOrderRetention{kDay}).ok());
  advance_to(kSoonStart + kDay);
  EXPECT_EQ(shard_.find_order(seats.order), nullptr);
  EXPECT_EQ(encode(stock(9006)), encode(before)) << "its seats are still sold";
}

}  // namespace
}  // namespace tessera::engine
