// Cluster mode's leadership (cluster/leadership.h) on real etcd processes:
// one leader per partition, a dead leader replaced once its lease runs out
// and never while it may still acknowledge, a leader cut off from etcd
// stopping by itself within the lease's TTL, a resignation handing over at
// once, and the loss of one etcd member changing nothing. The etcd client
// (cluster/etcd.h) first, on its own.
#include "cluster/leadership.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/etcd.h"
#include "tests/cluster/etcd_cluster.h"

namespace tessera::cluster {
namespace {

using testing_support::EtcdCluster;

const std::vector<uint32_t> kPartitions = {0, 1, 2, 3};

std::unique_ptr<Etcd> etcd_of(const EtcdCluster& cluster) {
  Result<std::unique_ptr<Etcd>> etcd = Etcd::connect({cluster.endpoints(), 1'000});
  EXPECT_TRUE(etcd.is_ok()) << etcd.status().to_string();
  return etcd.is_ok() ? std::move(*etcd) : nullptr;
}

std::unique_ptr<Leadership> leader(Etcd& etcd, const std::string& node, Leadership::OnChange on_change = {}) {
  Result<std::unique_ptr<Leadership>> l = Leadership::start(etcd, {node, "/test", kPartitions}, std::move(on_change));
  EXPECT_TRUE(l.is_ok()) << l.status().to_string();
  return l.is_ok() ? std::move(*l) : nullptr;
}

bool leads_all(const Leadership& l) {
  for (uint32_t p : kPartitions)
    if (!l.leads(p)) return false;
  return true;
}
bool leads_none(const Leadership& l) {
  for (uint32_t p : kPartitions)
    if (l.leads(p)) return false;
  return true;
}

// Polls `done` every 5 ms for at most `limit_ms`, checking `always` at every
// poll: the milliseconds it took, or -1.
int64_t wait_ms(int64_t limit_ms, const std::function<bool()>& done, const std::function<void()>& always = {}) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    if (always) always();
    const int64_t elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    if (done()) return elapsed;
    if (elapsed > limit_ms) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// A node that leads every partition: nullptr (and a failure) if it does not
// within 3 s.
std::unique_ptr<Leadership> sole_leader(Etcd& etcd, const std::string& node, Leadership::OnChange on_change = {}) {
  auto l = leader(etcd, node, std::move(on_change));
  if (l && wait_ms(3'000, [&] { return leads_all(*l); }) < 0) {
    ADD_FAILURE() << node << " never led";
    return nullptr;
  }
  return l;
}

TEST(Etcd, CreatesOnceListsAndLosesKeysWithTheirLease) {
  EtcdCluster cluster(1);
  auto etcd = etcd_of(cluster);
  ASSERT_TRUE(etcd);
  Result<int64_t> lease = etcd->grant(5);
  ASSERT_TRUE(lease.is_ok()) << lease.status().to_string();

  Result<Created> first = etcd->create("/t/a", "one", *lease);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->kv.value, "one");
  EXPECT_EQ(first->kv.lease, *lease);
  EXPECT_GT(first->kv.create_revision, 0);
  Result<Created> second = etcd->create("/t/a", "two", 0);
  ASSERT_TRUE(second.is_ok());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->kv.value, "one") << "the first creator keeps the key";
  EXPECT_EQ(second->kv.create_revision, first->kv.create_revision);
  ASSERT_TRUE(etcd->create("/t/b", std::string("bin\0ary", 7), 0).is_ok());
  ASSERT_TRUE(etcd->create("/u", "elsewhere", 0).is_ok());

  Result<std::vector<KeyValue>> listed = etcd->list("/t/");
  ASSERT_TRUE(listed.is_ok()) << listed.status().to_string();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, "/t/a");
  EXPECT_EQ((*listed)[1].value, std::string("bin\0ary", 7));
  Result<int64_t> left = etcd->keep_alive(*lease);
  ASSERT_TRUE(left.is_ok());
  EXPECT_EQ(*left, 5);

  ASSERT_TRUE(etcd->revoke(*lease).is_ok());
  Result<std::optional<KeyValue>> gone = etcd->get("/t/a");
  ASSERT_TRUE(gone.is_ok());
  EXPECT_FALSE(gone->has_value()) << "a key goes with its lease";
  EXPECT_TRUE(etcd->get("/t/b")->has_value());
  left = etcd->keep_alive(*lease);
  ASSERT_TRUE(left.is_ok());
  EXPECT_EQ(*left, 0) << "a revoked lease cannot be renewed";
  EXPECT_EQ(etcd->revoke(*lease).code(), StatusCode::kNotFound);
}

TEST(Etcd, BadOptionsAreRefusedAndNoMemberIsUnavailable) {
  EXPECT_EQ(Etcd::connect({{}, 1'000}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Etcd::connect({{"127.0.0.1:2379"}, 1'000}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Etcd::connect({{"http://127.0.0.1:2379"}, 0}).status().code(), StatusCode::kInvalidArgument);
  const std::string nobody = "http://127.0.0.1:" + std::to_string(testing_support::free_port());
  Result<std::unique_ptr<Etcd>> etcd = Etcd::connect({{nobody, nobody}, 300});
  ASSERT_TRUE(etcd.is_ok());
  EXPECT_EQ((*etcd)->grant(2).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ((*etcd)->grant(0).status().code(), StatusCode::kInvalidArgument);

  EtcdCluster cluster(1);
  auto real = etcd_of(cluster);
  ASSERT_TRUE(real);
  EXPECT_EQ(Leadership::start(*real, {"", "/test", kPartitions}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Leadership::start(*real, {"a", "/test", {}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Leadership::start(*real, {"a", "/test", {1, 2, 1}}).status().code(), StatusCode::kInvalidArgument);
}

TEST(Leadership, OnePartitionHasOneLeaderThatOthersSee) {
  EtcdCluster cluster(1);
  auto etcd = etcd_of(cluster);
  ASSERT_TRUE(etcd);
  auto a = sole_leader(*etcd, "node-a");
  ASSERT_TRUE(a);
  auto b = leader(*etcd, "node-b");
  ASSERT_TRUE(b);
  ASSERT_GE(wait_ms(3'000, [&] { return b->leader_of(3) == "node-a"; }), 0);
  for (uint32_t p : kPartitions) {
    EXPECT_FALSE(b->leads(p));
    EXPECT_EQ(b->leader_of(p), "node-a");
    EXPECT_EQ(a->leader_of(p), "node-a");
    EXPECT_GT(a->epoch(p), 0);
    EXPECT_EQ(b->epoch(p), 0);
  }
  EXPECT_FALSE(a->leads(99)) << "a partition it may not lead";
  Result<std::optional<KeyValue>> key = etcd->get(a->leader_key(2));
  ASSERT_TRUE(key.is_ok() && key->has_value());
  EXPECT_EQ((*key)->value, "node-a");
  EXPECT_EQ((*key)->create_revision, a->epoch(2));
}

// A leader that stops renewing (it died) is replaced once its lease has run
// out in etcd, and at no moment do both nodes lead a partition.
TEST(Leadership, ADeadLeaderIsReplacedAfterItsLease_NeverTwoAtOnce) {
  EtcdCluster cluster(3);
  auto etcd_a = etcd_of(cluster);
  auto etcd_b = etcd_of(cluster);
  ASSERT_TRUE(etcd_a && etcd_b);
  auto a = sole_leader(*etcd_a, "node-a");
  ASSERT_TRUE(a);
  std::map<uint32_t, int64_t> old_epochs;
  for (uint32_t p : kPartitions) old_epochs[p] = a->epoch(p);
  auto b = leader(*etcd_b, "node-b");
  ASSERT_TRUE(b);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(leads_none(*b));

  a->abandon();
  int overlaps = 0;
  const int64_t took = wait_ms(
      5'000, [&] { return leads_all(*b); },
      [&] {
        for (uint32_t p : kPartitions)
          if (a->leads(p) && b->leads(p)) ++overlaps;
      });
  ASSERT_GE(took, 0) << "node-b never took over";
  std::printf("fail-over after a dead leader (lease TTL 2 s): %lld ms\n", static_cast<long long>(took));
  EXPECT_EQ(overlaps, 0) << "two nodes led one partition at once";
  EXPECT_LE(took, 3'000);
  EXPECT_GE(took, 1'000) << "taken over long before the dead leader's lease could run out";
  for (uint32_t p : kPartitions) {
    EXPECT_FALSE(a->leads(p));
    EXPECT_GT(b->epoch(p), old_epochs[p]) << "a new leader, a new epoch";
  }
}

// Cut off from etcd (its only member answers nothing), a leader stops
// leading by itself before the lease's TTL has passed, says so, and leads
// again once etcd answers.
TEST(Leadership, CutOffFromEtcdItStopsWithinTheTtlAndComesBack) {
  EtcdCluster cluster(1);
  auto etcd = etcd_of(cluster);
  ASSERT_TRUE(etcd);
  std::mutex mutex;
  std::map<uint32_t, bool> told;
  auto a = sole_leader(*etcd, "node-a", [&](uint32_t partition, bool leads, int64_t) {
    std::lock_guard lock(mutex);
    told[partition] = leads;
  });
  ASSERT_TRUE(a);

  cluster.pause(0);
  const int64_t stopped = wait_ms(3'000, [&] { return leads_none(*a); });
  ASSERT_GE(stopped, 0) << "a leader cut off from etcd kept leading";
  std::printf("leadership given up %lld ms after etcd stopped answering (TTL 2 s)\n", static_cast<long long>(stopped));
  EXPECT_LE(stopped, 2'000) << "it must stop before etcd can expire its lease";
  ASSERT_GE(wait_ms(1'000,
                    [&] {
                      std::lock_guard lock(mutex);
                      for (uint32_t p : kPartitions)
                        if (told.count(p) == 0 || told[p]) return false;
                      return true;
                    }),
            0)
      << "the runner was not told";
  std::this_thread::sleep_for(std::chrono::milliseconds(1'000));  // past the lease in etcd's eyes too

  cluster.resume(0);
  ASSERT_GE(wait_ms(10'000, [&] { return leads_all(*a); }), 0) << "never led again after etcd came back";
}

TEST(Leadership, AResignationHandsOverAtOnce) {
  EtcdCluster cluster(1);
  auto etcd = etcd_of(cluster);
  ASSERT_TRUE(etcd);
  auto a = sole_leader(*etcd, "node-a");
  ASSERT_TRUE(a);
  auto b = leader(*etcd, "node-b");
  ASSERT_TRUE(b);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  a->resign(60'000);
  EXPECT_TRUE(leads_none(*a)) << "a resigned node leads nothing once resign() returns";
  const int64_t took = wait_ms(2'000, [&] { return leads_all(*b); });
  ASSERT_GE(took, 0);
  std::printf("hand-over after a resignation: %lld ms\n", static_cast<long long>(took));
  EXPECT_LT(took, 1'000) << "a resignation should not wait for the lease to run out";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(leads_none(*a)) << "paused: it does not campaign again";
}

// Losing the etcd member it talks to (one of three) costs a leader nothing:
// its renewals go to the others in time.
TEST(Leadership, LosingOneEtcdMemberChangesNoLeader) {
  EtcdCluster cluster(3);
  auto etcd = etcd_of(cluster);
  ASSERT_TRUE(etcd);
  auto a = sole_leader(*etcd, "node-a");
  ASSERT_TRUE(a);
  const int64_t epoch = a->epoch(0);
  cluster.kill(0);
  int lost = 0;
  wait_ms(
      4'000, [] { return false; },
      [&] {
        if (!leads_all(*a)) ++lost;
      });
  EXPECT_EQ(lost, 0) << "leadership was lost with one etcd member of three";
  EXPECT_EQ(a->epoch(0), epoch);
}

}  // namespace
}  // namespace tessera::cluster
