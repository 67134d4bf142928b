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

namespace {

// Runs a command's after-durable step on its ok reply (ServerHooks::
// prepare_side_effect), which completes the request's slot; any other
// reply goes to the slot as is. Deletes itself.
class AfterDurableThen final : public runtime::Completion {
 public:
  AfterDurableThen(AfterDurable step, runtime::Completion* slot) : step_(std::move(step)), slot_(slot) {}
  void complete(engine::Reply&& reply) override {
    if (reply.ok()) {
      step_(std::move(reply), slot_);
    } else {
      slot_->complete(std::move(reply));
    }
    delete this;
  }

 private:
  AfterDurable step_;
  runtime::Completion* slot_;
};

}  // namespace

// One request in flight: a slot (Completion) per command, the replies as
// they arrive, and a strong reference to the session while any command is
// outstanding (released on the strand when the last one completes).
struct Session::PendingRequest {
  struct Slot final : runtime::Completion {
    PendingRequest* request = nullptr;
    uint32_t index = 0;
    void complete(engine::Reply&& reply) override {
      request->replies[index] = std::move(reply);
      request->release_one();
    }
  };

  uint64_t request_id = 0;
  Clock::time_point started;
  std::vector<engine::Reply> replies;
  std::vector<uint8_t> types;  // command variant index per command, NetMetrics::kUndecoded if none
  std::vector<Slot> slots;
  std::atomic<uint32_t> pending{1};  // the extra 1 is released once every command is submitted
  std::shared_ptr<Session> session;

