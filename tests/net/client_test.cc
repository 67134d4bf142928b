// Client: a request in flight when the connection breaks fails with a clear
// status and is not resent; the next request reconnects. A scripted fake
// server (raw sockets) breaks the connection exactly when the test says.
#include "net/client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "net/messages.h"
#include "tests/net/net_test_support.h"

namespace tessera::net {
namespace {

using namespace tessera::engine;

// Accepts connections one at a time and plays a script on each.
class FakeServer {
 public:
  FakeServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listen_fd_, 8), 0);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~FakeServer() { ::close(listen_fd_); }
  uint16_t port() const { return port_; }

  // Accepts one connection; returns its fd.
  int accept_one() { return ::accept(listen_fd_, nullptr, nullptr); }

 private:
  int listen_fd_ = -1;
  uint16_t port_ = 0;
};

// Reads one frame's payload from a blocking fd (aligned copy).
std::vector<uint64_t> read_payload(int fd, size_t* size) {
  uint8_t header[4];
  size_t got = 0;
  while (got < 4) {
    const ssize_t n = ::recv(fd, header + got, 4 - got, 0);
    if (n <= 0) return {};
    got += static_cast<size_t>(n);
  }
  *size = get_frame_length(header);
  std::vector<uint64_t> out((*size + 7) / 8);
  got = 0;
  while (got < *size) {
    const ssize_t n = ::recv(fd, reinterpret_cast<uint8_t*>(out.data()) + got, *size - got, 0);
    if (n <= 0) return {};
    got += static_cast<size_t>(n);
  }
  return out;
}

void write_frame(int fd, const OutFrame& f) {
  ASSERT_EQ(::send(fd, f.header.data(), 4, MSG_NOSIGNAL), 4);
  ASSERT_EQ(::send(fd, f.body.data(), f.body.size(), MSG_NOSIGNAL), static_cast<ssize_t>(f.body.size()));
}

// Hello exchange; returns the next request's id (0 if none came).
uint64_t greet_and_read_request(int fd) {
  size_t size = 0;
  auto hello = read_payload(fd, &size);
  const auto* frame = verify_client_frame({reinterpret_cast<const uint8_t*>(hello.data()), size});
  EXPECT_TRUE(frame && frame->message_type() == wire::ClientMessage::Hello);
  write_frame(fd, hello_reply_frame(kProtocolVersion, Role::kWebshop, 1, NetLimits{}, "fake"));
  auto request = read_payload(fd, &size);
  frame = verify_client_frame({reinterpret_cast<const uint8_t*>(request.data()), size});
  if (frame == nullptr || frame->message_as_Request() == nullptr) return 0;
  return frame->message_as_Request()->request_id();
}

TEST(Client, RequestInFlightWhenTheConnectionBreaksFails_NextCallReconnects) {
  FakeServer fake;
  std::thread script([&] {
    // First connection: take the request, then drop the connection unanswered.
    int fd = fake.accept_one();
    EXPECT_NE(greet_and_read_request(fd), 0u);
    ::close(fd);
    // Second connection: answer the request properly.
    fd = fake.accept_one();
    const uint64_t id = greet_and_read_request(fd);
    Reply r;
    r.value = 42;
    write_frame(fd, response_frame(id, std::vector<Reply>{r}, std::vector<uint8_t>{NetMetrics::kUndecoded},
                                   kProtocolVersion, nullptr));
    size_t size = 0;
    read_payload(fd, &size);  // until the client closes
    ::close(fd);
  });
  ClientOptions o;
  o.port = fake.port();
  o.token = "t";
  auto client = Client::connect(o);
  ASSERT_TRUE(client.is_ok()) << client.status().to_string();
  auto lost = (*client)->call({Command{0, Hold{1, 2, {LineRequest{1000, 1, 11, 1, 0}}, 60'000}}});
  ASSERT_FALSE(lost.is_ok());
  EXPECT_EQ(lost.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(lost.status().message().find("may or may not have been applied"), std::string::npos)
      << lost.status().message();
  auto again = (*client)->call({Command{0, GetOrder{1}}});
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ((*again)[0].value, 42);
  (*client)->close();
  script.join();
}

TEST(Client, ConnectFailsClearlyWhenNothingListens) {
  uint16_t port;
  {
    FakeServer fake;  // bound then closed: nothing listens on this port now
    port = fake.port();
  }
  ClientOptions o;
  o.port = port;
  o.token = "t";
  auto client = Client::connect(o);
  ASSERT_FALSE(client.is_ok());
  EXPECT_EQ(client.status().code(), StatusCode::kUnavailable);
}

TEST(Client, OverLimitBatchIsRefusedBeforeSending) {
  auto app = testing::start_server();
  auto client = testing::connect_client(*app, testing::kWebshopToken);
  ASSERT_TRUE(client);
  const uint32_t max = client->server_info().commands_per_request_max;
  auto r = client->call(std::vector<Command>(max + 1, Command{0, GetOrder{1}}));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(client->call({Command{0, GetOrder{1}}}).is_ok()) << "the connection is unharmed";
}

}  // namespace
}  // namespace tessera::net
