// The protocol server's connection hygiene, on loopback with real sockets:
// connections without Hello have their own cap (the oldest makes room) and a
// short deadline, so a flood of idle sockets does not lock out a client; a
// per-address cap; and a connection closed by a limit delivers its Error
// frame before the close (no reset, even with unread input).
#include <sys/resource.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "net/limits.h"
#include "net/messages.h"
#include "net/server.h"
#include "tests/net/net_test_support.h"
#include "workload/demo_venue.h"

namespace tessera::net {
namespace {

using namespace tessera::engine;
using testing::connect_client;
using testing::eventually;
using testing::one;
using testing::RawConnection;
using testing::start_server;
using testing::test_config;
using Clock = std::chrono::steady_clock;

Command availability(PerformanceId p) { return Command{0, GetAvailability{p, 1, kNone, workload::kWeb, kNone}}; }

using testing::expect_other_client_served;

// Raises this process's soft open-file limit to at least `wanted` (within
// the hard limit). Returns whether the limit is now at least `wanted`.
bool raise_open_file_limit(rlim_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur >= wanted) return true;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted) return false;
  limit.rlim_cur = wanted;
  return ::setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

// 127.0.0.<2 + i % addresses>: every 127/8 address is local on Linux.
std::string loopback_address(int i, int addresses) { return "127.0.0." + std::to_string(2 + i % addresses); }

// The peer reads an Error frame with `code`, then EOF (not a reset).
void expect_error_then_clean_close(RawConnection& raw, wire::ErrorCode code) {
  EXPECT_EQ(raw.read_error(), code);
  EXPECT_TRUE(raw.closed_by_server());
  EXPECT_FALSE(raw.reset());
}

TEST(ServerConnections, IdleFloodWithoutHelloDoesNotLockOutAClient) {
  constexpr int kIdle = 2'000;
  constexpr int kAddresses = 40;  // 50 idle sockets per address: under connections_per_address_max
  const auto cfg = test_config();
  ASSERT_LT(kIdle / kAddresses, static_cast<int>(cfg.limits.connections_per_address_max));
  // Both ends are in this process: the idle sockets, and on the server side
  // the unauthenticated and lingering ones.
  const rlim_t fds_needed = kIdle + kConnectionsClosingMax + cfg.limits.connections_unauthenticated_max + 512;
  if (!raise_open_file_limit(fds_needed))
    GTEST_SKIP() << "needs " << fds_needed << " open files and the hard limit (ulimit -Hn) is lower";
  auto app = start_server(cfg);

  const auto flood_start = Clock::now();
  std::vector<std::unique_ptr<RawConnection>> idle;
  idle.reserve(kIdle + 2);
  for (int i = 0; i < kIdle; ++i) {
    idle.push_back(std::make_unique<RawConnection>(app->port(), loopback_address(i, kAddresses).c_str()));
    ASSERT_TRUE(idle.back()->connected()) << "idle connection " << i << ": " << std::strerror(errno);
  }
  const auto flood_opened = Clock::now();

  // A client from 127.0.0.1 connects, says Hello and gets an answer: at
  // once, while the server still works through the flood's backlog...
  const auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  using std::chrono::seconds;
  const auto first_start = Clock::now();
  auto first = connect_client(*app, testing::kWebshopToken, /*reconnect=*/false,
                              /*connect_deadline_ms=*/5'000 * testing::kBuildSlowdown);
  ASSERT_TRUE(first) << "locked out by the idle connections";
  EXPECT_TRUE(one(*first, availability(1000)).ok());
  const auto first_served = Clock::now() - first_start;
  // ...and once every idle connection is in, and idle sockets hold every
  // unauthenticated slot (two more: the first takes the slot the first
  // client left, the second makes room): the lock-out the caps prevent.
  const uint64_t made_room_before = kIdle - cfg.limits.connections_unauthenticated_max + 2;
  for (int i = 0; i < 2; ++i) {
    idle.push_back(std::make_unique<RawConnection>(app->port(), "127.0.0.2"));
    ASSERT_TRUE(idle.back()->connected());
  }
  ASSERT_TRUE(eventually(
      [&] { return app->metrics().protocol_errors(wire::ErrorCode::TooManyConnections) == made_room_before; }));
  const auto client_start = Clock::now();
  auto client = connect_client(*app, testing::kWebshopToken, /*reconnect=*/false);
  ASSERT_TRUE(client);
  const Reply r = one(*client, availability(1000));
  const auto served = Clock::now() - client_start;
  EXPECT_TRUE(r.ok()) << r.message;
  EXPECT_LT(served, seconds(1) * testing::kBuildSlowdown);
  EXPECT_LT(first_served, seconds(5) * testing::kBuildSlowdown) << "the flood's backlog took that long to accept";
  EXPECT_TRUE(eventually([&] {
    return app->metrics().protocol_errors(wire::ErrorCode::TooManyConnections) == made_room_before + 1;
  })) << "the second client made room among idle connections";
  std::printf(
      "%d idle connections opened in %.0f ms; a new client was served in %.2f ms right after (the server "
      "still accepting the flood), another in %.2f ms once the flood was in\n",
      kIdle, ms(flood_opened - flood_start), ms(first_served), ms(served));

  // Every idle socket is closed: the oldest to make room, the last ones by
  // the Hello deadline. Each reads its Error frame, then EOF.
  int timed_out = 0, made_room = 0;
  for (auto& raw : idle) {
    const wire::ErrorCode code = raw->read_error();
    timed_out += code == wire::ErrorCode::ReadTimeout;
    made_room += code == wire::ErrorCode::TooManyConnections;
    EXPECT_TRUE(raw->closed_by_server());
    EXPECT_FALSE(raw->reset());
  }
  const auto all_closed = Clock::now();
  std::printf("all closed %.0f ms after the flood: %d by the Hello deadline, %d to make room\n",
              ms(all_closed - flood_opened), timed_out, made_room);
  EXPECT_EQ(timed_out + made_room, static_cast<int>(idle.size()));
  EXPECT_GE(timed_out, 1);
  EXPECT_LE(timed_out, static_cast<int>(cfg.limits.connections_unauthenticated_max));
  EXPECT_EQ(app->metrics().protocol_errors(wire::ErrorCode::ReadTimeout), static_cast<uint64_t>(timed_out));
  // The authenticated clients were never at risk.
  EXPECT_TRUE(one(*first, availability(2000)).ok());
  EXPECT_TRUE(one(*client, availability(2000)).ok());
}

TEST(ServerConnections, OldestConnectionWithoutHelloMakesRoom_AuthenticatedOnesDoNotCount) {
  auto cfg = test_config();
  cfg.limits.connections_unauthenticated_max = 2;
  cfg.limits.hello_deadline_ms = 60'000;  // only the cap closes anything here
  auto app = start_server(std::move(cfg));
  // Authenticated connections leave the unauthenticated count. Each says
  // Hello before the next connects: three connected at once are three
  // without Hello, and the third would (rightly) close the first.
  RawConnection a(app->port());
  ASSERT_TRUE(a.hello(testing::kWebshopToken));
  RawConnection b(app->port());
  ASSERT_TRUE(b.hello(testing::kWebshopToken));
  RawConnection c(app->port());
  ASSERT_TRUE(c.hello(testing::kWebshopToken));
  RawConnection oldest(app->port());
  ASSERT_TRUE(eventually([&] { return app->metrics().connections_open() == 4; }));
  RawConnection second(app->port());
  ASSERT_TRUE(eventually([&] { return app->metrics().connections_open() == 5; }));
  RawConnection newest(app->port());  // a third without Hello: the oldest makes room
  expect_error_then_clean_close(oldest, wire::ErrorCode::TooManyConnections);
  EXPECT_TRUE(newest.hello(testing::kWebshopToken));
  EXPECT_TRUE(second.hello(testing::kWebshopToken));
  expect_other_client_served(*app);
}

TEST(ServerConnections, PerAddressCapRefusesTheNextFromThatAddressOnly) {
  auto cfg = test_config();
  cfg.limits.connections_per_address_max = 3;
  auto app = start_server(std::move(cfg));
  RawConnection a(app->port(), "127.0.0.2"), b(app->port(), "127.0.0.2");
  auto idle = std::make_unique<RawConnection>(app->port(), "127.0.0.2");
  ASSERT_TRUE(a.connected() && b.connected() && idle->connected());
  ASSERT_TRUE(a.hello(testing::kWebshopToken));
  ASSERT_TRUE(b.hello(testing::kBackofficeToken));
  ASSERT_TRUE(eventually([&] { return app->metrics().connections_open() == 3; }));

  // The fourth from 127.0.0.2 is refused, with or without a Hello sent.
  RawConnection fourth(app->port(), "127.0.0.2");
  ASSERT_TRUE(fourth.connected());
  ASSERT_TRUE(fourth.send_frame(hello_frame(kProtocolVersion, testing::kWebshopToken, "fourth")));
  expect_error_then_clean_close(fourth, wire::ErrorCode::TooManyConnections);
  EXPECT_EQ(app->metrics().protocol_errors(wire::ErrorCode::TooManyConnections), 1u);

  // Another address still connects, and 127.0.0.2 again once one of its own closed.
  RawConnection other(app->port(), "127.0.0.3");
  EXPECT_TRUE(other.hello(testing::kWebshopToken));
  expect_other_client_served(*app);  // from 127.0.0.1
  RawConnection again_refused(app->port(), "127.0.0.2");
  expect_error_then_clean_close(again_refused, wire::ErrorCode::TooManyConnections);
  idle.reset();  // its slot is free once the server sees the EOF
  EXPECT_TRUE(eventually([&] {
    RawConnection next(app->port(), "127.0.0.2");
    return next.hello(testing::kWebshopToken);
  }));
}

TEST(ServerConnections, PipelinedPastTheInFlightLimitReadsTheErrorFrameNotAReset) {
  constexpr int kRequests = 5'000;
  constexpr int kCommandsPerRequest = 64;
  // Responses (about 5,000 x 64 results, megabytes more than the socket
  // buffers hold) pile up while the client does not read: the server's
  // requests in flight reach requests_in_flight_max (128) long before the
  // last request is sent.
  std::vector<Command> commands;
  for (int i = 0; i < kCommandsPerRequest; ++i) commands.push_back(availability(1000 + i % 4));
  std::vector<OutFrame> frames;
  frames.reserve(kRequests);
  for (int id = 1; id <= kRequests; ++id) frames.push_back(request_frame(static_cast<uint64_t>(id), commands));

  auto app = start_server();
  RawConnection raw(app->port());
  ASSERT_TRUE(raw.hello(testing::kWebshopToken));
  for (const OutFrame& f : frames) ASSERT_TRUE(raw.send_frame(f)) << std::strerror(errno);

  uint64_t responses = 0;
  wire::ErrorCode error = wire::ErrorCode::None;
  while (raw.read_frame()) {
    const wire::ServerFrame* f = raw.verify();
    ASSERT_NE(f, nullptr);
    if (const wire::Error* e = f->message_as_Error()) {
      error = e->code();
      break;
    }
    ASSERT_NE(f->message_as_Response(), nullptr);
    EXPECT_EQ(f->message_as_Response()->request_id(), responses + 1) << "responses come in request order";
    ++responses;
  }
  std::printf("%llu responses, then the Error frame\n", static_cast<unsigned long long>(responses));
  EXPECT_EQ(error, wire::ErrorCode::TooManyInFlight);
  EXPECT_FALSE(raw.reset()) << "the connection was reset after " << responses << " responses";
  EXPECT_GE(responses, 128u);
  EXPECT_LT(responses, static_cast<uint64_t>(kRequests));
  EXPECT_TRUE(raw.closed_by_server());
  EXPECT_FALSE(raw.reset());
  expect_other_client_served(*app);
}

}  // namespace
}  // namespace tessera::net
