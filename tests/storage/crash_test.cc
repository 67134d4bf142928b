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
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "engine/command_registry.h"
#include "engine/idempotency.h"
#include "engine/reply_detail.h"
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

pid_t spawn_child(const std::string& dir, uint64_t seed, const std::string& ack, const char* mode = nullptr) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string seed_text = std::to_string(seed);
    ::execl(TESSERA_CRASH_CHILD, TESSERA_CRASH_CHILD, dir.c_str(), seed_text.c_str(), ack.c_str(), mode,
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// The child's data directory, started as a server would (the next start
// completes what a kill cut off).
Result<DurableEngine> open_two_shards(const std::string& data, runtime::ManualClock& clock) {
  EngineOptions o;
  o.data_dir = data;
  o.shards = 2;
  return open_durable_engine(o, clock);
}

// Waits for the child's "ready" line (false: it exited first).
bool wait_ready(pid_t pid, const std::string& ack_path) {
  bool ready = false;
  for (int i = 0; i < 60'000 && !ready; ++i) {  // generous: sanitizer builds start slowly
    read_acks(ack_path, &ready);
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) != 0) return false;
  }
  return ready;
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
    bool ready = wait_ready(pid, ack_path);
    ASSERT_TRUE(ready) << "the child exited early";
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
  auto engine = open_two_shards(data, clock);
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

// Pre-registrations killed mid-way (the child's "prereg" mode: each
// request on both shards, integrated by method 2 as soon as it is placed).
// After every kill and start: every request the child saw acknowledged is
// there, placed on both shards; every integration it saw acknowledged is
// booked on both; and each request is in exactly one place — pending, or
// booked for contact 20 on every shard it spans, never filed — once the
// ones a kill caught between the two shards' integrations are integrated
// again.
TEST(CrashTest, KilledDuringPreRegistrations_EachRequestEndsInExactlyOnePlace) {
  testing_support::TempDir dir;
  const std::string ack_path = dir.path() + "/acks";
  const std::string data = dir.path() + "/data";
  std::mt19937_64 rng(777);
  std::set<uint64_t> submitted, integrated;
  for (int cycle = 0; cycle < 6; ++cycle) {
    SCOPED_TRACE(testing::Message() << "cycle " << cycle);
    std::remove(ack_path.c_str());
    const pid_t pid = spawn_child(data, 2000 + cycle, ack_path, "prereg");
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(wait_ready(pid, ack_path)) << "the child exited early";
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 300));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::ifstream in(ack_path);
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      std::string what;
      uint64_t id = 0;
      if (!(fields >> what >> id)) continue;  // "ready", or a line the kill cut
      (what == "integrated" ? integrated : submitted).insert(id);
    }

    runtime::ManualClock clock(1'790'000'000'000);
    auto engine = open_two_shards(data, clock);
    ASSERT_TRUE(engine.is_ok()) << engine.status().to_string();
    runtime::ShardSet& shards = *engine->shards;
    auto all_rows = [&shards] {
      std::map<uint64_t, engine::PreRegRow> rows;
      for (uint64_t after = 0;;) {
        const engine::Reply r = shards.call(engine::Command{0, engine::ListPreRegistrations{0b1111, 0, after, 500}});
        EXPECT_TRUE(r.ok()) << r.message;
        if (!r.ok()) break;
        const auto& page = std::get<engine::PreRegPage>(r.detail->value);
        for (const engine::PreRegRow& row : page.rows) rows[row.id] = row;
        if (page.next_after == 0) break;
        after = page.next_after;
      }
      return rows;
    };
    std::map<uint64_t, engine::PreRegRow> rows = all_rows();
    std::vector<uint64_t> half_done;
    for (uint64_t id : submitted) {
      ASSERT_EQ(rows.count(id), 1u) << "acknowledged request " << id << " is missing";
      EXPECT_TRUE(rows[id].missing_shards.empty()) << id;
    }
    for (uint64_t id : integrated) EXPECT_EQ(rows[id].status, engine::PreRegStatus::kBooked) << id;
    for (const auto& [id, row] : rows) {
      EXPECT_TRUE(row.status == engine::PreRegStatus::kPending || row.status == engine::PreRegStatus::kBooked)
          << id << " is " << static_cast<int>(row.status);
      if (row.status == engine::PreRegStatus::kPending && row.missing_shards.empty()) half_done.push_back(id);
    }
    // What a kill left pending (whole, or one shard's part integrated) is integrated now.
    if (!half_done.empty()) {
      engine::IntegrationOptions method;
      method.method = engine::IntegrationMethod::kIdentifiedBooked;
      const engine::Command ask{0, engine::IntegratePreRegistrations{half_done, method}, 4};
      runtime::WaitableCompletion done;
      shards.integrate_pre_registrations(ask, shards.call(ask), &done);
      const engine::Reply& r = done.wait();
      ASSERT_TRUE(r.ok()) << r.message;
      for (const engine::PreRegResult& x : std::get<engine::PreRegResults>(r.detail->value).results)
        EXPECT_TRUE(x.outcome == engine::PreRegOutcome::kBooked || x.outcome == engine::PreRegOutcome::kWrongStatus)
            << x.id << ": " << x.reason;
      rows = all_rows();
    }
    for (const auto& [id, row] : rows) {
      if (!row.missing_shards.empty()) continue;  // a submission the kill cut: never acknowledged
      EXPECT_EQ(row.status, engine::PreRegStatus::kBooked) << id;
      EXPECT_EQ(row.orders.size(), 2u) << id;
      for (engine::OrderId order : row.orders) {
        const engine::Reply r = shards.call(engine::Command{0, engine::GetOrderRecord{order}});
        ASSERT_TRUE(r.ok()) << r.message;
        EXPECT_EQ(std::get<engine::OrderRecord>(r.detail->value).contact, engine::ContactId{20}) << id;
      }
    }
    const engine::Reply leads = shards.call(engine::Command{0, engine::ListLeads{0, "", 0, 0, 10}});
    EXPECT_EQ(leads.value, 0) << "nothing was filed";
  }
  EXPECT_GT(submitted.size(), 6u);
}

}  // namespace
}  // namespace tessera::storage
