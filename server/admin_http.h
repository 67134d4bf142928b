// AdminHttp: the operator's HTTP endpoint on its own port (Boost.Beast):
// GET /health and GET /metrics, answered by a handler the server supplies.
//
// One thread with its own io_context, so a busy protocol port never delays
// a health check. Each connection carries one request (Connection: close),
// must send it within kAdminReadDeadlineMs, and at most
// kAdminConnectionsMax are served at once (the rest are closed at accept).
//
// TLS (a context given): HTTPS with the protocol port's certificate. Plain
// HTTP is still answered to loopback peers (a local probe or Prometheus
// scraping /health and /metrics); any other plain-text peer gets 403 and a
// failed handshake is logged with the peer's address and counted
// (tls_failures(), on /metrics).
// Thread-safety: start/stop from the owner; the handler runs on the admin
// thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"

namespace boost::asio::ssl {
class context;
}

namespace tessera::server {

inline constexpr uint32_t kAdminConnectionsMax = 16;
inline constexpr uint32_t kAdminReadDeadlineMs = 5'000;
inline constexpr uint32_t kAdminRequestBytesMax = 8 * 1024;

struct HttpAnswer {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class AdminHttp {
 public:
  // `handler` gets the request target ("/metrics") of each GET.
  using Handler = std::function<HttpAnswer(std::string_view target)>;
  // `tls` null: plain HTTP only.
  AdminHttp(std::string address, uint16_t port, Handler handler, std::shared_ptr<boost::asio::ssl::context> tls = {});
  ~AdminHttp();
  AdminHttp(const AdminHttp&) = delete;
  AdminHttp& operator=(const AdminHttp&) = delete;

  Status start();
  uint16_t port() const;
  // TLS handshakes that failed, and plain-text requests refused (not from loopback).
  uint64_t tls_failures() const;
  void stop();  // idempotent

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tessera::server
