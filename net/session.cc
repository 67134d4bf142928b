// Session: reading frames, submitting commands, writing responses in order.
#include "net/session.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <cstdio>

#include "engine/command_registry.h"
#include "net/codec.h"
#include "net/limits.h"
#include "net/messages.h"
#include "net/result_code.h"

namespace tessera::net {

namespace asio = boost::asio;
using boost::system::error_code;
using engine::cat;

// One request in flight, and a strong reference to the session while any
// command is outstanding (released on the strand when the last completes).
struct Session::SessionRequest final : PendingRequest {
  std::shared_ptr<Session> session;

 protected:
  void finished() override {
    std::shared_ptr<Session> s = session;
    asio::post(s->stream_.socket().get_executor(), [s, this] { s->on_request_done(this); });
  }
};

namespace {

Stream stream_for(Session::Socket socket, const ServerOptions& options) {
  if (options.tls) return Stream(std::move(socket), *options.tls);
  return Stream(std::move(socket));
}

}  // namespace

Session::Session(Socket socket, SessionContext& context, uint64_t id)
    : stream_(stream_for(std::move(socket), context.options)),
      ctx_(context),
      id_(id),
      reader_(context.options.limits.frame_bytes_max),
      timer_(stream_.socket().get_executor()),
      gate_(RequestGate::Context{context.options, context.shards, context.hooks, context.principals}),
      handshaking_(stream_.tls()) {}

Session::~Session() { assert(queue_.empty() || closed_); }

void Session::start() {
  asio::post(stream_.socket().get_executor(), [self = shared_from_this()] {
    error_code ignored;
    self->stream_.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    self->deadline_ = Clock::now() + std::chrono::milliseconds(self->ctx_.options.limits.hello_deadline_ms);
    self->arm_deadline();
    self->read_first();
  });
}

void Session::refuse(std::string message) {
  asio::post(stream_.socket().get_executor(), [self = shared_from_this(), message = std::move(message)]() mutable {
    error_code ignored;
    self->stream_.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    self->fail(wire::ErrorCode::TooManyConnections, std::move(message));
    self->read_first();
  });
}

void Session::drain() {
  asio::post(stream_.socket().get_executor(), [self = shared_from_this()] {
    if (self->closed_ || self->failing_) return;
    if (self->handshaking_) {
      self->close_now();  // nothing was said yet, and nothing can be before the handshake
      return;
    }
    self->fail(wire::ErrorCode::ShuttingDown, "server is shutting down");
    self->read_more();
  });
}

void Session::close() {
  asio::post(stream_.socket().get_executor(), [self = shared_from_this()] { self->close_now(); });
}

// ---- TLS handshake --------------------------------------------------------------

void Session::read_first() {
  if (!handshaking_) {
    read_more();
    return;
  }
  if (tls_begun_) return;
  tls_begun_ = true;
  stream_.socket().async_wait(Socket::wait_read,
                              [self = shared_from_this()](const error_code& ec) { self->on_first_bytes(ec); });
}

// Peeks at the first byte: a TLS client starts with a handshake record; a
// plain-text client (a Hello frame's length) is told in plain text.
void Session::on_first_bytes(const error_code& ec) {
  if (closed_) return;
  uint8_t first = 0;
  error_code peek_ec = ec;
  const size_t n = ec ? 0 : stream_.socket().receive(asio::buffer(&first, 1), Socket::message_peek, peek_ec);
  if (peek_ec || n == 0) {  // closed or reset before a byte (a port probe): nothing to report
    peer_closed_ = true;
    close_now();
    return;
  }
  if (first != kTlsHandshakeRecordType) {
    const std::string peer = peer_text();
    std::fprintf(stderr, "tessera: plain-text client %s on the TLS port: refused\n", peer.c_str());
    ctx_.metrics.tls_failure(NetMetrics::TlsFailure::kPlainText);
    stream_.fall_back_to_plain();
    handshaking_ = false;
    fail(wire::ErrorCode::BadFrame, "this port speaks TLS: connect with TLS (tessera --tls, ClientOptions::tls)");
    flush();  // a refusal queued before (fail() keeps the first Error)
    read_more();
    return;
  }
  stream_.tls_stream().async_handshake(boost::asio::ssl::stream_base::server,
                                       [self = shared_from_this()](const error_code& e) { self->on_handshake(e); });
}

void Session::on_handshake(const error_code& ec) {
  if (closed_) return;
  if (ec) {
    tls_failed(NetMetrics::TlsFailure::kHandshake, tls_failure_text(ec, stream_.tls_stream().native_handle()));
    return;
  }
  handshaking_ = false;
  read_more();
  flush();  // a refusal queued during the handshake
}

void Session::tls_failed(NetMetrics::TlsFailure why, const std::string& detail) {
  const std::string peer = peer_text();
  std::fprintf(stderr, "tessera: TLS handshake with %s failed: %s\n", peer.c_str(), detail.c_str());
  ctx_.metrics.tls_failure(why);
  close_now();
}

std::string Session::peer_text() {
  error_code ec;
  const auto peer = stream_.socket().remote_endpoint(ec);
  return ec ? std::string("an unknown peer") : cat(peer.address().to_string(), ":", peer.port());
}

// ---- Reading --------------------------------------------------------------------

void Session::read_more() {
  if (reading_ || peer_closed_ || closed_ || handshaking_ || tls_closing_) return;
  reading_ = true;
  const std::span<uint8_t> space = reader_.writable();
  stream_.read_some(asio::buffer(space.data(), space.size()),
                    [self = shared_from_this()](const error_code& ec, size_t n) { self->on_read(ec, n); });
}

// Input after an Error frame (or in a drain) is still read, and dropped:
// closing a socket with unread input would reset the connection and lose
// what the peer has not read yet.
void Session::on_read(const error_code& ec, size_t n) {
  reading_ = false;
  if (closed_) return;
  if (tls_closing_) {  // the read after_last_frame() cancelled (or one that raced it): input is dropped
    send_close_notify();
    return;
  }
  if (ec) {
    on_read_end(ec);
    return;
  }
  ctx_.metrics.bytes_in(n);
  if (!discarding_) {
    reader_.commit(n);
    read_frames();
  }
  update_deadline();
  read_more();
}

void Session::on_read_end(const error_code& ec) {
  peer_closed_ = true;
  // A reset, or the EOF that follows our last frame: nothing more to do.
  if (ec != asio::error::eof || shut_down_) {
    close_now();
    return;
  }
  // EOF: the client may still read; answer what is in flight, then close.
  if (!failing_) {
    failing_ = true;
    discarding_ = true;
    deadline_.reset();
    push_ready(OutFrame{}, false, true);  // empty marker: close once everything before it is written
  }
}

void Session::read_frames() {
  for (;;) {
    std::span<const uint8_t> payload;
    uint32_t announced = 0;
    const FrameReader::Next next = reader_.next(&payload, &announced);
    if (next == FrameReader::Next::kNeedMore) return;
    if (next == FrameReader::Next::kTooLarge) {
      fail(wire::ErrorCode::FrameTooLarge,
           cat("frame of ", announced, " bytes is over frame_bytes_max (", ctx_.options.limits.frame_bytes_max, ")"));
      return;
    }
    if (!handle_frame(payload)) return;
  }
}

bool Session::handle_frame(std::span<const uint8_t> payload) {
  std::visit(
      [this](auto incoming) {
        using T = decltype(incoming);
        if constexpr (std::is_same_v<T, Refusal>) {
          fail(incoming.code, std::move(incoming.message));
        } else if constexpr (std::is_same_v<T, const wire::Hello*>) {
          handle_hello(*incoming);
        } else if constexpr (std::is_same_v<T, const wire::Request*>) {
          handle_request(*incoming);
        } else {
          handle_admin(*incoming);
        }
      },
      gate_.read(payload));
  return !failing_;
}

void Session::handle_hello(const wire::Hello& hello) {
  if (std::optional<Refusal> refused = gate_.hello(hello)) {
    if (refused->code == wire::ErrorCode::Unauthorized)
      std::fprintf(stderr, "tessera: refused authentication from %s (unknown or revoked token)\n", peer_text().c_str());
    fail(refused->code, std::move(refused->message));
    return;
  }
  if (!ctx_.registry.admit_authenticated(id_)) {
    fail(wire::ErrorCode::TooManyConnections,
         cat("connection limit reached (connections_max ", ctx_.options.limits.connections_max, ")"));
    return;
  }
  role_ = gate_.role();
  deadline_.reset();
  push_ready(gate_.hello_reply(), false);
}

// ---- Requests -------------------------------------------------------------------

void Session::handle_request(const wire::Request& request) {
  if (std::optional<Refusal> refused = gate_.check_principal()) {
    fail(refused->code, std::move(refused->message));
    return;
  }
  const NetLimits& limits = ctx_.options.limits;
  if (in_flight_ >= limits.requests_in_flight_max) {
    fail(wire::ErrorCode::TooManyInFlight,
         cat("more than requests_in_flight_max (", limits.requests_in_flight_max, ") requests in flight"));
    return;
  }
  ++in_flight_;
  Outgoing& out = queue_.emplace_back();
  out.is_request = true;
  auto r = std::make_unique<SessionRequest>();
  r->session = shared_from_this();
  SessionRequest* request_in_flight = r.get();
  out.request = std::move(r);
  if (std::optional<OutFrame> bad = gate_.submit(request, *request_in_flight)) {
    out.request.reset();
    out.frame = std::move(*bad);
    out.ready = true;
    flush();
  }
}

void Session::on_request_done(SessionRequest* request) {
  request->session.reset();  // no completion is outstanding any more
  auto it = std::find_if(queue_.begin(), queue_.end(), [&](const Outgoing& o) { return o.request.get() == request; });
  assert(it != queue_.end());
  if (!closed_) {
    it->frame = gate_.response(*request);
    const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - request->started);
    ctx_.metrics.request_done(static_cast<uint64_t>(latency.count()));
    for (size_t i = 0; i < request->replies.size(); ++i)
      ctx_.metrics.command(request->types[i], request->replies[i].code);
  }
  it->ready = true;
  flush_soon();
}

