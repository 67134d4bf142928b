// Client: connection state machine (connect -> Hello -> ready -> broken),
// request queue bounded by the server's in-flight limit, response matching.
//
// All connection state lives on the client's single I/O thread; public
// members encode on the caller's thread and post the rest there.
#include "net/client.h"

#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "net/asio.h"
#include "net/codec.h"
#include "net/frame.h"
#include "net/messages.h"
#include "net/stream.h"
#include "net/tls.h"

namespace tessera::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using engine::cat;

namespace {

// Answer of one request: the Response table (valid during the call) or why
// there is none.
using ResponseHandler = std::function<void(const Status&, const wire::Response*)>;

Status status_of_response(const wire::Response& r) {
  const std::string message = r.message() ? r.message()->str() : std::string();
  switch (r.status()) {
    case wire::RequestStatus::Ok:
      return Status::ok();
    case wire::RequestStatus::Malformed:
      return Status::invalid_argument(cat("server: malformed request: ", message));
    case wire::RequestStatus::Forbidden:
      return Status::failed_precondition(cat("server: forbidden: ", message));
    case wire::RequestStatus::Unavailable:
      return Status::unavailable(cat("server: unavailable: ", message));
    case wire::RequestStatus::ShuttingDown:
      return Status::unavailable(cat("server: shutting down: ", message));
  }
  return Status::internal(cat("server: unknown request status ", static_cast<int>(r.status())));
}

Result<Client::Replies> replies_of(const Status& status, const wire::Response* r) {
  if (!status.is_ok()) return status;
  Status s = status_of_response(*r);
  if (!s.is_ok()) return s;
  Client::Replies out;
  if (r->results() == nullptr) return out;
  out.reserve(r->results()->size());
  for (const wire::Result* result : *r->results()) {
    auto reply = decode_reply(result);
    if (!reply.is_ok()) return Status::internal(cat("server sent a bad result: ", reply.status().message()));
    out.push_back(std::move(*reply));
  }
  return out;
}

}  // namespace

struct Client::Impl : std::enable_shared_from_this<Impl> {
  enum class State { kDisconnected, kConnecting, kReady, kClosed };
  struct Outbound {
    uint64_t id;
    OutFrame frame;
    ResponseHandler done;
  };

  explicit Impl(ClientOptions o)
      : options(std::move(o)), stream(std::make_shared<Stream>(tcp::socket(io))), timer(io), reader(kFrameBytesMax) {}

  // ---- I/O thread -------------------------------------------------------------
  void enqueue(Outbound out);
  void start_connect();
  void on_connected(const error_code& ec);
  void on_handshake(const error_code& ec);
  void send_hello();
  void on_hello_read(const error_code& ec, size_t n);
  void read_more();
  void on_read(const error_code& ec, size_t n);
  void handle_frame(std::span<const uint8_t> payload);
  void pump();
  void on_written(const error_code& ec, size_t frames);
  void broken(const Status& why);
  void finish_connect(const Status& status);

  ClientOptions options;
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: plain TCP
  // The connection's stream, new for each connection (a TLS stream cannot
  // be reused); handlers hold it, so it outlives their operations.
  std::shared_ptr<Stream> stream;
  asio::steady_timer timer;
  FrameReader reader;

  State state = State::kDisconnected;
  std::deque<Outbound> queued;                              // not yet written
  std::vector<Outbound> writing;                            // being written
  std::unordered_map<uint64_t, ResponseHandler> in_flight;  // written, awaiting a response
  bool write_pending = false;
  uint64_t connection = 0;  // generation: handlers of an old socket ignore themselves
  std::function<void(Status)> connect_waiter;

  std::atomic<uint64_t> next_id{1};
  mutable std::mutex info_mutex;
  ServerInfo info;
  std::atomic<bool> ready{false};
  std::atomic<bool> closed{false};
};

