// AttachDocument's content into the store before logging; GetDocument's
// content out of it.
#include "server/document_effects.h"

#include <memory>
#include <type_traits>
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

engine::OrderId departure_mark(engine::PerformanceId performance) {
  return engine::make_order_id(kDepartureMarkShard, 0, performance.value());
}

Result<net::AfterDurable> prepare_document_store(engine::Command& command, DocumentStore& store,
                                                 reminders::ReminderExporter& exporter) {
  // The three commands that attach a stored document: the content, the
  // fields the digest and size go to, and whose it is.
  std::string* content = nullptr;
  std::string* sha256 = nullptr;
  uint64_t* size = nullptr;
  engine::OrderId owner = 0;
  std::visit(
      [&](auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, engine::AttachDocument> || std::is_same_v<T, engine::AttachTravelBook> ||
                      std::is_same_v<T, engine::AttachDepartureBook>) {
          content = &c.content;
          sha256 = &c.sha256;
          size = &c.size;
          if constexpr (std::is_same_v<T, engine::AttachDepartureBook>)
            owner = departure_mark(c.performance);
          else
            owner = c.order;
        }
      },
      command.body);
  TESSERA_CHECK(content != nullptr);
  if (content->empty())
    return Status::invalid_argument(
        engine::cat(engine::command_name(command.body), " carries the document's bytes in `content`"));
  Result<std::string> sha = store.store(*content, owner);
  if (!sha.is_ok()) return sha.status();
  *sha256 = *sha;
  *size = content->size();
  std::string().swap(*content);  // logged by digest, never by content
  auto settle = std::make_shared<Settle>(store, *sha, owner);
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
