// VenueLayout: the seat plan of a hall — sections, rows, seats — defined
// once (DefineVenueLayout, on every shard) and shared by every performance
// assigned to it; each performance keeps its own seat states (seat_map.h).
//
// Key design choice: structure of arrays over seat indexes. A seat is named
// by its index; rows are contiguous index ranges (row_first), so a row scan
// is a linear walk over a few bytes per seat. Per seat the layout stores
// 4 bytes (category slot u8, flags u8, rank u16); the names of sections and
// the numbers of rows live per row. Derived indexes (each seat's row and
// rank prefix, each row's rank and first bit word, per category the rows
// holding it in best-first order with their search masks) are rebuilt from
// the primary arrays on load: 8 more bytes per seat and, per row and
// category, 4 mask words per 64 seats.
// Invariants (validate()): row_first is increasing from 0 to the seat count;
// every row holds 1..kRowSeatsMax seats; every category slot names a
// category of `categories`.
// Thread-safety: none; owned by one shard thread (each shard has a copy).
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/command.h"
#include "engine/ids.h"

namespace tessera::engine {

class Catalog;

class VenueLayout {
 public:
  static constexpr int kNoCategorySlot = -1;

  // Builds a layout from its definition. Returns kOk or a refusal naming the
  // first bad section/row/seat; `out` is then unspecified.
  static Reply build(const DefineVenueLayout& c, const Catalog& catalog, VenueLayout* out);

  // The command that defines this layout (ExportCatalog).
  DefineVenueLayout definition() const;

  // Checks the primary arrays (snapshot load) and rebuilds derived indexes.
  Status validate_and_index(const Catalog& catalog);

  uint32_t seat_count() const { return static_cast<uint32_t>(seat_category.size()); }
  uint32_t row_count() const { return static_cast<uint32_t>(row_number.size()); }
  uint32_t row_begin(uint32_t row) const { return row_first[row]; }
  uint32_t row_end(uint32_t row) const { return row_first[row + 1]; }
  // REQUIRES seat < seat_count(). O(1).
  uint32_t row_of(uint32_t seat) const {
    assert(seat < seat_count());
    return seat_row_[seat];
  }
  CategoryId category_of(uint32_t seat) const { return categories[seat_category[seat]]; }
  // Slot of a category in this layout, or kNoCategorySlot.
  int category_slot(CategoryId category) const;

  // A row holding seats of a category, and where its search masks start in
  // search_masks(): kSearchMasks masks of row_words(seats of the row) words,
  // mask m = the row's seats of the category that a query of kind m may get.
  struct RankedRow {
    uint32_t row;
    uint32_t masks;
    uint16_t rank;  // row_rank(row), here so that a search walks one array
  };
  static constexpr uint32_t kSearchMasks = 4;
  // The search mask kind of a query (see best_available.h for the rules).
  static constexpr uint32_t search_mask_kind(bool accessible, bool allow_restricted_view) {
    return (accessible ? 2u : 0u) + (allow_restricted_view ? 1u : 0u);
  }
  // Rows holding seats of a category slot, best first (row rank, then index).
  const std::vector<RankedRow>& rows_by_rank(uint32_t category_slot) const { return rows_by_rank_[category_slot]; }
  const std::vector<uint64_t>& search_masks() const { return search_masks_; }
  uint16_t row_rank(uint32_t row) const { return row_rank_[row]; }

  // Row bitsets (row_bits.h): each row starts at word row_word(row) of a
  // bit space of word_count() words; seat s is bit seat_bit(s).
  uint32_t row_word(uint32_t row) const { return row_word_[row]; }
  uint32_t word_count() const { return row_word_.empty() ? 0 : row_word_.back(); }
  uint32_t seat_bit(uint32_t seat) const {
    const uint32_t row = row_of(seat);
    return row_word_[row] * 64 + (seat - row_first[row]);
  }
  // Sum of the ranks of seats [first, first + n). REQUIRES: one row. O(1).
  uint32_t rank_sum(uint32_t first, uint32_t n) const {
    assert(n >= 1 && row_of(first) == row_of(first + n - 1));
    return rank_before_[first + n - 1] + seat_rank[first + n - 1] - rank_before_[first];
  }
  // Where a seat is, as the venue names it: its section (index into
  // section_names), row number and seat number. REQUIRES seat < seat_count().
  struct Place {
    uint32_t section;
    uint32_t row_number;
    uint32_t seat_number;
  };
  Place place(uint32_t seat) const;
  // "seat 123 (Orchestre row 4 no 7)", for messages.
  std::string describe(uint32_t seat) const;

  // Primary state.
  LayoutId id = kNone;
  std::string name;
  std::vector<CategoryId> categories;
  std::vector<std::string> section_names;
  std::vector<uint32_t> section_first_row;  // row index of each section's first row
  std::vector<uint32_t> row_number;
  std::vector<uint32_t> row_first_seat_number;
  std::vector<uint32_t> row_first;     // seat index of each row's first seat, + seat count at the end
  std::vector<uint8_t> seat_category;  // slot into categories
  std::vector<uint8_t> seat_flags;     // SeatFlag bits
  std::vector<uint16_t> seat_rank;     // lower is better

  auto fields() const {
    return std::tie(id, name, categories, section_names, section_first_row, row_number, row_first_seat_number,
                    row_first, seat_category, seat_flags, seat_rank);
  }

 private:
  void index();
  void index_seats();
  void index_search_masks();
  void add_search_masks(uint32_t row, uint32_t category_slot);

  std::vector<uint32_t> seat_row_;                    // row of each seat
  std::vector<uint32_t> rank_before_;                 // sum of the ranks of the seats before it in its row
  std::vector<uint16_t> row_rank_;                    // best seat rank of the row
  std::vector<uint32_t> row_word_;                    // first bit word of each row, + word count at the end
  std::vector<std::vector<RankedRow>> rows_by_rank_;  // per category slot
  std::vector<uint64_t> search_masks_;
};

}  // namespace tessera::engine
