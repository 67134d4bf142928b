// run_load: set-up, connections and their mixes, the closed-loop pump, the
// open-loop pacer, progress lines, drain, and the checks at the end.
#include "tools/load/load_run.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "net/client.h"
#include "tools/load/contact_setup.h"
#include "tools/load/expiry_run.h"
#include "tools/load/mixes.h"
#include "tools/load/venue_setup.h"
#include "workload/demo_venue.h"

namespace tessera::tools {

using namespace tessera::engine;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;
constexpr std::chrono::milliseconds kPollInterval{20};

struct SharedStats {
  std::atomic<uint64_t> requests{0}, commands{0}, holds{0}, refused{0}, failed{0}, skipped{0};
  std::array<std::atomic<uint64_t>, net::kResultCodeSlots> codes{};
  LatencyHistogram latency;
  std::mutex failure_mutex;
  std::string first_failure;
};

struct Connection {
  std::unique_ptr<net::Client> client;
  std::mutex mutex;  // guards the members below
  std::unique_ptr<Mix> mix;
  uint32_t in_flight = 0;
  bool broken = false;
};

class Driver {
 public:
  Driver(const LoadOptions& o, SharedStats& stats) : o_(o), stats_(stats) {}
  ~Driver() { close_all(); }

  // Connection i books for contacts[i] (kNone past the list's end).
  Status connect_all(const std::vector<PerformanceId>& performances, const std::vector<ContactId>& contacts,
                     uint64_t seed, const MixTallies& tallies) {
    for (uint32_t i = 0; i < o_.connections; ++i) {
      auto c = std::make_unique<Connection>();
      net::ClientOptions options = load_client_options(o_, i);
      if (!o_.shop_token.empty()) options.token = o_.shop_token;
      auto client = net::Client::connect(options);
      if (!client.is_ok()) return client.status();
      c->client = std::move(client.value());
      MixTargets targets;
      targets.performances = performances;
      targets.channel = workload::kWeb;
      targets.contact = i < contacts.size() ? contacts[i] : ContactId{kNone};
      if (o_.mix == LoadMix::kOnSale) targets.hold_ttl_ms = kOnSaleHoldTtlMs;
      c->mix = make_mix(o_, targets, seed + i + 1, tallies);
      connections_.push_back(std::move(c));
    }
    batch_ = std::min(o_.batch, std::max<uint32_t>(1, connections_[0]->client->server_info().commands_per_request_max));
    return Status::ok();
  }

  uint32_t batch() const { return batch_; }

  // Closed loop: fill every connection's pipeline.
  void start_closed_loop() {
    for (auto& c : connections_) pump(*c);
  }

  // Open loop: sends on schedule until stop_requested; runs on its own thread.
  void pace(uint64_t rate) {
    const auto interval = std::chrono::nanoseconds(
        std::max<int64_t>(1, static_cast<int64_t>(1e9 * static_cast<double>(batch_) / static_cast<double>(rate))));
    const auto start = Clock::now();
    for (uint64_t k = 0; !stopping_.load(); ++k) {
      const auto due = start + interval * static_cast<int64_t>(k);
      if (due > Clock::now()) std::this_thread::sleep_until(due);
      Connection& c = *connections_[k % connections_.size()];
      send_one(c, due, kOpenLoopInFlightMax, /*count_skip=*/true);
    }
  }

  // No new orders from now on; rush connections still confirm what they hold.
  void stop_new() {
    stopping_.store(true);
    for (auto& c : connections_) {
      {
        std::lock_guard<std::mutex> lock(c->mutex);
        c->mix->stop_new();
      }
      pump(*c);
    }
  }

  bool all_idle() {
    for (auto& c : connections_) {
      std::lock_guard<std::mutex> lock(c->mutex);
      if (!c->broken && !(c->mix->idle() && c->in_flight == 0)) return false;
    }
    return true;
  }
  bool drained() {
    for (auto& c : connections_) {
      std::lock_guard<std::mutex> lock(c->mutex);
      if (c->in_flight > 0 || (!c->broken && !c->mix->idle())) return false;
    }
    return true;
  }

  void close_all() {
    closing_.store(true);
    for (auto& c : connections_)
      if (c->client) c->client->close();
    for (auto& c : connections_) c->client.reset();  // joins the I/O thread: no callback runs after this
  }

