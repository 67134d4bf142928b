// Crash test (in the spirit of RocksDB's db_crashtest): a child process
// applies a random workload in `sync` mode and is killed with SIGKILL at a
// random moment, again and again on the same data directory. After every
// kill the log is recovered and checked:
//   - every command the child had acknowledged is in the log, in order, with
//     the reply the child saw (nothing acknowledged is lost);
//   - replay reproduces every recorded reply (nothing half-applied);
//   - check_invariants holds (no unit held twice, quotas equal a recount);
//   - the same for the contact directory's log (route "dir"), and every
//     contact it holds has reached every shard's profiles, once the next
//     start has resent what a kill cut off.
// Cycles: 20 by default; TESSERA_CRASH_CYCLES=100 (or more) for a long run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "engine/command_registry.h"
#include "engine/idempotency.h"
#include "storage/command_log.h"
#include "storage/durable_engine.h"
#include "tests/storage/temp_dir.h"

namespace tessera::storage {
namespace {

struct Ack {
  std::string route;
  uint64_t fingerprint;
  int code;
  uint64_t order;
};

// Complete lines only: the last one may be cut by the kill.
std::vector<Ack> read_acks(const std::string& path, bool* ready) {
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<Ack> out;
  *ready = false;
  size_t start = 0;
  for (size_t nl; (nl = content.find('\n', start)) != std::string::npos; start = nl + 1) {
    const std::string line = content.substr(start, nl - start);
    if (line == "ready") {
      *ready = true;
      continue;
    }
    std::istringstream fields(line);
    Ack a;
    fields >> a.route >> a.fingerprint >> a.code >> a.order;
    out.push_back(a);
  }
  return out;
}

class Collect final : public CommandLog::EntryObserver {
 public:
  void on_entry(uint64_t, const runtime::LogEntry& e) override {
    // The server's own commands (timer slices, the directory's hand-overs,
    // DeleteContact's freezes, the client marks) are no client's.
    if (engine::command_info(e.command.body).least_role != engine::Role::kInternal) entries.push_back(e);
  }
  std::vector<runtime::LogEntry> entries;
};

pid_t spawn_child(const std::string& dir, uint64_t seed, const std::string& ack) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string seed_text = std::to_string(seed);
    ::execl(TESSERA_CRASH_CHILD, TESSERA_CRASH_CHILD, dir.c_str(), seed_text.c_str(), ack.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

TEST(CrashTest, KilledAtRandomMoments_EveryAcknowledgedCommandSurvives) {
  int cycles = 20;
  if (const char* c = std::getenv("TESSERA_CRASH_CYCLES")) cycles = std::atoi(c);
  testing_support::TempDir dir;
  const std::string ack_path = dir.path() + "/acks";
  const std::string data = dir.path() + "/data";
  std::mt19937_64 rng(12345);
  size_t verified[3] = {0, 0, 0};  // log entries per shard (and the directory, [2]) already checked
  uint64_t acknowledged_total = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    SCOPED_TRACE(testing::Message() << "cycle " << cycle);
    std::remove(ack_path.c_str());  // never read a previous cycle's acknowledgements
    const pid_t pid = spawn_child(data, 1000 + cycle, ack_path);
    ASSERT_GT(pid, 0);
    bool ready = false;
    for (int i = 0; i < 60'000 && !ready; ++i) {  // generous: sanitizer builds start slowly
      read_acks(ack_path, &ready);
      if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      int status = 0;
      ASSERT_EQ(::waitpid(pid, &status, WNOHANG), 0) << "the child exited early (status " << status << ")";
    }
    ASSERT_TRUE(ready);
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 200));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const std::vector<Ack> acks = read_acks(ack_path, &ready);
    acknowledged_total += acks.size();

    Result<std::unique_ptr<CommandLog>> log = CommandLog::open(LogOptions{data, Durability::kSync, 2});
    ASSERT_TRUE(log.is_ok()) << log.status().to_string();
    Collect shard_entries[3];
    std::ostringstream recovered;
    for (uint32_t s = 0; s < 2; ++s) {
      Result<RecoveredShard> r = log.value()->recover(s, &shard_entries[s]);
      ASSERT_TRUE(r.is_ok()) << r.status().to_string();  // includes replay checks and check_invariants
      recovered << " shard " << s << ": next_seq " << r->next_seq << " entries " << shard_entries[s].entries.size()
                << " verified " << verified[s] << (r->dropped_torn_tail ? " (torn tail dropped)" : "");
    }
    Result<RecoveredDirectory> d = log.value()->recover_directory(&shard_entries[2]);
    ASSERT_TRUE(d.is_ok()) << d.status().to_string();
    recovered << " directory: " << d->shard->size() << " contacts, entries " << shard_entries[2].entries.size();
    SCOPED_TRACE(recovered.str());
    size_t next[3] = {verified[0], verified[1], verified[2]};
    for (const Ack& a : acks) {
      for (uint32_t s = 0; s < 3; ++s) {
        if (s == 2 ? a.route != "dir" : (a.route != "all" && a.route != std::to_string(s))) continue;
        ASSERT_LT(next[s], shard_entries[s].entries.size())
            << "an acknowledged command is missing from shard " << s << ": ack " << &a - acks.data() << " of "
            << acks.size() << " (code " << a.code << ", order " << a.order << ")";
        const runtime::LogEntry& e = shard_entries[s].entries[next[s]++];
        ASSERT_EQ(engine::fingerprint(e.command.body), a.fingerprint) << "shard " << s << " entry " << next[s] - 1;
        if (a.route != "all") {  // a broadcast's merged reply is the first refusal of any shard
          ASSERT_EQ(static_cast<int>(e.code), a.code);
          ASSERT_EQ(e.order, a.order);
        }
      }
    }
    // Entries after the acknowledged ones were logged but never answered:
    // they are whole commands (replay verified them) and count from now on.
    for (uint32_t s = 0; s < 3; ++s) verified[s] = shard_entries[s].entries.size();
  }
  // The next start resends the hand-overs a kill cut off: every contact of
  // the directory then has its profile on every shard.
  runtime::ManualClock clock(1'790'000'000'000);
  EngineOptions o;
  o.data_dir = data;
  o.shards = 2;
  auto engine = open_durable_engine(o, clock);
  ASSERT_TRUE(engine.is_ok()) << engine.status().to_string();
  engine->shards->stop();
  const directory::ContactDirectory& contacts = engine->shards->directory()->shard();
  EXPECT_GT(contacts.size(), 0u);
  for (uint32_t s = 0; s < 2; ++s) {
    const engine::ContactBook& book = engine->shards->runner(s).shard().contacts();
    EXPECT_TRUE(contacts.profiles_newer_than([&](engine::ContactId c) { return book.profile_seq(c); }).empty())
        << "shard " << s;
  }
  EXPECT_GT(acknowledged_total, 100u * static_cast<uint64_t>(cycles) / 4);
}

}  // namespace
}  // namespace tessera::storage