void Client::Impl::enqueue(Outbound out) {
  if (state == State::kClosed) {
    out.done(Status::unavailable("client is closed"), nullptr);
    return;
  }
  if (queued.size() >= kClientQueuedRequestsMax) {
    out.done(Status::resource_exhausted(cat("more than ", kClientQueuedRequestsMax, " requests queued")), nullptr);
    return;
  }
  queued.push_back(std::move(out));
  if (state == State::kDisconnected) {
    if (connection > 0 && !options.reconnect) {
      broken(Status::unavailable("connection lost and reconnect is off"));
      return;
    }
    start_connect();
  }
  pump();
}

void Client::Impl::start_connect() {
  state = State::kConnecting;
  ++connection;
  reader = FrameReader(kFrameBytesMax);
  stream = tls ? std::make_shared<Stream>(tcp::socket(io), *tls) : std::make_shared<Stream>(tcp::socket(io));
  error_code ec;
  const auto address = asio::ip::make_address(options.host, ec);
  std::vector<tcp::endpoint> endpoints;
  if (!ec) {
    endpoints.emplace_back(address, options.port);
  } else {
    tcp::resolver resolver(io);
    for (const auto& e : resolver.resolve(options.host, std::to_string(options.port), ec))
      endpoints.push_back(e.endpoint());
    if (ec || endpoints.empty()) {
      finish_connect(Status::unavailable(cat("cannot resolve ", options.host, ": ", ec.message())));
      return;
    }
  }
  timer.expires_after(std::chrono::milliseconds(options.connect_deadline_ms));
  const uint64_t gen = connection;
  timer.async_wait([self = shared_from_this(), gen](const error_code& e) {
    if (e || gen != self->connection || self->state != State::kConnecting) return;
    self->finish_connect(
        Status::unavailable(cat("no connection within connect_deadline_ms (", self->options.connect_deadline_ms, ")")));
  });
  asio::async_connect(stream->socket(), endpoints,
                      [self = shared_from_this(), s = stream, gen](const error_code& e, const tcp::endpoint&) {
                        if (gen != self->connection || self->state != State::kConnecting) return;
                        self->on_connected(e);
                      });
}

void Client::Impl::on_connected(const error_code& ec) {
  if (ec) {
    finish_connect(Status::unavailable(cat("cannot connect to ", options.host, ":", options.port, ": ", ec.message())));
    return;
  }
  error_code ignored;
  stream->socket().set_option(tcp::no_delay(true), ignored);
  if (!stream->tls()) {
    send_hello();
    return;
  }
  Stream::TlsStream& t = stream->tls_stream();
  if (!options.tls_insecure_skip_verify && !expect_tls_peer_name(t.native_handle(), options.host)) {
    finish_connect(
        Status::invalid_argument(cat("TLS: cannot check the server's certificate for '", options.host, "'")));
    return;
  }
  const uint64_t gen = connection;
  t.async_handshake(boost::asio::ssl::stream_base::client,
                    [self = shared_from_this(), s = stream, gen](const error_code& e) {
                      if (gen != self->connection || self->state != State::kConnecting) return;
                      self->on_handshake(e);
                    });
}

void Client::Impl::on_handshake(const error_code& ec) {
  if (!ec) {
    send_hello();
    return;
  }
  SSL* ssl = stream->tls_stream().native_handle();
  const std::string why =
      cat("TLS handshake with ", options.host, ":", options.port, " failed: ", tls_failure_text(ec, ssl));
  // An untrusted certificate will not become trusted by retrying.
  finish_connect(SSL_get_verify_result(ssl) != X509_V_OK ? Status::failed_precondition(why) : Status::unavailable(why));
}

void Client::Impl::send_hello() {
  auto hello = std::make_shared<OutFrame>(hello_frame(kProtocolVersion, options.token, options.client_name));
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(hello->header),
                                                  asio::buffer(hello->body.data(), hello->body.size())};
  const uint64_t gen = connection;
  stream->write_all(buffers, [self = shared_from_this(), s = stream, hello, gen](const error_code& e, size_t) {
    if (gen != self->connection || self->state != State::kConnecting) return;
    if (e) {
      self->finish_connect(Status::unavailable(cat("cannot send Hello: ", e.message())));
      return;
    }
    const std::span<uint8_t> space = self->reader.writable();
    s->read_some(asio::buffer(space.data(), space.size()), [self, s, gen](const error_code& e2, size_t n) {
      if (gen != self->connection || self->state != State::kConnecting) return;
      self->on_hello_read(e2, n);
    });
  });
}

