// ShardSet and the invoice register: steps 2 and 3 of numbering a document
// (engine/commands_invoices.h) once the order's shard froze it, and the
// completion at start of the documents a stop or a crash left pending.
#include <algorithm>
#include <cstdio>
#include <deque>

#include "engine/reply_detail.h"
#include "runtime/internal_submit.h"
#include "runtime/shard_set.h"

namespace tessera::runtime {

namespace {

// "First Last", the street, "postcode city", the country: what the
// directory knows of the client, as the document prints it.
std::string billed_to(const engine::ContactSummary& c) {
  std::string out = c.first_name.empty() ? c.last_name : engine::cat(c.first_name, " ", c.last_name);
  const std::string town = c.postcode.empty() ? c.city
                           : c.city.empty()   ? c.postcode
                                              : engine::cat(c.postcode, " ", c.city);
  for (const std::string* line : {&c.street, &town, &c.country})
    if (!line->empty()) out += engine::cat("\n", *line);
  return out;
}

// The client's card (when the document names one), then RecordInvoice on
// shard 0, then NoteInvoice on the order's shard; `done` gets the register's
// reply (the numbered document). Each step runs on the thread completing
// the one before.
class NumberingChain final : public Completion {
 public:
  NumberingChain(ShardSet& set, engine::InvoiceDocument document, Completion* done)
      : set_(set), document_(std::move(document)), done_(done) {}

  void start() {
    if (document_.contact != engine::kNone && set_.directory() != nullptr) {
      step_ = Step::kCard;
      const engine::Command read{0, engine::GetContactCards{{document_.contact}}, document_.principal};
      if (submit_directory(*set_.directory(), read, this)) return;
    }
    record();
  }

  void complete(engine::Reply&& reply) override {
    switch (step_) {
      case Step::kCard:
        if (const auto* cards =
                reply.ok() && reply.detail ? std::get_if<engine::ContactCards>(&reply.detail->value) : nullptr;
            cards != nullptr && !cards->cards.empty()) {
          document_.billed_to = billed_to(cards->cards.front());
          document_.contact_number = cards->cards.front().number;
        }
        return record();
      case Step::kRecord:
        if (!reply.ok()) return finish(std::move(reply));
        numbered_ = std::move(reply);
        return note();
      case Step::kNote:
        if (!reply.ok())
          numbered_.message += engine::cat(" (the order is not marked yet: ", reply.message, "; retry to mark it)");
        return finish(std::move(numbered_));
    }
  }

 private:
  enum class Step { kCard, kRecord, kNote };

  void record() {
    step_ = Step::kRecord;
    document_.year = static_cast<uint32_t>(set_.local_time().civil(document_.issued_ms).year);
    const engine::Command c{0, engine::RecordInvoice{document_}, document_.principal};
    if (!submit_internal(set_, c, this))
      finish(
          engine::refuse(engine::ReplyCode::kUnavailable, "stopping: the document stays pending until the next start"));
  }

  void note() {
    step_ = Step::kNote;
    const engine::InvoiceDocument& d = std::get<engine::Invoices>(numbered_.detail->value).documents.front();
    const engine::Command c{0, engine::NoteInvoice{d.order, d.attempt, d.kind, d.year, d.number}, d.principal};
    if (!submit_internal(set_, c, this)) {
      numbered_.message += " (stopping: the order is marked at the next start)";
      finish(std::move(numbered_));
    }
  }

  void finish(engine::Reply&& reply) {
    done_->complete(std::move(reply));
    delete this;
  }

