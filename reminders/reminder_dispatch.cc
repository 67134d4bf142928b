// Reminder dispatch: engine reply → export → RecordRunExport → client.
#include "reminders/reminder_dispatch.h"

#include <memory>

#include "base/check.h"
#include "engine/command_registry.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::reminders {

using engine::cat;
using engine::Reply;
using engine::ReplyCode;

namespace {

// The reply the client sees: the batch with what the export did.
Reply annotate(Reply reply, const ExportReport& report) {
  engine::ReminderBatch batch = std::get<engine::ReminderBatch>(reply.detail->value);
  batch.delivered = report.delivered;
  batch.failed = report.failed;
  batch.destination = report.destination;
  batch.state = batch.run != 0 ? engine::RunState::kExported : batch.state;
  if (batch.items.size() > engine::kReminderItemsInReplyMax) batch.items.resize(engine::kReminderItemsInReplyMax);
  reply.detail = std::make_shared<engine::ReplyDetail>(engine::ReplyDetail{std::move(batch)});
  reply.message = report.ok ? cat("exported ", report.delivered, " reminders to ", report.destination)
                            : cat("export incomplete: ", report.delivered, " delivered, ", report.failed,
                                  " failed: ", report.message);
  if (!report.ok && report.delivered == 0 && report.failed > 0) reply.code = ReplyCode::kUnavailable;
  return reply;
}

// Completes the client's request once RecordRunExport has been applied.
class AfterRecord final : public runtime::Completion {
 public:
  AfterRecord(Reply reply, runtime::Completion* done) : reply_(std::move(reply)), done_(done) {}
  void complete(Reply&& recorded) override {
    if (!recorded.ok()) reply_.message += cat(" (export progress not recorded: ", recorded.message, ")");
    done_->complete(std::move(reply_));
    delete this;
  }

 private:
  Reply reply_;
  runtime::Completion* done_;
};

// The delivery a kExportReminders command names.
engine::Delivery delivery_of(const engine::CommandBody& body) {
  return std::visit(
      [](const auto& c) -> engine::Delivery {
        if constexpr (requires { c.delivery; }) {
          return c.delivery;
        } else {
          TESSERA_CHECK_MSG(false, "a kExportReminders command without a delivery");
          return engine::Delivery::kFile;
        }
      },
      body);
}

// Exports the batch of an ok reply, then completes `done` (after recording
// a run's export); a reply without a batch goes to `done` as is.
void export_then_complete(Reply&& reply, runtime::Completion* done, ReminderExporter& exporter,
                          runtime::ShardSet& shards) {
  if (!reply.detail) {
    done->complete(std::move(reply));
    return;
  }
  auto engine_reply = std::make_shared<Reply>(std::move(reply));
  const engine::ReminderBatch& batch = std::get<engine::ReminderBatch>(engine_reply->detail->value);
  const bool queued = exporter.submit(batch, [engine_reply, done, &shards](ExportReport report) {
    Reply out = annotate(*engine_reply, report);
    const engine::RunId run = std::get<engine::ReminderBatch>(out.detail->value).run;
    if (run == 0) {
      done->complete(std::move(out));
      return;
    }
    engine::RecordRunExport record{run, report.delivered, report.failed,
                                   report.destination.empty() ? std::string("(none)") : report.destination};
    auto* after = new AfterRecord(std::move(out), done);
    if (!shards.submit(engine::Command{0, std::move(record)}, after))
      after->complete(engine::refuse(ReplyCode::kBusy, "shard inbox full"));
  });
  if (!queued) {
    Reply busy = *engine_reply;
    busy.code = ReplyCode::kBusy;
    busy.message = "reminder export queue full: the reminders were selected but not exported; retry";
    done->complete(std::move(busy));
  }
}

}  // namespace

Result<AfterDurable> prepare_reminder_export(const engine::Command& command, const ExportConfig& config,
                                             ReminderExporter& exporter, runtime::ShardSet& shards) {
  TESSERA_CHECK(engine::command_info(command.body).effect == engine::Effect::kExportReminders);
  if (delivery_of(command.body) == engine::Delivery::kEmail && config.smtp.host.empty())
    return Status::failed_precondition("email delivery needs an SMTP relay: set smtp_host in the server configuration");
  return AfterDurable([&exporter, &shards](Reply&& reply, runtime::Completion* done) {
    export_then_complete(std::move(reply), done, exporter, shards);
  });
}

}  // namespace tessera::reminders
