// Order PDFs: what the server does once a saved modification of an order's
// content is durable (registry effect kOrderPdf), in the shape of the
// protocol server's after-durable hook (seed 003: "À chaque modification de
// commande, un nouveau PDF de commande est généré").
//
// A modification (ChangeDeparture, AddAddOn, SetLinePrice, AddParticipant...):
// the client's answer leaves at once; then the order's page is read from its
// shard (GetOrderRecord, with the client's name as the directory knows it)
// and drawn on the document worker — never on a shard thread — into
// <export_dir>/orders/order-<id>-<revision>.pdf, the revision being the
// number of entries in the order's workflow. Each file shows the order as it
// stood at that revision: an order changed again before its page was read
// gets the later revision's file only. A PDF that cannot be written is said
// on standard error and does not undo the modification.
// RenderOrderPdf ("Re-générer"): the page the shard answered, drawn and
// written (replacing a file of the same name), then answered with the
// file's path as the message.
// Thread-safety: the returned steps run on the log writer's thread and the
// worker; they touch only the exporter (thread-safe submit), the shard set
// (submit) and the immutable config.
#pragma once

#include <string>

#include "base/local_time.h"
#include "base/status.h"
#include "documents/organisation.h"
#include "engine/command.h"
#include "engine/order_record.h"
#include "reminders/reminder_dispatch.h"
#include "reminders/reminder_service.h"
#include "runtime/shard_set.h"

namespace tessera::server {

struct OrderPdfConfig {
  std::string dir;  // where order PDFs go: <export_dir>/orders (created when needed)
  documents::Organisation organisation;
  LocalTime local;
};

// REQUIRES the command's registry effect is kOrderPdf; config, exporter and
// shards outlive the returned step.
reminders::AfterDurable prepare_order_pdf_effect(const engine::Command& command, const OrderPdfConfig& config,
                                                 reminders::ReminderExporter& exporter, runtime::ShardSet& shards);

// Renders `record` and writes it into config.dir (documents/order_pdf.h names
// the file). Returns the file's path.
Result<std::string> write_order_pdf(const engine::OrderRecord& record, const OrderPdfConfig& config);

}  // namespace tessera::server
