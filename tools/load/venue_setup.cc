// Set-up through the protocol: one call per group of commands.
#include "tools/load/venue_setup.h"

#include <chrono>

#include "tools/load/onsale_plan.h"
#include "workload/demo_venue.h"

namespace tessera::tools {

using namespace tessera::engine;

namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

// Sends `commands` in requests the server accepts; Duplicate counts as done.
Status apply_all(net::Client& client, const std::vector<Command>& commands) {
  const uint32_t per_request = std::max<uint32_t>(1, client.server_info().commands_per_request_max);
  for (size_t i = 0; i < commands.size(); i += per_request) {
    const size_t end = std::min(commands.size(), i + per_request);
    auto replies = client.call(std::vector<Command>(commands.begin() + static_cast<ptrdiff_t>(i),
                                                    commands.begin() + static_cast<ptrdiff_t>(end)));
    if (!replies.is_ok()) return replies.status();
    for (size_t k = 0; k < replies->size(); ++k) {
      const Reply& r = (*replies)[k];
      if (!r.ok() && r.code != ReplyCode::kDuplicate)
        return Status::failed_precondition(
            cat(command_name(commands[i + k].body), " refused: ", reply_code_name(r.code), ": ", r.message));
    }
  }
  return Status::ok();
}

int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status ensure_demo_catalog(net::Client& client) { return apply_all(client, workload::demo_catalog()); }

Status ensure_demo_venue(net::Client& client, bool* loaded) {
  *loaded = false;
  auto probe = client.call({Command{0, GetAvailability{1000, 1, kNone, workload::kWeb, kNone}}});
  if (!probe.is_ok()) return probe.status();
  if ((*probe)[0].code != ReplyCode::kNotFound) return Status::ok();
  std::vector<Command> commands = workload::demo_catalog();
  for (uint32_t p = workload::kProductRelease.value(); p <= workload::kProductKeep.value(); ++p) {
    workload::DemoVenue venue;
    venue.first_performance = p * 1000;  // as tessera-server --demo (server/demo_loader)
    for (Command& c : workload::demo_performances(venue, p)) commands.push_back(std::move(c));
  }
  Status s = apply_all(client, commands);
  *loaded = s.is_ok();
  return s;
}

namespace {

// Defines `count` consecutive performances of demo product 1 (overall cap
// `capacity`, 0 = none) at free ids in [id_min, id_min + id_span).
Result<std::vector<PerformanceId>> define_free_performances(net::Client& client, std::mt19937_64& rng,
                                                            PerformanceId id_min, uint32_t id_span, uint32_t count,
                                                            uint32_t capacity) {
  if (count == 0 || id_span < count) return Status::invalid_argument("no room for the performances");
  const int64_t starts_at_ms = wall_now_ms() + 30 * kDayMs;
  for (uint32_t attempt = 0; attempt < kDefineAttemptsMax; ++attempt) {
    const uint32_t first = id_min.value() + static_cast<uint32_t>(rng() % (id_span - count + 1));
    std::vector<Command> defines;
    for (uint32_t i = 0; i < count; ++i)
      defines.push_back(Command{0, DefinePerformance{first + i, workload::kProductRelease, starts_at_ms, capacity, 0}});
    auto replies = client.call(defines);
    if (!replies.is_ok()) return replies.status();
    bool taken = false;
    for (const Reply& r : *replies) {
      if (r.code == ReplyCode::kDuplicate) {
        taken = true;
      } else if (!r.ok()) {
        return Status::failed_precondition(
            cat("DefinePerformance refused: ", reply_code_name(r.code), ": ", r.message));
      }
    }
    // An id is in use (an earlier run): the new ones stay empty, try elsewhere.
    // Define first, size after: never resize a performance an earlier run owns.
    if (taken) continue;
    std::vector<PerformanceId> ids;
    for (uint32_t i = 0; i < count; ++i) ids.push_back(first + i);
    return ids;
  }
  return Status::resource_exhausted(cat("no free performance ids in [", id_min, ", ", id_min.value() + id_span,
                                        ") after ", kDefineAttemptsMax, " attempts"));
}

}  // namespace

Result<std::vector<PerformanceId>> define_load_performances(net::Client& client, std::mt19937_64& rng,
                                                            PerformanceId id_min, uint32_t id_span, uint32_t count,
                                                            uint32_t capacity) {
  if (Status s = ensure_demo_catalog(client); !s.is_ok()) return s;
  auto ids = define_free_performances(client, rng, id_min, id_span, count, capacity);
  if (!ids.is_ok()) return ids;
  std::vector<Command> sizes;
  for (PerformanceId p : *ids) sizes.push_back(Command{0, SetGeneralAdmission{p, 1, capacity}});
  if (Status s = apply_all(client, sizes); !s.is_ok()) return s;
  return ids;
}

Result<PerformanceId> define_venue_performance(net::Client& client, std::mt19937_64& rng, PerformanceId id_min,
                                               uint32_t id_span) {
  std::vector<Command> catalog = workload::demo_catalog();
  const TariffId tariff = workload::demo_tariff(workload::kProductRelease, 1);
  for (uint32_t c = 4; c <= kVenueCategories; ++c) {
    catalog.push_back(Command{0, DefineCategory{c, cat("Catégorie ", c)}});
    catalog.push_back(Command{0, SetTariffPrice{tariff, c, kNone, 2000}});
  }
  workload::GridLayout grid;
  grid.layout = kVenueLayout;
  grid.rows = kVenueSeatRows;
  grid.seats = kVenueSeats / kVenueSeatRows;
  grid.categories = {kVenueSeatCategory};
  catalog.push_back(Command{0, workload::grid_layout(grid)});
  if (Status s = apply_all(client, catalog); !s.is_ok()) return s;
  auto ids = define_free_performances(client, rng, id_min, id_span, 1, 0);
  if (!ids.is_ok()) return ids.status();
  const PerformanceId p = (*ids)[0];
  std::vector<Command> stock;
  for (uint32_t c = 1; c <= kVenueGaCategories; ++c)
    stock.push_back(Command{0, SetGeneralAdmission{p, c, venue_capacity(c)}});
  stock.push_back(Command{0, AssignLayout{p, kVenueLayout}});
  if (Status s = apply_all(client, stock); !s.is_ok()) return s;
  return p;
}

}  // namespace tessera::tools
