// tessera-server as a process, on its real RocksDB data directory: it
// starts, serves, stops gracefully on SIGTERM (exit 0), and after a restart
// — graceful or SIGKILL — every acknowledged command is still there.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <vector>

#include "net/client.h"
#include "tests/server/server_process.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace tessera::server {
namespace {

using namespace tessera::engine;
using testing_support::call_one;
using testing_support::cart;
using testing_support::ServerProcess;

TEST(ServerMain, SigtermStopsGracefullyWithExitCodeZero) {
  testing_support::TempDir dir;
  ServerProcess server(dir.path() + "/data");
  ASSERT_NE(server.port(), 0) << "server did not start";
  auto client = server.client();
  ASSERT_TRUE(client);
  EXPECT_TRUE(call_one(*client, cart(1, 1, 2)).ok());
  const int status = server.stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status)) << "status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// Acknowledged orders in every state survive a SIGKILL; a restart after a
// graceful stop keeps them as well.
TEST(ServerMain, RestartKeepsEveryAcknowledgedCommand_AfterSigkillAndSigterm) {
  testing_support::TempDir dir;
  const std::string data = dir.path() + "/data";
  std::vector<std::pair<OrderId, OrderState>> expected;
  int64_t available = 0;
  {
    ServerProcess server(data);
    ASSERT_NE(server.port(), 0);
    auto client = server.client();
    ASSERT_TRUE(client);
    for (uint32_t i = 0; i < 30; ++i) {
      const Reply h = call_one(*client, cart(i + 1, 2, 1 + i % 3));
      ASSERT_TRUE(h.ok()) << h.message;
      OrderState state = OrderState::kHeld;
      if (i % 3 == 1) {
        ASSERT_TRUE(call_one(*client, Confirm{h.order, {}}).ok());
        state = OrderState::kConfirmed;
      } else if (i % 3 == 2) {
        const int64_t in_a_month =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count() +
            30LL * 86'400'000;
        ASSERT_TRUE(call_one(*client, ConvertHold{h.order, BookingKind::kOption, in_a_month}).ok());
        ASSERT_TRUE(call_one(*client, SetLock{h.order, true}).ok());
        state = OrderState::kOption;
      }
      expected.emplace_back(h.order, state);
    }
    available = call_one(*client, GetAvailability{1000, 2, kNone, workload::kWeb, kNone}).value;
    server.stop(SIGKILL);  // no flush, no goodbye
  }
  for (int restart = 0; restart < 2; ++restart) {
    SCOPED_TRACE(restart == 0 ? "after SIGKILL" : "after SIGTERM");
    ServerProcess server(data);
    ASSERT_NE(server.port(), 0) << "server did not recover";
    auto client = server.client();
    ASSERT_TRUE(client);
    for (const auto& [order, state] : expected) EXPECT_EQ(call_one(*client, GetOrder{order}).state, state) << order;
    EXPECT_EQ(call_one(*client, GetAvailability{1000, 2, kNone, workload::kWeb, kNone}).value, available);
    EXPECT_EQ(WEXITSTATUS(server.stop(SIGTERM)), 0);
  }
}

}  // namespace
}  // namespace tessera::server