void Client::Impl::on_hello_read(const error_code& ec, size_t n) {
  if (ec) {
    finish_connect(Status::unavailable(cat("connection closed before HelloReply: ", ec.message())));
    return;
  }
  reader.commit(n);
  std::span<const uint8_t> payload;
  uint32_t announced = 0;
  const FrameReader::Next next = reader.next(&payload, &announced);
  if (next == FrameReader::Next::kNeedMore) {
    const std::span<uint8_t> space = reader.writable();
    const uint64_t gen = connection;
    stream->read_some(asio::buffer(space.data(), space.size()),
                      [self = shared_from_this(), s = stream, gen](const error_code& e, size_t m) {
                        if (gen != self->connection || self->state != State::kConnecting) return;
                        self->on_hello_read(e, m);
                      });
    return;
  }
  const wire::ServerFrame* frame = next == FrameReader::Next::kFrame ? verify_server_frame(payload) : nullptr;
  if (frame == nullptr) {
    finish_connect(Status::internal("server answered Hello with an unreadable frame"));
    return;
  }
  if (const wire::Error* e = frame->message_as_Error()) {
    finish_connect(Status::failed_precondition(cat("server refused Hello: ", error_code_name(e->code()), ": ",
                                                   e->message() ? e->message()->str() : std::string())));
    return;
  }
  const wire::HelloReply* hello = frame->message_as_HelloReply();
  if (hello == nullptr) {
    finish_connect(Status::internal("server answered Hello with something else than HelloReply"));
    return;
  }
  {
    std::lock_guard<std::mutex> lock(info_mutex);
    info.role = static_cast<Role>(hello->role());
    info.shard_count = hello->shard_count();
    info.frame_bytes_max = hello->frame_bytes_max();
    info.commands_per_request_max = hello->commands_per_request_max();
    info.requests_in_flight_max = std::max<uint32_t>(1, hello->requests_in_flight_max());
    info.server_name = hello->server_name() ? hello->server_name()->str() : std::string();
    info.hold_ttl_ms_min = hello->hold_ttl_ms_min();
    info.hold_ttl_ms_max = hello->hold_ttl_ms_max();
    info.follow_up_rows_max = hello->follow_up_rows_max();
    info.order_list_rows_max = hello->order_list_rows_max();
    info.bulk_orders_max = hello->bulk_orders_max();
    info.order_lines_max = hello->order_lines_max();
    if (hello->time_zone() && hello->time_zone()->size() > 0) info.time_zone = hello->time_zone()->str();
    if (hello->language() && hello->language()->size() > 0) info.language = hello->language()->str();
  }
  timer.cancel();
  state = State::kReady;
  ready.store(true);
  finish_connect(Status::ok());
  read_more();
  pump();
}

// Connect finished: tell a waiting connect(); on failure, fail what waits.
void Client::Impl::finish_connect(const Status& status) {
  if (auto waiter = std::move(connect_waiter)) {
    connect_waiter = nullptr;
    waiter(status);
  }
  if (!status.is_ok()) broken(status);
}

void Client::Impl::read_more() {
  const std::span<uint8_t> space = reader.writable();
  const uint64_t gen = connection;
  stream->read_some(asio::buffer(space.data(), space.size()),
                    [self = shared_from_this(), s = stream, gen](const error_code& e, size_t n) {
                      if (gen != self->connection || self->state != State::kReady) return;
                      self->on_read(e, n);
                    });
}

