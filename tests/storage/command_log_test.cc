// The command log against the real RocksDB in a temporary directory: write,
// reopen, replay with equal state hashes; snapshot + tail; torn tail dropped;
// corruption before the tail refused; foreign formats refused; a failing
// store stops acknowledgements.
#include "storage/command_log.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "base/check.h"
#include "runtime/clock.h"
#include "storage/durable_engine.h"
#include "tests/engine/engine_clock.h"
#include "tests/storage/raw_db.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"
#include "workload/random_workload.h"

namespace tessera::storage {
namespace {

using engine::Command;
using engine::Reply;
using testing_support::TempDir;

using engine::kT0;

EngineOptions options_for(const TempDir& dir, uint64_t snapshot_every = 1'000'000'000) {
  EngineOptions o;
  o.data_dir = dir.path();
  o.durability = Durability::kSync;
  o.shards = 2;
  o.snapshot_every_entries = snapshot_every;
  o.snapshot_every_ms = INT64_MAX / 2;
  return o;
}

// Drives a random workload through the shards; returns each shard's hash.
std::vector<uint64_t> drive(DurableEngine& engine, runtime::ManualClock& clock, uint64_t seed, int commands,
                            bool setup) {
  workload::RandomWorkload gen(seed, 3);
  if (setup) {
    for (const Command& c : gen.setup(60)) EXPECT_TRUE(engine.shards->call(c).ok());
  }
  for (int i = 0; i < commands; ++i) {
    clock.advance_ms(gen.time_step());
    const Command c = gen.next(clock.now_ms());
    gen.observe(c, engine.shards->call(c));
  }
  engine.shards->stop();
  std::vector<uint64_t> hashes;
  for (uint32_t s = 0; s < engine.shards->size(); ++s) {
    EXPECT_TRUE(engine.shards->runner(s).shard().check_invariants().is_ok());
    hashes.push_back(engine.shards->runner(s).shard().state_hash());
  }
  return hashes;
}

std::vector<uint64_t> recovered_hashes(const DurableEngine& engine) {
  std::vector<uint64_t> out;
  for (const ShardRecovery& r : engine.recovery) out.push_back(r.state_hash);
  return out;
}

TEST(CommandLog, ReopenReplaysToTheSameStateHash) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  std::vector<uint64_t> before;
  {
    Result<DurableEngine> e = open_durable_engine(options_for(dir), clock);
    ASSERT_TRUE(e.is_ok()) << e.status().to_string();
    before = drive(e.value(), clock, 7, 3000, true);
  }
  Result<DurableEngine> again = open_durable_engine(options_for(dir), clock);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(recovered_hashes(again.value()), before);
  EXPECT_GT(again->recovery[0].entries_replayed + again->recovery[1].entries_replayed, 2000u);
  // And it keeps working: more commands, another restart, same hashes.
  const std::vector<uint64_t> after = drive(again.value(), clock, 8, 500, false);
  again.value() = DurableEngine();
  Result<DurableEngine> third = open_durable_engine(options_for(dir), clock);
  ASSERT_TRUE(third.is_ok()) << third.status().to_string();
  EXPECT_EQ(recovered_hashes(third.value()), after);
}

TEST(CommandLog, SnapshotPlusTailRecoversTheSameState) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  std::vector<uint64_t> before;
  {
    Result<DurableEngine> e = open_durable_engine(options_for(dir, 200), clock);
    ASSERT_TRUE(e.is_ok()) << e.status().to_string();
    before = drive(e.value(), clock, 11, 3000, true);
    EXPECT_GT(e->shards->runner(0).stats().snapshots, 0u);
  }
  Result<DurableEngine> again = open_durable_engine(options_for(dir, 200), clock);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(recovered_hashes(again.value()), before);
  for (const ShardRecovery& r : again->recovery) {
    EXPECT_GT(r.snapshot_next_seq, 1u);
    EXPECT_LT(r.entries_replayed, r.next_seq - 1) << "the snapshot should spare most of the replay";
  }
}

