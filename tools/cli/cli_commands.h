// The tessera CLI's subcommands as functions: connect, send the commands a
// command line stands for, print the replies (a table, or one JSON object
// per reply with --json), and say how it went as an exit code (CliExit).
//
// main() is parse_cli_args + run_cli; tests call run_cli with string
// streams against an in-process server.
// Thread-safety: run_cli blocks its caller; no shared state.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "engine/command.h"
#include "net/codec.h"
#include "tools/cli/cli_args.h"

namespace tessera::tools {

// Runs one parsed command line. Writes results to `out` and diagnostics to
// `err`; returns a CliExit value.
int run_cli(const CliArgs& args, std::ostream& out, std::ostream& err);

// Exit code for a set of replies: kExitOk iff every reply is Ok; Busy and
// Unavailable are server errors; anything else is a refusal.
int exit_code_of(const std::vector<net::ClientReply>& replies);

// One reply as a JSON object: {"command":..,"code":..,"order":..,"state":..,
// "value":..,"message":..} (plus "category" for availability rows, and
// "hold_token" when the reply carries one).
std::string reply_json(std::string_view command, const net::ClientReply& reply, int64_t category = -1);

}  // namespace tessera::tools