// The responses that complete in one turn of the loop leave in one write:
// the flush runs after the handlers already queued (the other requests
// completed by the same batch).
void Session::flush_soon() {
  if (flush_posted_) return;
  flush_posted_ = true;
  asio::post(stream_.socket().get_executor(), [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->flush();
  });
}

void Session::handle_admin(const wire::Admin& admin) {
  if (in_flight_ >= ctx_.options.limits.requests_in_flight_max) {
    fail(wire::ErrorCode::TooManyInFlight, "too many requests in flight");
    return;
  }
  ++in_flight_;
  const uint64_t id = admin.request_id();
  if (*role_ != Role::kAdmin) {
    push_ready(status_frame(id, wire::RequestStatus::Forbidden,
                            cat("admin frames need the admin role, not ", role_name(*role_))),
               true);
    return;
  }
  switch (admin.action()) {
    case wire::AdminAction::Snapshot: {
      if (!ctx_.hooks.request_snapshot) {
        push_ready(status_frame(id, wire::RequestStatus::Unavailable, "this server has no snapshot hook"), true);
        return;
      }
      const Status s = ctx_.hooks.request_snapshot();
      push_ready(status_frame(id, s.is_ok() ? wire::RequestStatus::Ok : wire::RequestStatus::Unavailable,
                              s.is_ok() ? "snapshot requested: every shard writes one at the end of its next loop"
                                        : s.to_string()),
                 true);
      return;
    }
    case wire::AdminAction::Shutdown:
      if (!ctx_.hooks.request_shutdown) {
        push_ready(status_frame(id, wire::RequestStatus::Unavailable, "shutdown is not available"), true);
        return;
      }
      push_ready(status_frame(id, wire::RequestStatus::Ok, "shutting down"), true);
      ctx_.hooks.request_shutdown();
      return;
    default:
      push_ready(status_frame(id, wire::RequestStatus::Malformed,
                              cat("unknown admin action ", static_cast<int>(admin.action()))),
                 true);
      return;
  }
}

