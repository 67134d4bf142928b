// CLI dates: integers as they are, the rest through LocalTime.
#include "tools/cli/cli_time.h"

#include <charconv>

#include "base/strings.h"

namespace tessera::tools {

namespace {

// A plain integer: ms since the epoch (nullopt-like: false when not one).
bool plain_ms(std::string_view text, int64_t* ms) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *ms);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

Result<int64_t> parse_date_ms(std::string_view what, std::string_view text, DayPart part, const LocalTime& local) {
  int64_t ms = 0;
  if (plain_ms(text, &ms)) {
    if (ms < 0) return Status::invalid_argument(cat(what, ": '", std::string(text), "' is before 1970"));
    return ms;
  }
  return local.day_ms(what, text, part);
}

Result<int64_t> parse_time_ms(std::string_view what, std::string_view text, const LocalTime& local) {
  int64_t ms = 0;
  if (plain_ms(text, &ms)) {
    if (ms < 0) return Status::invalid_argument(cat(what, ": '", std::string(text), "' is before 1970"));
    return ms;
  }
  return local.time_ms(what, text);
}

std::string when(int64_t ms, const LocalTime& local) { return ms == 0 ? "-" : local.date_time(ms); }
std::string day_of(int64_t ms, const LocalTime& local) { return ms == 0 ? "-" : local.date(ms); }

}  // namespace tessera::tools
