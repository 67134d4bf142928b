// Reminder dispatch: engine reply → export → RecordRunExport → client.
#include "reminders/reminder_dispatch.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string_view>

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
  batch.templates.clear();  // the mailer's, not the client's
  if (batch.items.size() > engine::kReminderItemsInReplyMax) batch.items.resize(engine::kReminderItemsInReplyMax);
  reply.detail = std::make_shared<engine::ReplyDetail>(engine::ReplyDetail{std::move(batch)});
  reply.message = report.ok ? cat("exported ", report.delivered, " reminders to ", report.destination)
                            : cat("export incomplete: ", report.delivered, " delivered, ", report.failed,
                                  " failed: ", report.message);
  if (!report.ok && report.delivered == 0 && report.failed > 0) reply.code = ReplyCode::kUnavailable;
  return reply;
}

// The reply to a run selected for review: no export, the first items.
Reply review_reply(Reply reply) {
  engine::ReminderBatch batch = std::get<engine::ReminderBatch>(reply.detail->value);
  if (batch.items.size() > engine::kReminderItemsInReplyMax) batch.items.resize(engine::kReminderItemsInReplyMax);
  batch.templates.clear();  // the mailer's, not the client's
  reply.detail = std::make_shared<engine::ReplyDetail>(engine::ReplyDetail{std::move(batch)});
  reply.message = cat("selected ", reply.value, " reminders for review: export them with ExportReminderRun");
  return reply;
}

// The orders whose reminders the export delivered (none when it delivered
// nothing).
std::vector<engine::OrderId> delivered_orders(const engine::ReminderBatch& batch, const ExportReport& report) {
  std::vector<engine::OrderId> out;
  if (report.delivered == 0) return out;
  auto failed = report.failed_items.begin();  // ascending
  for (uint32_t i = 0; i < batch.items.size(); ++i) {
    if (failed != report.failed_items.end() && *failed == i) {
      ++failed;
      continue;
    }
    out.push_back(batch.items[i].order);
  }
  return out;
}

// The subscriptions whose reminders the export did not deliver.
std::vector<engine::SubscriptionId> failed_subscriptions(const engine::ReminderBatch& batch,
                                                         const ExportReport& report) {
  std::vector<engine::SubscriptionId> out;
  out.reserve(report.failed_items.size());
  for (uint32_t i : report.failed_items)
    if (i < batch.items.size()) out.push_back(batch.items[i].subscription);
  return out;
}

