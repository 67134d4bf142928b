// The contact directory partition (seed 001), in process.
//
//   BM_ContactDirectoryBuild1M  1,000,000 French-style contacts created
//       through ContactDirectory::apply (records + number map + search
//       indexes; no log): create time per contact, and `bytes_per_contact`,
//       the directory's own count of what records and indexes hold (target
//       < 400 B), with `rss_bytes_per_contact` from the process's RSS growth.
//   BM_ContactCreateLogged1M  the same 1,000,000 CreateContact through a
//       directory runner logging to RocksDB with durability sync (fsync per
//       group commit), pipelined: seconds for the million (the import target
//       is 10 s).
//   BM_ContactImport  a 1,000,000-row CSV file (number, civility, names,
//       e-mail, mobile, postcode, city, country) read by ContactCsvReader
//       and imported through a directory runner logging with durability
//       sync, ImportContacts of 1,000 rows pipelined while the file is
//       read: seconds for the million, parse included (target <= 10 s).
//   BM_ContactSearchThroughPartition  quick searches applied by the
//       partition over the 1M directory (index + the page's completion
//       lines): mean and `p99_us`.
//   BM_ContactFind/<form>  advanced searches (FindContacts, a page of 20
//       with the exact total) over the same directory, one in ten contacts
//       a client: /0 a name prefix and a city (the name narrows the scan),
//       /1 a city alone, /2 clients only with a postcode prefix (both read
//       every contact): mean and `p99_us`.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "bench/french_contact_record.h"
#include "directory/contact_csv.h"
#include "directory/contact_directory.h"
#include "runtime/clock.h"
#include "runtime/completion.h"
#include "runtime/shard_runner.h"
#include "storage/command_log.h"
#include "tests/storage/temp_dir.h"
#include "workload/french_contacts.h"

namespace {

using namespace tessera;
using namespace tessera::engine;

constexpr int64_t kT0 = 1'790'000'000'000;
constexpr size_t kContacts = 1'000'000;

using tessera::testing_support::TempDir;  // tests/storage/temp_dir.h

using tessera::bench::create_of;  // bench/french_contact_record.h

size_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

std::unique_ptr<directory::ContactDirectory> build(size_t n, double* seconds, std::string* refusal) {
  auto d = std::make_unique<directory::ContactDirectory>(kT0);
  const std::vector<workload::FrenchContact> contacts = workload::FrenchContacts::generate(n, 7);
  const auto start = std::chrono::steady_clock::now();
  for (const workload::FrenchContact& c : contacts) {
    const Reply r = d->apply(Command{0, create_of(c)}, kT0);
    if (!r.ok()) {
      *refusal = cat("contact ", c.key, " (", c.last_name, ", ", c.first_name, ", ", c.email, ") refused: ", r.message);
      return nullptr;
    }
  }
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return d;
}

void BM_ContactDirectoryBuild1M(benchmark::State& state) {
  for (auto _ : state) {
    const size_t before = rss_bytes();
    double seconds = 0;
    std::string refusal;
    auto d = build(kContacts, &seconds, &refusal);
    if (!d) return state.SkipWithError(refusal.c_str());
    const size_t after = rss_bytes();
    state.SetIterationTime(seconds);
    state.counters["create_us"] = seconds * 1e6 / kContacts;
    state.counters["bytes_per_contact"] = static_cast<double>(d->memory_bytes()) / kContacts;
    state.counters["rss_bytes_per_contact"] = static_cast<double>(after - std::min(after, before)) / kContacts;
  }
}
BENCHMARK(BM_ContactDirectoryBuild1M)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(1);

// A directory runner logging to a new RocksDB log in `path` (durability
// sync), fed pipelined.
class LoggedDirectory {
 public:
  explicit LoggedDirectory(const std::string& path) {
    auto opened = storage::CommandLog::open(storage::LogOptions{path, storage::Durability::kSync, 1});
    if (!opened.is_ok()) {
      error = opened.status().to_string();
      return;
    }
    log_ = std::move(*opened);
    if (!log_->recover_directory().is_ok()) {
      error = "the new log did not recover";
      return;
    }
    runtime::RunnerConfig rc;
    rc.log = log_.get();
    runner_ = std::make_unique<runtime::DirectoryRunner>(clock_, rc);
    runner_->start();
  }
  ~LoggedDirectory() { stop(); }

