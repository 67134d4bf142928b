// ExportCatalog: the catalog read back as the set-up commands that recreate
// it. A server set up from an export exports the same commands (same hash),
// whatever order its catalog was first defined in; sales do not change it;
// every kind of set-up command comes out with its fields.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/command_registry.h"
#include "engine/hash.h"
#include "engine/reply_detail.h"
#include "engine/reply_merge.h"
#include "engine/shard.h"
#include "tests/engine/shard_fixture.h"
#include "workload/demo_venue.h"

namespace tessera::engine {
namespace {

constexpr PerformanceId kSeated = 5000;

// Two sections of 6 rows of 10 seats, categories 1 and 2, with wheelchair
// and companion seats.
DefineVenueLayout test_grid() {
  workload::GridLayout grid;
  grid.sections = 2;
  grid.rows = 6;
  grid.seats = 10;
  grid.accessible = true;
  grid.categories = {1, 2};
  return workload::grid_layout(grid);
}

// The demo venue, with more of every kind: a channel expiry policy, option
// lifetimes, a seated layout on a performance of its own, nested contingents
// with a release-back date and a channel cap.
std::vector<Command> rich_catalog() {
  std::vector<Command> out = workload::demo_catalog();
  auto add = [&out](CommandBody body) { out.push_back(Command{0, std::move(body)}); };
  add(SetChannelExpiryPolicy{workload::kProductRelease, workload::kWeb, ExpiryPolicy::kOverdueThenArchive, kDay});
  add(SetOptionLifetime{workload::kProductKeep, kNone, BookingKind::kOption, 7 * kDay});
  add(SetOptionLifetime{workload::kProductKeep, workload::kWeb, BookingKind::kReservation, 3 * kDay});
  add(test_grid());
  workload::DemoVenue venue;
  venue.performances = 2;
  venue.web_cap_percent = 80;
  for (const Command& c : workload::demo_performances(venue, workload::kProductRelease)) out.push_back(c);
  add(DefineSubContingent{100011, 1000, workload::demo_partner_contingent(1000), 20, {workload::kPartner}});
  add(DefineSubContingent{100012, 1000, 100011, 5, {}});
  add(SetContingentReleaseBack{1000, workload::demo_partner_contingent(1000), kT0 + 10 * kDay});
  add(DefinePerformance{kSeated, workload::kProductRelease, kT0 + 30 * kDay, 0, 4});
  add(SetGeneralAdmission{kSeated, 3, 40});
  add(AssignLayout{kSeated, 1});
  return out;
}

void apply_all(Shard& shard, const std::vector<Command>& commands) {
  for (const Command& c : commands) {
    const Reply r = shard.apply(c, kT0);
    ASSERT_TRUE(r.ok()) << command_name(c.body) << ": " << r.message;
  }
}

CatalogExport export_of(Shard& shard) {
  std::vector<Reply> parts{shard.apply(Command{0, ExportCatalog{}}, kT0)};
  const Reply merged = merge_replies(ExportCatalog{}, std::move(parts));
  EXPECT_TRUE(merged.ok()) << merged.message;
  EXPECT_NE(merged.detail, nullptr);
  return merged.detail ? std::get<CatalogExport>(merged.detail->value) : CatalogExport{};
}

template <typename T>
size_t count_of(const std::vector<Command>& commands) {
  return std::count_if(commands.begin(), commands.end(),
                       [](const Command& c) { return std::holds_alternative<T>(c.body); });
}

TEST(CatalogExport, ASetUpFromTheExportExportsTheSameCommands) {
  Shard first(0, 1, kT0);
  apply_all(first, rich_catalog());
  const CatalogExport exported = export_of(first);
  Shard second(0, 1, kT0);
  apply_all(second, exported.commands);
  const CatalogExport again = export_of(second);
  ASSERT_EQ(again.commands.size(), exported.commands.size());
  for (size_t i = 0; i < exported.commands.size(); ++i) {
    Hasher a, b;
    a.add(exported.commands[i].body);
    b.add(again.commands[i].body);
    EXPECT_EQ(a.value(), b.value()) << "command " << i << ": " << command_name(exported.commands[i].body);
  }
  EXPECT_EQ(again.catalog_hash, exported.catalog_hash);
  // The stock on sale is the same (the internal layout may differ: quotas
  // are numbered in definition order).
  const GetAvailability probes[] = {{1000, 1, kNone, workload::kWeb, kNone},
                                    {1000, 1, workload::demo_partner_contingent(1000), workload::kPartner, kNone},
                                    {1000, 1, 100012, workload::kPartner, kNone},
                                    {1001, 2, kNone, workload::kBoxOffice, kNone},
                                    {kSeated, 1, kNone, workload::kWeb, 7},
                                    {kSeated, 3, kNone, workload::kWeb, 7}};
  for (const GetAvailability& probe : probes) {
    const Reply a = first.apply(Command{0, probe}, kT0), b = second.apply(Command{0, probe}, kT0);
    ASSERT_TRUE(a.ok()) << a.message;
    EXPECT_EQ(b.value, a.value) << "performance " << probe.performance << " category " << probe.category;
  }
}

TEST(CatalogExport, EveryKindComesOut) {
  Shard shard(0, 1, kT0);
  const std::vector<Command> catalog = rich_catalog();
  apply_all(shard, catalog);
  const std::vector<Command> exported = export_of(shard).commands;
  // Each set-up command defines one thing, so the export has as many of each
  // kind as went in (no price, cap or contingent lost or doubled).
  EXPECT_EQ(count_of<DefineSeason>(exported), count_of<DefineSeason>(catalog));
  EXPECT_EQ(count_of<DefineProduct>(exported), count_of<DefineProduct>(catalog));
  EXPECT_EQ(count_of<SetTariffPrice>(exported), count_of<SetTariffPrice>(catalog));
  EXPECT_EQ(count_of<SetChannelExpiryPolicy>(exported), 1u);
  EXPECT_EQ(count_of<SetOptionLifetime>(exported), 2u);
  EXPECT_EQ(count_of<DefineVenueLayout>(exported), 1u);
  EXPECT_EQ(count_of<DefinePerformance>(exported), count_of<DefinePerformance>(catalog));
  EXPECT_EQ(count_of<SetGeneralAdmission>(exported), count_of<SetGeneralAdmission>(catalog));
  EXPECT_EQ(count_of<SetChannelCap>(exported), count_of<SetChannelCap>(catalog));
  EXPECT_EQ(count_of<DefineContingent>(exported), count_of<DefineContingent>(catalog));
  EXPECT_EQ(count_of<DefineSubContingent>(exported), 2u);
  EXPECT_EQ(count_of<AssignLayout>(exported), 1u);
  const auto release_back = std::find_if(exported.begin(), exported.end(), [](const Command& c) {
    return std::holds_alternative<SetContingentReleaseBack>(c.body);
  });
  ASSERT_NE(release_back, exported.end());
  EXPECT_EQ(std::get<SetContingentReleaseBack>(release_back->body).release_back_ms, kT0 + 10 * kDay);
  // The seated performance's layout categories are not general admission.
  for (const Command& c : exported) {
    if (const auto* ga = std::get_if<SetGeneralAdmission>(&c.body); ga && ga->performance == kSeated) {
      EXPECT_EQ(ga->category, CategoryId{3});
    }
  }
  // The layout comes back seat for seat.
  const auto layout = std::find_if(exported.begin(), exported.end(),
                                   [](const Command& c) { return std::holds_alternative<DefineVenueLayout>(c.body); });
  Hasher a, b;
  a.add(std::get<DefineVenueLayout>(layout->body));
  b.add(test_grid());
  EXPECT_EQ(a.value(), b.value());
}

TEST(CatalogExport, TheOrderOfDefinitionDoesNotChangeIt) {
  Shard shard(0, 1, kT0);
  apply_all(shard, rich_catalog());
  // The same catalog with each group of independent commands shuffled:
  // catalog entities among themselves, then the performances' commands.
  std::vector<Command> shuffled = rich_catalog();
  auto performance_commands = std::stable_partition(shuffled.begin(), shuffled.end(), [](const Command& c) {
    return std::visit(
        [](const auto& b) {
          return !requires { b.performance; };
        },
        c.body);
  });
  // Names and prices first, in reverse; then the performances, in reverse
  // order of performance (each performance's own commands keep their order).
  std::stable_partition(shuffled.begin(), performance_commands, [](const Command& c) {
    return std::holds_alternative<DefineSeason>(c.body) || std::holds_alternative<DefineProductFamily>(c.body) ||
           std::holds_alternative<DefineChannel>(c.body) || std::holds_alternative<DefineCategory>(c.body);
  });
  std::stable_sort(performance_commands, shuffled.end(), [](const Command& a, const Command& b) {
    auto perf = [](const Command& c) {
      return std::visit(
          [](const auto& x) -> uint32_t {
            if constexpr (requires { x.performance; }) {
              return x.performance.value();
            } else {
              return 0;
            }
          },
          c.body);
    };
    return perf(a) > perf(b);
  });
  Shard other(0, 1, kT0);
  apply_all(other, shuffled);
  EXPECT_EQ(export_of(other).catalog_hash, export_of(shard).catalog_hash);
}

TEST(CatalogExport, SalesDoNotChangeItAndAPriceChangeDoes) {
  Shard shard(0, 1, kT0);
  apply_all(shard, rich_catalog());
  const uint64_t before = export_of(shard).catalog_hash;
  const Reply held =
      shard.apply(Command{0, Hold{7, workload::kWeb, {workload::demo_line(1000, 1, 1, 4)}, 10 * kMinute}}, kT0);
  ASSERT_TRUE(held.ok()) << held.message;
  const Reply booked = shard.apply(Command{0, Book{BookingKind::kOption,
                                                   7,
                                                   workload::kPartner,
                                                   {LineRequest{1000, 1, workload::demo_tariff(1, 1), 3, 100012}},
                                                   kT0 + kDay}},
                                   kT0);
  ASSERT_TRUE(booked.ok()) << booked.message;
  EXPECT_EQ(export_of(shard).catalog_hash, before);
  apply_all(shard, {Command{0, SetTariffPrice{workload::demo_tariff(1, 1), 1, kNone, 6100}}});
  EXPECT_NE(export_of(shard).catalog_hash, before);
}

TEST(CatalogExport, ShardsMergeIntoTheOneShardExport) {
  Shard one(0, 1, kT0);
  apply_all(one, rich_catalog());
  Shard a(0, 2, kT0), b(1, 2, kT0);
  for (const Command& c : rich_catalog()) {
    const Route route = std::visit([](const auto& body) { return route_of(body, 2); }, c.body);
    for (Shard* s : {&a, &b}) {
      if (route.kind == Route::kOneShard && route.shard != s->shard_id()) continue;
      const Reply r = s->apply(c, kT0);
      ASSERT_TRUE(r.ok()) << command_name(c.body) << ": " << r.message;
    }
  }
  std::vector<Reply> parts{a.apply(Command{0, ExportCatalog{}}, kT0), b.apply(Command{0, ExportCatalog{}}, kT0)};
  const Reply merged = merge_replies(ExportCatalog{}, std::move(parts));
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(std::get<CatalogExport>(merged.detail->value).catalog_hash, export_of(one).catalog_hash);
}

}  // namespace
}  // namespace tessera::engine
