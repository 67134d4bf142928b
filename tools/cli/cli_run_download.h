// `tessera run download --id N [--out FILE]`: the file a reminder run's
// last export wrote, read from the server a chunk at a time (ReadRunFile)
// and written to FILE (default: the file's own name in the current
// directory), whole or not at all (a temporary file renamed at the end).
// Exit: 0 when written, 1 when the server refuses (no such run, no file),
// 2 when FILE cannot be written, 3 when the server cannot be reached.
// Thread-safety: blocks its caller on the client.
#pragma once

#include <ostream>

#include "net/client.h"
#include "tools/cli/cli_args.h"

namespace tessera::tools {

int run_download(net::Client& client, const CliArgs& args, std::ostream& out, std::ostream& err);

// `tessera invoice pdf ... [--out FILE]`: writes the PDF of RenderInvoice's
// reply to FILE (default: the server's file name, here), whole or not at
// all. Exit 0 when written, 2 when FILE cannot be written.
int save_invoice_pdf(const net::ClientReply& reply, const CliArgs& args, std::ostream& out, std::ostream& err);
// `tessera order document ORDER N [--out FILE]`: likewise, GetDocument's
// bytes (default: the document's name as attached, here).
int save_document(const net::ClientReply& reply, const CliArgs& args, std::ostream& out, std::ostream& err);

}  // namespace tessera::tools
