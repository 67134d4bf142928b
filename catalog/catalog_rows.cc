// Row bands: expansion (reader) and grouping (writer).
#include "catalog/catalog_rows.h"

#include <algorithm>
#include <limits>

#include "base/strings.h"

namespace tessera::catalog {

using engine::LayoutRow;
using engine::LayoutSeat;
using engine::LayoutSection;

namespace {

bool contains(const std::vector<NumberRun>& runs, uint32_t n) {
  return std::any_of(runs.begin(), runs.end(), [n](NumberRun r) { return r.first <= n && n <= r.last; });
}

Status check_inside(const std::vector<NumberRun>& runs, NumberRun seats, std::string_view what) {
  for (NumberRun r : runs)
    if (r.first < seats.first || r.last > seats.last)
      return Status::invalid_argument(
          cat(what, " seats ", format_number_run(r), " are not among the band's seats ", format_number_run(seats)));
  return Status::ok();
}

bool default_ranks(const LayoutRow& row, uint32_t row_index) {
  const uint32_t n = static_cast<uint32_t>(row.seats.size());
  for (uint32_t i = 0; i < n; ++i)
    if (row.seats[i].rank != default_rank(row_index, n, i)) return false;
  return true;
}

bool same_seats(const LayoutRow& a, const LayoutRow& b) {
  if (a.first_seat_number != b.first_seat_number || a.seats.size() != b.seats.size()) return false;
  for (size_t i = 0; i < a.seats.size(); ++i)
    if (a.seats[i].category_slot != b.seats[i].category_slot || a.seats[i].flags != b.seats[i].flags) return false;
  return true;
}

// The band of one row: its most frequent category is the band's.
RowBand band_of_row(const LayoutRow& row) {
  RowBand band{};
  band.rows = NumberRun{row.row_number, row.row_number};
  band.seats = NumberRun{row.first_seat_number, row.first_seat_number + static_cast<uint32_t>(row.seats.size()) - 1};
  std::array<uint32_t, 256> count{};
  for (const LayoutSeat& s : row.seats) ++count[s.category_slot];
  band.category_slot = static_cast<uint8_t>(std::max_element(count.begin(), count.end()) - count.begin());
  for (size_t slot = 0; slot < count.size(); ++slot) {
    if (slot == band.category_slot || count[slot] == 0) continue;
    std::vector<uint32_t> numbers;
    for (uint32_t i = 0; i < row.seats.size(); ++i)
      if (row.seats[i].category_slot == slot) numbers.push_back(row.first_seat_number + i);
    band.other_categories.emplace_back(static_cast<uint8_t>(slot), collect_runs(numbers));
  }
  for (size_t f = 0; f < kSeatFlagKeys.size(); ++f) {
    std::vector<uint32_t> numbers;
    for (uint32_t i = 0; i < row.seats.size(); ++i)
      if (row.seats[i].flags & kSeatFlagKeys[f].flag) numbers.push_back(row.first_seat_number + i);
    band.flag_seats[f] = collect_runs(numbers);
  }
  return band;
}

}  // namespace

uint16_t default_rank(uint32_t row_index, uint32_t seat_count, uint32_t position) {
  const uint32_t n = seat_count, i = position;
  const uint64_t off = 2 * i + 1 > n ? (2 * i + 1 - n) / 2 : (n - 2 * i - 1) / 2;
  const uint64_t rank = uint64_t{row_index} * (n / 2 + 1) + off;
  return static_cast<uint16_t>(std::min<uint64_t>(65535, rank));
}

Status check_band(const RowBand& band) {
  for (size_t f = 0; f < kSeatFlagKeys.size(); ++f) {
    Status s = check_inside(band.flag_seats[f], band.seats, kSeatFlagKeys[f].key);
    if (!s.is_ok()) return s;
  }
  std::vector<NumberRun> taken;
  for (const auto& [slot, runs] : band.other_categories) {
    Status s = check_inside(runs, band.seats, "other_categories");
    if (!s.is_ok()) return s;
    for (NumberRun r : runs)
      for (NumberRun t : taken)
        if (r.first <= t.last && t.first <= r.last)
          return Status::invalid_argument(cat("other_categories give seats ", format_number_run(r), " and ",
                                              format_number_run(t), " that overlap"));
    taken.insert(taken.end(), runs.begin(), runs.end());
  }
  if (!band.ranks.empty()) {
    if (band.rows.size() != 1)
      return Status::invalid_argument("ranks can be listed only for a single row: write rows = \"N\"");
    if (band.ranks.size() != band.seats.size())
      return Status::invalid_argument(
          cat("ranks lists ", band.ranks.size(), " values for ", band.seats.size(), " seats"));
  }
  return Status::ok();
}

void expand_band(const RowBand& band, LayoutSection* section) {
  const uint32_t n = static_cast<uint32_t>(band.seats.size());
  for (uint64_t r = band.rows.first; r <= band.rows.last; ++r) {
    const uint32_t row_index = static_cast<uint32_t>(section->rows.size());
    LayoutRow row{static_cast<uint32_t>(r), band.seats.first, {}};
    row.seats.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t number = band.seats.first + i;
      LayoutSeat seat{band.category_slot, 0, band.ranks.empty() ? default_rank(row_index, n, i) : band.ranks[i]};
      for (const auto& [slot, runs] : band.other_categories)
        if (contains(runs, number)) seat.category_slot = slot;
      for (size_t f = 0; f < kSeatFlagKeys.size(); ++f)
        if (contains(band.flag_seats[f], number)) seat.flags |= kSeatFlagKeys[f].flag;
      row.seats.push_back(seat);
    }
    section->rows.push_back(std::move(row));
  }
}

Result<std::vector<RowBand>> compress_rows(const LayoutSection& section) {
  std::vector<RowBand> bands;
  const LayoutRow* band_first = nullptr;  // first row of bands.back() when it may grow
  for (uint32_t index = 0; index < section.rows.size(); ++index) {
    const LayoutRow& row = section.rows[index];
    if (row.seats.empty()) return Status::invalid_argument(cat("row ", row.row_number, " has no seat"));
    if (row.seats.size() - 1 > std::numeric_limits<uint32_t>::max() - row.first_seat_number)
      return Status::invalid_argument(cat("row ", row.row_number, " numbers seats past 4294967295"));
    for (const LayoutSeat& s : row.seats)
      if (s.flags & ~engine::kSeatFlagsAll)
        return Status::invalid_argument(cat("row ", row.row_number, " has a seat with unknown flags ", s.flags));
    const bool ranked_by_rule = default_ranks(row, index);
    if (ranked_by_rule && band_first && bands.back().rows.last != std::numeric_limits<uint32_t>::max() &&
        row.row_number == bands.back().rows.last + 1 && same_seats(*band_first, row)) {
      bands.back().rows.last = row.row_number;
      continue;
    }
    bands.push_back(band_of_row(row));
    band_first = ranked_by_rule ? &row : nullptr;
    if (!ranked_by_rule)
      for (const LayoutSeat& s : row.seats) bands.back().ranks.push_back(s.rank);
  }
  return bands;
}

}  // namespace tessera::catalog