// A snapshot inside a record (builds before 2026-12-07 wrote the batches
// that queued during an fsync as one record even when one of them carried a
// snapshot; docs/format.md): recovery replays that record's entries from
// the snapshot on — it used to find a "log gap", or lose them when the
// record was the last — and the history gets the orders they closed.
TEST(CommandLog, SnapshotInsideARecordReplaysTheRestOfThatRecord) {
  for (const bool later_record : {false, true}) {
    SCOPED_TRACE(later_record ? "a record after it" : "the last record");
    TempDir dir;
    Result<std::unique_ptr<CommandLog>> log = CommandLog::open(LogOptions{dir.path(), Durability::kSync, 1});
    ASSERT_TRUE(log.is_ok()) << log.status().to_string();
    // The commands: drawn by a workload against a shard of its own.
    workload::RandomWorkload gen(9, 1);
    engine::Shard drawn(0, 1, kT0);
    auto draw = [&](std::vector<Command>* into, size_t total) {
      while (into->size() < total) {
        const Command c = gen.next(kT0);
        gen.observe(c, drawn.apply(c, kT0));
        if (!engine::is_query(c.body)) into->push_back(c);
      }
    };
    // The log: written as an old build could, a snapshot after the set-up
    // inside the first record.
    engine::Shard shard(0, 1, kT0);
    uint64_t next_seq = 1;
    std::vector<engine::OrderId> released_after_snapshot;
    auto write_record = [&](const std::vector<Command>& commands, uint32_t snapshot_after) {
      std::string entries, state;
      uint32_t count = 0;
      for (const Command& c : commands) {
        const Reply reply = shard.apply(c, kT0);
        runtime::append_entry(&entries, kT0, c, reply);
        if (++count == snapshot_after) shard.save(&state);
        const auto* release = std::get_if<engine::Release>(&c.body);
        if (release && reply.ok() && count > snapshot_after) released_after_snapshot.push_back(release->order);
      }
      ASSERT_TRUE(log.value()->append(0, next_seq, count, entries).is_ok());
      if (snapshot_after > 0) {
        ASSERT_TRUE(log.value()->snapshot(0, next_seq + snapshot_after, state).is_ok());
      }
      next_seq += count;
    };
    std::vector<Command> first = gen.setup(20);
    for (const Command& c : first) gen.observe(c, drawn.apply(c, kT0));
    const auto snapshot_after = static_cast<uint32_t>(first.size());
    const uint64_t snapshot_at = snapshot_after + 1;
    draw(&first, first.size() + 80);
    ASSERT_NO_FATAL_FAILURE(write_record(first, snapshot_after));
    ASSERT_FALSE(released_after_snapshot.empty()) << "the record closes no order after the snapshot";
    if (later_record) {
      std::vector<Command> more;
      draw(&more, 10);
      ASSERT_NO_FATAL_FAILURE(write_record(more, 0));
    }
    Result<RecoveredShard> r = log.value()->recover(0);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->snapshot_next_seq, snapshot_at);
    EXPECT_EQ(r->next_seq, next_seq);
    EXPECT_EQ(r->entries_replayed, next_seq - snapshot_at);
    EXPECT_EQ(r->shard->state_hash(), shard.state_hash()) << "the entries after the snapshot were not all replayed";
    for (const engine::OrderId order : released_after_snapshot) {
      std::string record;
      ASSERT_TRUE(log.value()->read_history_record(order, &record).is_ok());
      EXPECT_FALSE(record.empty()) << "order " << order << ", closed after the snapshot, is not in the history";
    }
  }
}