 private:
  void pump(Connection& c) {
    while (!closing_.load(kRelaxed) && send_one(c, Clock::now(), o_.pipeline, false)) {
    }
  }

  // Builds and sends one request if the connection has a slot and work.
  bool send_one(Connection& c, Clock::time_point due, uint32_t in_flight_max, bool count_skip) {
    std::vector<Command> commands;
    auto note = std::make_shared<RequestNote>();
    {
      std::lock_guard<std::mutex> lock(c.mutex);
      if (c.broken) return false;
      if (c.in_flight >= in_flight_max) {
        if (count_skip) stats_.skipped.fetch_add(1, kRelaxed);
        return false;
      }
      commands.reserve(batch_);
      c.mix->next(commands, batch_, *note);
      if (commands.empty()) return false;
      ++c.in_flight;
    }
    c.client->send(std::move(commands),
                   [this, &c, note, due](Result<net::Client::Replies> r) { on_done(c, *note, due, std::move(r)); });
    return true;
  }

  void on_done(Connection& c, const RequestNote& note, Clock::time_point due, Result<net::Client::Replies> r) {
    const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - due).count();
    if (!r.is_ok()) {
      stats_.failed.fetch_add(1, kRelaxed);
      {
        std::lock_guard<std::mutex> lock(stats_.failure_mutex);
        if (stats_.first_failure.empty()) stats_.first_failure = r.status().to_string();
      }
      std::lock_guard<std::mutex> lock(c.mutex);
      c.mix->failed(note);
      c.broken = true;  // a failed request means a broken (or misconfigured) connection: stop using it
      --c.in_flight;
      return;
    }
    stats_.latency.record(static_cast<uint64_t>(std::max<int64_t>(1, latency)));
    std::array<uint32_t, net::kResultCodeSlots> codes{};
    for (const Reply& reply : *r)
      ++codes[std::min<uint32_t>(static_cast<uint8_t>(reply.code), net::kResultCodeSlots - 1)];
    for (uint32_t k = 0; k < codes.size(); ++k)
      if (codes[k]) stats_.codes[k].fetch_add(codes[k], kRelaxed);
    stats_.refused.fetch_add(r->size() - codes[0], kRelaxed);
    stats_.commands.fetch_add(r->size(), kRelaxed);
    if (mix_counts_holds(o_.mix))
      stats_.holds.fetch_add(r->size() - note.follow_ups, kRelaxed);  // follow-ups come first, then holds
    stats_.requests.fetch_add(1, kRelaxed);
    {
      std::lock_guard<std::mutex> lock(c.mutex);
      c.mix->done(note, *r);
      --c.in_flight;
    }
    if (o_.rate == 0 || stopping_.load(kRelaxed)) pump(c);
  }

  const LoadOptions& o_;
  SharedStats& stats_;
  std::vector<std::unique_ptr<Connection>> connections_;
  uint32_t batch_ = 1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> closing_{false};
};

void print_progress(std::FILE* out, double t, uint64_t commands_delta, double dt, const SharedStats& s) {
  std::fprintf(out, "[%5.1fs] %12.0f cmd/s  requests %llu  refused %llu  failed %llu  p99 %.3f ms\n", t,
               static_cast<double>(commands_delta) / dt, static_cast<unsigned long long>(s.requests.load()),
               static_cast<unsigned long long>(s.refused.load()), static_cast<unsigned long long>(s.failed.load()),
               static_cast<double>(s.latency.percentile_us(99)) / 1000.0);
  std::fflush(out);
}

// Waits for the run to end (duration, or every connection idle/broken),
// printing progress once a second.
void wait_for_end(const LoadOptions& o, Driver& driver, SharedStats& stats, Clock::time_point start,
                  std::FILE* progress) {
  const auto end = start + std::chrono::seconds(o.duration_s);
  auto last_print = start;
  uint64_t last_commands = 0;
  while (Clock::now() < end && !driver.all_idle()) {
    std::this_thread::sleep_for(kPollInterval);
    const auto now = Clock::now();
    if (progress && now - last_print >= std::chrono::seconds(1)) {
      const uint64_t commands = stats.commands.load();
      print_progress(progress, std::chrono::duration<double>(now - start).count(), commands - last_commands,
                     std::chrono::duration<double>(now - last_print).count(), stats);
      last_print = now;
      last_commands = commands;
    }
  }
}

