// Best available over a seat map: adjacency, best rows first, the orphan
// rule, quality tiers, accessible seats, splits, contingents and categories.
#include "engine/best_available.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "engine/catalog.h"
#include "tests/engine/seeded.h"
#include "workload/demo_venue.h"

namespace tessera::engine {
namespace {

using Seats = std::vector<uint32_t>;

class Hall {
 public:
  explicit Hall(const DefineVenueLayout& def) {
    for (uint32_t c = 1; c <= 3; ++c) EXPECT_TRUE(catalog_.define(DefineCategory{c, "cat"}).ok());
    const Reply r = VenueLayout::build(def, catalog_, &layout);
    EXPECT_TRUE(r.ok()) << r.message;
    map.assign(layout, 0);
  }
  explicit Hall(const workload::GridLayout& g) : Hall(workload::grid_layout(g)) {}

  void take(std::initializer_list<uint32_t> seats) {
    for (uint32_t s : seats) map.set(layout, s, kSeatTaken);
  }
  Seats choose(uint32_t n, uint32_t category_slot = 0, bool accessible = false, bool split = false, uint16_t slot = 0,
               bool restricted_view = false) {
    Seats out, scratch;
    const bool ok = choose_best_available(
        layout, map, SeatQuery{category_slot, slot, n, accessible, split, restricted_view}, &out, &scratch);
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
  EXPECT_TRUE(hall.choose(2, 0, true).empty());                  // wheelchair spaces without a companion seat
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
  Hall hall(g);                                 // row 1 cat slot 0, row 2 slot 1, row 3 slot 2
  EXPECT_EQ(hall.choose(2, 1), (Seats{4, 5}));  // 5-6 would strand 4 and 7
  EXPECT_EQ(hall.choose(2, 2), (Seats{8, 9}));
  for (uint32_t s : {4u, 5u}) hall.map.seats[s] = 3;  // two seats in contingent slot 3
  hall.map.rebuild_derived(hall.layout);
  EXPECT_EQ(hall.choose(2, 1, false, false, 3), (Seats{4, 5}));
  EXPECT_TRUE(hall.choose(3, 1, false, false, 3).empty());
  EXPECT_EQ(hall.choose(2, 1), (Seats{6, 7}));  // open sale: the contingent's seats are not offered
}

TEST(BestAvailable, RestrictedViewSeatsOnlyWhenTheRequestAllowsThem) {
  DefineVenueLayout def = workload::grid_layout(row_of(10, 2));
  for (uint32_t i : {3u, 4u, 5u, 6u}) def.sections[0].rows[0].seats[i].flags = kSeatRestrictedView;  // row 1 centre
  Hall hall(def);
  // Clear-view runs of row 1: 0-2 and 7-9 (the restricted seats still count as free for orphans).
  EXPECT_EQ(hall.choose(2), (Seats{0, 1}));            // 1-2 and 7-8 strand a seat; 0-1 and 8-9 tie: lower index
  EXPECT_EQ(hall.choose(3), (Seats{0, 1, 2}));         // 0-2 and 7-9 tie on rank
  EXPECT_EQ(hall.choose(4), (Seats{13, 14, 15, 16}));  // no 4 clear-view seats in row 1
  EXPECT_EQ(hall.choose(2, 0, false, false, 0, /*restricted_view=*/true), (Seats{4, 5}));
  hall.take({0, 1, 2, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19});  // only restricted seats left
  EXPECT_TRUE(hall.choose(1).empty());
  EXPECT_TRUE(hall.choose(2, 0, false, /*split=*/true).empty());       // the split fallback keeps the rule
  EXPECT_EQ(hall.choose(2, 0, false, false, 0, true), (Seats{3, 4}));  // 4-5 would strand 3
}

TEST(BestAvailable, LargeHallAtNinetyFivePercentStillFindsTheLastPairs) {
  workload::GridLayout g;
  g.sections = 4;
  g.rows = 200;
  g.seats = 25;
  g.categories = {1};
  Hall hall(g);
  for (uint32_t s = 0; s < hall.layout.seat_count(); ++s)
    if (s % 20 != 0 && s % 20 != 1) hall.map.set(hall.layout, s, kSeatTaken);
  const Seats got = hall.choose(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1], got[0] + 1);
  EXPECT_EQ(hall.layout.row_of(got[0]), hall.layout.row_of(got[1]));
}

// ---- Brute-force reference ---------------------------------------------------
// The rules of best_available.h applied seat by seat, block by block, with no
// caches, bits or pruning: the optimised search must choose exactly the same.

struct Reference {
  const VenueLayout& l;
  const SeatMap& m;
  const SeatQuery& q;

