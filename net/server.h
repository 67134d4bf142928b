// Server: the protocol server — accepts connections on Asio I/O threads and
// runs one Session per connection against a runtime::ShardSet.
//
// Life cycle (owned by server/): start() binds and spawns the I/O threads;
// drain() stops accepting and lets every session finish the requests it has
// in flight (bounded by drain_deadline_ms) before saying ShuttingDown and
// closing; the owner then stops the shards (their last completions post
// here) and calls stop(), which closes whatever is left and joins the I/O
// threads. Responses go out in request order per connection.
// Thread-safety: start/drain/stop from the owning thread only (never from
// an I/O thread or a hook); port() and connections_open() from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "net/auth.h"
#include "net/limits.h"
#include "net/metrics.h"
#include "runtime/shard_set.h"

namespace tessera::net {

struct ServerOptions {
  std::string listen_address = "127.0.0.1";
  uint16_t port = 7450;  // 0 = an ephemeral port (see Server::port())
  uint32_t io_threads = 1;
  NetLimits limits;
  TokenTable tokens;
  std::string server_name = "tessera";
};

// What admin frames ask of the server's owner. Both run on an I/O thread and
// must not block; an empty function answers Unavailable.
struct ServerHooks {
  std::function<void()> request_shutdown;    // begin a graceful stop (the owner does it on its thread)
  std::function<Status()> request_snapshot;  // take a snapshot of every shard
  // Reminder export (server/): RemindOrders and StartReminderRun name a
  // delivery. check_export refuses, before the command runs, a delivery the
  // server cannot make (no SMTP server configured); export_reminders takes
  // the engine's ok reply (a ReminderBatch), exports it off the I/O and
  // shard threads and completes `done` with the reply annotated.
  std::function<Status(engine::Delivery)> check_export;
  std::function<void(engine::Reply&& reply, runtime::Completion* done)> export_reminders;
};

class Server {
 public:
  Server(ServerOptions options, runtime::ShardSet& shards, NetMetrics& metrics, ServerHooks hooks = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds listen_address:port and starts the I/O threads. Fails (and starts
  // nothing) if the address cannot be bound.
  Status start();
  // The bound port (after start()).
  uint16_t port() const;
  // Stops accepting; every session stops reading, finishes what is in flight
  // and closes. Returns when all sessions closed or drain_deadline_ms passed.
  // REQUIRES the shards still run.
  void drain();
  // Closes the remaining sessions and joins the I/O threads. Idempotent.
  void stop();

  int64_t connections_open() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tessera::net
