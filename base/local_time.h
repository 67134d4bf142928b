// LocalTime: the organisation's time zone and language, for every date and
// amount a person types or reads (CLI, e-mails, files). The engine keeps ms
// since the Unix epoch (UTC); this converts at the edges, with Howard
// Hinnant's date/tz over the system's tz database (GCC 12 has no
// std::chrono::locate_zone).
//
// Formats: English (the default) "2024-03-14", "2024-03-14 09:30", "12.50";
// French "14.03.2024", "14.03.2024 09:30", "12,50" (and "12,50 €" as money).
// Thread-safety: a LocalTime is immutable; share it freely.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace date {
class time_zone;
}

namespace tessera {

enum class Language : uint8_t { kEnglish, kFrench };
enum class DayPart : uint8_t { kStart, kEnd };

class LocalTime {
 public:
  LocalTime() = default;  // UTC, English
  // zone: an IANA name ("Europe/Paris", "UTC"); language: "en" or "fr".
  // invalid_argument naming what is wrong otherwise.
  static Result<LocalTime> make(std::string_view zone, std::string_view language = "en");

  const std::string& zone_name() const { return zone_name_; }
  Language language() const { return language_; }
  std::string_view language_code() const { return language_ == Language::kFrench ? "fr" : "en"; }
  bool is_utc() const { return zone_ == nullptr; }

  // "YYYY-MM-DD" -> the first (kStart) or last (kEnd) ms of that day in the
  // zone (a day of 23 or 25 hours at a clock change is whole). French input
  // "DD.MM.YYYY" too. `what` names the value in the error.
  Result<int64_t> day_ms(std::string_view what, std::string_view text, DayPart part) const;
  // "YYYY-MM-DDTHH:MM[:SS]" (or a space for the T), a local time in the
  // zone -> ms; refused when the zone skips it (spring forward) or has it
  // twice (fall back), or before 1970.
  Result<int64_t> time_ms(std::string_view what, std::string_view text) const;

  std::string date(int64_t ms) const;       // "2024-03-14" | "14.03.2024"
  std::string date_time(int64_t ms) const;  // "2024-03-14 09:30" | "14.03.2024 09:30"
  std::string amount(int64_t cents) const;  // "12.50" | "12,50"
  std::string money(int64_t cents) const;   // "12.50" | "12,50 €"
  // "20240314-093000": the local time to the second, for file names (an
  // hour the zone repeats when clocks go back gives the same stamp twice;
  // writers of files never replace one).
  std::string file_stamp(int64_t ms) const;

  // The calendar date and time of `ms` in the zone.
  struct Civil {
    int year;
    unsigned month, day, hour, minute;
    unsigned second = 0;
  };
  Civil civil(int64_t ms) const;

 private:
  const date::time_zone* zone_ = nullptr;  // nullptr: UTC
  std::string zone_name_ = "UTC";
  Language language_ = Language::kEnglish;
};

}  // namespace tessera
