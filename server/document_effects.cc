// AttachDocument's content into the store before logging; GetDocument's
// content out of it.
#include "server/document_effects.h"

#include <memory>
#include <variant>

#include "base/check.h"
#include "engine/reply_detail.h"

namespace tessera::server {

namespace {

// Settles one stored attach: acknowledged when its step runs, otherwise
// (refused, never submitted) when the step is dropped.
class Settle {
 public:
  Settle(DocumentStore& store, std::string sha256, engine::OrderId order)
      : store_(store), sha256_(std::move(sha256)), order_(order) {}
  ~Settle() {
    if (!settled_) store_.settle(sha256_, order_, false);
  }
  Settle(const Settle&) = delete;
  Settle& operator=(const Settle&) = delete;
  void acknowledged() {
    settled_ = true;
    store_.settle(sha256_, order_, true);
  }

 private:
  DocumentStore& store_;
  const std::string sha256_;
  const engine::OrderId order_;
  bool settled_ = false;
};

}  // namespace

Result<net::AfterDurable> prepare_document_store(engine::Command& command, DocumentStore& store,
                                                 reminders::ReminderExporter& exporter) {
  auto* attach = std::get_if<engine::AttachDocument>(&command.body);
  TESSERA_CHECK(attach != nullptr);
  if (attach->content.empty())
    return Status::invalid_argument("AttachDocument carries the document's bytes in `content`");
  Result<std::string> sha = store.store(attach->content, attach->order);
  if (!sha.is_ok()) return sha.status();
  attach->sha256 = *sha;
  attach->size = attach->content.size();
  std::string().swap(attach->content);  // logged by digest, never by content
  auto settle = std::make_shared<Settle>(store, *sha, attach->order);
  return net::AfterDurable([settle, &exporter](engine::Reply&& reply, runtime::Completion* done) {
    done->complete(std::move(reply));
    if (!exporter.submit_task([settle] { settle->acknowledged(); })) settle->acknowledged();
  });
}

net::AfterDurable prepare_document_read(DocumentStore& store, reminders::ReminderExporter& exporter) {
  return [&store, &exporter](engine::Reply&& reply, runtime::Completion* done) {
    auto shared = std::make_shared<engine::Reply>(std::move(reply));
    const bool queued = exporter.submit_task([shared, done, &store] {
      engine::Reply out = std::move(*shared);
      engine::DocumentFile file = std::get<engine::DocumentFile>(out.detail->value);
      Result<std::string> content = store.read(file.document.sha256, file.document.size);
      if (!content.is_ok()) {
        done->complete(engine::refuse(engine::ReplyCode::kUnavailable,
                                      engine::cat("document ", file.document.number, " of order ", file.order,
                                                  " cannot be read: ", content.status().message())));
        return;
      }
      file.content = std::move(*content);
      out.detail = std::make_shared<engine::ReplyDetail>(engine::ReplyDetail{std::move(file)});
      done->complete(std::move(out));
    });
    if (!queued) done->complete(engine::refuse(engine::ReplyCode::kBusy, "document worker queue full: retry"));
  };
}

}  // namespace tessera::server
