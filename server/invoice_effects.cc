// Invoice effects: numbering chain → PDF on the worker → client.
#include "server/invoice_effects.h"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "base/check.h"
#include "engine/command_registry.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "server/export_file.h"

namespace tessera::server {

using engine::cat;
using engine::Reply;
using engine::ReplyCode;

namespace {

// Renders the documents of an ok Invoices reply on the worker, then
// completes `done` with their files' paths (and the first one's bytes when
// `with_pdf`: RenderInvoice renders one).
void render_then_complete(Reply&& reply, runtime::Completion* done, const InvoiceConfig& config,
                          reminders::ReminderExporter& exporter, bool with_pdf) {
  const auto* listed = reply.ok() && reply.detail ? std::get_if<engine::Invoices>(&reply.detail->value) : nullptr;
  if (listed == nullptr || listed->documents.empty() || listed->documents.front().number == 0) {
    done->complete(std::move(reply));
    return;
  }
  auto shared = std::make_shared<Reply>(std::move(reply));
  const bool queued = exporter.submit_task([shared, done, &config, with_pdf] {
    Reply out = std::move(*shared);
    engine::Invoices invoices = std::get<engine::Invoices>(out.detail->value);
    std::string message;
    for (const engine::InvoiceDocument& d : invoices.documents) {
      const std::string name = cat(engine::invoice_kind_name(d.kind), " ", d.year, "-", d.number);
      std::string pdf;
      Result<std::string> path = write_invoice_pdf(d, config, &pdf);
      if (!path.is_ok() && with_pdf) {
        done->complete(
            engine::refuse(ReplyCode::kUnavailable, cat("cannot render the PDF: ", path.status().message())));
        return;
      }
      if (path.is_ok()) {
        if (invoices.files.empty()) {
          invoices.file = *path;
          if (with_pdf) invoices.pdf = std::move(pdf);
        }
        invoices.files.push_back(*path);
        message += cat(message.empty() ? "" : "; ", name, " of order ", d.order, ": ", *path);
      } else {
        invoices.files.emplace_back();
        message += cat(message.empty() ? "" : "; ", name, " issued; its PDF was not written (", path.status().message(),
                       "): RenderInvoice writes it again");
      }
    }
    out.message = invoices.documents.size() == 1 ? message : cat(out.message, ": ", message);
    out.detail = std::make_shared<engine::ReplyDetail>(engine::ReplyDetail{std::move(invoices)});
    done->complete(std::move(out));
  });
  if (!queued) {
    if (with_pdf) {
      done->complete(engine::refuse(ReplyCode::kBusy, "document worker queue full: retry"));
    } else {
      Reply out = std::move(*shared);
      out.message += " (PDF not rendered: worker queue full; RenderInvoice writes it)";
      done->complete(std::move(out));
    }
  }
}

// Has the frozen documents numbered one after the other (each by the
// register, then noted on the order), then completes the client's request
// with them, rendered. A refusal stops the chain: what is left stays
// pending, numbered by a retry of the command or at the next start.
class NumberEach final : public runtime::Completion {
 public:
  NumberEach(Reply&& frozen, runtime::Completion* done, const InvoiceConfig& config,
             reminders::ReminderExporter& exporter, runtime::ShardSet& shards)
      : frozen_(std::move(frozen)),
        documents_(std::get<engine::Invoices>(frozen_.detail->value).documents),
        done_(done),
        config_(config),
        exporter_(exporter),
        shards_(shards) {}

  void start() { shards_.number_document(documents_[0], this); }

  void complete(Reply&& numbered) override {
    const auto* one =
        numbered.ok() && numbered.detail ? std::get_if<engine::Invoices>(&numbered.detail->value) : nullptr;
    if (one == nullptr || one->documents.empty()) {
      if (next_ != 0)
        numbered.message +=
            cat(" (", next_, " of the ", documents_.size(), " documents were numbered; a retry numbers the others)");
      done_->complete(std::move(numbered));
      delete this;
      return;
    }
    documents_[next_] = one->documents.front();
    if (++next_ < documents_.size()) return shards_.number_document(documents_[next_], this);
    Reply out = std::move(frozen_);
    out.value = documents_.front().number;
    out.detail = std::make_shared<engine::ReplyDetail>(
        engine::ReplyDetail{engine::Invoices{documents_, static_cast<uint32_t>(documents_.size()), {}, {}, {}}});
    render_then_complete(std::move(out), done_, config_, exporter_, false);
    delete this;
  }

