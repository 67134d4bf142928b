// Server: the protocol server — accepts connections and runs one Session per
// connection against a runtime::ShardSet.
//
// Threads (ServerOptions::io_threads): by default (0) the shards' own
// threads serve the connections — one Asio loop per shard (net/io_loop.h),
// polled by its runner between batches, connections spread over them round
// robin — so a request whose commands belong to the connection's shard is
// read, applied (and, without fsync, logged) and answered on one thread with
// no hand-off; a command for another shard goes there and its reply comes
// back (one hop each way). io_threads N > 0 runs one loop on N threads of
// the server's own instead (every command then crosses threads twice).
//
// Life cycle (owned by server/): start() binds and starts serving;
// drain() stops accepting and lets every session finish the requests it has
// in flight (bounded by drain_deadline_ms) before saying ShuttingDown and
// closing; the owner then stops the shards (their last completions post
// here) and calls stop(), which closes whatever is left, runs what remains
// of the loops and joins the I/O threads. Responses go out in request order per connection.
//
// Connections: a new one is unauthenticated until its Hello succeeds, with
// hello_deadline_ms to say it; at most connections_unauthenticated_max of
// them (when full, the oldest from the address with the most of them is
// closed to make room, so a flood of idle sockets ages out and a client that
// says Hello at once gets in), at most
// connections_max authenticated ones, and at most
// connections_per_address_max of both from one remote IP address. A
// connection over a limit gets the Error frame TooManyConnections, which
// it can read: the server closes gracefully (see net/session.h).
//
// TLS (ServerOptions::tls set): the port speaks only TLS. The handshake
// happens inside the Hello window: until the Hello, a TLS connection counts
// as unauthenticated and its hello_deadline_ms covers the handshake. A
// failed handshake, one not complete in time, or a plain-text client is
// logged with the peer's address, counted (tessera_tls_handshake_failures_total)
// and closed; a plain-text client first gets a plain Error frame BadFrame
// saying the port speaks TLS.
// Thread-safety: start/drain/stop from the owning thread only (never from
// an I/O thread or a hook); port() and connections_open() from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "net/auth.h"
#include "net/hold_tokens.h"
#include "net/limits.h"
#include "net/metrics.h"
#include "net/principal_directory.h"
#include "runtime/completion.h"
#include "runtime/shard_set.h"

namespace boost::asio::ssl {
class context;
}

namespace tessera::net {

struct ServerOptions {
  std::string listen_address = "127.0.0.1";
  uint16_t port = 7450;     // 0 = an ephemeral port (see Server::port())
  uint32_t io_threads = 0;  // 0: on the shards' threads (see above)
  NetLimits limits;
  // Development seeds (configuration `token = secret:role`): at start()
  // each one not yet known becomes a principal (logged, so durable).
  TokenTable tokens;
  // Who may connect (filled at start() from shard 0). Shared with the
  // owner, which may read it; created by the server when null.
  std::shared_ptr<PrincipalDirectory> principals;
  std::string server_name = "tessera";
  // The organisation's time zone and language, told to clients in HelloReply.
  std::string time_zone = "UTC";
  std::string language = "en";
  // TLS on the protocol port (net/tls.h: make_tls_server_context); null =
  // plain TCP (development).
  std::shared_ptr<boost::asio::ssl::context> tls;
  // The key of the orders' hold tokens; the default is a fresh one (the
  // server application keeps it in the data directory).
  HoldTokens hold_tokens;
};

// The part of a command's side effect that runs once the command is
// durable and answered ok: it gets the engine's reply and completes `done`
// exactly once, with that reply or one saying what the side effect did, on
// any thread and possibly later. It runs on the thread that completes the
// command (a shard's), so it must not block: slow work goes to a worker.
using AfterDurable = std::function<void(engine::Reply&& reply, runtime::Completion* done)>;

// What the server asks of its owner. Each runs on an I/O thread and must
// not block.
struct ServerHooks {
  // Admin frames; an empty function answers Unavailable.
  std::function<void()> request_shutdown;    // begin a graceful stop (the owner does it on its thread)
  std::function<Status()> request_snapshot;  // take a snapshot of every shard
  // Side effects after durability: called for every command whose registry
  // effect (engine/command_list.h) is not kNoEffect, before it is submitted.
  // An error refuses the command (kInvalidArgument with the error's message;
  // nothing is applied); otherwise the session runs the returned step (when
  // not empty) on the command's ok reply before answering. Empty function:
  // such commands run without side effect. The hook may complete the
  // command before it is submitted (AttachDocument: its content stored, the
  // digest in its place).
  std::function<Result<AfterDurable>(engine::Command& command)> prepare_side_effect;
};

class Server {
 public:
  Server(ServerOptions options, runtime::ShardSet& shards, NetMetrics& metrics, ServerHooks hooks = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the principals from shard 0 and adds the configured seeds, then
  // binds listen_address:port and starts the I/O threads. Fails (and starts
  // nothing) if the principals cannot be read or the address cannot be
  // bound. REQUIRES the shards run (and, with io_threads 0, keep running
  // until drain()).
  Status start();
  // The bound port (after start()).
  uint16_t port() const;
  // Stops accepting; every session stops reading, finishes what is in flight,
  // says ShuttingDown and closes. Returns when every session has closed or
  // written its last frame (it may still wait for its peer to close), or
  // drain_deadline_ms passed. REQUIRES the shards still run.
  void drain();
  // Closes the remaining sessions and joins the I/O threads (with io_threads
  // 0: takes the loops back from the shards and runs what is left of them
  // here). Idempotent.
  void stop();

  // Connections open and not closing (authenticated or not).
  int64_t connections_open() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tessera::net
