// Shard behaviour: quotas, the order state machine, expiry policies, locks,
// idempotency, refusals that change nothing, and the state hash.
#include "engine/shard.h"

#include <gtest/gtest.h>

#include "tests/engine/shard_fixture.h"

namespace tessera::engine {
namespace {

using workload::kBoxOffice;
using workload::kPartner;
using workload::kWeb;

// Category 1 of a demo performance: 500 units, 50 of them in the partner contingent.
constexpr int64_t kCat1Open = 450;

TEST_F(ShardTest, Hold_TakesUnitsFromTheOpenSaleAndPerformanceCapacity) {
  EXPECT_EQ(available(kPerfRelease, 1), kCat1Open);
  const Reply r = hold(kPerfRelease, 1, 4);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.state, OrderState::kHeld);
  EXPECT_EQ(r.value, now_ + 10 * kMinute);
  EXPECT_EQ(available(kPerfRelease, 1), kCat1Open - 4);
  EXPECT_EQ(available(kPerfRelease, 2), 300);
  EXPECT_EQ(available(kPerfRelease.value() + 1, 1), kCat1Open);  // other performance untouched
}

TEST_F(ShardTest, Hold_SoldOutIsAnOutcomeAndTakesNothing) {
  ASSERT_TRUE(hold(kPerfRelease, 3, 198).ok());
  const uint64_t before = shard_.state_hash();
  const Reply r = hold(kPerfRelease, 3, 3);
  EXPECT_EQ(r.code, ReplyCode::kSoldOut);
  EXPECT_NE(r.message.find("2 available"), std::string::npos) << r.message;
  EXPECT_EQ(shard_.state_hash(), before);
  EXPECT_TRUE(hold(kPerfRelease, 3, 2).ok());
  EXPECT_EQ(available(kPerfRelease, 3), 0);
}

TEST_F(ShardTest, Hold_IsAllOrNothingAcrossLines) {
  const uint64_t before = shard_.state_hash();
  const Reply r = run(Hold{
      7, kWeb, {workload::demo_line(kPerfRelease, 1, 1, 4), workload::demo_line(kPerfRelease, 1, 3, 201)}, kMinute});
  EXPECT_EQ(r.code, ReplyCode::kSoldOut);
  EXPECT_EQ(available(kPerfRelease, 1), kCat1Open);
  EXPECT_EQ(shard_.state_hash(), before);
}

TEST_F(ShardTest, Hold_TwoLinesOfOneCategoryCountTogether) {
  const Reply r = run(Hold{
      7, kWeb, {workload::demo_line(kPerfRelease, 1, 3, 150), workload::demo_line(kPerfRelease, 1, 3, 60)}, kMinute});
  EXPECT_EQ(r.code, ReplyCode::kSoldOut);
  EXPECT_EQ(available(kPerfRelease, 3), 200);
}

TEST_F(ShardTest, BadInput_GetsAClearErrorAndChangesNothing) {
  const uint64_t before = shard_.state_hash();
  struct Case {
    CommandBody body;
    ReplyCode code;
  };
  const LineRequest ok_line = workload::demo_line(kPerfRelease, 1, 1, 1);
  LineRequest wrong_tariff = ok_line;
  wrong_tariff.tariff = workload::demo_tariff(2, 1);  // a tariff of another product
  LineRequest unknown_tariff = ok_line;
  unknown_tariff.tariff = 999;
  LineRequest zero = ok_line;
  zero.quantity = 0;
  LineRequest huge = ok_line;
  huge.quantity = 1001;
  LineRequest partner_only = ok_line;
  partner_only.contingent = workload::demo_partner_contingent(kPerfRelease);
  const Case cases[] = {
      {Hold{7, kWeb, {workload::demo_line(4242, 1, 1, 1)}, kMinute}, ReplyCode::kNotFound},
      {Hold{7, kWeb, {workload::demo_line(kPerfRelease, 1, 9, 1)}, kMinute}, ReplyCode::kNotFound},
      {Hold{7, 99, {ok_line}, kMinute}, ReplyCode::kNotFound},
      {Hold{7, kWeb, {unknown_tariff}, kMinute}, ReplyCode::kNotFound},
      {Hold{7, kWeb, {wrong_tariff}, kMinute}, ReplyCode::kInvalidArgument},
      {Hold{7, kWeb, {zero}, kMinute}, ReplyCode::kInvalidArgument},
      {Hold{7, kWeb, {huge}, kMinute}, ReplyCode::kLimitExceeded},
      {Hold{7, kWeb, {}, kMinute}, ReplyCode::kInvalidArgument},
      {Hold{7, kWeb, {ok_line}, 10}, ReplyCode::kInvalidArgument},
      {Hold{7, kWeb, {ok_line}, 31 * kMinute}, ReplyCode::kLimitExceeded},
      {Hold{7, kWeb, {partner_only}, kMinute}, ReplyCode::kInvalidArgument},
      {Book{BookingKind::kOption, 7, kBoxOffice, {ok_line}, now_ - 1}, ReplyCode::kInvalidArgument},
      {Book{BookingKind::kOption, 7, kBoxOffice, {ok_line}, now_ + 4 * 365 * kDay}, ReplyCode::kInvalidArgument},
      {Release{make_order_id(0, 1, 12345)}, ReplyCode::kNotFound},
      {Confirm{make_order_id(0, 1, 0), {}}, ReplyCode::kNotFound},
      {DefineSeason{1, "again"}, ReplyCode::kDuplicate},
      {DefinePerformance{kPerfRelease, 1, 0, 0, 0}, ReplyCode::kDuplicate},
      {DefineProduct{9, 77, 1, "no such season"}, ReplyCode::kNotFound},
      {SetGeneralAdmission{kPerfRelease, 42, 10}, ReplyCode::kNotFound},
      {Advance{0}, ReplyCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    const Reply r = run(c.body);
    EXPECT_EQ(r.code, c.code) << command_name(c.body) << ": " << r.message;
    EXPECT_FALSE(r.message.empty()) << command_name(c.body);
    EXPECT_EQ(shard_.state_hash(), before) << command_name(c.body) << " changed the state";
  }
}

TEST_F(ShardTest, Hold_ExpiresAtItsTtlAndNotOneTickEarlier) {
  const Reply r = hold(kPerfRelease, 2, 5, 90'000);
  ASSERT_TRUE(r.ok());
  advance_to(kT0 + 90'000 - 1);
  EXPECT_EQ(state(r.order), OrderState::kHeld);
  EXPECT_EQ(available(kPerfRelease, 2), 295);
  advance_to(kT0 + 90'000);
  EXPECT_EQ(state(r.order), OrderState::kExpired);
  EXPECT_EQ(available(kPerfRelease, 2), 300);
}

TEST_F(ShardTest, ExpiredHold_CannotBeRevivedEvenBeforeTheTimerRuns) {
  const Reply r = hold(kPerfRelease, 2, 5, kMinute);
  now_ += kMinute;  // no advance(): the command itself must see the expiry
  const Reply ext = run(ExtendHold{r.order, kMinute});
  EXPECT_EQ(ext.code, ReplyCode::kInvalidState);
  EXPECT_EQ(ext.state, OrderState::kExpired);
  EXPECT_EQ(available(kPerfRelease, 2), 300);
}

TEST_F(ShardTest, ExtendHold_StopsAtMaxExtensionsAndMaxLifetime) {
  const Reply r = hold(kPerfRelease, 1, 2, 5 * kMinute);
  for (int i = 0; i < 3; ++i) {
    now_ += kMinute;
    const Reply ext = run(ExtendHold{r.order, 5 * kMinute});
    ASSERT_TRUE(ext.ok()) << ext.message;
    EXPECT_EQ(ext.value, now_ + 5 * kMinute);
  }
  EXPECT_EQ(run(ExtendHold{r.order, 5 * kMinute}).code, ReplyCode::kLimitExceeded);  // 4th extension

  const Reply other = hold(kPerfRelease, 1, 2, 20 * kMinute);
  now_ += 15 * kMinute;
  EXPECT_EQ(run(ExtendHold{other.order, 20 * kMinute}).code, ReplyCode::kLimitExceeded);  // past 30 min
  EXPECT_TRUE(run(ExtendHold{other.order, 14 * kMinute}).ok());
}

TEST_F(ShardTest, Confirm_PartOfAHoldReleasesTheRest) {
  const Reply r = run(
      Hold{7, kWeb, {workload::demo_line(kPerfRelease, 1, 1, 4), workload::demo_line(kPerfRelease, 1, 2, 3)}, kMinute});
  ASSERT_TRUE(r.ok());
  const Reply c = run(Confirm{r.order, {1, 0}});
  ASSERT_TRUE(c.ok()) << c.message;
  EXPECT_EQ(c.state, OrderState::kConfirmed);
  EXPECT_EQ(available(kPerfRelease, 1), kCat1Open - 1);
  EXPECT_EQ(available(kPerfRelease, 2), 300);
  EXPECT_EQ(shard_.find_order(r.order)->lines.size(), 1u);
  advance_to(now_ + kHour);  // a confirmed order never expires
  EXPECT_EQ(state(r.order), OrderState::kConfirmed);
  EXPECT_EQ(run(Confirm{r.order, {}}).code, ReplyCode::kInvalidState);
}

TEST_F(ShardTest, Confirm_RejectsBadKeepLists) {
  const Reply r = hold(kPerfRelease, 1, 2);
  EXPECT_EQ(run(Confirm{r.order, {1, 1}}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(Confirm{r.order, {3}}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(Confirm{r.order, {0}}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(state(r.order), OrderState::kHeld);
}

TEST_F(ShardTest, HoldToOptionToConfirm_KeepsTheUnits) {
  const Reply r = hold(kPerfRelease, 1, 2);
  const Reply o = run(ConvertHold{r.order, BookingKind::kOption, now_ + 7 * kDay});
  ASSERT_TRUE(o.ok()) << o.message;
  EXPECT_EQ(o.state, OrderState::kOption);
  advance_to(now_ + 6 * kDay);
  EXPECT_EQ(state(r.order), OrderState::kOption);
  EXPECT_TRUE(run(Confirm{r.order, {}}).ok());
  EXPECT_EQ(available(kPerfRelease, 1), kCat1Open - 2);
}

TEST_F(ShardTest, Option_ReleaseAtDeadlinePolicy_ArchivesAndReturnsStock) {
  const Reply r = book(kPerfRelease, 1, 3, now_ + 2 * kDay);
  ASSERT_TRUE(r.ok()) << r.message;
  advance_to(kT0 + 2 * kDay);
  EXPECT_EQ(state(r.order), OrderState::kArchived);
  EXPECT_EQ(available(kPerfRelease, 1), kCat1Open);
}

TEST_F(ShardTest, Option_OverduePolicy_GoesOverdueThenArchivesAfterGrace) {
  const Reply r = book(kPerfOverdue, 1, 3, now_ + 2 * kDay);
  advance_to(kT0 + 2 * kDay);
  EXPECT_EQ(state(r.order), OrderState::kOverdue);
  EXPECT_EQ(available(kPerfOverdue, 1), kCat1Open - 3);  // stock stays aside while overdue
  advance_to(kT0 + 3 * kDay - 1);
  EXPECT_EQ(state(r.order), OrderState::kOverdue);
  advance_to(kT0 + 3 * kDay);
  EXPECT_EQ(state(r.order), OrderState::kArchived);
  EXPECT_EQ(available(kPerfOverdue, 1), kCat1Open);
}

TEST_F(ShardTest, Overdue_ReinstatedAsPlainOptionWithANewDeadline) {
  const Reply r = book(kPerfOverdue, 1, 3, now_ + kDay);
  advance_to(kT0 + kDay);
  ASSERT_EQ(state(r.order), OrderState::kOverdue);
  const Reply back = run(Reinstate{r.order, now_ + 5 * kDay});
  ASSERT_TRUE(back.ok()) << back.message;
  EXPECT_EQ(back.state, OrderState::kOption);
  advance_to(kT0 + 4 * kDay);  // the old grace end passes harmlessly
  EXPECT_EQ(state(r.order), OrderState::kOption);
  EXPECT_EQ(run(Reinstate{r.order, now_ + kDay}).code, ReplyCode::kInvalidState);
}

TEST_F(ShardTest, Overdue_ArchivedEarlyByAnOperator) {
  const Reply r = book(kPerfOverdue, 2, 10, now_ + kDay, BookingKind::kReservation);
  advance_to(kT0 + kDay);
  ASSERT_EQ(state(r.order), OrderState::kOverdue);
  EXPECT_TRUE(run(Archive{r.order}).ok());
  EXPECT_EQ(state(r.order), OrderState::kArchived);
  EXPECT_EQ(available(kPerfOverdue, 2), 300);
}

TEST_F(ShardTest, Option_KeepPolicy_StaysPastDeadlineUntilReleased) {
  const Reply r = book(kPerfKeep, 1, 3, now_ + kDay);
  advance_to(kT0 + 30 * kDay);
  EXPECT_EQ(state(r.order), OrderState::kOption);
  EXPECT_EQ(available(kPerfKeep, 1), kCat1Open - 3);
  EXPECT_TRUE(run(Release{r.order}).ok());
  EXPECT_EQ(available(kPerfKeep, 1), kCat1Open);
}

TEST_F(ShardTest, ChannelPolicy_OverridesTheProductPolicy) {
  ASSERT_TRUE(
      run(SetChannelExpiryPolicy{workload::kProductRelease, kBoxOffice, ExpiryPolicy::kOverdueThenArchive, kHour})
          .ok());
  const Reply box = book(kPerfRelease, 1, 1, now_ + kDay, BookingKind::kOption, kBoxOffice);
  const Reply web = book(kPerfRelease, 1, 1, now_ + kDay, BookingKind::kOption, kWeb);
  advance_to(kT0 + kDay);
  EXPECT_EQ(state(box.order), OrderState::kOverdue);
  EXPECT_EQ(state(web.order), OrderState::kArchived);
  advance_to(kT0 + kDay + kHour);
  EXPECT_EQ(state(box.order), OrderState::kArchived);
}

TEST_F(ShardTest, Lock_BlocksReleaseAndExpiryUntilUnlocked) {
  const Reply r = book(kPerfRelease, 1, 3, now_ + kDay);
  ASSERT_TRUE(run(SetLock{r.order, true}).ok());
  EXPECT_EQ(run(Release{r.order}).code, ReplyCode::kLocked);
  EXPECT_EQ(run(Archive{r.order}).code, ReplyCode::kLocked);
  advance_to(kT0 + 10 * kDay);
  EXPECT_EQ(state(r.order), OrderState::kOption);
  ASSERT_TRUE(run(SetLock{r.order, false}).ok());  // deadline long past: expires on the next tick
  advance_to(now_ + 1);
  EXPECT_EQ(state(r.order), OrderState::kArchived);
  EXPECT_EQ(available(kPerfRelease, 1), kCat1Open);
}

TEST_F(ShardTest, LockAndMark_OnlyApplyToOptionsAndReservations) {
  const Reply h = hold(kPerfRelease, 1, 1);
  EXPECT_EQ(run(SetLock{h.order, true}).code, ReplyCode::kInvalidState);
  EXPECT_EQ(run(SetReleaseMark{h.order, ReleaseMark::kKeep}).code, ReplyCode::kInvalidState);
  const Reply o = book(kPerfRelease, 1, 1, now_ + kDay);
  EXPECT_TRUE(run(SetReleaseMark{o.order, ReleaseMark::kKeep}).ok());
  EXPECT_EQ(shard_.find_order(o.order)->mark, ReleaseMark::kKeep);
}

TEST_F(ShardTest, Cancel_OnlyFromConfirmedAndReturnsStock) {
  const Reply r = hold(kPerfRelease, 2, 4);
  EXPECT_EQ(run(Cancel{r.order}).code, ReplyCode::kInvalidState);
  ASSERT_TRUE(run(Confirm{r.order, {}}).ok());
  EXPECT_EQ(run(Release{r.order}).code, ReplyCode::kInvalidState);
  EXPECT_TRUE(run(Cancel{r.order}).ok());
  EXPECT_EQ(state(r.order), OrderState::kCancelled);
  EXPECT_EQ(available(kPerfRelease, 2), 300);
  EXPECT_EQ(run(Cancel{r.order}).code, ReplyCode::kInvalidState);
}

TEST_F(ShardTest, Contingent_IsReservedForItsChannels) {
  const ContingentId k = workload::demo_partner_contingent(kPerfRelease);
  EXPECT_EQ(available(kPerfRelease, 1, kPartner, k), 50);
  LineRequest line = workload::demo_line(kPerfRelease, 1, 1, 50);
  line.contingent = k;
  ASSERT_TRUE(run(Hold{7, kPartner, {line}, kMinute}).ok());
  EXPECT_EQ(available(kPerfRelease, 1, kPartner, k), 0);
  EXPECT_EQ(available(kPerfRelease, 1, kWeb), kCat1Open);  // the open sale is untouched
  ASSERT_TRUE(hold(kPerfRelease, 1, kCat1Open).ok());      // and the open sale cannot eat the allotment
  EXPECT_EQ(hold(kPerfRelease, 1, 1).code, ReplyCode::kSoldOut);
}

TEST_F(ShardTest, Contingent_AllotmentComesFromTheOpenSale) {
  EXPECT_EQ(run(DefineContingent{77, kPerfRelease, 2, 301, {}}).code, ReplyCode::kSoldOut);
  ASSERT_TRUE(run(DefineContingent{77, kPerfRelease, 2, 100, {}}).ok());
  EXPECT_EQ(available(kPerfRelease, 2), 200);
  EXPECT_EQ(available(kPerfRelease, 2, kBoxOffice, 77), 100);
  EXPECT_EQ(run(DefineContingent{77, kPerfRelease, 2, 1, {}}).code, ReplyCode::kDuplicate);
}

TEST_F(ShardTest, ChannelCap_LimitsOneChannelOnly) {
  ASSERT_TRUE(hold(kPerfRelease, 2, 10).ok());
  EXPECT_EQ(run(SetChannelCap{kPerfRelease, kWeb, 5}).code, ReplyCode::kInvalidState);
  ASSERT_TRUE(run(SetChannelCap{kPerfRelease, kWeb, 15}).ok());
  EXPECT_EQ(available(kPerfRelease, 2, kWeb), 5);
  EXPECT_EQ(hold(kPerfRelease, 1, 6).code, ReplyCode::kSoldOut);
  EXPECT_TRUE(hold(kPerfRelease, 1, 5).ok());
  EXPECT_TRUE(book(kPerfRelease, 1, 100, now_ + kDay, BookingKind::kOption, kBoxOffice).ok());
}

TEST_F(ShardTest, PerformanceCapacity_CapsAcrossCategories) {
  ASSERT_TRUE(run(DefinePerformance{1500, 1, kT0 + 9 * kDay, 10, 0}).ok());
  ASSERT_TRUE(run(SetGeneralAdmission{1500, 1, 8}).ok());
  ASSERT_TRUE(run(SetGeneralAdmission{1500, 2, 8}).ok());
  ASSERT_TRUE(hold(1500, 1, 7).ok());
  EXPECT_EQ(available(1500, 2), 3);
  EXPECT_EQ(hold(1500, 2, 4).code, ReplyCode::kSoldOut);
  EXPECT_EQ(run(SetGeneralAdmission{1500, 1, 6}).code, ReplyCode::kInvalidState);  // below what is held
}

TEST(ShardContactLimit, LimitsUnitsPerContactAcrossOrders) {
  Shard shard(0, 1, kT0);
  for (const Command& c : workload::demo_catalog()) ASSERT_TRUE(shard.apply(c, kT0).ok());
  workload::DemoVenue venue;
  venue.performances = 1;
  venue.contact_limit = 4;
  for (const Command& c : workload::demo_performances(venue, 1)) ASSERT_TRUE(shard.apply(c, kT0).ok());
  auto hold = [&](ContactId contact, uint32_t n) {
    return shard.apply(Command{0, Hold{contact, kWeb, {workload::demo_line(1000, 1, 1, n)}, kMinute}}, kT0);
  };
  EXPECT_TRUE(hold(5, 3).ok());
  EXPECT_EQ(hold(5, 2).code, ReplyCode::kLimitExceeded);
  EXPECT_TRUE(hold(5, 1).ok());
  EXPECT_TRUE(hold(6, 4).ok());
  EXPECT_EQ(hold(kNone, 1).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(shard.apply(Command{0, GetAvailability{1000, 1, kNone, kWeb, 5}}, kT0).value, 0);
  EXPECT_TRUE(shard.check_invariants().is_ok()) << shard.check_invariants().to_string();
  shard.advance(kT0 + kMinute, 100);  // the carts expire and the contact may buy again
  EXPECT_TRUE(hold(5, 4).ok());
  EXPECT_TRUE(shard.check_invariants().is_ok());
}

TEST_F(ShardTest, Tariff_UsesTheChannelPriceWhereSet) {
  const Reply web = hold(kPerfRelease, 1, 1, kMinute, kWeb);
  const Reply box = hold(kPerfRelease, 1, 1, kMinute, kBoxOffice);
  EXPECT_EQ(shard_.find_order(web.order)->lines[0].unit_price_cents, 6200u);
  EXPECT_EQ(shard_.find_order(box.order)->lines[0].unit_price_cents, 6000u);
}

TEST_F(ShardTest, Idempotency_ARetryReturnsTheFirstReplyAndChangesNothing) {
  const Hold h{7, kWeb, {workload::demo_line(kPerfRelease, 1, 1, 2)}, kMinute};
  const Reply first = run(h, 42);
  ASSERT_TRUE(first.ok());
  const uint64_t after_first = shard_.state_hash();
  const Reply again = run(h, 42);
  EXPECT_EQ(again.order, first.order);
  EXPECT_EQ(again.code, ReplyCode::kOk);
  EXPECT_EQ(shard_.state_hash(), after_first);
  EXPECT_EQ(available(kPerfRelease, 1), kCat1Open - 2);
  const Reply reused = run(Hold{7, kWeb, {workload::demo_line(kPerfRelease, 1, 1, 3)}, kMinute}, 42);
  EXPECT_EQ(reused.code, ReplyCode::kDuplicate);
  EXPECT_EQ(shard_.state_hash(), after_first);
}

TEST_F(ShardTest, OrderIds_CarryTheShardAndGoStaleWhenTheSlotIsReused) {
  const Reply a = hold(kPerfRelease, 1, 1);
  EXPECT_EQ(order_shard(a.order), 0u);
  ASSERT_TRUE(run(Release{a.order}).ok());
  EXPECT_EQ(state(a.order), OrderState::kReleased);  // a closed order stays readable
  const Reply b = hold(kPerfRelease, 1, 1);          // reuses the only free slot
  EXPECT_NE(a.order, b.order);
  EXPECT_EQ(order_slot(a.order), order_slot(b.order));
  EXPECT_EQ(run(Release{a.order}).code, ReplyCode::kNotFound);
  EXPECT_EQ(state(b.order), OrderState::kHeld);
}

TEST(ShardRouting, RefusesCommandsOfAnotherShard) {
  Shard shard(1, 2, kT0);
  for (const Command& c : workload::demo_catalog()) ASSERT_TRUE(shard.apply(c, kT0).ok());
  uint32_t foreign = 1;
  while (shard_of_performance(foreign, 2) == 1) ++foreign;
  const Reply r = shard.apply(Command{0, DefinePerformance{foreign, 1, kT0, 0, 0}}, kT0);
  EXPECT_EQ(r.code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(shard.apply(Command{0, Release{make_order_id(0, 1, 0)}}, kT0).code, ReplyCode::kInvalidArgument);
}

TEST(ShardHash, SameCommandsGiveTheSameHash_DifferentOnesDoNot) {
  auto build = [](uint32_t extra) {
    Shard shard(0, 1, kT0);
    for (const Command& c : workload::demo_catalog()) EXPECT_TRUE(shard.apply(c, kT0).ok());
    for (const Command& c : workload::demo_performances({}, 1)) EXPECT_TRUE(shard.apply(c, kT0).ok());
    for (uint32_t i = 0; i < 50 + extra; ++i)
      EXPECT_TRUE(
          shard.apply(Command{0, Hold{i, kWeb, {workload::demo_line(1000, 1, 1 + i % 3, 1)}, kMinute}}, kT0 + i).ok());
    shard.advance(kT0 + kMinute + 10, 1000);
    return shard.state_hash();
  };
  EXPECT_EQ(build(0), build(0));
  EXPECT_NE(build(0), build(1));
}

TEST(ShardConfig, ReservingOrdersDoesNotChangeIdsOrHashes) {
  auto run = [](uint32_t reserved) {
    Shard shard(0, 1, kT0, ShardConfig{reserved});
    for (const Command& c : workload::demo_catalog()) EXPECT_TRUE(shard.apply(c, kT0).ok());
    for (const Command& c : workload::demo_performances({}, 1)) EXPECT_TRUE(shard.apply(c, kT0).ok());
    std::vector<OrderId> ids;
    for (uint32_t i = 0; i < 20; ++i) {
      const Reply r = shard.apply(Command{0, Hold{i, kWeb, {workload::demo_line(1000, 1, 1, 1)}, kMinute}}, kT0);
      ids.push_back(r.order);
      if (i % 3 == 0) {
        EXPECT_TRUE(shard.apply(Command{0, Release{r.order}}, kT0).ok());
      }
    }
    EXPECT_EQ(shard.apply(Command{0, GetOrder{make_order_id(0, 0, 19)}}, kT0).code, ReplyCode::kNotFound);
    return std::make_pair(ids, shard.state_hash());
  };
  EXPECT_EQ(run(0), run(1000));
}

TEST_F(ShardTest, Advance_ManySimultaneousExpiriesInBoundedSlices) {
  constexpr uint32_t kHolds = 20'000;
  ASSERT_TRUE(run(DefinePerformance{6000, 1, kT0 + kDay, 0, 0}).ok());
  ASSERT_TRUE(run(SetGeneralAdmission{6000, 1, kHolds}).ok());
  for (uint32_t i = 0; i < kHolds; ++i)
    ASSERT_TRUE(shard_.apply(Command{0, Hold{i, kWeb, {workload::demo_line(6000, 1, 1, 1)}, kMinute}}, now_).ok());
  EXPECT_EQ(available(6000, 1), 0);
  uint32_t slices = 0;
  uint32_t fired = 0;
  for (uint32_t n; (n = shard_.advance(kT0 + kMinute, 4096)) > 0; ++slices) {
    fired += n;
    EXPECT_LE(n, 4096u);
  }
  EXPECT_EQ(fired, kHolds);
  EXPECT_EQ(slices, (kHolds + 4095) / 4096);
  EXPECT_EQ(available(6000, 1), kHolds);
  EXPECT_TRUE(shard_.check_invariants().is_ok());
}

}  // namespace
}  // namespace tessera::engine

namespace tessera::engine {
namespace {

TEST(ShardRequestKeys, ReservedKeyIsRefusedAndChangesNothing) {
  Shard shard(0, 1, 1'790'000'000'000);
  const uint64_t before = shard.state_hash();
  const Reply r = shard.apply(Command{kRequestKeyReserved, DefineSeason{1, "S"}}, 1'790'000'000'000);
  EXPECT_EQ(r.code, ReplyCode::kInvalidArgument);
  EXPECT_NE(r.message.find("reserved"), std::string::npos) << r.message;
  EXPECT_EQ(shard.state_hash(), before);
  EXPECT_TRUE(shard.apply(Command{kRequestKeyReserved - 1, DefineSeason{1, "S"}}, 1'790'000'000'000).ok());
}

}  // namespace
}  // namespace tessera::engine
