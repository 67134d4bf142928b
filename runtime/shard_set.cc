// ShardSet routing and broadcast merging.
#include "runtime/shard_set.h"

#include <atomic>
#include <cassert>
#include <cstdio>
#include <mutex>
#include <thread>

#include "engine/limits.h"
#include "engine/reply_merge.h"

namespace tessera::runtime {

namespace {

// Collects one reply per part of a fan-out, completes the caller once with
// the merged reply (engine::merge_replies), then deletes itself.
class FanOutCompletion final {
 public:
  FanOutCompletion(ShardSet* set, engine::CommandBody body, uint32_t parts, Completion* done)
      : set_(set), body_(std::move(body)), replies_(parts), parts_(parts), pending_(parts), done_(done) {
    for (uint32_t i = 0; i < parts; ++i) {
      parts_[i].owner = this;
      parts_[i].index = i;
    }
  }
  // The completion of part i.
  Completion* part(uint32_t i) { return &parts_[i]; }

 private:
  struct Part final : Completion {
    FanOutCompletion* owner = nullptr;
    uint32_t index = 0;
    void complete(engine::Reply&& reply) override { owner->complete_part(index, std::move(reply)); }
  };

  void complete_part(uint32_t i, engine::Reply&& reply) {
    replies_[i] = std::move(reply);  // each part writes only its own slot
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      static const engine::MergeSettings kNoSettings;  // a catalog broadcast's merge needs none
      engine::Reply merged =
          engine::merge_replies(body_, std::move(replies_), set_ ? set_->merge_settings() : kNoSettings);
      if (set_) {
        set_->deliver(std::move(merged), done_);
      } else {
        done_->complete(std::move(merged));
      }
      delete this;
    }
  }

  ShardSet* set_;  // nullptr: a catalog broadcast (names no contact)
  engine::CommandBody body_;
  std::vector<engine::Reply> replies_;
  std::vector<Part> parts_;
  std::atomic<uint32_t> pending_;
  Completion* done_;
};

}  // namespace

ShardSet::ShardSet(uint32_t shard_count, const Clock& clock, engine::ShardConfig config) {
  assert(shard_count >= 1 && shard_count <= engine::kShardsMax);
  for (uint32_t s = 0; s < shard_count; ++s)
    runners_.push_back(std::make_unique<ShardRunner>(s, shard_count, clock, config));
  directory_ = std::make_unique<DirectoryRunner>(clock);
}

ShardSet::ShardSet(std::vector<std::unique_ptr<ShardRunner>> runners, std::unique_ptr<DirectoryRunner> directory)
    : runners_(std::move(runners)), directory_(std::move(directory)) {
  assert(!runners_.empty() && runners_.size() <= engine::kShardsMax);
  for (uint32_t s = 0; s < runners_.size(); ++s) assert(runners_[s]->shard().shard_id() == s);
}

void ShardSet::start() { start_runners(false); }

void ShardSet::start_stepped(std::function<void()> step) {
  assert(step);
  step_ = std::move(step);
  start_runners(true);
}

size_t ShardSet::turn() {
  size_t did = directory_ ? directory_->turn() : 0;
  for (auto& r : runners_) did += r->turn();
  return did;
}

engine::Reply& ShardSet::await(WaitableCompletion& done) {
  if (step_)
    while (!done.done()) step_();
  return done.wait();
}

void ShardSet::start_runners(bool stepped) {
  std::vector<engine::Command> reconcile = reconcile_contacts();
  std::vector<engine::InvoiceDocument> pending = pending_documents();
  PendingClaims claims = pending_claims();
  std::vector<engine::PaymentBatch> batches = open_batches();
  promo_taken_ = runners_[0]->shard().promo_returns_taken();                // before the runners start
  if (directory_) marks_taken_ = directory_->shard().client_marks_taken();  // before its runner starts
  if (directory_) cashback_taken_ = directory_->shard().cashback_returns_taken();
  if (directory_) stepped ? directory_->start_stepped() : directory_->start();
  for (auto& r : runners_) stepped ? r->start_stepped() : r->start();
  for (engine::Command& c : reconcile) {
    const std::string name(engine::command_name(c.body));
    const engine::Reply reply = call(std::move(c));
    if (!reply.ok())
      std::fprintf(stderr, "tessera: contact directory: %s not reconciled: %s\n", name.c_str(), reply.message.c_str());
  }
  complete_pending_documents(std::move(pending));
  complete_pending_claims(std::move(claims));
  complete_open_batches(std::move(batches));  // after the documents: an export takes them
  if (stepped) return;
  pump_stopping_ = false;
  pump_ = std::thread([this] { run_client_pump(); });
}