// Writes two records of one shard directly, then damages one of them.
class DamagedLog : public testing::Test {
 protected:
  void write_records(int n) {
    Result<std::unique_ptr<CommandLog>> log = CommandLog::open(LogOptions{dir_.path(), Durability::kSync, 1});
    ASSERT_TRUE(log.is_ok()) << log.status().to_string();
    workload::RandomWorkload gen(5, 1);
    engine::Shard shard(0, 1, kT0);
    uint64_t seq = 1;
    std::vector<Command> setup = gen.setup(20);
    for (int r = 0; r < n; ++r) {
      std::string entries;
      uint32_t count = 0;
      auto add = [&](const Command& c) {
        const Reply reply = shard.apply(c, kT0);
        gen.observe(c, reply);
        runtime::append_entry(&entries, kT0, c, reply);
        ++count;
      };
      if (r == 0) {
        for (const Command& c : setup) add(c);
      } else {
        for (int i = 0; i < 20; ++i) {
          const Command c = gen.next(kT0);
          if (!engine::is_query(c.body)) add(c);
        }
      }
      ASSERT_TRUE(log.value()->append(0, seq, count, entries).is_ok());
      keys_.push_back(seq);
      seq += count;
      hashes_.push_back(shard.state_hash());
    }
  }
  // Flips one byte in the value of record number `index`.
  void corrupt(size_t index) {
    testing_support::RawDb db(dir_.path());
    ASSERT_TRUE(db.ok());
    std::string key("L");
    for (int i = 3; i >= 0; --i) key.push_back(0);
    for (int i = 7; i >= 0; --i) key.push_back(static_cast<char>(keys_[index] >> (8 * i)));
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), key, &value).ok());
    value[value.size() - 3] ^= 0x40;
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, value).ok());
  }
  Result<RecoveredShard> recover() {
    Result<std::unique_ptr<CommandLog>> log = CommandLog::open(LogOptions{dir_.path(), Durability::kSync, 1});
    if (!log.is_ok()) return log.status();
    return log.value()->recover(0);
  }

  TempDir dir_;
  std::vector<uint64_t> keys_;
  std::vector<uint64_t> hashes_;
};

TEST_F(DamagedLog, TornTailRecordIsDroppedWithAWarning) {
  write_records(4);
  corrupt(3);
  Result<RecoveredShard> r = recover();
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(r->dropped_torn_tail);
  EXPECT_EQ(r->shard->state_hash(), hashes_[2]);
  EXPECT_EQ(r->next_seq, keys_[3]);
  Result<RecoveredShard> again = recover();  // the drop is durable: a second start is clean
  ASSERT_TRUE(again.is_ok());
  EXPECT_FALSE(again->dropped_torn_tail);
}

TEST_F(DamagedLog, CorruptionBeforeTheTailStopsStartUpNamingShardAndSequence) {
  write_records(4);
  corrupt(1);
  Result<RecoveredShard> r = recover();
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("shard 0"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("seq " + std::to_string(keys_[1])), std::string::npos) << r.status().message();
}

// An append that would leave a gap in a recovered shard's log (the next
// start-up would refuse the directory) stops the process before the write;
// so does a snapshot ahead of the log.
TEST(CommandLogDeathTest, AppendLeavingAGapOrASnapshotAheadOfTheLogStopsTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // RocksDB runs threads
  // The "threadsafe" style runs this whole body again in a re-executed
  // child, which would make a directory of its own and, dying, leave it
  // behind (RocksDB preallocates 76 MB of log in each): the child takes its
  // parent's, named in the environment it inherits.
  constexpr const char* kParentDir = "TESSERA_DEATH_TEST_DIR";
  const char* parent = std::getenv(kParentDir);
  TempDir dir = ::testing::internal::InDeathTestChild() && parent != nullptr ? TempDir::borrowed(parent) : TempDir();
  ::setenv(kParentDir, dir.path().c_str(), 1);
  auto run = [&](bool snapshot_ahead) {
    Result<std::unique_ptr<CommandLog>> log = CommandLog::open(LogOptions{dir.path(), Durability::kSync, 1});
    TESSERA_CHECK(log.is_ok());
    Result<RecoveredShard> rec = log.value()->recover(0);
    TESSERA_CHECK(rec.is_ok());
    std::string entries;
    const Command c{0, engine::DefineSeason{1, "2027"}};
    runtime::append_entry(&entries, kT0, c, rec.value().shard->apply(c, kT0));
    const uint64_t next = rec.value().next_seq;
    if (snapshot_ahead) {
      std::string state;
      rec.value().shard->save(&state);
      (void)log.value()->snapshot(0, next + 5, state);
    } else {
      (void)log.value()->append(0, next + 1, 1, entries);  // skips seq `next`
    }
  };
  EXPECT_DEATH(run(false), "log append at seq 2 after seq 0");
  EXPECT_DEATH(run(true), "snapshot at seq 6 is ahead of its log");
  // Nothing was written: the directory still recovers, empty.
  Result<std::unique_ptr<CommandLog>> log = CommandLog::open(LogOptions{dir.path(), Durability::kSync, 1});
  ASSERT_TRUE(log.is_ok());
  Result<RecoveredShard> rec = log.value()->recover(0);
  ASSERT_TRUE(rec.is_ok()) << rec.status().to_string();
  EXPECT_EQ(rec.value().next_seq, 1u);
}

