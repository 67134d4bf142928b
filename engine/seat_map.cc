// SeatMap: initial states and the derived per-row free counts.
#include "engine/seat_map.h"

namespace tessera::engine {

void SeatMap::assign(const VenueLayout& l, uint32_t index) {
  layout = l.id;
  layout_index = index;
  seats.assign(l.seat_count(), kSeatFree);
  for (uint32_t i = 0; i < l.seat_count(); ++i)
    if (l.seat_flags[i] & kSeatBlockedByDefault) seats[i] = kSeatBlocked;
  contingent_slots.clear();
  rebuild_row_free(l);
}

void SeatMap::rebuild_row_free(const VenueLayout& l) {
  row_run.assign(l.row_count(), kRunUnknown);
  sold_out_rows.assign(l.categories.size(), 0);
  row_free.assign(l.row_count(), 0);
  for (uint32_t r = 0; r < l.row_count(); ++r)
    for (uint32_t i = l.row_begin(r); i < l.row_end(r); ++i) row_free[r] += seats[i] == kSeatFree;
}

uint16_t SeatMap::count_longest_run(const VenueLayout& l, uint32_t row) const {
  uint32_t best = 0, run = 0;
  for (uint32_t i = l.row_begin(row); i < l.row_end(row); ++i) {
    run = seats[i] == kSeatFree ? run + 1 : 0;
    best = run > best ? run : best;
  }
  return static_cast<uint16_t>(best < kRunUnknown ? best : kRunUnknown - 1);
}

}  // namespace tessera::engine