// Checks the rush against the server: confirmed == capacity - available,
// confirmed <= capacity, every confirmed order Confirmed, no id twice.
RushResult check_rush(net::Client& client, uint32_t batch, PerformanceId performance, uint32_t capacity,
                      RushTally& tally) {
  RushResult r;
  r.performance = performance;
  r.capacity = capacity;
  r.confirmed_units = tally.confirmed_units.load();
  r.in_doubt = tally.in_doubt.load();
  r.unexpected = tally.unexpected.load();
  r.sold_out = tally.sold_out_seen.load() > 0;
  std::vector<OrderId> orders;
  {
    std::lock_guard<std::mutex> lock(tally.mutex);
    orders = tally.confirmed_orders;
  }
  r.confirmed_orders = orders.size();
  std::sort(orders.begin(), orders.end());
  r.duplicate_orders = orders.size() - static_cast<size_t>(std::unique(orders.begin(), orders.end()) - orders.begin());
  orders.erase(std::unique(orders.begin(), orders.end()), orders.end());

  auto avail = client.call({Command{0, GetAvailability{performance, 1, kNone, workload::kWeb, kNone}}});
  if (!avail.is_ok() || !(*avail)[0].ok()) {
    r.verdict = cat("FAIL: GetAvailability failed: ", avail.is_ok() ? (*avail)[0].message : avail.status().to_string());
    return r;
  }
  r.available = (*avail)[0].value;
  for (size_t i = 0; i < orders.size(); i += batch) {
    std::vector<Command> queries;
    for (size_t k = i; k < std::min(orders.size(), i + batch); ++k) queries.push_back(Command{0, GetOrder{orders[k]}});
    auto replies = client.call(std::move(queries));
    if (!replies.is_ok()) {
      r.verdict = cat("FAIL: GetOrder failed: ", replies.status().to_string());
      return r;
    }
    for (const Reply& q : *replies)
      if (!q.ok() || q.state != OrderState::kConfirmed) ++r.orders_not_confirmed;
  }
  const uint64_t server_sold = static_cast<uint64_t>(std::max<int64_t>(0, int64_t{capacity} - r.available));
  if (r.confirmed_units > capacity) {
    r.verdict = cat("FAIL: oversold: ", r.confirmed_units, " units confirmed for a capacity of ", capacity);
  } else if (r.confirmed_units != server_sold || r.available < 0 || r.available > capacity) {
    r.verdict = cat("FAIL: clients confirmed ", r.confirmed_units, " units but the server shows ", server_sold,
                    " taken (capacity ", capacity, ", available ", r.available, ")");
  } else if (r.duplicate_orders || r.orders_not_confirmed) {
    r.verdict = cat("FAIL: ", r.duplicate_orders, " order ids confirmed twice, ", r.orders_not_confirmed,
                    " confirmed orders not Confirmed on the server");
  } else if (r.in_doubt || r.unexpected) {
    r.verdict = cat("FAIL: ", r.in_doubt, " commands in doubt (failed requests), ", r.unexpected,
                    " unexpected replies (first: ", tally.first_unexpected(), ")");
  } else {
    r.pass = true;
    r.verdict = cat("PASS: ", r.confirmed_units, " units confirmed in ", r.confirmed_orders, " orders = capacity ",
                    capacity, " - available ", r.available, r.sold_out ? " (sold out)" : " (not sold out in time)");
  }
  return r;
}

// Checks an on-sale run against the server once every unconfirmed hold has
// expired: per category, units taken (capacity - available) == units the
// clients confirmed, and nothing over capacity.
SaleCheck check_onsale(net::Client& client, PerformanceId performance, const OnSaleTally& tally) {
  std::this_thread::sleep_for(std::chrono::milliseconds(kOnSaleHoldTtlMs + kExpirySettleMs));
  SaleCheck c;
  std::vector<Command> queries;
  for (uint32_t k = 1; k <= kVenueCategories; ++k)
    queries.push_back(Command{0, GetAvailability{performance, k, kNone, workload::kWeb, kNone}});
  auto replies = client.call(std::move(queries));
  if (!replies.is_ok()) {
    c.verdict = cat("FAIL: GetAvailability failed: ", replies.status().to_string());
    return c;
  }
  std::string mismatches;
  for (uint32_t k = 1; k <= kVenueCategories; ++k) {
    const Reply& r = (*replies)[k - 1];
    const uint64_t confirmed = tally.confirmed_units[k].load();
    const int64_t taken = int64_t{venue_capacity(k)} - r.value;
    c.sold_units += confirmed;
    c.oversold_units += confirmed > venue_capacity(k) ? confirmed - venue_capacity(k) : 0;
    if (!r.ok() || taken < 0 || static_cast<uint64_t>(taken) != confirmed)
      mismatches += cat(" category ", k, ": confirmed ", confirmed, " taken ", taken, ";");
  }
  if (c.oversold_units) {
    c.verdict = cat("FAIL: oversold ", c.oversold_units, " units");
  } else if (!mismatches.empty()) {
    c.verdict = cat("FAIL: the server's stock disagrees with the confirmed tally:", mismatches);
  } else if (tally.unexpected.load()) {
    c.verdict = cat("FAIL: ", tally.unexpected.load(), " unexpected replies");
  } else {
    c.pass = true;
    c.verdict = cat("PASS: ", c.sold_units, " units confirmed = units taken on the server once holds expired (",
                    tally.follow_ups_refused.load(), " follow-ups found their hold expired)");
  }
  return c;
}