TEST(CommandLog, RefusesAnotherFormatOrShardCount) {
  TempDir dir;
  { ASSERT_TRUE(CommandLog::open(LogOptions{dir.path(), Durability::kSync, 2}).is_ok()); }
  Result<std::unique_ptr<CommandLog>> wrong_shards = CommandLog::open(LogOptions{dir.path(), Durability::kSync, 3});
  ASSERT_FALSE(wrong_shards.is_ok());
  EXPECT_NE(wrong_shards.status().message().find("--shards 2"), std::string::npos);
  {
    testing_support::RawDb db(dir.path());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "F/format", "tessera-log v0 codec v0").ok());
  }
  Result<std::unique_ptr<CommandLog>> old = CommandLog::open(LogOptions{dir.path(), Durability::kSync, 2});
  ASSERT_FALSE(old.is_ok());
  EXPECT_NE(old.status().message().find("v0"), std::string::npos) << old.status().message();
}

// The real log, failing from the n-th append on (as a full disk would).
class FailingAfter final : public runtime::LogSink {
 public:
  FailingAfter(runtime::LogSink& real, int ok_appends) : real_(real), left_(ok_appends) {}
  Status append(uint32_t shard, uint64_t seq, uint32_t count, std::string_view entries) override {
    if (left_-- <= 0) return Status::unavailable("IO error: No space left on device");
    return real_.append(shard, seq, count, entries);
  }
  Status append_parts(std::vector<runtime::LogPart>* parts) override {
    if (left_-- <= 0) return Status::unavailable("IO error: No space left on device");
    return real_.append_parts(parts);
  }
  Status snapshot(uint32_t shard, uint64_t seq, std::string_view state) override {
    return real_.snapshot(shard, seq, state);
  }

 private:
  runtime::LogSink& real_;
  int left_;
};

