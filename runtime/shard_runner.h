// ShardRunner: the thread that owns one engine::Shard.
//
// Producers (network sessions, tests, the demo) submit commands into a
// bounded inbox; the shard thread drains it in batches of up to
// kBatchCommandsMax, applies each command at the clock's time, delivers the
// batch's replies, then advances the timing wheel by one bounded slice of
// expiries. When idle it sleeps at most one millisecond, so every expiry
// fires within a tick or two of its due time.
//
// Thread-safety: submit() from any thread; start/stop from the owner; shard()
// only while the runner is stopped (or from the shard thread).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/command.h"
#include "engine/shard.h"
#include "runtime/bounded_queue.h"
#include "runtime/clock.h"
#include "runtime/completion.h"

namespace tessera::runtime {

struct ShardRunnerStats {
  uint64_t batches = 0;
  uint64_t commands = 0;
  uint64_t batch_size_max = 0;
};

class ShardRunner {
 public:
  ShardRunner(uint32_t shard, uint32_t shard_count, const Clock& clock, engine::ShardConfig config = {});
  ~ShardRunner();
  ShardRunner(const ShardRunner&) = delete;
  ShardRunner& operator=(const ShardRunner&) = delete;

  void start();
  // Stops accepting, applies everything already in the inbox, joins.
  void stop();

  // Queues a command; done->complete() will be called on the shard thread.
  // Returns false iff the inbox is full or the runner is stopping (the
  // command was not queued and done is not called).
  bool submit(engine::Command&& command, Completion* done);

  bool accepting() const { return accepting_.load(std::memory_order_acquire); }
  engine::Shard& shard() { return shard_; }
  size_t inbox_depth() const { return inbox_.size_approx(); }
  ShardRunnerStats stats() const;

 private:
  struct Envelope {
    engine::Command command;
    Completion* done = nullptr;
  };
  void run();
  size_t drain_batch(int64_t now_ms);
  void sleep_until_work();

  engine::Shard shard_;
  const Clock& clock_;
  BoundedQueue<Envelope> inbox_;
  std::vector<Envelope> batch_;
  std::vector<engine::Reply> replies_;
  std::thread thread_;
  std::atomic<bool> accepting_{false};
  std::atomic<bool> running_{false};
  std::atomic<bool> sleeping_{false};
  std::atomic<uint32_t> submitting_{0};
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> commands_{0};
  std::atomic<uint64_t> batch_size_max_{0};
};

}  // namespace tessera::runtime
