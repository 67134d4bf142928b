// Completion: how a reply gets back to whoever submitted a command.
//
// The shard thread calls complete() once per submitted command, after the
// command's batch is applied (and, once the command log exists, durable).
// Implementations must be cheap and must not block the shard thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <utility>

#include "engine/command.h"

namespace tessera::runtime {

class Completion {
 public:
  virtual ~Completion() = default;
  // Called exactly once, on the shard thread.
  virtual void complete(engine::Reply&& reply) = 0;
};

// A completion one thread can wait on (tests, CLI, simple clients).
class WaitableCompletion final : public Completion {
 public:
  void complete(engine::Reply&& reply) override {
    reply_ = std::move(reply);
    done_.store(true, std::memory_order_release);
    done_.notify_one();
  }
  // Blocks until complete() ran; returns the reply.
  engine::Reply& wait() {
    done_.wait(false, std::memory_order_acquire);
    return reply_;
  }
  bool done() const { return done_.load(std::memory_order_acquire); }

 private:
  engine::Reply reply_;
  std::atomic<bool> done_{false};
};

// Counts completions (pipelined producers wait on `done`, benchmarks read it).
class CountingCompletion final : public Completion {
 public:
  void complete(engine::Reply&& r) override {
    if (!r.ok()) refused.fetch_add(1, std::memory_order_relaxed);
    done.fetch_add(1, std::memory_order_release);
  }
  std::atomic<uint64_t> done{0};
  std::atomic<uint64_t> refused{0};  // replies that were not Ok (a benchmark that counts must check it)
};

// Runs `then` with the reply, once, on the completing thread, and deletes
// itself: a step of a chain of the server's own commands.
class ThenCompletion final : public Completion {
 public:
  explicit ThenCompletion(std::function<void(engine::Reply&&)> then) : then_(std::move(then)) {}
  void complete(engine::Reply&& reply) override {
    then_(std::move(reply));
    delete this;
  }

 private:
  std::function<void(engine::Reply&&)> then_;
};

}  // namespace tessera::runtime
