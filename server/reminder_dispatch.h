// Reminder dispatch: connects the protocol server's reminder hooks to the
// reminders::ReminderExporter.
//
// RemindOrders and StartReminderRun run in the engine first (which records
// the reminders and returns a ReminderBatch); the batch then goes to the
// exporter thread, which writes the file or sends the emails. A run's
// export is recorded back in the engine (RecordRunExport, broadcast), so
// its progress is durable and visible in GetReminderRun. The client's
// reply carries the batch with delivered / failed / destination set.
// Thread-safety: the hooks run on shard and exporter threads; they only
// touch the exporter (thread-safe submit) and the shard set (submit).
#pragma once

#include "net/server.h"
#include "reminders/reminder_service.h"
#include "runtime/shard_set.h"

namespace tessera::server {

// REQUIRES exporter and shards outlive the hooks (and the server using them).
void install_reminder_hooks(net::ServerHooks& hooks, const reminders::ExportConfig& config,
                            reminders::ReminderExporter& exporter, runtime::ShardSet& shards);

}  // namespace tessera::server
