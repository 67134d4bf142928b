// ShardSet routing and broadcast merging.
#include "runtime/shard_set.h"

#include <atomic>
#include <cassert>
#include <mutex>
#include <thread>

#include "engine/limits.h"

namespace tessera::runtime {

namespace {

// Collects one reply per shard, completes the caller once with the merged
// reply, then deletes itself.
class BroadcastCompletion final : public Completion {
 public:
  BroadcastCompletion(uint32_t expected, Completion* done) : pending_(expected), done_(done) {}
  void complete(engine::Reply&& reply) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!have_ || (merged_.ok() && !reply.ok())) {
        merged_ = std::move(reply);
        have_ = true;
      }
    }
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      done_->complete(std::move(merged_));
      delete this;
    }
  }

 private:
  std::atomic<uint32_t> pending_;
  Completion* done_;
  std::mutex mutex_;
  bool have_ = false;
  engine::Reply merged_;
};

}  // namespace

ShardSet::ShardSet(uint32_t shard_count, const Clock& clock, engine::ShardConfig config) {
  assert(shard_count >= 1 && shard_count <= engine::kShardsMax);
  for (uint32_t s = 0; s < shard_count; ++s)
    runners_.push_back(std::make_unique<ShardRunner>(s, shard_count, clock, config));
}

ShardSet::ShardSet(std::vector<std::unique_ptr<ShardRunner>> runners) : runners_(std::move(runners)) {
  assert(!runners_.empty() && runners_.size() <= engine::kShardsMax);
  for (uint32_t s = 0; s < runners_.size(); ++s) assert(runners_[s]->shard().shard_id() == s);
}

void ShardSet::start() {
  for (auto& r : runners_) r->start();
}

void ShardSet::stop() {
  for (auto& r : runners_) r->stop();
}

bool ShardSet::submit(engine::Command&& command, Completion* done) {
  const engine::Route route = engine::command_route(command.body, size());
  if (route.kind == engine::Route::kOneShard) return runners_[route.shard]->submit(std::move(command), done);
  return broadcast(std::move(command), done);
}

bool ShardSet::broadcast(engine::Command&& command, Completion* done) {
  auto* merge = new BroadcastCompletion(size(), done);
  engine::Command first = command;
  if (!runners_[0]->submit(std::move(first), merge)) {
    delete merge;
    return false;
  }
  for (uint32_t s = 1; s < size(); ++s) {
    for (;;) {
      engine::Command copy = command;
      if (runners_[s]->submit(std::move(copy), merge)) break;
      if (!runners_[s]->accepting()) {
        merge->complete(engine::refuse(engine::ReplyCode::kBusy, "shard stopping"));
        break;
      }
      std::this_thread::yield();  // set-up only: wait out a full inbox
    }
  }
  return true;
}

engine::Reply ShardSet::call(engine::Command command) {
  WaitableCompletion done;
  if (!submit(std::move(command), &done))
    return engine::refuse(engine::ReplyCode::kBusy, "shard inbox full or stopping: retry later");
  return std::move(done.wait());
}

}  // namespace tessera::runtime
