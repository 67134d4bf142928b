// Catalog files: the examples, write -> parse round trips, canonical order,
// and errors that name their line.
#include "catalog/catalog_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "catalog/catalog_values.h"
#include "engine/codec.h"
#include "workload/demo_venue.h"

namespace tessera::catalog {
namespace {

using namespace tessera::engine;

Command cmd(CommandBody body) { return Command{0, std::move(body)}; }

// What server/demo_loader.cc loads.
std::vector<Command> demo_commands() {
  std::vector<Command> out = workload::demo_catalog();
  for (uint32_t p = 1; p <= 3; ++p) {
    workload::DemoVenue venue;
    venue.first_performance = p * 1000;
    for (Command& c : workload::demo_performances(venue, p)) out.push_back(std::move(c));
  }
  return out;
}

std::vector<Command> sorted(std::vector<Command> commands) {
  sort_canonical(&commands);
  return commands;
}

std::vector<Command> commands_of(const CatalogFile& file) {
  std::vector<Command> out;
  for (const CatalogEntry& e : file.entries) out.push_back(e.command);
  return out;
}

void expect_same(const std::vector<Command>& got, const std::vector<Command>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(command_name(got[i].body), command_name(want[i].body)) << "command " << i;
    ASSERT_EQ(encode(got[i]), encode(want[i])) << "command " << i << " (" << command_name(want[i].body) << ")";
  }
}

// Writes, parses back, and expects the commands in canonical order.
std::string expect_round_trip(const std::vector<Command>& commands, std::string_view zone) {
  Result<std::string> text = write_catalog(commands, zone);
  EXPECT_TRUE(text.is_ok()) << text.status().message();
  if (!text.is_ok()) return {};
  Result<CatalogFile> back = parse_catalog(*text, "written.toml");
  EXPECT_TRUE(back.is_ok()) << back.status().message() << "\n" << *text;
  if (!back.is_ok()) return {};
  EXPECT_EQ(back->time_zone, zone);
  expect_same(commands_of(*back), sorted(commands));
  return *text;
}

std::string error_of(std::string_view text) {
  Result<CatalogFile> file = parse_catalog(text, "test.toml");
  EXPECT_FALSE(file.is_ok()) << "parsed without error:\n" << text;
  if (file.is_ok()) return {};
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
  return file.status().message();
}

int64_t utc_ms(int y, unsigned m, unsigned d, unsigned h, unsigned min) {
  // Days from civil (Howard Hinnant's algorithm), for test dates only.
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = int64_t{era} * 146097 + doe - 719468;
  return ((days * 24 + h) * 60 + min) * 60'000;
}

// ---- The examples -------------------------------------------------------------

TEST(CatalogExamples, DemoVenue_ParsesToTheDemoCommands) {
  Result<CatalogFile> file = read_catalog(TESSERA_SOURCE_DIR "/examples/demo-venue.toml");
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  EXPECT_EQ(file->time_zone, "Europe/Paris");
  expect_same(commands_of(*file), sorted(demo_commands()));
}

TEST(CatalogExamples, SmallVenue_ParsesAndRoundTrips) {
  Result<CatalogFile> file = read_catalog(TESSERA_SOURCE_DIR "/examples/small-venue.toml");
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  const std::vector<Command> commands = commands_of(*file);
  auto count = [&](auto kind) {
    return std::count_if(commands.begin(), commands.end(),
                         [](const Command& c) { return std::holds_alternative<decltype(kind)>(c.body); });
  };
  EXPECT_EQ(count(DefineProduct{}), 1);
  EXPECT_EQ(count(DefineChannel{}), 2);
  EXPECT_EQ(count(DefineVenueLayout{}), 1);
  EXPECT_EQ(count(DefinePerformance{}), 2);
  EXPECT_EQ(count(DefineSubContingent{}), 1);
  EXPECT_EQ(count(SetContingentReleaseBack{}), 1);
  expect_round_trip(commands, file->time_zone);
}

TEST(CatalogExamples, ReadCatalog_MissingFileNamesThePath) {
  Result<CatalogFile> file = read_catalog("/nonexistent/catalog.toml");
  ASSERT_FALSE(file.is_ok());
  EXPECT_EQ(file.status().message().rfind("/nonexistent/catalog.toml: cannot read: ", 0), 0u)
      << file.status().message();
}

// ---- Round trips --------------------------------------------------------------

TEST(CatalogRoundTrip, DemoCommands_InParisAndUtc) {
  expect_round_trip(demo_commands(), "Europe/Paris");
  expect_round_trip(demo_commands(), "UTC");
}

TEST(CatalogRoundTrip, AnyInputOrder_GivesTheCanonicalOrder) {
  std::vector<Command> shuffled = demo_commands();
  std::mt19937 rng(42);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  Result<std::string> text = write_catalog(shuffled, "Europe/Paris");
  ASSERT_TRUE(text.is_ok()) << text.status().message();
  EXPECT_EQ(*text, *write_catalog(demo_commands(), "Europe/Paris"));
  expect_same(sorted(shuffled), sorted(demo_commands()));
}

TEST(CatalogRoundTrip, GridLayoutWithAccessibleSeats) {
  workload::GridLayout grid;
  grid.sections = 3;
  grid.rows = 12;
  grid.seats = 17;
  grid.accessible = true;
  const std::string text = expect_round_trip({cmd(workload::grid_layout(grid))}, "UTC");
  EXPECT_NE(text.find("wheelchair = \"1-2\", companion = \"3-4\""), std::string::npos) << text;
}

TEST(CatalogRoundTrip, IrregularRanksMixedCategoriesAndFlags) {
  DefineVenueLayout d{7, "Salle à l'italienne", {4, 2, 9}, {}};
  LayoutSection stalls{"Parterre", {}};
  // Row 1: the default rule with categories and flags mixed in one row.
  LayoutRow mixed{1, 101, {}};
  for (uint32_t i = 0; i < 10; ++i) {
    const uint8_t slot = i < 3 ? 1 : (i >= 8 ? 2 : 0);
    const uint8_t flags = i == 0 ? kSeatWheelchair | kSeatRestrictedView : (i == 5 ? kSeatBlockedByDefault : 0);
    const uint32_t off = 2 * i + 1 > 10 ? (2 * i + 1 - 10) / 2 : (10 - 2 * i - 1) / 2;
    mixed.seats.push_back(LayoutSeat{slot, flags, static_cast<uint16_t>(off)});
  }
  stalls.rows.push_back(mixed);
  // Row 3 (no row 2): irregular ranks.
  LayoutRow irregular{3, 1, {}};
  for (uint16_t rank : {9, 3, 3, 7, 65535, 0}) irregular.seats.push_back(LayoutSeat{2, 0, rank});
  stalls.rows.push_back(irregular);
  // Rows 4-5: identical, ranked by the rule: one band.
  for (uint32_t r = 4; r <= 5; ++r) {
    LayoutRow row{r, 1, {}};
    for (uint32_t i = 0; i < 6; ++i) {
      const uint32_t off = 2 * i + 1 > 6 ? (2 * i + 1 - 6) / 2 : (6 - 2 * i - 1) / 2;
      row.seats.push_back(LayoutSeat{0, kSeatCompanion, static_cast<uint16_t>((r - 2) * 4 + off)});
    }
    stalls.rows.push_back(row);
  }
  d.sections.push_back(stalls);
  d.sections.push_back(LayoutSection{"Loge", {LayoutRow{1, 4'294'967'290u, {LayoutSeat{0, 0, 5}}}}});
  const std::string text = expect_round_trip({cmd(d)}, "Europe/Paris");
  EXPECT_NE(text.find("ranks = [9, 3, 3, 7, 65535, 0]"), std::string::npos) << text;
  EXPECT_NE(text.find("rows = \"4-5\""), std::string::npos) << text;
  EXPECT_NE(text.find("other_categories = [{ category = 2, seats = \"101-103\" }, { category = 9, seats = "
                      "\"109-110\" }]"),
            std::string::npos)
      << text;
}

TEST(CatalogRoundTrip, NestedContingentsAndReleaseBack) {
  const int64_t t0 = utc_ms(2027, 1, 15, 19, 0);
  std::vector<Command> c = {
      cmd(DefinePerformance{5000, 1, t0, 800, 4}),
      cmd(SetGeneralAdmission{5000, 1, 500}),
      cmd(SetGeneralAdmission{5000, 2, 300}),
      cmd(AssignLayout{5000, 3}),
      cmd(SetChannelCap{5000, 2, 600}),
      cmd(SetChannelCap{5000, 1, 700}),
      cmd(DefineContingent{60, 5000, 1, 100, {3}}),
      cmd(DefineSubContingent{62, 5000, 60, 20, {}}),
      cmd(DefineSubContingent{61, 5000, 60, 30, {3, 1}}),
      cmd(DefineSubContingent{70, 5000, 61, 5, {}}),
      cmd(DefineContingent{55, 5000, 2, 40, {}}),
      cmd(SetContingentReleaseBack{5000, 61, t0 - 86'400'000 + 250}),
      cmd(SetContingentReleaseBack{5000, 55, t0 - 3 * 86'400'000}),
      cmd(DefinePerformance{4000, 1, t0 - 7 * 86'400'000, 0, 0}),
  };
  const std::string text = expect_round_trip(c, "Europe/Paris");
  EXPECT_NE(text.find("release_back = 2027-01-14T20:00:00.250"), std::string::npos) << text;
  // Depth first, children by id: 55, 60, 61, 70, 62.
  std::vector<uint32_t> order;
  for (const Command& x : sorted(c)) {
    if (auto* r = std::get_if<DefineContingent>(&x.body)) order.push_back(r->contingent.value());
    if (auto* s = std::get_if<DefineSubContingent>(&x.body)) order.push_back(s->contingent.value());
  }
  EXPECT_EQ(order, (std::vector<uint32_t>{55, 60, 61, 70, 62}));
}

TEST(CatalogRoundTrip, ProductTypesDeadlineExceptionAndContingentNames) {
  DefineProduct typed{7, 1, 1, "Contes du mercredi"};
  typed.type = 2;
  typed.deadline_after_start = true;
  std::vector<Command> c = {
      cmd(DefineSeason{1, "S"}),
      cmd(DefineProductFamily{1, "F"}),
      cmd(DefineProductType{2, "Jeune public"}),
      cmd(typed),
      cmd(DefinePerformance{5000, 7, utc_ms(2027, 1, 15, 19, 0), 0, 0}),
      cmd(SetGeneralAdmission{5000, 1, 500}),
      cmd(DefineContingent{60, 5000, 1, 100, {3}, "Comité d'entreprise"}),
      cmd(DefineSubContingent{61, 5000, 60, 30, {}, "Classe \"A\""}),
      cmd(DefineSubContingent{62, 5000, 60, 20, {}}),
  };
  const std::string text = expect_round_trip(c, "Europe/Paris");
  EXPECT_NE(text.find("[[product_type]]\nid = 2\nname = \"Jeune public\""), std::string::npos) << text;
  EXPECT_NE(text.find("type = 2\ndeadline_after_start = true\n"), std::string::npos) << text;
  EXPECT_NE(text.find("name = \"Comité d'entreprise\""), std::string::npos) << text;
  EXPECT_NE(error_of("[[product]]\nid = 1\nseason = 1\nfamily = 1\nname = \"P\"\ndeadline_after_start = 1\n")
                .find("deadline_after_start"),
            std::string::npos);
}

TEST(CatalogRoundTrip, DurationsOfEveryUnit) {
  std::vector<Command> c = {cmd(DefineSeason{1, "S"}), cmd(DefineProductFamily{1, "F"})};
  const int64_t durations[] = {0,          1,      999,         1'000,      60'000,     3'600'000,
                               86'400'000, 90'000, 129'600'000, 93'784'005, 86'400'001, 7 * 86'400'000LL + 1};
  uint32_t product = 1;
  for (int64_t ms : durations) {
    DefineProduct p{product, 1, 1, cat("P", product)};
    p.expiry_policy = ExpiryPolicy::kOverdueThenArchive;
    p.overdue_grace_ms = ms + 1;
    p.hold_lifetime_max_ms = ms;
    p.hold_extensions_max = product;
    c.push_back(cmd(p));
    c.push_back(cmd(SetOptionLifetime{product, kNone, BookingKind::kOption, ms}));
    c.push_back(cmd(SetOptionLifetime{product, 2, BookingKind::kReservation, ms * 2}));
    c.push_back(cmd(SetChannelExpiryPolicy{product, 3, ExpiryPolicy::kOverdueThenArchive, ms + 5}));
    c.push_back(cmd(SetChannelExpiryPolicy{product, 2, ExpiryPolicy::kReleaseAtDeadline, 0}));
    ++product;
  }
  expect_round_trip(c, "UTC");
}

TEST(CatalogRoundTrip, AmbiguousLocalTimeInParis_WritesTheOffset) {
  // 2026-10-25 02:30 happens twice in Paris: 00:30 UTC (CEST) and 01:30 UTC (CET).
  const int64_t first = utc_ms(2026, 10, 25, 0, 30), second = utc_ms(2026, 10, 25, 1, 30);
  std::vector<Command> c = {cmd(DefinePerformance{1, 1, first, 0, 0}), cmd(DefinePerformance{2, 1, second, 0, 0}),
                            cmd(DefinePerformance{3, 1, second + 3'600'000 + 7, 0, 0})};
  std::string text = expect_round_trip(c, "Europe/Paris");
  EXPECT_NE(text.find("starts_at = 2026-10-25T02:30:00+02:00"), std::string::npos) << text;
  EXPECT_NE(text.find("starts_at = 2026-10-25T02:30:00+01:00"), std::string::npos) << text;
  EXPECT_NE(text.find("starts_at = 2026-10-25T03:30:00.007\n"), std::string::npos) << text;
  text = expect_round_trip(c, "UTC");
  EXPECT_NE(text.find("starts_at = 2026-10-25T00:30:00\n"), std::string::npos) << text;
}

TEST(CatalogRoundTrip, LayoutOf20000Seats_FitsInAPage) {
  workload::GridLayout grid;
  grid.sections = 4;
  grid.rows = 50;
  grid.seats = 100;
  const std::string text = expect_round_trip({cmd(workload::grid_layout(grid))}, "UTC");
  const std::string layout = text.substr(text.find("[[layout]]"));
  EXPECT_LT(std::count(layout.begin(), layout.end(), '\n'), 60) << layout;
}

// ---- Values ----------------------------------------------------------------------

TEST(CatalogValues, Durations_ShortestExactText) {
  EXPECT_EQ(format_duration_ms(0), "0s");
  EXPECT_EQ(format_duration_ms(90'000), "90s");
  EXPECT_EQ(format_duration_ms(30 * 60'000), "30m");
  EXPECT_EQ(format_duration_ms(129'600'000), "36h");
  EXPECT_EQ(format_duration_ms(86'400'001), "1d1ms");
  EXPECT_EQ(format_duration_ms(250), "250ms");
  EXPECT_EQ(*parse_duration_ms("1d12h"), 129'600'000);
  EXPECT_EQ(*parse_duration_ms("1m30s250ms"), 90'250);
  EXPECT_FALSE(parse_duration_ms("12h1d").is_ok());
  EXPECT_FALSE(parse_duration_ms("-5m").is_ok());
  EXPECT_FALSE(parse_duration_ms("5").is_ok());
  EXPECT_FALSE(parse_duration_ms("").is_ok());
  EXPECT_FALSE(parse_duration_ms("1h1h").is_ok());
}

TEST(CatalogValues, NumberLists) {
  Result<std::vector<NumberRun>> runs = parse_number_list("10-12, 1-2,7");
  ASSERT_TRUE(runs.is_ok());
  EXPECT_EQ(format_number_list(*runs), "1-2,7,10-12");
  EXPECT_FALSE(parse_number_list("1-5,3").is_ok());
  EXPECT_FALSE(parse_number_list("5-3").is_ok());
  EXPECT_FALSE(parse_number_list("").is_ok());
  EXPECT_FALSE(parse_number_list("1,,2").is_ok());
}

// ---- Canonical order and entry lines -------------------------------------------

TEST(CatalogParse, FileOrderDoesNotMatter_AndEntriesKeepTheirLines) {
  const std::string text = R"([[tariff]]
id = 11
product = 1
name = "Plein tarif"
prices = [
  { category = 2, cents = 4000 },
  { category = 1, channel = 2, cents = 6200 },
  { category = 1, cents = 6000 },
]

[[product]]
id = 1
season = 1
family = 1
name = "Le Misanthrope"
option_lifetime = [{ channel = 2, kind = "reservation", lifetime = "3d" }, { kind = "option", lifetime = "7d" }]

[[season]]
id = 1
name = "Saison"
)";
  Result<CatalogFile> file = parse_catalog(text, "t.toml");
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  EXPECT_EQ(file->time_zone, "UTC");
  std::vector<std::pair<std::string_view, uint32_t>> got;
  for (const CatalogEntry& e : file->entries) got.emplace_back(command_name(e.command.body), e.line);
  const std::vector<std::pair<std::string_view, uint32_t>> want = {
      {command_name(DefineSeason{}), 18},      {command_name(DefineProduct{}), 11},
      {command_name(SetOptionLifetime{}), 16}, {command_name(SetOptionLifetime{}), 16},
      {command_name(DefineTariff{}), 1},       {command_name(SetTariffPrice{}), 8},
      {command_name(SetTariffPrice{}), 7},     {command_name(SetTariffPrice{}), 6}};
  EXPECT_EQ(got, want);
  const auto& lifetime = std::get<SetOptionLifetime>(file->entries[2].command.body);
  EXPECT_EQ(lifetime.channel, ChannelId{kNone});
  EXPECT_EQ(lifetime.lifetime_ms, 7 * 86'400'000LL);
}

TEST(CatalogParse, SeatRowsFollowTheGridLayoutRanks) {
  const std::string text = R"([[layout]]
id = 1
name = "Grande salle"
categories = [1, 2, 3]
  [[layout.section]]
  name = "Section 1"
  rows = [
    { rows = "1-4", seats = "1-20", category = 1 },
    { rows = "5-7", seats = "1-20", category = 2 },
    { rows = "8-9", seats = "1-20", category = 3 },
    { rows = "10", seats = "1-20", category = 3, wheelchair = "1-2", companion = "3-4" },
  ]
)";
  Result<CatalogFile> file = parse_catalog(text, "t.toml");
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  workload::GridLayout grid;
  grid.accessible = true;
  grid.categories = {1, 2, 3};
  expect_same(commands_of(*file), {cmd(workload::grid_layout(grid))});
}

// ---- Errors name their line --------------------------------------------------------

TEST(CatalogErrors, TypoKey) {
  const std::string m = error_of("[[season]]\nid = 1\n\nnmae = \"Saison\"\n");
  EXPECT_NE(m.find("test.toml:4:"), std::string::npos) << m;
  EXPECT_NE(m.find("'nmae'"), std::string::npos) << m;
  EXPECT_NE(
      error_of("[[channel]]\nid = 1\nname = \"Web\"\n\n[[channel]]\nid = 2\nname = \"X\"\ncolour = 3\n").find(":8:"),
      std::string::npos);
  EXPECT_NE(error_of("seasons = []\n").find(":1: unknown key 'seasons'"), std::string::npos);
}

TEST(CatalogErrors, DuplicateId_NamesBothLines) {
  const std::string m = error_of("[[category]]\nid = 1\nname = \"A\"\n\n[[category]]\nid = 1\nname = \"B\"\n");
  EXPECT_NE(m.find("test.toml:5: duplicate category id 1 (first defined at line 1)"), std::string::npos) << m;
}

TEST(CatalogErrors, UnknownEnumValue_ListsTheAllowedOnes) {
  const std::string m =
      error_of("[[product]]\nid = 1\nseason = 1\nfamily = 1\nname = \"P\"\nexpiry = \"release-at-dedline\"\n");
  EXPECT_NE(m.find("test.toml:6:"), std::string::npos) << m;
  EXPECT_NE(m.find("\"release-at-deadline\", \"overdue-then-archive\", \"keep-until-released\""), std::string::npos)
      << m;
}

TEST(CatalogErrors, MissingRequiredKey) {
  const std::string m = error_of("time_zone = \"UTC\"\n\n[[tariff]]\nid = 11\nname = \"Plein\"\n");
  EXPECT_NE(m.find("test.toml:3:"), std::string::npos) << m;
  EXPECT_NE(m.find("missing required key 'product'"), std::string::npos) << m;
}

TEST(CatalogErrors, BadDuration) {
  const std::string m =
      error_of("[[product]]\nid = 1\nseason = 1\nfamily = 1\nname = \"P\"\nhold_lifetime_max = \"30 min\"\n");
  EXPECT_NE(m.find("test.toml:6:"), std::string::npos) << m;
  EXPECT_NE(m.find("bad duration"), std::string::npos) << m;
  EXPECT_NE(error_of("[[product]]\nid = 1\nseason = 1\nfamily = 1\nname = \"P\"\noption_lifetime = [{ kind = "
                     "\"option\", lifetime = \"-1d\" }]\n")
                .find(":6:"),
            std::string::npos);
}

TEST(CatalogErrors, NonexistentLocalTime) {
  const std::string m =
      error_of("time_zone = \"Europe/Paris\"\n[[performance]]\nid = 1\nproduct = 1\nstarts_at = 2027-03-28T02:30:00\n");
  EXPECT_NE(m.find("test.toml:5:"), std::string::npos) << m;
  EXPECT_NE(m.find("does not exist in Europe/Paris"), std::string::npos) << m;
  EXPECT_NE(m.find("offset"), std::string::npos) << m;
}

TEST(CatalogErrors, AmbiguousLocalTime_AsksForTheOffset) {
  const std::string m =
      error_of("time_zone = \"Europe/Paris\"\n[[performance]]\nid = 1\nproduct = 1\nstarts_at = 2026-10-25T02:30:00\n");
  EXPECT_NE(m.find("test.toml:5:"), std::string::npos) << m;
  EXPECT_NE(m.find("2026-10-25T02:30:00+02:00 (first) or 2026-10-25T02:30:00+01:00 (second)"), std::string::npos) << m;
}

TEST(CatalogErrors, DateWithoutTime) {
  const std::string m = error_of("[[performance]]\nid = 1\nproduct = 1\nstarts_at = 2027-03-28\n");
  EXPECT_NE(m.find("test.toml:4:"), std::string::npos) << m;
}

TEST(CatalogErrors, SubContingentWithUnknownParent) {
  const std::string m = error_of(R"([[performance]]
id = 1000
product = 1
starts_at = 2027-01-15T09:00:00
  [[performance.contingent]]
  id = 10001
  category = 1
  allotment = 50
  [[performance.contingent]]
  id = 10002
  parent = 10009
  allotment = 10
)");
  EXPECT_NE(m.find("test.toml:9: contingent 10002: parent 10009 is not a contingent of performance 1000"),
            std::string::npos)
      << m;
}

TEST(CatalogErrors, SyntaxError) {
  const std::string m = error_of("[[season]]\nid = 1\nname = \"Saison\n");
  EXPECT_NE(m.find("test.toml:3:"), std::string::npos) << m;
}

TEST(CatalogErrors, ValuesOutOfRangeOrOfTheWrongType) {
  EXPECT_NE(error_of("[[season]]\nid = 0\nname = \"S\"\n").find(":2:"), std::string::npos);
  EXPECT_NE(error_of("[[season]]\nid = \"1\"\nname = \"S\"\n").find(":2:"), std::string::npos);
  EXPECT_NE(error_of("[[season]]\nid = 1\nname = \"\"\n").find(":3:"), std::string::npos);
  EXPECT_NE(error_of("[[tariff]]\nid = 1\nproduct = 1\nname = \"T\"\nprices = [{ category = 1, cents = 4294967296 "
                     "}]\n")
                .find(":5:"),
            std::string::npos);
  EXPECT_NE(error_of("time_zone = \"Europe/Pariss\"\n").find(":1: unknown time zone"), std::string::npos);
  EXPECT_NE(error_of("[season]\nid = 1\n").find(":1:"), std::string::npos);
}

TEST(CatalogErrors, SeatRows) {
  auto layout = [](std::string_view band) {
    return cat("[[layout]]\nid = 1\nname = \"L\"\ncategories = [1, 2]\n[[layout.section]]\nname = \"S\"\nrows = [\n",
               band, "\n]\n");
  };
  EXPECT_NE(error_of(layout("{ rows = \"3-1\", seats = \"1-5\", category = 1 }")).find(":8: rows:"), std::string::npos);
  EXPECT_NE(error_of(layout("{ rows = \"1\", seats = \"1-5\", category = 3 }")).find(":8: category 3 is not"),
            std::string::npos);
  EXPECT_NE(error_of(layout("{ rows = \"1\", seats = \"1-5\", category = 1, wheelchair = \"1-2,2\" }")).find(":8:"),
            std::string::npos);
  EXPECT_NE(error_of(layout("{ rows = \"1\", seats = \"1-5\", category = 1, blocked = \"6\" }")).find(":8:"),
            std::string::npos);
  EXPECT_NE(error_of(layout("{ rows = \"1\", seats = \"1-5\", category = 1, other_categories = [{ category = 2, "
                            "seats = \"1-3\" }, { category = 1, seats = \"3\" }] }"))
                .find("overlap"),
            std::string::npos);
  EXPECT_NE(error_of(layout("{ rows = \"1-2\", seats = \"1-2\", category = 1, ranks = [1, 2] }")).find(":8:"),
            std::string::npos);
}

TEST(CatalogErrors, ContingentCategories) {
  const std::string head = "[[performance]]\nid = 1\nproduct = 1\nstarts_at = 2027-01-15T09:00:00\n";
  EXPECT_NE(error_of(head + "[[performance.contingent]]\nid = 5\nallotment = 1\n").find(":5:"), std::string::npos);
  EXPECT_NE(error_of(head + "[[performance.contingent]]\nid = 5\ncategory = 1\nallotment = 1\n"
                            "[[performance.contingent]]\nid = 6\nparent = 5\ncategory = 2\nallotment = 1\n")
                .find(":9: contingent 6: category 2 differs"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[[performance.contingent]]\nid = 5\nparent = 6\nallotment = 1\n"
                            "[[performance.contingent]]\nid = 6\nparent = 5\nallotment = 1\n")
                .find("loop"),
            std::string::npos);
}

// ---- What the writer refuses ----------------------------------------------------------

TEST(CatalogWrite, RefusesWhatAFileCannotHold) {
  EXPECT_FALSE(write_catalog({cmd(DefineSeason{1, "S"})}, "Mars/Olympus").is_ok());
  EXPECT_FALSE(write_catalog({cmd(SetTariffPrice{11, 1, kNone, 100})}, "UTC").is_ok());
  EXPECT_FALSE(write_catalog({cmd(SetGeneralAdmission{1, 1, 100})}, "UTC").is_ok());
  EXPECT_FALSE(write_catalog({cmd(DefineSeason{1, "S"}), cmd(DefineSeason{1, "T"})}, "UTC").is_ok());
  EXPECT_FALSE(write_catalog({cmd(DefineSeason{0, "S"})}, "UTC").is_ok());
  EXPECT_FALSE(write_catalog({cmd(DefineSeason{1, ""})}, "UTC").is_ok());
  EXPECT_FALSE(
      write_catalog({cmd(DefinePerformance{1, 1, 0, 0, 0}), cmd(DefineSubContingent{2, 1, 9, 1, {}})}, "UTC").is_ok());
  EXPECT_FALSE(write_catalog({cmd(BlockSeats{1, {1}})}, "UTC").is_ok());
  Result<std::string> refused = write_catalog({cmd(DefineSeason{1, "S"}), cmd(DefineSeason{1, "T"})}, "UTC");
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::catalog
