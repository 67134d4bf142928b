// Row bands: how a catalog file writes the rows of a venue layout section.
//
// A band is one entry of a section's `rows`: consecutive row numbers that
// share their seat numbers, seat categories and seat flags; it expands to
// one LayoutRow per row number. Seat ranks follow the default rule (the one
// workload::grid_layout uses) unless a one-row band lists them. The writer
// groups rows into the fewest bands that expand back to exactly the same
// rows, so a 20,000-seat hall takes a page. Pure functions, any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "catalog/catalog_values.h"
#include "engine/commands_seats.h"

namespace tessera::catalog {

// The seat flags a band may list, with their keys in the file.
struct SeatFlagKey {
  std::string_view key;
  engine::SeatFlag flag;
};
inline constexpr std::array<SeatFlagKey, 4> kSeatFlagKeys = {{
    {"wheelchair", engine::kSeatWheelchair},
    {"companion", engine::kSeatCompanion},
    {"restricted_view", engine::kSeatRestrictedView},
    {"blocked", engine::kSeatBlockedByDefault},
}};

struct RowBand {
  NumberRun rows;                                                            // row numbers
  NumberRun seats;                                                           // seat numbers of each row
  uint8_t category_slot;                                                     // of every seat not in other_categories
  std::vector<std::pair<uint8_t, std::vector<NumberRun>>> other_categories;  // slot, its seats (disjoint)
  std::array<std::vector<NumberRun>, kSeatFlagKeys.size()> flag_seats;       // seats with each flag
  std::vector<uint16_t> ranks;  // explicit ranks (one-row band only); empty = default rule
};

// Rank of the seat at 0-based `position` of a row of `seat_count` seats
// that is the `row_index`-th (0-based) row of its section: rows first, then
// distance from the centre, as workload::grid_layout ranks them.
uint16_t default_rank(uint32_t row_index, uint32_t seat_count, uint32_t position);

// OK iff the band can expand: seat lists inside its seats, the seats of
// other categories disjoint, ranks only on one row and one per seat.
Status check_band(const RowBand& band);
// Appends the band's rows to `section`, ranking them by their position in
// it. REQUIRES check_band(band) is OK.
void expand_band(const RowBand& band, engine::LayoutSection* section);
// Bands expanding back to exactly section.rows. Error if a row has no seat,
// a seat number past 2^32 - 1, or a flag outside kSeatFlagsAll.
Result<std::vector<RowBand>> compress_rows(const engine::LayoutSection& section);

}  // namespace tessera::catalog
