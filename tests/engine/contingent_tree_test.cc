// ContingentTree on its own (with the StockLedger, SeatInventory and timers
// it works through): carving contingents and sub-contingents, release-back
// of unsold stock to the nearest open ancestor at its date, units returned
// later flowing on, and check_invariants() catching a subtree over its
// planned quota, a released contingent still holding stock and a timer that
// does not match its date.
#include "engine/contingent_tree.h"

#include <gtest/gtest.h>

#include "tests/engine/owners_fixture.h"

namespace tessera::engine {
namespace {

using namespace owners_test;

constexpr PerformanceId kTreePerf = 1000;  // GA 500/300/200
constexpr ContingentId kRoot = 10001;      // demo partner contingent: 50 units of category 1, channel 3
// (the demo's second performance has contingent 10011)

class ContingentTreeTest : public testing::Test {
 protected:
  ContingentTreeTest() {
    define_demo_catalog(ledger_.catalog);
    workload::DemoVenue venue;
    venue.performances = 2;
    venue.first_performance = kTreePerf;
    for (const Command& c : workload::demo_performances(venue, workload::kProductRelease)) ledger_.must(c.body);
  }
  ContingentTree& tree() { return ledger_.contingents; }
  uint32_t available(ContingentId k) const { return ledger_.quota_of(k).available(); }
  Reply sell(ContingentId k, uint32_t n, ChannelId channel = kPartner) {
    return ledger_.place({line(kTreePerf, 1, n, k)}, 7, channel);
  }
  void expect_invariants() {
    const Status s = ledger_.check();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
  }

