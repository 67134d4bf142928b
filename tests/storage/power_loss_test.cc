// Power cuts under the real RocksDB command log: the engine runs on a file
// system that keeps what was not synced aside and drops it when the power
// goes (tests/storage/power_loss_fs.h); then the directory is opened again
// on the plain file system, and recovery replays the log and runs
// check_invariants.
//
// Three client threads hold one or two categories of a performance (all or
// nothing), confirm (wholly, or keeping part of each line) or release their
// own holds, on two shards; snapshots come every few dozen entries and, on
// half the seeds, a history file as often as the store writes one, so
// snapshot writes and SST ingestion meet the cut too. At a seeded number of
// acknowledgements one client cuts the power; each then sends a few more
// commands, which must all fail. After recovery:
//   - every order is in a state some reply allows: an acknowledged hold,
//     confirm or release is there as its reply said (sync; async may have
//     lost it), a command answered Unavailable or in flight at the cut may
//     have happened or not, a command sent after the cut has not;
//   - nothing is half applied: a live order has exactly the lines of its
//     hold (or of its confirm), and a live order nobody acknowledged is a
//     hold left unanswered before the cut;
//   - async loses only a tail: no acknowledged command survives on a shard
//     that lost one acknowledged before it was sent (the count lost is
//     printed);
//   - each category's availability is what the set-up left minus the units
//     of the live orders.
// A clean stop followed by a cut loses nothing, sync or async (the shards
// hash as they did at the stop); random write and sync errors before the cut
// change none of the sync guarantees. The interleaving is the threads' and
// RocksDB's background work is its own, so a seed is not an exact replay:
// TESSERA_SEED=n reruns one seed's choices.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "runtime/clock.h"
#include "storage/durable_engine.h"
#include "tests/engine/engine_clock.h"
#include "tests/engine/seeded.h"
#include "tests/storage/power_loss_fs.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace tessera::storage::power_loss_test {
namespace {

using engine::Command;
using engine::OrderId;
using engine::OrderState;
using engine::PerformanceId;
using engine::Reply;
using engine::ReplyCode;
using testing_support::PowerLossEnv;
using testing_support::PowerLossFs;
using testing_support::TempDir;

constexpr uint64_t kSeedsUnderLoad = 6;       // per durability
constexpr uint64_t kSeedsAfterCleanStop = 1;  // per durability
constexpr uint64_t kSeedsWithWriteErrors = 3;
constexpr double kWriteErrorProbability = 0.01;
constexpr int kClients = 3;
constexpr int kCommandsAfterCut = 8;  // per client
constexpr int kCommandsPerClientMax = 20'000;
constexpr engine::ContactId kContact = 7;
constexpr PerformanceId kPerformances[] = {1000, 1001};  // on shards 0 and 1
constexpr uint32_t kCategories = 3;
constexpr uint32_t kShards = 2;
constexpr int64_t kHoldTtlMs = 1'800'000;  // the product's longest hold; the clock stands still: nothing expires

enum class Mode { kCutUnderLoad, kCutAfterCleanStop, kWriteErrorsThenCut };

using Lines = std::vector<std::pair<uint32_t, uint32_t>>;  // (category, units), by category
// Units by (performance, category).
using Units = std::map<std::pair<uint32_t, uint32_t>, int64_t>;

// An order a client placed (its hold was acknowledged).
struct Placed {
  OrderId id = 0;
  PerformanceId performance = 0;
  Lines held;                            // as the hold asked
  Lines confirmed;                       // as the confirm kept (once one was sent)
  OrderState acked = OrderState::kHeld;  // the state the last acknowledged reply gave it
  bool confirm_unanswered = false;       // a confirm answered Unavailable or in flight at the cut
  bool release_unanswered = false;
};

// An acknowledged command, sent and answered at these steady-clock times.
struct Acked {
  enum Kind : uint8_t { kHold, kConfirm, kRelease };
  size_t placed = 0;  // index in Ledger::placed
  Kind kind = kHold;
  int64_t sent_ns = 0;
  int64_t answered_ns = 0;
};

struct UnansweredHold {
  PerformanceId performance = 0;
  Lines lines;
};

// What the clients saw.
struct Ledger {
  std::vector<Placed> placed;
  std::vector<Acked> acked;
  std::vector<UnansweredHold> unanswered_holds;  // sent before the cut
  uint64_t unanswered = 0;                       // commands sent before the cut, answered Unavailable
  uint64_t after_cut = 0;                        // commands sent after the cut
  std::vector<std::string> problems;             // found on the clients' threads, reported on the test's
};

// What the clients share during a run.
struct Cut {
  PowerLossFs* fs = nullptr;
  uint64_t at_acks = 0;       // the acknowledgement after which a client cuts the power (0: none)
  uint64_t stop_at_acks = 0;  // without a cut: the clients stop here
  bool errors = false;        // write errors are injected: the first Unavailable cuts the power
  std::atomic<uint64_t> acks{0};
  std::atomic<bool> done{false};  // power_loss() has returned
  std::atomic<bool> stop{false};
  std::mutex mutex;  // one cut

