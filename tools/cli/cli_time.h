// Dates of the tessera CLI, in the organisation's time zone and language
// (base/local_time.h; the server names them in its HelloReply, and the CLI
// uses UTC until it is connected): a day typed "YYYY-MM-DD" or "DD.MM.YYYY",
// a time "YYYY-MM-DDTHH:MM[:SS]", or ms since the epoch as it is.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/local_time.h"
#include "base/status.h"

namespace tessera::tools {

using DayPart = tessera::DayPart;

// A day -> its first (kStart) or last (kEnd) ms in `local`'s zone; a plain
// integer is ms since the epoch as it is. invalid_argument naming `what`
// otherwise (bad shape, no such day, before 1970).
Result<int64_t> parse_date_ms(std::string_view what, std::string_view text, DayPart part, const LocalTime& local = {});
// A local time in `local`'s zone (or ms); refused when the clocks skip or
// repeat it.
Result<int64_t> parse_time_ms(std::string_view what, std::string_view text, const LocalTime& local = {});

// "-" for 0, else local.date_time(ms) / local.date(ms).
std::string when(int64_t ms, const LocalTime& local);
std::string day_of(int64_t ms, const LocalTime& local);

}  // namespace tessera::tools
