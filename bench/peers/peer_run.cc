// run_peer: worker threads, the on-sale / rush rounds, the sweeper, the
// expiry measurement and the recount check.
#include "bench/peers/peer_run.h"

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "engine/command.h"
#include "tools/load/loopback.h"
#include "tools/options/typed_options.h"

namespace tessera::bench {

using engine::cat;
using Clock = std::chrono::steady_clock;
using tools::LoadMix;

namespace {

constexpr int64_t kSweepAllMs = int64_t{1} << 60;  // "now" that every hold is expired at

int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Shared {
  std::atomic<bool> stop{false};    // time is up: no new holds
  std::atomic<bool> failed{false};  // a call failed: every thread ends now
  std::atomic<uint64_t> ops{0}, holds{0}, holds_ok{0}, sold_out{0}, released{0};
  std::array<std::atomic<int64_t>, tools::kRushCategory + 1> confirmed_units{};
  tools::LatencyHistogram latency;
  std::mutex mutex;
  std::string first_error;

  void fail(const Status& s) {
    std::lock_guard<std::mutex> lock(mutex);
    if (first_error.empty()) first_error = s.to_string();
    failed.store(true);
    stop.store(true);
  }
};

struct Held {
  int64_t hold;
  uint32_t category, quantity;
  tools::FollowUp follow_up;
};

// Open loop: how long a sleep waits at most before looking at the stop flag.
constexpr std::chrono::milliseconds kPaceSliceMs{5};

// One thread of the onsale, rush or hold-release mix: rounds until stopped
// or sold out.
class Worker {
 public:
  Worker(const PeerOptions& o, uint32_t round_ops, uint32_t index, uint64_t seed, Shared& shared)
      : o_(o),
        round_ops_(round_ops),
        index_(index),
        plan_(seed),
        rng_(seed),
        quantity_max_(o.rush_quantity_max),
        next_category_(index % tools::kVenueGaCategories),
        shared_(shared) {}

  void run(PeerSession& session) {
    std::vector<PeerOp> ops;
    std::vector<Held> notes;
    std::vector<int64_t> results;
    // Open loop: this thread's rounds are every connections * round_ops /
    // rate seconds, offset by its index (round robin, as tessera-load's pacer).
    const auto origin = Clock::now();
    const double round_ns = o_.rate ? 1e9 * round_ops_ / static_cast<double>(o_.rate) : 0;
    // After the stop no new holds, but what is held is still followed up
    // (a rush confirms every hold it got, as tessera-load does; hold-release
    // leaves its holds to expire, as tessera-load's does).
    for (uint64_t k = 0; !shared_.failed.load(std::memory_order_relaxed); ++k) {
      ops.clear();
      notes.clear();
      bool new_holds = !shared_.stop.load(std::memory_order_relaxed);
      std::optional<Clock::time_point> due;  // open loop: when this round was due
      if (new_holds && o_.rate > 0) {
        due = origin + std::chrono::nanoseconds(
                           static_cast<int64_t>(round_ns * static_cast<double>(k * o_.connections + index_)));
        new_holds = wait_until(*due);
        if (!new_holds) due.reset();  // time is up: the follow-ups go at once
      }
      if (!new_holds && o_.mix == LoadMix::kHoldRelease) held_.clear();
      build(ops, notes, new_holds);
      if (ops.empty()) return;  // stopped (or sold out) and every hold followed up
      const auto start = due.value_or(Clock::now());
      if (Status s = session.run(ops, results); !s.is_ok()) return shared_.fail(s);
      // Closed loop: from the send; open loop: from the time the round was due.
      shared_.latency.record(static_cast<uint64_t>(
          std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count())));
      shared_.ops.fetch_add(ops.size(), std::memory_order_relaxed);
      for (size_t i = 0; i < ops.size(); ++i) done(ops[i], notes[i], results[i]);
    }
  }

 private:
  // Sleeps until `due` (at once if past); false if the time is up meanwhile.
  bool wait_until(Clock::time_point due) const {
    for (auto now = Clock::now(); now < due; now = Clock::now()) {
      if (shared_.stop.load(std::memory_order_relaxed)) return false;
      std::this_thread::sleep_until(std::min(due, now + kPaceSliceMs));
    }
    return !shared_.stop.load(std::memory_order_relaxed);
  }