  void power_off() {
    std::lock_guard<std::mutex> lock(mutex);
    if (done.load()) return;
    fs->power_loss();
    done.store(true);
  }
};

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string describe(const Lines& lines) {
  std::string out;
  for (const auto& [category, units] : lines)
    out += (out.empty() ? "" : ", ") + std::to_string(units) + " in category " + std::to_string(category);
  return out.empty() ? "no lines" : out;
}

// One client thread: holds, then confirms or releases its own holds.
class Client {
 public:
  Client(DurableEngine& engine, Cut& cut, uint64_t seed, Ledger& out)
      : engine_(engine), cut_(cut), rng_(seed), out_(out) {}

  void run() {
    int after_cut_left = kCommandsAfterCut;
    for (int i = 0; i < kCommandsPerClientMax; ++i) {
      if (cut_.done.load()) {
        if (after_cut_left-- == 0) return;
      } else if (cut_.stop.load()) {
        return;
      }
      if (!open_.empty() && rng_() % 100 < 45) {
        settle();
      } else {
        hold();
      }
    }
    out_.problems.push_back("a client ran out of commands before the cut or the stop");
  }

 private:
  enum class Outcome { kAcked, kUnanswered, kNothing };

  // Classifies a reply (and cuts the power at the planned acknowledgement).
  Outcome outcome(const Reply& r, bool sent_after_cut, const std::string& what) {
    if (sent_after_cut) {
      ++out_.after_cut;
      if (r.ok()) out_.problems.push_back(what + " sent after the power cut was acknowledged");
      return Outcome::kNothing;
    }
    if (r.ok()) {
      const uint64_t acks = cut_.acks.fetch_add(1) + 1;
      if (acks == cut_.at_acks) cut_.power_off();
      if (cut_.stop_at_acks != 0 && acks >= cut_.stop_at_acks) cut_.stop.store(true);
      return Outcome::kAcked;
    }
    if (r.code != ReplyCode::kUnavailable) return Outcome::kNothing;  // refused or busy: nothing changed
    ++out_.unanswered;
    if (cut_.errors) {
      cut_.power_off();  // the storage failed: the process dies soon after
    } else if (cut_.fs->powered()) {
      out_.problems.push_back(what + " answered Unavailable with the power on: " + r.message);
    }
    return Outcome::kUnanswered;
  }

  void hold() {
    const PerformanceId performance = kPerformances[rng_() % 2];
    Lines lines;
    const uint32_t first = 1 + static_cast<uint32_t>(rng_() % kCategories);
    lines.emplace_back(first, 1 + static_cast<uint32_t>(rng_() % 4));
    if (rng_() % 3 == 0)  // two quotas: all or nothing
      lines.emplace_back(1 + first % kCategories, 1 + static_cast<uint32_t>(rng_() % 4));
    std::sort(lines.begin(), lines.end());
    engine::Hold h{kContact, workload::kBoxOffice, {}, kHoldTtlMs};
    for (const auto& [category, units] : lines)
      h.lines.push_back(workload::demo_line(performance, workload::kProductRelease, category, units));
    const bool after_cut = cut_.done.load();
    const int64_t sent = now_ns();
    const Reply r = engine_.shards->call(Command{0, std::move(h)});
    const int64_t answered = now_ns();
    switch (outcome(r, after_cut, "a hold")) {
      case Outcome::kAcked: {
        Placed p;
        p.id = r.order;
        p.performance = performance;
        p.held = lines;
        out_.placed.push_back(std::move(p));
        out_.acked.push_back(Acked{out_.placed.size() - 1, Acked::kHold, sent, answered});
        open_.push_back(out_.placed.size() - 1);
        break;
      }
      case Outcome::kUnanswered:
        out_.unanswered_holds.push_back(UnansweredHold{performance, lines});
        break;
      case Outcome::kNothing:
        break;
    }
  }