// ---- Writing --------------------------------------------------------------------

void Session::push_ready(OutFrame frame, bool is_request, bool close_after) {
  Outgoing& out = queue_.emplace_back();
  out.frame = std::move(frame);
  out.ready = true;
  out.is_request = is_request;
  out.close_after = close_after;
  flush();
}

// Queues the Error frame after the responses in flight. Does not read: a
// caller outside the read path calls read_more() after it (a read into the
// frame reader's buffer would invalidate the payload being handled).
void Session::fail(wire::ErrorCode code, std::string message) {
  if (failing_ || closed_) return;
  failing_ = true;
  discarding_ = true;
  lingers_ = ctx_.registry.begin_closing(id_);
  if (code == wire::ErrorCode::ShuttingDown) {
    deadline_.reset();  // the drain deadline bounds the requests in flight; a drain is no client error
  } else {
    ctx_.metrics.protocol_error(code);
    // The peer has this long to read what precedes the frame and the frame.
    deadline_ = Clock::now() + std::chrono::milliseconds(kCloseLingerMs);
    arm_deadline();
  }
  push_ready(error_frame(code, message), false, true);
}

void Session::flush() {
  if (closed_) {
    // Nothing is written any more: drop what is done (pending requests are
    // dropped when their last command completes).
    std::erase_if(queue_, [](const Outgoing& o) { return o.ready; });
    return;
  }
  if (writing_ || handshaking_) return;
  constexpr size_t kFramesPerWriteMax = 64;
  write_batch_.clear();
  bool close_after = false;
  size_t requests = 0;
  while (!queue_.empty() && queue_.front().ready && write_batch_.size() < kFramesPerWriteMax && !close_after) {
    Outgoing o = std::move(queue_.front());
    queue_.pop_front();
    close_after = o.close_after;
    requests += o.is_request ? 1 : 0;
    write_batch_.push_back(std::move(o));
  }
  // A request stops counting as in flight once its response is handed to the
  // socket: the client may see it (and send the next request) before the
  // write's completion handler runs. Memory stays bounded: at most one
  // write batch besides the requests_in_flight_max counted ones.
  in_flight_ -= static_cast<uint32_t>(requests);
  if (write_batch_.empty()) return;
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(write_batch_.size() * 2);
  for (const Outgoing& o : write_batch_) {
    if (o.frame.body.size() == 0) continue;  // the EOF close marker
    buffers.emplace_back(o.frame.header.data(), o.frame.header.size());
    buffers.emplace_back(o.frame.body.data(), o.frame.body.size());
  }
  writing_ = true;
  stream_.write_all(buffers, [self = shared_from_this(), close_after](const error_code& ec, size_t bytes) {
    self->on_written(ec, bytes, close_after);
  });
}