  // A full inbox or an unfinished run is waited out asleep: spinning on
  // sched_yield took a core from the runner and its log writer (perf: 12%
  // of the run in sched_yield on 2 cores).
  void submit(Command command) {
    while (!runner_->submit(std::move(command), &done_)) std::this_thread::sleep_for(std::chrono::microseconds(50));
    ++sent_;
  }
  void wait() const {
    while (done_.done.load() < sent_) std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  void stop() {
    if (runner_) runner_->stop();
  }
  const directory::ContactDirectory& directory() const { return runner_->shard(); }

  std::string error;  // not empty: the log could not be opened

 private:
  runtime::SystemClock clock_;
  std::unique_ptr<storage::CommandLog> log_;
  runtime::CountingCompletion done_;
  size_t sent_ = 0;
  std::unique_ptr<runtime::DirectoryRunner> runner_;
};

void BM_ContactCreateLogged1M(benchmark::State& state) {
  const std::vector<workload::FrenchContact> contacts = workload::FrenchContacts::generate(kContacts, 7);
  for (auto _ : state) {
    TempDir dir;
    LoggedDirectory logged(dir.path());
    if (!logged.error.empty()) return state.SkipWithError(logged.error.c_str());
    const auto start = std::chrono::steady_clock::now();
    for (const workload::FrenchContact& c : contacts) logged.submit(Command{0, create_of(c)});
    logged.wait();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    logged.stop();
    if (logged.directory().size() != kContacts) return state.SkipWithError("a create was refused");
    state.SetIterationTime(seconds);
    state.counters["seconds_for_1M"] = seconds;
    state.counters["creates_per_s"] = kContacts / seconds;
  }
}
BENCHMARK(BM_ContactCreateLogged1M)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(1);

// The import file: one row per generated contact, as create_of's records.
void write_import_file(const std::string& path, const std::vector<workload::FrenchContact>& contacts) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << "Numéro;Civilité;Nom;Prénom;E-mail;Portable;Code postal;Ville;Pays\n";
  for (const workload::FrenchContact& c : contacts) {
    const CreateContact r = create_of(c);
    const ContactAddress& a = r.record.addresses[0];
    file << r.number << ';' << r.record.civility << ';' << r.record.last_name << ';' << r.record.first_name << ';'
         << r.record.email << ';' << r.record.mobile << ';' << a.postcode << ';' << a.city << ';' << a.country << '\n';
  }
}

void BM_ContactImport(benchmark::State& state) {
  const std::vector<workload::FrenchContact> contacts = workload::FrenchContacts::generate(kContacts, 7);
  for (auto _ : state) {
    TempDir dir;
    const std::string csv = dir.path() + "/contacts.csv";
    write_import_file(csv, contacts);
    LoggedDirectory logged(dir.path() + "/data");
    if (!logged.error.empty()) return state.SkipWithError(logged.error.c_str());
    const auto start = std::chrono::steady_clock::now();
    directory::ContactCsvReader reader({});
    std::vector<ContactImportRow> batch;
    size_t unreadable = 0;
    auto send = [&] {
      logged.submit(Command{0, ImportContacts{reader.columns(), std::move(batch)}});
      batch.clear();
    };
    const directory::ContactCsvReader::Sink sink = [&](directory::ContactCsvRow&& row) {
      if (!row.error.empty()) {
        ++unreadable;
        return;
      }
      batch.push_back(std::move(row.row));
      if (batch.size() == kContactImportRowsMax) send();
    };
    std::ifstream file(csv, std::ios::binary);
    const Status read = reader.read_all(file, sink);
    if (!batch.empty()) send();
    logged.wait();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    logged.stop();
    if (!read.is_ok()) return state.SkipWithError(read.to_string().c_str());
    if (unreadable != 0 || logged.directory().size() != kContacts)
      return state.SkipWithError(cat(unreadable, " rows unreadable, ", logged.directory().size(), " contacts").c_str());
    state.SetIterationTime(seconds);
    state.counters["seconds_for_1M"] = seconds;
    state.counters["rows_per_s"] = kContacts / seconds;
  }
}
BENCHMARK(BM_ContactImport)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(1);

// The 1M directory the search benchmarks share (built once), one contact in
// ten marked a client; nullptr with `refusal` set if it could not be built.
directory::ContactDirectory* shared_directory(std::string* refusal) {
  static std::string why;
  static std::unique_ptr<directory::ContactDirectory> d = [] {
    double seconds = 0;
    auto built = build(kContacts, &seconds, &why);
    if (!built) return built;
    NoteContactClients marks;
    for (uint32_t id = 1; id <= kContacts; id += 10)
      marks.marks.push_back(ClientMark{0, marks.marks.size() + 1, ContactId{id}, kT0});
    const Reply r = built->apply(Command{0, std::move(marks)}, kT0);
    if (!r.ok()) why = r.message;
    return r.ok() ? std::move(built) : nullptr;
  }();
  *refusal = why;
  return d.get();
}

// Runs `query_of(i)` on the directory per iteration; mean and p99 counters.
template <typename QueryOf>
void time_queries(benchmark::State& state, directory::ContactDirectory& d, QueryOf&& query_of) {
  std::vector<double> us;
  us.reserve(1 << 20);
  for (auto _ : state) {
    Command c{0, query_of(us.size())};
    const auto start = std::chrono::steady_clock::now();
    const Reply r = d.apply(c, kT0);
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    if (!r.ok()) return state.SkipWithError(r.message.c_str());
    benchmark::DoNotOptimize(r);
  }
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double u : us) sum += u;
  state.counters["mean_us"] = us.empty() ? 0 : sum / static_cast<double>(us.size());
  state.counters["p99_us"] = us.empty() ? 0 : us[us.size() * 99 / 100];
}

void BM_ContactSearchThroughPartition(benchmark::State& state) {
  std::string refusal;
  directory::ContactDirectory* d = shared_directory(&refusal);
  if (!d) return state.SkipWithError(refusal.c_str());
  workload::FrenchContacts queries(11);
  time_queries(state, *d, [&](size_t) { return SearchContacts{queries.next_query(), 0, 20}; });
}
BENCHMARK(BM_ContactSearchThroughPartition)->Unit(benchmark::kMicrosecond);

void BM_ContactFind(benchmark::State& state) {
  std::string refusal;
  directory::ContactDirectory* d = shared_directory(&refusal);
  if (!d) return state.SkipWithError(refusal.c_str());
  static const char* kCities[] = {"par", "lyo", "mar", "lil", "nan", "tou", "bor"};
  workload::FrenchContacts queries(13);
  const int64_t form = state.range(0);
  time_queries(state, *d, [&](size_t i) {
    FindContacts q;
    if (form == 0) {
      q.name = queries.next_query();
      q.city = kCities[i % 7];
    } else if (form == 1) {
      q.city = kCities[i % 7];
    } else {
      q.with_prospects = false;
      q.postcode = std::to_string(75 + i % 20);
    }
    return q;
  });
}
BENCHMARK(BM_ContactFind)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace
