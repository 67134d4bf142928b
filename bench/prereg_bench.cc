// Pre-registrations (seed 004, engine/commands_preregistrations.h), in
// process.
//
//   BM_MatchPreRegistrants     100,000 requests matched against 1,000,000
//                              contacts by the contact directory (half of
//                              them a contact's e-mail and name, half
//                              nobody's), in commands of 10,000 as the
//                              server sends them. Target: <= 2 s.
//   BM_IntegratePreRegistrations  100,000 pending pre-registrations
//                              integrated by method 2 (half matched, booked
//                              as reservations; half unknown, filed) through
//                              the shard set — the server's steps: list the
//                              parts, match on the directory, one logged
//                              ApplyPreRegistrations per shard — on 2 shards
//                              logging to RocksDB in `sync`, 10 commands of
//                              10,000. Target: <= 1 s.
// Each prints its wall time (manual time) and the per-request cost; the
// set-up (contacts, submissions) is not timed.
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/french_contact_record.h"
#include "directory/contact_directory.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "runtime/clock.h"
#include "storage/durable_engine.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"
#include "workload/french_contacts.h"

namespace {

using namespace tessera;
using namespace tessera::engine;

constexpr int64_t kT0 = 1'790'000'000'000;
constexpr int64_t kDay = 86'400'000;
constexpr uint32_t kRequests = 100'000;

using tessera::bench::create_of;  // bench/french_contact_record.h

// Requester i: contact i's name and e-mail when `known`, else nobody's.
Requester requester_of(const workload::FrenchContact& c, bool known, uint32_t i) {
  Requester q;
  q.last_name = c.last_name;
  q.first_name = c.first_name;
  q.email = known ? c.email : "inconnu." + std::to_string(i) + "@exemple.invalid";
  if (!known) q.last_name += "X";
  return q;
}

void BM_MatchPreRegistrants(benchmark::State& state) {
  const std::vector<workload::FrenchContact> people = workload::FrenchContacts::generate(1'000'000, 11);
  directory::ContactDirectory d(kT0);
  for (const workload::FrenchContact& c : people)
    if (const Reply r = d.apply(Command{0, create_of(c)}, kT0); !r.ok())
      return state.SkipWithError(("contact refused: " + r.message).c_str());
  std::vector<MatchPreRegistrants> batches(kRequests / kPreRegBatchMax);
  for (uint32_t i = 0; i < kRequests; ++i)
    batches[i / kPreRegBatchMax].requests.push_back(
        PreRegRequester{i + 1, requester_of(people[(i * 7919ULL) % people.size()], i % 2 == 0, i), kNone});
  for (auto _ : state) {
    uint64_t matched = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const MatchPreRegistrants& b : batches) {
      const Reply r = d.apply(Command{0, b}, kT0);
      if (!r.ok()) return state.SkipWithError(r.message.c_str());
      for (const PreRegMatch& m : std::get<PreRegMatches>(r.detail->value).matches) matched += m.contact != kNone;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(seconds);
    state.counters["matched"] = static_cast<double>(matched);
    state.counters["us_per_request"] = seconds * 1e6 / kRequests;
  }
}
BENCHMARK(BM_MatchPreRegistrants)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(1);

// Submits every command, `window` in flight at most, and waits for them.
bool submit_all(runtime::ShardSet& shards, std::vector<Command> commands, std::string* refusal) {
  runtime::CountingCompletion done;
  uint64_t sent = 0;
  for (Command& c : commands) {
    while (sent - done.done.load(std::memory_order_acquire) >= 4096) std::this_thread::yield();
    while (!shards.submit(Command(c), &done)) std::this_thread::yield();
    ++sent;
  }
  while (done.done.load(std::memory_order_acquire) < sent) std::this_thread::yield();
  if (done.refused.load() != 0) *refusal = std::to_string(done.refused.load()) + " commands refused";
  return done.refused.load() == 0;
}

void BM_IntegratePreRegistrations(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    testing_support::TempDir dir;
    runtime::ManualClock clock(kT0);
    storage::EngineOptions o;
    o.data_dir = dir.path();
    o.durability = storage::Durability::kSync;
    o.shards = 2;
    o.orders_reserved_per_shard = kRequests;
    Result<storage::DurableEngine> opened = storage::open_durable_engine(o, clock);
    if (!opened.is_ok()) return state.SkipWithError(opened.status().to_string().c_str());
    storage::DurableEngine& e = *opened;
    std::string refusal;
    std::vector<Command> setup = workload::demo_catalog();
    workload::DemoVenue venue;
    venue.performances = 8;  // spread over both shards
    venue.capacity_per_performance = 100'000;
    for (Command& c : workload::demo_performances(venue, workload::kProductRelease)) setup.push_back(std::move(c));
    for (BookingKind kind : {BookingKind::kOption, BookingKind::kReservation})
      setup.push_back(Command{0, SetOptionLifetime{workload::kProductRelease, workload::kWeb, kind, 30 * kDay}});
    for (Command& c : setup)
      if (const Reply r = e.shards->call(std::move(c)); !r.ok()) return state.SkipWithError(r.message.c_str());
    const std::vector<workload::FrenchContact> people = workload::FrenchContacts::generate(kRequests / 2, 13);
    std::vector<Command> contacts;
    for (uint32_t i = 0; i < people.size(); ++i) contacts.push_back(Command{0, create_of(people[i], ContactId{i + 1})});
    if (!submit_all(*e.shards, std::move(contacts), &refusal)) return state.SkipWithError(refusal.c_str());
    std::vector<Command> submissions;
    for (uint32_t i = 0; i < kRequests; ++i) {
      SubmitPreRegistration s;
      s.channel = workload::kWeb;
      s.reference = "CART-" + std::to_string(i);
      s.requester = requester_of(people[i / 2], i % 2 == 0, i);
      s.lines = {workload::demo_line(PerformanceId{1000 + i % venue.performances}, workload::kProductRelease, 1, 1)};
      submissions.push_back(Command{0, std::move(s), PrincipalId{3}});
    }
    if (!submit_all(*e.shards, std::move(submissions), &refusal)) return state.SkipWithError(refusal.c_str());
    const Reply pending = e.shards->call(Command{0, ListPreRegistrations{}});
    if (pending.value != kRequests) return state.SkipWithError("not every request is pending");
    state.ResumeTiming();

    const auto start = std::chrono::steady_clock::now();
    IntegrationOptions method;
    method.method = IntegrationMethod::kIdentifiedBooked;
    method.level = IntegrationLevel::kReservation;
    uint64_t booked = 0, filed = 0;
    double listing_s = 0;
    for (uint32_t round = 0; round < kRequests / kPreRegBatchMax; ++round) {
      // Every pending one, 10,000 a command (the first ones by id).
      const Command ask{static_cast<RequestKey>(round + 1), IntegratePreRegistrations{{}, method}, PrincipalId{4}};
      runtime::WaitableCompletion done;
      const auto listing = std::chrono::steady_clock::now();
      Reply listed = e.shards->call(ask);
      listing_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - listing).count();
      e.shards->integrate_pre_registrations(ask, std::move(listed), &done);
      const Reply& r = done.wait();
      if (!r.ok()) return state.SkipWithError(r.message.c_str());
      for (const PreRegResult& x : std::get<PreRegResults>(r.detail->value).results) {
        booked += x.outcome == PreRegOutcome::kBooked;
        filed += x.outcome == PreRegOutcome::kFiled;
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(seconds);
    state.counters["booked"] = static_cast<double>(booked);
    state.counters["filed"] = static_cast<double>(filed);
    state.counters["us_per_request"] = seconds * 1e6 / kRequests;
    state.counters["listing_ms"] = listing_s * 1e3;  // step 1: the parts listed (the rest: match, apply, log)
    state.PauseTiming();
    e = storage::DurableEngine();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_IntegratePreRegistrations)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(1);

}  // namespace