  void settle() {
    const size_t slot = rng_() % open_.size();
    const size_t index = open_[slot];
    Placed& p = out_.placed[index];
    const bool release = rng_() % 100 < 55;
    Lines kept = p.held;
    Command c{0, engine::Release{p.id}};
    if (!release) {
      engine::Confirm confirm{p.id, {}};
      if (rng_() % 3 == 0) {  // keeps part of each line; the rest returns
        for (auto& line : kept) {
          line.second = 1 + static_cast<uint32_t>(rng_() % line.second);
          confirm.keep.push_back(line.second);
        }
      }
      c = Command{0, std::move(confirm)};
    }
    const bool after_cut = cut_.done.load();
    const int64_t sent = now_ns();
    const Reply r = engine_.shards->call(std::move(c));
    const int64_t answered = now_ns();
    const std::string what = release ? "a release" : "a confirm";
    switch (outcome(r, after_cut, what)) {
      case Outcome::kAcked:
        p.acked = release ? OrderState::kReleased : OrderState::kConfirmed;
        if (!release) p.confirmed = kept;
        out_.acked.push_back(Acked{index, release ? Acked::kRelease : Acked::kConfirm, sent, answered});
        open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(slot));
        break;
      case Outcome::kUnanswered:
        (release ? p.release_unanswered : p.confirm_unanswered) = true;
        if (!release) p.confirmed = kept;
        open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(slot));  // nothing more is sent about it
        break;
      case Outcome::kNothing:
        if (!after_cut && r.code != ReplyCode::kBusy)
          out_.problems.push_back(what + " of a hold refused: " + r.message);
        break;
    }
  }

  DurableEngine& engine_;
  Cut& cut_;
  std::mt19937_64 rng_;
  Ledger& out_;
  std::vector<size_t> open_;  // held orders this client may settle (indexes in out_.placed)
};

Ledger merged(std::vector<Ledger> ledgers) {
  Ledger all;
  for (Ledger& l : ledgers) {
    const size_t first = all.placed.size();
    for (Acked a : l.acked) {
      a.placed += first;
      all.acked.push_back(a);
    }
    std::move(l.placed.begin(), l.placed.end(), std::back_inserter(all.placed));
    std::move(l.unanswered_holds.begin(), l.unanswered_holds.end(), std::back_inserter(all.unanswered_holds));
    std::move(l.problems.begin(), l.problems.end(), std::back_inserter(all.problems));
    all.unanswered += l.unanswered;
    all.after_cut += l.after_cut;
  }
  return all;
}

void define_catalog(DurableEngine& e) {
  for (const Command& c : workload::demo_catalog()) ASSERT_TRUE(e.shards->call(c).ok());
  workload::DemoVenue venue;
  venue.first_performance = kPerformances[0];
  venue.performances = 2;
  venue.capacity_per_performance = 100'000;  // holds of a few units never sell out
  for (const Command& c : workload::demo_performances(venue, workload::kProductRelease))
    ASSERT_TRUE(e.shards->call(c).ok());
  ASSERT_TRUE(e.shards->call(workload::demo_contact(kContact)).ok());
}

Units availability(DurableEngine& e) {
  Units out;
  for (const PerformanceId p : kPerformances) {
    for (uint32_t category = 1; category <= kCategories; ++category) {
      const Reply r = e.shards->call(
          Command{0, engine::GetAvailability{p, category, engine::kNone, workload::kBoxOffice, engine::kNone}});
      EXPECT_TRUE(r.ok()) << r.message;
      out[{p.value(), category}] = r.value;
    }
  }
  return out;
}

// An order as the recovered engine shows it (memory or history).
struct Seen {
  bool found = false;
  OrderState state = OrderState::kHeld;
  PerformanceId performance = 0;
  Lines lines;
};

Seen read_order(DurableEngine& e, OrderId id) {
  const Reply r = e.shards->call(Command{0, engine::GetOrderRecord{id}});
  Seen seen;
  if (r.code == ReplyCode::kNotFound) return seen;
  EXPECT_TRUE(r.ok() && r.detail) << "order " << id << ": " << r.message;
  if (!r.ok() || !r.detail) return seen;
  const auto& record = std::get<engine::OrderRecord>(r.detail->value);
  seen.found = true;
  seen.state = record.state;
  for (const engine::OrderRecordLine& line : record.lines) {
    seen.performance = line.performance;
    seen.lines.emplace_back(line.category.value(), line.quantity);
  }
  std::sort(seen.lines.begin(), seen.lines.end());
  return seen;
}

