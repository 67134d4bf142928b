// Demo venue: the set-up commands of a small theatre season, shared by the
// demo, the tests and the benchmarks so they all speak about the same stock.
//
//   season 1, product family 1, products 1 (release at deadline),
//   2 (overdue then archive, 1 day grace), 3 (keep until released)
//   channels 1 box office, 2 web, 3 partner
//   categories 1, 2, 3; tariffs 1 full, 2 reduced (per product)
//   each performance: GA cat 1/2/3 = capacity split 50/30/20 %, a partner
//   contingent (id = performance * 10 + 1) of 5 % of cat 1 for channel 3,
//   a web channel cap, and a per-contact limit.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/command.h"

namespace tessera::workload {

struct DemoVenue {
  uint32_t performances = 4;  // ids first_performance, first_performance + 1, ...
  engine::PerformanceId first_performance = 1000;
  uint32_t capacity_per_performance = 1000;
  uint32_t web_cap_percent = 100;            // web channel cap, % of capacity (100 = no cap)
  uint32_t contact_limit = 0;                // 0 = none
  int64_t starts_at_ms = 2'000'224'800'000;  // 2033-05-20T18:00:00Z (20:00 in Paris): far ahead of every test's clock
};

inline constexpr engine::ChannelId kBoxOffice = 1, kWeb = 2, kPartner = 3;
inline constexpr engine::ProductId kProductRelease = 1, kProductOverdue = 2, kProductKeep = 3;
inline constexpr int64_t kOverdueGraceMs = 24LL * 3600 * 1000;

// Catalog commands (broadcast to every shard).
std::vector<engine::Command> demo_catalog();
// Performance commands for performances of `product`.
std::vector<engine::Command> demo_performances(const DemoVenue& venue, engine::ProductId product);
// Tariff id of product p's tariff t (t in {1 full, 2 reduced}).
constexpr engine::TariffId demo_tariff(engine::ProductId p, uint32_t t) { return p.value() * 10 + t; }
constexpr engine::ContingentId demo_partner_contingent(engine::PerformanceId p) { return p.value() * 10 + 1; }

// A rectangular seated hall: `sections` sections of `rows` rows of `seats`
// seats. Rows are split into bands of the listed categories (best rows =
// first category). Seat rank = row * (seats / 2 + 1) + distance from the
// centre, so equal rows of different sections form one quality tier. With
// `accessible`, each section's last row starts with 2 wheelchair spaces and
// 2 companion seats.
struct GridLayout {
  engine::LayoutId layout = 1;
  uint32_t sections = 1;
  uint32_t rows = 10;
  uint32_t seats = 20;
  std::vector<engine::CategoryId> categories = {1, 2, 3};
  bool accessible = false;
};
engine::DefineVenueLayout grid_layout(const GridLayout& grid);

// One GA line of `quantity` units.
engine::LineRequest demo_line(engine::PerformanceId performance, engine::ProductId product, engine::CategoryId category,
                              uint32_t quantity);

// CreateContact of an individual with this id ("CLIENT <id>", number
// 100000000000 + id): a server takes orders only for contacts its
// directory created, so set-ups that book for given ids create them first.
engine::Command demo_contact(engine::ContactId id);

// The profiles of contacts 1..count as the contact directory hands them to
// every shard (SetContactProfiles, internal): what a shard runner without
// a directory (benchmarks, runtime tests) needs to take their orders.
engine::Command demo_contact_profiles(uint32_t count);

}  // namespace tessera::workload
