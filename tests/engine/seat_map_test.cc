// Seated inventory in a shard: seat maps, named and best-available holds,
// seats returning to their exact state, quotas on seats, bulk blocking and
// moving, nested contingents with planned quotas and release-back,
// snapshots, and a randomised run against a reference model of seats.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "engine/codec.h"
#include "engine/shard.h"
#include "tests/engine/engine_clock.h"
#include "tests/engine/seeded.h"
#include "workload/demo_venue.h"

namespace tessera::engine {
namespace {

using workload::kBoxOffice;
using workload::kPartner;
using workload::kWeb;

constexpr PerformanceId kSeatMapPerf = 1500;  // product 1
constexpr LayoutId kSeatMapHall = 1;
// Grid 10 rows x 20 seats: rows 1-4 category 1 (seats 0-79), rows 5-7 category 2
// (80-139), rows 8-10 category 3 (140-199); seats 180, 181 wheelchair, 182, 183 companion.
constexpr uint32_t kCat1Seats = 80;

class SeatTest : public testing::Test {
 protected:
  SeatTest() {
    for (const Command& c : workload::demo_catalog()) must(c.body);
    workload::GridLayout g;
    g.accessible = true;
    must(workload::grid_layout(g));
    must(DefinePerformance{kSeatMapPerf, 1, kT0 + 30LL * 24 * kHour, 0, 0});
    must(AssignLayout{kSeatMapPerf, kSeatMapHall});
  }

  void must(CommandBody body) {
    const Reply r = shard_.apply(Command{0, std::move(body)}, now_);
    ASSERT_TRUE(r.ok()) << r.message;
    ASSERT_TRUE(shard_.check_invariants().is_ok()) << shard_.check_invariants().to_string();
  }
  Reply run(CommandBody body) {
    Reply r = shard_.apply(Command{0, std::move(body)}, now_);
    const Status s = shard_.check_invariants();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    return r;
  }
  static SeatRequest named(std::vector<uint32_t> seats, ContingentId k = kNone, uint8_t options = 0) {
    return SeatRequest{kSeatMapPerf, kNone, workload::demo_tariff(1, 1), k, 0, std::move(seats), options};
  }
  static SeatRequest best(CategoryId category, uint32_t n, uint8_t options = 0, ContingentId k = kNone) {
    return SeatRequest{kSeatMapPerf, category, workload::demo_tariff(1, 1), k, n, {}, options};
  }
  Reply hold(SeatRequest q, ChannelId channel = kWeb, int64_t ttl = 10 * kMinute) {
    return run(HoldSeats{7, channel, std::move(q), ttl});
  }
  int64_t available(CategoryId c, ContingentId k = kNone, ChannelId ch = kWeb) {
    const Reply r = shard_.apply(Command{0, GetAvailability{kSeatMapPerf, c, k, ch, kNone}}, now_);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.value;
  }
  uint16_t seat(uint32_t s) const { return shard_.seat_map(kSeatMapPerf)->seats[s]; }
  void advance_to(int64_t t) {
    now_ = t;
    while (shard_.advance(now_, 1000) == 1000) {
    }
    ASSERT_TRUE(shard_.check_invariants().is_ok()) << shard_.check_invariants().to_string();
  }

