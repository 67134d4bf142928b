// tessera_crash_child: the process the crash test kills.
//
//   tessera_crash_child <data_dir> <seed> <ack_file> [prereg]
//
// Opens the data directory in `sync` mode (recovering what is there), then
// applies a random workload forever, one command at a time. After each
// state-changing command is acknowledged it appends one line to ack_file:
//   <route> <fingerprint> <reply code> <order id>
// (route = shard index, "all" for a broadcast, "dir" for the contact
// directory: every tenth command also creates a contact, every fiftieth
// imports three). The line is written with
// write(2) only after the reply arrived, so the file lists exactly what was
// acknowledged before the SIGKILL.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/command_registry.h"
#include "engine/idempotency.h"
#include "engine/reply_detail.h"
#include "runtime/completion.h"
#include "storage/durable_engine.h"
#include "tests/engine/pre_registration_people.h"
#include "workload/demo_venue.h"
#include "workload/random_workload.h"

using namespace tessera;

namespace {

void write_line(int fd, const std::string& line) {
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::abort();
}

}  // namespace

// The "prereg" mode: a web shop's pre-registrations on both shards, each
// integrated (method 2, for the contact the directory matches) as soon as
// it is placed. Lines: "submitted <id>" once a request is acknowledged,
// "integrated <id> <order>" once its integration is.
int pre_registrations(storage::DurableEngine& e, uint64_t seed, int ack) {
  using namespace engine;
  auto must = [&](Command c) {
    const Reply r = e.shards->call(std::move(c));
    if (!r.ok()) std::fprintf(stderr, "crash child: %s\n", r.message.c_str());
    return r.ok();
  };
  bool fresh = true;
  for (const storage::ShardRecovery& r : e.recovery) fresh &= r.next_seq == 1;
  if (fresh) {
    for (const Command& c : workload::demo_catalog())
      if (!must(c)) return 1;
    workload::DemoVenue venue;
    venue.performances = 2;  // 1000 on shard 0, 1001 on shard 1
    venue.capacity_per_performance = 1'000'000;
    for (const Command& c : workload::demo_performances(venue, workload::kProductRelease))
      if (!must(c)) return 1;
    for (BookingKind kind : {BookingKind::kOption, BookingKind::kReservation})
      if (!must(Command{0, SetOptionLifetime{workload::kProductRelease, workload::kWeb, kind, 86'400'000}})) return 1;
    if (!must(Command{0, CreateContact{ContactId{20}, 5001, testing_prereg::anne_martin()}})) return 1;
  }
  write_line(ack, "ready\n");
  for (uint64_t i = 0;; ++i) {
    SubmitPreRegistration s;
    s.channel = workload::kWeb;
    s.reference = "CRASH-" + std::to_string(seed) + "-" + std::to_string(i);
    s.requester.last_name = "MARTIN";
    s.requester.first_name = "Anne";
    s.requester.email = "anne@example.org";
    s.lines = {workload::demo_line(1000, workload::kProductRelease, 1, 1),
               workload::demo_line(1001, workload::kProductRelease, 1, 1)};
    const Command submit{0, std::move(s), PrincipalId{3}};
    runtime::WaitableCompletion placed;
    e.shards->place_pre_registration(submit, e.shards->call(submit), &placed);
    const Reply& p = placed.wait();
    if (!p.ok()) continue;
    const uint64_t id = std::get<PreRegPage>(p.detail->value).rows.at(0).id;
    write_line(ack, "submitted " + std::to_string(id) + "\n");
    IntegrationOptions o;
    o.method = IntegrationMethod::kIdentifiedBooked;
    const Command integrate{seed * 1'000'000 + i + 1, IntegratePreRegistrations{{id}, o}, PrincipalId{4}};
    runtime::WaitableCompletion done;
    e.shards->integrate_pre_registrations(integrate, e.shards->call(integrate), &done);
    const Reply& r = done.wait();
    if (r.ok() && !std::get<PreRegResults>(r.detail->value).results.empty() &&
        std::get<PreRegResults>(r.detail->value).results[0].outcome == PreRegOutcome::kBooked)
      write_line(ack, "integrated " + std::to_string(id) + " " +
                          std::to_string(std::get<PreRegResults>(r.detail->value).results[0].order.value()) + "\n");
  }
}

int main(int argc, char** argv) {
  if (argc != 4 && !(argc == 5 && std::string(argv[4]) == "prereg")) {
    std::fprintf(stderr, "usage: %s <data_dir> <seed> <ack_file> [prereg]\n", argv[0]);
    return 2;
  }
  constexpr uint32_t kShards = 2;
  runtime::ManualClock clock(1'790'000'000'000);
  storage::EngineOptions o;
  o.data_dir = argv[1];
  o.shards = kShards;
  o.snapshot_every_entries = UINT64_MAX;  // the test checks every entry individually
  o.snapshot_every_ms = INT64_MAX / 2;
  Result<storage::DurableEngine> engine = storage::open_durable_engine(o, clock);
  if (!engine.is_ok()) {
    std::fprintf(stderr, "crash child: %s\n", engine.status().to_string().c_str());
    return 1;
  }
  const int ack = ::open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
  if (ack < 0) return 1;
  if (argc == 5) return pre_registrations(*engine, std::strtoull(argv[2], nullptr, 10), ack);
  workload::RandomWorkload gen(std::strtoull(argv[2], nullptr, 10), 2);
  auto run = [&](const engine::Command& c) {
    const engine::Reply r = engine->shards->call(c);
    gen.observe(c, r);
    if (engine::is_query(c.body) || r.code == engine::ReplyCode::kBusy) return;
    // The set-up's contact profiles stand in for the directory's hand-over:
    // internal, like those the test leaves out of the logs it compares.
    if (engine::command_info(c.body).least_role == engine::Role::kInternal) return;
    const engine::Route route = engine::command_route(c.body, kShards);
    const std::string where = route.kind == engine::Route::kContacts   ? std::string("dir")
                              : route.kind != engine::Route::kOneShard ? std::string("all")
                                                                       : std::to_string(route.shard);
    write_line(ack, where + " " + std::to_string(engine::fingerprint(c.body)) + " " +
                        std::to_string(static_cast<int>(r.code)) + " " + to_string(r.order) + "\n");
  };
  bool fresh = true;
  for (const storage::ShardRecovery& r : engine->recovery) fresh &= r.next_seq == 1;
  if (fresh)
    for (const engine::Command& c : gen.setup(40)) run(c);
  write_line(ack, "ready\n");
  for (uint64_t i = 0;; ++i) {
    clock.advance_ms(gen.time_step());
    run(gen.next(clock.now_ms()));
    if (i % 10 == 0) {
      engine::ContactFields f;
      f.types = engine::kContactIndividual;
      f.civility = "Mme";
      f.last_name = "DUPONT";
      f.first_name = "Anne " + std::to_string(i);
      f.addresses.push_back(engine::ContactAddress{engine::AddressKind::kMain, "", "75012", "PARIS", "", "", "FR"});
      run(engine::Command{0, engine::CreateContact{engine::kNone, 0, f}});
      if (i % 50 == 0) {  // an import: two new contacts with numbers, one matched or created by name
        f.first_name = "Import " + std::to_string(i);
        std::vector<engine::ContactImportRow> rows;
        for (uint64_t k = 0; k < 3; ++k) {
          rows.push_back(engine::ContactImportRow{static_cast<uint32_t>(k + 2), k < 2 ? 1'000'000 + i * 2 + k : 0, f});
          rows.back().record.email = "import" + std::to_string(i) + "-" + std::to_string(k) + "@example.org";
        }
        run(engine::Command{
            0, engine::ImportContacts{engine::kColumnCivility | engine::kColumnLastName | engine::kColumnFirstName |
                                          engine::kColumnEmail | engine::kColumnPostcode | engine::kColumnCity |
                                          engine::kColumnCountry,
                                      std::move(rows)}});
      }
    }
  }
}