  void release_one() {
    if (pending.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
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
  const wire::ClientFrame* frame = verify_client_frame(payload);
  if (frame == nullptr) {
    fail(wire::ErrorCode::BadFrame, "frame failed FlatBuffers verification (not a ClientFrame)");
    return false;
  }
  switch (frame->message_type()) {
    case wire::ClientMessage::Hello:
      if (role_) {
        fail(wire::ErrorCode::HelloRequired, "a connection sends exactly one Hello");
        return false;
      }
      handle_hello(*frame->message_as_Hello());
      break;
    case wire::ClientMessage::Request:
      if (!role_) {
        fail(wire::ErrorCode::HelloRequired, "the first frame must be a Hello");
        return false;
      }
      handle_request(*frame->message_as_Request());
      break;
    case wire::ClientMessage::Admin:
      if (!role_) {
        fail(wire::ErrorCode::HelloRequired, "the first frame must be a Hello");
        return false;
      }
      handle_admin(*frame->message_as_Admin());
      break;
    default:
      fail(wire::ErrorCode::BadFrame, cat("unknown client message type ", static_cast<int>(frame->message_type())));
      return false;
  }
  return !failing_;
}

void Session::handle_hello(const wire::Hello& hello) {
  const uint32_t oldest = ctx_.options.limits.protocol_version_min;
  if (hello.protocol_version() < oldest || hello.protocol_version() > kProtocolVersion) {
    fail(wire::ErrorCode::VersionMismatch,
         cat("protocol version ", hello.protocol_version(), " is not served: this server speaks versions ", oldest,
             " to ", kProtocolVersion, hello.protocol_version() < oldest ? "; upgrade the client" : ""));
    return;
  }
  protocol_version_ = hello.protocol_version();
  const flatbuffers::String* token = hello.token();
  principal_ = token == nullptr || token->size() > kTokenBytesMax
                   ? nullptr
                   : ctx_.principals.authenticate(std::string_view(token->c_str(), token->size()));
  if (!principal_) {
    std::fprintf(stderr, "tessera: refused authentication from %s (unknown or revoked token)\n", peer_text().c_str());
    fail(wire::ErrorCode::Unauthorized, "unknown or revoked token");
    return;
  }
  if (!ctx_.registry.admit_authenticated(id_)) {
    fail(wire::ErrorCode::TooManyConnections,
         cat("connection limit reached (connections_max ", ctx_.options.limits.connections_max, ")"));
    return;
  }
  role_ = principal_->role;
  deadline_.reset();
  push_ready(hello_reply_frame(protocol_version_, *role_, ctx_.shards.size(), ctx_.options.limits,
                               ctx_.options.server_name, ctx_.options.time_zone, ctx_.options.language),
             false);
}

// ---- Requests -------------------------------------------------------------------

void Session::handle_request(const wire::Request& request) {
  const NetLimits& limits = ctx_.options.limits;
  if (principal_->revoked.load()) {
    fail(wire::ErrorCode::Unauthorized, cat("principal ", principal_->id, " (", principal_->name, ") was revoked"));
    return;
  }
  if (in_flight_ >= limits.requests_in_flight_max) {
    fail(wire::ErrorCode::TooManyInFlight,
         cat("more than requests_in_flight_max (", limits.requests_in_flight_max, ") requests in flight"));
    return;
  }
  const auto* commands = request.commands();
  if (commands == nullptr || commands->size() > limits.commands_per_request_max) {
    const std::string why = commands == nullptr
                                ? std::string("request has no command list")
                                : cat("request has ", commands->size(), " commands (commands_per_request_max ",
                                      limits.commands_per_request_max, ")");
    ++in_flight_;
    push_ready(status_frame(request.request_id(), wire::RequestStatus::Malformed, why), true);
    return;
  }
  ++in_flight_;
  Outgoing& out = queue_.emplace_back();
  out.is_request = true;
  out.request = std::make_unique<PendingRequest>();
  PendingRequest& r = *out.request;
  r.request_id = request.request_id();
  r.started = Clock::now();
  r.replies.resize(commands->size());
  r.types.assign(commands->size(), NetMetrics::kUndecoded);
  r.slots.resize(commands->size());
  r.session = shared_from_this();
  submit_commands(r, *commands);
  r.release_one();  // may complete at once (posts on_request_done)
}

void Session::submit_commands(PendingRequest& r,
                              const flatbuffers::Vector<flatbuffers::Offset<wire::Command>>& commands) {
  for (uint32_t i = 0; i < commands.size(); ++i) {
    Result<engine::Command> command = decode_command(commands.Get(i));
    if (!command.is_ok()) {
      r.replies[i] = engine::refuse(kMalformed, cat("command ", i, ": ", command.status().message()));
      continue;
    }
    r.types[i] = static_cast<uint8_t>(command->body.index());
    if (!role_allows(*role_, command->body)) {
      r.replies[i] = engine::refuse(
          kForbidden, cat(engine::command_name(command->body), " is not allowed for role ", role_name(*role_)));
      continue;
    }
    if (Status token = check_hold_token(*command); !token.is_ok()) {
      r.replies[i] = engine::refuse(kForbidden, token.message());
      continue;
    }
    Result<AfterDurable> step = prepare(*command);
    if (!step.is_ok()) {
      const bool forbidden = step.status().code() == StatusCode::kPermissionDenied;
      r.replies[i] =
          engine::refuse(forbidden ? kForbidden : engine::ReplyCode::kInvalidArgument, step.status().message());
      continue;
    }
    r.slots[i].request = &r;
    r.slots[i].index = i;
    runtime::Completion* done = &r.slots[i];
    AfterDurableThen* after_durable = nullptr;
    if (*step) done = after_durable = new AfterDurableThen(std::move(*step), done);
    r.pending.fetch_add(1, std::memory_order_relaxed);
    if (!ctx_.shards.submit(std::move(*command), done)) {
      delete after_durable;
      r.pending.fetch_sub(1, std::memory_order_relaxed);  // never reaches 0 here: we still hold our own 1
      r.replies[i] = engine::refuse(engine::ReplyCode::kBusy, "shard inbox full or stopping: retry later");
    }
  }
}

// A web shop names an existing order by its id and hold token: ids are
// predictable, tokens are not. The answer is the same whether or not the
// order exists.
Status Session::check_hold_token(const engine::Command& command) const {
  if (principal_->role != Role::kWebshop) return Status::ok();
  return std::visit(
      [&](const auto& c) -> Status {
        if constexpr (requires { c.order; }) {
          if (command.hold_token.empty())
            return Status::permission_denied(cat("a web shop names order ", c.order, " with its hold_token"));
          if (!ctx_.options.hold_tokens.matches(c.order, command.hold_token))
            return Status::permission_denied(cat("hold_token does not match order ", c.order));
        }
        return Status::ok();
      },
      command.body);
}

Result<AfterDurable> Session::prepare(engine::Command& command) {
  command.principal = principal_->id;
  command.own_orders_only = principal_->role == Role::kWebshop;
  const Principal& who = *principal_;
  const Status channel_ok = std::visit(
      [&who](const auto& c) -> Status {
        if constexpr (requires { c.channel; }) {
          if (!who.sells_on(c.channel))
            return Status::permission_denied(cat("web shop '", who.name, "' does not sell on channel ", c.channel));
        }
        return Status::ok();
      },
      command.body);
  if (!channel_ok.is_ok()) return channel_ok;
  const engine::Effect effect = engine::command_info(command.body).effect;
  if (effect == engine::Effect::kPrincipals) return prepare_principal_command(command);
  if (effect != engine::Effect::kNoEffect && ctx_.hooks.prepare_side_effect)
    return ctx_.hooks.prepare_side_effect(command);
  return AfterDurable{};
}

// The server's part of DefinePrincipal (it generates the token, logs only
// its hash, and answers the token once) and RevokePrincipal (the directory
// forgets the token once the revocation is durable).
Result<AfterDurable> Session::prepare_principal_command(engine::Command& command) {
  PrincipalDirectory& directory = ctx_.principals;
  if (auto* add = std::get_if<engine::DefinePrincipal>(&command.body)) {
    if (command.key != 0)
      return Status::invalid_argument("DefinePrincipal takes no request key: its token is shown once, to one reply");
    std::string token = PrincipalDirectory::new_token();
    add->token_hash = PrincipalDirectory::hash_token(token);
    engine::PrincipalRecord record{0, add->name, add->role, add->channels, false, 0, 0, add->token_hash};
    std::sort(record.channels.begin(), record.channels.end());
    return AfterDurable([&directory, record = std::move(record), token = std::move(token)](
                            engine::Reply&& reply, runtime::Completion* done) mutable {
      record.principal = static_cast<engine::PrincipalId>(reply.value);
      directory.put(record);
      reply.detail = std::make_shared<const engine::ReplyDetail>(
          engine::ReplyDetail{engine::IssuedToken{record.principal, std::move(token)}});
      done->complete(std::move(reply));
    });
  }
  if (const auto* revoke = std::get_if<engine::RevokePrincipal>(&command.body)) {
    const engine::PrincipalId id = revoke->principal;
    return AfterDurable([&directory, id](engine::Reply&& reply, runtime::Completion* done) {
      directory.revoke(id);
      done->complete(std::move(reply));
    });
  }
  return AfterDurable{};
}

void Session::on_request_done(PendingRequest* request) {
  request->session.reset();  // no completion is outstanding any more
  auto it = std::find_if(queue_.begin(), queue_.end(), [&](const Outgoing& o) { return o.request.get() == request; });
  assert(it != queue_.end());
  if (!closed_) {
    it->frame = response_frame(request->request_id, request->replies, request->types, protocol_version_,
                               role_ == Role::kWebshop ? &ctx_.options.hold_tokens : nullptr);
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
