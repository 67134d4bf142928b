// Helpers for the net/ and server/ tests: an in-process server on ephemeral
// ports with three tokens (one per role) and the demo venue, a raw socket
// that speaks bytes (for bad-input tests), and deep equality of commands.
//
// Every wait has a generous deadline and returns as soon as its condition
// holds: tests never pass or fail on timing.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "net/client.h"
#include "net/frame.h"
#include "net/messages.h"
#include "server/server_app.h"
#include "workload/demo_venue.h"

namespace tessera::testing {

inline constexpr const char* kAdminToken = "admin-secret";
inline constexpr const char* kBackofficeToken = "backoffice-secret";
inline constexpr const char* kWebshopToken = "webshop-secret";
inline constexpr std::chrono::seconds kGenerous{30};
// How many times slower than a plain build the code under test runs here:
// ThreadSanitizer instruments every memory access (5 to 15 times slower).
// The few bounds that say "served at once" (a liveness bound, not a speed
// figure) scale by it.
// (g++ says so with __SANITIZE_THREAD__, clang with __has_feature.)
#if defined(__SANITIZE_THREAD__)
#define TESSERA_TEST_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TESSERA_TEST_UNDER_TSAN 1
#endif
#endif
#ifdef TESSERA_TEST_UNDER_TSAN
inline constexpr int kBuildSlowdown = 10;
#else
inline constexpr int kBuildSlowdown = 1;
#endif

inline server::ServerConfig test_config() {
  server::ServerConfig c;
  c.port = 0;
  c.admin_port = 0;
  c.shards = 2;
  c.demo = true;
  c.durability = server::Durability::kNone;  // protocol tests: nothing read from or left on disk
  c.orders_reserved_per_shard = 0;
  EXPECT_TRUE(c.tokens.add(kAdminToken, net::Role::kAdmin).is_ok());
  EXPECT_TRUE(c.tokens.add(kBackofficeToken, net::Role::kBackoffice).is_ok());
  EXPECT_TRUE(c.tokens.add(kWebshopToken, net::Role::kWebshop).is_ok());
  return c;
}

// The clients the tests book for: a server takes orders only for contacts
// its directory created (rules 3), so a demo test server gets contacts
// 1..kTestContacts ("CLIENT <id>", workload::demo_contact).
inline constexpr uint32_t kTestContacts = 16;

// Creates contacts 1..count on `app`, in process through its logged shard
// set (those a restarted server has already are fine).
inline void create_test_contacts(server::ServerApp& app, uint32_t count) {
  for (uint32_t id = 1; id <= count; ++id) {
    const engine::Reply r = app.shards().call(workload::demo_contact(engine::ContactId{id}));
    EXPECT_TRUE(r.ok() || r.code == engine::ReplyCode::kDuplicate) << r.message;
  }
}

inline std::unique_ptr<server::ServerApp> start_server(server::ServerConfig config = test_config(),
                                                       uint32_t contacts = kTestContacts) {
  const bool demo = config.demo;
  auto app = std::make_unique<server::ServerApp>(std::move(config));
  const Status s = app->start();
  EXPECT_TRUE(s.is_ok()) << s.to_string();
  if (s.is_ok() && demo && contacts > 0) create_test_contacts(*app, contacts);
  return app;
}

inline std::unique_ptr<net::Client> connect_client(
    const server::ServerApp& app, const char* token, bool reconnect = true,
    uint32_t connect_deadline_ms = net::kClientConnectDeadlineMsDefault) {
  net::ClientOptions o;
  o.port = app.port();
  o.token = token;
  o.reconnect = reconnect;
  o.connect_deadline_ms = connect_deadline_ms;
  auto c = net::Client::connect(o);
  EXPECT_TRUE(c.is_ok()) << c.status().to_string();
  return c.is_ok() ? std::move(c.value()) : nullptr;
}

// Waits until `condition` holds or the deadline passes; returns whether it held.
template <typename F>
bool eventually(F condition, std::chrono::milliseconds deadline = kGenerous) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// A blocking TCP socket that writes raw bytes and reads whole frames; from
// `source_address` (a loopback address such as "127.0.0.2") when given.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port, const char* source_address = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (source_address != nullptr) {
      sockaddr_in source{};
      source.sin_family = AF_INET;
      if (::inet_pton(AF_INET, source_address, &source.sin_addr) != 1 ||
          ::bind(fd_, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0)
        return;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }
  // True iff a read ended in a connection reset (ECONNRESET) rather than EOF.
  bool reset() const { return reset_; }

  bool send_bytes(std::span<const uint8_t> bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }
  bool send_frame(const net::OutFrame& f) { return send_bytes(f.header) && send_bytes({f.body.data(), f.body.size()}); }
  bool hello(const char* token = kAdminToken, uint32_t protocol_version = net::kProtocolVersion) {
    if (!send_frame(net::hello_frame(protocol_version, token, "raw"))) return false;
    auto reply = read_frame();
    return reply && verify()->message_type() == wire::ServerMessage::HelloReply;
  }

