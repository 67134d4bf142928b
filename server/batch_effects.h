// Payment batch effects (registry effect kSettleBatch): once
// MakePaymentBatch is durable, the batch's payments are frozen on their
// shards and the batch settled (ShardSet::settle_batch: steps 2 and 3 of
// engine/commands_batches.h); an accounting export is then written as CSV
// on the exporter's worker thread — never on a shard thread — into
// <export_dir>/accounting/, and the client gets the settled batch with the
// file's path. A CSV that cannot be written does not undo the export: the
// reply says so, and the next start writes every export missing from the
// directory (the exports a start settles come to it this way too).
// Thread-safety: the returned step runs on shard threads and the worker; it
// touches only the exporter (thread-safe submit), the shard set (submit)
// and the immutable config.
#pragma once

#include <string>

#include "base/local_time.h"
#include "base/status.h"
#include "engine/commands_batches.h"
#include "reminders/reminder_dispatch.h"
#include "reminders/reminder_service.h"
#include "runtime/shard_set.h"

namespace tessera::server {

struct BatchConfig {
  std::string dir;  // where exports go: <export_dir>/accounting (created when needed)
  LocalTime local;
};

// config, exporter and shards outlive the returned step.
reminders::AfterDurable prepare_batch_effect(const BatchConfig& config, reminders::ReminderExporter& exporter,
                                             runtime::ShardSet& shards);

// At start, on the worker: every accounting export of the register whose CSV
// is not in config.dir is written. Returns false when the worker's queue is
// full (nothing scheduled).
bool write_missing_exports(const BatchConfig& config, reminders::ReminderExporter& exporter, runtime::ShardSet& shards);

// Writes `batch` (an accounting export) into config.dir (replacing a file of
// the same name: the bytes are the same). Returns the file's path.
Result<std::string> write_accounting_csv(const engine::PaymentBatch& batch, const BatchConfig& config);

}  // namespace tessera::server