  bool special(uint32_t i) const { return (l.seat_flags[i] & (kSeatWheelchair | kSeatCompanion)) != 0; }
  bool eligible(uint32_t i) const {
    return m.seats[i] == (kSeatFree | q.contingent_slot) && l.seat_category[i] == q.category_slot &&
           special(i) == q.accessible && (q.allow_restricted_view || !(l.seat_flags[i] & kSeatRestrictedView));
  }
  bool free(uint32_t i) const { return seat_state(m.seats[i]) == kSeatFree; }
  uint32_t row_of(uint32_t s) const {
    uint32_t r = 0;
    while (l.row_first[r + 1] <= s) ++r;
    return r;
  }
  bool lone(int64_t i, uint32_t begin, uint32_t end, int step) const {
    if (i < begin || i >= end || !free(static_cast<uint32_t>(i))) return false;
    const int64_t next = i + step;
    return next < begin || next >= end || !free(static_cast<uint32_t>(next));
  }
  // Rows holding the category, best first (their best seat's rank, then index).
  std::vector<uint32_t> rows() const {
    std::vector<uint32_t> out;
    for (uint32_t r = 0; r + 1 < l.row_first.size(); ++r)
      for (uint32_t i = l.row_first[r]; i < l.row_first[r + 1]; ++i)
        if (l.seat_category[i] == q.category_slot) {
          out.push_back(r);
          break;
        }
    auto rank = [&](uint32_t r) {
      return *std::min_element(l.seat_rank.begin() + l.row_first[r], l.seat_rank.begin() + l.row_first[r + 1]);
    };
    std::stable_sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) { return rank(a) < rank(b); });
    return out;
  }
  bool accessible_ok(uint32_t start) const {
    uint32_t wheelchair = 0, companion = 0;
    for (uint32_t i = start; i < start + q.quantity; ++i) {
      wheelchair += (l.seat_flags[i] & kSeatWheelchair) != 0;
      companion += (l.seat_flags[i] & kSeatCompanion) != 0;
    }
    return wheelchair >= 1 && (q.quantity < 2 || companion >= 1);
  }
  // (orphan, rank sum, start) of the best block of one tier, or none.
  Seats block() const {
    const std::vector<uint32_t> order = rows();
    auto row_rank = [&](uint32_t r) {
      return *std::min_element(l.seat_rank.begin() + l.row_first[r], l.seat_rank.begin() + l.row_first[r + 1]);
    };
    for (size_t i = 0; i < order.size();) {
      const uint16_t tier = row_rank(order[i]);
      std::tuple<bool, uint32_t, uint32_t> best{true, UINT32_MAX, UINT32_MAX};
      for (; i < order.size() && row_rank(order[i]) == tier; ++i) {
        const uint32_t begin = l.row_first[order[i]], end = l.row_first[order[i] + 1];
        for (uint32_t start = begin; start + q.quantity <= end; ++start) {
          bool all = true;
          uint32_t sum = 0;
          for (uint32_t s = start; s < start + q.quantity; ++s) all = all && eligible(s), sum += l.seat_rank[s];
          if (!all || (q.accessible && !accessible_ok(start))) continue;
          const bool orphan = lone(int64_t{start} - 1, begin, end, -1) || lone(start + q.quantity, begin, end, +1);
          best = std::min(best, std::tuple<bool, uint32_t, uint32_t>{orphan, sum, start});
        }
      }
      if (std::get<2>(best) != UINT32_MAX) {
        Seats out;
        for (uint32_t s = std::get<2>(best); s < std::get<2>(best) + q.quantity; ++s) out.push_back(s);
        return out;
      }
    }
    return {};
  }
  // Rows best first; each gives the window of its eligible seats with the
  // lowest rank sum (first such window).
  Seats split() const {
    Seats out;
    uint32_t left = q.quantity;
    for (uint32_t r : rows()) {
      Seats free_seats;
      for (uint32_t i = l.row_first[r]; i < l.row_first[r + 1]; ++i)
        if (eligible(i)) free_seats.push_back(i);
      if (free_seats.empty()) continue;
      const uint32_t k = std::min<uint32_t>(left, static_cast<uint32_t>(free_seats.size()));
      uint32_t best_sum = UINT32_MAX, best_at = 0;
      for (uint32_t j = 0; j + k <= free_seats.size(); ++j) {
        uint32_t sum = 0;
        for (uint32_t t = j; t < j + k; ++t) sum += l.seat_rank[free_seats[t]];
        if (sum < best_sum) best_sum = sum, best_at = j;
      }
      out.insert(out.end(), free_seats.begin() + best_at, free_seats.begin() + best_at + k);
      left -= k;
      if (left == 0) {
        std::sort(out.begin(), out.end());
        return out;
      }
    }
    return {};
  }
  Seats choose() const {
    Seats out = block();
    if (out.empty() && q.allow_split && !q.accessible) out = split();
    return out;
  }
};