  // Reads one whole frame (nullopt on EOF, error or deadline).
  std::optional<std::vector<uint8_t>> read_frame(std::chrono::milliseconds deadline = kGenerous) {
    uint8_t header[4];
    if (!read_exact(header, 4, deadline)) return std::nullopt;
    std::vector<uint8_t> body(net::get_frame_length(header));
    if (!read_exact(body.data(), body.size(), deadline)) return std::nullopt;
    last_.assign((body.size() + 7) / 8, 0);
    std::memcpy(last_.data(), body.data(), body.size());
    last_size_ = body.size();
    return body;
  }
  // The last frame read, verified as a ServerFrame (nullptr if it fails).
  const wire::ServerFrame* verify() const {
    return net::verify_server_frame({reinterpret_cast<const uint8_t*>(last_.data()), last_size_});
  }
  // Reads frames until an Error frame; returns its code (None if the
  // connection ended without one).
  wire::ErrorCode read_error() {
    while (read_frame()) {
      const auto* f = verify();
      if (f && f->message_type() == wire::ServerMessage::Error) return f->message_as_Error()->code();
    }
    return wire::ErrorCode::None;
  }
  // Everything the peer sends until it closes (or the deadline passes).
  std::string read_until_closed(std::chrono::milliseconds deadline = kGenerous) {
    std::string out;
    char buf[4096];
    while (wait_readable(deadline)) {
      const ssize_t n = receive(buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  // True iff the server closes the connection (EOF) before the deadline.
  bool closed_by_server(std::chrono::milliseconds deadline = kGenerous) {
    uint8_t byte;
    for (;;) {
      if (!wait_readable(deadline)) return false;
      const ssize_t n = receive(&byte, 1);
      if (n <= 0) return true;
    }
  }

 private:
  ssize_t receive(void* out, size_t n) {
    const ssize_t r = ::recv(fd_, out, n, 0);
    if (r < 0 && errno == ECONNRESET) reset_ = true;
    return r;
  }
  bool wait_readable(std::chrono::milliseconds deadline) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(deadline.count())) == 1;
  }
  bool read_exact(uint8_t* out, size_t n, std::chrono::milliseconds deadline) {
    size_t done = 0;
    while (done < n) {
      if (!wait_readable(deadline)) return false;
      const ssize_t r = receive(out + done, n - done);
      if (r <= 0) return false;
      done += static_cast<size_t>(r);
    }
    return true;
  }
  int fd_ = -1;
  bool connected_ = false;
  bool reset_ = false;
  std::vector<uint64_t> last_;
  size_t last_size_ = 0;
};

// ---- Deep equality of engine values (structs expose fields()) ----------------

template <typename T>
bool deep_equal(const T& a, const T& b);

template <typename T>
bool deep_equal_vector(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!deep_equal(a[i], b[i])) return false;
  return true;
}

template <typename T>
bool deep_equal(const T& a, const T& b) {
  if constexpr (requires { a.fields(); }) {
    return std::apply(
        [&](const auto&... x) {
          return std::apply([&](const auto&... y) { return (deep_equal(x, y) && ...); }, b.fields());
        },
        a.fields());
  } else if constexpr (requires {
                         a.index();
                         a.valueless_by_exception();
                       }) {
    if (a.index() != b.index()) return false;
    return std::visit([&](const auto& x) { return deep_equal(x, std::get<std::decay_t<decltype(x)>>(b)); }, a);
  } else if constexpr (requires {
                         a.size();
                         a.begin();
                         typename T::value_type;
                       } &&
                       !std::is_same_v<T, std::string>) {
    return deep_equal_vector(a, b);
  } else {
    return a == b;
  }
}

// The wall clock in milliseconds since the epoch (the server's engine time).
inline int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Sends one command and returns its reply (kBusy "no reply" if the call failed).
inline net::ClientReply one(net::Client& c, engine::Command command) {
  auto r = c.call({std::move(command)});
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  if (!r.is_ok() || r->size() != 1) return {engine::refuse(engine::ReplyCode::kBusy, "no reply")};
  return (*r)[0];
}

// The order page of `order` (an empty record, with a failure, if refused).
inline engine::OrderRecord order_record(net::Client& c, engine::OrderId order) {
  const engine::Reply r = one(c, engine::Command{0, engine::GetOrderRecord{order}});
  EXPECT_TRUE(r.ok()) << r.message;
  return r.ok() && r.detail ? std::get<engine::OrderRecord>(r.detail->value) : engine::OrderRecord{};
}

// `body`, naming the order of `held` with its hold token (as a web shop must).
inline engine::Command with_token(const net::ClientReply& held, engine::CommandBody body) {
  engine::Command c{0, std::move(body)};
  c.hold_token = held.hold_token;
  return c;
}

// Another client still gets served and sees seats of demo performance 1000
// (the check after a bad input or a misbehaving connection).
inline void expect_other_client_served(server::ServerApp& app) {
  auto c = connect_client(app, kWebshopToken);
  ASSERT_TRUE(c);
  const net::ClientReply r =
      one(*c, engine::Command{0, engine::GetAvailability{1000, 1, engine::kNone, workload::kWeb, engine::kNone}});
  EXPECT_TRUE(r.ok()) << r.message;
  EXPECT_GT(r.value, 0);
}

// A web cart of `quantity` units of category 1 of demo performance `p`.
inline engine::Command web_hold(engine::PerformanceId p, uint32_t quantity, engine::ContactId contact = 1) {
  const engine::ProductId product = p.value() / 1000;
  return engine::Command{0,
                         engine::Hold{contact, workload::kWeb, {workload::demo_line(p, product, 1, quantity)}, 60'000}};
}

}  // namespace tessera::testing
