// ChunkedSequence against std::set: random inserts and erases (splits,
// lending to neighbours, emptied chunks), order, positions and distances.
#include "directory/chunked_sequence.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

namespace tessera::directory {
namespace {

struct Item {
  uint32_t key = 0;
  uint32_t payload = 0;
};
bool item_less(const Item& a, const Item& b) { return a.key < b.key; }

TEST(ChunkedSequenceTest, MatchesOrderedSetUnderRandomInsertsAndErases) {
  const uint32_t seed = std::random_device{}();
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  std::mt19937 rng(seed);
  ChunkedSequence<Item, 16> seq;
  std::set<uint32_t> model;
  for (int op = 0; op < 20'000; ++op) {
    const uint32_t key = rng() % 3'000;
    if (rng() % 3 == 0) {
      ASSERT_EQ(seq.erase(Item{key, 0}, item_less), model.erase(key) == 1);
    } else if (!model.contains(key)) {
      seq.insert(Item{key, key * 7}, item_less);
      model.insert(key);
    }
    if (op % 1000 != 0) continue;
    ASSERT_EQ(seq.size(), model.size());
    std::vector<uint32_t> keys;
    seq.for_each([&](const Item& i) {
      EXPECT_EQ(i.payload, i.key * 7);
      keys.push_back(i.key);
    });
    ASSERT_EQ(keys, std::vector<uint32_t>(model.begin(), model.end()));
    // Positions: partition_point, distance, advance_by agree with the model.
    const uint32_t probe = rng() % 3'000;
    const auto p = seq.partition_point([&](const Item& i) { return i.key < probe; });
    const size_t rank = static_cast<size_t>(std::distance(model.begin(), model.lower_bound(probe)));
    ASSERT_EQ(seq.distance(seq.begin(), p), rank);
    auto q = seq.begin();
    seq.advance_by(q, rank);
    ASSERT_TRUE(seq.same(p, q));
  }
}

TEST(ChunkedSequenceTest, AppendsInOrderKeepChunksFull) {
  ChunkedSequence<Item, 16> seq;
  for (uint32_t k = 0; k < 1'600; ++k) seq.insert(Item{k, 0}, item_less);
  ChunkedSequence<Item, 16> one_chunk;
  one_chunk.insert(Item{0, 0}, item_less);
  // 100 full chunks: the bytes of 100 chunks, not of 200 half-full ones.
  EXPECT_LT(seq.memory_bytes(), 120 * (one_chunk.memory_bytes()));
}

}  // namespace
}  // namespace tessera::directory
