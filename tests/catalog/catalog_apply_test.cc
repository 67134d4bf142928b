// tessera apply / export-catalog against in-process servers: the demo venue
// file is the demo venue, an export re-applied to an empty server gives the
// same catalog hash, applying twice changes nothing, --dry-run changes
// nothing, a file with an error anywhere is refused whole naming its line,
// a definition that differs from the server's is refused, settings change,
// the server's --catalog start-up option, and the one-off subcommands.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/net/net_test_support.h"
#include "tests/tools/cli_run.h"
#include "tools/cli/cli_args.h"
#include "tools/cli/cli_commands.h"

namespace tessera::tools {
namespace {

namespace fs = std::filesystem;

const std::string kDemoFile = std::string(TESSERA_SOURCE_DIR) + "/examples/demo-venue.toml";

CliRun run(const server::ServerApp& app, std::vector<std::string> args,
           const char* token = tessera::testing::kAdminToken) {
  const std::string port = std::to_string(app.port());
  std::vector<const char*> argv = {"tessera", "--port", port.c_str()};
  for (const auto& a : args) argv.push_back(a.c_str());
  auto parsed = parse_cli_args(static_cast<int>(argv.size()), argv.data(), token);
  if (!parsed.is_ok()) return {kExitUsage, "", parsed.status().message()};
  std::ostringstream out, err;
  const int code = run_cli(*parsed, out, err);
  return {code, out.str(), err.str()};
}

std::unique_ptr<server::ServerApp> empty_server() {
  server::ServerConfig config = tessera::testing::test_config();
  config.demo = false;
  return tessera::testing::start_server(std::move(config));
}

// "N commands, catalog hash H" from export-catalog's first line.
struct Exported {
  size_t commands = 0;
  std::string hash;
  std::string text;
};
Exported export_of(const server::ServerApp& app) {
  const CliRun r = run(app, {"export-catalog"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  Exported e;
  e.text = r.out;
  const std::string header = r.out.substr(0, r.out.find('\n'));
  const size_t colon = header.find(": ");
  if (colon != std::string::npos) e.commands = std::stoul(header.substr(colon + 2));
  const size_t hash = header.find("catalog hash ");
  if (hash != std::string::npos) e.hash = header.substr(hash + 13);
  return e;
}

class TempFiles {
 public:
  TempFiles() : dir_(fs::temp_directory_path() / ("tessera-catalog-" + std::to_string(::getpid()))) {
    fs::create_directories(dir_);
  }
  ~TempFiles() { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  fs::path dir_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CatalogApply, TheDemoFileIsTheDemoVenueAndItsExportRoundTrips) {
  auto demo = tessera::testing::start_server();  // the C++ demo loader
  auto a = empty_server();
  const CliRun applied = run(*a, {"apply", kDemoFile});
  ASSERT_EQ(applied.code, kExitOk) << applied.err;
  EXPECT_NE(applied.out.find("create performance 1000"), std::string::npos) << applied.out;
  const Exported from_file = export_of(*a);
  EXPECT_GT(from_file.commands, 100u);
  EXPECT_EQ(from_file.hash, export_of(*demo).hash) << "examples/demo-venue.toml is not the demo venue";

  TempFiles files;
  const std::string out = files.path("exported.toml");
  const CliRun written = run(*a, {"export-catalog", "--out", out, "--time-zone", "Europe/Paris"});
  ASSERT_EQ(written.code, kExitOk) << written.err;
  EXPECT_NE(read_file(out).find("Europe/Paris"), std::string::npos);
  auto b = empty_server();
  const CliRun reapplied = run(*b, {"apply", out});
  ASSERT_EQ(reapplied.code, kExitOk) << reapplied.err;
  EXPECT_EQ(export_of(*b).hash, from_file.hash);
  // A sale works on the copy: the stock is really there.
  EXPECT_EQ(run(*b, {"hold", "--performance", "1000", "--category", "1", "--quantity", "2"}).code, kExitOk);
}

TEST(CatalogApply, ApplyingTwiceSendsNothingTheSecondTime) {
  auto app = empty_server();
  ASSERT_EQ(run(*app, {"apply", kDemoFile}).code, kExitOk);
  const Exported before = export_of(*app);
  const CliRun again = run(*app, {"apply", kDemoFile});
  ASSERT_EQ(again.code, kExitOk) << again.err;
  EXPECT_NE(again.out.find("0 to send, " + std::to_string(before.commands) + " unchanged"), std::string::npos)
      << again.out;
  EXPECT_EQ(export_of(*app).hash, before.hash);
}

TEST(CatalogApply, DryRunPrintsThePlanAndChangesNothing) {
  auto app = empty_server();
  const CliRun dry = run(*app, {"apply", "--dry-run", kDemoFile});
  ASSERT_EQ(dry.code, kExitOk) << dry.err;
  EXPECT_NE(dry.out.find("dry run, nothing changed"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("create season 1"), std::string::npos) << dry.out;
  EXPECT_EQ(export_of(*app).commands, 0u);

  // A setting that differs is a change, shown with both values; dry run
  // leaves it, apply makes it.
  ASSERT_EQ(run(*app, {"apply", kDemoFile}).code, kExitOk);
  const Exported before = export_of(*app);
  TempFiles files;
  const std::string cheaper = files.write("cheaper.toml",
                                          "[[tariff]]\nid = 11\nproduct = 1\nname = \"Plein tarif\"\n"
                                          "prices = [ { category = 1, cents = 5500 } ]\n");
  const CliRun planned = run(*app, {"apply", "--dry-run", cheaper});
  ASSERT_EQ(planned.code, kExitOk) << planned.err;
  EXPECT_NE(planned.out.find("change price of tariff 11 for category 1 on every channel: 6000 cents -> 5500 cents"),
            std::string::npos)
      << planned.out;
  EXPECT_EQ(export_of(*app).hash, before.hash);
  const CliRun changed = run(*app, {"apply", cheaper});
  ASSERT_EQ(changed.code, kExitOk) << changed.err;
  const Exported after = export_of(*app);
  EXPECT_NE(after.hash, before.hash);
  EXPECT_EQ(after.commands, before.commands);
  EXPECT_NE(after.text.find("5500"), std::string::npos);
}

TEST(CatalogApply, AFileWithAnErrorIsRefusedWholeNamingItsLine) {
  auto app = empty_server();
  TempFiles files;
  // A typo at line 7 (after a valid season): nothing applied, not even the season.
  const std::string typo = files.write("typo.toml",
                                       "time_zone = \"Europe/Paris\"\n"
                                       "[[season]]\n"
                                       "id = 1\n"
                                       "name = \"Saison\"\n"
                                       "[[channel]]\n"
                                       "id = 1\n"
                                       "nmae = \"Guichet\"\n");
  const CliRun r = run(*app, {"apply", typo});
  EXPECT_EQ(r.code, kExitRefused);
  EXPECT_NE(r.err.find("typo.toml:7:"), std::string::npos) << r.err;
  EXPECT_EQ(export_of(*app).commands, 0u);

  // Well formed, but the engine would refuse line 9 (a tariff of a product
  // that exists neither in the file nor on the server): refused before
  // anything is sent.
  const std::string dangling = files.write("dangling.toml",
                                           "[[season]]\n"
                                           "id = 1\n"
                                           "name = \"Saison\"\n"
                                           "[[channel]]\n"
                                           "id = 1\n"
                                           "name = \"Guichet\"\n"
                                           "\n"
                                           "[[tariff]]\n"
                                           "id = 5\n"
                                           "product = 99\n"
                                           "name = \"Plein\"\n");
  const CliRun d = run(*app, {"apply", dangling});
  EXPECT_EQ(d.code, kExitRefused);
  EXPECT_NE(d.err.find("dangling.toml:8:"), std::string::npos) << d.err;
  EXPECT_NE(d.err.find("product 99"), std::string::npos) << d.err;
  EXPECT_EQ(export_of(*app).commands, 0u);
}

TEST(CatalogApply, ADefinitionThatDiffersFromTheServersIsRefused) {
  auto app = tessera::testing::start_server();
  const Exported before = export_of(*app);
  TempFiles files;
  const std::string renamed = files.write("renamed.toml",
                                          "[[channel]]\n"
                                          "id = 4\n"
                                          "name = \"Nouveau canal\"\n"
                                          "\n"
                                          "[[channel]]\n"
                                          "id = 2\n"
                                          "name = \"Web\"\n");
  const CliRun r = run(*app, {"apply", renamed});
  EXPECT_EQ(r.code, kExitRefused);
  EXPECT_NE(r.err.find("renamed.toml:5: channel 2 differs from the server's"), std::string::npos) << r.err;
  EXPECT_EQ(export_of(*app).hash, before.hash) << "channel 4 must not have been created";
}

TEST(CatalogApply, NamingTheContingentsOfAnExport_RenamesThem) {
  auto app = tessera::testing::start_server();
  const Exported before = export_of(*app);
  ASSERT_EQ(before.text.find("name = \"Loge presse\""), std::string::npos);
  std::string text = before.text;
  const std::string table = "[[performance.contingent]]\n";
  size_t named = 0;
  for (size_t at = text.find(table); at != std::string::npos; at = text.find(table, at + 1)) {
    const size_t id_line_end = text.find('\n', at + table.size());
    text.insert(id_line_end + 1, "  name = \"Loge presse\"\n");
    ++named;
  }
  ASSERT_GT(named, 0u);
  TempFiles files;
  const std::string path = files.write("named.toml", text);
  const CliRun dry = run(*app, {"apply", "--dry-run", path});
  EXPECT_EQ(dry.code, kExitOk) << dry.err;
  EXPECT_NE(dry.out.find("unnamed -> name \"Loge presse\""), std::string::npos) << dry.out;
  EXPECT_EQ(export_of(*app).hash, before.hash) << "a dry run changes nothing";
  const CliRun applied = run(*app, {"apply", path});
  ASSERT_EQ(applied.code, kExitOk) << applied.err;
  const Exported after = export_of(*app);
  EXPECT_NE(after.hash, before.hash);
  EXPECT_EQ(after.commands, before.commands) << "renamed, not added";
  EXPECT_NE(after.text.find("name = \"Loge presse\""), std::string::npos) << after.text;
}

TEST(CatalogApply, TheServerAppliesItsConfiguredCatalogAtStart) {
  server::ServerConfig config = tessera::testing::test_config();
  config.demo = false;
  config.catalog = kDemoFile;
  auto app = tessera::testing::start_server(std::move(config));
  const CliRun r =
      run(*app, {"availability", "--performance", "3003", "--category", "1"}, tessera::testing::kWebshopToken);
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_NE(r.out.find("450"), std::string::npos) << r.out;

  server::ServerConfig bad = tessera::testing::test_config();
  bad.demo = false;
  TempFiles files;
  bad.catalog = files.write("bad.toml", "[[season]]\nid = 0\nname = \"x\"\n");
  server::ServerApp refused(bad);
  const Status s = refused.start();
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("bad.toml:"), std::string::npos) << s.message();
}

// A data directory whose catalog has moved on from the file (here a
// performance defined at another time) still starts: the server keeps its
// own definition, says so, and applies the rest of the file.
TEST(CatalogApply, AtStartTheServerKeepsItsOwnDefinitionsWhereTheFileDiffers) {
  TempFiles files;
  const std::string venue =
      "[[season]]\nid = 1\nname = \"S\"\n[[family]]\nid = 1\nname = \"F\"\n"
      "[[channel]]\nid = 2\nname = \"Web\"\n[[category]]\nid = 1\nname = \"C\"\n"
      "[[product]]\nid = 1\nseason = 1\nfamily = 1\nname = \"P\"\n"
      "[[tariff]]\nid = 1\nproduct = 1\nname = \"T\"\nprices = [ { category = 1, cents = 1000 } ]\n"
      "[[performance]]\nid = 100\nproduct = 1\n";
  server::ServerConfig config = tessera::testing::test_config();
  config.demo = false;
  config.durability = server::Durability::kSync;
  config.data_dir = files.path("data");
  config.catalog = files.write("first.toml", venue +
                                                 "starts_at = 2031-06-21T21:00:00Z\n"
                                                 "general_admission = [ { category = 1, capacity = 10 } ]\n");
  std::string before;
  {
    auto app = tessera::testing::start_server(config);
    before = export_of(*app).hash;
  }
  // The file now says 22:00 and 20 places: the date is a definition (kept),
  // the capacity a setting (changed).
  config.catalog = files.write("second.toml", venue +
                                                  "starts_at = 2031-06-21T22:00:00Z\n"
                                                  "general_admission = [ { category = 1, capacity = 20 } ]\n");
  auto app = tessera::testing::start_server(config);
  const Exported after = export_of(*app);
  EXPECT_NE(after.text.find("2031-06-21T21:00:00"), std::string::npos) << after.text;
  EXPECT_NE(after.text.find("capacity = 20"), std::string::npos) << after.text;
  EXPECT_NE(after.hash, before);
  // tessera apply stays strict: the same file is refused, naming the line.
  const CliRun strict = run(*app, {"apply", config.catalog});
  EXPECT_EQ(strict.code, kExitRefused);
  EXPECT_NE(strict.err.find("performance 100 differs"), std::string::npos) << strict.err;
}

TEST(CatalogApply, OneOffChangesFromTheCommandLine) {
  auto app = tessera::testing::start_server();
  EXPECT_EQ(run(*app, {"price", "set", "--tariff", "11", "--category", "2", "--channel", "2", "--cents", "4800"}).code,
            kExitOk);
  EXPECT_NE(export_of(*app).text.find("4800"), std::string::npos);
  const CliRun skipped = run(*app, {"performance", "add", "--id", "1100", "--product", "1", "--starts-at",
                                    "2027-03-28T02:30", "--time-zone", "Europe/Paris"});
  EXPECT_EQ(skipped.code, kExitUsage);
  EXPECT_NE(skipped.err.find("does not exist in Europe/Paris"), std::string::npos) << skipped.err;
  const CliRun added = run(*app, {"performance", "add", "--id", "1100", "--product", "1", "--starts-at",
                                  "2027-03-28T20:30", "--time-zone", "Europe/Paris"});
  ASSERT_EQ(added.code, kExitOk) << added.err;
  ASSERT_EQ(run(*app, {"capacity", "set", "--performance", "1100", "--category", "1", "--capacity", "80"}).code,
            kExitOk);
  ASSERT_EQ(run(*app, {"cap", "set", "--performance", "1100", "--channel", "2", "--cap", "60"}).code, kExitOk);
  const CliRun web =
      run(*app, {"availability", "--performance", "1100", "--category", "1"}, tessera::testing::kWebshopToken);
  EXPECT_NE(web.out.find("60"), std::string::npos) << web.out;
  // 20:30 in Paris on 28 March 2027 (summer time, UTC+2) is 18:30 UTC.
  EXPECT_NE(export_of(*app).text.find("2027-03-28T18:30"), std::string::npos);
}

}  // namespace
}  // namespace tessera::tools