// Completes the client's request once RecordRunExport has been applied.
class AfterRecord final : public runtime::Completion {
 public:
  AfterRecord(Reply reply, runtime::Completion* done) : reply_(std::move(reply)), done_(done) {}
  void complete(Reply&& recorded) override {
    if (!recorded.ok()) reply_.message += cat(" (export progress not recorded: ", recorded.message, ")");
    engine::ReminderBatch batch = std::get<engine::ReminderBatch>(reply_.detail->value);
    if (recorded.ok() && batch.run != 0) {  // the run's state once recorded (validated without a validation step)
      batch.state = static_cast<engine::RunState>(recorded.value);
      reply_.detail = std::make_shared<engine::ReplyDetail>(engine::ReplyDetail{std::move(batch)});
    }
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
// `principal` sent the command: the reminders it records are its own.
void export_then_complete(Reply&& reply, runtime::Completion* done, ReminderExporter& exporter,
                          runtime::ShardSet& shards, engine::PrincipalId principal) {
  if (!reply.detail) {
    done->complete(std::move(reply));
    return;
  }
  if (std::get<engine::ReminderBatch>(reply.detail->value).delivery == engine::Delivery::kReview) {
    done->complete(review_reply(std::move(reply)));
    return;
  }
  auto engine_reply = std::make_shared<Reply>(std::move(reply));
  const engine::ReminderBatch& batch = std::get<engine::ReminderBatch>(engine_reply->detail->value);
  const bool queued = exporter.submit(batch, [engine_reply, done, &shards, principal](ExportReport report) {
    const engine::ReminderBatch& exported = std::get<engine::ReminderBatch>(engine_reply->detail->value);
    Reply out = annotate(*engine_reply, report);
    engine::CommandBody record;
    if (exported.run != 0) {
      record = engine::RecordRunExport{exported.run, report.delivered, report.failed,
                                       report.destination.empty() ? std::string("(none)") : report.destination,
                                       failed_subscriptions(exported, report)};
    } else if (std::vector<engine::OrderId> reached = delivered_orders(exported, report); !reached.empty()) {
      record = engine::RecordOrderReminders{std::move(reached), exported.format.format, exported.delivery};
    } else {
      done->complete(std::move(out));  // no order reminded: no rank rises
      return;
    }
    auto* after = new AfterRecord(std::move(out), done);
    if (!shards.submit(engine::Command{0, std::move(record), principal}, after))
      after->complete(engine::refuse(ReplyCode::kBusy, "shard inbox full"));
  });
  if (!queued) {
    Reply busy = *engine_reply;
    busy.code = ReplyCode::kBusy;
    busy.message = "reminder export queue full: the reminders were selected but not exported; retry";
    done->complete(std::move(busy));
  }
}

// The largest prefix of `bytes` (at most `max`) that ends on a UTF-8
// character boundary; `max` itself at the end of the file.
size_t utf8_cut(std::string_view bytes, size_t max, bool at_end) {
  if (bytes.size() <= max && at_end) return bytes.size();
  size_t cut = std::min(bytes.size(), max);
  // Back off continuation bytes (10xxxxxx) to the start of a character, at
  // most 3 (a character has at most 4 bytes).
  for (size_t back = 0; back < 4 && cut > 0 && cut < bytes.size(); ++back) {
    if ((static_cast<unsigned char>(bytes[cut]) & 0xC0) != 0x80) break;
    --cut;
  }
  return cut == 0 ? std::min(bytes.size(), max) : cut;  // not UTF-8: cut anywhere
}

}  // namespace

Status read_run_file_chunk(const std::string& export_dir, const std::string& path, engine::RunFile& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::weakly_canonical(export_dir, ec);
  const fs::path real = ec ? fs::path() : fs::weakly_canonical(path, ec);
  const auto [d, r] = std::mismatch(dir.begin(), dir.end(), real.begin(), real.end());
  if (ec || export_dir.empty() || d != dir.end() || r == real.end())
    return Status::invalid_argument(cat("run ", file.run, "'s file is not in the export directory: not served"));
  std::ifstream in(real, std::ios::binary);
  if (!in || !fs::is_regular_file(real, ec))
    return Status::not_found(cat("run ", file.run, "'s file ", real.filename().string(),
                                 " is gone from the export directory: export the run again"));
  const uint64_t total = fs::file_size(real, ec);
  if (ec) return Status::not_found(cat("cannot read run ", file.run, "'s file: ", ec.message()));
  if (file.offset > total)
    return Status::invalid_argument(cat("offset ", file.offset, " is past the end of the file (", total, " bytes)"));
  // One extra byte tells whether the chunk ends the file.
  std::string bytes(static_cast<size_t>(std::min<uint64_t>(total - file.offset, engine::kRunFileChunkBytes + 4)), '\0');
  in.seekg(static_cast<std::streamoff>(file.offset));
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  const bool at_end = file.offset + bytes.size() >= total;
  bytes.resize(utf8_cut(bytes, engine::kRunFileChunkBytes, at_end));
  file.name = real.filename().string();
  file.total_bytes = total;
  file.next_offset = file.offset + bytes.size() < total ? file.offset + bytes.size() : 0;
  file.content = std::move(bytes);
  return Status::ok();
}

AfterDurable prepare_run_file_read(const ExportConfig& config, ReminderExporter& exporter) {
  return [&config, &exporter](Reply&& reply, runtime::Completion* done) {
    auto shared = std::make_shared<Reply>(std::move(reply));
    const bool queued = exporter.submit_task([shared, done, &config] {
      Reply out = std::move(*shared);
      engine::RunFile file = std::get<engine::RunFile>(out.detail->value);
      const Status read = read_run_file_chunk(config.export_dir, file.name, file);
      if (!read.is_ok()) {
        const ReplyCode code =
            read.code() == StatusCode::kNotFound ? ReplyCode::kNotFound : ReplyCode::kInvalidArgument;
        done->complete(engine::refuse(code, read.message()));
        return;
      }
      out.value = static_cast<int64_t>(file.content.size());
      out.message =
          cat(file.name, ": bytes ", file.offset, " to ", file.offset + file.content.size(), " of ", file.total_bytes);
      out.detail = std::make_shared<engine::ReplyDetail>(engine::ReplyDetail{std::move(file)});
      done->complete(std::move(out));
    });
    if (!queued) done->complete(engine::refuse(ReplyCode::kBusy, "reminder export queue full: retry"));
  };
}

Result<AfterDurable> prepare_reminder_export(const engine::Command& command, const ExportConfig& config,
                                             ReminderExporter& exporter, runtime::ShardSet& shards) {
  TESSERA_CHECK(engine::command_info(command.body).effect == engine::Effect::kExportReminders);
  if (delivery_of(command.body) == engine::Delivery::kEmail && config.smtp.host.empty())
    return Status::failed_precondition("email delivery needs an SMTP relay: set smtp_host in the server configuration");
  return AfterDurable([&exporter, &shards, principal = command.principal](Reply&& reply, runtime::Completion* done) {
    export_then_complete(std::move(reply), done, exporter, shards, principal);
  });
}

}  // namespace tessera::reminders
