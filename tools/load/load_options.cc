// tessera-load's flags on CLI11: each declared once with its range and
// help; --help is CLI11's.
#include "tools/load/load_options.h"

#include "engine/command.h"
#include "tools/load/loopback.h"
#include "tools/options/typed_options.h"

namespace tessera::tools {

using engine::cat;

std::string_view mix_name(LoadMix mix) {
  switch (mix) {
    case LoadMix::kHoldRelease:
      return "hold-release";
    case LoadMix::kHoldConfirm:
      return "hold-confirm";
    case LoadMix::kRush:
      return "rush";
    case LoadMix::kOnSale:
      return "onsale";
    case LoadMix::kExpiry:
      return "expiry";
    case LoadMix::kSearch:
      return "search";
  }
  return "unknown";
}

bool mix_counts_holds(LoadMix mix) {
  switch (mix) {
    case LoadMix::kHoldRelease:
    case LoadMix::kHoldConfirm:
    case LoadMix::kRush:
    case LoadMix::kOnSale:
      return true;
    case LoadMix::kExpiry:
    case LoadMix::kSearch:
      return false;
  }
  return false;
}

Result<LoadOptions> parse_load_options(int argc, const char* const* argv, const char* env_token) {
  namespace opt = tessera::options;
  LoadOptions o;
  if (env_token) o.token = env_token;
  CLI::App app(
      "tessera-load: drives a tessera-server on this machine (loopback only) and reports throughput,\n"
      "request latency percentiles and reply codes.",
      "tessera-load");
  app.add_option("--host", o.host, "127.0.0.0/8, ::1 or localhost only")->capture_default_str();
  opt::add_number(app, "--port", o.port, uint16_t{1}, uint16_t{65535}, "protocol port")->capture_default_str();
  app.add_option("--token", o.token,
                 "admin token (default: $TESSERA_TOKEN); the run defines its own performances and imports one "
                 "contact per connection to book for, the same ones every run (search: a backoffice token will do)")
      ->type_name("T");
  app.add_option("--shop-token", o.shop_token,
                 "run the traffic as this web shop (it must sell on channel 2, the web); the performances are "
                 "still defined with --token")
      ->type_name("T");
  opt::add_flag(app, "--tls", o.tls, "connect with TLS (a server with tls_cert_file set)");
  app.add_option("--ca", o.ca_file,
                 "trust the server's certificate if it chains to these PEM CAs (implies --tls; "
                 "default: the system's CAs)")
      ->type_name("FILE");
  opt::add_number(app, "--connections", o.connections, 1u, kLoadConnectionsMax, "client connections")
      ->capture_default_str();
  opt::add_number(app, "--pipeline", o.pipeline, 1u, kLoadPipelineMax, "requests in flight per connection")
      ->capture_default_str();
  opt::add_number(app, "--batch", o.batch, 1u, kLoadBatchMax, "commands per request (the server's limit applies)")
      ->capture_default_str();
  opt::add_number(app, "--duration-s", o.duration_s, 1u, kDurationSMax, "run time")->capture_default_str();
  opt::add_number(app, "--rate", o.rate, uint64_t{0}, kRateMax,
                  "open loop: total commands/s, latency measured from the intended send time; "
                  "0 = closed loop, as fast as replies come back")
      ->capture_default_str();
  opt::Choices<LoadMix> mixes;
  for (LoadMix m : {LoadMix::kHoldRelease, LoadMix::kHoldConfirm, LoadMix::kRush, LoadMix::kOnSale, LoadMix::kExpiry,
                    LoadMix::kSearch})
    mixes.emplace_back(std::string(mix_name(m)), m);
  opt::add_choice(app, "--mix", o.mix, mixes, "the workload (see below)");
  opt::add_number(app, "--performances", o.performances, 1u, kLoadPerformancesMax,
                  "performances to spread holds over (hold-* mixes)")
      ->capture_default_str();
  opt::add_number(app, "--capacity", o.rush_capacity, 1u, kRushCapacityMax, "rush: units of the raced performance")
      ->capture_default_str();
  opt::add_number(app, "--quantity-max", o.rush_quantity_max, 1u, 1000u, "rush: each hold asks 1..N units")
      ->capture_default_str();
  opt::add_number(app, "--options", o.expiry_options, 1u, kExpiryOptionsMax,
                  "expiry: 1-unit options booked (at most the venue's GA units)")
      ->capture_default_str();
  opt::add_number(app, "--contacts", o.contacts, 0u, kLoadContactsMax,
                  "search: contacts imported before the run, the same ones every run (importing them again "
                  "changes nothing); 0 = search the contacts the server has")
      ->capture_default_str();
  opt::add_number(app, "--seed", o.seed, "random seed (default: from the clock)");
  bool no_progress = false;
  opt::add_flag(app, "--no-progress", no_progress, "no progress line every second");
  opt::add_flag(app, "--json", o.json, "final report as one JSON object on stdout");
  app.footer(
      "Mixes:\n"
      "  hold-release  hold 1 unit, release it in a later request\n"
      "  hold-confirm  hold 1 unit, confirm it in a later request\n"
      "  rush          race for a small performance until sold out, then check\n"
      "                confirmed == capacity - available; exit 1 on FAIL\n"
      "  onsale        the comparison venue: 5 GA categories x 10,000 + 20,000 seats; holds of 1..4\n"
      "                units, then 5 % confirmed, 75 % released, 20 % expire; checks the server's\n"
      "                stock against the confirmed tally after the TTL\n"
      "  expiry        book --options 1-unit options on the GA categories, all due at one instant;\n"
      "                times the release of all of them\n"
      "  search        quick searches of the contact directory (SearchContacts, a page of 10 rows) as\n"
      "                the back office types them, over --contacts French contacts imported first;\n"
      "                every search must answer Ok. Latency is per request: --batch 1 times one search\n"
      "Exit codes: 0 ok, 1 check FAIL (rush, onsale, expiry, search), 2 usage error, 3 connection/set-up error.");
  if (Status s = opt::parse_command_line(app, argc, argv); !s.is_ok()) return s;
  o.progress = !no_progress;
  if (!o.ca_file.empty()) o.tls = true;
  if (o.host == "[::1]") o.host = "::1";
  if (!is_loopback_host(o.host))
    return Status::invalid_argument(
        cat("--host ", o.host, ": tessera-load only targets loopback (127.0.0.0/8, ::1, localhost)"));
  if (o.token.empty()) return Status::invalid_argument("no token: pass --token or set TESSERA_TOKEN (an admin token)");
  if (o.mix == LoadMix::kSearch && !o.shop_token.empty())
    return Status::invalid_argument(
        "--shop-token: a web shop cannot search contacts; the search mix runs with --token (backoffice or admin)");
  return o;
}

}  // namespace tessera::tools
