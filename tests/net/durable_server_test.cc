// The protocol server on a real command log (RocksDB): an admin Snapshot
// frame writes a snapshot that the next start recovers from. In
// server_tests, not net_tests: RocksDB is not built with TSan, so the
// `threaded` suites leave it out.
#include <gtest/gtest.h>

#include "tests/net/net_test_support.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace tessera::net {
namespace {

using namespace tessera::engine;
using testing::connect_client;
using testing::eventually;
using testing::one;
using testing::start_server;

TEST(DurableServer, AdminSnapshotFrameWritesASnapshotThatRecoveryUses) {
  testing_support::TempDir dir;
  server::ServerConfig config = testing::test_config();
  config.durability = server::Durability::kSync;
  config.data_dir = dir.path() + "/data";
  {
    auto app = start_server(config);
    auto admin = connect_client(*app, testing::kAdminToken);
    ASSERT_TRUE(admin);
    ASSERT_TRUE(one(*admin, testing::web_hold(1000, 2)).ok());
    EXPECT_TRUE(admin->admin(wire::AdminAction::Snapshot).is_ok());
    EXPECT_TRUE(eventually([&] { return app->engine().log->stats().snapshots >= 2; }));
    app->stop();
  }
  auto again = start_server(config);
  for (uint32_t s = 0; s < 2; ++s) {
    EXPECT_GT(again->engine().recovery[s].snapshot_next_seq, 1u) << "shard " << s << " recovered without its snapshot";
  }
  auto shop = connect_client(*again, testing::kWebshopToken);
  ASSERT_TRUE(shop);
  EXPECT_EQ(one(*shop, Command{0, GetAvailability{1000, 1, kNone, workload::kWeb, kNone}}).value, 450 - 2);
}

}  // namespace
}  // namespace tessera::net
