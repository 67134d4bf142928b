// The tessera CLI's command line: global options, one subcommand and its
// options, checked against a table of subcommands (cli_args.cc), and turned
// into protocol commands.
//
// Some subcommands are two words ("contact add", "run start"); some take
// positional arguments (orders); some options may be repeated
// (--tariff 11 --tariff 12, or --tariff 11,12).
//
// Global options (anywhere): --host H (127.0.0.1) --port P (7450)
// --admin-port P (7451, for stats) --token T (default $TESSERA_TOKEN)
// --json --help. Subcommand options come after the subcommand.
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/command.h"
#include "engine/status.h"

namespace tessera::tools {

// Process exit codes of the CLI (and of run_cli).
enum CliExit : int {
  kExitOk = 0,
  kExitRefused = 1,  // the server answered with a business refusal (SoldOut, NotFound, Forbidden...)
  kExitUsage = 2,    // bad command line
  kExitServer = 3,   // cannot connect, connection broken, server busy/unavailable, set-up failed
};

inline constexpr uint32_t kAvailabilityCategoriesMax = 16;  // categories probed when --category is absent
inline constexpr int64_t kHoldTtlMsDefault = 10 * 60 * 1000;

struct CliArgs {
  std::string host = "127.0.0.1";
  uint16_t port = 7450;
  uint16_t admin_port = 7451;
  std::string token;
  bool json = false;
  bool help = false;
  std::string subcommand;
  std::map<std::string, std::string, std::less<>> options;  // "performance" -> "1000"; flags -> ""; repeated: the last
  std::map<std::string, std::vector<std::string>, std::less<>> lists;  // repeated options: every value, in order
  std::vector<std::string> positionals;  // e.g. the orders of `lock ORDER...`

  bool has(std::string_view name) const { return options.find(name) != options.end(); }
  // Every value of a repeated option (empty if absent).
  const std::vector<std::string>& values(std::string_view name) const;
};

// Parses argv (argv[0] skipped). `env_token` (may be null) is the default
// token. Fails with invalid_argument naming the problem (unknown
// subcommand or option, missing value, missing required option).
Result<CliArgs> parse_cli_args(int argc, const char* const* argv, const char* env_token);

// The commands a parsed command line sends (setup-demo and stats send none:
// they are handled by run_cli). `now_ms` turns --days into a deadline.
// Fails with invalid_argument on a bad number or a missing choice.
Result<std::vector<engine::Command>> build_commands(const CliArgs& args, int64_t now_ms);

std::string cli_usage();

}  // namespace tessera::tools
