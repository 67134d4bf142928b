// tessera-peer-load: the comparison workloads against a Redis or PostgreSQL
// peer (bench/peers/peer_run.h). Exit codes: 0 ok, 1 check FAIL, 2 usage,
// 3 connection / set-up / run error.
#include <cstdio>
#include <string>

#include "bench/peers/peer.h"
#include "bench/peers/peer_run.h"

int main(int argc, char** argv) {
  using namespace tessera;
  auto options = bench::parse_peer_options(argc, argv);
  if (!options.is_ok()) {
    const bool help = options.status().code() == StatusCode::kFailedPrecondition;
    std::fprintf(help ? stdout : stderr, help ? "%s" : "tessera-peer-load: %s\n(see tessera-peer-load --help)\n",
                 options.status().message().c_str());
    return help ? 0 : 2;
  }
  auto peer = options->system == "redis" ? bench::make_redis_peer(options->host, options->port)
                                         : bench::make_postgres_peer(options->host, options->port, options->user);
  auto report = bench::run_peer(*options, *peer);
  if (!report.is_ok()) {
    std::fprintf(stderr, "tessera-peer-load: %s\n", report.status().to_string().c_str());
    return 3;
  }
  const std::string text = options->json ? bench::format_peer_report_json(*report) : bench::format_peer_report(*report);
  std::fputs(text.c_str(), stdout);
  return report->pass ? 0 : 1;
}
