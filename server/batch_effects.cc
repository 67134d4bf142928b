// Payment batch effects: settling chain → CSV on the worker → client.
#include "server/batch_effects.h"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "documents/accounting_csv.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "server/export_file.h"

namespace tessera::server {

using engine::cat;
using engine::Reply;

namespace {

const engine::PaymentBatch* settled_export(const Reply& r) {
  const auto* b = r.ok() && r.detail ? std::get_if<engine::PaymentBatch>(&r.detail->value) : nullptr;
  return b != nullptr && b->settled && b->kind == engine::BatchKind::kAccountingExport ? b : nullptr;
}

// Gets the settled batch; an export is written on the worker before the
// client's `done` has it.
class WriteThenComplete final : public runtime::Completion {
 public:
  WriteThenComplete(runtime::Completion* done, const BatchConfig& config, reminders::ReminderExporter& exporter)
      : done_(done), config_(config), exporter_(exporter) {}

  void complete(Reply&& settled) override {
    if (settled_export(settled) == nullptr) {
      done_->complete(std::move(settled));
      delete this;
      return;
    }
    auto shared = std::make_shared<Reply>(std::move(settled));
    runtime::Completion* done = done_;
    const BatchConfig& config = config_;
    const bool queued = exporter_.submit_task([shared, done, &config] {
      Reply out = std::move(*shared);
      engine::PaymentBatch batch = std::get<engine::PaymentBatch>(out.detail->value);
      Result<std::string> path = write_accounting_csv(batch, config);
      if (path.is_ok()) {
        batch.file = *path;
        out.message = cat("accounting export ", batch.number, ": ", batch.frozen.size(), " payments, ",
                          batch.documents.size(), " documents: ", *path);
      } else {
        out.message = cat("accounting export ", batch.number, " settled; its CSV was not written (",
                          path.status().message(), "): the next start writes it");
      }
      out.detail = std::make_shared<engine::ReplyDetail>(engine::ReplyDetail{std::move(batch)});
      done->complete(std::move(out));
    });
    if (!queued) {
      Reply out = std::move(*shared);
      out.message += " (CSV not written: worker queue full; the next start writes it)";
      done_->complete(std::move(out));
    }
    delete this;
  }

 private:
  runtime::Completion* done_;
  const BatchConfig& config_;
  reminders::ReminderExporter& exporter_;
};

}  // namespace

Result<std::string> write_accounting_csv(const engine::PaymentBatch& batch, const BatchConfig& config) {
  return write_export_file(config.dir, documents::accounting_csv_name(batch),
                           documents::accounting_csv(batch, config.local));
}

bool write_missing_exports(const BatchConfig& config, reminders::ReminderExporter& exporter,
                           runtime::ShardSet& shards) {
  return exporter.submit_task([&config, &shards] {
    uint32_t written = 0, failed = 0, after = 0;
    for (;;) {
      const Reply page =
          shards.call(engine::Command{0, engine::ListPaymentBatches{engine::BatchKind::kAccountingExport, after, 0}});
      const auto* list = page.ok() && page.detail ? std::get_if<engine::PaymentBatches>(&page.detail->value) : nullptr;
      if (list == nullptr || list->batches.empty()) break;
      for (const engine::PaymentBatch& b : list->batches) {
        std::error_code ec;
        if (!b.settled ||
            std::filesystem::exists(std::filesystem::path(config.dir) / documents::accounting_csv_name(b), ec))
          continue;
        if (write_accounting_csv(b, config).is_ok()) {
          ++written;
        } else {
          ++failed;
        }
      }
      after = list->batches.back().number;
    }
    if (written + failed != 0)
      std::fprintf(stderr, "tessera-server: %u accounting exports missing from %s written again (%u could not be)\n",
                   written, config.dir.c_str(), failed);
  });
}

reminders::AfterDurable prepare_batch_effect(const BatchConfig& config, reminders::ReminderExporter& exporter,
                                             runtime::ShardSet& shards) {
  return [&config, &exporter, &shards](Reply&& created, runtime::Completion* done) {
    shards.settle_batch_of(std::move(created), new WriteThenComplete(done, config, exporter));
  };
}

}  // namespace tessera::server