// A random hall: 1-3 sections of 1-6 rows of 1-150 seats (rows longer than
// one and two 64-bit words), 1-3 categories mixed within rows, a few
// wheelchair, companion and restricted-view seats, ranks with many ties.
DefineVenueLayout random_layout(std::mt19937_64& rng) {
  auto pick = [&rng](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
  DefineVenueLayout def{1, "random", {1, 2, 3}, {}};
  def.categories.resize(1 + pick(3));
  const uint32_t sections = 1 + pick(3), rows = 1 + pick(6);
  for (uint32_t s = 0; s < sections; ++s) {
    LayoutSection section{"S" + std::to_string(s), {}};
    for (uint32_t r = 0; r < rows; ++r) {
      LayoutRow row{r + 1, 1, {}};
      const uint32_t seats = pick(4) == 0 ? 60 + pick(10) : 1 + pick(150);
      const uint8_t category = static_cast<uint8_t>(pick(static_cast<uint32_t>(def.categories.size())));
      for (uint32_t i = 0; i < seats; ++i) {
        const uint8_t c =
            pick(5) == 0 ? static_cast<uint8_t>(pick(static_cast<uint32_t>(def.categories.size()))) : category;
        const uint32_t f = pick(12);
        const uint8_t flags = (f == 0   ? kSeatWheelchair
                               : f == 1 ? kSeatCompanion
                                        : 0) |
                              (pick(8) == 0 ? kSeatRestrictedView : 0);
        row.seats.push_back(LayoutSeat{c, flags, static_cast<uint16_t>(r * 3 + pick(4))});
      }
      section.rows.push_back(std::move(row));
    }
    def.sections.push_back(std::move(section));
  }
  return def;
}

TEST(BestAvailable, ChoosesExactlyAsABruteForceReferenceOnRandomHalls) {
  testing_support::for_each_seed(300, [](uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&rng](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
    Hall hall(random_layout(rng));
    const uint32_t seats = hall.layout.seat_count();
    const uint32_t taken_percent = pick(100);
    for (uint32_t s = 0; s < seats; ++s) {  // states through set(), as the shard changes them
      const uint32_t x = pick(100);
      const uint16_t v = x < taken_percent ? kSeatTaken
                         : x % 10 == 0     ? kSeatBlocked
                         : x % 10 == 1     ? 1
                         : x % 10 == 2     ? 2
                                           : kSeatFree;
      hall.map.set(hall.layout, s, v);
    }
    for (int round = 0; round < 40; ++round) {
      const uint32_t n = pick(3) == 0 ? 1 + pick(70) : 1 + pick(4);
      SeatQuery q{pick(static_cast<uint32_t>(hall.layout.categories.size())),
                  static_cast<uint16_t>(pick(4) == 0 ? 1 + pick(2) : 0),
                  n,
                  pick(5) == 0,
                  pick(3) == 0,
                  pick(2) == 0};
      const Seats want = Reference{hall.layout, hall.map, q}.choose();
      Seats got, scratch;
      EXPECT_EQ(choose_best_available(hall.layout, hall.map, q, &got, &scratch), !want.empty());
      ASSERT_EQ(got, want) << "round " << round << " n " << n << " category slot " << q.category_slot << " slot "
                           << q.contingent_slot << " accessible " << q.accessible << " split " << q.allow_split
                           << " restricted view " << q.allow_restricted_view;
      for (uint32_t s : got) hall.map.set(hall.layout, s, static_cast<uint16_t>(kSeatTaken | q.contingent_slot));
      for (int k = 0; k < 3 && seats > 0; ++k) {  // some seats come back
        const uint32_t s = pick(seats);
        if (seat_state(hall.map.seats[s]) == kSeatTaken) hall.map.set(hall.layout, s, seat_slot(hall.map.seats[s]));
      }
    }
  });
}

}  // namespace
}  // namespace tessera::engine
