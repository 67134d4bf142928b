// Catalog broadcasts are all or nothing: a catalog command that one shard
// refuses (here its per-shard contact limit is reached) is applied by no
// shard, so the shards' catalogs never diverge; concurrent catalog commands
// from many threads end in the same state on every shard; with a log, each
// is written for every shard in one append_parts(), and every shard's log
// stays contiguous.
#include "runtime/catalog_broadcast.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/command_registry.h"
#include "runtime/shard_set.h"
#include "tests/engine/engine_clock.h"

namespace tessera::runtime {
namespace {

using namespace tessera::engine;

// A contact's profile handed to the shards (a catalog broadcast whose
// shard-side limit, contacts_max, can refuse it on one shard).
SetContactProfile contact(ContactId id, uint64_t seq = 1) {
  return SetContactProfile{id, uint64_t{100000000000} + id.value(), kContactIndividual, seq};
}

// A ShardSet whose shard 1 keeps at most `shard1_contacts` contacts.
std::unique_ptr<ShardSet> shards_with_limit(const Clock& clock, uint32_t shard1_contacts) {
  std::vector<std::unique_ptr<ShardRunner>> runners;
  for (uint32_t s = 0; s < 2; ++s) {
    ShardConfig config;
    if (s == 1) config.contacts_max = shard1_contacts;
    runners.push_back(std::make_unique<ShardRunner>(s, 2, clock, config));
  }
  return std::make_unique<ShardSet>(std::move(runners));
}

TEST(CatalogBroadcast, RefusedOnOneShard_IsAppliedOnNone) {
  ManualClock clock(kT0);
  auto set = shards_with_limit(clock, 2);
  set->start();
  ASSERT_TRUE(set->call(Command{0, contact(1)}).ok());
  ASSERT_TRUE(set->call(Command{0, contact(2)}).ok());
  const Reply third = set->call(Command{0, contact(3)});
  EXPECT_EQ(third.code, ReplyCode::kLimitExceeded) << third.message;
  EXPECT_NE(third.message.find("too many contacts"), std::string::npos) << third.message;
  // A command every shard accepts still goes through, on both.
  EXPECT_TRUE(set->call(Command{0, contact(2, 7)}).ok());
  set->stop();
  // Shard 0 had room for contact 3, yet did not apply it.
  for (uint32_t s = 0; s < 2; ++s) {
    const ContactBook& book = set->runner(s).shard().contacts();
    EXPECT_EQ(book.find(3), nullptr) << "shard " << s;
    EXPECT_EQ(book.profile_seq(2), 7u) << "shard " << s;
  }
}

TEST(CatalogBroadcast, LaterCommandsOfTheSameCaller_SeeTheCatalogCommand) {
  ManualClock clock(kT0);
  ShardSet set(2, clock);
  set.start();
  // Submitted without waiting: the performance must land after its product.
  WaitableCompletion done[6];
  ASSERT_TRUE(set.submit(Command{0, DefineSeason{1, "S"}}, &done[0]));
  ASSERT_TRUE(set.submit(Command{0, DefineProductFamily{1, "F"}}, &done[1]));
  ASSERT_TRUE(set.submit(Command{0, DefineProduct{1, 1, 1, "P"}}, &done[2]));
  ASSERT_TRUE(set.submit(Command{0, DefinePerformance{1000, 1, kT0 + 86'400'000, 0, 0}}, &done[3]));
  ASSERT_TRUE(set.submit(Command{0, DefinePerformance{1001, 1, kT0 + 86'400'000, 0, 0}}, &done[4]));
  ASSERT_TRUE(set.submit(Command{0, DefineCategory{1, "C"}}, &done[5]));
  for (auto& d : done) EXPECT_TRUE(d.wait().ok()) << d.wait().message;
  set.stop();
}

TEST(CatalogBroadcast, ConcurrentCatalogCommands_LeaveEveryShardWithTheSameCatalog) {
  ManualClock clock(kT0);
  auto set = shards_with_limit(clock, 150);
  set->start();
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t id = 1; id <= 100; ++id) {  // overlapping ids, each thread its own sequences
        const uint32_t contact_id = id + static_cast<uint32_t>(t % 2) * 50;
        const Reply r = set->call(Command{0, contact(contact_id, uint64_t{id} * 4 + static_cast<uint64_t>(t))});
        if (r.ok()) accepted++;
      }
    });
  }
  for (auto& t : threads) t.join();
  set->stop();
  EXPECT_EQ(accepted.load(), 400) << "ids 1..150 fit on both shards";
  const ContactBook& first = set->runner(0).shard().contacts();
  const ContactBook& second = set->runner(1).shard().contacts();
  for (uint32_t id = 1; id <= 151; ++id) {
    EXPECT_EQ(first.find(id) != nullptr, id <= 150) << "contact " << id;
    EXPECT_EQ(first.profile_seq(id), second.profile_seq(id)) << "contact " << id;
  }
}

