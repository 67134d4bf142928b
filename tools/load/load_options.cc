// tessera-load flag parsing: --flag VALUE or --flag=VALUE, ranges checked.
#include "tools/load/load_options.h"

#include <charconv>
#include <functional>
#include <map>

#include "engine/command.h"
#include "tools/load/loopback.h"

namespace tessera::tools {

using engine::cat;

std::string_view mix_name(LoadMix mix) {
  switch (mix) {
    case LoadMix::kHoldRelease: return "hold-release";
    case LoadMix::kHoldConfirm: return "hold-confirm";
    case LoadMix::kRush: return "rush";
    case LoadMix::kOnSale: return "onsale";
    case LoadMix::kExpiry: return "expiry";
  }
  return "unknown";
}

std::string load_usage() {
  return "usage: tessera-load [flags]\n"
         "Drives a tessera-server on this machine (loopback only) and reports throughput,\n"
         "request latency percentiles and reply codes.\n\n"
         "  --host H            127.0.0.1 (only 127.0.0.0/8, ::1 or localhost)\n"
         "  --port P            7450\n"
         "  --token T           admin token (default: $TESSERA_TOKEN); the run defines its own performances\n"
         "  --connections N     2     (max 256)\n"
         "  --pipeline N        16    requests in flight per connection (max 4096)\n"
         "  --batch N           1024  commands per request (max 65536; the server's limit applies)\n"
         "  --duration-s N      10    run time (max 600)\n"
         "  --rate N            0     open loop: total commands/s, latency measured from the intended\n"
         "                            send time; 0 = closed loop, as fast as replies come back\n"
         "  --mix M             hold-release (hold 1 unit, release it in a later request) |\n"
         "                      hold-confirm (hold 1 unit, confirm it in a later request) |\n"
         "                      rush (race for a small performance until sold out, then check\n"
         "                      confirmed == capacity - available; exit 1 on FAIL) |\n"
         "                      onsale (the comparison venue: 5 GA categories x 10,000 + 20,000 seats;\n"
         "                      holds of 1..4 units, then 5 % confirmed, 75 % released, 20 % expire;\n"
         "                      checks the server's stock against the confirmed tally after the TTL) |\n"
         "                      expiry (book --options 1-unit options on the GA categories, all due at\n"
         "                      one instant; times the release of all of them)\n"
         "  --performances N    8     performances to spread holds over (hold-* mixes)\n"
         "  --capacity N        1000  rush: units of the raced performance\n"
         "  --quantity-max N    4     rush: each hold asks 1..N units\n"
         "  --options N         50000 expiry: options booked (max 50000 = the venue's GA units)\n"
         "  --seed N            random seed (default: from the clock)\n"
         "  --no-progress       no progress line every second\n"
         "  --json              final report as one JSON object on stdout\n";
}

namespace {

template <typename T>
Status parse_number(std::string_view flag, std::string_view text, T min, T max, T* out) {
  T v{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    return Status::invalid_argument(cat(flag, ": '", std::string(text), "' is not a number"));
  if (v < min || v > max)
    return Status::invalid_argument(cat(flag, ": ", std::string(text), " is out of range [", min, ", ", max, "]"));
  *out = v;
  return Status::ok();
}

Status parse_mix(std::string_view text, LoadMix* out) {
  for (LoadMix m : {LoadMix::kHoldRelease, LoadMix::kHoldConfirm, LoadMix::kRush, LoadMix::kOnSale, LoadMix::kExpiry}) {
    if (text == mix_name(m)) {
      *out = m;
      return Status::ok();
    }
  }
  return Status::invalid_argument(cat("--mix: unknown mix '", std::string(text), "' (hold-release, hold-confirm, rush, onsale, expiry)"));
}

}  // namespace

Result<LoadOptions> parse_load_options(int argc, const char* const* argv, const char* env_token) {
  LoadOptions o;
  if (env_token) o.token = env_token;
  using Setter = std::function<Status(std::string_view)>;
  const std::map<std::string_view, Setter> valued = {
      {"--host", [&](std::string_view v) { o.host = std::string(v); return Status::ok(); }},
      {"--port", [&](std::string_view v) { return parse_number<uint16_t>("--port", v, 1, 65535, &o.port); }},
      {"--token", [&](std::string_view v) { o.token = std::string(v); return Status::ok(); }},
      {"--connections", [&](std::string_view v) { return parse_number<uint32_t>("--connections", v, 1, kLoadConnectionsMax, &o.connections); }},
      {"--pipeline", [&](std::string_view v) { return parse_number<uint32_t>("--pipeline", v, 1, kLoadPipelineMax, &o.pipeline); }},
      {"--batch", [&](std::string_view v) { return parse_number<uint32_t>("--batch", v, 1, kLoadBatchMax, &o.batch); }},
      {"--duration-s", [&](std::string_view v) { return parse_number<uint32_t>("--duration-s", v, 1, kDurationSMax, &o.duration_s); }},
      {"--rate", [&](std::string_view v) { return parse_number<uint64_t>("--rate", v, 0, kRateMax, &o.rate); }},
      {"--mix", [&](std::string_view v) { return parse_mix(v, &o.mix); }},
      {"--performances", [&](std::string_view v) { return parse_number<uint32_t>("--performances", v, 1, kLoadPerformancesMax, &o.performances); }},
      {"--capacity", [&](std::string_view v) { return parse_number<uint32_t>("--capacity", v, 1, kRushCapacityMax, &o.rush_capacity); }},
      {"--quantity-max", [&](std::string_view v) { return parse_number<uint32_t>("--quantity-max", v, 1, 1000, &o.rush_quantity_max); }},
      {"--options", [&](std::string_view v) { return parse_number<uint32_t>("--options", v, 1, kExpiryOptionsMax, &o.expiry_options); }},
      {"--seed", [&](std::string_view v) { return parse_number<uint64_t>("--seed", v, 0, UINT64_MAX, &o.seed); }},
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return Status::failed_precondition(load_usage());
    if (arg == "--no-progress") { o.progress = false; continue; }
    if (arg == "--json") { o.json = true; continue; }
    std::string_view value;
    bool has_value = false;
    if (const size_t eq = arg.find('='); eq != std::string_view::npos && arg.starts_with("--")) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    const auto it = valued.find(arg);
    if (it == valued.end()) return Status::invalid_argument(cat("unknown flag '", std::string(argv[i]), "'"));
    if (!has_value) {
      if (i + 1 >= argc) return Status::invalid_argument(cat(std::string(arg), " needs a value"));
      value = argv[++i];
    }
    if (Status s = it->second(value); !s.is_ok()) return s;
  }
  if (o.host == "[::1]") o.host = "::1";
  if (!is_loopback_host(o.host))
    return Status::invalid_argument(cat("--host ", o.host, ": tessera-load only targets loopback (127.0.0.0/8, ::1, localhost)"));
  if (o.token.empty()) return Status::invalid_argument("no token: pass --token or set TESSERA_TOKEN (an admin token)");
  return o;
}

}  // namespace tessera::tools
