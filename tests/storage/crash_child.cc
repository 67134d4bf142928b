// tessera_crash_child: the process the crash test kills.
//
//   tessera_crash_child <data_dir> <seed> <ack_file>
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
#include "storage/durable_engine.h"
#include "workload/random_workload.h"

using namespace tessera;

namespace {

void write_line(int fd, const std::string& line) {
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::abort();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <data_dir> <seed> <ack_file>\n", argv[0]);
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