std::vector<engine::OrderSummary> live_orders(DurableEngine& e, PerformanceId performance) {
  constexpr uint16_t kLive =
      (1u << static_cast<unsigned>(OrderState::kHeld)) | (1u << static_cast<unsigned>(OrderState::kConfirmed));
  std::vector<engine::OrderSummary> out;
  OrderId after = 0;
  do {
    const Reply r = e.shards->call(
        Command{0, engine::ListOrders{engine::kNone, performance, kLive, after, engine::kOrderListRowsMax, false}});
    EXPECT_TRUE(r.ok() && r.detail) << r.message;
    if (!r.ok() || !r.detail) break;
    const auto& page = std::get<engine::OrderPage>(r.detail->value);
    out.insert(out.end(), page.orders.begin(), page.orders.end());
    after = page.next_after;
  } while (after != OrderId{0});
  return out;
}

// Checks one placed order's recovered state against the replies; true iff
// it shows a command that was never answered.
bool check_placed(const Placed& p, const Seen& seen, bool acks_durable) {
  SCOPED_TRACE(testing::Message() << "order " << p.id << ", acknowledged " << engine::order_state_name(p.acked));
  if (!seen.found) {
    EXPECT_FALSE(acks_durable) << "an acknowledged hold is lost";
    return false;
  }
  switch (seen.state) {
    case OrderState::kHeld:
      EXPECT_TRUE(p.acked == OrderState::kHeld || !acks_durable) << "an acknowledged command is undone";
      EXPECT_EQ(seen.performance, p.performance);
      EXPECT_EQ(seen.lines, p.held) << "held: " << describe(seen.lines);
      return false;
    case OrderState::kConfirmed:
      EXPECT_TRUE(p.acked == OrderState::kConfirmed || p.confirm_unanswered)
          << "confirmed, though no confirm was sent before the cut";
      EXPECT_EQ(seen.performance, p.performance);
      EXPECT_EQ(seen.lines, p.confirmed) << "confirmed: " << describe(seen.lines);
      return p.acked != OrderState::kConfirmed;
    case OrderState::kReleased:
      EXPECT_TRUE(p.acked == OrderState::kReleased || p.release_unanswered)
          << "released, though no release was sent before the cut";
      return p.acked != OrderState::kReleased;
    default:
      ADD_FAILURE() << "in state " << engine::order_state_name(seen.state);
      return false;
  }
}

bool survived(const Acked& a, const Seen& seen) {
  switch (a.kind) {
    case Acked::kHold:
      return seen.found;
    case Acked::kConfirm:
      return seen.found && seen.state == OrderState::kConfirmed;
    case Acked::kRelease:
      return seen.found && seen.state == OrderState::kReleased;
  }
  return false;
}

// A shard recovers a prefix of its log: once an acknowledged command is
// lost, nothing sent after its answer survives. Returns the acknowledged
// commands lost.
uint64_t check_prefix(const Ledger& all, const std::vector<Seen>& seen) {
  uint64_t lost = 0;
  for (uint32_t shard = 0; shard < kShards; ++shard) {
    int64_t first_lost_answer = std::numeric_limits<int64_t>::max();
    for (const Acked& a : all.acked) {
      if (engine::order_shard(all.placed[a.placed].id) != shard || survived(a, seen[a.placed])) continue;
      ++lost;
      first_lost_answer = std::min(first_lost_answer, a.answered_ns);
    }
    for (const Acked& a : all.acked) {
      if (engine::order_shard(all.placed[a.placed].id) != shard || !survived(a, seen[a.placed])) continue;
      EXPECT_LE(a.sent_ns, first_lost_answer)
          << "shard " << shard << ": order " << all.placed[a.placed].id << "'s command (kind " << int{a.kind}
          << ") survived, sent after an acknowledged command the shard lost had been answered";
    }
  }
  return lost;
}

struct Tally {
  uint64_t acked = 0;
  uint64_t lost = 0;
  uint64_t unanswered_applied = 0;  // unanswered commands that took effect
};