void Session::on_written(const error_code& ec, size_t bytes, bool close_after) {
  writing_ = false;
  write_batch_.clear();
  ctx_.metrics.bytes_out(bytes);
  if (ec) {
    close_now();
    return;
  }
  if (close_after) {
    after_last_frame();
    return;
  }
  flush();
}

// The last frame is in the socket: FIN after it, then wait for the peer's
// EOF (reading and dropping what it still sends) for at most kCloseLingerMs.
void Session::after_last_frame() {
  if (peer_closed_ || !lingers_) {
    close_now();
    return;
  }
  shut_down_ = true;
  ctx_.registry.flushed(id_);
  deadline_ = Clock::now() + std::chrono::milliseconds(kCloseLingerMs);
  arm_deadline();
  if (stream_.tls()) {
    // TLS ends with close_notify (so the peer sees a clean end, not a
    // truncated stream). Its shutdown reads the peer's answer itself, so
    // the discarding read stops first.
    tls_closing_ = true;
    if (reading_) {
      error_code ignored;
      stream_.socket().cancel(ignored);  // on_read() then sends close_notify
    } else {
      send_close_notify();
    }
    return;
  }
  error_code ignored;
  stream_.socket().shutdown(Socket::shutdown_send, ignored);
  read_more();
}

// close_notify, then the peer's close_notify or EOF (or the linger deadline):
// then the connection closes.
void Session::send_close_notify() {
  stream_.tls_stream().async_shutdown([self = shared_from_this()](const error_code&) { self->close_now(); });
}

