// SeatInventory on its own (with the StockLedger it counts seats in):
// assigning a layout, taking named seats all or none, giving seats back,
// blocking in bulk, moving seats to contingents, and check_invariants()
// catching seat states that no longer match the live orders.
#include "engine/seat_inventory.h"

#include <gtest/gtest.h>

#include "tests/engine/owners_fixture.h"

namespace tessera::engine {
namespace {

using namespace owners_test;

constexpr PerformanceId kPerf = 1500;  // product 1
constexpr LayoutId kHall = 1;
// Grid 10 rows x 20 seats: rows 1-4 category 1 (seats 0-79), rows 5-7
// category 2 (80-139), rows 8-10 category 3 (140-199); 180, 181 wheelchair,
// 182, 183 companion.

class SeatInventoryTest : public testing::Test {
 protected:
  SeatInventoryTest() {
    define_demo_catalog(ledger_.catalog);
    workload::GridLayout g;
    g.accessible = true;
    ledger_.must(workload::grid_layout(g));
    ledger_.must(DefinePerformance{kPerf, 1, kT0 + 30 * kDay, 0, 0});
    ledger_.must(AssignLayout{kPerf, kHall});
  }
  static SeatRequest named(std::vector<uint32_t> seats, uint8_t options = 0, ContingentId k = kNone) {
    return SeatRequest{kPerf, kNone, workload::demo_tariff(1, 1), k, 0, std::move(seats), options};
  }
  SeatInventory& seats() { return ledger_.seats; }
  Performance& perf() { return *ledger_.stock.performances().find(kPerf); }
  const VenueLayout& layout() { return ledger_.stock.layout_of(perf()); }
  uint32_t seat(uint32_t s) { return perf().seat_map.seats[s]; }
  void expect_invariants() {
    const Status s = ledger_.check();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
  }

