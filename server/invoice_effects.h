// Invoice effects: what the server does once an invoicing command is
// durable (registry effects kNumberInvoice and kRenderInvoice), in the shape
// of the protocol server's after-durable hook.
//
// IssueInvoice / CancelInvoice: the order's shard froze the document (step
// 1); the step returned here has it numbered (ShardSet::number_document:
// steps 2 and 3), then renders its PDF on the exporter's worker thread —
// never on a shard thread — into <export_dir>/invoices/, and answers with
// the numbered document and the file's path. A PDF that cannot be written
// does not undo the invoice: the reply says so, and RenderInvoice writes it
// again. RenderInvoice ("Re-générer"): the register's document, rendered
// again from its logged content (the same bytes), written and returned.
// Thread-safety: the returned steps run on shard threads and the worker;
// they touch only the exporter (thread-safe submit), the shard set (submit)
// and the immutable config.
#pragma once

#include <string>
#include <vector>

#include "base/local_time.h"
#include "base/status.h"
#include "documents/invoice_pdf.h"
#include "engine/command.h"
#include "reminders/reminder_dispatch.h"
#include "reminders/reminder_service.h"
#include "runtime/shard_set.h"

namespace tessera::server {

struct InvoiceConfig {
  std::string dir;  // where PDFs go: <export_dir>/invoices (created when needed)
  documents::Organisation organisation;
  LocalTime local;
};

// REQUIRES the command's registry effect is kNumberInvoice or
// kRenderInvoice; config, exporter and shards outlive the returned step.
reminders::AfterDurable prepare_invoice_effect(const engine::Command& command, const InvoiceConfig& config,
                                               reminders::ReminderExporter& exporter, runtime::ShardSet& shards);

// At start, on the worker (the start does not wait): every document of
// `years` in the register whose PDF is not in config.dir is rendered and
// written — a stop between numbering and rendering leaves none missing
// (the documents a start numbers come to it this way too). Returns false
// when the worker's queue is full (nothing scheduled).
bool render_missing_pdfs(const InvoiceConfig& config, reminders::ReminderExporter& exporter, runtime::ShardSet& shards,
                         std::vector<uint32_t> years);

// Renders `document` and writes it into config.dir (replacing a file of the
// same name: the bytes are the same). Returns the file's path.
Result<std::string> write_invoice_pdf(const engine::InvoiceDocument& document, const InvoiceConfig& config,
                                      std::string* pdf);

}  // namespace tessera::server
