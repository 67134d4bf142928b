// tessera-load: the end-to-end load generator (see tools/load/load_run.h).
// Exit codes: 0 ok, 1 check FAIL (rush, onsale, expiry, search), 2 usage error, 3 connection/set-up error.
#include <cstdio>
#include <cstdlib>

#include "tools/load/load_options.h"
#include "tools/load/load_run.h"

int main(int argc, char** argv) {
  using namespace tessera;
  auto options = tools::parse_load_options(argc, argv, std::getenv("TESSERA_TOKEN"));
  if (!options.is_ok()) {
    const bool help = options.status().code() == StatusCode::kFailedPrecondition;
    std::fprintf(help ? stdout : stderr, help ? "%s" : "tessera-load: %s\n(see tessera-load --help)\n",
                 options.status().message().c_str());
    return help ? 0 : 2;
  }
  auto report = tools::run_load(*options, options->progress ? stderr : nullptr);
  if (!report.is_ok()) {
    std::fprintf(stderr, "tessera-load: %s\n", report.status().to_string().c_str());
    return 3;
  }
  const std::string text = options->json ? tools::format_report_json(*report) : tools::format_report(*report);
  std::fputs(text.c_str(), stdout);
  if (report->sale && !report->sale->pass) return 1;
  return 0;
}