  ShardSet& set_;
  engine::InvoiceDocument document_;
  Completion* done_;
  Step step_ = Step::kRecord;
  engine::Reply numbered_;
};

}  // namespace

void ShardSet::number_document(engine::InvoiceDocument document, Completion* done) {
  (new NumberingChain(*this, std::move(document), done))->start();
}

// Runs before any runner starts (their state is read directly).
std::vector<engine::InvoiceDocument> ShardSet::pending_documents() {
  std::vector<engine::InvoiceDocument> out;
  for (auto& runner : runners_)
    for (engine::InvoiceDocument& d : runner->shard().pending_documents()) out.push_back(std::move(d));
  if (!out.empty())
    std::fprintf(stderr, "tessera: %zu invoices or credit notes frozen before the stop: numbering them\n", out.size());
  return out;
}

void ShardSet::complete_pending_documents(std::vector<engine::InvoiceDocument> pending) {
  for (engine::InvoiceDocument& d : pending) {
    const engine::OrderId order = d.order;
    const uint32_t attempt = d.attempt;
    WaitableCompletion done;
    number_document(std::move(d), &done);
    const engine::Reply& r = await(done);
    // Completed means the order lists it numbered (asked, not read from the
    // reply's words; another document of the order may still be pending).
    const engine::Reply page = call(engine::Command{0, engine::GetOrderRecord{order}});
    const auto* record = page.ok() && page.detail ? std::get_if<engine::OrderRecord>(&page.detail->value) : nullptr;
    const bool noted =
        record != nullptr && std::any_of(record->invoices.begin(), record->invoices.end(),
                                         [&](const engine::InvoiceRef& i) { return i.attempt == attempt; });
    if (!r.ok() || !noted)
      std::fprintf(stderr, "tessera: order %llu's document not completed: %s\n",
                   static_cast<unsigned long long>(order.value()), r.message.c_str());
  }
}

void ShardSet::on_auto_invoice(std::function<void(const engine::InvoiceDocument&)> hook) {
  std::lock_guard lock(pump_mutex_);
  auto_invoice_hook_ = std::move(hook);
}

engine::Reply ShardSet::pump_auto_invoices() {
  std::lock_guard lock(pump_mutex_);
  int64_t numbered = 0;
  for (uint32_t shard = 0; shard < size(); ++shard) {
    std::set<std::pair<uint64_t, uint32_t>> seen;  // once per round: one the order did not mark waits for the next
    for (;;) {
      const engine::Reply page = call(engine::Command{0, engine::GetAutoInvoices{shard}});
      if (!page.ok()) return page;
      const auto* waiting = page.detail ? std::get_if<engine::Invoices>(&page.detail->value) : nullptr;
      if (waiting == nullptr) break;
      // A page at a time, numbered side by side (the register numbers them
      // in the order they reach it: no gap whatever the order).
      std::vector<const engine::InvoiceDocument*> todo;
      for (const engine::InvoiceDocument& d : waiting->documents)
        if (!auto_refused_.contains({d.order.value(), d.attempt}) && seen.insert({d.order.value(), d.attempt}).second)
          todo.push_back(&d);
      if (todo.empty()) break;
      std::deque<WaitableCompletion> done(todo.size());
      for (size_t i = 0; i < todo.size(); ++i) number_document(*todo[i], &done[i]);
      for (size_t i = 0; i < todo.size(); ++i) {
        const engine::Reply& r = await(done[i]);
        const auto* one = r.ok() && r.detail ? std::get_if<engine::Invoices>(&r.detail->value) : nullptr;
        if (one != nullptr && !one->documents.empty()) {
          ++numbered;
          if (auto_invoice_hook_) auto_invoice_hook_(one->documents.front());
        } else if (r.code != engine::ReplyCode::kBusy && r.code != engine::ReplyCode::kUnavailable) {
          auto_refused_.insert({todo[i]->order.value(), todo[i]->attempt});
          std::fprintf(stderr, "tessera: order %llu's invoice on departure not numbered: %s\n",
                       static_cast<unsigned long long>(todo[i]->order.value()), r.message.c_str());
        } else {
          engine::Reply busy = r;
          return busy;  // stopping or full: the next round goes on
        }
      }
    }
  }
  engine::Reply r;
  r.value = numbered;
  return r;
}

}  // namespace tessera::runtime
