// LoadOptions: what tessera-load is asked to do, parsed from its flags.
//
// Every knob has a named maximum below (STYLE: limits on everything); the
// run is always bounded in time (duration_s <= kDurationSMax) and only
// targets loopback (tools/load/loopback.h).
// Thread-safety: plain values; the parser is a pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tessera::tools {

enum class LoadMix : uint8_t {
  kHoldRelease,  // hold 1 unit, release it in a later request
  kHoldConfirm,  // hold 1 unit, confirm it in a later request (stock is sold)
  kRush,         // race for a small performance until sold out, then check no oversell
  kOnSale,       // the comparison venue's on-sale mix: hold, then confirm / release / expire
  kExpiry,       // mass release: book options that expire at one instant, time their release
  kSearch,       // the contact directory's quick search, on contacts imported at set-up
};
std::string_view mix_name(LoadMix mix);
// True iff the mix's throughput is its holds (its requests carry follow-ups,
// then holds); otherwise every command counts (expiry: options released,
// search: searches).
bool mix_counts_holds(LoadMix mix);

inline constexpr uint32_t kLoadConnectionsMax = 256;
inline constexpr uint32_t kLoadPipelineMax = 4'096;  // = net::kRequestsInFlightMax
inline constexpr uint32_t kLoadBatchMax = 65'536;    // = net::kCommandsPerRequestMax
inline constexpr uint32_t kDurationSDefault = 10;
inline constexpr uint32_t kDurationSMax = 600;     // hard maximum of one run
inline constexpr uint64_t kRateMax = 100'000'000;  // commands/s (open loop)
inline constexpr uint32_t kRushCapacityMax = 1'000'000;
inline constexpr uint32_t kLoadPerformancesMax = 64;
inline constexpr uint32_t kExpiryOptionsMax = 50'000;  // = the comparison venue's GA units
inline constexpr uint32_t kLoadContactsDefault = 100'000;
inline constexpr uint32_t kLoadContactsMax = 10'000'000;  // < engine::kContactsMax; minutes to import
inline constexpr uint32_t kDrainDeadlineMs = 30'000;      // waiting for requests in flight at the end

struct LoadOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 7450;
  std::string token;  // admin: the run defines its own performances (search: backoffice will do)
  // A web shop's token: the traffic of the hold mixes runs as that web shop
  // (held orders named by their hold tokens); empty = the admin token. Not
  // with the search mix: a web shop cannot search contacts.
  std::string shop_token;
  bool tls = false;     // TLS to a server with tls_cert_file set
  std::string ca_file;  // PEM CAs the server's certificate must chain to; empty = the system's
  uint32_t connections = 2;
  uint32_t pipeline = 16;  // requests in flight per connection
  uint32_t batch = 1024;   // commands per request
  uint32_t duration_s = kDurationSDefault;
  uint64_t rate = 0;  // total commands/s; 0 = closed loop
  LoadMix mix = LoadMix::kHoldRelease;
  uint32_t performances = 8;                 // hold-release / hold-confirm: spread over shards
  uint32_t rush_capacity = 1'000;            // rush: units of the raced performance
  uint32_t rush_quantity_max = 4;            // rush: each hold asks 1..this units
  uint32_t expiry_options = 50'000;          // expiry: 1-unit options booked, then expired at once
  uint32_t contacts = kLoadContactsDefault;  // search: contacts imported at set-up (0 = none)
  uint64_t seed = 0;                         // 0 = from the clock
  bool progress = true;                      // a line every second on stderr
  bool json = false;                         // final report as one JSON object
};

// Parses argv (argv[0] skipped); `env_token` (TESSERA_TOKEN, may be null)
// is the default token. Returns invalid_argument naming the bad flag;
// "--help" gives failed_precondition carrying the help text (CLI11's).
Result<LoadOptions> parse_load_options(int argc, const char* const* argv, const char* env_token);

}  // namespace tessera::tools
