// FlatMap against std::unordered_map on random operations.
#include "engine/flat_map.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

namespace tessera::engine {
namespace {

TEST(FlatMap, InsertFindErase_BasicContract) {
  FlatMap<uint64_t, uint32_t> m;
  EXPECT_TRUE(m.insert(7, 70).second);
  EXPECT_FALSE(m.insert(7, 71).second);
  ASSERT_NE(m.find(7), nullptr);
  EXPECT_EQ(*m.find(7), 70u);
  EXPECT_EQ(m.find(8), nullptr);
  EXPECT_TRUE(m.erase(7));
  EXPECT_FALSE(m.erase(7));
  EXPECT_EQ(m.size(), 0u);
}

TEST(FlatMap, RandomOperations_MatchStdUnorderedMap) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(testing::Message() << "seed " << seed);
    std::mt19937_64 rng(seed);
    FlatMap<uint32_t, uint32_t> m;
    std::unordered_map<uint32_t, uint32_t> ref;
    for (int step = 0; step < 20000; ++step) {
      const uint32_t key = static_cast<uint32_t>(rng() % 3000);
      switch (rng() % 3) {
        case 0: {
          const uint32_t v = static_cast<uint32_t>(rng());
          EXPECT_EQ(m.insert(key, v).second, ref.emplace(key, v).second);
          break;
        }
        case 1:
          EXPECT_EQ(m.erase(key), ref.erase(key) == 1);
          break;
        default: {
          const uint32_t* got = m.find(key);
          auto it = ref.find(key);
          ASSERT_EQ(got != nullptr, it != ref.end());
          if (got) {
            EXPECT_EQ(*got, it->second);
          }
        }
      }
      ASSERT_EQ(m.size(), ref.size());
    }
    size_t seen = 0;
    m.for_each([&](uint32_t k, uint32_t v) {
      ++seen;
      EXPECT_EQ(ref.at(k), v);
    });
    EXPECT_EQ(seen, ref.size());
  }
}

}  // namespace
}  // namespace tessera::engine
