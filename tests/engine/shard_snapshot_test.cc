// Snapshots: a shard saved at any moment and loaded again is the same shard —
// same state hash now, and the same replies and hashes for every command
// after (which is what recovery from snapshot + log tail relies on).
#include <gtest/gtest.h>

#include <cstdlib>

#include "engine/codec.h"
#include "engine/shard.h"
#include "tests/engine/seeded.h"
#include "workload/random_workload.h"

namespace tessera::engine {
namespace {

constexpr int64_t kT0 = 1'790'000'000'000;

TEST(ShardSnapshot, LoadedShardBehavesExactlyLikeTheOriginal) {
  testing_support::for_each_seed(25, [](uint64_t seed) {
    workload::RandomWorkload gen(seed, 2);
    Shard original(0, 1, kT0);
    int64_t now = kT0;
    for (const Command& c : gen.setup(40)) ASSERT_TRUE(original.apply(c, now).ok());
    std::unique_ptr<Shard> copy;
    for (int step = 0; step < 3000; ++step) {
      if (step % 500 == 250) {  // snapshot mid-run, then drive both
        std::string bytes;
        original.save(&bytes);
        Result<std::unique_ptr<Shard>> loaded = Shard::load(bytes);
        ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
        copy = std::move(loaded.value());
        ASSERT_EQ(copy->state_hash(), original.state_hash()) << "step " << step;
      }
      now += gen.time_step();
      const Command c = gen.next(now);
      const Reply a = original.apply(c, now);
      gen.observe(c, a);
      original.advance(now, 1000);
      if (copy) {
        const Reply b = copy->apply(c, now);
        ASSERT_EQ(encode(a), encode(b)) << "step " << step << " " << command_name(c.body);
        copy->advance(now, 1000);
        ASSERT_EQ(copy->state_hash(), original.state_hash()) << "step " << step;
      }
    }
    ASSERT_TRUE(original.check_invariants().is_ok());
  });
}

TEST(ShardSnapshot, CorruptOrTruncatedBytesAreRefused) {
  workload::RandomWorkload gen(3, 1);
  Shard shard(0, 1, kT0);
  for (const Command& c : gen.setup(40)) ASSERT_TRUE(shard.apply(c, kT0).ok());
  for (int i = 0; i < 200; ++i) {
    const Command c = gen.next(kT0);
    gen.observe(c, shard.apply(c, kT0));
  }
  std::string bytes;
  shard.save(&bytes);
  EXPECT_FALSE(Shard::load(bytes.substr(0, bytes.size() / 2)).is_ok());
  EXPECT_FALSE(Shard::load(bytes + "x").is_ok());
  std::string bad_magic = bytes;
  bad_magic[0] ^= 0x5A;
  EXPECT_FALSE(Shard::load(bad_magic).is_ok());
  // Flipping bytes anywhere never crashes the loader (it may or may not notice:
  // storage guards snapshots with a checksum).
  for (size_t i = 24; i < bytes.size(); i += 7) {
    std::string flipped = bytes;
    flipped[i] ^= 0xFF;
    (void)Shard::load(flipped).is_ok();
  }
}

}  // namespace
}  // namespace tessera::engine
