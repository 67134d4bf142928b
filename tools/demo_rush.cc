// tessera-demo: plays an on-sale rush against the engine and says what
// happened.
//
// A demo season (workload/demo_venue.h) is loaded into a sharded engine;
// buyer threads then race for its performances like web shops on an
// on-sale morning: each cart holds 1-4 units with a short TTL, then is
// confirmed, given back, or abandoned (left to expire). The demo waits for
// the abandoned carts to expire and prints the outcome, the throughput and
// the result of every shard's invariant check.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "runtime/shard_set.h"
#include "workload/demo_venue.h"

namespace {

using namespace tessera;
using namespace tessera::engine;

struct Options {
  uint32_t shards = 2;
  uint32_t buyers = 4;
  uint32_t carts = 200'000;
  uint32_t performances = 8;
  uint32_t capacity = 5'000;
  int64_t cart_ttl_ms = 1'500;
};

struct Tally {
  std::atomic<uint64_t> holds{0}, sold_out{0}, limited{0}, confirmed_units{0}, released{0}, abandoned{0};
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const uint32_t v = static_cast<uint32_t>(std::strtoul(argv[i + 1], nullptr, 10));
    if (flag == "--shards")
      o.shards = std::max(1u, std::min(v, 64u));
    else if (flag == "--buyers")
      o.buyers = std::max(1u, v);
    else if (flag == "--carts")
      o.carts = v;
    else if (flag == "--performances")
      o.performances = std::max(1u, v);
    else if (flag == "--capacity")
      o.capacity = std::max(10u, v);
    else
      std::fprintf(stderr, "unknown flag %s (flags: --shards --buyers --carts --performances --capacity)\n",
                   flag.c_str());
  }
  return o;
}

void buyer(runtime::ShardSet& shards, const Options& o, uint32_t id, Tally& t) {
  std::mt19937_64 rng(1000 + id);
  const uint32_t carts = o.carts / o.buyers;
  for (uint32_t i = 0; i < carts; ++i) {
    const PerformanceId p = 1000 + static_cast<uint32_t>(rng() % o.performances);
    const uint32_t n = 1 + static_cast<uint32_t>(rng() % 4);
    const ContactId contact = 1 + static_cast<uint32_t>(rng() % 50'000);
    const Reply r = shards.call(
        Command{0, Hold{contact, workload::kWeb, {workload::demo_line(p, 1, 1 + rng() % 3, n)}, o.cart_ttl_ms}});
    if (r.code == ReplyCode::kSoldOut) {
      t.sold_out++;
      continue;
    }
    if (r.code == ReplyCode::kLimitExceeded) {
      t.limited++;
      continue;
    }
    if (!r.ok()) {
      std::fprintf(stderr, "hold refused: %s\n", r.message.c_str());
      continue;
    }
    t.holds++;
    const uint32_t fate = static_cast<uint32_t>(rng() % 10);
    if (fate < 5) {
      if (shards.call(Command{0, Confirm{r.order, {}}}).ok()) t.confirmed_units += n;
    } else if (fate < 7) {
      if (shards.call(Command{0, Release{r.order}}).ok()) t.released++;
    } else {
      t.abandoned++;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  runtime::SystemClock clock;
  runtime::ShardSet shards(o.shards, clock);
  shards.start();
  for (const Command& c : workload::demo_catalog()) shards.call(c);
  workload::DemoVenue venue;
  venue.performances = o.performances;
  venue.capacity_per_performance = o.capacity;
  venue.web_cap_percent = 90;
  venue.contact_limit = 8;
  for (const Command& c : workload::demo_performances(venue, workload::kProductRelease)) {
    const Reply r = shards.call(c);
    if (!r.ok()) {
      std::fprintf(stderr, "set-up failed: %s\n", r.message.c_str());
      return 1;
    }
  }
  std::printf("Tessera on-sale rush: %u performances x %u seats (web may sell 90%%), %u shards, %u buyers, %u carts\n",
              o.performances, o.capacity, o.shards, o.buyers, o.carts);

  Tally t;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (uint32_t b = 0; b < o.buyers; ++b) threads.emplace_back([&, b] { buyer(shards, o, b, t); });
  for (auto& th : threads) th.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("rush done in %.2f s: %.0f carts/s\n", secs, o.carts / secs);
  std::printf("  carts held %lu, refused sold out %lu, refused per-contact limit %lu\n", t.holds.load(),
              t.sold_out.load(), t.limited.load());
  std::printf("  confirmed %lu units, given back %lu carts, abandoned %lu carts\n", t.confirmed_units.load(),
              t.released.load(), t.abandoned.load());

  std::printf("waiting %.1f s for abandoned carts to expire...\n", (o.cart_ttl_ms + 500) / 1000.0);
  std::this_thread::sleep_for(std::chrono::milliseconds(o.cart_ttl_ms + 500));
  uint64_t left = 0;
  for (uint32_t p = 1000; p < 1000 + o.performances; ++p)
    for (uint32_t c = 1; c <= 3; ++c)
      left += shards.call(Command{0, GetAvailability{p, c, kNone, workload::kBoxOffice, kNone}}).value;
  shards.stop();

  bool ok = true;
  uint64_t expired = 0;
  for (uint32_t s = 0; s < shards.size(); ++s) {
    Shard& shard = shards.runner(s).shard();
    const ShardStats st = shard.stats();
    const Status inv = shard.check_invariants();
    ok &= inv.is_ok();
    expired += st.expiries_fired;
    std::printf("  shard %u: %u confirmed orders, %u live holds, %lu expiries, invariants %s, state hash %016lx\n", s,
                st.confirmed, st.held, st.expiries_fired, inv.is_ok() ? "OK" : inv.to_string().c_str(),
                shard.state_hash());
  }
  const uint64_t open_sale = uint64_t{o.performances} * (o.capacity - (o.capacity / 2) / 10);
  std::printf(
      "after expiry: %lu carts expired, %lu units still on open sale, %lu confirmed, %s\n", expired, left,
      t.confirmed_units.load(),
      left + t.confirmed_units.load() == open_sale ? "every unit accounted for (none sold twice)" : "UNITS MISSING");
  ok &= left + t.confirmed_units.load() == open_sale;
  return ok ? 0 : 1;
}
