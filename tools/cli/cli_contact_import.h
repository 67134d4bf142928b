// `tessera contact import FILE`: an external contact file (CSV) sent to the
// contact directory in ImportContacts batches of kContactImportRowsMax
// rows, with one outcome line per row (created, updated, unchanged,
// refused with its reason) and a summary. The file is read a chunk at a
// time (directory/contact_csv.h): its header is checked before any row is
// sent. Re-running the same file changes nothing (docs/protocol.md,
// "Contact import"), so an import cut short is finished by running it again.
// Exit: 0 when every row went in, 1 when a row was refused, 2 for a bad
// file or mapping, 3 when the server cannot be reached.
// Thread-safety: blocks its caller on the client.
#pragma once

#include <ostream>

#include "net/client.h"
#include "tools/cli/cli_args.h"

namespace tessera::tools {

int run_contact_import(net::Client& client, const CliArgs& args, std::ostream& out, std::ostream& err);

}  // namespace tessera::tools
