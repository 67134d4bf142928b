// AdminHttp: a small async Beast server (one request per connection), HTTP
// or HTTPS.
#include "server/admin_http.h"

#include <atomic>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <optional>
#include <thread>

#include "engine/command.h"
#include "net/tls.h"

namespace tessera::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using boost::system::error_code;
using engine::cat;

namespace {

// What every connection of one AdminHttp shares (owned by AdminHttp::Impl).
struct AdminShared {
  AdminHttp::Handler handler;
  std::shared_ptr<ssl::context> tls;  // null: plain HTTP
  std::atomic<uint32_t> open{0};
  std::atomic<uint64_t> tls_failures{0};
};

// One request on a plain or TLS stream: the stream kind is a template
// parameter of each step (no virtual call), the TLS stream built from the
// TCP one once the first bytes said TLS.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;

  HttpSession(tcp::socket socket, AdminShared& shared) : stream_(std::move(socket)), shared_(shared) {}
  ~HttpSession() { shared_.open.fetch_sub(1); }

  void start() {
    stream_.expires_after(std::chrono::milliseconds(kAdminReadDeadlineMs));  // bounds the handshake too
    if (!shared_.tls) {
      read_request(stream_);
      return;
    }
    beast::async_detect_ssl(
        stream_, buffer_, [self = shared_from_this()](const error_code& ec, bool tls) { self->on_detected(ec, tls); });
  }

 private:
  void on_detected(const error_code& ec, bool tls) {
    if (ec) return;
    if (!tls) {
      error_code peer_ec;
      const tcp::endpoint peer = stream_.socket().remote_endpoint(peer_ec);
      plain_refused_ = peer_ec || !peer.address().is_loopback();
      if (plain_refused_) failed("plain HTTP from a remote address: answered 403");
      read_request(stream_);
      return;
    }
    tls_ = std::make_unique<TlsStream>(std::move(stream_), *shared_.tls);
    tls_->async_handshake(
        ssl::stream_base::server, buffer_.data(),
        [self = shared_from_this()](const error_code& e, size_t used) { self->on_handshake(e, used); });
  }

  void on_handshake(const error_code& ec, size_t used) {
    if (ec) {
      failed(cat("TLS handshake failed: ", net::tls_failure_text(ec, tls_->native_handle())));
      return;
    }
    buffer_.consume(used);
    read_request(*tls_);
  }

  void failed(const std::string& why) {
    error_code ec;
    const tcp::endpoint peer = (tls_ ? tls_->next_layer() : stream_).socket().remote_endpoint(ec);
    std::fprintf(stderr, "tessera-server: admin http %s: %s\n",
                 ec ? "unknown peer" : cat(peer.address().to_string(), ":", peer.port()).c_str(), why.c_str());
    shared_.tls_failures.fetch_add(1);
  }

  template <typename Stream>
  void read_request(Stream& stream) {
    parser_.emplace();
    parser_->header_limit(kAdminRequestBytesMax);
    parser_->body_limit(kAdminRequestBytesMax);
    http::async_read(stream, buffer_, *parser_,
                     [self = shared_from_this(), &stream](const error_code& ec, size_t) { self->on_read(stream, ec); });
  }

  template <typename Stream>
  void on_read(Stream& stream, const error_code& ec) {
    if (ec) return;  // timeout, garbage or closed: drop the connection
    const auto& request = parser_->get();
    HttpAnswer answer;
    if (plain_refused_) {
      answer = HttpAnswer{403, "text/plain; charset=utf-8", "this port speaks HTTPS; plain HTTP only from loopback\n"};
    } else if (request.method() != http::verb::get) {
      answer = HttpAnswer{405, "text/plain; charset=utf-8", "only GET\n"};
    } else {
      answer = shared_.handler(std::string_view(request.target().data(), request.target().size()));
    }
    response_.result(answer.status);
    response_.version(request.version());
    response_.set(http::field::server, "tessera-server");
    response_.set(http::field::content_type, answer.content_type);
    response_.keep_alive(false);
    response_.body() = std::move(answer.body);
    response_.prepare_payload();
    http::async_write(stream, response_,
                      [self = shared_from_this(), &stream](const error_code&, size_t) { self->finish(stream); });
  }

  void finish(beast::tcp_stream& stream) {
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }
  void finish(TlsStream& stream) {
    // close_notify, so that the client sees a clean end (bounded by the deadline set at start).
    stream.async_shutdown([self = shared_from_this()](const error_code&) {
      error_code ignored;
      self->tls_->next_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  beast::tcp_stream stream_;  // moved into tls_ when the client speaks TLS
  std::unique_ptr<TlsStream> tls_;
  AdminShared& shared_;
  bool plain_refused_ = false;  // TLS is on and a remote peer spoke plain HTTP
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
};

}  // namespace

struct AdminHttp::Impl {
  Impl(std::string a, uint16_t p, Handler h, std::shared_ptr<ssl::context> tls)
      : address(std::move(a)), port(p), acceptor(io) {
    shared.handler = std::move(h);
    shared.tls = std::move(tls);
  }

  void accept() {
    acceptor.async_accept([this](const error_code& ec, tcp::socket socket) {
      if (!acceptor.is_open()) return;
      if (!ec) {
        if (shared.open.fetch_add(1) >= kAdminConnectionsMax) {
          shared.open.fetch_sub(1);
          error_code ignored;
          socket.close(ignored);
        } else {
          std::make_shared<HttpSession>(std::move(socket), shared)->start();
        }
      }
      accept();
    });
  }

  std::string address;
  uint16_t port;
  AdminShared shared;  // before io: sessions destroyed with io's handlers decrement its count
  std::atomic<uint16_t> bound_port{0};
  asio::io_context io;
  tcp::acceptor acceptor;
  std::thread thread;
};

AdminHttp::AdminHttp(std::string address, uint16_t port, Handler handler, std::shared_ptr<ssl::context> tls)
    : impl_(std::make_unique<Impl>(std::move(address), port, std::move(handler), std::move(tls))) {}

AdminHttp::~AdminHttp() { stop(); }

Status AdminHttp::start() {
  Impl& m = *impl_;
  error_code ec;
  const auto address = asio::ip::make_address(m.address, ec);
  if (ec) return Status::invalid_argument(cat("admin address '", m.address, "': ", ec.message()));
  const tcp::endpoint endpoint(address, m.port);
  m.acceptor.open(endpoint.protocol(), ec);
  if (!ec) m.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) m.acceptor.bind(endpoint, ec);
  if (!ec) m.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    m.acceptor.close(ignored);
    return Status::unavailable(cat("cannot listen on admin ", m.address, ":", m.port, ": ", ec.message()));
  }
  m.bound_port.store(m.acceptor.local_endpoint().port());
  m.accept();
  m.thread = std::thread([&m] { m.io.run(); });
  return Status::ok();
}

uint16_t AdminHttp::port() const { return impl_->bound_port.load(); }

uint64_t AdminHttp::tls_failures() const { return impl_->shared.tls_failures.load(); }

void AdminHttp::stop() {
  Impl& m = *impl_;
  if (!m.thread.joinable()) return;
  asio::post(m.io, [&m] {
    error_code ignored;
    m.acceptor.close(ignored);
  });
  m.io.stop();  // drops in-flight admin requests: nothing to finish there
  m.thread.join();
}

}  // namespace tessera::server
