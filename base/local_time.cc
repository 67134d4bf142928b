// LocalTime: date/tz conversions and the two languages' formats.
#include "base/local_time.h"

#include <date/tz.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <sstream>

#include "base/strings.h"

namespace tessera {

namespace {

using Ms = std::chrono::milliseconds;

bool parse_with(const std::string& text, const char* format, date::local_seconds* out) {
  std::istringstream in(text);
  in >> date::parse(format, *out);
  return !in.fail() && in.peek() == std::char_traits<char>::eof();
}

}  // namespace

Result<LocalTime> LocalTime::make(std::string_view zone, std::string_view language) {
  LocalTime out;
  if (language == "fr") {
    out.language_ = Language::kFrench;
  } else if (language != "en") {
    return Status::invalid_argument(cat("language '", std::string(language), "' is not en or fr"));
  }
  if (zone == "UTC" || zone == "Etc/UTC") return out;
  try {
    out.zone_ = date::locate_zone(zone);
  } catch (const std::exception&) {
    return Status::invalid_argument(cat("unknown time zone '", std::string(zone), "' (an IANA name: Europe/Paris)"));
  }
  out.zone_name_ = std::string(zone);
  return out;
}

Result<int64_t> LocalTime::day_ms(std::string_view what, std::string_view text, DayPart part) const {
  date::local_seconds day;
  const std::string s(text);
  // Exactly 10 characters: digits, and the separators where they belong.
  auto shaped = [&s](size_t a, size_t b, char sep) {
    if (s.size() != 10 || s[a] != sep || s[b] != sep) return false;
    for (size_t i = 0; i < s.size(); ++i)
      if (i != a && i != b && (s[i] < '0' || s[i] > '9')) return false;
    return true;
  };
  const bool iso = shaped(4, 7, '-'), french = shaped(2, 5, '.');
  if (!(iso && parse_with(s, "%Y-%m-%d", &day)) && !(french && parse_with(s, "%d.%m.%Y", &day)))
    return Status::invalid_argument(cat(what, ": '", s, "' is not a date (YYYY-MM-DD or DD.MM.YYYY)"));
  // The day's first instant, and the next day's: midnight may not exist at a
  // clock change, so take the earliest instant at or after it.
  auto first_instant = [this](date::local_seconds midnight) -> int64_t {
    if (!zone_) return std::chrono::duration_cast<Ms>(midnight.time_since_epoch()).count();
    const date::local_info info = zone_->get_info(midnight);
    date::sys_seconds at;
    if (info.result == date::local_info::nonexistent) {
      at = info.second.begin;  // the gap's end
    } else {
      at = zone_->to_sys(midnight, date::choose::earliest);
    }
    return std::chrono::duration_cast<Ms>(at.time_since_epoch()).count();
  };
  const int64_t start = first_instant(day);
  const int64_t ms = part == DayPart::kStart ? start : first_instant(day + date::days{1}) - 1;
  if (start < 0) return Status::invalid_argument(cat(what, ": '", s, "' is before 1970"));
  return ms;
}

Result<int64_t> LocalTime::time_ms(std::string_view what, std::string_view text) const {
  std::string s(text);
  if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
  date::local_seconds local;
  if (!parse_with(s, "%Y-%m-%dT%H:%M:%S", &local) && !parse_with(s, "%Y-%m-%dT%H:%M", &local))
    return Status::invalid_argument(cat(what, ": '", std::string(text), "' is not YYYY-MM-DDTHH:MM[:SS]"));
  int64_t ms = 0;
  if (!zone_) {
    ms = std::chrono::duration_cast<Ms>(local.time_since_epoch()).count();
  } else {
    try {
      ms = std::chrono::duration_cast<Ms>(zone_->to_sys(local).time_since_epoch()).count();
    } catch (const date::nonexistent_local_time&) {
      return Status::invalid_argument(
          cat(what, ": ", std::string(text), " does not exist in ", zone_name_, " (the clocks skip it)"));
    } catch (const date::ambiguous_local_time&) {
      return Status::invalid_argument(cat(what, ": ", std::string(text), " happens twice in ", zone_name_,
                                          " (the clocks go back): give it in ms, or pick another minute"));
    }
  }
  if (ms < 0) return Status::invalid_argument(cat(what, ": '", std::string(text), "' is before 1970"));
  return ms;
}

LocalTime::Civil LocalTime::civil(int64_t ms) const {
  const date::sys_time<Ms> at{Ms{ms}};
  const date::local_time<Ms> local = zone_ ? zone_->to_local(at) : date::local_time<Ms>{at.time_since_epoch()};
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<Ms> hms{local - day};
  return Civil{static_cast<int>(ymd.year()),
               static_cast<unsigned>(ymd.month()),
               static_cast<unsigned>(ymd.day()),
               static_cast<unsigned>(hms.hours().count()),
               static_cast<unsigned>(hms.minutes().count()),
               static_cast<unsigned>(hms.seconds().count())};
}

std::string LocalTime::file_stamp(int64_t ms) const {
  const Civil c = civil(ms);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u-%02u%02u%02u", c.year, c.month, c.day, c.hour, c.minute, c.second);
  return buf;
}

std::string LocalTime::date(int64_t ms) const {
  const Civil c = civil(ms);
  char buf[32];
  if (language_ == Language::kFrench) {
    std::snprintf(buf, sizeof buf, "%02u.%02u.%04d", c.day, c.month, c.year);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  }
  return buf;
}

std::string LocalTime::date_time(int64_t ms) const {
  const Civil c = civil(ms);
  char buf[16];
  std::snprintf(buf, sizeof buf, " %02u:%02u", c.hour, c.minute);
  return date(ms) + buf;
}

std::string LocalTime::amount(int64_t cents) const {
  const bool negative = cents < 0;
  // INT64_MIN has no positive counterpart: work in unsigned.
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%llu%c%02llu", negative ? "-" : "",
                static_cast<unsigned long long>(magnitude / 100), language_ == Language::kFrench ? ',' : '.',
                static_cast<unsigned long long>(magnitude % 100));
  return buf;
}

std::string LocalTime::money(int64_t cents) const {
  return language_ == Language::kFrench ? amount(cents) + " €" : amount(cents);
}

}  // namespace tessera
