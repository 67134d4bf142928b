// The text forms of a catalog file's values, shared by its reader and its
// writer: durations ("1d12h"), numbers and number lists ("1-2,7,10-12"),
// TOML strings, and date-times as local times of an IANA time zone.
//
// Each parse function returns an error message without a location (the
// reader adds "SOURCE:LINE: "); each format function gives the form its
// parse function reads back exactly. Pure functions, any thread (the time
// zone database of date/tz is loaded once, thread-safely, on first use).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "engine/reply.h"

namespace date {
class time_zone;
}

namespace tessera::catalog {

// ---- Words: expiry policies and booking kinds.
inline constexpr std::array<std::pair<std::string_view, engine::ExpiryPolicy>, 3> kExpiryPolicies = {{
    {"release-at-deadline", engine::ExpiryPolicy::kReleaseAtDeadline},
    {"overdue-then-archive", engine::ExpiryPolicy::kOverdueThenArchive},
    {"keep-until-released", engine::ExpiryPolicy::kKeepUntilReleased},
}};
inline constexpr std::array<std::pair<std::string_view, engine::BookingKind>, 2> kBookingKinds = {{
    {"option", engine::BookingKind::kOption},
    {"reservation", engine::BookingKind::kReservation},
}};
// The word of a policy ("?" for a value outside the table).
constexpr std::string_view expiry_word(engine::ExpiryPolicy policy) {
  for (const auto& [word, p] : kExpiryPolicies)
    if (p == policy) return word;
  return "?";
}

// ---- Durations: "<n>d<n>h<n>m<n>s<n>ms", parts optional but in that order.
Result<int64_t> parse_duration_ms(std::string_view text);
// The shortest text giving back `ms` ("90s", "36h", "1d1ms"); "0s" for 0.
// REQUIRES ms >= 0.
std::string format_duration_ms(int64_t ms);

// ---- Numbers and runs of consecutive numbers (row and seat numbers).
struct NumberRun {
  uint32_t first;
  uint32_t last;  // >= first
  uint64_t size() const { return uint64_t{last} - first + 1; }
};
// "N" or "N-M" with N <= M.
Result<NumberRun> parse_number_run(std::string_view text);
// Comma-separated runs ("1-2,7,10-12", spaces allowed around commas): each
// run well formed, no number listed twice. Returned in ascending order.
Result<std::vector<NumberRun>> parse_number_list(std::string_view text);
std::string format_number_run(NumberRun run);
// REQUIRES runs sorted, disjoint and not touching (as collect_runs gives).
std::string format_number_list(const std::vector<NumberRun>& runs);
// The maximal runs of the ascending numbers `numbers`.
std::vector<NumberRun> collect_runs(const std::vector<uint32_t>& numbers);

// ---- TOML basic string, quoted and escaped.
std::string quote_string(std::string_view text);

// ---- Date-times.
// A TOML date-time as written: fields in the file, offset only if written.
struct DateTimeText {
  int32_t year;
  uint32_t month, day, hour, minute, second, nanosecond;
  std::optional<int32_t> offset_minutes;
};
// REQUIRES: the name is an IANA zone of the OS tz database ("Europe/Paris").
Result<const date::time_zone*> find_time_zone(std::string_view name);
// Milliseconds since the Unix epoch of `t`: a local time of `zone` when it
// has no offset. Errors: sub-millisecond precision, a local time that does
// not exist or exists twice in the zone (the message says to write an
// offset).
Result<int64_t> date_time_to_ms(const date::time_zone* zone, const DateTimeText& t);
// `ms` as a TOML date-time: the local time in `zone`, or the local time
// with its offset where the local time exists twice. Milliseconds only
// when not zero. Error if the year is outside 0001..9999.
Result<std::string> format_date_time(const date::time_zone* zone, int64_t ms);

}  // namespace tessera::catalog
