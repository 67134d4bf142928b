// IoLoop: an Asio io_context that a shard runner's thread drives between its
// batches (runtime/event_loop.h), or that I/O threads of the server's own
// run (ServerOptions::io_threads > 0).
//
// It keeps a work guard until release_work(), so that neither poll() nor a
// wait that finds nothing to do stops the context; the server releases it
// at stop() and then runs what is left.
// Thread-safety: as runtime::EventLoop; io() from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

#include "net/asio.h"
#include "runtime/event_loop.h"

namespace tessera::net {

class IoLoop final : public runtime::EventLoop {
 public:
  // concurrency_hint 1: one thread runs the context at a time (Asio skips
  // some locking); other threads may still post to it.
  explicit IoLoop(int concurrency_hint) : io_(concurrency_hint) { work_.emplace(io_.get_executor()); }
  boost::asio::io_context& io() { return io_; }

  size_t poll() override { return io_.poll(); }
  void wait_for(std::chrono::microseconds timeout) override { io_.run_one_for(timeout); }
  void wake() override {
    boost::asio::post(io_, [] {});
  }
  // From now on run() returns once no handler and no operation is left.
  void release_work() { work_.reset(); }

 private:
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
};

}  // namespace tessera::net