  void build(std::vector<PeerOp>& ops, std::vector<Held>& notes, bool new_holds) {
    const int64_t now = wall_now_ms();
    while (!held_.empty() && ops.size() < round_ops_) {
      const Held& h = held_.front();
      const bool confirm = h.follow_up == tools::FollowUp::kConfirm;
      ops.push_back(PeerOp{confirm ? PeerOpKind::kConfirm : PeerOpKind::kRelease, h.category, h.quantity, h.hold, now});
      notes.push_back(h);
      held_.pop_front();
    }
    while (new_holds && ops.size() < round_ops_) {
      Held note{0, tools::kRushCategory, 1, tools::FollowUp::kConfirm};
      bool seated = false;
      int64_t ttl_ms = tools::kOnSaleHoldTtlMs;
      if (o_.mix == LoadMix::kHoldRelease) {
        note = Held{0, 1 + next_category_, 1, tools::FollowUp::kRelease};
        next_category_ = (next_category_ + 1) % tools::kVenueGaCategories;
        ttl_ms = kPeerHoldReleaseTtlMs;
      } else if (o_.mix == LoadMix::kRush) {
        if (quantity_max_ == 0) break;
        note.quantity = std::uniform_int_distribution<uint32_t>(1, quantity_max_)(rng_);
      } else {
        const tools::OnSaleHold draw = plan_.next();
        note = Held{0, draw.category, draw.quantity, draw.follow_up};
        seated = draw.seated;
      }
      ops.push_back(
          PeerOp{seated ? PeerOpKind::kHoldSeats : PeerOpKind::kHold, note.category, note.quantity, 0, now + ttl_ms});
      notes.push_back(note);
    }
  }

