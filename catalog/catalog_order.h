// The canonical order of catalog commands (docs/catalog.md): definitions
// before what refers to them, each owner followed by its own settings, and
// contingent trees depth first. The reader, the writer and the export all
// use it, so a catalog file reads back to the same command list whatever
// order its tables were written in. Pure functions, any thread.
#pragma once

#include <cstddef>
#include <vector>

#include "engine/command.h"

namespace tessera::catalog {

// The indexes of `commands` in canonical order (a stable sort: commands
// with the same key keep their relative order). Commands of kinds a catalog
// file does not hold come last, in their given order.
std::vector<size_t> canonical_permutation(const std::vector<engine::Command>& commands);

}  // namespace tessera::catalog
