// BoundedQueue: capacity is a hard limit, FIFO per producer, and nothing is
// lost or duplicated under concurrent producers.
#include "runtime/bounded_queue.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tessera::runtime {
namespace {

TEST(BoundedQueue, RefusesPushWhenFullAndKeepsTheValue) {
  BoundedQueue<std::vector<int>> q(4);
  for (int i = 0; i < 4; ++i) {
    std::vector<int> v{i};
    ASSERT_TRUE(q.try_push(v));
  }
  std::vector<int> extra{99};
  EXPECT_FALSE(q.try_push(extra));
  EXPECT_EQ(extra, std::vector<int>{99});
  std::vector<int> out;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(q.try_pop(out));
    EXPECT_EQ(out, std::vector<int>{i});
  }
  EXPECT_FALSE(q.try_pop(out));
}

TEST(BoundedQueue, FullAfterManyLaps_StillRefusesAtCapacityAndKeepsOrder) {
  BoundedQueue<std::vector<int>> q(4);
  std::vector<int> out;
  for (int lap = 0; lap < 10; ++lap) {
    for (int i = 0; i < 4; ++i) {
      std::vector<int> v{lap, i};
      ASSERT_TRUE(q.try_push(v)) << "lap " << lap;
    }
    std::vector<int> extra{99};
    EXPECT_FALSE(q.try_push(extra)) << "lap " << lap;
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(q.try_pop(out));
      EXPECT_EQ(out, (std::vector<int>{lap, i}));
    }
    EXPECT_FALSE(q.try_pop(out));
  }
}

// Values still queued when the queue goes are destroyed with it
// (LeakSanitizer in the ASan stage reports the vectors otherwise).
TEST(BoundedQueue, ValuesLeftInTheQueueAreDestroyedWithIt) {
  BoundedQueue<std::vector<int>> q(8);
  for (int i = 0; i < 5; ++i) {
    std::vector<int> v(100, i);
    ASSERT_TRUE(q.try_push(v));
  }
  std::vector<int> out;
  ASSERT_TRUE(q.try_pop(out));
  EXPECT_EQ(out, std::vector<int>(100, 0));
  EXPECT_EQ(q.size_approx(), 4u);
}

TEST(BoundedQueue, ConcurrentProducers_EveryItemArrivesOnceInProducerOrder) {
  constexpr int kProducers = 4, kPerProducer = 100'000;
  BoundedQueue<uint64_t> q(1024);
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&q, p] {
      for (uint64_t i = 0; i < kPerProducer; ++i) {
        uint64_t v = (uint64_t(p) << 32) | i;
        while (!q.try_push(v)) std::this_thread::yield();
      }
    });
  }
  std::vector<uint64_t> next(kProducers, 0);
  for (int received = 0; received < kProducers * kPerProducer;) {
    uint64_t v;
    if (!q.try_pop(v)) continue;
    const uint32_t p = static_cast<uint32_t>(v >> 32);
    ASSERT_EQ(v & 0xFFFFFFFFu, next[p]) << "producer " << p;
    ++next[p];
    ++received;
  }
  for (auto& t : producers) t.join();
  for (int p = 0; p < kProducers; ++p) EXPECT_EQ(next[p], uint64_t{kPerProducer});
}

}  // namespace
}  // namespace tessera::runtime