void Client::Impl::on_read(const error_code& ec, size_t n) {
  if (ec) {
    broken(Status::unavailable(cat("connection lost (", ec.message(), ")")));
    return;
  }
  reader.commit(n);
  const uint64_t gen = connection;
  for (;;) {
    std::span<const uint8_t> payload;
    uint32_t announced = 0;
    const FrameReader::Next next = reader.next(&payload, &announced);
    if (next == FrameReader::Next::kNeedMore) break;
    if (next == FrameReader::Next::kTooLarge) {
      broken(Status::internal(cat("server frame of ", announced, " bytes is over the client's limit")));
      return;
    }
    handle_frame(payload);
    if (gen != connection || state != State::kReady) return;  // the frame broke the connection
  }
  read_more();
}

void Client::Impl::handle_frame(std::span<const uint8_t> payload) {
  const wire::ServerFrame* frame = verify_server_frame(payload);
  if (frame == nullptr) {
    broken(Status::internal("server sent a frame that fails verification"));
    return;
  }
  if (const wire::Error* e = frame->message_as_Error()) {
    broken(Status::unavailable(cat("server closed the connection: ", error_code_name(e->code()), ": ",
                                   e->message() ? e->message()->str() : std::string())));
    return;
  }
  const wire::Response* response = frame->message_as_Response();
  if (response == nullptr) {
    broken(Status::internal("server sent an unexpected message"));
    return;
  }
  auto it = in_flight.find(response->request_id());
  if (it == in_flight.end()) {
    broken(Status::internal(cat("server answered unknown request id ", response->request_id())));
    return;
  }
  ResponseHandler done = std::move(it->second);
  in_flight.erase(it);
  done(Status::ok(), response);
  pump();
}

void Client::Impl::pump() {
  if (state != State::kReady || write_pending) return;
  uint32_t slots_max;
  {
    std::lock_guard<std::mutex> lock(info_mutex);
    slots_max = info.requests_in_flight_max;
  }
  constexpr size_t kFramesPerWriteMax = 64;
  writing.clear();
  while (!queued.empty() && in_flight.size() + writing.size() < slots_max && writing.size() < kFramesPerWriteMax) {
    writing.push_back(std::move(queued.front()));
    queued.pop_front();
  }
  if (writing.empty()) return;
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(writing.size() * 2);
  for (Outbound& o : writing) {
    buffers.emplace_back(o.frame.header.data(), o.frame.header.size());
    buffers.emplace_back(o.frame.body.data(), o.frame.body.size());
    in_flight.emplace(o.id, std::move(o.done));  // a response may only come after the write
  }
  write_pending = true;
  const uint64_t gen = connection;
  stream->write_all(buffers, [self = shared_from_this(), s = stream, gen](const error_code& e, size_t) {
    if (gen != self->connection) return;
    self->write_pending = false;
    self->writing.clear();
    if (self->state != State::kReady) return;
    if (e) {
      self->broken(Status::unavailable(cat("connection lost while sending (", e.message(), ")")));
      return;
    }
    self->pump();
  });
}

void Client::Impl::broken(const Status& why) {
  ready.store(false);
  error_code ignored;
  stream->socket().shutdown(tcp::socket::shutdown_both, ignored);  // TLS: no close_notify
  stream->socket().close(ignored);
  timer.cancel();
  write_pending = false;
  writing.clear();
  if (state != State::kClosed) state = State::kDisconnected;
  ++connection;  // handlers of the old socket now ignore themselves
  auto sent = std::move(in_flight);
  in_flight.clear();
  auto waiting = std::move(queued);
  queued.clear();
  const Status lost =
      Status::unavailable(cat(why.message(), "; request may or may not have been applied (not resent)"));
  for (auto& [id, done] : sent) done(lost, nullptr);
  const Status unsent = Status::unavailable(cat(why.message(), "; request not sent"));
  for (Outbound& o : waiting) o.done(unsent, nullptr);
}

// ---- Public surface ------------------------------------------------------------