// The units of the live orders; each one nobody acknowledged must be a hold
// left unanswered before the cut, each of those explaining one order.
Units live_units(DurableEngine& e, const Ledger& all, const std::vector<Seen>& seen, Tally* tally) {
  std::map<OrderId, size_t> placed;
  for (size_t i = 0; i < all.placed.size(); ++i) placed[all.placed[i].id] = i;
  std::multiset<std::pair<uint32_t, Lines>> unanswered;
  for (const UnansweredHold& h : all.unanswered_holds) unanswered.insert({h.performance.value(), h.lines});
  Units used;
  size_t placed_listed = 0;
  for (const PerformanceId performance : kPerformances) {
    for (const engine::OrderSummary& row : live_orders(e, performance)) {
      const auto known = placed.find(row.order);
      const Seen s = known != placed.end() ? seen[known->second] : read_order(e, row.order);
      EXPECT_TRUE(s.found && s.state == row.state) << "order " << row.order << " listed live";
      if (known != placed.end()) {
        ++placed_listed;
      } else {
        const auto hold = unanswered.find({performance.value(), s.lines});
        if (hold == unanswered.end()) {
          ADD_FAILURE() << "order " << row.order << " (" << describe(s.lines) << " of performance " << performance
                        << ") is live, but no hold that could have placed it was left unanswered before the cut";
        } else {
          unanswered.erase(hold);
          ++tally->unanswered_applied;
        }
      }
      for (const auto& [category, units] : s.lines) used[{performance.value(), category}] += units;
    }
  }
  const auto live = [](const Seen& s) {
    return s.found && (s.state == OrderState::kHeld || s.state == OrderState::kConfirmed);
  };
  EXPECT_EQ(placed_listed, static_cast<size_t>(std::count_if(seen.begin(), seen.end(), live)))
      << "a live order is missing from its performance's list";
  return used;
}

// Checks the recovered engine against what the clients saw (see the top).
Tally check_recovered(DurableEngine& e, const Ledger& all, bool acks_durable, const Units& base) {
  for (const std::string& problem : all.problems) ADD_FAILURE() << problem;
  Tally tally;
  tally.acked = all.acked.size();
  std::vector<Seen> seen;
  for (const Placed& p : all.placed) {
    seen.push_back(read_order(e, p.id));
    if (check_placed(p, seen.back(), acks_durable)) ++tally.unanswered_applied;
  }
  tally.lost = check_prefix(all, seen);
  if (acks_durable) {
    EXPECT_EQ(tally.lost, 0u) << "acknowledged commands lost";
  }
  const Units used = live_units(e, all, seen, &tally);
  const Units now = availability(e);
  for (const auto& [key, units] : base) {
    const auto in_use = used.find(key);
    EXPECT_EQ(now.at(key), units - (in_use == used.end() ? 0 : in_use->second))
        << "availability of performance " << key.first << " category " << key.second;
  }
  return tally;
}

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::kCutUnderLoad:
      return "cut under load";
    case Mode::kCutAfterCleanStop:
      return "cut after a clean stop";
    case Mode::kWriteErrorsThenCut:
      return "write errors, then cut";
  }
  return "?";
}

