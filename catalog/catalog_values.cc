// Text forms of catalog values. Date-times go through Howard Hinnant's
// date/tz on the OS tz database, so the zone rules are those the system
// keeps up to date.
#include "catalog/catalog_values.h"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <limits>

#include "base/strings.h"

namespace tessera::catalog {

namespace {

struct DurationUnit {
  std::string_view suffix;
  int64_t ms;
};
// Largest first: the order parts must be written in.
constexpr std::array<DurationUnit, 5> kDurationUnits = {
    {{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};

Status bad_duration(std::string_view text) {
  return Status::invalid_argument(cat("bad duration \"", text,
                                      "\": write parts <n>d <n>h <n>m <n>s <n>ms in that order, e.g. \"1d12h\", "
                                      "\"90s\", \"250ms\""));
}

// Digits at `*pos` as a uint64 (at most 18 digits: no overflow).
bool take_digits(std::string_view text, size_t* pos, uint64_t* value) {
  const size_t start = *pos;
  *value = 0;
  while (*pos < text.size() && text[*pos] >= '0' && text[*pos] <= '9') {
    if (*pos - start == 18) return false;
    *value = *value * 10 + static_cast<uint64_t>(text[*pos] - '0');
    ++*pos;
  }
  return *pos > start;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool parse_u32(std::string_view s, uint32_t* out) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > std::numeric_limits<uint32_t>::max()) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

std::string two_digits(uint32_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02u", v % 100);
  return buf;
}

std::string format_local(const date::local_time<std::chrono::milliseconds>& local) {
  using namespace std::chrono;
  const date::local_days day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<milliseconds> hms{local - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  std::string out = buf;
  if (hms.subseconds().count() != 0) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(hms.subseconds().count()));
    out += buf;
  }
  return out;
}

std::string format_offset(std::chrono::seconds offset) {
  const int64_t minutes = offset.count() / 60;
  const int64_t m = minutes < 0 ? -minutes : minutes;
  return cat(minutes < 0 ? "-" : "+", two_digits(static_cast<uint32_t>(m / 60)), ":",
             two_digits(static_cast<uint32_t>(m % 60)));
}

}  // namespace

Result<int64_t> parse_duration_ms(std::string_view text) {
  if (!text.empty() && text.front() == '-') return Status::invalid_argument(cat("duration \"", text, "\" is negative"));
  size_t pos = 0;
  size_t next_unit = 0;  // parts must use units in kDurationUnits order, each at most once
  int64_t total = 0;
  if (text.empty()) return bad_duration(text);
  while (pos < text.size()) {
    uint64_t n = 0;
    if (!take_digits(text, &pos, &n)) return bad_duration(text);
    size_t unit = kDurationUnits.size();
    for (size_t u = next_unit; u < kDurationUnits.size(); ++u) {
      const std::string_view suffix = kDurationUnits[u].suffix;
      if (text.substr(pos, suffix.size()) != suffix) continue;
      // "m" must not take the "m" of "ms".
      if (suffix == "m" && text.substr(pos, 2) == "ms") continue;
      unit = u;
      break;
    }
    if (unit == kDurationUnits.size()) return bad_duration(text);
    pos += kDurationUnits[unit].suffix.size();
    next_unit = unit + 1;
    const int64_t unit_ms = kDurationUnits[unit].ms;
    if (n > static_cast<uint64_t>((std::numeric_limits<int64_t>::max() - total) / unit_ms))
      return Status::invalid_argument(cat("duration \"", text, "\" is too long"));
    total += static_cast<int64_t>(n) * unit_ms;
  }
  return total;
}

std::string format_duration_ms(int64_t ms) {
  if (ms <= 0) return "0s";
  std::string best;
  size_t best_parts = 0;
  // Every subset of units, each taking what the larger ones leave: the
  // shortest exact text wins, then the one with fewer parts.
  for (uint32_t mask = 1; mask < (1u << kDurationUnits.size()); ++mask) {
    int64_t rest = ms;
    std::string text;
    size_t parts = 0;
    bool usable = true;
    for (size_t u = 0; u < kDurationUnits.size() && usable; ++u) {
      if (!(mask & (1u << u))) continue;
      const int64_t n = rest / kDurationUnits[u].ms;
      usable = n > 0;  // a zero part: a smaller subset writes the same value
      rest -= n * kDurationUnits[u].ms;
      text += cat(n, kDurationUnits[u].suffix);
      ++parts;
    }
    if (!usable || rest != 0) continue;
    if (best.empty() || text.size() < best.size() || (text.size() == best.size() && parts < best_parts)) {
      best = std::move(text);
      best_parts = parts;
    }
  }
  return best;
}

Result<NumberRun> parse_number_run(std::string_view text) {
  const std::string_view t = trim(text);
  const size_t dash = t.find('-');
  NumberRun run{};
  const bool ok = dash == std::string_view::npos ? parse_u32(t, &run.first) && parse_u32(t, &run.last)
                                                 : parse_u32(trim(t.substr(0, dash)), &run.first) &&
                                                       parse_u32(trim(t.substr(dash + 1)), &run.last);
  if (!ok)
    return Status::invalid_argument(cat("bad number range \"", text, "\": write N or N-M (e.g. \"7\", \"1-20\")"));
  if (run.first > run.last)
    return Status::invalid_argument(cat("range \"", text, "\" is reversed (empty): write the smaller number first"));
  return run;
}

Result<std::vector<NumberRun>> parse_number_list(std::string_view text) {
  std::vector<NumberRun> runs;
  if (trim(text).empty()) return Status::invalid_argument("empty number list: write e.g. \"1-2,7,10-12\"");
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    Result<NumberRun> run = parse_number_run(text.substr(start, comma - start));
    if (!run.is_ok()) return run.status();
    runs.push_back(*run);
    start = comma + 1;
  }
  std::sort(runs.begin(), runs.end(), [](NumberRun a, NumberRun b) { return a.first < b.first; });
  for (size_t i = 1; i < runs.size(); ++i)
    if (runs[i].first <= runs[i - 1].last)
      return Status::invalid_argument(cat("\"", text, "\" lists ", runs[i].first, " twice"));
  return runs;
}

std::string format_number_run(NumberRun run) {
  return run.first == run.last ? cat(run.first) : cat(run.first, "-", run.last);
}

std::string format_number_list(const std::vector<NumberRun>& runs) {
  std::string out;
  for (const NumberRun& run : runs) {
    if (!out.empty()) out += ',';
    out += format_number_run(run);
  }
  return out;
}

std::vector<NumberRun> collect_runs(const std::vector<uint32_t>& numbers) {
  std::vector<NumberRun> runs;
  for (uint32_t n : numbers) {
    if (!runs.empty() && runs.back().last != std::numeric_limits<uint32_t>::max() && runs.back().last + 1 == n)
      runs.back().last = n;
    else
      runs.push_back(NumberRun{n, n});
  }
  return runs;
}

std::string quote_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", u);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

Result<const date::time_zone*> find_time_zone(std::string_view name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception& e) {
    return Status::invalid_argument(
        cat("unknown time zone \"", name, "\": write an IANA zone name such as \"Europe/Paris\" or \"UTC\""));
  }
}