Client::Client(ClientOptions options) : impl_(std::make_shared<Impl>(std::move(options))) {
  impl_->work.emplace(impl_->io.get_executor());
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

Client::~Client() {
  close();
  impl_->work.reset();
  if (impl_->thread.joinable()) impl_->thread.join();
}

Result<std::unique_ptr<Client>> Client::connect(ClientOptions options) {
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (options.tls) {
    auto context = make_tls_client_context(options.tls_ca_file, !options.tls_insecure_skip_verify);
    if (!context.is_ok()) return context.status();
    tls = std::move(context.value());
  }
  std::unique_ptr<Client> client(new Client(std::move(options)));
  client->impl_->tls = std::move(tls);
  auto done = std::make_shared<std::promise<Status>>();
  auto result = done->get_future();
  asio::post(client->impl_->io, [impl = client->impl_, done] {
    impl->connect_waiter = [done](Status s) { done->set_value(std::move(s)); };
    impl->start_connect();
  });
  Status s = result.get();
  if (!s.is_ok()) return s;
  return client;
}

void Client::send(std::vector<engine::Command> commands, Callback done) {
  const ServerInfo limits = server_info();
  if (limits.commands_per_request_max > 0 && commands.size() > limits.commands_per_request_max) {
    done(Status::invalid_argument(cat("request has ", commands.size(), " commands (server's commands_per_request_max ",
                                      limits.commands_per_request_max, ")")));
    return;
  }
  const uint64_t id = impl_->next_id.fetch_add(1);
  OutFrame frame = request_frame(id, commands);
  if (limits.frame_bytes_max > 0 && frame.body.size() > limits.frame_bytes_max) {
    done(Status::resource_exhausted(cat("request frame of ", frame.body.size(),
                                        " bytes is over the server's frame_bytes_max (", limits.frame_bytes_max, ")")));
    return;
  }
  auto handler = [done = std::move(done)](const Status& s, const wire::Response* r) { done(replies_of(s, r)); };
  asio::post(impl_->io,
             [impl = impl_, out = std::make_shared<Impl::Outbound>(Impl::Outbound{
                                id, std::move(frame), std::move(handler)})] { impl->enqueue(std::move(*out)); });
}

std::future<Result<Client::Replies>> Client::send(std::vector<engine::Command> commands) {
  auto promise = std::make_shared<std::promise<Result<Replies>>>();
  auto future = promise->get_future();
  send(std::move(commands), [promise](Result<Replies> r) { promise->set_value(std::move(r)); });
  return future;
}

Result<Client::Replies> Client::call(std::vector<engine::Command> commands) {
  auto future = send(std::move(commands));
  if (future.wait_for(std::chrono::milliseconds(impl_->options.call_deadline_ms)) != std::future_status::ready)
    return Status::unavailable(cat("no response within call_deadline_ms (", impl_->options.call_deadline_ms,
                                   "); the request may still be applied"));
  return future.get();
}

void Client::admin(wire::AdminAction action, AdminCallback done) {
  const uint64_t id = impl_->next_id.fetch_add(1);
  auto handler = [done = std::move(done)](const Status& s, const wire::Response* r) {
    done(s.is_ok() ? status_of_response(*r) : s);
  };
  asio::post(impl_->io,
             [impl = impl_, out = std::make_shared<Impl::Outbound>(Impl::Outbound{
                                id, admin_frame(id, action), std::move(handler)})] { impl->enqueue(std::move(*out)); });
}

Status Client::admin(wire::AdminAction action) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  admin(action, [promise](Status s) { promise->set_value(std::move(s)); });
  if (future.wait_for(std::chrono::milliseconds(impl_->options.call_deadline_ms)) != std::future_status::ready)
    return Status::unavailable("no response within call_deadline_ms");
  return future.get();
}

ServerInfo Client::server_info() const {
  std::lock_guard<std::mutex> lock(impl_->info_mutex);
  return impl_->info;
}

bool Client::connected() const { return impl_->ready.load(); }

void Client::close() {
  if (impl_->closed.exchange(true)) return;
  std::promise<void> done;
  asio::post(impl_->io, [impl = impl_, &done] {
    impl->state = Impl::State::kClosed;
    impl->broken(Status::unavailable("client closed"));
    done.set_value();
  });
  done.get_future().wait();
}

}  // namespace tessera::net
