// Order PDFs after a saved modification, and RenderOrderPdf (order_pdf_effects.h).
#include "server/order_pdf_effects.h"

#include <cinttypes>
#include <cstdio>
#include <memory>
#include <utility>
#include <variant>

#include "base/strings.h"
#include "documents/order_pdf.h"
#include "engine/reply_detail.h"
#include "runtime/completion.h"
#include "server/export_file.h"

namespace tessera::server {

namespace {

using engine::Reply;
using engine::ReplyCode;

engine::OrderId order_of(const engine::CommandBody& body) {
  return std::visit(
      [](const auto& c) -> engine::OrderId {
        if constexpr (requires { c.order; }) {
          return c.order;
        } else {
          return engine::OrderId{0};
        }
      },
      body);
}

const engine::OrderRecord* record_in(const Reply& page) {
  return page.ok() && page.detail ? std::get_if<engine::OrderRecord>(&page.detail->value) : nullptr;
}

// RenderOrderPdf: the page the shard answered, written on the worker, then answered.
reminders::AfterDurable render_again(const OrderPdfConfig& config, reminders::ReminderExporter& exporter) {
  return [&config, &exporter](Reply&& page, runtime::Completion* done) {
    if (record_in(page) == nullptr) return done->complete(std::move(page));
    auto shared = std::make_shared<Reply>(std::move(page));
    const bool queued = exporter.submit_task([shared, done, &config] {
      Reply out = std::move(*shared);
      const Result<std::string> path = write_order_pdf(*record_in(out), config);
      if (!path.is_ok())
        return done->complete(
            engine::refuse(ReplyCode::kUnavailable, cat("cannot write the order's PDF: ", path.status().message())));
      out.message = path.value();
      done->complete(std::move(out));
    });
    if (!queued) done->complete(engine::refuse(ReplyCode::kBusy, "document worker queue full: retry"));
  };
}

}  // namespace

Result<std::string> write_order_pdf(const engine::OrderRecord& record, const OrderPdfConfig& config) {
  Result<std::string> rendered = documents::render_order_pdf(record, config.organisation, config.local);
  if (!rendered.is_ok()) return rendered.status();
  return write_export_file(config.dir, documents::order_pdf_file_name(record), *rendered);
}

reminders::AfterDurable prepare_order_pdf_effect(const engine::Command& command, const OrderPdfConfig& config,
                                                 reminders::ReminderExporter& exporter, runtime::ShardSet& shards) {
  if (std::holds_alternative<engine::RenderOrderPdf>(command.body)) return render_again(config, exporter);
  const engine::OrderId order = order_of(command.body);
  return [order, &config, &exporter, &shards](Reply&& reply, runtime::Completion* done) {
    const bool saved = reply.ok();
    done->complete(std::move(reply));  // the PDF does not hold the answer back
    if (!saved) return;
    auto* draw = new runtime::ThenCompletion([order, &config, &exporter](Reply&& page) {
      if (record_in(page) == nullptr) {
        std::fprintf(stderr, "tessera-server: order %" PRIu64 "'s PDF not written (RenderOrderPdf writes it): %s\n",
                     order.value(), page.message.c_str());
        return;
      }
      auto shared = std::make_shared<Reply>(std::move(page));
      const bool queued = exporter.submit_task([shared, order, &config] {
        if (const Result<std::string> path = write_order_pdf(*record_in(*shared), config); !path.is_ok())
          std::fprintf(stderr, "tessera-server: order %" PRIu64 "'s PDF not written (RenderOrderPdf writes it): %s\n",
                       order.value(), path.status().message().c_str());
      });
      if (!queued)
        std::fprintf(stderr,
                     "tessera-server: order %" PRIu64
                     "'s PDF not rendered: the document worker's queue is full (RenderOrderPdf writes it)\n",
                     order.value());
    });
    if (!shards.submit(engine::Command{0, engine::GetOrderRecord{order}}, draw)) {
      std::fprintf(stderr,
                   "tessera-server: order %" PRIu64
                   "'s PDF not rendered: its shard is busy (RenderOrderPdf writes it)\n",
                   order.value());
      delete draw;
    }
  };
}

}  // namespace tessera::server