TEST(CommandLog, StorageFailureStopsAcknowledgingAndLosesNothingAcknowledged) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  Result<std::unique_ptr<CommandLog>> log = CommandLog::open(LogOptions{dir.path(), Durability::kSync, 1});
  ASSERT_TRUE(log.is_ok());
  workload::RandomWorkload gen(2, 1);
  const std::vector<Command> setup = gen.setup(50);
  FailingAfter sink(*log.value(), static_cast<int>(setup.size()) + 8);  // one append per call
  runtime::RunnerConfig rc;
  rc.log = &sink;
  std::vector<std::unique_ptr<runtime::ShardRunner>> runners;
  runners.push_back(std::make_unique<runtime::ShardRunner>(0, 1, clock, engine::ShardConfig{}, rc));
  runtime::ShardSet shards(std::move(runners));
  shards.start();
  uint64_t acknowledged_holds = 0, refused = 0;
  for (const Command& c : setup) ASSERT_TRUE(shards.call(c).ok());
  for (int i = 0; i < 60; ++i) {
    const Reply r =
        shards.call(Command{0, engine::Hold{1, workload::kBoxOffice, {workload::demo_line(1000, 1, 2, 1)}, 600'000}});
    if (r.ok()) ++acknowledged_holds;
    if (r.code == engine::ReplyCode::kUnavailable) ++refused;
  }
  EXPECT_TRUE(shards.runner(0).storage_failed());
  EXPECT_EQ(acknowledged_holds, 8u);
  EXPECT_EQ(refused, 60u - 8u);
  shards.stop();
  Result<RecoveredShard> r = log.value()->recover(0);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const Reply left = r->shard->apply(Command{0, engine::GetAvailability{1000, 2, 0, workload::kBoxOffice, 0}}, kT0);
  EXPECT_EQ(static_cast<uint64_t>(15 - left.value), acknowledged_holds) << "every acknowledged hold survives";
}

// The real log; every write holding shard `shard`'s records fails once
// `ok_writes` of them went through (the whole write: all its parts).
class FailingShardWrites final : public runtime::LogSink {
 public:
  FailingShardWrites(runtime::LogSink& real, uint32_t shard, int ok_writes)
      : real_(real), shard_(shard), left_(ok_writes) {}
  Status append(uint32_t shard, uint64_t seq, uint32_t count, std::string_view entries) override {
    if (shard == shard_ && left_-- <= 0) return Status::unavailable("IO error: injected");
    return real_.append(shard, seq, count, entries);
  }
  Status append_parts(std::vector<runtime::LogPart>* parts) override {
    for (const runtime::LogPart& p : *parts)
      if (p.shard == shard_ && left_-- <= 0) return Status::unavailable("IO error: injected");
    return real_.append_parts(parts);
  }
  Status snapshot(uint32_t shard, uint64_t seq, std::string_view state) override {
    return real_.snapshot(shard, seq, state);
  }

 private:
  runtime::LogSink& real_;
  const uint32_t shard_;
  int left_;
};

// Counts the catalog commands a recovery replays.
class CatalogCounter final : public CommandLog::EntryObserver {
 public:
  void on_entry(uint64_t, const runtime::LogEntry& e) override {
    if (engine::command_route(e.command.body, 2).kind == engine::Route::kCatalog) ++count;
  }
  size_t count = 0;
};

// A catalog command is applied by every shard or none, and logged on every
// shard or none: one shard's failed write leaves it on no shard's log (with
// a record per shard, the other shard kept it and the catalogs diverged at
// the next start; docs/testing.md).
TEST(CommandLog, CatalogRecordsOfEveryShardAreOneWrite) {
  std::vector<Command> catalog;
  for (const Command& c : workload::demo_catalog())
    if (engine::command_route(c.body, 2).kind == engine::Route::kCatalog) catalog.push_back(c);
  ASSERT_GE(catalog.size(), 4u);
  for (const int ok_writes : {2, 1'000}) {
    SCOPED_TRACE(testing::Message() << "shard 1's writes fail after " << ok_writes);
    TempDir dir;
    runtime::ManualClock clock(kT0);
    Result<std::unique_ptr<CommandLog>> log = CommandLog::open(LogOptions{dir.path(), Durability::kSync, 2});
    ASSERT_TRUE(log.is_ok());
    for (uint32_t s = 0; s < 2; ++s) ASSERT_TRUE(log.value()->recover(s).is_ok());
    FailingShardWrites sink(*log.value(), 1, ok_writes);
    runtime::RunnerConfig rc;
    rc.log = &sink;
    std::vector<std::unique_ptr<runtime::ShardRunner>> runners;
    for (uint32_t s = 0; s < 2; ++s)
      runners.push_back(std::make_unique<runtime::ShardRunner>(s, 2, clock, engine::ShardConfig{}, rc));
    runtime::ShardSet shards(std::move(runners));
    shards.start();
    size_t acknowledged = 0;
    for (const Command& c : catalog) {
      const Reply r = shards.call(c);
      if (r.ok()) {
        ++acknowledged;
      } else {
        EXPECT_EQ(r.code, engine::ReplyCode::kUnavailable) << r.message;
      }
    }
    const bool fails = ok_writes < static_cast<int>(catalog.size());
    EXPECT_EQ(acknowledged, fails ? static_cast<size_t>(ok_writes) : catalog.size());
    for (uint32_t s = 0; s < 2; ++s)
      EXPECT_EQ(shards.runner(s).storage_failed(), fails) << "shard " << s << ": applied in memory, not logged";
    shards.stop();
    for (uint32_t s = 0; s < 2; ++s) {
      CatalogCounter counted;
      Result<RecoveredShard> r = log.value()->recover(s, &counted);
      ASSERT_TRUE(r.is_ok()) << r.status().to_string();
      EXPECT_EQ(counted.count, acknowledged) << "shard " << s << " recovered another set of catalog commands";
    }
  }
}

}  // namespace
}  // namespace tessera::storage