class PowerLoss : public ::testing::Test {
 protected:
  // One seeded run (see the top); prints what it counted.
  void run(uint64_t seed, Durability durability, Mode mode) {
    TempDir root;
    PowerLossEnv power(root.path() + "/stash");
    runtime::ManualClock clock(engine::kT0);
    std::mt19937_64 rng(seed);
    EngineOptions o;
    o.data_dir = root.path() + "/data";
    o.shards = kShards;
    o.snapshot_every_entries = 30 + rng() % 150;
    o.snapshot_every_ms = std::numeric_limits<int64_t>::max() / 2;
    o.history_file_age_ms = rng() % 2 == 0 ? 0 : kHistoryFileAgeMaxMs;  // 0: a file at each of the store's turns
    o.env = power.env.get();
    Units base;
    {  // the set-up, then a clean stop (which syncs): the directory every run starts from
      o.durability = Durability::kAsync;
      Result<DurableEngine> e = open_durable_engine(o, clock);
      ASSERT_TRUE(e.is_ok()) << e.status().to_string();
      ASSERT_NO_FATAL_FAILURE(define_catalog(e.value()));
      base = availability(e.value());
    }
    const bool synced_acks = durability == Durability::kSync;
    Cut cut;
    cut.fs = power.fs.get();
    cut.errors = mode == Mode::kWriteErrorsThenCut;
    if (mode == Mode::kCutAfterCleanStop) {
      cut.stop_at_acks = 100 + rng() % 200;
    } else {
      cut.at_acks = cut.errors ? 300 : synced_acks ? 20 + rng() % 100 : 100 + rng() % 600;
    }
    std::vector<Ledger> ledgers(kClients);
    std::vector<uint64_t> hashes_at_stop;
    {
      o.durability = durability;
      Result<DurableEngine> e = open_durable_engine(o, clock);
      ASSERT_TRUE(e.is_ok()) << e.status().to_string();
      if (cut.errors) power.fs->random_write_errors(kWriteErrorProbability, seed);
      std::vector<std::thread> clients;
      for (int c = 0; c < kClients; ++c)
        clients.emplace_back([&, c] { Client(e.value(), cut, seed * 1000 + c, ledgers[c]).run(); });
      for (std::thread& t : clients) t.join();
      if (mode == Mode::kCutAfterCleanStop) {
        e->shards->stop();
        for (uint32_t s = 0; s < e->shards->size(); ++s)
          hashes_at_stop.push_back(e->shards->runner(s).shard().state_hash());
      }
    }  // stopped: after a cut nothing more reaches the disk; a clean stop syncs
    const uint64_t injected = power.fs->injected_errors();
    if (mode == Mode::kCutAfterCleanStop) cut.power_off();
    ASSERT_TRUE(cut.done.load()) << "the power was never cut";
    PowerLossFs::DropStats dropped;
    const rocksdb::IOStatus drop = power.fs->drop_unsynced(&dropped);
    ASSERT_TRUE(drop.ok()) << drop.ToString();

    o.env = nullptr;  // the machine restarts on its plain file system
    Result<DurableEngine> again = open_durable_engine(o, clock);
    ASSERT_TRUE(again.is_ok()) << "recovery after the cut: " << again.status().to_string();
    for (size_t s = 0; s < hashes_at_stop.size(); ++s)
      EXPECT_EQ(again->recovery[s].state_hash, hashes_at_stop[s]) << "shard " << s << " differs from its clean stop";
    const Ledger all = merged(std::move(ledgers));
    const Tally tally = check_recovered(again.value(), all, synced_acks || mode == Mode::kCutAfterCleanStop, base);
    std::printf(
        "[ power    ] %s, %s, seed %llu: %llu acknowledged, %llu of them lost; %llu answered Unavailable before the "
        "cut, %llu unanswered commands applied; %llu sent after it; %llu write errors injected; dropped %llu "
        "unsynced bytes in %llu files (%llu in-place bytes put back), deleted %llu new names, restored %llu\n",
        std::string(durability_name(durability)).c_str(), mode_name(mode), static_cast<unsigned long long>(seed),
        static_cast<unsigned long long>(tally.acked), static_cast<unsigned long long>(tally.lost),
        static_cast<unsigned long long>(all.unanswered), static_cast<unsigned long long>(tally.unanswered_applied),
        static_cast<unsigned long long>(all.after_cut), static_cast<unsigned long long>(injected),
        static_cast<unsigned long long>(dropped.bytes_dropped),
        static_cast<unsigned long long>(dropped.files_truncated),
        static_cast<unsigned long long>(dropped.bytes_restored), static_cast<unsigned long long>(dropped.names_deleted),
        static_cast<unsigned long long>(dropped.names_restored));
  }
};

TEST_F(PowerLoss, SyncCutUnderLoad_EveryAcknowledgedCommandSurvivesWhole) {
  testing_support::for_each_seed(kSeedsUnderLoad,
                                 [this](uint64_t seed) { run(seed, Durability::kSync, Mode::kCutUnderLoad); });
}

TEST_F(PowerLoss, AsyncCutUnderLoad_LosesOnlyATailOfAcknowledgements_NothingHalfApplied) {
  testing_support::for_each_seed(kSeedsUnderLoad,
                                 [this](uint64_t seed) { run(seed, Durability::kAsync, Mode::kCutUnderLoad); });
}

TEST_F(PowerLoss, CleanStopThenCut_SyncLosesNothing) {
  testing_support::for_each_seed(kSeedsAfterCleanStop,
                                 [this](uint64_t seed) { run(seed, Durability::kSync, Mode::kCutAfterCleanStop); });
}

TEST_F(PowerLoss, CleanStopThenCut_AsyncLosesNothing) {
  testing_support::for_each_seed(kSeedsAfterCleanStop,
                                 [this](uint64_t seed) { run(seed, Durability::kAsync, Mode::kCutAfterCleanStop); });
}

TEST_F(PowerLoss, WriteErrorsThenCut_EveryAcknowledgedCommandSurvivesWhole) {
  testing_support::for_each_seed(kSeedsWithWriteErrors,
                                 [this](uint64_t seed) { run(seed, Durability::kSync, Mode::kWriteErrorsThenCut); });
}

}  // namespace
}  // namespace tessera::storage::power_loss_test
