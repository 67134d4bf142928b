// run_expiry: book options due at one instant, time their release.
#include "tools/load/expiry_run.h"

#include <chrono>
#include <random>
#include <thread>

#include "net/client.h"
#include "tools/load/contact_setup.h"
#include "tools/load/onsale_plan.h"
#include "tools/load/venue_setup.h"
#include "workload/demo_venue.h"

namespace tessera::tools {

using namespace tessera::engine;

namespace {

int64_t wall_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Books the options, option k for contacts[k]; every one must be accepted.
Status book_options(net::Client& client, PerformanceId performance, const std::vector<ContactId>& contacts,
                    uint32_t count, int64_t deadline_ms) {
  const uint32_t per_request = std::max<uint32_t>(1, client.server_info().commands_per_request_max);
  for (uint32_t i = 0; i < count; i += per_request) {
    std::vector<Command> books;
    for (uint32_t k = i; k < std::min(count, i + per_request); ++k) {
      const CategoryId category = 1 + k % kVenueGaCategories;
      books.push_back(Command{0, Book{BookingKind::kOption,
                                      contacts[k],
                                      workload::kWeb,
                                      {workload::demo_line(performance, workload::kProductRelease, category, 1)},
                                      deadline_ms}});
    }
    auto replies = client.call(std::move(books));
    if (!replies.is_ok()) return replies.status();
    for (const Reply& r : *replies)
      if (!r.ok()) return Status::failed_precondition(cat("Book refused: ", reply_code_name(r.code), ": ", r.message));
  }
  return Status::ok();
}

// GA units available on the venue's categories, or -1 on failure.
int64_t ga_available(net::Client& client, PerformanceId performance) {
  std::vector<Command> queries;
  for (uint32_t k = 1; k <= kVenueGaCategories; ++k)
    queries.push_back(Command{0, GetAvailability{performance, k, kNone, workload::kWeb, kNone}});
  auto replies = client.call(std::move(queries));
  if (!replies.is_ok()) return -1;
  int64_t sum = 0;
  for (const Reply& r : *replies) sum += r.ok() ? r.value : 0;
  return sum;
}

}  // namespace

Result<LoadReport> run_expiry(const LoadOptions& o, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto client = net::Client::connect(load_client_options(o, 0));
  if (!client.is_ok()) return client.status();
  net::Client& c = **client;
  auto performance = define_venue_performance(c, rng, kLoadPerformanceMin, kLoadPerformanceSpan);
  if (!performance.is_ok()) return Status::failed_precondition(cat("set-up: ", performance.status().message()));
  const int64_t ga_units = int64_t{kVenueGaCategories} * kVenueGaUnitsPerCategory;
  // One contact per option (a server takes orders only for contacts its
  // directory created; importing them again changes nothing).
  std::vector<ContactId> contacts;
  if (auto imported = import_load_contacts(c, o.expiry_options, &contacts); !imported.is_ok())
    return Status::failed_precondition(cat("set-up: contacts: ", imported.status().message()));

  // Generous lead: sync-mode booking runs at a few hundred thousand options/s.
  const int64_t deadline_ms = wall_now_us() / 1000 + kExpiryLeadMsMin + o.expiry_options / 20;
  if (Status s = book_options(c, *performance, contacts, o.expiry_options, deadline_ms); !s.is_ok()) return s;
  const int64_t booked_at_us = wall_now_us();
  if (booked_at_us / 1000 >= deadline_ms)
    return Status::failed_precondition("booking the options took past their deadline");
  if (int64_t left = ga_available(c, *performance); left != ga_units - o.expiry_options)
    return Status::failed_precondition(
        cat("after booking, ", left, " GA units available, expected ", ga_units - o.expiry_options));

  std::this_thread::sleep_for(std::chrono::microseconds(deadline_ms * 1000 - booked_at_us));
  int64_t available = -1;
  int64_t done_us = 0;
  while (wall_now_us() < deadline_ms * 1000 + kExpiryWaitMsMax * 1000) {
    available = ga_available(c, *performance);
    done_us = wall_now_us();
    if (available == ga_units) break;
  }

  LoadReport report;
  report.mix = o.mix;
  report.connections = 1;
  report.seed = seed;
  const int64_t release_us = std::max<int64_t>(1, done_us - deadline_ms * 1000);
  report.seconds = static_cast<double>(release_us) / 1e6;
  report.commands = o.expiry_options;
  report.latency.record(static_cast<uint64_t>(release_us));
  SaleCheck check;
  check.pass = available == ga_units;
  check.verdict = check.pass
                      ? cat("PASS: ", o.expiry_options, " options released, all ", ga_units, " GA units available")
                      : cat("FAIL: ", available, " of ", ga_units, " GA units available ", kExpiryWaitMsMax,
                            " ms after the deadline");
  report.sale = check;
  return report;
}

}  // namespace tessera::tools
