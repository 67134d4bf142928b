// Reminder dispatch: the side effect of the commands whose registry effect
// is kExportReminders (RemindOrders, StartReminderRun, ExportReminderRun),
// in the shape of the protocol server's after-durable hook
// (net::ServerHooks::prepare_side_effect), without knowing the protocol.
//
// Before the command runs, its delivery is checked: e-mail without an SMTP
// relay is refused. Once it is durable, the engine's ok reply (a
// ReminderBatch, the reminders recorded) goes to the exporter thread, which
// writes the file or sends the e-mails. A run's export is recorded back in
// the engine (RecordRunExport, broadcast), so its progress is durable and
// visible in GetReminderRun, with the subscriptions whose e-mail failed (a
// run without validation raises the others' ranks). The client's reply
// carries the batch with delivered / failed / destination set. A run
// started with Delivery::kReview is not exported: its reply is the batch to
// review.
// Thread-safety: prepare_reminder_export runs on an I/O thread; the step it
// returns runs on shard and exporter threads and only touches the exporter
// (thread-safe submit) and the shard set (submit).
#pragma once

#include <functional>

#include "base/status.h"
#include "engine/command.h"
#include "reminders/reminder_service.h"
#include "runtime/completion.h"
#include "runtime/shard_set.h"

namespace tessera::reminders {

// What runs once the command is durable and answered ok: completes `done`
// exactly once with the reply annotated by the export (the same type as
// net::AfterDurable).
using AfterDurable = std::function<void(engine::Reply&& reply, runtime::Completion* done)>;

// The export `command` asks for, by its delivery: failed_precondition when
// this server cannot make it (e-mail without smtp_host), else the step that
// exports the reply's batch.
// REQUIRES: the command's registry effect is kExportReminders; config,
// exporter and shards outlive the returned step.
Result<AfterDurable> prepare_reminder_export(const engine::Command& command, const ExportConfig& config,
                                             ReminderExporter& exporter, runtime::ShardSet& shards);

// ReadRunFile (effect kReadRunFile): the engine's reply names the file the
// run's export recorded; the step reads the asked chunk on the exporter's
// thread and answers with it. A path outside config.export_dir (a
// destination an admin recorded by hand) is refused, never read.
// REQUIRES: config and exporter outlive the returned step.
AfterDurable prepare_run_file_read(const ExportConfig& config, ReminderExporter& exporter);

// Reads up to engine::kRunFileChunkBytes of `path` from `offset` into
// `file` (name = the file's name, total_bytes, content ending on a UTF-8
// boundary, next_offset). NotFound when the file is gone, InvalidArgument
// for a path outside `export_dir` or an offset past the end.
Status read_run_file_chunk(const std::string& export_dir, const std::string& path, engine::RunFile& file);

}  // namespace tessera::reminders
