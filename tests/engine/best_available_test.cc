// Best available over a seat map: adjacency, best rows first, the orphan
// rule, quality tiers, accessible seats, splits, contingents and categories.
#include "engine/best_available.h"

#include <gtest/gtest.h>

#include <vector>

#include "engine/catalog.h"
#include "workload/demo_venue.h"

namespace tessera::engine {
namespace {

using Seats = std::vector<uint32_t>;

class Hall {
 public:
  explicit Hall(const DefineVenueLayout& def) {
    for (CategoryId c = 1; c <= 3; ++c) EXPECT_TRUE(catalog_.define(DefineCategory{c, "cat"}).ok());
    const Reply r = VenueLayout::build(def, catalog_, &layout);
    EXPECT_TRUE(r.ok()) << r.message;
    map.assign(layout, 0);
  }
  explicit Hall(const workload::GridLayout& g) : Hall(workload::grid_layout(g)) {}

  void take(std::initializer_list<uint32_t> seats) {
    for (uint32_t s : seats) map.set(s, layout.row_of(s), kSeatTaken);
  }
  Seats choose(uint32_t n, uint32_t category_slot = 0, bool accessible = false, bool split = false,
               uint16_t slot = 0) {
    Seats out, scratch;
    const bool ok = choose_best_available(layout, map, SeatQuery{category_slot, slot, n, accessible, split}, &out,
                                          &scratch);
    EXPECT_EQ(ok, !out.empty());
    return out;
  }

  Catalog catalog_;
  VenueLayout layout;
  SeatMap map;
};

// One row of n seats, ranked by distance from the centre.
workload::GridLayout row_of(uint32_t n, uint32_t rows = 1) {
  workload::GridLayout g;
  g.rows = rows;
  g.seats = n;
  g.categories = {1};
  return g;
}

TEST(BestAvailable, TakesAdjacentSeatsInTheCentreOfTheBestRow) {
  Hall hall(row_of(10, 3));
  EXPECT_EQ(hall.choose(2), (Seats{4, 5}));
  EXPECT_EQ(hall.choose(3), (Seats{3, 4, 5}));  // 3-5 and 4-6 tie on rank: the lower index wins
}

TEST(BestAvailable, SkipsRowsWithoutABlockAndNeverSplitsByDefault) {
  Hall hall(row_of(6, 2));
  hall.take({1, 3, 5});  // row 1: free 0, 2, 4 — no pair
  EXPECT_EQ(hall.choose(2), (Seats{8, 9}));
  hall.take({6, 7, 8, 9, 10, 11});
  EXPECT_TRUE(hall.choose(2).empty());
}

TEST(BestAvailable, AvoidsLeavingASingleOrphanSeatWhenAnotherBlockFits) {
  Hall hall(row_of(10));
  hall.take({2, 7});  // free runs: 0-1, 3-6, 8-9
  // 4-5 is the most central pair but strands 3 and 6; 3-4 leaves 5-6 together.
  EXPECT_EQ(hall.choose(2), (Seats{3, 4}));
}

TEST(BestAvailable, OrphanAgainstAnAisleCounts) {
  Hall hall(row_of(5));
  hall.take({0});  // free 1-4; a pair at 2-3 would strand 1 (against taken 0) and 4 (against the aisle)
  const Seats got = hall.choose(2);
  EXPECT_TRUE(got == (Seats{1, 2}) || got == (Seats{3, 4})) << got[0];
}

TEST(BestAvailable, AcceptsAnOrphanWhenNoBlockOfTheTierAvoidsIt) {
  Hall hall(row_of(5, 2));
  const Seats got = hall.choose(4);  // any 4 of row 1 strand one seat: still better than row 2
  ASSERT_EQ(got.size(), 4u);
  EXPECT_LT(got[3], 5u);
}

TEST(BestAvailable, RowsOfEqualRankFormOneTierForTheOrphanRule) {
  workload::GridLayout g = row_of(6);
  g.sections = 2;  // seats 0-5 and 6-11: two rows of the same ranks
  Hall hall(g);
  hall.take({0, 4});   // section 1 free 1, 2, 3, 5: both central pairs strand a seat
  hall.take({6, 11});  // section 2 free 7-10: 7-8 and 9-10 strand nothing
  EXPECT_EQ(hall.choose(2), (Seats{7, 8}));
}

TEST(BestAvailable, WheelchairAndCompanionSeatsOnlyWhenAskedAndThenTogether) {
  workload::GridLayout g = row_of(8, 2);
  g.accessible = true;  // row 2: seats 8, 9 wheelchair, 10, 11 companion
  Hall hall(g);
  hall.take({0, 1, 2, 3, 4, 5, 6, 7});  // row 1 full
  const Seats normal = hall.choose(2);
  ASSERT_EQ(normal.size(), 2u);
  EXPECT_GE(normal[0], 12u);
  EXPECT_EQ(hall.choose(2, 0, /*accessible=*/true), (Seats{9, 10}));
  EXPECT_EQ(hall.choose(1, 0, true), (Seats{8}));  // 9 would strand 8 against the aisle
  hall.take({10, 11});
  EXPECT_TRUE(hall.choose(2, 0, true).empty());  // wheelchair spaces without a companion seat
  EXPECT_TRUE(hall.choose(2, 0, true, /*split=*/true).empty());  // never split
}

TEST(BestAvailable, SplitAcrossRowsOnlyWhenAllowedAndNoBlockFits) {
  Hall hall(row_of(5, 3));
  hall.take({0, 2, 4, 5, 7, 9, 10, 12, 14});  // every row: free 1, 3 — no pair anywhere
  EXPECT_TRUE(hall.choose(3).empty());
  EXPECT_EQ(hall.choose(3, 0, false, true), (Seats{1, 3, 6}));
  EXPECT_TRUE(hall.choose(7, 0, false, true).empty());  // only 6 free
}

TEST(BestAvailable, OnlySeatsOfTheCategoryAndContingentSlot) {
  workload::GridLayout g;
  g.rows = 3;
  g.seats = 4;
  Hall hall(g);  // row 1 cat slot 0, row 2 slot 1, row 3 slot 2
  EXPECT_EQ(hall.choose(2, 1), (Seats{4, 5}));  // 5-6 would strand 4 and 7
  EXPECT_EQ(hall.choose(2, 2), (Seats{8, 9}));
  for (uint32_t s : {4u, 5u}) hall.map.seats[s] = 3;  // two seats in contingent slot 3
  hall.map.rebuild_row_free(hall.layout);
  EXPECT_EQ(hall.choose(2, 1, false, false, 3), (Seats{4, 5}));
  EXPECT_TRUE(hall.choose(3, 1, false, false, 3).empty());
  EXPECT_EQ(hall.choose(2, 1), (Seats{6, 7}));  // open sale: the contingent's seats are not offered
}

TEST(BestAvailable, LargeHallAtNinetyFivePercentStillFindsTheLastPairs) {
  workload::GridLayout g;
  g.sections = 4;
  g.rows = 200;
  g.seats = 25;
  g.categories = {1};
  Hall hall(g);
  for (uint32_t s = 0; s < hall.layout.seat_count(); ++s)
    if (s % 20 != 0 && s % 20 != 1) hall.map.set(s, hall.layout.row_of(s), kSeatTaken);
  const Seats got = hall.choose(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1], got[0] + 1);
  EXPECT_EQ(hall.layout.row_of(got[0]), hall.layout.row_of(got[1]));
}

}  // namespace
}  // namespace tessera::engine
