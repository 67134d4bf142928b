// Row bitsets: the seats of one row as bits in whole 64-bit words (bit j of
// word k = seat row_begin + 64k + j), the shape in which best-available
// looks for runs of N adjacent seats without touching seats one by one.
//
// Key design choice: every row starts on a word boundary (VenueLayout
// row_word), so a row is 1..kRowWordsMax words and bits past its end are
// always 0; a run search is then a few shifts and ANDs over those words.
// Pure functions over caller-owned words; no state.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>

#include "engine/limits.h"

namespace tessera::engine {

inline constexpr uint32_t kRowWordsMax = (kRowSeatsMax + 63) / 64;

// Words a row of `seats` seats occupies.
constexpr uint32_t row_words(uint32_t seats) { return (seats + 63) / 64; }

// r &= r >> shift, over the `words` words of one row (in place; words past
// the row read as 0).
inline void and_shifted_right(uint64_t* r, uint32_t words, uint32_t shift) {
  assert(shift >= 1 && words <= kRowWordsMax);
  const uint32_t q = shift / 64, s = shift % 64;
  for (uint32_t k = 0; k < words; ++k) {
    const uint64_t lo = k + q < words ? r[k + q] : 0;
    const uint64_t hi = k + q + 1 < words ? r[k + q + 1] : 0;
    r[k] &= s == 0 ? lo : (lo >> s) | (hi << (64 - s));
  }
}

// Turns a row's eligible seats into the starts of runs of n of them: bit j
// stays set iff bits j .. j+n-1 were all set. O(words * log n).
inline void keep_run_starts(uint64_t* r, uint32_t words, uint32_t n) {
  assert(n >= 1);
  for (uint32_t len = 1; len < n;) {
    const uint32_t step = std::min(len, n - len);  // runs of len AND runs of len shifted by step <= len
    and_shifted_right(r, words, step);
    len += step;
  }
}

// Length of the longest run of set bits over the `words` words of one row.
inline uint32_t longest_run(const uint64_t* r, uint32_t words) {
  uint32_t best = 0, carried = 0;  // carried: run reaching the top of the previous word
  for (uint32_t k = 0; k < words; ++k) {
    const uint64_t x = r[k];
    if (x == ~uint64_t{0}) {
      carried += 64;
      best = std::max(best, carried);
      continue;
    }
    best = std::max(best, carried + static_cast<uint32_t>(std::countr_one(x)));
    uint32_t inside = 0;  // each step shortens every run by one
    for (uint64_t y = x; y != 0; y &= y >> 1) ++inside;
    best = std::max(best, inside);
    carried = static_cast<uint32_t>(std::countl_one(x));
  }
  return best;
}

}  // namespace tessera::engine
