// ShardRunner loop: drain a batch, apply, reply, advance timers, sleep.
#include "runtime/shard_runner.h"

#include <cassert>
#include <chrono>

#include "engine/limits.h"

namespace tessera::runtime {

using engine::kBatchCommandsMax;
using engine::kExpiriesPerSliceMax;
using engine::kInboxCapacity;

ShardRunner::ShardRunner(uint32_t shard, uint32_t shard_count, const Clock& clock, engine::ShardConfig config)
    : shard_(shard, shard_count, clock.now_ms(), config), clock_(clock), inbox_(kInboxCapacity) {
  batch_.reserve(kBatchCommandsMax);
  replies_.reserve(kBatchCommandsMax);
}

ShardRunner::~ShardRunner() { stop(); }

void ShardRunner::start() {
  assert(!running_.load());
  running_.store(true);
  accepting_.store(true);
  thread_ = std::thread([this] { run(); });
}

void ShardRunner::stop() {
  if (!thread_.joinable()) return;
  accepting_.store(false, std::memory_order_seq_cst);
  // A submit() that saw accepting_ == true finishes its push before we let
  // the loop exit, so every queued command is applied and completed.
  while (submitting_.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
  running_.store(false);
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    wake_.notify_one();
  }
  thread_.join();
}

bool ShardRunner::submit(engine::Command&& command, Completion* done) {
  assert(done);
  submitting_.fetch_add(1, std::memory_order_seq_cst);
  if (!accepting_.load(std::memory_order_seq_cst)) {
    submitting_.fetch_sub(1, std::memory_order_seq_cst);
    return false;
  }
  Envelope e{std::move(command), done};
  const bool queued = inbox_.try_push(e);
  submitting_.fetch_sub(1, std::memory_order_seq_cst);
  if (!queued) {
    command = std::move(e.command);  // give the command back to the caller
    return false;
  }
  if (sleeping_.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    wake_.notify_one();
  }
  return true;
}

void ShardRunner::run() {
  for (;;) {
    const bool running = running_.load(std::memory_order_acquire);
    const int64_t now = clock_.now_ms();
    const size_t applied = drain_batch(now);
    const uint32_t fired = shard_.advance(now, kExpiriesPerSliceMax);
    if (!running && applied == 0 && inbox_.size_approx() == 0) return;
    if (applied == 0 && fired < kExpiriesPerSliceMax) sleep_until_work();
  }
}

size_t ShardRunner::drain_batch(int64_t now_ms) {
  batch_.clear();
  Envelope e;
  while (batch_.size() < kBatchCommandsMax && inbox_.try_pop(e)) batch_.push_back(std::move(e));
  if (batch_.empty()) return 0;
  replies_.clear();
  for (const Envelope& env : batch_) replies_.push_back(shard_.apply(env.command, now_ms));
  // The durable log hooks in here: replies leave only after the batch is logged.
  for (size_t i = 0; i < batch_.size(); ++i) batch_[i].done->complete(std::move(replies_[i]));
  const uint64_t n = batch_.size();
  batches_.fetch_add(1, std::memory_order_relaxed);
  commands_.fetch_add(n, std::memory_order_relaxed);
  if (n > batch_size_max_.load(std::memory_order_relaxed)) batch_size_max_.store(n, std::memory_order_relaxed);
  return batch_.size();
}

void ShardRunner::sleep_until_work() {
  std::unique_lock<std::mutex> lock(wake_mutex_);
  sleeping_.store(true, std::memory_order_seq_cst);
  if (inbox_.size_approx() == 0 && running_.load(std::memory_order_acquire))
    wake_.wait_for(lock, std::chrono::milliseconds(1));
  sleeping_.store(false, std::memory_order_seq_cst);
}

ShardRunnerStats ShardRunner::stats() const {
  return ShardRunnerStats{batches_.load(), commands_.load(), batch_size_max_.load()};
}

}  // namespace tessera::runtime
