// Best available: block search per quality tier, orphan rule, accessible
// blocks and the split fallback.
#include "engine/best_available.h"

#include <algorithm>
#include <bit>
#include <cassert>

#include "engine/row_bits.h"

namespace tessera::engine {

namespace {

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
      : l_(l),
        m_(m),
        q_(q),
        want_(static_cast<uint16_t>(kSeatFree | q.contingent_slot)),
        kind_(VenueLayout::search_mask_kind(q.accessible, q.allow_restricted_view)) {}

  // Seat by seat, for the split fallback; the same rules as the search masks.
  bool eligible(uint32_t i) const {
    const uint8_t flags = l_.seat_flags[i];
    const bool special = (flags & kSeatAccessibleFlags) != 0;
    const bool hidden = (flags & kSeatRestrictedView) != 0 && !q_.allow_restricted_view;
    return (m_.seats[i] == want_) & (l_.seat_category[i] == q_.category_slot) & (special == q_.accessible) & !hidden;
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

  // The seats of a row this query may get, as row bits (row_bits.h) in
  // e[0 .. returned word count). Open sale: free bits AND the layout's mask,
  // a few word operations; a contingent's seats are gathered from the map.
  uint32_t eligible_bits(const VenueLayout::RankedRow& rr, uint64_t* e) const {
    const uint32_t begin = l_.row_begin(rr.row), end = l_.row_end(rr.row), words = row_words(end - begin);
    assert(words <= kRowWordsMax);
    const uint64_t* mask = l_.search_masks().data() + rr.masks + kind_ * words;
    if (q_.contingent_slot == 0) {
      const uint64_t* free = m_.free_bits.data() + l_.row_word(rr.row);
      for (uint32_t k = 0; k < words; ++k) e[k] = free[k] & mask[k];
      return words;
    }
    std::fill(e, e + words, 0);
    for (uint32_t i = begin; i < end; ++i) e[(i - begin) / 64] |= uint64_t{m_.seats[i] == want_} << ((i - begin) % 64);
    for (uint32_t k = 0; k < words; ++k) e[k] &= mask[k];
    return words;
  }

  // Folds the block of quantity seats from `start` into `best`.
  void consider(uint32_t start, uint32_t begin, uint32_t end, Candidate& best) const {
    const uint32_t sum = l_.rank_sum(start, q_.quantity);
    // An orphan-free best already found can only lose to a lower rank sum:
    // skip the orphan checks of every block that cannot beat it.
    if (best.valid() && !best.orphan && sum >= best.rank_sum) return;
    Candidate c;
    c.start = start;
    c.rank_sum = sum;
    c.orphan = orphan_at(start - 1, begin, end, -1) || orphan_at(start + q_.quantity, begin, end, +1);
    if (c.better_than(best) && (!q_.accessible || accessible_ok(start))) best = c;
  }

  // Best block of the row, folded into `best`: only the starts of runs of
  // quantity eligible seats are looked at.
  void scan_row(const VenueLayout::RankedRow& rr, Candidate& best) const {
    uint64_t runs[kRowWordsMax];
    const uint32_t words = eligible_bits(rr, runs);
    keep_run_starts(runs, words, q_.quantity);
    const uint32_t begin = l_.row_begin(rr.row), end = l_.row_end(rr.row);
    for (uint32_t k = 0; k < words; ++k)
      for (uint64_t x = runs[k]; x != 0; x &= x - 1)
        consider(begin + 64 * k + static_cast<uint32_t>(std::countr_zero(x)), begin, end, best);
  }

  // Rules 1-5: the best block of the first tier that has one.
  bool block(std::vector<uint32_t>* out) const {
    const std::vector<VenueLayout::RankedRow>& rows = l_.rows_by_rank(q_.category_slot);
    const bool open_sale = q_.contingent_slot == 0;
    size_t i = 0;
    if (open_sale) {  // leading rows without a run of the quantity: skip them once
      const uint32_t n = std::min(q_.quantity, SeatMap::kRunCursors);
      uint32_t& skip = m_.short_rows_cursor(q_.category_slot, n);
      while (skip < rows.size() && !m_.may_hold_run(l_, rows[skip].row, n)) ++skip;
      i = skip;
    }
    for (; i < rows.size();) {
      const uint16_t tier = rows[i].rank;
      Candidate best;
      for (; i < rows.size() && rows[i].rank == tier; ++i)
        if (!open_sale || m_.may_hold_run(l_, rows[i].row, q_.quantity)) scan_row(rows[i], best);
      if (best.valid()) {
        for (uint32_t s = best.start; s < best.start + q_.quantity; ++s) out->push_back(s);
        return true;
      }
    }
    return false;
  }

  // Rule 6: best rows first; in each row, the group of its eligible seats
  // (in row order) with the lowest rank sum.
  bool split(std::vector<uint32_t>* out, std::vector<uint32_t>* scratch) const {
    const size_t first = out->size();
    uint32_t left = q_.quantity;
    for (const VenueLayout::RankedRow& rr : l_.rows_by_rank(q_.category_slot)) {
      const uint32_t row = rr.row;
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
  const uint32_t kind_;
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
