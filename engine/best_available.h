// Best available: which seats of a seat map to offer for "N seats of
// category C" — a pure function over a layout and a seat map.
//
// Rules, in order:
//  1. N adjacent seats in one row (a row runs between aisles), all free, in
//     the asked category and contingent slot.
//  2. Best rows first: rows are taken in order of their rank (their best
//     seat's rank); rows of equal rank form one quality tier, and the whole
//     tier is compared before a worse tier is looked at.
//  3. Within a tier, a block that leaves no single orphan seat (one free seat
//     between the block and an aisle, a taken or a blocked seat) beats one
//     that does; then the lower sum of seat ranks; then the lower index.
//  4. Wheelchair spaces and companion seats are offered only to accessible
//     requests, and then together: an accessible block holds only such
//     seats, at least one wheelchair space and (N >= 2) one companion seat.
//  5. Restricted-view seats are offered only to requests that allow them
//     (kSeatOptionAllowRestrictedView): a buyer who asks for "the best 2"
//     expects to see the stage, so such a request is refused rather than
//     given an obstructed view; a client may retry allowing them.
//  6. Only with allow_split and when no block fits anywhere: seats across
//     rows, best rows first, each row's share as one group of its best seats.
// Cost: O(rows examined * words per row * log N + blocks considered). A row
// is searched as bits (row_bits.h): its eligible seats are the free bits of
// the seat map ANDed with a layout mask, and runs of N are found with shifts
// and ANDs, so only the starts of real blocks are rank-summed and
// orphan-checked. Open-sale requests skip rows with fewer than N free
// open-sale seats, or without a run of N of them, with one compare each (the
// longest run is cached per row), and skip the leading rows without such a
// run once, not on every search (a cursor per category and quantity).
// Allocates nothing once the scratch vectors have grown.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/seat_map.h"
#include "engine/venue_layout.h"

namespace tessera::engine {

struct SeatQuery {
  uint32_t category_slot;
  uint16_t contingent_slot;  // 0 = open sale
  uint32_t quantity;         // >= 1
  bool accessible = false;
  bool allow_split = false;
  bool allow_restricted_view = false;
};

// Appends the chosen seats to *out in ascending index order and returns
// true, or returns false (and leaves *out as it was) when none fit.
// `scratch` is working space (contents unspecified on return).
bool choose_best_available(const VenueLayout& layout, const SeatMap& map, const SeatQuery& query,
                           std::vector<uint32_t>* out, std::vector<uint32_t>* scratch);

}  // namespace tessera::engine
