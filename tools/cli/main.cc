// tessera: the command-line client of tessera-server (see tools/cli/cli_args.h
// for the command line and tools/cli/cli_commands.h for what each does).
#include <cstdlib>
#include <iostream>

#include "tools/cli/cli_args.h"
#include "tools/cli/cli_commands.h"

int main(int argc, char** argv) {
  using namespace tessera;
  auto args = tools::parse_cli_args(argc, argv, tools::CliEnvironment::from_process());
  if (!args.is_ok()) {
    std::cerr << "tessera: " << args.status().message() << "\n(see tessera --help)\n";
    return tools::kExitUsage;
  }
  return tools::run_cli(*args, std::cout, std::cerr);
}