  Ledger ledger_;
};

TEST_F(ContingentTreeTest, DefineContingent_CarvesItsAllotmentFromTheOpenSale) {
  ASSERT_TRUE(tree().on(DefineContingent{10002, kTreePerf, 2, 30, {}}).ok());
  EXPECT_EQ(ledger_.open_quota(kTreePerf, 2).capacity, 270u);
  EXPECT_EQ(ledger_.area(kTreePerf, 2).allotted, 30u);
  EXPECT_EQ(ledger_.quota_of(10002).capacity, 30u);
  EXPECT_EQ(ledger_.contingent(10002).planned, 30u);
  EXPECT_EQ(ledger_.area(kTreePerf, 2).capacity, 300u);  // the category itself does not change
  expect_invariants();
}

TEST_F(ContingentTreeTest, DefineContingent_RefusalsCarveNothing) {
  const uint64_t before = ledger_.hash();
  const std::vector<ChannelId> too_many(kContingentChannelsMax + 1, kWeb);
  const DefineContingent cases[] = {
      {kNone, kTreePerf, 2, 10, {}},   {kRoot, kTreePerf, 2, 10, {}},       {10002, 4242, 2, 10, {}},
      {10002, kTreePerf, 9, 10, {}},   {10002, kTreePerf, 2, 0, {}},        {10002, kTreePerf, 2, 301, {}},
      {10002, kTreePerf, 2, 10, {99}}, {10002, kTreePerf, 2, 10, too_many},
  };
  for (const DefineContingent& c : cases) {
    const Reply r = tree().on(c);
    EXPECT_FALSE(r.ok()) << c.contingent << " " << c.allotment;
    EXPECT_FALSE(r.message.empty());
    EXPECT_EQ(ledger_.hash(), before) << r.message;
  }
  EXPECT_EQ(ledger_.stock.contingents().size(), 2u);  // the demo's two partner contingents
}

TEST_F(ContingentTreeTest, DefineSubContingent_TakesOnlyTheParentsUnsoldUnits) {
  ASSERT_TRUE(sell(kRoot, 25).ok());
  EXPECT_EQ(available(kRoot), 25u);
  const uint64_t before = ledger_.hash();
  EXPECT_EQ(tree().on(DefineSubContingent{50001, kTreePerf, kRoot, 26, {}}).code, ReplyCode::kSoldOut);
  EXPECT_EQ(tree().on(DefineSubContingent{50001, kTreePerf.value() + 1, kRoot, 5, {}}).code,
            ReplyCode::kInvalidArgument);
  EXPECT_EQ(tree().on(DefineSubContingent{50001, kTreePerf, 99, 5, {}}).code, ReplyCode::kNotFound);
  EXPECT_EQ(tree().on(DefineSubContingent{kRoot, kTreePerf, kRoot, 5, {}}).code, ReplyCode::kDuplicate);
  EXPECT_EQ(ledger_.hash(), before);

  ASSERT_TRUE(tree().on(DefineSubContingent{50001, kTreePerf, kRoot, 25, {}}).ok());
  EXPECT_EQ(available(kRoot), 0u);
  EXPECT_EQ(ledger_.quota_of(kRoot).capacity, 25u);  // its sold units stay with it
  EXPECT_EQ(ledger_.quota_of(50001).capacity, 25u);
  EXPECT_EQ(ledger_.contingent(50001).parent, ledger_.stock.index_of(ledger_.contingent(kRoot)));
  EXPECT_EQ(ledger_.area(kTreePerf, 1).allotted, 50u);  // moved within the tree, not out of the open sale
  expect_invariants();
}

TEST_F(ContingentTreeTest, DefineSubContingent_NestsAtMostTheDepthLimit) {
  ContingentId parent = kRoot;
  for (uint32_t depth = 2; depth <= kContingentDepthMax; ++depth) {
    const ContingentId id = 20000 + depth;
    ASSERT_TRUE(tree().on(DefineSubContingent{id, kTreePerf, parent, 1, {}}).ok()) << "depth " << depth;
    parent = id;
  }
  const Reply r = tree().on(DefineSubContingent{29999, kTreePerf, parent, 1, {}});
  EXPECT_EQ(r.code, ReplyCode::kLimitExceeded) << r.message;
  expect_invariants();
}

// root (50) > middle (30) > leaf (10): the middle is released first, so the
// leaf's unsold units go past it to the root.
TEST_F(ContingentTreeTest, ReleaseBack_MovesUnsoldStockToTheNearestOpenAncestorAtItsDate) {
  constexpr ContingentId kMiddle = 50001, kLeaf = 50002;
  ASSERT_TRUE(tree().on(DefineSubContingent{kMiddle, kTreePerf, kRoot, 30, {}}).ok());
  ASSERT_TRUE(tree().on(DefineSubContingent{kLeaf, kTreePerf, kMiddle, 10, {}}).ok());
  const Reply leaf_order = sell(kLeaf, 4, kWeb);
  ASSERT_TRUE(leaf_order.ok()) << leaf_order.message;
  const Reply middle_order = sell(kMiddle, 3, kWeb);
  ASSERT_TRUE(middle_order.ok()) << middle_order.message;
  ASSERT_TRUE(tree().on(SetContingentReleaseBack{kTreePerf, kMiddle, kT0 + kHour}).ok());
  ASSERT_TRUE(tree().on(SetContingentReleaseBack{kTreePerf, kLeaf, kT0 + 2 * kHour}).ok());
  EXPECT_EQ(ledger_.timers.wheel().size(), 2u);
  expect_invariants();

  ledger_.advance_to(kT0 + kHour - 1);
  EXPECT_FALSE(ledger_.contingent(kMiddle).released);
  EXPECT_EQ(ledger_.quota_of(kRoot).capacity, 20u);

  ledger_.advance_to(kT0 + kHour);
  EXPECT_TRUE(ledger_.contingent(kMiddle).released);
  EXPECT_EQ(ledger_.quota_of(kMiddle).capacity, 3u);  // what its orders hold
  EXPECT_EQ(ledger_.quota_of(kRoot).capacity, 37u);   // 20 + the middle's 17 unsold
  EXPECT_EQ(sell(kMiddle, 1, kWeb).code, ReplyCode::kInvalidState);
  expect_invariants();

  ledger_.advance_to(kT0 + 2 * kHour);
  EXPECT_TRUE(ledger_.contingent(kLeaf).released);
  EXPECT_EQ(ledger_.quota_of(kLeaf).capacity, 4u);
  EXPECT_EQ(ledger_.quota_of(kMiddle).capacity, 3u) << "a released contingent takes no stock back";
  EXPECT_EQ(ledger_.quota_of(kRoot).capacity, 43u);
  EXPECT_EQ(ledger_.timers.wheel().size(), 0u);
  expect_invariants();

  // Units its orders return later flow on the same way.
  ledger_.close(leaf_order.order);
  EXPECT_EQ(ledger_.quota_of(kLeaf).capacity, 0u);
  EXPECT_EQ(ledger_.quota_of(kRoot).capacity, 47u);
  ledger_.close(middle_order.order);
  EXPECT_EQ(ledger_.quota_of(kRoot).capacity, 50u);
  EXPECT_EQ(ledger_.area(kTreePerf, 1).allotted, 50u);
  expect_invariants();
}

TEST_F(ContingentTreeTest, ReleaseBack_OfARootContingentGoesToTheOpenSale) {
  const Reply order = sell(kRoot, 1);
  ASSERT_TRUE(order.ok());
  ASSERT_TRUE(tree().on(SetContingentReleaseBack{kTreePerf, kRoot, kT0 + kMinute}).ok());
  ledger_.advance_to(kT0 + kMinute);
  EXPECT_EQ(ledger_.open_quota(kTreePerf, 1).capacity, 499u);
  EXPECT_EQ(ledger_.area(kTreePerf, 1).allotted, 1u);
  expect_invariants();
  ledger_.close(order.order);
  EXPECT_EQ(ledger_.open_quota(kTreePerf, 1).capacity, 500u);
  EXPECT_EQ(ledger_.area(kTreePerf, 1).allotted, 0u);
  EXPECT_EQ(ledger_.quota_of(kRoot).capacity, 0u);
  expect_invariants();
}

TEST_F(ContingentTreeTest, SetReleaseBack_RearmsOneTimer_ZeroDisarms_ClosedContingentsRefuse) {
  ASSERT_TRUE(tree().on(SetContingentReleaseBack{kTreePerf, kRoot, kT0 + kHour}).ok());
  ASSERT_TRUE(tree().on(SetContingentReleaseBack{kTreePerf, kRoot, kT0 + 2 * kHour}).ok());
  EXPECT_EQ(ledger_.timers.wheel().size(), 1u);
  EXPECT_EQ(ledger_.timers.wheel().due_ms(ledger_.contingent(kRoot).timer), kT0 + 2 * kHour);
  expect_invariants();
  ledger_.advance_to(kT0 + kHour);
  EXPECT_FALSE(ledger_.contingent(kRoot).released) << "the first date was replaced";

  const uint64_t before = ledger_.hash();
  EXPECT_EQ(tree().on(SetContingentReleaseBack{kTreePerf, kRoot, ledger_.now_ms}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(tree().on(SetContingentReleaseBack{kTreePerf.value() + 1, kRoot, kT0 + 3 * kHour}).code,
            ReplyCode::kInvalidArgument);
  EXPECT_EQ(tree().on(SetContingentReleaseBack{kTreePerf, 99, kT0 + 3 * kHour}).code, ReplyCode::kNotFound);
  EXPECT_EQ(ledger_.hash(), before);

  ASSERT_TRUE(tree().on(SetContingentReleaseBack{kTreePerf, kRoot, 0}).ok());
  EXPECT_EQ(ledger_.timers.wheel().size(), 0u);
  ledger_.advance_to(kT0 + 3 * kHour);
  EXPECT_FALSE(ledger_.contingent(kRoot).released);
  expect_invariants();

  ASSERT_TRUE(tree().on(SetContingentReleaseBack{kTreePerf, kRoot, kT0 + 4 * kHour}).ok());
  ledger_.advance_to(kT0 + 4 * kHour);
  EXPECT_TRUE(ledger_.contingent(kRoot).released);
  EXPECT_EQ(tree().on(SetContingentReleaseBack{kTreePerf, kRoot, kT0 + 5 * kHour}).code, ReplyCode::kInvalidState);
  EXPECT_EQ(tree().on(DefineSubContingent{50001, kTreePerf, kRoot, 1, {}}).code, ReplyCode::kInvalidState);
  expect_invariants();
}

TEST_F(ContingentTreeTest, CheckInvariants_CatchesASubtreeOverItsPlannedQuota) {
  ASSERT_TRUE(tree().on(DefineSubContingent{50001, kTreePerf, kRoot, 20, {}}).ok());
  expect_invariants();
  Contingent& root = *ledger_.stock.contingents().find(kRoot);
  root.planned = 49;  // the root and its sub-contingent hold 50
  uint32_t timed = 0;
  Status s = tree().check_invariants(&timed);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.to_string().find("> planned"), std::string::npos) << s.to_string();
  root.planned = 50;
  expect_invariants();
  // A sub-contingent given one unit more than its parent let go.
  ++ledger_.stock.quotas()[ledger_.contingent(50001).quota].capacity;
  s = tree().check_invariants(&timed);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.to_string().find("> planned"), std::string::npos) << s.to_string();
}

TEST_F(ContingentTreeTest, CheckInvariants_CatchesAReleasedContingentStillHoldingUnsoldStock) {
  ASSERT_TRUE(tree().on(SetContingentReleaseBack{kTreePerf, kRoot, kT0 + kMinute}).ok());
  ledger_.advance_to(kT0 + kMinute);
  expect_invariants();
  ++ledger_.stock.quotas()[ledger_.contingent(kRoot).quota].capacity;
  uint32_t timed = 0;
  const Status s = tree().check_invariants(&timed);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.to_string().find("unsold"), std::string::npos) << s.to_string();
}

TEST_F(ContingentTreeTest, CheckInvariants_CatchesATimerThatDoesNotMatchItsDate) {
  ASSERT_TRUE(tree().on(SetContingentReleaseBack{kTreePerf, kRoot, kT0 + kHour}).ok());
  Contingent& root = *ledger_.stock.contingents().find(kRoot);
  root.release_back_ms = kT0 + 2 * kHour;  // the date moved without re-arming
  uint32_t timed = 0;
  EXPECT_FALSE(tree().check_invariants(&timed).is_ok());
  root.release_back_ms = kT0 + kHour;
  timed = 0;
  EXPECT_TRUE(tree().check_invariants(&timed).is_ok());
  EXPECT_EQ(timed, 1u);
  ledger_.timers.disarm(&root.timer);  // a date with no timer
  timed = 0;
  EXPECT_FALSE(tree().check_invariants(&timed).is_ok());
}

}  // namespace
}  // namespace tessera::engine
