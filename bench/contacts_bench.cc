// Contact quick-search benchmarks: directory::ContactIndex over 1,000,000
// French-style contacts (workload/french_contacts.h, seed kSeed).
//
//   BM_ContactQuickSearch     one query of a fixed mix (prefixes of 1-4
//                             letters, whole names, '*' patterns, "Last, F"),
//                             limit 20; counters mean_us and p99_us from
//                             per-query steady_clock timings (targets: mean
//                             <= 20 us, p99 <= 100 us) and
//                             index_bytes_per_contact
//   BM_ContactIndexInsert1M   inserting the 1M contacts one by one into an
//                             empty index (target: a fraction of the 10 s
//                             import)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "directory/contact_index.h"
#include "workload/french_contacts.h"

namespace {

using tessera::directory::ContactIndex;
using tessera::directory::IndexedContact;
using tessera::workload::FrenchContact;
using tessera::workload::FrenchContacts;

constexpr size_t kContacts = 1'000'000;
constexpr uint64_t kSeed = 1;
constexpr size_t kQueries = 20'000;
constexpr uint32_t kPageLimit = 20;

const std::vector<FrenchContact>& contacts() {
  static const std::vector<FrenchContact> all = FrenchContacts::generate(kContacts, kSeed);
  return all;
}

IndexedContact view(const FrenchContact& c) { return {c.key, c.number, c.last_name, c.first_name, c.email}; }

const ContactIndex& full_index() {
  static const std::unique_ptr<ContactIndex> index = [] {
    auto built = std::make_unique<ContactIndex>();
    for (const FrenchContact& c : contacts()) built->insert(view(c));
    return built;
  }();
  return *index;
}

void BM_ContactQuickSearch(benchmark::State& state) {
  const ContactIndex& index = full_index();
  FrenchContacts queries_from(kSeed + 1);
  std::vector<std::string> queries;
  for (size_t i = 0; i < kQueries; ++i) queries.push_back(queries_from.next_query());
  std::vector<double> latencies_us;
  latencies_us.reserve(1 << 20);
  size_t i = 0, errors = 0;
  uint64_t results = 0;
  for (auto _ : state) {
    const std::string& q = queries[i++ % queries.size()];
    const auto start = std::chrono::steady_clock::now();
    auto page = index.search(q, 0, kPageLimit);
    const auto stop = std::chrono::steady_clock::now();
    latencies_us.push_back(std::chrono::duration<double, std::micro>(stop - start).count());
    if (page.is_ok()) {
      results += page->total;
    } else {
      ++errors;
    }
    benchmark::DoNotOptimize(page);
  }
  std::sort(latencies_us.begin(), latencies_us.end());
  const double mean = std::accumulate(latencies_us.begin(), latencies_us.end(), 0.0) / latencies_us.size();
  state.counters["mean_us"] = mean;
  state.counters["p99_us"] = latencies_us[latencies_us.size() * 99 / 100];
  state.counters["max_us"] = latencies_us.back();
  state.counters["index_bytes_per_contact"] = static_cast<double>(index.memory_bytes()) / kContacts;
  state.counters["mean_total"] = static_cast<double>(results) / latencies_us.size();
  state.counters["errors"] = static_cast<double>(errors);
}
BENCHMARK(BM_ContactQuickSearch)->MinTime(2.0);

void BM_ContactIndexInsert1M(benchmark::State& state) {
  const std::vector<FrenchContact>& all = contacts();
  for (auto _ : state) {
    ContactIndex index;
    for (const FrenchContact& c : all) index.insert(view(c));
    benchmark::DoNotOptimize(index.size());
    state.PauseTiming();
    state.counters["index_bytes_per_contact"] = static_cast<double>(index.memory_bytes()) / all.size();
    state.ResumeTiming();  // the index's destruction is timed too, as at shutdown
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * all.size()));
}
BENCHMARK(BM_ContactIndexInsert1M)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