Result<int64_t> date_time_to_ms(const date::time_zone* zone, const DateTimeText& t) {
  using namespace std::chrono;
  if (t.nanosecond % 1'000'000 != 0)
    return Status::invalid_argument("date-times are kept to the millisecond: write at most 3 decimals of seconds");
  const date::year_month_day ymd{date::year{t.year}, date::month{t.month}, date::day{t.day}};
  if (!ymd.ok()) return Status::invalid_argument("invalid date");
  const date::local_seconds local_s = date::local_days{ymd} + hours{t.hour} + minutes{t.minute} + seconds{t.second};
  const milliseconds ms_part{t.nanosecond / 1'000'000};
  if (t.offset_minutes) {
    const auto sys = date::sys_seconds{local_s.time_since_epoch()} - minutes{*t.offset_minutes};
    return (sys.time_since_epoch() + ms_part).count();
  }
  const date::local_info info = zone->get_info(local_s);
  const std::string shown = format_local(local_s + ms_part);
  switch (info.result) {
    case date::local_info::unique:
      return (local_s.time_since_epoch() - info.first.offset + ms_part).count();
    case date::local_info::nonexistent:
      return Status::invalid_argument(cat("local time ", shown, " does not exist in ", zone->name(),
                                          " (the clocks skip it): write the intended instant with an offset, e.g. ",
                                          shown, format_offset(info.first.offset)));
    case date::local_info::ambiguous:
      return Status::invalid_argument(cat("local time ", shown, " occurs twice in ", zone->name(),
                                          " (the clocks go back): write it with its offset, ", shown,
                                          format_offset(info.first.offset), " (first) or ", shown,
                                          format_offset(info.second.offset), " (second)"));
  }
  return Status::internal("unreachable");
}

Result<std::string> format_date_time(const date::time_zone* zone, int64_t ms) {
  using namespace std::chrono;
  const date::sys_time<milliseconds> sys{milliseconds{ms}};
  const date::sys_info sys_info = zone->get_info(sys);
  const date::local_time<milliseconds> local{sys.time_since_epoch() + sys_info.offset};
  const date::year_month_day ymd{date::floor<date::days>(local)};
  if (ymd.year() < date::year{1} || ymd.year() > date::year{9999})
    return Status::invalid_argument(cat("time ", ms, " ms is outside the years 0001-9999 a catalog file can write"));
  const date::local_info info = zone->get_info(date::floor<seconds>(local));
  if (info.result == date::local_info::unique) return format_local(local);
  if (sys_info.offset.count() % 60 != 0)
    return Status::invalid_argument(cat("time ", ms, " ms has an offset of seconds in ", zone->name()));
  return format_local(local) + format_offset(sys_info.offset);
}

}  // namespace tessera::catalog
