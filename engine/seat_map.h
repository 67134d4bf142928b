// SeatMap: the seat states of one performance over its venue layout.
//
// Key design choice: two bytes per seat in one flat array — the state
// (free / taken by a live order / blocked) in the top two bits and the
// seat's contingent slot in the low 14 (0 = open sale; slot s names the
// performance's seated contingent contingent_slots[s - 1]). A seat keeps its
// slot while taken or blocked, so releasing or unblocking it restores its
// exact previous state. A 20,000-seat hall is 40 KB: it stays in L2.
// Derived (rebuilt on load): free open-sale seats per row, and the same
// seats as row bitsets (row_bits.h), in which best-available finds runs of
// N free seats with shifts and ANDs (best_available.h); cached per row, the
// longest such run, so rows without one are skipped with one compare.
// Invariants (Shard::check_invariants): every taken seat is in exactly one
// live order line, with the line's category and contingent; the quota
// counters of each seated category and contingent equal a recount of seats;
// row_free and free_bits equal a recount; a known row_run is exact.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <tuple>
#include <vector>

#include "engine/ids.h"
#include "engine/venue_layout.h"

namespace tessera::engine {

inline constexpr uint16_t kSeatFree = 0;
inline constexpr uint16_t kSeatTaken = 1u << 14;
inline constexpr uint16_t kSeatBlocked = 2u << 14;
inline constexpr uint16_t kSeatStateMask = 3u << 14;
inline constexpr uint16_t kSeatSlotMask = (1u << 14) - 1;

inline uint16_t seat_state(uint16_t v) { return v & kSeatStateMask; }
inline uint16_t seat_slot(uint16_t v) { return v & kSeatSlotMask; }

struct SeatMap {
  LayoutId layout = kNone;                 // kNone = no seated area
  std::vector<uint16_t> seats;             // state | contingent slot, per layout seat
  std::vector<uint32_t> contingent_slots;  // slot s >= 1 -> contingents index [s - 1]

  // Derived.
  uint32_t layout_index = 0;
  std::vector<uint16_t> row_free;   // free open-sale seats per row
  std::vector<uint64_t> free_bits;  // free open-sale seats, bit layout.seat_bit(seat)
  // Longest run of adjacent free open-sale seats per row, recomputed lazily
  // (kRunUnknown after a change). A cache: not state.
  static constexpr uint16_t kRunUnknown = 0xFFFF;
  mutable std::vector<uint16_t> row_run;
  // Per category slot and quantity q in 1 .. kRunCursors (the last one also
  // serves larger quantities): a position in layout.rows_by_rank(category)
  // before which no row has a run of q free open-sale seats, so an on-sale
  // that fills the best rows first does not re-skip them on every search.
  // Reset to 0 whenever a seat becomes free. A cache: not state.
  static constexpr uint32_t kRunCursors = 8;
  mutable std::vector<uint32_t> short_rows;

  bool present() const { return layout != kNone; }
  auto fields() const { return std::tie(layout, seats, contingent_slots); }

  // Fresh states for a performance of `venue`: seats free, in open sale,
  // except those blocked by default.
  void assign(const VenueLayout& venue, uint32_t index);
  // Recomputes row_free, free_bits and the caches from `seats`.
  void rebuild_derived(const VenueLayout& venue);

  // Longest run of free open-sale seats in `row` (cached).
  uint16_t longest_free_run(const VenueLayout& venue, uint32_t row) const {
    if (row_run[row] == kRunUnknown) row_run[row] = count_longest_run(venue, row);
    return row_run[row];
  }
  uint16_t count_longest_run(const VenueLayout& venue, uint32_t row) const;

  // True unless `row` certainly holds no run of `quantity` free open-sale seats.
  bool may_hold_run(const VenueLayout& venue, uint32_t row, uint32_t quantity) const {
    return row_free[row] >= quantity && longest_free_run(venue, row) >= quantity;
  }
  // The short_rows cursor that serves queries of `quantity` (>= 1) seats.
  uint32_t& short_rows_cursor(uint32_t category_slot, uint32_t quantity) const {
    return short_rows[category_slot * kRunCursors + std::min(quantity, kRunCursors) - 1];
  }

  // A state change of one seat that keeps the derived arrays exact.
  void set(const VenueLayout& venue, uint32_t seat, uint16_t value) {
    const uint16_t old = seats[seat];
    const uint32_t row = venue.row_of(seat), bit = venue.seat_bit(seat);
    row_free[row] = static_cast<uint16_t>(row_free[row] - (old == kSeatFree) + (value == kSeatFree));
    row_run[row] = kRunUnknown;
    const uint64_t mask = uint64_t{1} << (bit % 64);
    free_bits[bit / 64] = value == kSeatFree ? free_bits[bit / 64] | mask : free_bits[bit / 64] & ~mask;
    if (value == kSeatFree) std::fill(short_rows.begin(), short_rows.end(), 0);
    seats[seat] = value;
  }
};

}  // namespace tessera::engine