  Shard shard_{0, 1, kT0};
  int64_t now_ = kT0;
};

TEST_F(SeatTest, AssignLayout_EachCategoryIsStockOfItsSeats) {
  EXPECT_EQ(available(1), kCat1Seats);
  EXPECT_EQ(available(2), 60);
  EXPECT_EQ(available(3), 60);
  EXPECT_EQ(run(AssignLayout{kSeatMapPerf, kSeatMapHall}).code, ReplyCode::kInvalidState);
  EXPECT_EQ(run(workload::grid_layout({})).code, ReplyCode::kDuplicate);
  EXPECT_EQ(run(SetGeneralAdmission{kSeatMapPerf, 1, 10}).code, ReplyCode::kInvalidArgument);
  const Reply ga = run(Hold{7, kWeb, {workload::demo_line(kSeatMapPerf, 1, 1, 1)}, kMinute});
  EXPECT_EQ(ga.code, ReplyCode::kInvalidArgument);
  EXPECT_NE(ga.message.find("seated"), std::string::npos) << ga.message;
}

TEST_F(SeatTest, Layout_BlockedByDefaultSeatsAreNotForSale) {
  DefineVenueLayout def = workload::grid_layout({});
  def.layout = 2;
  def.sections[0].rows[0].seats[0].flags = kSeatBlockedByDefault;
  must(def);
  must(DefinePerformance{kSeatMapPerf.value() + 1, 1, kT0 + kHour, 0, 0});
  must(AssignLayout{kSeatMapPerf.value() + 1, 2});
  EXPECT_EQ(shard_.seat_map(kSeatMapPerf.value() + 1)->seats[0], kSeatBlocked);
  const Reply r = shard_.apply(Command{0, GetAvailability{kSeatMapPerf.value() + 1, 1, kNone, kWeb, kNone}}, now_);
  EXPECT_EQ(r.value, kCat1Seats - 1);
}

TEST_F(SeatTest, Layout_BadDefinitionsAreRefused) {
  DefineVenueLayout def = workload::grid_layout({});
  def.layout = 3;
  DefineVenueLayout bad_slot = def;
  bad_slot.sections[0].rows[2].seats[4].category_slot = 9;
  EXPECT_EQ(run(bad_slot).code, ReplyCode::kInvalidArgument);
  DefineVenueLayout empty_row = def;
  empty_row.sections[0].rows[1].seats.clear();
  EXPECT_EQ(run(empty_row).code, ReplyCode::kInvalidArgument);
  DefineVenueLayout unknown_category = def;
  unknown_category.categories[0] = 99;
  EXPECT_EQ(run(unknown_category).code, ReplyCode::kNotFound);
  EXPECT_EQ(shard_.layout(3), nullptr);
}

TEST_F(SeatTest, HoldSeats_NamedSeatsAreAllOrNothing) {
  const Reply a = hold(named({11, 10}));
  ASSERT_TRUE(a.ok()) << a.message;
  EXPECT_EQ(a.value, 10);
  EXPECT_EQ(seat(10), kSeatTaken);
  EXPECT_EQ(available(1), kCat1Seats - 2);
  const uint64_t before = shard_.state_hash();
  const Reply b = hold(named({12, 11}));
  EXPECT_EQ(b.code, ReplyCode::kSoldOut);
  EXPECT_NE(b.message.find("seat 11 (Section 1 row 1 no 12) taken"), std::string::npos) << b.message;
  EXPECT_EQ(shard_.state_hash(), before);
  EXPECT_EQ(seat(12), kSeatFree);
  EXPECT_EQ(hold(named({12, 12})).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(hold(named({5000})).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(shard_.state_hash(), before);
}

TEST_F(SeatTest, HoldSeats_NamedSeatsAcrossRowsAndCategoriesBecomeOneLinePerRun) {
  const Reply r = hold(named({19, 20, 21, 79, 80}));
  ASSERT_TRUE(r.ok()) << r.message;
  const Order* o = shard_.find_order(r.order);
  ASSERT_EQ(o->lines.size(), 4u);  // 19 | 20-21 | 79 (cat 1) | 80 (cat 2)
  EXPECT_EQ(o->lines[1].seat, 20u);
  EXPECT_EQ(o->lines[1].quantity, 2u);
  EXPECT_EQ(o->lines[3].category, 2u);
  EXPECT_EQ(o->lines[3].unit_price_cents, 4500u + 200u);  // category 2 web price
}

TEST_F(SeatTest, HoldSeats_BestAvailableTakesTheCentreOfTheBestRow) {
  const Reply r = hold(best(1, 2));
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.value, 9);  // seats 9-10: the centre of row 1
  const Reply s = hold(best(1, 3));
  ASSERT_TRUE(s.ok()) << s.message;
  const Order* o = shard_.find_order(s.order);
  ASSERT_EQ(o->lines.size(), 1u);
  EXPECT_LT(o->lines[0].seat, 20u);  // still row 1, next to the first pair without stranding a seat
  EXPECT_TRUE(o->lines[0].seat == 11 || o->lines[0].seat + 3 == 9);
  EXPECT_EQ(hold(best(1, 2, kSeatOptionAccessible)).code, ReplyCode::kSoldOut);  // no accessible seats in cat 1
  EXPECT_EQ(hold(best(kNone, 2)).code, ReplyCode::kInvalidArgument);
}

TEST_F(SeatTest, AccessibleSeats_OnlyWhenAskedFor) {
  EXPECT_EQ(hold(named({180})).code, ReplyCode::kInvalidArgument);
  const Reply r = hold(best(3, 2, kSeatOptionAccessible));
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.value, 181);  // wheelchair 181 + companion 182
  EXPECT_TRUE(hold(named({180}, kNone, kSeatOptionAccessible)).ok());
}

TEST_F(SeatTest, BestAvailable_SaysSeatsAreTakenWhenTheyAre) {
  DefineVenueLayout def = workload::grid_layout(workload::GridLayout{2, 1, 1, 4, {1}, false});  // seats 0-3
  def.sections[0].rows[0].seats[3].flags = kSeatRestrictedView;
  must(def);
  must(DefinePerformance{kSeatMapPerf.value() + 1, 1, kT0 + 30LL * 24 * kHour, 0, 0});
  must(AssignLayout{kSeatMapPerf.value() + 1, 2});
  const TariffId tariff = workload::demo_tariff(1, 1);
  ASSERT_TRUE(hold(SeatRequest{kSeatMapPerf.value() + 1, kNone, tariff, kNone, 0, {1}, 0}).ok());  // 0 _1_ 2 3(rv)
  // Two adjacent: only 2-3 would do, and 3 has a restricted view: said so.
  const Reply rv = hold(SeatRequest{kSeatMapPerf.value() + 1, 1, tariff, kNone, 2, {}, 0});
  EXPECT_EQ(rv.code, ReplyCode::kSoldOut);
  EXPECT_NE(rv.message.find("allow restricted view"), std::string::npos) << rv.message;
  // Three adjacent: none at all, whatever the view; restricted view is not the reason.
  const Reply taken = hold(SeatRequest{kSeatMapPerf.value() + 1, 1, tariff, kNone, 3, {}, 0});
  EXPECT_EQ(taken.code, ReplyCode::kSoldOut);
  EXPECT_NE(taken.message.find("no 3 adjacent free seats"), std::string::npos) << taken.message;
  EXPECT_EQ(taken.message.find("restricted"), std::string::npos) << taken.message;
}

TEST_F(SeatTest, RestrictedViewSeats_BestAvailableOnlyWithTheOptionNamedSeatsAlways) {
  DefineVenueLayout def = workload::grid_layout(workload::GridLayout{2, 1, 1, 4, {1}, false});  // seats 0-3
  for (LayoutSeat& s : def.sections[0].rows[0].seats) s.flags = kSeatRestrictedView;
  def.sections[0].rows[0].seats[0].flags = 0;  // one clear-view seat
  must(def);
  must(DefinePerformance{kSeatMapPerf.value() + 1, 1, kT0 + 30LL * 24 * kHour, 0, 0});
  must(AssignLayout{kSeatMapPerf.value() + 1, 2});
  auto best_of = [](uint32_t n, uint8_t options) {
    return SeatRequest{kSeatMapPerf.value() + 1, 1, workload::demo_tariff(1, 1), kNone, n, {}, options};
  };
  const Reply refused = hold(best_of(2, 0));
  EXPECT_EQ(refused.code, ReplyCode::kSoldOut);
  EXPECT_NE(refused.message.find("without restricted view"), std::string::npos) << refused.message;
  EXPECT_EQ(hold(best_of(2, kSeatOptionAllowSplit)).code, ReplyCode::kSoldOut);
  const Reply clear = hold(best_of(1, 0));
  ASSERT_TRUE(clear.ok()) << clear.message;
  EXPECT_EQ(clear.value, 0);  // the only clear-view seat, though restricted seats 1 and 2 rank better
  const Reply allowed = hold(best_of(2, kSeatOptionAllowRestrictedView));
  ASSERT_TRUE(allowed.ok()) << allowed.message;
  EXPECT_EQ(allowed.value, 1);  // 1-2, restricted view accepted
  const Reply named_seat =
      hold(SeatRequest{kSeatMapPerf.value() + 1, kNone, workload::demo_tariff(1, 1), kNone, 0, {3}, 0});
  EXPECT_TRUE(named_seat.ok()) << named_seat.message;                // chosen on the map: the map shows the view
  EXPECT_EQ(hold(best_of(1, 8)).code, ReplyCode::kInvalidArgument);  // unknown option bit
}

// ---- Orders mixing seats and general admission -------------------------------

class MixedOrderTest : public SeatTest {
 protected:
  static constexpr CategoryId kStanding = 4;
  MixedOrderTest() {
    must(DefineCategory{kStanding, "Standing"});
    must(SetTariffPrice{workload::demo_tariff(1, 1), kStanding, kNone, 2000});
    must(SetGeneralAdmission{kSeatMapPerf, kStanding, 10});
  }
  static std::vector<LineRequest> standing(uint32_t n) {
    return {LineRequest{kSeatMapPerf, kStanding, workload::demo_tariff(1, 1), n, kNone}};
  }
  Reply hold_mixed(SeatRequest q, std::vector<LineRequest> lines, ContactId contact = 7) {
    return run(HoldSeatsWithLines{contact, kWeb, std::move(q), std::move(lines), 10 * kMinute});
  }
};

TEST_F(MixedOrderTest, HoldsSeatsAndUnitsInOneOrder_ReleaseReturnsBoth) {
  const Reply r = hold_mixed(named({0, 1}), standing(3));
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.value, 0);
  EXPECT_TRUE(r.message.empty()) << r.message;  // one seat run: nothing to list
  const Order* o = shard_.find_order(r.order);
  ASSERT_EQ(o->lines.size(), 2u);
  EXPECT_EQ(o->lines[0].seat, 0u);
  EXPECT_EQ(o->lines[1].seat, kNoSeat);
  EXPECT_EQ(seat_state(seat(0)), kSeatTaken);
  EXPECT_EQ(available(kStanding), 7);
  ASSERT_TRUE(run(Release{r.order}).ok());
  EXPECT_EQ(seat(0), kSeatFree);
  EXPECT_EQ(seat(1), kSeatFree);
  EXPECT_EQ(available(kStanding), 10);
}

TEST_F(MixedOrderTest, ExpiryReturnsSeatsAndUnits) {
  const Reply r = hold_mixed(best(1, 2), standing(4));
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(available(kStanding), 6);
  advance_to(now_ + 11 * kMinute);
  EXPECT_EQ(seat(r.value), kSeatFree);
  EXPECT_EQ(available(kStanding), 10);
  EXPECT_EQ(available(1), static_cast<int64_t>(kCat1Seats));
}

TEST_F(MixedOrderTest, AllOrNothing_RefusalsLeaveTheStateHashUnchanged) {
  ASSERT_TRUE(hold_mixed(named({5}), standing(8)).ok());
  const uint64_t before = shard_.state_hash();
  const Reply units_sold_out = hold_mixed(named({0, 1}), standing(3));  // seats free, only 2 units left
  EXPECT_EQ(units_sold_out.code, ReplyCode::kSoldOut) << units_sold_out.message;
  EXPECT_EQ(seat(0), kSeatFree);
  EXPECT_EQ(shard_.state_hash(), before);
  EXPECT_EQ(hold_mixed(named({5}), standing(1)).code, ReplyCode::kSoldOut);  // seat taken, units free
  EXPECT_EQ(hold_mixed(named({0}), {}).code, ReplyCode::kInvalidArgument);   // no GA line: use HoldSeats
  EXPECT_EQ(hold_mixed(named({0}), {LineRequest{kSeatMapPerf, 1, workload::demo_tariff(1, 1), 1, kNone}}).code,
            ReplyCode::kInvalidArgument);  // a seated category is not a GA line
  EXPECT_EQ(shard_.state_hash(), before);
  EXPECT_EQ(available(kStanding), 2);
}

TEST_F(MixedOrderTest, QuotasSpanSeatsAndUnits_ContactLimitAndConfirm) {
  must(DefinePerformance{kSeatMapPerf.value() + 1, 1, kT0 + 30LL * 24 * kHour, 0, 4});  // 4 units per contact
  must(AssignLayout{kSeatMapPerf.value() + 1, kSeatMapHall});
  must(SetGeneralAdmission{kSeatMapPerf.value() + 1, kStanding, 10});
  const SeatRequest seats{kSeatMapPerf.value() + 1, 1, workload::demo_tariff(1, 1), kNone, 2, {}, 0};
  const std::vector<LineRequest> three{
      LineRequest{kSeatMapPerf.value() + 1, kStanding, workload::demo_tariff(1, 1), 3, kNone}};
  EXPECT_EQ(hold_mixed(seats, three).code, ReplyCode::kLimitExceeded);  // 2 seats + 3 units > 4
  const Reply r =
      run(BookSeatsWithLines{BookingKind::kOption,
                             7,
                             kBoxOffice,
                             seats,
                             {LineRequest{kSeatMapPerf.value() + 1, kStanding, workload::demo_tariff(1, 1), 2, kNone}},
                             now_ + kHour});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(shard_.find_order(r.order)->state, OrderState::kOption);
  ASSERT_TRUE(run(Confirm{r.order, {}}).ok());
  auto units_left = [&](ContactId contact) {
    return shard_
        .apply(Command{0, GetAvailability{kSeatMapPerf.value() + 1, kStanding, kNone, kBoxOffice, contact}}, now_)
        .value;
  };
  EXPECT_EQ(units_left(kNone), 8);
  EXPECT_EQ(units_left(7), 0);  // contact 7 has its 4: 2 seats + 2 standing
}

TEST_F(SeatTest, SplitAcrossRows_OnlyWithTheFlag) {
  std::vector<uint32_t> every_other;
  for (uint32_t s = 0; s < kCat1Seats; s += 2) every_other.push_back(s);
  ASSERT_TRUE(run(BlockSeats{kSeatMapPerf, every_other}).ok());
  EXPECT_EQ(hold(best(1, 2)).code, ReplyCode::kSoldOut);
  const Reply r = hold(best(1, 3, kSeatOptionAllowSplit));
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(shard_.find_order(r.order)->lines.size(), 3u);
  EXPECT_FALSE(r.message.empty());  // a split lists its runs
}

TEST_F(SeatTest, SeatsReturnToTheirExactStateOnReleaseExpiryCancelAndArchive) {
  must(DefineContingent{15001, kSeatMapPerf, 1, 10, {kPartner}});
  must(MoveSeatsToContingent{kSeatMapPerf, 15001, {0, 1, 2, 3}});
  EXPECT_EQ(available(1, 15001, kPartner), 4);
  // Release.
  Reply r = hold(named({0, 1}, 15001), kPartner);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(seat(0), kSeatTaken | 1);
  ASSERT_TRUE(run(Release{r.order}).ok());
  EXPECT_EQ(seat(0), 1);  // free, back in the contingent
  EXPECT_EQ(available(1, 15001, kPartner), 4);
  // Expiry.
  r = hold(best(1, 2, 0, 15001), kPartner, 1000);
  ASSERT_TRUE(r.ok()) << r.message;
  advance_to(now_ + 1000);
  EXPECT_EQ(shard_.find_order(r.order)->state, OrderState::kExpired);
  EXPECT_EQ(available(1, 15001, kPartner), 4);
  // Confirm then cancel.
  r = hold(named({40, 41}));
  ASSERT_TRUE(run(Confirm{r.order, {}}).ok());
  ASSERT_TRUE(run(Cancel{r.order}).ok());
  EXPECT_EQ(seat(40), kSeatFree);
  // Option archived.
  r = run(BookSeats{BookingKind::kOption, 7, kBoxOffice, named({42}), now_ + kHour});
  ASSERT_TRUE(r.ok()) << r.message;
  ASSERT_TRUE(run(Archive{r.order}).ok());
  EXPECT_EQ(seat(42), kSeatFree);
  EXPECT_EQ(available(1), kCat1Seats - 4);
}

TEST_F(SeatTest, Confirm_PartialKeepsTheFirstSeatsOfARun) {
  const Reply r = hold(named({30, 31, 32}));
  ASSERT_TRUE(run(Confirm{r.order, {1}}).ok());
  EXPECT_EQ(seat(30), kSeatTaken);
  EXPECT_EQ(seat(31), kSeatFree);
  EXPECT_EQ(seat(32), kSeatFree);
}

TEST_F(SeatTest, Quotas_ChannelCapAndPerformanceCapacityCountSeats) {
  must(SetChannelCap{kSeatMapPerf, kWeb, 3});
  ASSERT_TRUE(hold(best(1, 2)).ok());
  const uint64_t before = shard_.state_hash();
  EXPECT_EQ(hold(best(2, 2)).code, ReplyCode::kSoldOut);
  EXPECT_EQ(hold(named({60, 61})).code, ReplyCode::kSoldOut);
  EXPECT_EQ(shard_.state_hash(), before);
  EXPECT_TRUE(hold(best(2, 2), kBoxOffice).ok());
  // Capacity and per-contact limit on a second performance.
  must(DefinePerformance{kSeatMapPerf.value() + 1, 1, kT0 + kHour, 5, 3});
  must(AssignLayout{kSeatMapPerf.value() + 1, kSeatMapHall});
  SeatRequest q = best(1, 3);
  q.performance = kSeatMapPerf.value() + 1;
  EXPECT_TRUE(run(HoldSeats{8, kBoxOffice, q, kMinute}).ok());
  q.quantity = 1;
  EXPECT_EQ(run(HoldSeats{8, kBoxOffice, q, kMinute}).code, ReplyCode::kLimitExceeded);  // contact 8: 3 max
  q.quantity = 2;
  EXPECT_TRUE(run(HoldSeats{9, kBoxOffice, q, kMinute}).ok());
  q.quantity = 1;
  EXPECT_EQ(run(HoldSeats{10, kBoxOffice, q, kMinute}).code, ReplyCode::kSoldOut);  // capacity 5
}

TEST_F(SeatTest, BlockSeats_BulkRefusedNamingTakenSeatsThenBlocksAndUnblocks) {
  const Reply h = hold(named({5, 6}));
  std::vector<uint32_t> all;
  for (uint32_t s = 0; s < 200; ++s) all.push_back(s);
  const uint64_t before = shard_.state_hash();
  const Reply refused = run(BlockSeats{kSeatMapPerf, all});
  EXPECT_EQ(refused.code, ReplyCode::kInvalidState);
  EXPECT_NE(refused.message.find("2 seats are taken"), std::string::npos) << refused.message;
  EXPECT_NE(refused.message.find("seat 5 (Section 1 row 1 no 6)"), std::string::npos) << refused.message;
  EXPECT_EQ(shard_.state_hash(), before);
  ASSERT_TRUE(run(Release{h.order}).ok());
  const Reply blocked = run(BlockSeats{kSeatMapPerf, all});
  ASSERT_TRUE(blocked.ok()) << blocked.message;
  EXPECT_EQ(blocked.value, 200);
  EXPECT_EQ(available(1), 0);
  EXPECT_EQ(hold(best(1, 1)).code, ReplyCode::kSoldOut);
  EXPECT_EQ(run(BlockSeats{kSeatMapPerf, {3}}).value, 0);  // already blocked: nothing to do
  const Reply unblocked = run(UnblockSeats{kSeatMapPerf, {9, 10}});
  EXPECT_EQ(unblocked.value, 2);
  EXPECT_EQ(hold(best(1, 2)).value, 9);
  EXPECT_EQ(run(BlockSeats{kSeatMapPerf, {}}).code, ReplyCode::kLimitExceeded);
}

TEST_F(SeatTest, MoveSeats_ToAndFromContingentsWithClearErrors) {
  must(DefineContingent{15001, kSeatMapPerf, 1, 5, {}});
  const Reply h = hold(named({7}));
  const uint64_t before = shard_.state_hash();
  EXPECT_EQ(run(MoveSeatsToContingent{kSeatMapPerf, 15001, {6, 7}}).code, ReplyCode::kInvalidState);
  EXPECT_EQ(run(MoveSeatsToContingent{kSeatMapPerf, 15001, {100}}).code, ReplyCode::kInvalidArgument);  // category 2
  EXPECT_EQ(run(MoveSeatsToContingent{kSeatMapPerf, 15001, {0, 1, 2, 3, 4, 5}}).code, ReplyCode::kLimitExceeded);
  EXPECT_EQ(run(MoveSeatsToContingent{kSeatMapPerf, 999, {0}}).code, ReplyCode::kNotFound);
  EXPECT_EQ(shard_.state_hash(), before);
  ASSERT_TRUE(run(BlockSeats{kSeatMapPerf, {4}}).ok());
  const Reply moved = run(MoveSeatsToContingent{kSeatMapPerf, 15001, {0, 1, 2, 3, 4}});
  ASSERT_TRUE(moved.ok()) << moved.message;
  EXPECT_EQ(seat(4), kSeatBlocked | 1);  // blocked seats move, still blocked
  EXPECT_EQ(available(1, 15001), 4);
  EXPECT_EQ(available(1), kCat1Seats - 5 - 1);
  ASSERT_TRUE(run(MoveSeatsToContingent{kSeatMapPerf, kNone, {0, 1}}).ok());
  EXPECT_EQ(available(1, 15001), 2);
  (void)h;
}

TEST_F(SeatTest, NestedContingents_PlannedQuotasAreHardLimits) {
  must(DefineContingent{100, kSeatMapPerf, 1, 10, {}});
  must(DefineSubContingent{101, kSeatMapPerf, 100, 6, {}});
  EXPECT_EQ(run(DefineSubContingent{102, kSeatMapPerf, 100, 11, {}}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(MoveSeatsToContingent{kSeatMapPerf, 101, {0, 1, 2, 3, 4, 5, 6}}).code, ReplyCode::kLimitExceeded);
  ASSERT_TRUE(run(MoveSeatsToContingent{kSeatMapPerf, 101, {0, 1, 2, 3, 4, 5}}).ok());
  EXPECT_EQ(run(MoveSeatsToContingent{kSeatMapPerf, 100, {20, 21, 22, 23, 24}}).code, ReplyCode::kLimitExceeded);
  ASSERT_TRUE(run(MoveSeatsToContingent{kSeatMapPerf, 100, {20, 21, 22, 23}}).ok());
  // Parent -> child keeps the parent's total: fine until the child's own limit.
  ASSERT_TRUE(run(MoveSeatsToContingent{kSeatMapPerf, 100, {5}}).ok());
  ASSERT_TRUE(run(MoveSeatsToContingent{kSeatMapPerf, 101, {20}}).ok());
  EXPECT_EQ(available(1, 101), 6);
  EXPECT_EQ(available(1, 100), 4);
}

TEST_F(SeatTest, ReleaseBack_UnsoldSeatsReturnToTheParentThenToOpenSale) {
  must(DefineContingent{100, kSeatMapPerf, 1, 10, {}});
  must(DefineSubContingent{101, kSeatMapPerf, 100, 4, {kPartner}});
  must(MoveSeatsToContingent{kSeatMapPerf, 101, {0, 1, 2, 3}});
  must(MoveSeatsToContingent{kSeatMapPerf, 100, {20, 21}});
  must(SetContingentReleaseBack{kSeatMapPerf, 101, now_ + kHour});
  must(SetContingentReleaseBack{kSeatMapPerf, 100, now_ + 2 * kHour});
  EXPECT_EQ(run(SetContingentReleaseBack{kSeatMapPerf, 101, now_ - 1}).code, ReplyCode::kInvalidArgument);
  const Reply sold = run(BookSeats{BookingKind::kOption, 7, kPartner, named({0}, 101), now_ + 3 * kHour});
  ASSERT_TRUE(sold.ok()) << sold.message;
  advance_to(now_ + kHour - 1);
  EXPECT_EQ(available(1, 101, kPartner), 3);
  advance_to(now_ + 1);  // 101 releases back: 3 unsold seats to 100
  EXPECT_EQ(available(1, 100), 5);
  EXPECT_EQ(seat(1), 1);  // slot 1 = contingent 100
  EXPECT_EQ(seat(0), kSeatTaken | 2);
  EXPECT_EQ(hold(named({1}, 101), kPartner).code, ReplyCode::kInvalidState);
  advance_to(now_ + kHour);  // 100 releases back to the open sale
  EXPECT_EQ(seat(1), kSeatFree);
  EXPECT_EQ(available(1), kCat1Seats - 1);
  ASSERT_TRUE(run(Release{sold.order}).ok());  // its seat follows to the open sale
  EXPECT_EQ(seat(0), kSeatFree);
  EXPECT_EQ(available(1), kCat1Seats);
}

TEST(SeatContingentGa, NestedGaContingentsCarveAndReleaseBackUnits) {
  Shard shard(0, 1, kT0);
  int64_t now = kT0;
  auto run = [&](CommandBody body) {
    const Reply r = shard.apply(Command{0, std::move(body)}, now);
    EXPECT_TRUE(shard.check_invariants().is_ok()) << shard.check_invariants().to_string();
    return r;
  };
  for (const Command& c : workload::demo_catalog()) ASSERT_TRUE(shard.apply(c, now).ok());
  ASSERT_TRUE(run(DefinePerformance{1600, 1, kT0 + 10 * kHour, 0, 0}).ok());
  ASSERT_TRUE(run(SetGeneralAdmission{1600, 1, 100}).ok());
  ASSERT_TRUE(run(DefineContingent{16001, 1600, 1, 20, {}}).ok());
  EXPECT_EQ(run(DefineSubContingent{16002, 1600, 16001, 21, {}}).code, ReplyCode::kSoldOut);
  ASSERT_TRUE(run(DefineSubContingent{16002, 1600, 16001, 8, {kPartner}}).ok());
  auto available = [&](ContingentId k, ChannelId ch) {
    return shard.apply(Command{0, GetAvailability{1600, 1, k, ch, kNone}}, now).value;
  };
  EXPECT_EQ(available(16001, kWeb), 12);
  EXPECT_EQ(available(16002, kPartner), 8);
  LineRequest line = workload::demo_line(1600, 1, 1, 3);
  line.contingent = 16002;
  const Reply h = run(Book{BookingKind::kOption, 7, kPartner, {line}, now + 5 * kHour});
  ASSERT_TRUE(h.ok()) << h.message;
  ASSERT_TRUE(run(SetContingentReleaseBack{1600, 16002, now + kHour}).ok());
  now += kHour;
  shard.advance(now, 100);
  EXPECT_EQ(available(16001, kWeb), 17);
  ASSERT_TRUE(run(Release{h.order}).ok());
  EXPECT_EQ(available(16001, kWeb), 20);
  EXPECT_EQ(available(kNone, kWeb), 80);
}

TEST_F(SeatTest, RefusedCommandsLeaveTheStateHashUnchanged) {
  must(DefineContingent{100, kSeatMapPerf, 1, 3, {}});
  must(MoveSeatsToContingent{kSeatMapPerf, 100, {0}});
  hold(named({50}));
  const uint64_t before = shard_.state_hash();
  const CommandBody bad[] = {
      HoldSeats{7, kWeb, named({50, 51}), kMinute},
      HoldSeats{7, kWeb, named({0}), kMinute},          // in a contingent
      HoldSeats{7, kWeb, named({0}, 100, 8), kMinute},  // bad options
      HoldSeats{7, 99, named({1}), kMinute},            // unknown channel
      HoldSeats{7, kWeb, best(1, 1001), kMinute},
      HoldSeats{7, kWeb, best(9, 1), kMinute},
      BookSeats{BookingKind::kOption, 7, kWeb, named({51}), now_ - 1},
      BlockSeats{kSeatMapPerf, {49, 50}},
      UnblockSeats{kSeatMapPerf, {50, 50}},
      MoveSeatsToContingent{kSeatMapPerf, 100, {1, 2, 3}},
      DefineSubContingent{101, kSeatMapPerf, 100, 4, {}},
      DefineSubContingent{101, kSeatMapPerf, 999, 1, {}},
      SetContingentReleaseBack{kSeatMapPerf, 999, now_ + kHour},
      AssignLayout{kSeatMapPerf, 99},
  };
  for (const CommandBody& body : bad) {
    const Reply r = run(body);
    EXPECT_FALSE(r.ok()) << command_name(body);
    EXPECT_FALSE(r.message.empty()) << command_name(body);
    EXPECT_EQ(shard_.state_hash(), before) << command_name(body) << ": " << r.message;
  }
}

TEST_F(SeatTest, Snapshot_SeatMapsLayoutsAndContingentTimersSurviveALoad) {
  must(DefineContingent{100, kSeatMapPerf, 1, 10, {}});
  must(DefineSubContingent{101, kSeatMapPerf, 100, 4, {}});
  must(MoveSeatsToContingent{kSeatMapPerf, 101, {0, 1, 2}});
  must(SetContingentReleaseBack{kSeatMapPerf, 101, now_ + kHour});
  must(BlockSeats{kSeatMapPerf, {70, 71}});
  ASSERT_TRUE(hold(best(1, 2)).ok());
  ASSERT_TRUE(run(BookSeats{BookingKind::kReservation, 7, kWeb, named({1}, 101), now_ + 2 * kHour}).ok());
  std::string bytes;
  shard_.save(&bytes);
  Result<std::unique_ptr<Shard>> loaded = Shard::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  Shard& copy = *loaded.value();
  EXPECT_EQ(copy.state_hash(), shard_.state_hash());
  const Command next{0, HoldSeats{7, kWeb, best(1, 3), kMinute}};
  EXPECT_EQ(encode(copy.apply(next, now_)), encode(shard_.apply(next, now_)));
  copy.advance(now_ + kHour, 100);
  shard_.advance(now_ + kHour, 100);
  EXPECT_EQ(copy.state_hash(), shard_.state_hash());
  EXPECT_EQ(copy.seat_map(kSeatMapPerf)->seats[0], 1);  // released back to contingent 100 (slot 1)
  EXPECT_TRUE(copy.check_invariants().is_ok());
}

// ---- Randomised: the shard against a model of seats ---------------------------

// The model knows, per seat, whether it is blocked and which order holds it;
// it cannot predict best-available's pick, so it checks it: the seats were
// free, adjacent in one row, of the category; and a refusal means the model
// finds no such block. Invariant under test: no seat in two live orders.
class SeatModelRun {
 public:
  explicit SeatModelRun(uint64_t seed) : rng_(seed) {
    for (const Command& c : workload::demo_catalog()) apply(c.body);
    workload::GridLayout g;
    g.rows = 6;
    g.seats = 10;
    apply(workload::grid_layout(g));
    apply(DefinePerformance{kSeatMapPerf, 1, kT0 + 400LL * 24 * kHour, 0, 0});
    apply(AssignLayout{kSeatMapPerf, kSeatMapHall});
    layout_ = shard_.layout(kSeatMapHall);
    owner_.assign(layout_->seat_count(), 0);
    blocked_.assign(layout_->seat_count(), false);
  }

  void step() {
    const uint32_t k = pick(10);
    if (k < 3) {
      best_hold();
    } else if (k < 5) {
      named_hold();
    } else if (k < 7) {
      close_some();
    } else if (k == 7) {
      block_some();
    } else if (k == 8) {
      now_ += pick(2) ? 1000 : 10 * kMinute;
      while (shard_.advance(now_, 64) == 64) {
      }
      sync_closed();
    } else {
      confirm_some();
    }
    check();
  }

 private:
  uint32_t pick(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
  Reply apply(CommandBody body) { return shard_.apply(Command{0, std::move(body)}, now_); }
  bool free(uint32_t s) const { return owner_[s] == 0 && !blocked_[s]; }

  bool model_has_block(CategoryId c, uint32_t n) const {
    for (uint32_t r = 0; r < layout_->row_count(); ++r) {
      uint32_t run = 0;
      for (uint32_t s = layout_->row_begin(r); s < layout_->row_end(r); ++s) {
        run = free(s) && layout_->category_of(s) == c ? run + 1 : 0;
        if (run >= n) return true;
      }
    }
    return false;
  }

  void take(const Reply& r) {
    for (const OrderLine& line : shard_.find_order(r.order)->lines)
      for (uint32_t s = line.seat; s < line.seat + line.quantity; ++s) {
        ASSERT_TRUE(free(s)) << layout_->describe(s) << " given to two live orders";
        owner_[s] = r.order;
      }
    orders_.push_back(r.order);
  }

  void best_hold() {
    const CategoryId c = 1 + pick(3);
    const uint32_t n = 1 + pick(4);
    const Reply r =
        apply(HoldSeats{7, kWeb, SeatRequest{kSeatMapPerf, c, 11, kNone, n, {}, 0}, 1000 + pick(20) * kMinute});
    if (!r.ok()) {
      ASSERT_EQ(r.code, ReplyCode::kSoldOut) << r.message;
      ASSERT_FALSE(model_has_block(c, n)) << "refused " << n << " seats of category " << c << " that fit";
      return;
    }
    const Order* o = shard_.find_order(r.order);
    ASSERT_EQ(o->lines.size(), 1u);
    ASSERT_EQ(o->lines[0].quantity, n);
    ASSERT_EQ(layout_->row_of(o->lines[0].seat), layout_->row_of(o->lines[0].seat + n - 1));
    take(r);
  }

  void named_hold() {
    std::vector<uint32_t> seats;
    const uint32_t n = 1 + pick(3);
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t s = pick(layout_->seat_count());
      if (std::find(seats.begin(), seats.end(), s) == seats.end()) seats.push_back(s);
    }
    bool all_free = true;
    for (uint32_t s : seats) all_free &= free(s);
    const Reply r =
        apply(HoldSeats{7, kWeb, SeatRequest{kSeatMapPerf, kNone, 11, kNone, 0, seats, 0}, 1000 + pick(20) * kMinute});
    ASSERT_EQ(r.ok(), all_free) << r.message;
    if (r.ok()) take(r);
  }

  void close_some() {
    if (orders_.empty()) return;
    const OrderId id = orders_[pick(static_cast<uint32_t>(orders_.size()))];
    const Order* o = shard_.find_order(id);
    const Reply r = apply(o && o->state == OrderState::kConfirmed ? CommandBody{Cancel{id}} : CommandBody{Release{id}});
    if (r.ok()) forget(id);
    sync_closed();  // a hold past its deadline expires when touched
  }

  void confirm_some() {
    if (orders_.empty()) return;
    const OrderId id = orders_[pick(static_cast<uint32_t>(orders_.size()))];
    const Order* o = shard_.find_order(id);
    if (!o || !o->live() || o->state == OrderState::kConfirmed) return;
    std::vector<uint32_t> keep;
    for (const OrderLine& line : o->lines) keep.push_back(line.quantity);
    keep[0] = 1 + pick(keep[0]);  // keep the first seats of the first run
    const uint32_t first = o->lines[0].seat, kept = keep[0], had = o->lines[0].quantity;
    if (!apply(Confirm{id, keep}).ok()) {
      ASSERT_LE(o->deadline_ms, now_);  // expired when touched
      sync_closed();
      return;
    }
    for (uint32_t s = first + kept; s < first + had; ++s) owner_[s] = 0;
  }

  void block_some() {
    std::vector<uint32_t> seats;
    const uint32_t from = pick(layout_->seat_count() - 8);
    for (uint32_t s = from; s < from + 1 + pick(8); ++s) seats.push_back(s);
    bool any_taken = false;
    for (uint32_t s : seats) any_taken |= owner_[s] != 0;
    const bool block = pick(2);
    const Reply r = block ? apply(BlockSeats{kSeatMapPerf, seats}) : apply(UnblockSeats{kSeatMapPerf, seats});
    ASSERT_EQ(r.ok(), !any_taken) << r.message;
    if (r.ok())
      for (uint32_t s : seats) blocked_[s] = block;
  }

  void forget(OrderId id) {
    for (size_t s = 0; s < owner_.size(); ++s)
      if (owner_[s] == id) owner_[s] = 0;
    std::erase(orders_, id);
  }

  void sync_closed() {
    for (OrderId id : std::vector<OrderId>(orders_)) {
      const Order* o = shard_.find_order(id);
      if (!o || !o->live()) forget(id);
    }
  }

  void check() {
    const Status s = shard_.check_invariants();
    ASSERT_TRUE(s.is_ok()) << s.to_string();
    const SeatMap& m = *shard_.seat_map(kSeatMapPerf);
    for (uint32_t i = 0; i < owner_.size(); ++i) {
      const uint16_t want = owner_[i] != kNone ? kSeatTaken : (blocked_[i] ? kSeatBlocked : kSeatFree);
      ASSERT_EQ(m.seats[i], want) << layout_->describe(i);
    }
  }

  std::mt19937_64 rng_;
  int64_t now_ = kT0;
  Shard shard_{0, 1, kT0};
  const VenueLayout* layout_ = nullptr;
  std::vector<OrderId> owner_;
  std::vector<bool> blocked_;
  std::vector<OrderId> orders_;
};

TEST(SeatModel, RandomSeatCommands_NoSeatEverInTwoLiveOrders) {
  testing_support::run_seeded_steps<SeatModelRun>(30, 800);
}

}  // namespace
}  // namespace tessera::engine
