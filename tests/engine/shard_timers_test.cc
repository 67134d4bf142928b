// ShardTimers: arming hands out increasing sequence numbers and same-due
// timers fire in arming order; disarm cancels and clears (a cleared id is a
// no-op); restore keeps the sequence; contingent payloads never collide with
// order ids.
#include "engine/shard_timers.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/engine/engine_clock.h"

namespace tessera::engine {
namespace {

std::vector<uint64_t> fire(ShardTimers& timers, int64_t now_ms) {
  std::vector<uint64_t> fired;
  timers.wheel().advance(now_ms, 1000, [&](TimerId, uint64_t payload, int64_t) { fired.push_back(payload); });
  return fired;
}

TEST(ShardTimersTest, Arm_HandsOutIncreasingSequenceNumbers) {
  ShardTimers timers(kT0, 4);
  EXPECT_EQ(timers.next_seq(), 1u);
  uint64_t a = 0, b = 0, c = 0;
  const TimerId ta = timers.arm(kT0 + 50, 1, &a);
  timers.arm(kT0 + 10, 2, &b);
  timers.arm(kT0 + 50, 3, &c);
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 2u);
  EXPECT_EQ(c, 3u);
  EXPECT_EQ(timers.next_seq(), 4u);
  EXPECT_TRUE(ta.valid());
  EXPECT_EQ(timers.wheel().due_ms(ta), kT0 + 50);
  EXPECT_EQ(timers.wheel().payload(ta), 1u);
  EXPECT_EQ(timers.wheel().size(), 3u);
}

TEST(ShardTimersTest, SameDueTimersFireInArmingOrder_EarlierDueFirst) {
  ShardTimers timers(kT0, 0);
  uint64_t seq = 0;
  for (uint64_t payload : {30u, 10u, 20u}) timers.arm(kT0 + 100, payload, &seq);
  timers.arm(kT0 + 99, 40, &seq);
  EXPECT_EQ(fire(timers, kT0 + 98), std::vector<uint64_t>{});
  EXPECT_EQ(fire(timers, kT0 + 100), (std::vector<uint64_t>{40, 30, 10, 20}));
  EXPECT_TRUE(timers.wheel().empty());
}

TEST(ShardTimersTest, Disarm_CancelsAndClearsTheId_ASecondDisarmIsANoOp) {
  ShardTimers timers(kT0, 0);
  uint64_t seq = 0;
  TimerId first = timers.arm(kT0 + 100, 1, &seq);
  TimerId second = timers.arm(kT0 + 100, 2, &seq);
  timers.arm(kT0 + 100, 3, &seq);
  timers.disarm(&second);
  EXPECT_FALSE(second.valid());
  EXPECT_EQ(timers.wheel().size(), 2u);
  timers.disarm(&second);  // cleared: nothing to cancel
  EXPECT_EQ(timers.wheel().size(), 2u);
  TimerId never;
  timers.disarm(&never);
  EXPECT_EQ(timers.wheel().size(), 2u);
  EXPECT_EQ(fire(timers, kT0 + 100), (std::vector<uint64_t>{1, 3}));
  EXPECT_TRUE(first.valid()) << "firing does not touch the owner's copy of the id";
  EXPECT_FALSE(timers.wheel().pending(first));
}

TEST(ShardTimersTest, Restore_KeepsTheSequence_SetNextSeqContinuesIt) {
  ShardTimers timers(kT0, 0);
  const TimerId restored = timers.restore(kT0 + 10, 7);
  EXPECT_EQ(timers.next_seq(), 1u) << "a restored timer keeps the sequence number of its snapshot";
  EXPECT_EQ(timers.wheel().due_ms(restored), kT0 + 10);
  timers.set_next_seq(42);
  uint64_t seq = 0;
  timers.arm(kT0 + 10, 8, &seq);
  EXPECT_EQ(seq, 42u);
  EXPECT_EQ(timers.next_seq(), 43u);
  EXPECT_EQ(fire(timers, kT0 + 10), (std::vector<uint64_t>{7, 8}));
}

TEST(ShardTimersTest, APastDueFiresAtTheNextTick) {
  ShardTimers timers(kT0, 0);
  EXPECT_EQ(fire(timers, kT0 + 1000), std::vector<uint64_t>{});
  uint64_t seq = 0;
  const TimerId late = timers.arm(kT0 + 10, 5, &seq);
  EXPECT_EQ(timers.wheel().due_ms(late), kT0 + 1001);
  EXPECT_EQ(fire(timers, kT0 + 1001), std::vector<uint64_t>{5});
}

TEST(ShardTimersTest, ContingentTag_NeverCollidesWithAnOrderId) {
  const OrderId highest = make_order_id(kShardsMax - 1, 0xFF'FFFFu, 0xFFFF'FFFFu);
  EXPECT_EQ(highest.value() & kContingentTimerTag, 0u);
  const uint64_t payload = kContingentTimerTag | 12345u;
  EXPECT_EQ(static_cast<uint32_t>(payload), 12345u);
  EXPECT_NE(payload & kContingentTimerTag, 0u);
}

}  // namespace
}  // namespace tessera::engine
