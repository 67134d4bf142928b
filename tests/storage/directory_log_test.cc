// The contact directory partition on the real command log: reopening (with
// and without a snapshot) recovers the same state hash, the same searches
// and the same next number, and the shards' profiles; a deletion survives,
// and a freeze a crash left behind is thawed.
#include <gtest/gtest.h>

#include "engine/reply_detail.h"
#include "runtime/clock.h"
#include "storage/durable_engine.h"
#include "tests/engine/engine_clock.h"
#include "tests/storage/temp_dir.h"

namespace tessera::storage {
namespace {

using namespace tessera::engine;
using testing_support::TempDir;

EngineOptions directory_options(const TempDir& dir) {
  EngineOptions o;
  o.data_dir = dir.path();
  o.durability = Durability::kSync;
  o.shards = 2;
  o.snapshot_every_ms = INT64_MAX / 2;
  return o;
}

ContactFields person(std::string last, std::string first) {
  ContactFields f;
  f.types = kContactIndividual;
  f.civility = "Mme";
  f.last_name = std::move(last);
  f.first_name = std::move(first);
  f.addresses.push_back(ContactAddress{AddressKind::kMain, "", "75012", "PARIS", "", "", "FR"});
  return f;
}

std::vector<uint64_t> numbers_found(DurableEngine& engine, std::string query) {
  const Reply r = engine.shards->call(Command{0, SearchContacts{std::move(query), 0, 20}});
  EXPECT_TRUE(r.ok()) << r.message;
  std::vector<uint64_t> out;
  if (r.ok())
    for (const ContactSummary& c : std::get<ContactSearchPage>(r.detail->value).rows) out.push_back(c.number);
  return out;
}

void fill(DurableEngine& engine, int from, int count) {
  static const char* kNames[] = {"DUPONT", "Durand", "MARTIN", "Lefèvre", "N'DIAYE"};
  for (int i = from; i < from + count; ++i) {
    const Reply r =
        engine.shards->call(Command{0, CreateContact{kNone, 0, person(kNames[i % 5], "Prénom" + std::to_string(i))}});
    ASSERT_TRUE(r.ok()) << r.message;
  }
  ASSERT_TRUE(
      engine.shards->call(Command{0, LinkContacts{ContactId{2}, ContactId{1}, ContactLinkKind::kChildOf}}).ok() ||
      from > 0);
}

uint64_t directory_hash(DurableEngine& engine) {
  engine.shards->stop();
  return engine.shards->directory()->shard().state_hash();
}

TEST(DirectoryLog, ReopenRecoversTheSameDirectory) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  uint64_t hash = 0;
  {
    auto engine = open_durable_engine(directory_options(dir), clock);
    ASSERT_TRUE(engine.is_ok()) << engine.status().message();
    fill(*engine, 0, 40);
    ASSERT_TRUE(engine->shards->call(Command{0, AddContactNote{ContactId{3}, "appelle le soir"}}).ok());
    EXPECT_EQ(numbers_found(*engine, "lefevre").size(), 8u);
    hash = directory_hash(*engine);
  }
  auto engine = open_durable_engine(directory_options(dir), clock);
  ASSERT_TRUE(engine.is_ok()) << engine.status().message();
  EXPECT_EQ(engine->directory_recovery.state_hash, hash);
  EXPECT_EQ(engine->directory_recovery.entries_replayed, 42u);
  EXPECT_EQ(numbers_found(*engine, "lefevre").size(), 8u);
  const Reply next = engine->shards->call(Command{0, CreateContact{kNone, 0, person("PETIT", "Léa")}});
  EXPECT_EQ(next.value, 41) << "numbers go on from the largest in use";
  EXPECT_EQ(engine->shards->call(Command{0, CreateContact{kNone, 41, person("PETIT", "Léo")}}).code,
            ReplyCode::kDuplicate);
  engine->shards->stop();
  for (uint32_t s = 0; s < 2; ++s) {
    const ContactBook& book = engine->shards->runner(s).shard().contacts();
    EXPECT_EQ(book.size(), 41u) << "shard " << s << " has every profile";
    EXPECT_EQ(book.find(41)->record.types, kContactIndividual);
  }
}

TEST(DirectoryLog, SnapshotPlusTail_RecoversTheSameDirectory) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  uint64_t hash = 0;
  {
    auto engine = open_durable_engine(directory_options(dir), clock);
    ASSERT_TRUE(engine.is_ok()) << engine.status().message();
    fill(*engine, 0, 20);
    engine->shards->directory()->request_snapshot();
    fill(*engine, 20, 5);  // the next loop writes the snapshot; these are the tail
    hash = directory_hash(*engine);
    EXPECT_GE(engine->shards->directory()->stats().snapshots, 1u);
  }
  auto engine = open_durable_engine(directory_options(dir), clock);
  ASSERT_TRUE(engine.is_ok()) << engine.status().message();
  EXPECT_GT(engine->directory_recovery.snapshot_next_seq, 0u);
  EXPECT_LT(engine->directory_recovery.entries_replayed, 26u);
  EXPECT_EQ(engine->directory_recovery.state_hash, hash);
  EXPECT_EQ(numbers_found(*engine, "dup").size(), 5u);
  engine->shards->stop();
}

TEST(DirectoryLog, ADeletionSurvivesAReopen_AndAFreezeLeftByACrashIsThawed) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  uint64_t hash = 0;
  std::vector<uint64_t> shard_hashes;
  {
    auto engine = open_durable_engine(directory_options(dir), clock);
    ASSERT_TRUE(engine.is_ok()) << engine.status().message();
    fill(*engine, 0, 5);
    const Reply deleted = engine->shards->call(Command{0, DeleteContact{ContactId{3}}});
    ASSERT_TRUE(deleted.ok()) << deleted.message;
    // What a kill -9 between DeleteContact's freeze and the directory's
    // write leaves: a logged freeze on every shard, the contact still there.
    const Reply frozen = engine->shards->call(Command{0, FreezeContact{ContactId{4}, FreezeAction::kFreeze}});
    ASSERT_TRUE(frozen.ok()) << frozen.message;
    hash = directory_hash(*engine);
    for (uint32_t s = 0; s < 2; ++s) shard_hashes.push_back(engine->shards->runner(s).shard().state_hash());
  }
  auto engine = open_durable_engine(directory_options(dir), clock);
  ASSERT_TRUE(engine.is_ok()) << engine.status().message();
  EXPECT_EQ(engine->directory_recovery.state_hash, hash);
  for (uint32_t s = 0; s < 2; ++s) EXPECT_EQ(engine->recovery[s].state_hash, shard_hashes[s]) << "shard " << s;
  EXPECT_EQ(engine->shards->call(Command{0, GetContact{ContactId{3}}}).code, ReplyCode::kNotFound);
  EXPECT_EQ(numbers_found(*engine, "martin").size(), 0u) << "contact 3 (MARTIN) is gone";
  EXPECT_EQ(engine->shards->call(Command{0, DeleteContact{ContactId{3}}}).code, ReplyCode::kNotFound);
  engine->shards->stop();
  for (uint32_t s = 0; s < 2; ++s) {
    const auto& closed = engine->shards->runner(s).shard().contacts().closed();
    ASSERT_EQ(closed.size(), 1u) << "shard " << s << ": contact 4 thawed at start, 3 closed for good";
    EXPECT_EQ(closed[0].contact, ContactId{3});
    EXPECT_TRUE(closed[0].deleted);
  }
}

}  // namespace
}  // namespace tessera::storage
