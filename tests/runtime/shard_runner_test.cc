// ShardRunner and ShardSet: routing across shards, and the classic oversell
// race — many threads racing for the last units never sell one twice.
#include "runtime/shard_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "engine/limits.h"
#include "runtime/shard_set.h"
#include "tests/engine/engine_clock.h"
#include "workload/demo_venue.h"

namespace tessera::runtime {
namespace {

using namespace tessera::engine;

void load_demo(ShardSet& shards, const workload::DemoVenue& venue) {
  for (const Command& c : workload::demo_catalog()) ASSERT_TRUE(shards.call(c).ok());
  for (const Command& c : workload::demo_performances(venue, 1)) {
    const Reply r = shards.call(c);
    ASSERT_TRUE(r.ok()) << r.message;
  }
  for (uint32_t id = 1; id <= 8; ++id) ASSERT_TRUE(shards.call(workload::demo_contact(ContactId{id})).ok());
}

TEST(ShardSet, RoutesOrdersToThePerformancesShard) {
  ManualClock clock(kT0);
  ShardSet shards(2, clock);
  shards.start();
  workload::DemoVenue venue;
  venue.performances = 8;
  load_demo(shards, venue);
  for (uint32_t p = 1000; p < 1008; ++p) {
    const Reply r = shards.call(Command{0, Hold{1, workload::kWeb, {workload::demo_line(p, 1, 2, 3)}, 60'000}});
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(order_shard(r.order), shard_of_performance(p, 2));
    EXPECT_TRUE(shards.call(Command{0, Confirm{r.order, {}}}).ok());
    EXPECT_EQ(shards.call(Command{0, GetAvailability{p, 2, kNone, workload::kWeb, kNone}}).value, 297);
  }
  shards.stop();
  for (uint32_t s = 0; s < 2; ++s) EXPECT_TRUE(shards.runner(s).shard().check_invariants().is_ok());
}

TEST(ShardSet, HoldsExpireOnTheRunnersOwnTicks) {
  ManualClock clock(kT0);
  ShardSet shards(1, clock);
  shards.start();
  load_demo(shards, {});
  const Reply r = shards.call(Command{0, Hold{1, workload::kWeb, {workload::demo_line(1000, 1, 3, 5)}, 1000}});
  ASSERT_TRUE(r.ok());
  clock.advance_ms(1000);
  // The runner advances timers by itself at most a tick after the clock moved.
  for (int i = 0; i < 2000 && shards.call(Command{0, GetOrder{r.order}}).state != OrderState::kExpired; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(shards.call(Command{0, GetOrder{r.order}}).state, OrderState::kExpired);
  shards.stop();
}

// Producer threads race for the last units of one performance, category by
// category, with quantities that do not divide the stock: the total sold must
// equal the stock exactly, never more.
TEST(ShardSet, ConcurrentBuyers_NeverOversell) {
  ManualClock clock(kT0);
  ShardSet shards(2, clock);
  shards.start();
  workload::DemoVenue venue;
  venue.performances = 2;
  venue.capacity_per_performance = 101;
  load_demo(shards, venue);
  constexpr int kThreads = 6;
  std::atomic<uint64_t> sold[2] = {0, 0};
  std::atomic<uint64_t> sold_out{0};
  std::vector<std::thread> buyers;
  for (int t = 0; t < kThreads; ++t) {
    buyers.emplace_back([&, t] {
      for (int i = 0; i < 400; ++i) {
        const PerformanceId p = 1000 + (i + t) % 2;
        const uint32_t n = 1 + (i * 7 + t) % 3;
        const Reply r = shards.call(Command{
            0, Hold{static_cast<ContactId>(t + 1), workload::kBoxOffice, {workload::demo_line(p, 1, 2, n)}, 600'000}});
        if (r.code == ReplyCode::kSoldOut) {
          sold_out.fetch_add(1);
          continue;
        }
        ASSERT_TRUE(r.ok()) << r.message;
        if (i % 5 == 0) {  // some buyers give their cart back
          ASSERT_TRUE(shards.call(Command{0, Release{r.order}}).ok());
          continue;
        }
        ASSERT_TRUE(shards.call(Command{0, Confirm{r.order, {}}}).ok());
        sold[p.value() - 1000].fetch_add(n);
      }
    });
  }
  for (auto& b : buyers) b.join();
  shards.stop();
  const uint64_t category2 = 101 * 3 / 10;  // 30 units per performance
  EXPECT_EQ(sold[0].load(), category2);
  EXPECT_EQ(sold[1].load(), category2);
  EXPECT_GT(sold_out.load(), 0u);
  for (uint32_t s = 0; s < 2; ++s) {
    const Status st = shards.runner(s).shard().check_invariants();
    EXPECT_TRUE(st.is_ok()) << st.to_string();
  }
}

// Holds the shard thread inside complete() until released.
class BlockingCompletion final : public Completion {
 public:
  void complete(Reply&&) override {
    entered.store(true);
    entered.notify_all();
    release_.wait(false);
  }
  std::atomic<bool> entered{false};
  void release() {
    release_.store(true);
    release_.notify_all();
  }

 private:
  std::atomic<bool> release_{false};
};

TEST(ShardRunner, FullInboxRefusesInsteadOfGrowing_AndNothingQueuedIsLost) {
  ManualClock clock(kT0);
  ShardRunner runner(0, 1, clock);
  CountingCompletion unused;
  EXPECT_FALSE(runner.submit(Command{0, GetOrder{1}}, &unused));  // not started: refused
  runner.start();
  BlockingCompletion gate;
  ASSERT_TRUE(runner.submit(Command{0, GetOrder{1}}, &gate));
  gate.entered.wait(false);  // the shard thread is now parked in the gate, its batch done
  CountingCompletion counted;
  uint64_t accepted = 0;
  while (runner.submit(Command{0, GetOrder{1}}, &counted)) ++accepted;
  EXPECT_EQ(accepted, kInboxCapacity);
  gate.release();
  runner.stop();
  EXPECT_EQ(counted.done.load(), accepted);
}

}  // namespace
}  // namespace tessera::runtime