// The search mix's verdict: every search was answered, and answered Ok.
SaleCheck check_search(const ReplyTally& tally) {
  SaleCheck c;
  const uint64_t lost = tally.in_doubt.load(), refused = tally.unexpected.load();
  c.pass = lost == 0 && refused == 0;
  c.verdict = c.pass ? std::string("PASS: every search answered Ok")
                     : cat("FAIL: ", refused, " searches refused (first: ", tally.first_unexpected(), "), ", lost,
                           " lost with their requests");
  return c;
}

SaleCheck sale_check_of(const RushResult& r) {
  SaleCheck c;
  c.sold_units = r.confirmed_units;
  c.oversold_units = r.confirmed_units > r.capacity ? r.confirmed_units - r.capacity : 0;
  c.pass = r.pass;
  c.verdict = r.verdict;
  return c;
}

Result<std::vector<PerformanceId>> define_run_performances(const LoadOptions& o, std::mt19937_64& rng) {
  auto admin = net::Client::connect(load_client_options(o, 0));
  if (!admin.is_ok()) return admin.status();
  Result<std::vector<PerformanceId>> defined = std::vector<PerformanceId>{};
  if (o.mix == LoadMix::kRush) {
    defined = define_load_performances(**admin, rng, kRushPerformanceMin, kRushPerformanceSpan, 1, o.rush_capacity);
  } else if (o.mix == LoadMix::kOnSale) {
    auto p = define_venue_performance(**admin, rng, kLoadPerformanceMin, kLoadPerformanceSpan);
    if (!p.is_ok()) return Status::failed_precondition(cat("set-up: ", p.status().message()));
    defined = std::vector<PerformanceId>{*p};
  } else {
    defined = define_load_performances(**admin, rng, kLoadPerformanceMin, kLoadPerformanceSpan, o.performances,
                                       kLoadCapacity);
  }
  if (!defined.is_ok()) return Status::failed_precondition(cat("set-up: ", defined.status().message()));
  return defined;
}

// Imports the search mix's contacts (none with --contacts 0) and says so
// on `progress`.
Status import_run_contacts(const LoadOptions& o, std::FILE* progress) {
  if (o.contacts == 0) {
    if (progress) std::fprintf(progress, "contacts: none imported (--contacts 0); searching those the server has\n");
    return Status::ok();
  }
  auto client = net::Client::connect(load_client_options(o, 0));
  if (!client.is_ok()) return client.status();
  const auto start = Clock::now();
  auto counts = import_load_contacts(**client, o.contacts);
  if (!counts.is_ok()) return Status::failed_precondition(cat("set-up: ", counts.status().message()));
  if (progress)
    std::fprintf(progress, "contacts: %u imported in %.2f s (%llu created, %llu updated, %llu unchanged)\n", o.contacts,
                 std::chrono::duration<double>(Clock::now() - start).count(),
                 static_cast<unsigned long long>(counts->created), static_cast<unsigned long long>(counts->updated),
                 static_cast<unsigned long long>(counts->unchanged));
  return Status::ok();
}

