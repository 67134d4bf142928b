// Client: the C++ client library of the Tessera protocol.
//
// One Client owns one connection (and one I/O thread). connect() dials,
// says Hello and learns the server's limits; call() sends a batch and waits
// for its replies; send() pipelines — many requests in flight on the one
// connection, each answered through its own callback or future, matched by
// request id. The client never exceeds the server's requests_in_flight_max:
// extra sends wait in a bounded local queue.
//
// When the connection breaks, every request in flight fails with
// Status::unavailable ("may or may not have been applied") and every queued
// one with Status::unavailable ("not sent"); nothing is resent silently (use
// request keys to retry safely). The next send() reconnects, unless
// ClientOptions::reconnect is false.
//
// TLS (ClientOptions::tls): every connection handshakes before its Hello,
// checks the server's certificate against tls_ca_file (or the system's CAs)
// and that it names `host` (DNS name or IP address), and refuses the server
// otherwise (failed_precondition, saying which check failed).
//
// Thread-safety: every public member may be called from any thread, except
// that call() and connect() must not be called from a callback (callbacks run
// on the client's I/O thread, which call() would wait on).
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/command.h"
#include "net/auth.h"
#include "net/codec.h"
#include "net/limits.h"
#include "net/tessera_generated.h"

namespace tessera::net {

struct ClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 7450;
  std::string token;
  std::string client_name = "tessera-client";
  uint32_t connect_deadline_ms = kClientConnectDeadlineMsDefault;
  uint32_t call_deadline_ms = kClientCallDeadlineMsDefault;
  bool reconnect = true;
  // TLS: required by a server with tls_cert_file set.
  bool tls = false;
  std::string tls_ca_file;  // PEM CAs the server's certificate must chain to; empty = the system's store
  // Development only: accept any certificate, for any name (no protection
  // against a man in the middle).
  bool tls_insecure_skip_verify = false;
};

// What the server said in its HelloReply.
struct ServerInfo {
  Role role = Role::kWebshop;
  uint32_t shard_count = 0;
  uint32_t frame_bytes_max = 0;
  uint32_t commands_per_request_max = 0;
  uint32_t requests_in_flight_max = 0;
  std::string server_name;
  // The engine's bounds (0 from a server older than them).
  int64_t hold_ttl_ms_min = 0, hold_ttl_ms_max = 0;
  uint32_t follow_up_rows_max = 0, order_list_rows_max = 0, bulk_orders_max = 0, order_lines_max = 0;
  // The organisation's time zone and language ("UTC", "en" from a server
  // older than them).
  std::string time_zone = "UTC";
  std::string language = "en";
};

class Client {
 public:
  using Replies = std::vector<ClientReply>;  // engine::Reply + the order's hold token
  using Callback = std::function<void(Result<Replies>)>;
  using AdminCallback = std::function<void(Status)>;

  // Connects and says Hello. Fails with unavailable (cannot connect, server
  // closed), failed_precondition (version mismatch, unknown token: the
  // server's Error message is in the Status; TLS: the server's certificate
  // is not trusted or does not name the host), invalid_argument (the CA
  // file cannot be read).
  static Result<std::unique_ptr<Client>> connect(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends `commands` as one request and waits for one reply per command (in
  // order). A request-level refusal (too many commands, server stopping) or a
  // broken connection is a failed Result; per-command outcomes, including
  // the protocol's kForbidden/kMalformed (net/result_code.h), are replies.
  // Back-office replies carry their structured answer in Reply::detail
  // (follow-up rows, per-order outcomes, release summary, reminder batch).
  Result<Replies> call(std::vector<engine::Command> commands);

  // Pipelined: queues the request and returns at once; `done` runs exactly
  // once on the client's I/O thread (keep it short; never call call() there).
  void send(std::vector<engine::Command> commands, Callback done);
  std::future<Result<Replies>> send(std::vector<engine::Command> commands);

  // Admin frames (admin token only). Snapshot asks every shard to write a
  // snapshot (refused with durability none); Shutdown asks the server to
  // stop gracefully.
  Status admin(wire::AdminAction action);
  void admin(wire::AdminAction action, AdminCallback done);

  ServerInfo server_info() const;
  bool connected() const;
  // Closes the connection; requests in flight fail. Idempotent.
  void close();

 private:
  struct Impl;
  explicit Client(ClientOptions options);
  std::shared_ptr<Impl> impl_;
};

}  // namespace tessera::net
