// Snapshots: a shard saved at any moment and loaded again is the same shard —
// same state hash now, and the same replies and hashes for every command
// after (which is what recovery from snapshot + log tail relies on).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/codec.h"
#include "engine/reply_detail.h"
#include "engine/shard.h"
#include "tests/engine/engine_clock.h"
#include "tests/engine/seeded.h"
#include "workload/demo_venue.h"
#include "workload/random_workload.h"

namespace tessera::engine {
namespace {

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

// A snapshot of the build that kept a closed order's closing in its stored
// workflow (tests/engine/fixtures/README.md): each closing moves to its
// order, the workflows read as before, and the state hash is unchanged.
TEST(ShardSnapshot, ASnapshotFromBeforeClosingsMoved_ShowsEachClosingInItsPlace_WithTheSameHash) {
  std::ifstream in(TESSERA_SOURCE_DIR "/tests/engine/fixtures/closings_codec_v4.snap", std::ios::binary);
  ASSERT_TRUE(in) << "fixture missing";
  std::stringstream bytes;
  bytes << in.rdbuf();
  Result<std::unique_ptr<Shard>> loaded = Shard::load(bytes.str());
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->state_hash(), 1439580898219097886u);
  ASSERT_TRUE((*loaded)->check_invariants().is_ok());

  // Saved again (now with the closings section) and loaded: the same shard.
  std::string again;
  (*loaded)->save(&again);
  Result<std::unique_ptr<Shard>> reloaded = Shard::load(again);
  ASSERT_TRUE(reloaded.is_ok()) << reloaded.status().to_string();
  EXPECT_EQ((*reloaded)->state_hash(), 1439580898219097886u);

  constexpr PrincipalId kClerk = 12;
  const int64_t now = kT0 + 330'000;
  for (Shard* shard : {loaded->get(), reloaded->get()}) {
    auto workflow = [&](OrderId id) {
      const Reply r = shard->apply(Command{0, GetOrderRecord{id}}, now);
      EXPECT_TRUE(r.ok() && r.detail) << r.message;
      return r.detail ? std::get<OrderRecord>(r.detail->value).workflow : std::vector<WorkflowEntry>{};
    };
    const std::string note = workflow_detail_text(WorkflowDetail::kNoteAdded, 0);
    const std::vector<WorkflowEntry> released = workflow(OrderId{4294967296});
    ASSERT_EQ(released.size(), 4u);
    EXPECT_EQ(released[0].to, OrderState::kOption);
    EXPECT_EQ(released[1].detail, note);
    EXPECT_EQ(released[2].action, WorkflowAction::kStateChanged);
    EXPECT_EQ(released[2].from, OrderState::kOption);
    EXPECT_EQ(released[2].to, OrderState::kReleased);
    EXPECT_EQ(released[2].principal, kClerk);
    EXPECT_EQ(released[2].at_ms, kT0 + 30'000);
    EXPECT_EQ(released[3].detail, note) << "the note added after the release stays after it";

    const std::vector<WorkflowEntry> expired = workflow(OrderId{4294967297});
    ASSERT_EQ(expired.size(), 2u);
    EXPECT_EQ(expired[0].to, OrderState::kHeld);
    EXPECT_EQ(expired[1].from, OrderState::kHeld);
    EXPECT_EQ(expired[1].to, OrderState::kExpired);
    EXPECT_EQ(expired[1].principal, kSystem);

    const std::vector<WorkflowEntry> cancelled = workflow(OrderId{4294967298});
    ASSERT_EQ(cancelled.size(), 3u);
    EXPECT_EQ(cancelled[1].to, OrderState::kConfirmed);
    EXPECT_EQ(cancelled[2].from, OrderState::kConfirmed);
    EXPECT_EQ(cancelled[2].to, OrderState::kCancelled);

    const std::vector<WorkflowEntry> live = workflow(OrderId{4294967299});
    ASSERT_EQ(live.size(), 2u);
    EXPECT_EQ(live[1].detail, note);
  }
}

// Client marks: the first confirmed order of a contact marks it a client
// (once), the marks are in the snapshot, and a snapshot written before them
// marks the contacts of its confirmed orders when it loads.
TEST(ShardSnapshot, ClientMarks_AreSaved_AndASnapshotFromBeforeThemMarksItsConfirmedOrders) {
  Shard shard(0, 1, kT0);
  for (const Command& c : workload::demo_catalog()) ASSERT_TRUE(shard.apply(c, kT0).ok());
  workload::DemoVenue venue;
  venue.performances = 1;
  for (const Command& c : workload::demo_performances(venue, workload::kProductRelease))
    ASSERT_TRUE(shard.apply(c, kT0).ok());
  auto option = [&](ContactId contact, int64_t at) {
    const Reply r = shard.apply(Command{0, Book{BookingKind::kOption,
                                                contact,
                                                workload::kBoxOffice,
                                                {workload::demo_line(1000, 1, 1, 1)},
                                                kT0 + 86'400'000}},
                                at);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  };
  const OrderId first = option(ContactId{7}, kT0 + 1'000);
  const OrderId second = option(ContactId{7}, kT0 + 2'000);
  option(ContactId{8}, kT0 + 3'000);  // never confirmed: no client
  ASSERT_TRUE(shard.apply(Command{0, Confirm{first, {}}}, kT0 + 4'000).ok());
  ASSERT_TRUE(shard.apply(Command{0, Confirm{second, {}}}, kT0 + 5'000).ok());
  ASSERT_EQ(shard.contacts().client_marks().size(), 1u) << "once per contact";
  EXPECT_EQ(shard.contacts().client_since(ContactId{7}), kT0 + 4'000);
  EXPECT_EQ(shard.contacts().client_since(ContactId{8}), 0);
  const Reply read = shard.apply(Command{0, GetClientMarks{{0}}}, kT0 + 6'000);
  ASSERT_TRUE(read.ok() && read.detail);
  EXPECT_EQ(std::get<ClientMarks>(read.detail->value).marks,
            std::vector<ClientMark>{(ClientMark{0, 1, ContactId{7}, kT0 + 4'000})});
  EXPECT_TRUE(std::get<ClientMarks>(shard.apply(Command{0, GetClientMarks{{1}}}, kT0).detail->value).marks.empty())
      << "nothing after mark 1";

  std::string bytes;
  shard.save(&bytes);
  auto loaded = Shard::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->state_hash(), shard.state_hash());

  // The same bytes without the marks section: what the build before wrote.
  std::string section;
  Writer w(&section);
  w.put(uint16_t{8});
  w.put(shard.contacts().client_marks());
  const size_t at = bytes.find(section);
  ASSERT_NE(at, std::string::npos);
  bytes.erase(at, section.size());
  auto old = Shard::load(bytes);
  ASSERT_TRUE(old.is_ok()) << old.status().to_string();
  EXPECT_EQ((*old)->contacts().client_since(ContactId{7}), kT0 + 4'000) << "the first confirmation's time";
  EXPECT_EQ((*old)->state_hash(), shard.state_hash());
}

}  // namespace
}  // namespace tessera::engine