// The directory stops first: the hand-overs it still answers reach running
// shards. A fan-out that completes after it stopped is answered without
// the directory's names.
void ShardSet::stop() {
  if (pump_.joinable()) {
    {
      std::lock_guard lock(pump_mutex_);
      pump_stopping_ = true;
    }
    pump_wake_.notify_all();
    pump_.join();
  }
  if (step_) {  // let every catalog barrier and hand-over between partitions finish first
    while (turn() > 0) {
    }
  }
  if (directory_) directory_->stop();
  for (auto& r : runners_) r->stop();
}

void ShardSet::set_merge_settings(engine::MergeSettings settings) { merge_settings_ = std::move(settings); }

bool ShardSet::submit(engine::Command&& command, Completion* done) {
  const engine::Route route = engine::command_route(command.body, size());
  if (route.kind == engine::Route::kOneShard) {
    // The back office's order page names its client as the directory knows
    // them (name, the litigious flag); a web shop's reads stay the shard's.
    if (directory_ && !command.own_orders_only &&
        (std::holds_alternative<engine::GetOrderRecord>(command.body) ||
         std::holds_alternative<engine::RenderOrderPdf>(command.body)))
      done = new ThenCompletion([this, done](engine::Reply&& r) { deliver(std::move(r), done); });
    return runners_[route.shard]->submit(std::move(command), done);
  }
  if (route.kind == engine::Route::kCatalog) return submit_catalog(std::move(command), done);
  if (route.kind == engine::Route::kContacts) return submit_contacts(std::move(command), done);
  std::vector<std::pair<uint32_t, engine::CommandBody>> parts;
  if (route.kind == engine::Route::kByOrder) {
    parts = engine::split_by_order(command.body, size());
  } else {
    parts.reserve(size());
    for (uint32_t s = 0; s < size(); ++s) parts.emplace_back(s, command.body);
  }
  return fan_out(command, std::move(parts), done);
}

// Each part is `command` with its own body: the same key, principal, scope
// and rules (the workflow of what a fan-out changes names who sent it).
bool ShardSet::fan_out(engine::Command& command, std::vector<std::pair<uint32_t, engine::CommandBody>> parts,
                       Completion* done) {
  auto part_of = [&command](engine::CommandBody body) {
    engine::Command c{command.key, std::move(body), command.principal, command.own_orders_only};
    c.rules = command.rules;
    return c;
  };
  auto* merge = new FanOutCompletion(this, std::move(command.body), static_cast<uint32_t>(parts.size()), done);
  if (!runners_[parts[0].first]->submit(part_of(std::move(parts[0].second)), merge->part(0))) {
    delete merge;
    return false;
  }
  for (uint32_t i = 1; i < parts.size(); ++i) {
    ShardRunner& runner = *runners_[parts[i].first];
    FullInboxWait wait;  // rare: wait out a full inbox once the first part is in
    for (;;) {
      engine::Command copy = part_of(parts[i].second);
      if (runner.submit(std::move(copy), merge->part(i))) break;
      if (!runner.accepting() || !wait.again()) {
        merge->part(i)->complete(engine::refuse(
            engine::ReplyCode::kBusy, runner.accepting() ? "shard inbox full: retry later" : "shard stopping"));
        break;
      }
    }
  }
  return true;
}

bool ShardSet::submit_catalog(engine::Command&& command, Completion* done) {
  std::lock_guard<std::mutex> lock(catalog_mutex_);
  auto* merge = new FanOutCompletion(nullptr, command.body, size(), done);
  auto* barrier = new CatalogBarrier(size());
  for (uint32_t s = 0; s < size(); ++s) {
    ShardRunner& runner = *runners_[s];
    FullInboxWait wait;  // rare: wait out a full inbox once the first shard has it
    for (;;) {
      engine::Command copy = command;
      if (runner.submit_catalog(std::move(copy), merge->part(s), barrier)) break;
      if (s == 0 && runner.accepting()) {  // nothing queued yet: the caller retries
        delete merge;
        delete barrier;
        return false;
      }
      if (!runner.accepting() || !wait.again()) {  // the others apply nothing either
        engine::Reply absent = engine::refuse(engine::ReplyCode::kBusy,
                                              runner.accepting() ? "shard inbox full: catalog command not applied"
                                                                 : "shard stopping: catalog command not applied");
        barrier->arrive_absent(absent);
        merge->part(s)->complete(std::move(absent));
        break;
      }
    }
  }
  return true;
}

engine::Reply ShardSet::call(engine::Command command) {
  WaitableCompletion done;
  if (!submit(std::move(command), &done))
    return engine::refuse(engine::ReplyCode::kBusy, "shard inbox full or stopping: retry later");
  return std::move(await(done));
}

}  // namespace tessera::runtime
