// Cluster mode's log (cluster/replicated_log.h) on a real three-node
// JetStream cluster and the real RocksDB: tessera-server started with
// --nats loses nothing when its data directory is lost, a node that was
// behind catches up from the streams, a second writer fences the first, a
// data directory from elsewhere is refused, and a catalog command left
// unfinished is aborted by the next writer.
#include "cluster/replicated_log.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/cluster/etcd_cluster.h"
#include "tests/cluster/nats_cluster.h"
#include "tests/server/server_process.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace tessera::cluster {
namespace {

using namespace tessera::engine;
using testing_support::call_one;
using testing_support::cart;
using testing_support::EtcdCluster;
using testing_support::NatsCluster;
using testing_support::ServerProcess;
using testing_support::TempDir;

int64_t in_a_month_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
             .count() +
         30LL * 86'400'000;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A tessera-server in cluster mode on `nats`, its stderr kept in a file.
// `more` flags after those.
struct ClusterNode {
  ClusterNode(const TempDir& dir, const std::string& name, const std::string& nats, std::string prefix = "TESSERA",
              const std::vector<std::string>& more = {})
      : data(dir.path() + "/" + name),
        log(dir.path() + "/" + name + ".stderr"),
        server(data, ServerProcess::Options{.tokens = {"t:backoffice", "w:webshop"},
                                            .stderr_path = log,
                                            .extra_flags = flags(nats, std::move(prefix), more)}) {}
  static std::vector<std::string> flags(const std::string& nats, std::string prefix,
                                        const std::vector<std::string>& more) {
    std::vector<std::string> out = {"--nats", nats, "--cluster-prefix", std::move(prefix)};
    out.insert(out.end(), more.begin(), more.end());
    return out;
  }
  std::string data;
  std::string log;
  ServerProcess server;
};

// What the test booked, and the stock it left.
struct Booked {
  std::vector<std::pair<OrderId, OrderState>> orders;
  int64_t available = 0;
};

void book(net::Client& client, uint32_t orders, Booked* out) {
  for (uint32_t i = 0; i < orders; ++i) {
    const Reply h = call_one(client, cart(1 + i % ServerProcess::kContacts, 2, 1 + i % 3));
    ASSERT_TRUE(h.ok()) << h.message;
    OrderState state = OrderState::kHeld;
    if (i % 3 == 1) {
      ASSERT_TRUE(call_one(client, Confirm{h.order, {}}).ok());
      state = OrderState::kConfirmed;
    } else if (i % 3 == 2) {
      ASSERT_TRUE(call_one(client, ConvertHold{h.order, BookingKind::kOption, in_a_month_ms()}).ok());
      state = OrderState::kOption;
    }
    out->orders.emplace_back(h.order, state);
  }
  out->available = call_one(client, GetAvailability{1000, 2, kNone, workload::kWeb, kNone}).value;
}

void expect_booked(net::Client& client, const Booked& booked) {
  for (const auto& [order, state] : booked.orders) EXPECT_EQ(call_one(client, GetOrder{order}).state, state) << order;
  EXPECT_EQ(call_one(client, GetAvailability{1000, 2, kNone, workload::kWeb, kNone}).value, booked.available);
}

TEST(ReplicatedServer, ANodeWhoseDataDirectoryIsLostStartsAgainFromTheStreams) {
  NatsCluster nats(3);
  TempDir dir;
  Booked booked;
  std::string data;
  OrderId shop_order;
  HoldToken shop_token;
  {
    ClusterNode node(dir, "a", nats.urls());
    ASSERT_NE(node.server.port(), 0) << file_text(node.log);
    auto client = node.server.client();
    ASSERT_TRUE(client);
    book(*client, 30, &booked);
    ASSERT_FALSE(HasFailure());
    auto shop = node.server.client("w");
    ASSERT_TRUE(shop);
    auto held = shop->call({Command{0, cart(3, 1, 2)}});
    ASSERT_TRUE(held.is_ok() && (*held)[0].ok()) << (held.is_ok() ? (*held)[0].message : held.status().to_string());
    shop_order = (*held)[0].order;
    shop_token = (*held)[0].hold_token;
    data = node.data;
    node.server.stop(SIGKILL);
  }
  std::filesystem::remove_all(data);  // the disk died
  ClusterNode again(dir, "a", nats.urls());
  ASSERT_NE(again.server.port(), 0) << file_text(again.log);
  EXPECT_NE(file_text(again.log).find("imported"), std::string::npos) << file_text(again.log);
  auto client = again.server.client();
  ASSERT_TRUE(client);
  expect_booked(*client, booked);
  // The web shop's hold token still names its order: the nodes share the key.
  auto shop = again.server.client("w");
  ASSERT_TRUE(shop);
  Command confirm{0, Confirm{shop_order, {}}};
  confirm.hold_token = shop_token;
  auto confirmed = shop->call({confirm});
  ASSERT_TRUE(confirmed.is_ok()) << confirmed.status().to_string();
  EXPECT_TRUE((*confirmed)[0].ok()) << (*confirmed)[0].message;
  // ... and it goes on writing after what it imported.
  const Reply h = call_one(*client, cart(1, 2, 1));
  EXPECT_TRUE(h.ok()) << h.message;
}

// A node that stopped while another took over catches up with what the
// other wrote; the other, once the first writes again, is fenced off.
TEST(ReplicatedServer, ANodeBehindCatchesUpAndTheWriterBeforeItIsFencedOff) {
  NatsCluster nats(3);
  TempDir dir;
  Booked first;
  Booked second;
  {
    ClusterNode a(dir, "a", nats.urls());
    ASSERT_NE(a.server.port(), 0) << file_text(a.log);
    auto client = a.server.client();
    ASSERT_TRUE(client);
    book(*client, 12, &first);
    ASSERT_FALSE(HasFailure());
    EXPECT_EQ(WEXITSTATUS(a.server.stop(SIGTERM)), 0);
  }
  ClusterNode b(dir, "b", nats.urls());
  ASSERT_NE(b.server.port(), 0) << file_text(b.log);
  auto b_client = b.server.client();
  ASSERT_TRUE(b_client);
  expect_booked(*b_client, first);
  book(*b_client, 12, &second);
  ASSERT_FALSE(HasFailure());

  ClusterNode a(dir, "a", nats.urls());  // its own data directory, behind the streams
  ASSERT_NE(a.server.port(), 0) << file_text(a.log);
  auto a_client = a.server.client();
  ASSERT_TRUE(a_client);
  for (const auto& [order, state] : first.orders) EXPECT_EQ(call_one(*a_client, GetOrder{order}).state, state);
  expect_booked(*a_client, second);
  // a writes on the performance's shard...
  EXPECT_TRUE(call_one(*a_client, cart(1, 2, 1)).ok());
  // ... so b's next append there names a stream sequence that is no longer the last.
  const Reply refused = call_one(*b_client, cart(2, 2, 1));
  EXPECT_EQ(refused.code, ReplyCode::kUnavailable) << refused.message;
  EXPECT_NE(file_text(b.log).find("no longer the leader"), std::string::npos) << file_text(b.log);
  // a still serves, and has none of b's refused hold.
  const Reply availability = call_one(*a_client, GetAvailability{1000, 2, kNone, workload::kWeb, kNone});
  EXPECT_EQ(availability.value, second.available - 1);
}

TEST(ReplicatedServer, ADataDirectoryTheStreamsDoNotHoldIsRefused) {
  NatsCluster nats(3);
  TempDir dir;
  {
    ClusterNode a(dir, "a", nats.urls(), "FIRST");
    ASSERT_NE(a.server.port(), 0) << file_text(a.log);
    EXPECT_EQ(WEXITSTATUS(a.server.stop(SIGTERM)), 0);
  }
  ClusterNode other(dir, "a", nats.urls(), "SECOND");  // the same directory, another cluster's streams
  EXPECT_EQ(other.server.port(), 0);
  const std::optional<int> status = other.server.wait_exit(std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value());
  EXPECT_NE(WEXITSTATUS(*status), 0);
  EXPECT_NE(file_text(other.log).find("was not written by this cluster"), std::string::npos) << file_text(other.log);
}

// The parts of a catalog command whose writer stopped before storing its
// outcome: the next writer aborts it, skips the part, and goes on at the
// same entry number.
TEST(ReplicatedLog, AnUnfinishedCatalogCommandIsAbortedByTheNextWriter) {
  NatsCluster nats(3);
  TempDir dir;
  JetStreamOptions options;
  options.servers = nats.urls();
  {
    Result<std::unique_ptr<storage::CommandLog>> local =
        storage::CommandLog::open(storage::LogOptions{dir.path() + "/a", storage::Durability::kAsync, 2});
    ASSERT_TRUE(local.is_ok()) << local.status().to_string();
    Result<std::unique_ptr<ReplicatedLog>> log = ReplicatedLog::open(**local, options);
    ASSERT_TRUE(log.is_ok()) << log.status().to_string();
    ASSERT_TRUE((*log)->append(0, 1, 2, "two entries").is_ok());
    // A writer that stopped between its part and the outcome.
    ASSERT_TRUE((*log)->jetstream().append(0, 1, 3, 1, "catalog part", "unfinished1").is_ok());
  }
  Result<std::unique_ptr<storage::CommandLog>> local =
      storage::CommandLog::open(storage::LogOptions{dir.path() + "/b", storage::Durability::kAsync, 2});
  ASSERT_TRUE(local.is_ok()) << local.status().to_string();
  Result<std::unique_ptr<ReplicatedLog>> log = ReplicatedLog::open(**local, options);
  ASSERT_TRUE(log.is_ok()) << log.status().to_string();
  const CatchUp& shard0 = (*log)->catch_up().front();
  EXPECT_EQ(shard0.partition, 0u);
  EXPECT_EQ(shard0.imported, 1u);
  EXPECT_EQ(shard0.aborted, 1u);
  EXPECT_EQ(shard0.stream_last, 2u);
  Result<bool> committed = (*log)->jetstream().decide_broadcast("unfinished1", true);  // too late
  ASSERT_TRUE(committed.is_ok()) << committed.status().to_string();
  EXPECT_FALSE(*committed);
  // Entry 3 is free again: the next record takes it, after the aborted part.
  EXPECT_TRUE((*log)->append(0, 3, 1, "the next").is_ok());
  uint64_t records = 0;
  ASSERT_TRUE((*log)
                  ->jetstream()
                  .read(0, 1,
                        [&](const StreamRecord& r) {
                          ++records;
                          if (r.stream_seq == 3) {
                            EXPECT_EQ(r.first_seq, 3u);
                          }
                          return Status::ok();
                        })
                  .is_ok());
  EXPECT_EQ(records, 3u);
}

// Leadership through etcd: a node started while another leads waits as its
// standby; when the leader dies (kill -9) the standby takes over once the
// leader's lease has run out, catches up from the streams and serves every
// order the leader acknowledged.
TEST(ReplicatedServer, AStandbyTakesOverWhenTheLeaderDies_LosingNothing) {
  NatsCluster nats(3);
  EtcdCluster etcd(1);
  const std::string etcd_urls = etcd.endpoints().front();
  TempDir dir;
  ClusterNode a(dir, "a", nats.urls(), "TESSERA", {"--etcd", etcd_urls, "--node-name", "node-a"});
  ASSERT_NE(a.server.port(), 0) << file_text(a.log);
  // The standby starts on this thread (a child dies with the thread that
  // forked it) and is waited for while another thread books on the leader,
  // then kills it once the standby says it waits.
  Booked booked;
  std::chrono::steady_clock::time_point killed;
  std::thread leader_side([&] {
    auto client = a.server.client();
    ASSERT_TRUE(client);
    book(*client, 30, &booked);
    const auto waiting = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (file_text(dir.path() + "/b.stderr").find("standby: partition 0 is led by node-a") == std::string::npos &&
           std::chrono::steady_clock::now() < waiting)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    killed = std::chrono::steady_clock::now();
    a.server.stop(SIGKILL);
  });
  auto b = std::make_unique<ClusterNode>(dir, "b", nats.urls(), "TESSERA",
                                         std::vector<std::string>{"--etcd", etcd_urls, "--node-name", "node-b"});
  leader_side.join();
  ASSERT_FALSE(HasFailure());
  ASSERT_NE(b->server.port(), 0) << file_text(b->log);
  auto on_b = b->server.client();
  ASSERT_TRUE(on_b) << file_text(b->log);
  const Reply h = call_one(*on_b, cart(1, 2, 1));
  ASSERT_TRUE(h.ok()) << h.message;
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed).count();
  std::printf("fail-over: kill -9 of the leader to the first command acknowledged by the standby: %lld ms\n",
              static_cast<long long>(took));
  EXPECT_LE(took, 15'000);
  EXPECT_NE(file_text(b->log).find("leads every partition"), std::string::npos) << file_text(b->log);
  booked.available -= 1;  // the hold just made
  expect_booked(*on_b, booked);
}

// A leader cut off from etcd stops acknowledging once its lease may have
// run out, and exits with status 75 for its supervisor to restart it as a
// standby.
TEST(ReplicatedServer, ALeaderCutOffFromEtcdStopsAcknowledgingAndExits) {
  NatsCluster nats(3);
  EtcdCluster etcd(1);
  TempDir dir;
  ClusterNode a(dir, "a", nats.urls(), "TESSERA", {"--etcd", etcd.endpoints().front(), "--node-name", "node-a"});
  ASSERT_NE(a.server.port(), 0) << file_text(a.log);
  auto client = a.server.client();
  ASSERT_TRUE(client);
  ASSERT_TRUE(call_one(*client, cart(1, 2, 1)).ok());
  etcd.pause(0);
  std::this_thread::sleep_for(std::chrono::milliseconds(2'100));  // past the lease's TTL: it may be someone else's now
  auto late = client->call({Command{0, cart(2, 2, 1)}});
  EXPECT_TRUE(!late.is_ok() || !(*late)[0].ok()) << "acknowledged without the leadership";
  const std::optional<int> status = a.server.wait_exit(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value()) << "still running without the leadership: " << file_text(a.log);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 75) << "status " << *status;
  EXPECT_NE(file_text(a.log).find("leadership of the partitions was lost"), std::string::npos) << file_text(a.log);
  etcd.resume(0);
}

}  // namespace
}  // namespace tessera::cluster
