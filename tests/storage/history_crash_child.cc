// tessera_history_crash_child: the process the history crash tests kill.
//
//   tessera_history_crash_child <data_dir> <snapshot_every_entries> <out_file>
//
// Opens the data directory in `sync` mode with the demo venue, its history
// files held back for an hour (so every closed order's record is only in
// memory unless a snapshot stores it), then holds 24 orders for contact 7
// on performance 1000 and 1001, releases them, purges the first one's
// history, and writes to out_file one line per released order
// ("order <id>"), "purged <id>", "files <history files written>" and last
// "ready". Then it waits to be killed.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "storage/durable_engine.h"
#include "workload/demo_venue.h"

using namespace tessera;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <data_dir> <snapshot_every_entries> <out_file>\n", argv[0]);
    return 2;
  }
  runtime::ManualClock clock(1'790'000'000'000);
  storage::EngineOptions o;
  o.data_dir = argv[1];
  o.shards = 2;
  o.snapshot_every_entries = std::strtoull(argv[2], nullptr, 10);
  o.snapshot_every_ms = INT64_MAX / 2;
  o.history_file_age_ms = 3'600'000;
  Result<storage::DurableEngine> e = storage::open_durable_engine(o, clock);
  if (!e.is_ok()) {
    std::fprintf(stderr, "history crash child: %s\n", e.status().to_string().c_str());
    return 1;
  }
  const auto call = [&](engine::CommandBody body) {
    const engine::Reply r = e->shards->call(engine::Command{0, std::move(body)});
    if (!r.ok()) {
      std::fprintf(stderr, "history crash child: %s\n", r.message.c_str());
      std::exit(1);
    }
    return r;
  };
  workload::DemoVenue venue;
  for (const engine::Command& c : workload::demo_catalog()) call(c.body);
  for (const engine::Command& c : workload::demo_performances(venue, workload::kProductRelease)) call(c.body);
  call(workload::demo_contact(7).body);
  std::ofstream out(argv[3]);
  engine::OrderId first = 0;
  for (int i = 0; i < 24; ++i) {
    const engine::PerformanceId performance = i % 2 == 0 ? 1000 : 1001;
    const engine::OrderId id =
        call(engine::Hold{7, workload::kWeb, {workload::demo_line(performance, 1, 1, 1)}, 600'000}).order;
    call(engine::Release{id});
    if (first == 0) first = id;
    out << "order " << id.value() << "\n";
  }
  call(engine::PurgeOrderHistory{first, engine::kNone});
  out << "purged " << first.value() << "\n";
  out << "files " << e->log->history_files() << "\n";
  out << "ready" << std::endl;
  for (;;) ::pause();
}