// What the mix works on, set up before the timed phase: the performances
// it names and a contact per connection to book for (none for the search
// mix, which works on the contacts it imports).
struct RunSetUp {
  std::vector<PerformanceId> performances;
  std::vector<ContactId> contacts;
};
Result<RunSetUp> set_up_run(const LoadOptions& o, std::mt19937_64& rng, std::FILE* progress) {
  RunSetUp out;
  if (o.mix == LoadMix::kSearch) {
    if (Status s = import_run_contacts(o, progress); !s.is_ok()) return s;
    return out;
  }
  auto defined = define_run_performances(o, rng);
  if (!defined.is_ok()) return defined.status();
  out.performances = std::move(defined.value());
  // The same rows every run (fixed seed and numbers): importing them again
  // changes nothing and gives the same ids.
  auto client = net::Client::connect(load_client_options(o, 0));
  if (!client.is_ok()) return client.status();
  auto imported = import_load_contacts(**client, o.connections, &out.contacts);
  if (!imported.is_ok()) return Status::failed_precondition(cat("set-up: contacts: ", imported.status().message()));
  return out;
}

uint64_t seed_of(const LoadOptions& o) {
  if (o.seed) return o.seed;
  return static_cast<uint64_t>(Clock::now().time_since_epoch().count()) | 1;
}

}  // namespace

net::ClientOptions load_client_options(const LoadOptions& o, uint32_t index) {
  net::ClientOptions co;
  co.host = o.host;
  co.port = o.port;
  co.token = o.token;
  co.client_name = cat("tessera-load/", index);
  co.tls = o.tls;
  co.tls_ca_file = o.ca_file;
  co.reconnect = false;
  return co;
}

Result<LoadReport> run_load(const LoadOptions& o, std::FILE* progress) {
  const uint64_t seed = seed_of(o);
  std::mt19937_64 rng(seed);
  if (o.mix == LoadMix::kExpiry) return run_expiry(o, seed);
  auto set_up = set_up_run(o, rng, progress);
  if (!set_up.is_ok()) return set_up.status();
  const std::vector<PerformanceId> performances = std::move(set_up->performances);

  SharedStats stats;
  RushTally tally;
  OnSaleTally onsale;
  ReplyTally search;
  Driver driver(o, stats);
  if (Status s = driver.connect_all(performances, set_up->contacts, seed, MixTallies{&tally, &onsale, &search});
      !s.is_ok())
    return s;
  const auto start = Clock::now();
  std::thread pacer;
  if (o.rate > 0) {
    pacer = std::thread([&] { driver.pace(o.rate); });
  } else {
    driver.start_closed_loop();
  }
  wait_for_end(o, driver, stats, start, progress);
  driver.stop_new();
  if (pacer.joinable()) pacer.join();
  const auto drain_end = Clock::now() + std::chrono::milliseconds(kDrainDeadlineMs);
  while (!driver.drained() && Clock::now() < drain_end) std::this_thread::sleep_for(kPollInterval);
  const auto finish = Clock::now();

  LoadReport report;
  report.mix = o.mix;
  report.connections = o.connections;
  report.pipeline = o.pipeline;
  report.batch = driver.batch();
  report.rate = o.rate;
  report.seed = seed;
  report.seconds = std::chrono::duration<double>(finish - start).count();
  report.requests = stats.requests.load();
  report.commands = stats.commands.load();
  report.holds = stats.holds.load();
  report.failed_requests = stats.failed.load();
  report.skipped_requests = stats.skipped.load();
  report.first_failure = stats.first_failure;
  for (uint32_t k = 0; k < report.codes.size(); ++k) report.codes[k] = stats.codes[k].load();
  report.latency = stats.latency;
  if (o.mix == LoadMix::kRush) {
    if (!driver.drained()) {
      RushResult r;
      r.performance = performances[0];
      r.capacity = o.rush_capacity;
      r.verdict = cat("FAIL: requests still in flight ", kDrainDeadlineMs, " ms after the end");
      report.rush = r;
    } else {
      auto checker = net::Client::connect(load_client_options(o, o.connections));
      if (!checker.is_ok()) return checker.status();
      report.rush = check_rush(**checker, report.batch, performances[0], o.rush_capacity, tally);
    }
    report.sale = sale_check_of(*report.rush);
  } else if (o.mix == LoadMix::kOnSale) {
    auto checker = net::Client::connect(load_client_options(o, o.connections));
    if (!checker.is_ok()) return checker.status();
    report.sale = check_onsale(**checker, performances[0], onsale);
  } else if (o.mix == LoadMix::kSearch) {
    report.sale = check_search(search);
  }
  driver.close_all();
  return report;
}

}  // namespace tessera::tools
