// Invoice effects: numbering chain → PDF on the worker → client.
#include "server/invoice_effects.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "base/check.h"
#include "engine/command_registry.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::server {

using engine::cat;
using engine::Reply;
using engine::ReplyCode;

namespace {

// Renders the document of an ok Invoices reply on the worker, then
// completes `done` with the file's path (and the bytes when `with_pdf`).
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
    const engine::InvoiceDocument& d = invoices.documents.front();
    const char* what = d.kind == engine::InvoiceKind::kInvoice ? "invoice" : "credit note";
    std::string pdf;
    Result<std::string> path = write_invoice_pdf(d, config, &pdf);
    if (path.is_ok()) {
      invoices.file = *path;
      if (with_pdf) invoices.pdf = std::move(pdf);
      out.message = cat(what, " ", d.year, "-", d.number, " of order ", d.order, ": ", *path);
    } else if (with_pdf) {
      done->complete(engine::refuse(ReplyCode::kUnavailable, cat("cannot render the PDF: ", path.status().message())));
      return;
    } else {
      out.message = cat(what, " ", d.year, "-", d.number, " issued; its PDF was not written (", path.status().message(),
                        "): RenderInvoice writes it again");
    }
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

// Completes the client's request with the numbered document, once rendered.
class AfterNumbering final : public runtime::Completion {
 public:
  AfterNumbering(runtime::Completion* done, const InvoiceConfig& config, reminders::ReminderExporter& exporter)
      : done_(done), config_(config), exporter_(exporter) {}
  void complete(Reply&& numbered) override {
    render_then_complete(std::move(numbered), done_, config_, exporter_, false);
    delete this;
  }

 private:
  runtime::Completion* done_;
  const InvoiceConfig& config_;
  reminders::ReminderExporter& exporter_;
};

}  // namespace

Result<std::string> write_invoice_pdf(const engine::InvoiceDocument& document, const InvoiceConfig& config,
                                      std::string* pdf) {
  namespace fs = std::filesystem;
  Result<std::string> rendered = documents::render_invoice_pdf(document, config.organisation, config.local);
  if (!rendered.is_ok()) return rendered.status();
  if (rendered->size() > engine::kInvoicePdfBytesMax)
    return Status::internal(cat("the PDF has ", rendered->size(), " bytes; at most ", engine::kInvoicePdfBytesMax));
  std::error_code ec;
  fs::create_directories(config.dir, ec);
  if (ec) return Status::unavailable(cat("cannot create ", config.dir, ": ", ec.message()));
  const fs::path path = fs::path(config.dir) / documents::invoice_file_name(document);
  const fs::path part = fs::path(path).concat(".part");
  {
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    out.write(rendered->data(), static_cast<std::streamsize>(rendered->size()));
    out.close();
    if (!out) return Status::unavailable(cat("cannot write ", part.string()));
  }
  fs::rename(part, path, ec);  // whole or not at all
  if (ec) return Status::unavailable(cat("cannot rename ", part.string(), ": ", ec.message()));
  *pdf = std::move(*rendered);
  return path.string();
}

bool render_missing_pdfs(const InvoiceConfig& config, reminders::ReminderExporter& exporter, runtime::ShardSet& shards,
                         std::vector<uint32_t> years) {
  return exporter.submit_task([&config, &shards, years = std::move(years)] {
    uint32_t rendered = 0, failed = 0;
    for (const engine::InvoiceKind kind : {engine::InvoiceKind::kInvoice, engine::InvoiceKind::kCreditNote}) {
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
    shards.number_document(invoices->documents.front(), new AfterNumbering(done, config, exporter));
  };
}

}  // namespace tessera::server