  Ledger ledger_;
};

TEST_F(SeatInventoryTest, AssignLayout_EachCategoryGetsAnOpenSaleQuotaOfItsSeats) {
  EXPECT_EQ(ledger_.area(kPerf, 1).capacity, 80u);
  EXPECT_EQ(ledger_.open_quota(kPerf, 2).capacity, 60u);
  EXPECT_EQ(ledger_.open_quota(kPerf, 3).capacity, 60u);
  EXPECT_TRUE(ledger_.stock.is_seated(perf(), 1));
  // A performance selling a category of the layout as GA cannot take the layout.
  ledger_.must(DefinePerformance{kPerf.value() + 1, 1, kT0 + 30 * kDay, 0, 0});
  ledger_.must(SetGeneralAdmission{kPerf.value() + 1, 2, 50});
  const uint64_t before = ledger_.hash();
  EXPECT_EQ(seats().on(AssignLayout{kPerf.value() + 1, kHall}).code, ReplyCode::kInvalidState);
  EXPECT_EQ(seats().on(AssignLayout{kPerf, kHall}).code, ReplyCode::kInvalidState);
  EXPECT_EQ(seats().on(AssignLayout{kPerf.value() + 2, kHall}).code, ReplyCode::kNotFound);
  EXPECT_EQ(seats().on(AssignLayout{kPerf.value() + 1, 9}).code, ReplyCode::kNotFound);
  EXPECT_EQ(ledger_.hash(), before);
  expect_invariants();
}

TEST_F(SeatInventoryTest, Take_RefusesTakenBlockedDuplicateAndUnknownSeats_TakingNone) {
  ASSERT_TRUE(ledger_.place_seats(named({10, 11})).ok());
  ASSERT_TRUE(seats().on(BlockSeats{kPerf, {13}}).ok());
  const uint64_t before = ledger_.hash();
  struct Case {
    std::vector<uint32_t> seats;
    ReplyCode code;
  };
  const Case cases[] = {
      {{11, 12}, ReplyCode::kSoldOut},           // 11 is taken
      {{12, 13}, ReplyCode::kSoldOut},           // 13 is blocked
      {{12, 12}, ReplyCode::kInvalidArgument},   // named twice
      {{12, 200}, ReplyCode::kInvalidArgument},  // no seat 200
      {{12, 180}, ReplyCode::kInvalidArgument},  // wheelchair space without the accessible option
  };
  for (const Case& c : cases) {
    Order scratch;
    const Reply r = seats().take(named(c.seats), kWeb, 7, &scratch);
    EXPECT_EQ(r.code, c.code) << r.message;
    EXPECT_FALSE(r.message.empty());
    EXPECT_TRUE(scratch.lines.empty());
    EXPECT_EQ(ledger_.hash(), before) << r.message;
    EXPECT_EQ(seat(12), kSeatFree);
  }
  // The refusal of a taken seat names it.
  Order scratch;
  const Reply r = seats().take(named({11, 12}), kWeb, 7, &scratch);
  EXPECT_NE(r.message.find("taken"), std::string::npos) << r.message;
  expect_invariants();
}

TEST_F(SeatInventoryTest, Take_RefusesARequestItCannotPlace_WithoutTakingSeats) {
  const uint64_t before = ledger_.hash();
  Order scratch;
  SeatRequest wrong_category = named({0, 1});
  wrong_category.category = 2;
  EXPECT_EQ(seats().take(wrong_category, kWeb, 7, &scratch).code, ReplyCode::kInvalidArgument);
  SeatRequest quantity_mismatch = named({0, 1});
  quantity_mismatch.quantity = 3;
  EXPECT_EQ(seats().take(quantity_mismatch, kWeb, 7, &scratch).code, ReplyCode::kInvalidArgument);
  SeatRequest other_tariff = named({0, 1});
  other_tariff.tariff = workload::demo_tariff(2, 1);
  EXPECT_EQ(seats().take(other_tariff, kWeb, 7, &scratch).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(seats().take(named({0, 1}), 99, 7, &scratch).code, ReplyCode::kNotFound);
  EXPECT_EQ(seats().take(named({0}, 0x80), kWeb, 7, &scratch).code, ReplyCode::kInvalidArgument);
  EXPECT_TRUE(scratch.lines.empty());
  EXPECT_EQ(ledger_.hash(), before);
  EXPECT_EQ(seat(0), kSeatFree);
}

TEST_F(SeatInventoryTest, Take_MarksTheSeatsTakenAndCountsThemInTheQuotas) {
  const Reply r = ledger_.place_seats(named({19, 20, 21, 182}, kSeatOptionAccessible));
  EXPECT_EQ(r.code, ReplyCode::kInvalidArgument) << "seat 19 is not accessible";
  const Reply ok = ledger_.place_seats(named({5, 6, 7}));
  ASSERT_TRUE(ok.ok()) << ok.message;
  for (uint32_t s : {5u, 6u, 7u}) EXPECT_EQ(seat(s), kSeatTaken);
  EXPECT_EQ(seat(8), kSeatFree);
  EXPECT_EQ(ledger_.open_quota(kPerf, 1).used, 3u);
  const Order& o = *ledger_.table.find(ok.order);
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(o.lines[0].seat, 5u);
  EXPECT_EQ(o.lines[0].quantity, 3u);
  const Reply reply = SeatInventory::seats_reply(o, ok.order);
  EXPECT_EQ(reply.value, 5);
  EXPECT_EQ(reply.seat_count, 3u);
  expect_invariants();
}

TEST_F(SeatInventoryTest, GiveBack_FreesTheLastSeatsOfARun) {
  const Reply r = ledger_.place_seats(named({40, 41, 42, 43}));
  ASSERT_TRUE(r.ok());
  Order& o = *ledger_.table.find(r.order);
  OrderLine& l = o.lines[0];
  ledger_.stock.give_back(o, l, 2);
  seats().give_back(l, 42, 2);
  l.quantity = 2;
  EXPECT_EQ(seat(41), kSeatTaken);
  EXPECT_EQ(seat(42), kSeatFree);
  EXPECT_EQ(seat(43), kSeatFree);
  expect_invariants();
  EXPECT_TRUE(ledger_.place_seats(named({42, 43})).ok());
  expect_invariants();
}

TEST_F(SeatInventoryTest, BlockSeats_AllOrNothingAndCountsOnlySeatsThatChange) {
  ASSERT_TRUE(ledger_.place_seats(named({0})).ok());
  const uint64_t before = ledger_.hash();
  const Reply taken = seats().on(BlockSeats{kPerf, {1, 0, 2}});
  EXPECT_EQ(taken.code, ReplyCode::kInvalidState);
  EXPECT_NE(taken.message.find("taken by live orders"), std::string::npos) << taken.message;
  EXPECT_EQ(seats().on(BlockSeats{kPerf, {1, 1}}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(seats().on(BlockSeats{kPerf, {}}).code, ReplyCode::kLimitExceeded);
  EXPECT_EQ(seats().on(BlockSeats{kPerf.value() + 1, {1}}).code, ReplyCode::kNotFound);
  EXPECT_EQ(ledger_.hash(), before);
  EXPECT_EQ(seat(1), kSeatFree);

  Reply r = seats().on(BlockSeats{kPerf, {1, 2}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value, 2);
  EXPECT_EQ(ledger_.area(kPerf, 1).capacity, 78u);
  r = seats().on(BlockSeats{kPerf, {2, 3}});
  EXPECT_EQ(r.value, 1);  // seat 2 was blocked already
  EXPECT_EQ(ledger_.open_quota(kPerf, 1).capacity, 77u);
  expect_invariants();
  r = seats().on(UnblockSeats{kPerf, {1, 2, 3, 4}});
  EXPECT_EQ(r.value, 3);
  EXPECT_EQ(ledger_.open_quota(kPerf, 1).capacity, 80u);
  expect_invariants();
}

TEST_F(SeatInventoryTest, MoveSeats_RefusesTakenSeatsAndOtherCategories_MovingNone) {
  ledger_.must(DefineContingent{15001, kPerf, 1, 10, {kPartner}});
  ASSERT_TRUE(ledger_.place_seats(named({3})).ok());
  const uint64_t before = ledger_.hash();
  EXPECT_EQ(seats().on(MoveSeatsToContingent{kPerf, 15001, {1, 2, 3}}).code, ReplyCode::kInvalidState);
  EXPECT_EQ(seats().on(MoveSeatsToContingent{kPerf, 15001, {1, 80}}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(seats().on(MoveSeatsToContingent{kPerf, 99, {1}}).code, ReplyCode::kNotFound);
  std::vector<uint32_t> eleven;
  for (uint32_t s = 20; s < 31; ++s) eleven.push_back(s);
  EXPECT_EQ(seats().on(MoveSeatsToContingent{kPerf, 15001, eleven}).code, ReplyCode::kLimitExceeded);
  EXPECT_EQ(ledger_.hash(), before);

  ASSERT_TRUE(seats().on(BlockSeats{kPerf, {2}}).ok());
  const Reply r = seats().on(MoveSeatsToContingent{kPerf, 15001, {1, 2}});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.value, 2);
  const Contingent& k = ledger_.contingent(15001);
  EXPECT_EQ(seat(1), k.slot);
  EXPECT_EQ(seat(2), kSeatBlocked | k.slot);
  EXPECT_EQ(ledger_.quota_of(15001).capacity, 1u);  // the free seat; the blocked one is off sale
  EXPECT_EQ(k.blocked, 1u);
  EXPECT_EQ(ledger_.area(kPerf, 1).allotted, 1u);
  expect_invariants();
  // Back to the open sale.
  ASSERT_TRUE(seats().on(MoveSeatsToContingent{kPerf, kNone, {1, 2}}).ok());
  EXPECT_EQ(seat(1), kSeatFree);
  EXPECT_EQ(ledger_.contingent(15001).blocked, 0u);
  expect_invariants();
}

TEST_F(SeatInventoryTest, CheckInvariants_CatchesASeatTakenByNoOrder) {
  ASSERT_TRUE(ledger_.place_seats(named({30, 31})).ok());
  expect_invariants();
  perf().seat_map.set(layout(), 32, kSeatTaken);
  const Status s = seats().check_invariants();
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.to_string().find("taken by no live order"), std::string::npos) << s.to_string();
}

TEST_F(SeatInventoryTest, CheckInvariants_CatchesAnOrderSeatThatIsNoLongerTaken) {
  ASSERT_TRUE(ledger_.place_seats(named({30, 31})).ok());
  perf().seat_map.set(layout(), 31, kSeatFree);
  EXPECT_FALSE(seats().check_invariants().is_ok());
}

TEST_F(SeatInventoryTest, CheckInvariants_CatchesASeatInTwoLiveOrders) {
  const Reply r = ledger_.place_seats(named({50, 51}));
  ASSERT_TRUE(r.ok());
  const Reply other = ledger_.place_seats(named({52}));
  ASSERT_TRUE(other.ok());
  ledger_.table.find(other.order)->lines[0].seat = 51;
  const Status s = seats().check_invariants();
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.to_string().find("two live orders"), std::string::npos) << s.to_string();
}

TEST_F(SeatInventoryTest, CheckInvariants_CatchesACapacityThatDiffersFromTheSeats) {
  ++ledger_.stock.quotas()[ledger_.area(kPerf, 2).open_quota].capacity;
  EXPECT_FALSE(seats().check_invariants().is_ok());
  --ledger_.stock.quotas()[ledger_.area(kPerf, 2).open_quota].capacity;
  expect_invariants();
  // A blocked seat still counted in the category's capacity.
  perf().seat_map.set(layout(), 90, kSeatBlocked);
  EXPECT_FALSE(seats().check_invariants().is_ok());
}

}  // namespace
}  // namespace tessera::engine
