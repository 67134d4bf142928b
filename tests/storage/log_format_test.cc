// Log format evolution against the real RocksDB: a data directory written by
// log format v1 (codec v3: a snapshot and a log tail per shard, committed in
// tests/storage/fixtures/) opens with this build and reaches the state hash
// the old build had; a snapshot this build cannot read falls back to the
// base and a full replay; v4 structs gain fields without breaking old bytes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/codec.h"
#include "engine/command_registry.h"
#include "engine/reply_detail.h"
#include "runtime/clock.h"
#include "runtime/log_entry.h"
#include "storage/command_log.h"
#include "storage/durable_engine.h"
#include "tests/storage/temp_dir.h"
#include "workload/random_workload.h"

namespace tessera::storage {
namespace {

using engine::Command;
using testing_support::TempDir;

struct Expected {
  uint64_t next_seq = 0, snapshot_next_seq = 0, state_hash = 0;
};

// Unpacks the v1 fixture into `dir` and returns what the old build recorded.
std::vector<Expected> unpack_v1_fixture(const TempDir& dir) {
  const std::string fixtures = std::string(TESSERA_SOURCE_DIR) + "/tests/storage/fixtures/";
  const std::string command = "tar xzf " + fixtures + "log_v1_codec_v3.tar.gz -C " + dir.path();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream in(fixtures + "log_v1_codec_v3.expected");
  std::vector<Expected> out;
  std::string word;
  uint32_t shard = 0;
  Expected e;
  while (in >> word >> shard >> word >> e.next_seq >> word >> e.snapshot_next_seq >> word >> e.state_hash) {
    EXPECT_EQ(shard, out.size());
    out.push_back(e);
  }
  EXPECT_EQ(out.size(), 2u);
  return out;
}

std::unique_ptr<CommandLog> open_log(const std::string& dir) {
  auto log = CommandLog::open(LogOptions{dir, Durability::kSync, 2});
  EXPECT_TRUE(log.is_ok()) << log.status().to_string();
  return log.is_ok() ? std::move(log.value()) : nullptr;
}

// The snapshot bytes of `shard` with its codec version field replaced: a
// format a later build wrote, which this one does not read.
std::string with_unknown_version(const engine::Shard& shard) {
  std::string bytes;
  shard.save(&bytes);
  const uint32_t version = 99;
  std::memcpy(bytes.data() + 4, &version, sizeof version);  // after the u32 magic
  return bytes;
}

TEST(LogFormat, V1DirectoryWithSnapshotAndTail_OpensWithTheOldStateHashes) {
  TempDir tmp;
  const std::vector<Expected> expected = unpack_v1_fixture(tmp);
  const std::string dir = tmp.path() + "/log_v1_codec_v3";
  for (int open = 0; open < 2; ++open) {  // the second open reads the upgraded marker
    auto log = open_log(dir);
    ASSERT_NE(log, nullptr);
    for (uint32_t s = 0; s < 2; ++s) {
      auto rec = log->recover(s);
      ASSERT_TRUE(rec.is_ok()) << rec.status().to_string();
      EXPECT_EQ(rec->snapshot_next_seq, expected[s].snapshot_next_seq) << "shard " << s;
      EXPECT_EQ(rec->next_seq, expected[s].next_seq) << "shard " << s;
      EXPECT_GT(rec->entries_replayed, 30u) << "shard " << s << " replays its v1 tail";
      EXPECT_EQ(rec->shard->state_hash_before_order_pages(), expected[s].state_hash) << "shard " << s;
    }
  }
}

// A directory written before the contact directory existed: its contacts
// (DefineContact, a copy on every shard) are copied into the directory at
// the first start, with their numbers; the second start copies nothing more.
TEST(LogFormat, V1DirectoryWithContactsOnTheShards_OpensWithThemInTheContactDirectory) {
  TempDir tmp;
  unpack_v1_fixture(tmp);
  EngineOptions o;
  o.data_dir = tmp.path() + "/log_v1_codec_v3";
  o.shards = 2;
  runtime::ManualClock clock(1'790'000'000'000);
  uint64_t hash = 0;
  for (int open = 0; open < 2; ++open) {
    auto engine = open_durable_engine(o, clock);
    ASSERT_TRUE(engine.is_ok()) << engine.status().to_string();
    const engine::Reply r = engine->shards->call(Command{0, engine::GetContact{engine::kNone, 100000000101}});
    ASSERT_TRUE(r.ok()) << r.message;
    const auto& card = std::get<engine::ContactCard>(r.detail->value);
    EXPECT_EQ(card.record.last_name, "Martin");
    EXPECT_EQ(card.record.email, "c.martin@example.org");  // as a later UpdateContact left it
    const engine::Reply found = engine->shards->call(Command{0, engine::SearchContacts{"theatre", 0, 20}});
    ASSERT_TRUE(found.ok()) << found.message;
    EXPECT_EQ(found.value, 1) << "Théâtre du Nord";
    engine->shards->stop();
    const uint64_t now = engine->shards->directory()->shard().state_hash();
    if (open == 1) {
      EXPECT_EQ(now, hash) << "nothing copied twice";
    }
    hash = now;
    EXPECT_GE(engine->shards->directory()->shard().size(), 4u);
  }
}

TEST(LogFormat, UpgradedDirectory_AppendsV2AndFallsBackToTheV3BaseWhenASnapshotIsUnreadable) {
  TempDir tmp;
  const std::vector<Expected> expected = unpack_v1_fixture(tmp);
  const std::string dir = tmp.path() + "/log_v1_codec_v3";
  std::vector<uint64_t> hashes;
  {
    auto log = open_log(dir);
    ASSERT_NE(log, nullptr);
    for (uint32_t s = 0; s < 2; ++s) {
      auto rec = log->recover(s);
      ASSERT_TRUE(rec.is_ok()) << rec.status().to_string();
      engine::Shard& shard = *rec->shard;
      // New commands in log format v2 after the v1 tail.
      workload::RandomWorkload gen(11 + s, 2);
      std::string entries;
      uint32_t count = 0;
      const int64_t t = shard.now_ms() + 1000;
      for (int i = 0; i < 50; ++i) {
        const Command c = gen.next(t);
        if (engine::is_query(c.body) || engine::command_route(c.body, 2).kind != engine::Route::kOneShard ||
            engine::command_route(c.body, 2).shard != s)
          continue;
        const engine::Reply r = shard.apply(c, t);
        runtime::append_entry(&entries, shard.now_ms(), c, r);
        ++count;
      }
      ASSERT_TRUE(log->append(s, rec->next_seq, count, entries).is_ok());
      // A snapshot in a format this build cannot read supersedes the old one.
      ASSERT_TRUE(log->snapshot(s, rec->next_seq + count, with_unknown_version(shard)).is_ok());
      hashes.push_back(shard.state_hash());
      EXPECT_NE(hashes.back(), expected[s].state_hash);
    }
  }
  auto log = open_log(dir);
  ASSERT_NE(log, nullptr);
  for (uint32_t s = 0; s < 2; ++s) {
    auto rec = log->recover(s);
    ASSERT_TRUE(rec.is_ok()) << rec.status().to_string();
    EXPECT_EQ(rec->snapshot_next_seq, expected[s].snapshot_next_seq) << "restarted from the v3 base snapshot";
    EXPECT_EQ(rec->shard->state_hash(), hashes[s]) << "shard " << s;
  }
}

TEST(LogFormat, FreshDirectory_UnreadableSnapshot_ReplaysTheWholeLog) {
  TempDir tmp;
  engine::Shard live(0, 1, 1'790'000'000'000);
  {
    auto log = CommandLog::open(LogOptions{tmp.path(), Durability::kSync, 1});
    ASSERT_TRUE(log.is_ok()) << log.status().to_string();
    workload::RandomWorkload gen(5, 1);
    std::string entries;
    uint32_t count = 0;
    const int64_t t = 1'790'000'000'000;
    std::vector<Command> commands = gen.setup(40);
    for (int i = 0; i < 300; ++i) commands.push_back(gen.next(t));
    for (const Command& c : commands) {
      const engine::Reply r = live.apply(c, t);
      gen.observe(c, r);
      if (engine::is_query(c.body)) continue;
      runtime::append_entry(&entries, live.now_ms(), c, r);
      ++count;
    }
    ASSERT_TRUE((*log)->append(0, 1, count, entries).is_ok());
    ASSERT_TRUE((*log)->snapshot(0, 1 + count, with_unknown_version(live)).is_ok());
  }
  auto log = CommandLog::open(LogOptions{tmp.path(), Durability::kSync, 1});
  ASSERT_TRUE(log.is_ok());
  auto rec = (*log)->recover(0);
  ASSERT_TRUE(rec.is_ok()) << rec.status().to_string();
  EXPECT_EQ(rec->snapshot_next_seq, 0u) << "no readable snapshot: replayed from seq 1";
  EXPECT_EQ(rec->shard->state_hash(), live.state_hash());
}

// ---- Codec v4: structs that gain fields ---------------------------------------

struct LineBefore {
  uint32_t performance = 0;
  uint32_t quantity = 0;
  auto fields() const { return std::tie(performance, quantity); }
};
struct LineAfter {  // LineBefore with a field appended
  uint32_t performance = 0;
  uint32_t quantity = 0;
  uint32_t unit_price_cents = 2500;
  auto fields() const { return std::tie(performance, quantity, unit_price_cents); }
};
struct OrderBefore {
  uint64_t order = 0;
  std::vector<LineBefore> lines;
  auto fields() const { return std::tie(order, lines); }
};
struct OrderAfter {
  uint64_t order = 0;
  std::vector<LineAfter> lines;
  std::string note = "none";
  auto fields() const { return std::tie(order, lines, note); }
};

TEST(LogFormat, CodecV4_OldBytesDecodeIntoAStructThatGainedFields_WithTheirDefaults) {
  const std::string old_bytes = engine::encode(OrderBefore{42, {{1000, 2}, {1001, 3}}});
  OrderAfter after;
  ASSERT_TRUE(engine::decode(old_bytes, after).is_ok());
  EXPECT_EQ(after.order, 42u);
  ASSERT_EQ(after.lines.size(), 2u);
  EXPECT_EQ(after.lines[1].performance, 1001u);
  EXPECT_EQ(after.lines[1].quantity, 3u);
  EXPECT_EQ(after.lines[1].unit_price_cents, 2500u) << "a field the record lacks keeps its default";
  EXPECT_EQ(after.note, "none");
  // Bytes from a newer build are refused, not misread.
  OrderBefore before;
  const Status s = engine::decode(engine::encode(after), before);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("newer"), std::string::npos) << s.message();
}

TEST(LogFormat, CodecV4_CommandsAreTaggedByTheirRegistryTag) {
  const Command c{7, engine::Release{123}, 5, true};
  const std::string bytes = engine::encode(c);
  // Command = count u8 | key u64 | tag u16 | Release = count u8 | order u64 | principal u32 | own_orders_only u8 |
  // rules u8.
  ASSERT_EQ(bytes.size(), 1u + 8 + 2 + 1 + 8 + 4 + 1 + 1);
  uint16_t tag = 0;
  std::memcpy(&tag, bytes.data() + 9, sizeof tag);
  EXPECT_EQ(tag, engine::CommandSpec<engine::Release>::info.tag);
  Command back;
  ASSERT_TRUE(engine::decode(bytes, back).is_ok());
  EXPECT_EQ(std::get<engine::Release>(back.body).order, 123u);
  EXPECT_EQ(back.principal, 5u);
  EXPECT_TRUE(back.own_orders_only);
  EXPECT_EQ(back.rules, engine::kRulesCurrent);
  // A command written before it carried a principal (two fields) reads as
  // sent by principal 0, unscoped, under rules 0; one written before the
  // rules (four fields) keeps its principal, under rules 0.
  std::string older = bytes.substr(0, bytes.size() - 6);
  older[0] = 2;
  Command old_back;
  ASSERT_TRUE(engine::decode(older, old_back).is_ok());
  EXPECT_EQ(old_back.principal, 0u);
  EXPECT_FALSE(old_back.own_orders_only);
  EXPECT_EQ(old_back.rules, 0);
  EXPECT_EQ(std::get<engine::Release>(old_back.body).order, 123u);
  std::string before_rules = bytes.substr(0, bytes.size() - 1);
  before_rules[0] = 4;
  Command scoped_back;
  ASSERT_TRUE(engine::decode(before_rules, scoped_back).is_ok());
  EXPECT_EQ(scoped_back.principal, 5u);
  EXPECT_EQ(scoped_back.rules, 0);
}

}  // namespace
}  // namespace tessera::storage