// Reads and drops what the peer sent and nobody read yet (without
// waiting, at most kDiscardBytes): close() with unread input resets the
// connection, and the peer would lose the frames still on their way to it.
// REQUIRES no read pending (the socket's operations are cancelled).
void Session::discard_pending_input() {
  if (peer_closed_) return;
  constexpr size_t kDiscardBytes = 256u << 10;
  std::array<uint8_t, 16u << 10> scratch;
  error_code ec;
  Socket& socket = stream_.socket();
  socket.non_blocking(true, ec);
  for (size_t done = 0; !ec && done < kDiscardBytes;) {
    const size_t n = socket.read_some(asio::buffer(scratch), ec);
    if (n == 0) break;
    done += n;
  }
}

void Session::close_now() {
  if (closed_) return;
  closed_ = true;
  error_code ignored;
  Socket& socket = stream_.socket();
  socket.cancel(ignored);  // the pending read or handshake (its handler sees closed_)
  discard_pending_input();
  socket.shutdown(Socket::shutdown_both, ignored);
  socket.close(ignored);
  timer_.cancel();
  flush();  // drops finished entries
  ctx_.registry.closed(id_);
}

// ---- Deadlines ------------------------------------------------------------------

// After each read: a frame left partial gets frame_read_deadline_ms from the
// moment its first bytes were seen; no partial frame, no deadline. Before
// the Hello, the Hello deadline set at start() stays.
void Session::update_deadline() {
  if (!role_ || failing_) return;
  if (!reader_.partial()) {
    deadline_.reset();
    return;
  }
  if (!deadline_ || deadline_frame_ != reader_.frames()) {
    deadline_ = Clock::now() + std::chrono::milliseconds(ctx_.options.limits.frame_read_deadline_ms);
    deadline_frame_ = reader_.frames();
    arm_deadline();
  }
}

void Session::arm_deadline() {
  if (!deadline_ || closed_) return;
  if (timer_at_) {
    if (*timer_at_ > *deadline_) timer_.cancel();  // fires now (aborted) and re-arms earlier
    return;
  }
  timer_at_ = *deadline_;
  timer_.expires_at(*deadline_);
  timer_.async_wait([self = shared_from_this()](const error_code& ec) { self->on_deadline(ec); });
}

void Session::on_deadline(const error_code&) {
  timer_at_.reset();
  if (closed_ || !deadline_) return;
  if (Clock::now() >= *deadline_) {
    if (handshaking_) {
      tls_failed(NetMetrics::TlsFailure::kTimeout,
                 failing_ ? cat("not complete within the close linger (", kCloseLingerMs, " ms)")
                          : cat("not complete within hello_deadline_ms (", ctx_.options.limits.hello_deadline_ms, ")"));
      return;
    }
    if (failing_) {
      close_now();  // the peer did not read the last frame, or did not close, in kCloseLingerMs
      return;
    }
    const bool hello = !role_.has_value();
    fail(wire::ErrorCode::ReadTimeout,
         hello ? cat("no Hello within hello_deadline_ms (", ctx_.options.limits.hello_deadline_ms, ")")
               : cat("frame not complete within frame_read_deadline_ms (", ctx_.options.limits.frame_read_deadline_ms,
                     ")"));
    read_more();
    return;
  }
  arm_deadline();
}

}  // namespace tessera::net
