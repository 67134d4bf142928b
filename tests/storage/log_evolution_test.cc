// A later build that appended a field to a command (SetOrderFile gains
// `file_label`, see TESSERA_LOG_EVOLUTION_TEST in engine/command.h) opens
// data directories written without it: the committed log format v2
// directory (codec v4) and the v1 one, with the state hashes their writers
// had; and what it writes with the new field replays after a restart.
//
// This binary compiles the engine, runtime and storage again with the
// field (tests/CMakeLists.txt), as the later build would.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "runtime/log_entry.h"
#include "storage/command_log.h"
#include "tests/storage/temp_dir.h"

#ifndef TESSERA_LOG_EVOLUTION_TEST
#error "build this test with TESSERA_LOG_EVOLUTION_TEST (tests/CMakeLists.txt)"
#endif

namespace tessera::storage {
namespace {

using testing_support::TempDir;

struct Expected {
  uint64_t next_seq = 0, snapshot_next_seq = 0, state_hash = 0;
};

std::vector<Expected> unpack(const TempDir& dir, const std::string& name) {
  const std::string fixtures = std::string(TESSERA_SOURCE_DIR) + "/tests/storage/fixtures/";
  const std::string command = "tar xzf " + fixtures + name + ".tar.gz -C " + dir.path();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream in(fixtures + name + ".expected");
  std::vector<Expected> out;
  std::string word;
  uint32_t shard = 0;
  Expected e;
  while (in >> word >> shard >> word >> e.next_seq >> word >> e.snapshot_next_seq >> word >> e.state_hash)
    out.push_back(e);
  EXPECT_EQ(out.size(), 2u);
  return out;
}

class LogEvolution : public ::testing::TestWithParam<const char*> {};

TEST_P(LogEvolution, DirectoryWrittenWithoutTheField_OpensWithTheSameStateHashes) {
  TempDir tmp;
  const std::vector<Expected> expected = unpack(tmp, GetParam());
  const std::string dir = tmp.path() + "/" + GetParam();
  std::vector<uint64_t> hashes;
  {
    auto log = CommandLog::open(LogOptions{dir, Durability::kSync, 2});
    ASSERT_TRUE(log.is_ok()) << log.status().to_string();
    for (uint32_t s = 0; s < 2; ++s) {
      auto rec = (*log)->recover(s);
      ASSERT_TRUE(rec.is_ok()) << rec.status().to_string();
      EXPECT_EQ(rec->next_seq, expected[s].next_seq) << "shard " << s;
      EXPECT_EQ(rec->shard->state_hash_before_order_pages(), expected[s].state_hash) << "shard " << s;
      // Write a command that uses the new field; it replays after a restart.
      engine::Shard& shard = *rec->shard;
      engine::OrderId order = 0;
      for (uint32_t slot = 0; slot < 64 && order == 0; ++slot) {
        for (uint32_t generation = 0; generation < 8 && order == 0; ++generation) {
          const engine::OrderId id = engine::make_order_id(s, generation, slot);
          const engine::Order* o = shard.find_order(id);
          if (o && engine::is_booking(o->state)) order = id;
        }
      }
      ASSERT_NE(order, 0u) << "shard " << s << " has an option or reservation";
      engine::SetOrderFile labelled{order, 9000 + s};
      labelled.file_label = "dossier groupe";
      const engine::Command c{0, labelled};
      const engine::Reply r = shard.apply(c, shard.now_ms());
      ASSERT_TRUE(r.ok()) << r.message;
      std::string entries;
      runtime::append_entry(&entries, shard.now_ms(), c, r);
      ASSERT_TRUE((*log)->append(s, rec->next_seq, 1, entries).is_ok());
      hashes.push_back(shard.state_hash());
    }
  }
  auto log = CommandLog::open(LogOptions{dir, Durability::kSync, 2});
  ASSERT_TRUE(log.is_ok()) << log.status().to_string();
  for (uint32_t s = 0; s < 2; ++s) {
    uint64_t labelled_seen = 0;
    struct Watch final : CommandLog::EntryObserver {
      uint64_t* seen;
      explicit Watch(uint64_t* s) : seen(s) {}
      void on_entry(uint64_t, const runtime::LogEntry& e) override {
        if (const auto* c = std::get_if<engine::SetOrderFile>(&e.command.body); c && c->file_label == "dossier groupe")
          ++*seen;
      }
    } watch(&labelled_seen);
    auto rec = (*log)->recover(s, &watch);
    ASSERT_TRUE(rec.is_ok()) << rec.status().to_string();
    EXPECT_EQ(rec->next_seq, expected[s].next_seq + 1);
    EXPECT_EQ(rec->shard->state_hash(), hashes[s]);
    EXPECT_EQ(labelled_seen, 1u) << "the new field is read back from the log";
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, LogEvolution, ::testing::Values("log_v2_codec_v4", "log_v1_codec_v3"));

}  // namespace
}  // namespace tessera::storage
