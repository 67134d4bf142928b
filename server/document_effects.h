// The server's part of AttachDocument and GetDocument (registry effects
// kStoreDocument and kReadDocument; engine/commands_dossier.h).
// Thread-safety: the returned steps run on any thread; store and exporter
// outlive them.
#pragma once

#include "base/status.h"
#include "engine/command.h"
#include "net/server.h"
#include "reminders/reminder_service.h"
#include "server/document_store.h"

namespace tessera::server {

// A departure's convocation (AttachDepartureBook) belongs to no order: its
// store mark names the departure as an order id of shard
// kDepartureMarkShard (above every real shard). recover() keeps such a file
// (a crash may leave one no departure names: it stays, never a document
// lost).
inline constexpr uint32_t kDepartureMarkShard = 0xFF;
engine::OrderId departure_mark(engine::PerformanceId performance);

// Before AttachDocument, AttachTravelBook or AttachDepartureBook is
// submitted: its content stored (synced) and
// replaced by its digest and size. Once the command is acknowledged the
// step answers and settles the store's mark on the export worker (file
// system work stays off the thread that completes it); a refusal or an
// unanswered command leaves the mark for the next start
// (DocumentStore::recover).
Result<net::AfterDurable> prepare_document_store(engine::Command& command, DocumentStore& store,
                                                 reminders::ReminderExporter& exporter);
// GetDocument: the document's content read from the store on the export
// worker (never on a shard or I/O thread).
net::AfterDurable prepare_document_read(DocumentStore& store, reminders::ReminderExporter& exporter);

}  // namespace tessera::server
