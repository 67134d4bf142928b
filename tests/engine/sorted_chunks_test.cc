// SortedChunks against std::set: random inserts, erases, bulk removals and
// counts keep the same ordered contents.
#include "engine/sorted_chunks.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

#include "tests/engine/seeded.h"

namespace tessera::engine {
namespace {

struct Less {
  bool operator()(uint32_t a, uint32_t b) const { return a < b; }
};
using Chunks = SortedChunks<uint32_t, Less, 8>;  // small chunks: many splits and merges

std::vector<uint32_t> contents(const Chunks& c) {
  std::vector<uint32_t> out;
  c.for_each([&](uint32_t v) { out.push_back(v); });
  return out;
}

class SortedChunksRun {
 public:
  explicit SortedChunksRun(uint64_t seed) : rng_(seed) {}
  void step() {
    const uint32_t v = static_cast<uint32_t>(rng_() % 500);
    switch (rng_() % 8) {
      case 0:
      case 1:
      case 2:
        if (reference_.insert(v).second) chunks_.insert(v);
        break;
      case 3:
      case 4:
        ASSERT_EQ(chunks_.erase(v), reference_.erase(v) == 1);
        break;
      case 5: {  // bulk: drop the odd values below v
        chunks_.visit_and_remove_until(v, [](uint32_t x) { return x % 2 == 1; });
        std::erase_if(reference_, [v](uint32_t x) { return x < v && x % 2 == 1; });
        break;
      }
      case 6:
        if (rng_() % 4 == 0) {
          chunks_.erase_before(v);
          std::erase_if(reference_, [v](uint32_t x) { return x < v; });
        }
        break;
      default: {
        size_t expected = 0;
        for (uint32_t x : reference_) expected += x < v ? 1 : 0;
        ASSERT_EQ(chunks_.count_less(v), expected);
        size_t seen = 0;
        chunks_.for_each_before(v, [&](uint32_t x) {
          ASSERT_LT(x, v);
          ++seen;
        });
        ASSERT_EQ(seen, expected);
        const auto at = chunks_.upper_bound(v);
        const auto it = reference_.upper_bound(v);
        ASSERT_EQ(chunks_.at_end(at), it == reference_.end());
        if (it != reference_.end()) {
          ASSERT_EQ(chunks_.get(at), *it);
        }
      }
    }
    ASSERT_EQ(chunks_.size(), reference_.size());
    ASSERT_EQ(contents(chunks_), std::vector<uint32_t>(reference_.begin(), reference_.end()));
  }

 private:
  std::mt19937_64 rng_;
  Chunks chunks_;
  std::set<uint32_t> reference_;
};

TEST(SortedChunks, RandomOperations_MatchAStdSet) { testing_support::run_seeded_steps<SortedChunksRun>(30, 2000); }

}  // namespace
}  // namespace tessera::engine