 private:
  Reply frozen_;
  std::vector<engine::InvoiceDocument> documents_;
  size_t next_ = 0;
  runtime::Completion* done_;
  const InvoiceConfig& config_;
  reminders::ReminderExporter& exporter_;
  runtime::ShardSet& shards_;
};

}  // namespace

Result<std::string> write_invoice_pdf(const engine::InvoiceDocument& document, const InvoiceConfig& config,
                                      std::string* pdf) {
  Result<std::string> rendered = documents::render_invoice_pdf(document, config.organisation, config.local);
  if (!rendered.is_ok()) return rendered.status();
  if (rendered->size() > engine::kInvoicePdfBytesMax)
    return Status::internal(cat("the PDF has ", rendered->size(), " bytes; at most ", engine::kInvoicePdfBytesMax));
  Result<std::string> path = write_export_file(config.dir, documents::invoice_file_name(document), *rendered);
  if (path.is_ok()) *pdf = std::move(*rendered);
  return path;
}

bool render_missing_pdfs(const InvoiceConfig& config, reminders::ReminderExporter& exporter, runtime::ShardSet& shards,
                         std::vector<uint32_t> years) {
  return exporter.submit_task([&config, &shards, years = std::move(years)] {
    uint32_t rendered = 0, failed = 0;
    for (uint8_t k = 0; k <= static_cast<uint8_t>(engine::kInvoiceKindLast); ++k) {
      const auto kind = static_cast<engine::InvoiceKind>(k);
      for (const uint32_t year : years) {
        uint32_t after = 0;
        for (;;) {
          const Reply page =
              shards.call(engine::Command{0, engine::ListInvoices{kind, year, engine::OrderId{0}, after, 0}});
          const auto* list = page.ok() && page.detail ? std::get_if<engine::Invoices>(&page.detail->value) : nullptr;
          if (list == nullptr || list->documents.empty()) break;
          for (const engine::InvoiceDocument& d : list->documents) {
            std::error_code ec;
            if (std::filesystem::exists(std::filesystem::path(config.dir) / documents::invoice_file_name(d), ec))
              continue;
            std::string pdf;
            if (write_invoice_pdf(d, config, &pdf).is_ok()) {
              ++rendered;
            } else {
              ++failed;
            }
          }
          after = list->documents.back().number;
        }
      }
    }
    if (rendered + failed != 0)
      std::fprintf(stderr, "tessera-server: %u invoice PDFs missing from %s rendered again (%u could not be written)\n",
                   rendered, config.dir.c_str(), failed);
  });
}

reminders::AfterDurable prepare_invoice_effect(const engine::Command& command, const InvoiceConfig& config,
                                               reminders::ReminderExporter& exporter, runtime::ShardSet& shards) {
  const engine::Effect effect = engine::command_info(command.body).effect;
  TESSERA_CHECK(effect == engine::Effect::kNumberInvoice || effect == engine::Effect::kRenderInvoice);
  if (effect == engine::Effect::kRenderInvoice)
    return [&config, &exporter](Reply&& reply, runtime::Completion* done) {
      render_then_complete(std::move(reply), done, config, exporter, true);
    };
  return [&config, &exporter, &shards](Reply&& frozen, runtime::Completion* done) {
    const auto* invoices =
        frozen.ok() && frozen.detail ? std::get_if<engine::Invoices>(&frozen.detail->value) : nullptr;
    if (invoices == nullptr || invoices->documents.empty()) {
      done->complete(std::move(frozen));
      return;
    }
    (new NumberEach(std::move(frozen), done, config, exporter, shards))->start();
  };
}

}  // namespace tessera::server
