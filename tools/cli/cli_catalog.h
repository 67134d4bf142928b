// The catalog-file subcommands of the tessera CLI: `apply FILE [--dry-run]`
// and `export-catalog [--out FILE] [--time-zone ZONE]` (docs/catalog.md).
//
// apply reads and checks the file (catalog/catalog_file.h), reads the
// server's catalog (ExportCatalog), plans what to create and change
// (catalog/catalog_plan.h), runs the plan through an engine shard, and
// only then sends it: a file with an error anywhere is refused whole, naming
// its line, and nothing is sent. Applying the same file twice sends nothing
// the second time.
// Thread-safety: each call blocks its caller on the client.
#pragma once

#include <ostream>

#include "net/client.h"
#include "tools/cli/cli_args.h"

namespace tessera::tools {

int run_apply(net::Client& client, const CliArgs& args, int64_t now_ms, std::ostream& out, std::ostream& err);
int run_export_catalog(net::Client& client, const CliArgs& args, std::ostream& out, std::ostream& err);

}  // namespace tessera::tools
