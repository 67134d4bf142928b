// Calendar dates of the tessera CLI: "YYYY-MM-DD" on the command line and
// "YYYY-MM-DD HH:MM" in tables, both UTC (the engine's time is ms since the
// Unix epoch, UTC).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tessera::tools {

enum class DayPart : uint8_t { kStart, kEnd };

// "YYYY-MM-DD" -> ms since the epoch at 00:00:00.000 (kStart) or
// 23:59:59.999 (kEnd) UTC of that day; a plain integer is taken as ms since
// the epoch as it is. Fails with invalid_argument naming `what` otherwise
// (bad shape, month or day out of range, year before 1970).
Result<int64_t> parse_date_ms(std::string_view what, std::string_view text, DayPart part);

// "YYYY-MM-DDTHH:MM[:SS]" (or with a space for the T), a local time in the
// IANA zone `zone` -> ms since the epoch; a plain integer is ms since the
// epoch as it is. Fails with invalid_argument naming `what`: bad shape, an
// unknown zone, a local time the zone skips (spring forward) or has twice
// (fall back).
Result<int64_t> parse_local_time_ms(std::string_view what, std::string_view text, std::string_view zone);

// "YYYY-MM-DD HH:MM" (UTC); "-" for 0.
std::string format_date_time(int64_t ms);
// "YYYY-MM-DD" (UTC); "-" for 0.
std::string format_date(int64_t ms);

}  // namespace tessera::tools
