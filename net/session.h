// Session: one client connection — Hello, then pipelined requests whose
// commands go to the shards and whose responses go back in request order.
//
// Per request, the session's RequestGate (net/request_gate.h: no I/O, the
// simulator steps the same code) decodes, checks and submits the commands;
// when the last one completes (on a shard thread), the request is posted
// back to the session's strand, encoded by the gate and written.
//
// Bad input closes only this connection, after an Error frame that follows
// the responses already in flight: oversized frame, verifier failure,
// unknown message, wrong version, missing Hello, unknown token, a frame (or
// the Hello) not complete before its deadline, too many requests in flight,
// a connection limit. Closing never resets the connection while the peer
// may still read: from the Error on, input is read and dropped; once the
// frame is written the write side is shut down (FIN after the data) and the
// session waits for the peer's EOF, at most kCloseLingerMs, before closing.
// The server (SessionRegistry) counts each session as unauthenticated,
// authenticated or closing.
//
// TLS (ServerOptions::tls): the stream is TLS and nothing is read or written
// before the handshake completes, which must happen inside the Hello
// deadline. The first byte decides: a TLS handshake record goes to OpenSSL;
// anything else is a plain-text client, answered in plain text with an Error
// frame BadFrame ("this port speaks TLS") and closed. A refusal before the
// handshake completes waits for it (its close linger bounds it) so that a
// TLS client can read why.
// Thread-safety: every member runs on the session's strand; completions
// arrive on shard threads and only touch their own request's slots.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/asio.h"
#include "net/auth.h"
#include "net/frame.h"
#include "net/metrics.h"
#include "net/request_gate.h"
#include "net/server.h"
#include "net/stream.h"
#include "net/tessera_generated.h"
#include "runtime/shard_set.h"

namespace tessera::net {

// What a session tells the server about its standing; the server keeps the
// connection counts and limits (net/server.cc). Called on the session's
// strand, from any I/O thread; never calls back into a session.
class SessionRegistry {
 public:
  virtual ~SessionRegistry() = default;
  // The Hello authenticated. Returns true iff the session now counts as
  // authenticated (under connections_max); false: refuse it.
  virtual bool admit_authenticated(uint64_t session_id) = 0;
  // An Error frame is queued: the session no longer counts as a live
  // connection. Returns true iff it may linger (shut down its write side and
  // wait for the peer's EOF) rather than close once the frame is written.
  virtual bool begin_closing(uint64_t session_id) = 0;
  // The last frame is written and the write side shut down (a drain need
  // not wait for the peer).
  virtual void flushed(uint64_t session_id) = 0;
  // Closed; called once.
  virtual void closed(uint64_t session_id) = 0;
};

struct SessionContext {
  const ServerOptions& options;
  runtime::ShardSet& shards;
  NetMetrics& metrics;
  const ServerHooks& hooks;
  PrincipalDirectory& principals;
  SessionRegistry& registry;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Socket = boost::asio::ip::tcp::socket;

  Session(Socket socket, SessionContext& context, uint64_t id);
  ~Session();
  uint64_t id() const { return id_; }

  void start();  // any thread: posts to the strand
  // Any thread, instead of start() or after it: says TooManyConnections with
  // `message`, then closes (lingering as above).
  void refuse(std::string message);
  void drain();  // any thread: stop reading, finish in-flight, say ShuttingDown, close
  void close();  // any thread: close now

 private:
  struct SessionRequest;
  struct Outgoing {
    std::unique_ptr<SessionRequest> request;  // null for frames built at once
    OutFrame frame;
    bool ready = false;
    bool is_request = false;   // counts against requests_in_flight_max until written
    bool close_after = false;  // the connection closes once this is written
  };
  using Clock = std::chrono::steady_clock;

  void read_first();  // after start() or a refusal: the TLS handshake first, if any
  void on_first_bytes(const boost::system::error_code& ec);
  void on_handshake(const boost::system::error_code& ec);
  void tls_failed(NetMetrics::TlsFailure why, const std::string& detail);
  std::string peer_text();
  void read_more();
  void on_read(const boost::system::error_code& ec, size_t n);
  void on_read_end(const boost::system::error_code& ec);
  void read_frames();
  bool handle_frame(std::span<const uint8_t> payload);
  void handle_hello(const wire::Hello& hello);
  void handle_request(const wire::Request& request);
  void handle_admin(const wire::Admin& admin);
  void on_request_done(SessionRequest* request);

  void push_ready(OutFrame frame, bool is_request, bool close_after = false);
  void fail(wire::ErrorCode code, std::string message);
  void flush();
  void flush_soon();
  void on_written(const boost::system::error_code& ec, size_t bytes, bool close_after);
  void send_close_notify();
  void after_last_frame();
  void discard_pending_input();
  void close_now();

  void update_deadline();
  void arm_deadline();
  void on_deadline(const boost::system::error_code& ec);

  Stream stream_;
  SessionContext& ctx_;
  const uint64_t id_;
  FrameReader reader_;
  boost::asio::steady_timer timer_;

  RequestGate gate_;          // who the client is; each request's way to the shards
  std::optional<Role> role_;  // set once a good Hello is admitted
  bool reading_ = false;      // a read is pending
  bool peer_closed_ = false;  // EOF or a read error: nothing more to read
  bool discarding_ = false;   // input is read and dropped (after an Error, in a drain)
  bool writing_ = false;
  bool flush_posted_ = false;  // a flush_soon() is queued
  bool closed_ = false;
  bool failing_ = false;      // the last frame is queued: no more requests
  bool lingers_ = false;      // after the last frame: shut down the write side and wait for the peer's EOF
  bool shut_down_ = false;    // the write side is shut down
  bool tls_closing_ = false;  // TLS: close_notify is being sent after the last frame
  bool handshaking_;          // TLS: the handshake is not complete; nothing is read or written
  bool tls_begun_ = false;    // TLS: waiting for the first bytes, or in the handshake
  uint32_t in_flight_ = 0;    // requests received whose response is not yet handed to the socket
  std::deque<Outgoing> queue_;
  std::vector<Outgoing> write_batch_;

  std::optional<Clock::time_point> deadline_;  // Hello, the frame being read, or the close linger
  std::optional<Clock::time_point> timer_at_;  // when the armed timer fires
  uint64_t deadline_frame_ = 0;                // reader_.frames() when deadline_ was set
};

}  // namespace tessera::net
