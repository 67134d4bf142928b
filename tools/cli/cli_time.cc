// Civil dates <-> days since the epoch (H. Hinnant's algorithms, proleptic
// Gregorian calendar) for the UTC dates; local times in a zone through
// base/local_time.h.
#include "tools/cli/cli_time.h"

#include <charconv>
#include <cstdio>

#include "base/local_time.h"
#include "engine/command.h"

namespace tessera::tools {

using engine::cat;

namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month, day;
};
Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

bool digits(std::string_view s, unsigned* out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

}  // namespace

Result<int64_t> parse_date_ms(std::string_view what, std::string_view text, DayPart part) {
  int64_t ms = 0;
  if (const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
      ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
    if (ms < 0) return Status::invalid_argument(cat(what, ": '", std::string(text), "' is before 1970"));
    return ms;
  }
  unsigned y = 0, m = 0, d = 0;
  const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-' && digits(text.substr(0, 4), &y) &&
                      digits(text.substr(5, 2), &m) && digits(text.substr(8, 2), &d);
  if (!shaped || y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
    return Status::invalid_argument(
        cat(what, ": '", std::string(text), "' is not a date (YYYY-MM-DD) or ms since the epoch"));
  const int64_t start = days_from_civil(y, m, d) * kDayMs;
  return part == DayPart::kStart ? start : start + kDayMs - 1;
}

std::string format_date(int64_t ms) {
  if (ms == 0) return "-";
  const int64_t days = ms >= 0 ? ms / kDayMs : (ms - kDayMs + 1) / kDayMs;
  const Civil c = civil_from_days(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month, c.day);
  return buf;
}

std::string format_date_time(int64_t ms) {
  if (ms == 0) return "-";
  const int64_t in_day = ((ms % kDayMs) + kDayMs) % kDayMs;
  char buf[16];
  std::snprintf(buf, sizeof buf, " %02lld:%02lld", static_cast<long long>(in_day / 3'600'000),
                static_cast<long long>(in_day / 60'000 % 60));
  return format_date(ms) + buf;
}

Result<int64_t> parse_local_time_ms(std::string_view what, std::string_view text, std::string_view zone) {
  int64_t ms = 0;
  if (const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
      ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
    if (ms < 0) return Status::invalid_argument(cat(what, ": '", std::string(text), "' is before 1970"));
    return ms;
  }
  auto local = LocalTime::make(zone);
  if (!local.is_ok()) return Status::invalid_argument(cat(what, ": ", local.status().message()));
  return local->time_ms(what, text);
}

}  // namespace tessera::tools
