// The tessera CLI's command line, declared once on CLI11: the global
// options, and per subcommand its path ("hold", "run start"), a one-line
// description, its typed options with their help, and the commands it sends
// (the table in cli_args.cc). Parsing, `tessera --help`, `tessera
// SUBCOMMAND --help` and the usage errors all derive from that declaration.
//
// Some subcommands are two words ("contact add", "run start"); some take
// positional arguments (orders); some options may be repeated
// (--tariff 11 --tariff 12, or --tariff 11,12).
//
// Global options (anywhere on the line): --host H (127.0.0.1) --port P
// (7450) --admin-port P (7451, for stats) --token T (default
// $TESSERA_TOKEN) --tls --ca FILE --json --help.
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/local_time.h"
#include "base/status.h"
#include "engine/command.h"

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

using CliCommands = Result<std::vector<engine::Command>>;

struct CliArgs {
  std::string host = "127.0.0.1";
  uint16_t port = 7450;
  uint16_t admin_port = 7451;
  std::string token;
  engine::HoldToken hold_token;  // sent with every command of the line (a web shop naming its order)
  bool tls = false;              // TLS to the protocol port (--ca implies it)
  std::string ca_file;           // PEM CAs the server's certificate must chain to; empty = the system's
  bool json = false;
  bool help = false;       // --help, -h or `help`: print help_text, send nothing
  std::string help_text;   // CLI11's help of the (sub)command the line names
  std::string subcommand;  // "hold", "run start"
  // The commands the line stands for, at now_ms (which --days counts from);
  // none for setup-demo, stats, apply, export-catalog, contact import, run
  // download and prereg new-contact (run_cli handles them).
  std::function<CliCommands(int64_t now_ms)> build;
  // Dates typed on the line (--due, --ends, --starts-at...), set once the
  // organisation's time zone is known (resolve_dates).
  using DateResolver = std::function<Status(const LocalTime& local)>;
  std::vector<DateResolver> dates;
  // apply FILE [--dry-run], export-catalog [--out FILE] [--time-zone ZONE].
  std::string catalog_file;       // apply: the file; export-catalog: --out ("" = standard output)
  bool dry_run = false;           // apply: print the plan, change nothing
  std::string time_zone = "UTC";  // export-catalog: local times written in this zone
  // contact import FILE [--map HEADER=FIELD]... [--delimiter C] [--refused-only].
  std::string import_file;
  std::vector<std::string> import_mapping;  // "HEADER=FIELD" or "HEADER=-"
  std::string import_delimiter;             // "" = from the header row; ",", ";" or "tab"
  bool refused_only = false;                // print only the refused rows (and the summary)
  // run download --id N [--out FILE].
  uint32_t download_run = 0;
  std::string download_file;  // "" = the file's own name, in the current directory
  // prereg new-contact ID --civility C.
  uint64_t prereg_id = 0;
  std::string prereg_civility;  // the request does not say it; an individual needs one
};

// Defaults from the environment (each may be null): TESSERA_TOKEN,
// TESSERA_HOST, TESSERA_PORT. Options on the command line override them.
struct CliEnvironment {
  const char* token = nullptr;
  const char* host = nullptr;
  const char* port = nullptr;
  static CliEnvironment from_process();  // std::getenv of the three
};

// Parses argv (argv[0] skipped). Fails with invalid_argument naming the
// problem: unknown subcommand or option, a missing or bad value, a missing
// required option, a TESSERA_PORT that is not a port.
Result<CliArgs> parse_cli_args(int argc, const char* const* argv, const CliEnvironment& env);
// The same with only a default token (may be null).
Result<CliArgs> parse_cli_args(int argc, const char* const* argv, const char* env_token);

// Every subcommand's path ("hold", "run start"), in the order of the help.
std::vector<std::string> cli_subcommand_paths();

// The name `--field` takes for a reminder field ("last-name").
std::string_view reminder_field_option(engine::ReminderField field);

// Turns the dates typed on the line into ms in `local`'s zone (the server's,
// from its HelloReply; UTC before connecting). Fails naming the date that
// does not exist there.
Status resolve_dates(const CliArgs& args, const LocalTime& local);

// The commands a parsed command line sends (`args.build`; none without it).
// Fails with invalid_argument on what parsing could not check alone (e.g.
// a selection without orders).
// Dates typed on the line are days of `local`'s zone (resolve_dates).
CliCommands build_commands(const CliArgs& args, int64_t now_ms, const LocalTime& local = {});

}  // namespace tessera::tools
