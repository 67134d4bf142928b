// What a run of the tessera CLI in a test gives: its exit code and what it
// printed (shared by the CLI suites: one definition for a unity build).
#pragma once

#include <string>

namespace tessera::tools {

struct CliRun {
  int code;
  std::string out, err;
};

}  // namespace tessera::tools
