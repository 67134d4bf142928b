// SeatMap: initial states and the derived per-row free counts and bits.
#include "engine/seat_map.h"

#include <cassert>

#include "engine/row_bits.h"

namespace tessera::engine {

void SeatMap::assign(const VenueLayout& l, uint32_t index) {
  layout = l.id;
  layout_index = index;
  seats.assign(l.seat_count(), kSeatFree);
  for (uint32_t i = 0; i < l.seat_count(); ++i)
    if (l.seat_flags[i] & kSeatBlockedByDefault) seats[i] = kSeatBlocked;
  contingent_slots.clear();
  rebuild_derived(l);
}

void SeatMap::rebuild_derived(const VenueLayout& l) {
  short_rows.assign(l.categories.size() * kRunCursors, 0);
  row_run.assign(l.row_count(), kRunUnknown);
  row_free.assign(l.row_count(), 0);
  free_bits.assign(l.word_count(), 0);
  for (uint32_t r = 0; r < l.row_count(); ++r) {
    for (uint32_t i = l.row_begin(r); i < l.row_end(r); ++i) {
      if (seats[i] != kSeatFree) continue;
      ++row_free[r];
      const uint32_t bit = l.seat_bit(i);
      free_bits[bit / 64] |= uint64_t{1} << (bit % 64);
    }
  }
}

uint16_t SeatMap::count_longest_run(const VenueLayout& l, uint32_t row) const {
  const uint32_t words = row_words(l.row_end(row) - l.row_begin(row));
  const uint32_t run = longest_run(free_bits.data() + l.row_word(row), words);
  assert(run <= kRowSeatsMax);  // < kRunUnknown
  return static_cast<uint16_t>(run);
}

}  // namespace tessera::engine