  void done(const PeerOp& op, Held note, int64_t result) {
    if (op.kind == PeerOpKind::kConfirm) {
      if (result == 1) shared_.confirmed_units[note.category].fetch_add(note.quantity, std::memory_order_relaxed);
      return;
    }
    if (op.kind == PeerOpKind::kRelease) {
      if (result == 1) shared_.released.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    shared_.holds.fetch_add(1, std::memory_order_relaxed);
    if (result > 0) {
      shared_.holds_ok.fetch_add(1, std::memory_order_relaxed);
      note.hold = result;
      if (note.follow_up != tools::FollowUp::kExpire) held_.push_back(note);
    } else {
      shared_.sold_out.fetch_add(1, std::memory_order_relaxed);
      // A rush's stock only goes down: q units will never fit again.
      if (o_.mix == LoadMix::kRush) quantity_max_ = std::min(quantity_max_, note.quantity - 1);
    }
  }

  const PeerOptions& o_;
  uint32_t round_ops_;
  uint32_t index_;  // this thread's place in the open loop's round robin
  tools::OnSalePlan plan_;
  std::mt19937_64 rng_;
  uint32_t quantity_max_;
  uint32_t next_category_;  // hold-release: GA categories round robin (0-based)
  Shared& shared_;
  std::deque<Held> held_;
};

// Releases expired holds until `stop`, like a cron job.
void sweep_until_stopped(PeerSession& session, Shared& shared, const std::atomic<bool>& stop) {
  while (!stop.load()) {
    auto n = session.sweep(wall_now_ms(), kSweepLimit);
    if (!n.is_ok()) return shared.fail(n.status());
    if (*n < kSweepLimit) std::this_thread::sleep_for(std::chrono::milliseconds(kSweepPauseMs));
  }
}

// Releases every hold expired at `now_ms`; returns how many.
Result<int64_t> sweep_all(PeerSession& session, int64_t now_ms, tools::LatencyHistogram* latency) {
  int64_t total = 0;
  for (;;) {
    const auto start = Clock::now();
    auto n = session.sweep(now_ms, kSweepLimit);
    if (!n.is_ok()) return n.status();
    if (latency)
      latency->record(static_cast<uint64_t>(
          std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count())));
    total += *n;
    if (*n == 0) return total;
  }
}

// Runs `body(index, session)` on `count` threads, each with its own session.
Status on_threads(PeerSystem& peer, uint32_t count, Shared& shared,
                  const std::function<void(uint32_t, PeerSession&)>& body) {
  std::vector<std::unique_ptr<PeerSession>> sessions;
  for (uint32_t i = 0; i < count; ++i) {
    auto s = peer.connect();
    if (!s.is_ok()) return s.status();
    sessions.push_back(std::move(s.value()));
  }
  std::vector<std::thread> threads;
  for (uint32_t i = 0; i < count; ++i) threads.emplace_back([&, i] { body(i, *sessions[i]); });
  for (auto& t : threads) t.join();
  std::lock_guard<std::mutex> lock(shared.mutex);
  if (!shared.first_error.empty()) return Status::internal(shared.first_error);
  return Status::ok();
}

// Sold / oversold from the peer's own state; stock must add up per category.
void check(PeerSystem& peer, const PeerOptions& o, const Shared& shared, PeerReport& r) {
  auto recount = peer.recount();
  if (!recount.is_ok()) {
    r.verdict = cat("FAIL: recount: ", recount.status().to_string());
    return;
  }
  std::string mismatches;
  for (uint32_t k = 1; k <= tools::kRushCategory; ++k) {
    const int64_t sold = recount->sold_units[k], cap = peer_capacity(k, o.rush_capacity);
    r.sold_units += static_cast<uint64_t>(sold);
    r.oversold_units += static_cast<uint64_t>(std::max<int64_t>(0, sold - cap));
    if (sold != shared.confirmed_units[k].load() || sold + recount->available[k] != cap)
      mismatches += cat(" category ", k, ": confirmed ", shared.confirmed_units[k].load(), " sold ", sold,
                        " available ", recount->available[k], " capacity ", cap, ";");
  }
  r.oversold_units += static_cast<uint64_t>(std::max<int64_t>(0, recount->seats_sold_twice));
  if (r.oversold_units) {
    r.verdict = cat("FAIL: oversold ", r.oversold_units, " units");
  } else if (!mismatches.empty()) {
    r.verdict = cat("FAIL: stock does not add up:", mismatches);
  } else {
    r.pass = true;
    r.verdict = cat("PASS: ", r.sold_units, " units sold = confirmed by the clients; sold + available = capacity");
  }
}

Status run_rounds(const PeerOptions& o, PeerSystem& peer, Shared& shared, PeerReport& r) {
  const uint32_t round_ops = std::min(o.pipeline, peer.ops_per_round_trip_max());
  r.pipeline = round_ops;
  std::atomic<bool> sweeper_stop{false};
  std::thread sweeper;
  std::unique_ptr<PeerSession> sweeper_session;
  if (o.mix == LoadMix::kOnSale) {
    auto s = peer.connect();
    if (!s.is_ok()) return s.status();
    sweeper_session = std::move(s.value());
    sweeper = std::thread([&] { sweep_until_stopped(*sweeper_session, shared, sweeper_stop); });
  }
  std::thread timer([&] {
    const auto end = Clock::now() + std::chrono::seconds(o.duration_s);
    while (!shared.stop.load() && Clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    shared.stop.store(true);
  });
  const auto start = Clock::now();
  std::vector<std::unique_ptr<Worker>> workers;
  for (uint32_t i = 0; i < o.connections; ++i)
    workers.push_back(std::make_unique<Worker>(o, round_ops, i, o.seed * 1000 + i + 1, shared));
  Status status = on_threads(peer, o.connections, shared, [&](uint32_t i, PeerSession& s) { workers[i]->run(s); });
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  shared.stop.store(true);
  timer.join();
  sweeper_stop.store(true);
  if (sweeper.joinable()) sweeper.join();
  if (!status.is_ok()) return status;
  // No client holds anything any more (holds left to expire, or whose
  // confirm came after the TTL on a stalled machine): sweep them all as of
  // the far future, so the stock adds up.
  auto session = peer.connect();
  if (!session.is_ok()) return session.status();
  if (auto n = sweep_all(**session, kSweepAllMs, nullptr); !n.is_ok()) return n.status();
  return Status::ok();
}

Status run_expiry(const PeerOptions& o, PeerSystem& peer, Shared& shared, PeerReport& r) {
  const int64_t due_ms = wall_now_ms() + kPeerExpiryLeadMs;
  const uint32_t round_ops = std::min(o.pipeline, peer.ops_per_round_trip_max());
  Status booked = on_threads(peer, o.connections, shared, [&](uint32_t i, PeerSession& s) {
    std::vector<PeerOp> ops;
    std::vector<int64_t> results;
    for (uint32_t k = i; k < o.expiry_options;) {
      ops.clear();
      for (; k < o.expiry_options && ops.size() < round_ops; k += o.connections)
        ops.push_back(PeerOp{PeerOpKind::kHold, 1 + k % tools::kVenueGaCategories, 1, 0, due_ms});
      if (Status st = s.run(ops, results); !st.is_ok()) return shared.fail(st);
      for (int64_t id : results)
        if (id <= 0) return shared.fail(Status::internal("expiry: an option was refused"));
    }
  });
  if (!booked.is_ok()) return booked;
  // The options are all due at due_ms: sweep "as of" that instant, in parallel.
  const auto start = Clock::now();
  Status swept = on_threads(peer, o.connections, shared, [&](uint32_t, PeerSession& s) {
    tools::LatencyHistogram mine;
    auto n = sweep_all(s, due_ms, &mine);
    if (!n.is_ok()) return shared.fail(n.status());
    shared.released.fetch_add(static_cast<uint64_t>(*n));
    shared.latency.merge_from(mine);
  });
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.pipeline = round_ops;
  return swept;
}

}  // namespace

double PeerReport::throughput_per_s() const {
  if (seconds <= 0) return 0;
  return static_cast<double>(mix == LoadMix::kExpiry ? released : holds) / seconds;
}

Result<PeerOptions> parse_peer_options(int argc, const char* const* argv) {
  namespace opt = tessera::options;
  PeerOptions o;
  CLI::App app(
      "tessera-peer-load: runs a comparison workload (bench/compare.sh) against a Redis (Lua scripts) or\n"
      "PostgreSQL (row locks, SKIP LOCKED) peer on loopback; prints a report (--json: one JSON object).",
      "tessera-peer-load");
  opt::add_choice(app, "--system", o.system, opt::Choices<std::string>{{"redis", "redis"}, {"postgres", "postgres"}},
                  "the peer")
      ->required();
  app.add_option("--host", o.host, "127.0.0.0/8, ::1 or localhost only")->capture_default_str();
  opt::add_number(app, "--port", o.port, uint16_t{1}, uint16_t{65535}, "the peer's port")->required();
  app.add_option("--user", o.user, "PostgreSQL role")->capture_default_str();
  opt::Choices<LoadMix> mixes;
  for (LoadMix m : {LoadMix::kOnSale, LoadMix::kRush, LoadMix::kExpiry, LoadMix::kHoldRelease})
    mixes.emplace_back(std::string(tools::mix_name(m)), m);
  opt::add_choice(app, "--mix", o.mix, mixes, "the workload (bench/peers/peer_run.h)");
  opt::add_number(app, "--connections", o.connections, 1u, kPeerConnectionsMax, "client threads, one connection each")
      ->capture_default_str();
  opt::add_number(app, "--pipeline", o.pipeline, 1u, tools::kLoadPipelineMax,
                  "ops per round trip (Redis pipeline; PostgreSQL: always 1)")
      ->capture_default_str();
  opt::add_number(app, "--duration-s", o.duration_s, 1u, tools::kDurationSMax, "run time")->capture_default_str();
  opt::add_number(app, "--rate", o.rate, uint64_t{0}, tools::kRateMax,
                  "open loop: total ops/s over every connection, latency measured from the intended send time; "
                  "0 = closed loop, as fast as replies come back (not with --mix expiry)")
      ->capture_default_str();
  opt::add_number(app, "--capacity", o.rush_capacity, 1u, tools::kRushCapacityMax, "rush quota")->capture_default_str();
  opt::add_number(app, "--options", o.expiry_options, 1u, tools::kExpiryOptionsMax, "expiry: options booked")
      ->capture_default_str();
  opt::add_number(app, "--seed", o.seed, "random seed")->capture_default_str();
  opt::add_flag(app, "--json", o.json, "final report as one JSON object on stdout");
  app.footer("Exit codes: 0 ok, 1 check FAIL, 2 usage error, 3 connection / set-up / run error.");
  if (Status s = opt::parse_command_line(app, argc, argv); !s.is_ok()) return s;
  if (o.host == "[::1]") o.host = "::1";
  if (!tools::is_loopback_host(o.host)) return Status::invalid_argument(cat("--host ", o.host, ": loopback only"));
  if (o.rate > 0 && o.mix == LoadMix::kExpiry)
    return Status::invalid_argument("--rate: the expiry mix is not a stream of rounds (closed loop only)");
  return o;
}

Result<PeerReport> run_peer(const PeerOptions& o, PeerSystem& peer) {
  if (Status s = peer.load_venue(o.rush_capacity); !s.is_ok()) return s;
  PeerReport r;
  r.system = peer.name();
  r.mix = o.mix;
  r.connections = o.connections;
  r.rate = o.rate;
  r.seed = o.seed;
  auto settings = peer.settings();
  if (!settings.is_ok()) return settings.status();
  r.settings = *settings;
  Shared shared;
  Status s = o.mix == LoadMix::kExpiry ? run_expiry(o, peer, shared, r) : run_rounds(o, peer, shared, r);
  if (!s.is_ok()) return s;
  r.ops = shared.ops.load();
  r.holds = shared.holds.load();
  r.holds_ok = shared.holds_ok.load();
  r.sold_out = shared.sold_out.load();
  r.released = shared.released.load();
  r.latency = shared.latency;
  check(peer, o, shared, r);
  if (o.mix == LoadMix::kExpiry && r.pass && r.released != o.expiry_options) {
    r.pass = false;
    r.verdict = cat("FAIL: released ", r.released, " of ", o.expiry_options, " options");
  }
  return r;
}

// tessera-load's report layout (tools/load/report.cc), for a peer.
std::string format_peer_report(const PeerReport& r) {
  auto line = [](const char* format, auto... args) {
    char buf[512];
    std::snprintf(buf, sizeof buf, format, args...);
    return std::string(buf);
  };
  auto ms = [&](uint64_t us) { return line("%.3f ms", static_cast<double>(us) / 1000.0); };
  std::string out;
  out += line("system %s  mix %s  connections %u  pipeline %u  %s  seed %" PRIu64 "\n", r.system.c_str(),
              std::string(tools::mix_name(r.mix)).c_str(), r.connections, r.pipeline,
              r.rate ? line("open loop %" PRIu64 " ops/s", r.rate).c_str() : "closed loop", r.seed);
  out += line("%-22s %.2f s\n", "duration", r.seconds);
  out += line("%-22s %" PRIu64 "\n", "ops", r.ops);
  out += line("%-22s %.0f ops/s\n", "throughput", r.ops_per_s());
  if (r.holds)
    out += line("%-22s %" PRIu64 " (%.0f holds/s; %" PRIu64 " Ok, %" PRIu64 " sold out)\n", "holds", r.holds,
                r.throughput_per_s(), r.holds_ok, r.sold_out);
  if (r.released) out += line("%-22s %" PRIu64 "\n", "released", r.released);
  out += line("%-22s p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (mean %.3f ms)\n", "round-trip latency",
              ms(r.latency.percentile_us(50)).c_str(), ms(r.latency.percentile_us(90)).c_str(),
              ms(r.latency.percentile_us(99)).c_str(), ms(r.latency.percentile_us(99.9)).c_str(),
              ms(r.latency.max_us()).c_str(), r.latency.mean_us() / 1000.0);
  out += line("sold %" PRIu64 " units, oversold %" PRIu64 "\n", r.sold_units, r.oversold_units);
  out += r.verdict + "\n";
  out += "settings: " + r.settings + "\n";
  return out;
}

std::string format_peer_report_json(const PeerReport& r) {
  char buf[1280];
  std::snprintf(buf, sizeof buf,
                "{\"system\":\"%s\",\"mix\":\"%s\",\"connections\":%u,\"pipeline\":%u,\"rate\":%" PRIu64
                ",\"seconds\":%.3f,\"ops\":%" PRIu64
                ",\"commands_per_s\":%.0f"
                ",\"holds\":%" PRIu64 ",\"holds_ok\":%" PRIu64 ",\"sold_out\":%" PRIu64 ",\"released\":%" PRIu64
                ",\"throughput_per_s\":%.0f,\"latency_us_p50\":%" PRIu64 ",\"latency_us_p90\":%" PRIu64
                ",\"latency_us_p99\":%" PRIu64 ",\"latency_us_p999\":%" PRIu64 ",\"latency_us_max\":%" PRIu64
                ",\"sold_units\":%" PRIu64 ",\"oversold_units\":%" PRIu64 ",\"check_pass\":%s,",
                r.system.c_str(), std::string(tools::mix_name(r.mix)).c_str(), r.connections, r.pipeline, r.rate,
                r.seconds, r.ops, r.ops_per_s(), r.holds, r.holds_ok, r.sold_out, r.released, r.throughput_per_s(),
                r.latency.percentile_us(50), r.latency.percentile_us(90), r.latency.percentile_us(99),
                r.latency.percentile_us(99.9), r.latency.max_us(), r.sold_units, r.oversold_units,
                r.pass ? "true" : "false");
  return std::string(buf) + "\"check\":\"" + r.verdict + "\",\"settings\":\"" + r.settings + "\"}\n";
}

}  // namespace tessera::bench