// Records every write: which shards' records it held, at which seqs.
class WriteRecorder final : public LogSink {
 public:
  explicit WriteRecorder(bool syncs) : syncs_(syncs) {}
  bool syncs() const override { return syncs_; }
  Status append(uint32_t shard, uint64_t first_seq, uint32_t count, std::string_view) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return record(shard, first_seq, count);
  }
  Status append_parts(std::vector<LogPart>* parts) override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<uint32_t> shards;
    for (const LogPart& p : *parts) {
      shards.push_back(p.shard);
      Status s = record(p.shard, p.first_seq, p.count);
      if (!s.is_ok()) return s;
    }
    part_writes_.push_back(std::move(shards));
    return Status();
  }
  Status snapshot(uint32_t, uint64_t, std::string_view) override { return Status(); }
  std::vector<std::vector<uint32_t>> part_writes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return part_writes_;
  }

 private:
  Status record(uint32_t shard, uint64_t first_seq, uint32_t count) {
    uint64_t& next = next_[shard];
    if (next != 0 && first_seq != next)
      return Status::internal("shard " + std::to_string(shard) + ": append at seq " + std::to_string(first_seq) +
                              ", expected " + std::to_string(next));
    next = first_seq + count;
    return Status();
  }

  const bool syncs_;
  std::mutex mutex_;
  std::map<uint32_t, uint64_t> next_;
  std::vector<std::vector<uint32_t>> part_writes_;
};

TEST(CatalogBroadcast, WithALog_EachCatalogCommandIsOneWriteOfEveryShard_LogsStayContiguous) {
  for (const bool syncs : {true, false}) {
    SCOPED_TRACE(syncs ? "the writer threads write" : "the shard threads write when they can");
    ManualClock clock(kT0);
    WriteRecorder sink(syncs);
    RunnerConfig rc;
    rc.log = &sink;
    std::vector<std::unique_ptr<ShardRunner>> runners;
    for (uint32_t s = 0; s < 2; ++s) runners.push_back(std::make_unique<ShardRunner>(s, 2, clock, ShardConfig{}, rc));
    ShardSet set(std::move(runners));
    set.start();
    std::atomic<int> accepted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&, t] {
        for (uint32_t id = 1; id <= 60; ++id) {
          if (set.call(Command{0, contact(id + static_cast<uint32_t>(t) * 100)}).ok()) accepted++;
        }
      });
    }
    for (int t = 0; t < 2; ++t) {  // commands of one shard meanwhile (refused, and logged)
      threads.emplace_back([&] {
        for (uint64_t order = 1; order <= 300; ++order) (void)set.call(Command{0, Confirm{OrderId{order}, {}}});
      });
    }
    for (auto& t : threads) t.join();
    set.stop();
    EXPECT_EQ(accepted.load(), 180);
    const std::vector<std::vector<uint32_t>> writes = sink.part_writes();
    EXPECT_EQ(writes.size(), 180u) << "one write per catalog command";
    for (const std::vector<uint32_t>& shards : writes) EXPECT_EQ(shards, (std::vector<uint32_t>{0, 1}));
    for (uint32_t s = 0; s < 2; ++s) EXPECT_FALSE(set.runner(s).storage_failed()) << "shard " << s;
  }
}

}  // namespace
}  // namespace tessera::runtime
