// EventLoop: other work a partition's thread serves between its batches —
// the protocol server's connections (net/io_loop.h: an Asio io_context), so
// that a connection's requests, the shard's apply and the connection's
// responses run on one thread without a hand-off (run to completion,
// thread per core: issue 23, bench/README.md "Request path").
//
// A runner with a loop attached polls it once per turn and sleeps in it
// instead of on its own condition variable; a submit() from another thread
// wakes it through wake(). Keeping the interface here leaves runtime/ free
// of Asio.
// Thread-safety: poll() and wait_for() from the thread that drives the loop
// (one at a time); wake() from any thread.
#pragma once

#include <chrono>
#include <cstddef>

namespace tessera::runtime {

class EventLoop {
 public:
  virtual ~EventLoop() = default;
  // Runs the handlers that are ready, without blocking; returns how many ran.
  virtual size_t poll() = 0;
  // Blocks until one handler ran or `timeout` passed.
  virtual void wait_for(std::chrono::microseconds timeout) = 0;
  // Ends a wait_for() now, or makes the next one return at once.
  virtual void wake() = 0;
};

}  // namespace tessera::runtime
