// AdminHttp: a small async Beast server (one request per connection).
#include "server/admin_http.h"

#include <atomic>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>

#include "engine/command.h"
#include "net/asio.h"

namespace tessera::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using boost::system::error_code;
using engine::cat;

namespace {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, const AdminHttp::Handler& handler, std::atomic<uint32_t>& open)
      : stream_(std::move(socket)), handler_(handler), open_(open) {}
  ~HttpSession() { open_.fetch_sub(1); }

  void start() {
    parser_.emplace();
    parser_->header_limit(kAdminRequestBytesMax);
    parser_->body_limit(kAdminRequestBytesMax);
    stream_.expires_after(std::chrono::milliseconds(kAdminReadDeadlineMs));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](const error_code& ec, size_t) { self->on_read(ec); });
  }

 private:
  void on_read(const error_code& ec) {
    if (ec) return;  // timeout, garbage or closed: drop the connection
    const auto& request = parser_->get();
    HttpAnswer answer;
    if (request.method() != http::verb::get) {
      answer = HttpAnswer{405, "text/plain; charset=utf-8", "only GET\n"};
    } else {
      answer = handler_(std::string_view(request.target().data(), request.target().size()));
    }
    response_.result(answer.status);
    response_.version(request.version());
    response_.set(http::field::server, "tessera-server");
    response_.set(http::field::content_type, answer.content_type);
    response_.keep_alive(false);
    response_.body() = std::move(answer.body);
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](const error_code&, size_t) {
      error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  const AdminHttp::Handler& handler_;
  std::atomic<uint32_t>& open_;
};

}  // namespace

struct AdminHttp::Impl {
  Impl(std::string a, uint16_t p, Handler h) : address(std::move(a)), port(p), handler(std::move(h)), acceptor(io) {}

  void accept() {
    acceptor.async_accept([this](const error_code& ec, tcp::socket socket) {
      if (!acceptor.is_open()) return;
      if (!ec) {
        if (open.fetch_add(1) >= kAdminConnectionsMax) {
          open.fetch_sub(1);
          error_code ignored;
          socket.close(ignored);
        } else {
          std::make_shared<HttpSession>(std::move(socket), handler, open)->start();
        }
      }
      accept();
    });
  }

  std::string address;
  uint16_t port;
  Handler handler;
  std::atomic<uint32_t> open{0};  // before io: sessions destroyed with io's handlers decrement it
  std::atomic<uint16_t> bound_port{0};
  asio::io_context io;
  tcp::acceptor acceptor;
  std::thread thread;
};

AdminHttp::AdminHttp(std::string address, uint16_t port, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(address), port, std::move(handler))) {}

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
