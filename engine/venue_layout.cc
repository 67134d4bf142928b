// Venue layouts: building one from its definition, validating a loaded one,
// and the derived best-first row indexes.
#include "engine/venue_layout.h"

#include <algorithm>
#include <cassert>

#include "engine/catalog.h"
#include "engine/limits.h"
#include "engine/row_bits.h"

namespace tessera::engine {

namespace {

Reply check_categories(const std::vector<CategoryId>& categories, const Catalog& catalog) {
  if (categories.empty() || categories.size() > kLayoutCategoriesMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a layout has 1 to ", kLayoutCategoriesMax, " categories"));
  for (size_t i = 0; i < categories.size(); ++i) {
    if (!catalog.has_category(categories[i]))
      return refuse(ReplyCode::kNotFound, cat("category ", categories[i], " not found"));
    for (size_t j = 0; j < i; ++j)
      if (categories[j] == categories[i])
        return refuse(ReplyCode::kInvalidArgument, cat("category ", categories[i], " is listed twice"));
  }
  return Reply{};
}

}  // namespace

Reply VenueLayout::build(const DefineVenueLayout& c, const Catalog& catalog, VenueLayout* out) {
  if (is_reserved_id(c.layout)) return refuse(ReplyCode::kInvalidArgument, cat("layout id ", c.layout, " is reserved"));
  if (!valid_name(c.name))
    return refuse(ReplyCode::kInvalidArgument, cat("layout name must have 1 to ", kNameLengthMax, " bytes"));
  Reply r = check_categories(c.categories, catalog);
  if (!r.ok()) return r;
  if (c.sections.empty() || c.sections.size() > kLayoutSectionsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a layout has 1 to ", kLayoutSectionsMax, " sections"));
  uint64_t seats = 0;
  for (const LayoutSection& s : c.sections) {
    if (!valid_name(s.name))
      return refuse(ReplyCode::kInvalidArgument, cat("section names must have 1 to ", kNameLengthMax, " bytes"));
    if (s.rows.empty()) return refuse(ReplyCode::kInvalidArgument, cat("section ", s.name, " has no rows"));
    for (const LayoutRow& row : s.rows) {
      if (row.seats.empty() || row.seats.size() > kRowSeatsMax)
        return refuse(ReplyCode::kInvalidArgument,
                      cat("section ", s.name, " row ", row.row_number, " must have 1 to ", kRowSeatsMax, " seats"));
      seats += row.seats.size();
      for (const LayoutSeat& seat : row.seats) {
        if (seat.category_slot >= c.categories.size() || (seat.flags & ~kSeatFlagsAll) != 0)
          return refuse(ReplyCode::kInvalidArgument,
                        cat("section ", s.name, " row ", row.row_number, ": a seat has a bad category slot or flags"));
      }
    }
    if (seats > kLayoutSeatsMax)
      return refuse(ReplyCode::kLimitExceeded, cat("a layout has at most ", kLayoutSeatsMax, " seats"));
  }
  VenueLayout& l = *out;
  l = VenueLayout{};
  l.id = c.layout;
  l.name = c.name;
  l.categories = c.categories;
  l.seat_category.reserve(seats);
  l.seat_flags.reserve(seats);
  l.seat_rank.reserve(seats);
  for (const LayoutSection& s : c.sections) {
    l.section_names.push_back(s.name);
    l.section_first_row.push_back(static_cast<uint32_t>(l.row_number.size()));
    for (const LayoutRow& row : s.rows) {
      l.row_number.push_back(row.row_number);
      l.row_first_seat_number.push_back(row.first_seat_number);
      l.row_first.push_back(static_cast<uint32_t>(l.seat_category.size()));
      for (const LayoutSeat& seat : row.seats) {
        l.seat_category.push_back(seat.category_slot);
        l.seat_flags.push_back(seat.flags);
        l.seat_rank.push_back(seat.rank);
      }
    }
  }
  l.row_first.push_back(static_cast<uint32_t>(l.seat_category.size()));
  l.index();
  r.value = l.seat_count();
  return r;
}

Status VenueLayout::validate_and_index(const Catalog& catalog) {
  auto bad = [this](const char* what) { return Status::invalid_argument(cat("snapshot: layout ", id, " ", what)); };
  if (!check_categories(categories, catalog).ok()) return bad("has bad categories");
  const size_t seats = seat_category.size();
  const size_t rows = row_number.size();
  if (seats == 0 || seats > kLayoutSeatsMax || seat_flags.size() != seats || seat_rank.size() != seats)
    return bad("has inconsistent seat arrays");
  if (rows == 0 || row_first_seat_number.size() != rows || row_first.size() != rows + 1 || row_first[0] != 0 ||
      row_first[rows] != seats)
    return bad("has inconsistent row arrays");
  for (size_t r = 0; r < rows; ++r)
    if (row_first[r + 1] <= row_first[r] || row_first[r + 1] - row_first[r] > kRowSeatsMax)
      return bad("has a row out of range");
  if (section_names.empty() || section_names.size() != section_first_row.size() || section_first_row[0] != 0)
    return bad("has inconsistent sections");
  for (size_t s = 1; s < section_first_row.size(); ++s)
    if (section_first_row[s] <= section_first_row[s - 1] || section_first_row[s] >= rows)
      return bad("has a section out of range");
  for (size_t i = 0; i < seats; ++i)
    if (seat_category[i] >= categories.size() || (seat_flags[i] & ~kSeatFlagsAll) != 0)
      return bad("has a seat with a bad category or flags");
  index();
  return Status();
}

void VenueLayout::index() {
  index_seats();
  index_search_masks();
}

// Per seat its row and rank prefix; per row its rank and first bit word.
void VenueLayout::index_seats() {
  const uint32_t rows = row_count();
  seat_row_.resize(seat_count());
  rank_before_.resize(seat_count());
  row_rank_.assign(rows, UINT16_MAX);
  row_word_.assign(rows + 1, 0);
  for (uint32_t r = 0; r < rows; ++r) {
    uint32_t before = 0;
    for (uint32_t i = row_begin(r); i < row_end(r); ++i) {
      seat_row_[i] = r;
      rank_before_[i] = before;
      before += seat_rank[i];
      row_rank_[r] = std::min(row_rank_[r], seat_rank[i]);
    }
    row_word_[r + 1] = row_word_[r] + row_words(row_end(r) - row_begin(r));
  }
}

// Per category slot, the rows holding it best first, each with its masks.
void VenueLayout::index_search_masks() {
  rows_by_rank_.assign(categories.size(), {});
  search_masks_.clear();
  std::vector<uint8_t> has(categories.size());
  for (uint32_t r = 0; r < row_count(); ++r) {
    std::fill(has.begin(), has.end(), 0);
    for (uint32_t i = row_begin(r); i < row_end(r); ++i) has[seat_category[i]] = 1;
    for (uint32_t k = 0; k < has.size(); ++k)
      if (has[k]) add_search_masks(r, k);
  }
  for (auto& list : rows_by_rank_)
    std::stable_sort(list.begin(), list.end(), [](const RankedRow& a, const RankedRow& b) { return a.rank < b.rank; });
}

// Mask kind m of (row, category slot k): seats of k that are wheelchair or
// companion seats iff m is accessible, restricted-view ones only if m allows.
void VenueLayout::add_search_masks(uint32_t row, uint32_t k) {
  const uint32_t words = row_words(row_end(row) - row_begin(row));
  const size_t at = search_masks_.size();
  assert(at + size_t{kSearchMasks} * words <= UINT32_MAX);
  rows_by_rank_[k].push_back(RankedRow{row, static_cast<uint32_t>(at), row_rank_[row]});
  search_masks_.resize(at + kSearchMasks * words, 0);
  for (uint32_t i = row_begin(row); i < row_end(row); ++i) {
    if (seat_category[i] != k) continue;
    const bool special = (seat_flags[i] & (kSeatWheelchair | kSeatCompanion)) != 0;
    const uint32_t bit = i - row_begin(row);
    const bool restricted = (seat_flags[i] & kSeatRestrictedView) != 0;
    for (const bool allow : {false, true})
      if (allow || !restricted)
        search_masks_[at + search_mask_kind(special, allow) * words + bit / 64] |= uint64_t{1} << (bit % 64);
  }
}

int VenueLayout::category_slot(CategoryId category) const {
  for (size_t i = 0; i < categories.size(); ++i)
    if (categories[i] == category) return static_cast<int>(i);
  return kNoCategorySlot;
}

VenueLayout::Place VenueLayout::place(uint32_t seat) const {
  assert(seat < seat_count());
  const uint32_t row = row_of(seat);
  const auto sec = std::upper_bound(section_first_row.begin(), section_first_row.end(), row) - 1;
  return Place{static_cast<uint32_t>(sec - section_first_row.begin()), row_number[row],
               row_first_seat_number[row] + (seat - row_begin(row))};
}

std::string VenueLayout::describe(uint32_t seat) const {
  if (seat >= seat_count()) return cat("seat ", seat, " (not in layout ", id, ")");
  const Place p = place(seat);
  return cat("seat ", seat, " (", section_names[p.section], " row ", p.row_number, " no ", p.seat_number, ")");
}

}  // namespace tessera::engine
