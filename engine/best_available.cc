// Best available: block search per quality tier, orphan rule, accessible
// blocks and the split fallback.
#include "engine/best_available.h"

#include <algorithm>
#include <cassert>

namespace tessera::engine {

namespace {

constexpr uint8_t kAccessibleFlags = kSeatWheelchair | kSeatCompanion;

struct Candidate {
  uint32_t start = kNoSeat;
  bool orphan = true;
  uint32_t rank_sum = UINT32_MAX;
  bool valid() const { return start != kNoSeat; }
  bool better_than(const Candidate& o) const {
    if (!o.valid()) return true;
    if (orphan != o.orphan) return !orphan;
    if (rank_sum != o.rank_sum) return rank_sum < o.rank_sum;
    return start < o.start;
  }
};

class Search {
 public:
  Search(const VenueLayout& l, const SeatMap& m, const SeatQuery& q)
      : l_(l), m_(m), q_(q), want_(static_cast<uint16_t>(kSeatFree | q.contingent_slot)) {}

  // Branch-free on purpose: seat states of a half-sold hall are random, and
  // a mispredicted branch per seat was most of the cost of a search.
  bool eligible(uint32_t i) const {
    const bool special = (l_.seat_flags[i] & kAccessibleFlags) != 0;
    return (m_.seats[i] == want_) & (l_.seat_category[i] == q_.category_slot) & (special == q_.accessible);
  }
  bool free(uint32_t i) const { return seat_state(m_.seats[i]) == kSeatFree; }

  // True iff seat `i` (inside [begin, end)) would be left as a lone free seat.
  bool orphan_at(uint32_t i, uint32_t begin, uint32_t end, int step) const {
    if (i < begin || i >= end || !free(i)) return false;
    const uint32_t next = i + step;
    return next < begin || next >= end || !free(next);
  }

  bool accessible_ok(uint32_t start) const {
    uint32_t wheelchair = 0, companion = 0;
    for (uint32_t i = start; i < start + q_.quantity; ++i) {
      wheelchair += (l_.seat_flags[i] & kSeatWheelchair) != 0;
      companion += (l_.seat_flags[i] & kSeatCompanion) != 0;
    }
    return wheelchair >= 1 && (q_.quantity < 2 || companion >= 1);
  }

  // Best block of the row, folded into `best`.
  void scan_row(uint32_t row, Candidate& best) const {
    const uint32_t begin = l_.row_begin(row), end = l_.row_end(row), n = q_.quantity;
    if (end - begin < n) return;
    uint32_t run = 0, sum = 0;
    for (uint32_t i = begin; i < end; ++i) {
      const bool e = eligible(i);
      run = e ? run + 1 : 0;  // conditional moves, not branches
      sum = e ? sum + l_.seat_rank[i] : 0;
      sum -= run > n ? l_.seat_rank[i - n] : 0;
      if (run < n) continue;
      // An orphan-free best already found can only lose to a lower rank sum:
      // skip the orphan checks of every block that cannot beat it.
      if (best.valid() && !best.orphan && sum >= best.rank_sum) continue;
      Candidate c;
      c.start = i + 1 - n;
      c.rank_sum = sum;
      c.orphan = orphan_at(c.start - 1, begin, end, -1) || orphan_at(i + 1, begin, end, +1);
      if (c.better_than(best) && (!q_.accessible || accessible_ok(c.start))) best = c;
    }
  }

  // Rule 1-4: the best block of the first tier that has one.
  bool block(std::vector<uint32_t>* out) const {
    const std::vector<uint32_t>& rows = l_.rows_by_rank(q_.category_slot);
    const bool open_sale = q_.contingent_slot == 0;
    size_t i = 0;
    if (open_sale) {  // rows with no free open-sale seat hold no candidate: skip them once
      uint32_t& skip = m_.sold_out_rows[q_.category_slot];
      while (skip < rows.size() && m_.row_free[rows[skip]] == 0) ++skip;
      i = skip;
    }
    for (; i < rows.size();) {
      const uint16_t tier = l_.row_rank(rows[i]);
      Candidate best;
      for (; i < rows.size() && l_.row_rank(rows[i]) == tier; ++i)
        if (!open_sale ||
            (m_.row_free[rows[i]] >= q_.quantity && m_.longest_free_run(l_, rows[i]) >= q_.quantity))
          scan_row(rows[i], best);
      if (best.valid()) {
        for (uint32_t s = best.start; s < best.start + q_.quantity; ++s) out->push_back(s);
        return true;
      }
    }
    return false;
  }

  // Rule 5: best rows first; in each row, the group of its eligible seats
  // (in row order) with the lowest rank sum.
  bool split(std::vector<uint32_t>* out, std::vector<uint32_t>* scratch) const {
    const size_t first = out->size();
    uint32_t left = q_.quantity;
    for (uint32_t row : l_.rows_by_rank(q_.category_slot)) {
      scratch->clear();
      for (uint32_t i = l_.row_begin(row); i < l_.row_end(row); ++i)
        if (eligible(i)) scratch->push_back(i);
      if (scratch->empty()) continue;
      const uint32_t k = std::min<uint32_t>(left, static_cast<uint32_t>(scratch->size()));
      uint32_t sum = 0, best_sum = UINT32_MAX, best_at = 0;
      for (uint32_t j = 0; j < scratch->size(); ++j) {
        sum += l_.seat_rank[(*scratch)[j]];
        if (j >= k) sum -= l_.seat_rank[(*scratch)[j - k]];
        if (j + 1 >= k && sum < best_sum) best_sum = sum, best_at = j + 1 - k;
      }
      out->insert(out->end(), scratch->begin() + best_at, scratch->begin() + best_at + k);
      left -= k;
      if (left == 0) {
        std::sort(out->begin() + static_cast<std::ptrdiff_t>(first), out->end());
        return true;
      }
    }
    out->resize(first);
    return false;
  }

 private:
  const VenueLayout& l_;
  const SeatMap& m_;
  const SeatQuery& q_;
  const uint16_t want_;
};

}  // namespace

bool choose_best_available(const VenueLayout& layout, const SeatMap& map, const SeatQuery& query,
                           std::vector<uint32_t>* out, std::vector<uint32_t>* scratch) {
  assert(query.quantity >= 1);
  assert(query.category_slot < layout.categories.size());
  assert(map.seats.size() == layout.seat_count());
  const Search search(layout, map, query);
  if (search.block(out)) return true;
  return query.allow_split && !query.accessible && search.split(out, scratch);
}

}  // namespace tessera::engine
