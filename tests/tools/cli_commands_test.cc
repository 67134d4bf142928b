// The tessera CLI's subcommands against an in-process server: the
// hold → availability → confirm flow, JSON output, refusals and exit codes,
// setup-demo, and stats from the admin port; and the tables of the contact
// directory's replies, printed from replies made here.
#include "tools/cli/cli_commands.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <tuple>

#include "engine/reply_detail.h"
#include "tests/net/net_test_support.h"
#include "tests/storage/temp_dir.h"
#include "tests/tools/cli_run.h"
#include "tools/cli/cli_args.h"
#include "tools/cli/cli_detail_output.h"

namespace tessera::tools {
namespace {

class CliFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ServerConfig config = tessera::testing::test_config();
    config.pmg_tiers = {{"BRONZE", 0}, {"ARGENT", 1}};            // a basket over 0.00 is ARGENT
    app_ = tessera::testing::start_server(std::move(config), 0);  // tests create the contacts they book for
  }

  CliRun run(std::vector<std::string> args, const char* token = tessera::testing::kAdminToken) {
    const std::string port = std::to_string(app_->port()), admin = std::to_string(app_->admin_port());
    std::vector<const char*> argv = {"tessera", "--port", port.c_str(), "--admin-port", admin.c_str()};
    for (const auto& a : args) argv.push_back(a.c_str());
    auto parsed = parse_cli_args(static_cast<int>(argv.size()), argv.data(), token);
    if (!parsed.is_ok()) return {kExitUsage, "", parsed.status().message()};  // as main() says it
    std::ostringstream out, err;
    const int code = run_cli(*parsed, out, err);
    return {code, out.str(), err.str()};
  }

  // The "value" of a GetAvailability JSON line for category 1 of 1000.
  int64_t available_cat1() {
    const CliRun r = run({"--json", "availability", "--performance", "1000", "--category", "1"});
    EXPECT_EQ(r.code, kExitOk) << r.err;
    return json_number(r.out, "value");
  }

  static int64_t json_number(const std::string& json, const std::string& field) {
    const size_t at = json.find("\"" + field + "\":");
    if (at == std::string::npos) return -1;
    return std::stoll(json.substr(at + field.size() + 3));
  }

  std::unique_ptr<server::ServerApp> app_;
};

TEST_F(CliFlow, HoldConfirmAndAvailability) {
  const int64_t before = available_cat1();
  ASSERT_GT(before, 4);

  const CliRun hold = run({"--json", "hold", "--performance", "1000", "--category", "1", "--quantity", "3"});
  ASSERT_EQ(hold.code, kExitOk) << hold.err;
  EXPECT_NE(hold.out.find("\"code\":\"Ok\""), std::string::npos) << hold.out;
  EXPECT_NE(hold.out.find("\"state\":\"held\""), std::string::npos) << hold.out;
  const std::string order =
      std::to_string(static_cast<uint64_t>(std::stoull(hold.out.substr(hold.out.find("\"order\":") + 8))));
  EXPECT_EQ(available_cat1(), before - 3);

  const CliRun confirm = run({"confirm", "--order", order, "--keep", "2"});
  ASSERT_EQ(confirm.code, kExitOk) << confirm.err;
  EXPECT_NE(confirm.out.find("Confirm"), std::string::npos) << confirm.out;
  EXPECT_EQ(available_cat1(), before - 2) << "the unit not kept returns";

  const CliRun shown = run({"order", "state", "--order", order});
  EXPECT_EQ(shown.code, kExitOk);
  EXPECT_NE(shown.out.find("confirmed"), std::string::npos) << shown.out;

  const CliRun noted = run({"order", "note", order, "Rappelée le 3"}, tessera::testing::kBackofficeToken);
  ASSERT_EQ(noted.code, kExitOk) << noted.err;
  const CliRun page = run({"order", "show", order}, tessera::testing::kBackofficeToken);
  ASSERT_EQ(page.code, kExitOk) << page.err;
  for (const char* part : {"validée (confirmed)", "lines", "workflow", "held -> confirmed",
                           "partly confirmed: 2 of 3 units kept", "Rappelée le 3", "note added"})
    EXPECT_NE(page.out.find(part), std::string::npos) << part << " missing from:\n" << page.out;
  const CliRun page_json = run({"--json", "order", "show", order}, tessera::testing::kBackofficeToken);
  ASSERT_EQ(page_json.code, kExitOk) << page_json.err;
  for (const char* part :
       {"\"detail\":{", "\"status\": \"valid\\u00E9e\"", "\"action\": \"StateChanged\"", "\"unit_price_cents\": "})
    EXPECT_NE(page_json.out.find(part), std::string::npos) << part << " missing from:\n" << page_json.out;
  const CliRun listed =
      run({"orders", "--performance", "1000", "--state", "confirmed"}, tessera::testing::kBackofficeToken);
  ASSERT_EQ(listed.code, kExitOk) << listed.err;
  EXPECT_NE(listed.out.find(order), std::string::npos) << listed.out;
  EXPECT_EQ(run({"orders"}, tessera::testing::kBackofficeToken).code, kExitUsage) << "no filter";
  const CliRun stock = run({"stock", "--performance", "1000"}, tessera::testing::kBackofficeToken);
  ASSERT_EQ(stock.code, kExitOk) << stock.err;
  EXPECT_NE(stock.out.find("overdue (OD)"), std::string::npos) << stock.out;

  const CliRun table = run({"availability", "--performance", "1000"});
  EXPECT_EQ(table.code, kExitOk) << table.err;
  EXPECT_NE(table.out.find("category"), std::string::npos);
  EXPECT_NE(table.out.find(std::to_string(before - 2)), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("NotFound"), std::string::npos) << "absent categories are not listed:\n" << table.out;
}

TEST_F(CliFlow, RefusalsAreExitCodeOneWithAMessage) {
  const CliRun huge = run({"hold", "--performance", "1000", "--category", "1", "--quantity", "999"});
  EXPECT_EQ(huge.code, kExitRefused);
  EXPECT_NE(huge.err.find("SoldOut"), std::string::npos) << huge.err;
  const CliRun missing = run({"release", "--order", "12345"});
  EXPECT_EQ(missing.code, kExitRefused);
  EXPECT_NE(missing.err.find("NotFound"), std::string::npos) << missing.err;
  const CliRun forbidden = run({"lock", "--order", "12345"}, tessera::testing::kWebshopToken);
  EXPECT_EQ(forbidden.code, kExitRefused);
  EXPECT_NE(forbidden.err.find("Forbidden"), std::string::npos) << forbidden.err;
  const CliRun unknown = run({"availability", "--performance", "77"});
  EXPECT_EQ(unknown.code, kExitRefused);
}

// A web shop's order is named by its hold token: printed in the table and
// in JSON, and sent back with --hold-token.
TEST_F(CliFlow, AWebShopReleasesItsHoldWithTheHoldToken) {
  const char* shop = tessera::testing::kWebshopToken;
  const CliRun hold = run({"hold", "--performance", "1000", "--category", "1", "--quantity", "1"}, shop);
  ASSERT_EQ(hold.code, kExitOk) << hold.err;
  EXPECT_NE(hold.out.find("hold_token"), std::string::npos) << hold.out;
  const CliRun json = run({"--json", "hold", "--performance", "1000", "--category", "1", "--quantity", "1"}, shop);
  ASSERT_EQ(json.code, kExitOk) << json.err;
  const size_t at = json.out.find("\"hold_token\":\"");
  ASSERT_NE(at, std::string::npos) << json.out;
  const std::string token = json.out.substr(at + 14, engine::HoldToken::kHexDigits);
  const std::string order = std::to_string(std::stoull(json.out.substr(json.out.find("\"order\":") + 8)));

  const CliRun bare = run({"release", "--order", order}, shop);
  EXPECT_EQ(bare.code, kExitRefused);
  EXPECT_NE(bare.err.find("hold_token"), std::string::npos) << bare.err;
  std::string wrong = token;
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  EXPECT_EQ(run({"release", "--order", order, "--hold-token", wrong}, shop).code, kExitRefused);
  const CliRun released = run({"release", "--order", order, "--hold-token", token}, shop);
  EXPECT_EQ(released.code, kExitOk) << released.err;
  EXPECT_EQ(run({"release", "--order", order, "--hold-token", "xyz"}, shop).code, kExitUsage);
}

TEST_F(CliFlow, UsageAndConnectionErrorsHaveTheirOwnCodes) {
  const CliRun no_deadline = run({"reinstate", "--order", "1"});
  EXPECT_EQ(no_deadline.code, kExitUsage);
  EXPECT_NE(no_deadline.err.find("[--deadline-ms,--days]"), std::string::npos) << no_deadline.err;
  EXPECT_EQ(run({"lock"}, tessera::testing::kBackofficeToken).code, kExitUsage) << "no order";
  const CliRun bad_token = run({"order", "state", "--order", "1"}, "not-a-token");
  EXPECT_EQ(bad_token.code, kExitServer) << bad_token.err;
  const char* argv[] = {"tessera", "--port", "1", "order", "state", "--order", "1"};  // nothing listens on port 1
  auto a = parse_cli_args(7, argv, "x");
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  std::ostringstream out, err;
  EXPECT_EQ(run_cli(*a, out, err), kExitServer);
  EXPECT_NE(err.str().find("connect"), std::string::npos) << err.str();
}

TEST_F(CliFlow, APaymentValidatesTheOptionAndTheOrderPageShowsTheBalance) {
  const CliRun hold = run({"--json", "hold", "--performance", "1000", "--category", "1", "--quantity", "2"});
  ASSERT_EQ(hold.code, kExitOk) << hold.err;
  const std::string order = std::to_string(static_cast<uint64_t>(json_number(hold.out, "order")));
  ASSERT_EQ(run({"option", "--order", order, "--days", "2"}).code, kExitOk);
  const std::string office = tessera::testing::kBackofficeToken;
  ASSERT_EQ(run({"payer", "add", "--id", "3", "--name", "CAF du Rhône"}, office.c_str()).code, kExitOk);
  const CliRun payers = run({"payer", "list"}, office.c_str());
  EXPECT_NE(payers.out.find("CAF du Rhône"), std::string::npos) << payers.out;
  const CliRun paid =
      run({"payment", "add", order, "--amount", "20.00", "--mode", "cheque", "--bank", "BNP"}, office.c_str());
  ASSERT_EQ(paid.code, kExitOk) << paid.err;
  EXPECT_NE(paid.out.find("confirmed"), std::string::npos) << "the first payment validates:\n" << paid.out;
  const CliRun covered =
      run({"payment", "add", order, "--amount", "5", "--mode", "third-party", "--payer", "3"}, office.c_str());
  ASSERT_EQ(covered.code, kExitOk) << covered.err;
  const CliRun page = run({"payment", "list", order}, office.c_str());
  ASSERT_EQ(page.code, kExitOk) << page.err;
  for (const char* part :
       {"to pay", "20.00 immediate, 5.00 by third-party payers (5.00 awaiting collection)", "payments", "cheque", "BNP",
        "third-party payer", "awaiting", "payment 1 (cheque)", "option -> confirmed"})
    EXPECT_NE(page.out.find(part), std::string::npos) << part << " missing from:\n" << page.out;
  const CliRun refused =
      run({"payment", "refund", order, "--amount", "30", "--mode", "cash", "--reason", "x"}, office.c_str());
  EXPECT_EQ(refused.code, kExitRefused);
  EXPECT_NE(refused.err.find("exceeds the 2000 cents paid"), std::string::npos) << refused.err;
  EXPECT_EQ(run({"validation", "set", "--on-payment", "never"}, office.c_str()).code, kExitRefused) << "admin only";
  EXPECT_EQ(run({"validation", "set", "--on-payment", "deposit", "--deposit-percent", "30"}).code, kExitOk);
}

TEST_F(CliFlow, OrderPurgeErasesAClosedOrder) {
  const CliRun hold = run({"--json", "hold", "--performance", "1000", "--category", "1", "--quantity", "1"});
  ASSERT_EQ(hold.code, kExitOk) << hold.err;
  const std::string order = std::to_string(static_cast<uint64_t>(json_number(hold.out, "order")));
  const CliRun live = run({"order", "purge", order});
  EXPECT_EQ(live.code, kExitRefused) << "a live order is released or cancelled first";
  EXPECT_NE(live.err.find("InvalidState"), std::string::npos) << live.err;
  ASSERT_EQ(run({"release", "--order", order}).code, kExitOk);
  ASSERT_EQ(run({"order", "show", order}, tessera::testing::kBackofficeToken).code, kExitOk);
  EXPECT_EQ(run({"order", "purge", order}, tessera::testing::kBackofficeToken).code, kExitRefused) << "admin only";
  const CliRun purged = run({"order", "purge", order});
  ASSERT_EQ(purged.code, kExitOk) << purged.err;
  EXPECT_EQ(run({"order", "show", order}, tessera::testing::kBackofficeToken).code, kExitRefused);
  EXPECT_EQ(run({"order", "purge"}).code, kExitUsage);
  EXPECT_EQ(run({"order", "purge", order, "--contact", "7"}).code, kExitUsage);
  EXPECT_EQ(run({"order", "purge", "--contact", "7"}).code, kExitOk) << "a contact without history is no error";
}

TEST_F(CliFlow, OrderRetentionIsAnAdminsSetting_InDays) {
  EXPECT_EQ(run({"order", "retention", "--days", "30"}, tessera::testing::kBackofficeToken).code, kExitRefused)
      << "admin only";
  const CliRun set = run({"order", "retention", "--days", "30"});
  EXPECT_EQ(set.code, kExitOk) << set.err;
  EXPECT_EQ(run({"order", "retention", "--days", "0"}).code, kExitOk) << "0: confirmed orders stay in memory";
  EXPECT_EQ(run({"order", "retention"}).code, kExitUsage) << "--days is required";
  EXPECT_EQ(run({"order", "retention", "--days", "4000"}).code, kExitUsage) << "ten years at most";
}

TEST_F(CliFlow, SetupDemoIsIdempotent) {
  const CliRun r = run({"setup-demo"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_NE(r.out.find("already defined"), std::string::npos) << r.out;
  EXPECT_EQ(run({"setup-demo"}, tessera::testing::kWebshopToken).code, kExitOk) << "nothing to define: no admin needed";
}

TEST_F(CliFlow, ReminderFormatsAreAddedListedChangedAndDeleted) {
  const char* office = tessera::testing::kBackofficeToken;
  ASSERT_EQ(run({"format", "add", "--id", "4", "--name", "Relance", "--separator", ";", "--extension", "csv", "--field",
                 "last-name,deadline"},
                office)
                .code,
            kExitOk);
  CliRun listed = run({"format", "list"}, office);
  ASSERT_EQ(listed.code, kExitOk) << listed.err;
  for (const char* part : {"id", "separator", "fields", "Relance", "csv", "last-name,deadline"})
    EXPECT_NE(listed.out.find(part), std::string::npos) << part << " missing from:\n" << listed.out;
  const CliRun again =
      run({"format", "add", "--id", "4", "--name", "X", "--separator", ";", "--extension", "csv", "--field", "email"},
          office);
  EXPECT_EQ(again.code, kExitRefused);
  EXPECT_NE(again.err.find("replace"), std::string::npos) << again.err;
  ASSERT_EQ(run({"format", "change", "--id", "4", "--name", "Rappel", "--separator", "\t", "--extension", "txt",
                 "--field", "email"},
                office)
                .code,
            kExitOk);
  listed = run({"format", "list"}, office);
  EXPECT_NE(listed.out.find("Rappel"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("tab"), std::string::npos) << "a tab separator is named: " << listed.out;
  EXPECT_EQ(listed.out.find("Relance"), std::string::npos) << listed.out;
  ASSERT_EQ(run({"format", "delete", "--id", "4"}, office).code, kExitOk);
  EXPECT_EQ(run({"format", "delete", "--id", "4"}, office).code, kExitRefused) << "already deleted";
  listed = run({"format", "list"}, office);
  EXPECT_EQ(listed.out.find("Rappel"), std::string::npos) << listed.out;
}

TEST_F(CliFlow, ARunSelectedForReviewShowsItsRanks_AndTheListItsProgress) {
  const char* office = tessera::testing::kBackofficeToken;
  for (const std::vector<std::string>& step : std::vector<std::vector<std::string>>{
           {"contact", "add",    "--id",         "1",    "--number", "100000002951", "--civility", "Mme",
            "--name",  "DUPONT", "--first-name", "Anne", "--type",   "individual",   "--postcode", "75012",
            "--city",  "PARIS",  "--country",    "FR"},
           {"series", "add", "--id", "5", "--name", "La Revue"},
           {"issue", "add", "--series", "5", "--id", "11", "--date", "2030-03-01", "--name", "Numéro 11"},
           {"subscribe", "--id", "100", "--series", "5", "--subscriber", "1", "--ends", "2030-03-15"},
           {"format", "add", "--id", "2", "--name", "Courrier", "--separator", ";", "--extension", "csv", "--field",
            "last-name,postcode,city"}}) {
    const CliRun r = run(step);
    ASSERT_EQ(r.code, kExitOk) << step[0] << ": " << r.err;
  }
  const CliRun review = run({"run", "start", "--id", "7", "--series", "5", "--from", "2030-02-01", "--to", "2030-03-31",
                             "--audience", "direct", "--format", "2", "--delivery", "review", "--no-validation"},
                            office);
  ASSERT_EQ(review.code, kExitOk) << review.err;
  for (const char* part : {"run 7 (selected): 1 reminders", "delivery review", "ranks rise on export",
                           "by rank: 1 at rank 1;", "DUPONT Anne"})
    EXPECT_NE(review.out.find(part), std::string::npos) << part << " missing from:\n" << review.out;
  const CliRun listed = run({"run", "list"}, office);
  ASSERT_EQ(listed.code, kExitOk) << listed.err;
  for (const char* part : {"run", "progress", "La Revue (5)", "selected", "review", "to review", "1 of 1 runs"})
    EXPECT_NE(listed.out.find(part), std::string::npos) << part << " missing from:\n" << listed.out;
  EXPECT_EQ(run({"run", "start", "--id", "8", "--series", "5", "--from", "2030-03-31", "--to", "2030-02-01",
                 "--audience", "direct", "--format", "2", "--delivery", "review"},
                office)
                .code,
            kExitRefused)
      << "a range that ends before it starts";
}

TEST_F(CliFlow, DocumentTemplatesAreSetFromAFileListedAndRemoved) {
  const char* office = tessera::testing::kBackofficeToken;
  tessera::testing_support::TempDir dir;
  const std::string body = dir.path() + "/rappel.txt";
  std::ofstream(body) << "Bonjour {name},\n\n{items}Total : {total}\n";
  const CliRun set = run({"template", "set", "--document", "order-reminder", "--language", "fr", "--subject",
                          "Rappel : {count} option(s)", "--body-file", body},
                         office);
  ASSERT_EQ(set.code, kExitOk) << set.err;
  CliRun listed = run({"template", "list"}, office);
  ASSERT_EQ(listed.code, kExitOk) << listed.err;
  EXPECT_EQ(listed.out,
            "order-reminder (fr)\nsubject: Rappel : {count} option(s)\nBonjour {name},\n\n{items}Total : {total}\n\n");
  const CliRun wrong = run(
      {"template", "set", "--document", "order-reminder", "--language", "fr", "--subject", "x", "--body", "{prenom}"},
      office);
  EXPECT_EQ(wrong.code, kExitRefused);
  EXPECT_NE(wrong.err.find("unknown field {prenom}"), std::string::npos) << wrong.err;
  ASSERT_EQ(run({"template", "remove", "--document", "order-reminder", "--language", "fr"}, office).code, kExitOk);
  listed = run({"template", "list"}, office);
  EXPECT_NE(listed.out.find("built-in text"), std::string::npos) << listed.out;
}

TEST_F(CliFlow, StatsReadsTheMetricsPage) {
  ASSERT_EQ(run({"hold", "--performance", "1000", "--category", "1", "--quantity", "1"}).code, kExitOk);
  const CliRun r = run({"stats"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_NE(r.out.find("commands answered"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("code Ok"), std::string::npos) << r.out;
  const CliRun j = run({"--json", "stats"});
  EXPECT_EQ(j.code, kExitOk);
  EXPECT_EQ(j.out.front(), '{');
}

TEST(CliSetupDemo, DefinesTheVenueOnAnEmptyServer) {
  server::ServerConfig config = tessera::testing::test_config();
  config.demo = false;
  auto app = tessera::testing::start_server(std::move(config));
  const std::string port = std::to_string(app->port());
  const char* argv[] = {"tessera", "--port", port.c_str(), "setup-demo"};
  auto a = parse_cli_args(4, argv, tessera::testing::kAdminToken);
  ASSERT_TRUE(a.is_ok());
  std::ostringstream out, err;
  EXPECT_EQ(run_cli(*a, out, err), kExitOk) << err.str();
  EXPECT_NE(out.str().find("demo venue defined"), std::string::npos) << out.str();
  const char* argv2[] = {"tessera", "--port", port.c_str(), "availability", "--performance", "3003"};
  auto b = parse_cli_args(6, argv2, tessera::testing::kWebshopToken);
  ASSERT_TRUE(b.is_ok());
  std::ostringstream out2, err2;
  EXPECT_EQ(run_cli(*b, out2, err2), kExitOk) << err2.str();
  EXPECT_NE(out2.str().find("450"), std::string::npos) << out2.str();
}

TEST_F(CliFlow, FollowUpPagesAndSelectionsPrintTables) {
  const CliRun added =
      run({"contact", "add",    "--id",         "1",    "--number", "100000002951", "--civility", "Mme",
           "--name",  "DUPONT", "--first-name", "Anne", "--type",   "individual",   "--postcode", "75012",
           "--city",  "PARIS",  "--country",    "FR"});
  ASSERT_EQ(added.code, kExitOk) << added.err;
  const CliRun found = run({"contact", "find", "dup"});
  ASSERT_EQ(found.code, kExitOk) << found.err;
  EXPECT_EQ(found.out, "DUPONT, Anne | FR-75012 [100000002951]\n");
  const CliRun shown = run({"contact", "show", "--number", "100000002951"});
  ASSERT_EQ(shown.code, kExitOk) << shown.err;
  EXPECT_NE(shown.out.find("contact 1  number 100000002951  Mme DUPONT Anne"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("FR-75012 PARIS"), std::string::npos) << shown.out;
  std::vector<std::string> orders;
  for (const char* performance : {"1000", "1001", "1002"}) {
    const CliRun b = run({"--json", "book", "--performance", performance, "--category", "1", "--quantity", "1",
                          "--days", "2", "--contact", "1"});
    ASSERT_EQ(b.code, kExitOk) << b.err;
    orders.push_back(std::to_string(json_number(b.out, "order")));
  }
  const std::vector<std::string> filters = {"--type",   "option", "--due",    "2999-12-31",
                                            "--season", "1",      "--family", "1"};
  auto with_filters = [&](std::vector<std::string> args) {
    args.insert(args.end(), filters.begin(), filters.end());
    return args;
  };
  const CliRun page = run(with_filters({"follow-up", "--limit", "2"}), tessera::testing::kBackofficeToken);
  ASSERT_EQ(page.code, kExitOk) << page.err;
  EXPECT_NE(page.out.find("deadline"), std::string::npos) << page.out;
  EXPECT_NE(page.out.find("DUPONT Anne (100000002951)"), std::string::npos) << page.out;
  EXPECT_NE(page.out.find("state"), std::string::npos) << page.out;
  EXPECT_NE(page.out.find(" option "), std::string::npos) << "each row says the order's state:\n" << page.out;
  const std::string notice = "Not all results are shown (3 matching): refine the filters or page on with --after ";
  const size_t at = page.out.find(notice);
  ASSERT_NE(at, std::string::npos) << page.out;
  const std::string cursor = page.out.substr(at + notice.size(), page.out.find('\n', at) - at - notice.size());
  const CliRun next = run(with_filters({"follow-up", "--after", cursor}), tessera::testing::kBackofficeToken);
  ASSERT_EQ(next.code, kExitOk) << next.err;
  EXPECT_NE(next.out.find("1 of 3 rows"), std::string::npos) << next.out;
  EXPECT_EQ(next.out.find("Not all results"), std::string::npos) << next.out;

  ASSERT_EQ(run({"mark", "--keep", orders[0]}, tessera::testing::kBackofficeToken).code, kExitOk);
  ASSERT_EQ(run({"lock", orders[1]}, tessera::testing::kBackofficeToken).code, kExitOk);
  const CliRun preview = run(with_filters({"release-preview"}), tessera::testing::kBackofficeToken);
  EXPECT_NE(preview.out.find("would release 1 orders (1 units, 0 seats); skipped: 1 kept, 1 locked"), std::string::npos)
      << preview.out;
  EXPECT_NE(preview.out.find("would skip:"), std::string::npos) << preview.out;
  const auto line_of = [&](const std::string& order) {
    const size_t line_at = preview.out.find("\n" + order + " ");
    return line_at == std::string::npos
               ? std::string()
               : preview.out.substr(line_at + 1, preview.out.find('\n', line_at + 1) - line_at - 1);
  };
  EXPECT_NE(line_of(orders[0]).find("marked keep"), std::string::npos) << "each skipped order named:\n" << preview.out;
  EXPECT_NE(line_of(orders[1]).find("locked"), std::string::npos) << preview.out;
  const CliRun selected =
      run({"release-selected", orders[0], orders[1], orders[2], "99"}, tessera::testing::kBackofficeToken);
  ASSERT_EQ(selected.code, kExitOk) << selected.err;
  EXPECT_EQ(selected.out, orders[0] + " skipped: kept\n" + orders[1] + " skipped: locked\n" + orders[2] +
                              " released\n99 not found\n");
  const CliRun refused = run(with_filters({"release-all"}), tessera::testing::kWebshopToken);
  EXPECT_EQ(refused.code, kExitRefused);
  EXPECT_NE(refused.err.find("Forbidden"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace tessera::tools

namespace tessera::tools {
namespace {

TEST_F(CliFlow, PreRegistrationWizard_ANewContactFromTheRequestIsItsMatch_ThenItIsBookedAndReported) {
  const char* office = tessera::testing::kBackofficeToken;
  ASSERT_EQ(run({"option-lifetime", "--product", "1", "--days", "3"}).code, kExitOk);
  const CliRun submitted =
      run({"prereg", "submit", "--reference", "CART-7", "--name", "Neuve", "--first-name", "Zoé", "--email",
           "zoe@example.net", "--line", "1000:1:2", "--postcode", "69001", "--city", "LYON", "--country", "FR"},
          tessera::testing::kWebshopToken);
  ASSERT_EQ(submitted.code, kExitOk) << submitted.err << submitted.out;
  const CliRun listed = run({"--json", "prereg", "list"}, office);
  ASSERT_EQ(listed.code, kExitOk) << listed.err;
  const std::string id = std::to_string(json_number(listed.out, "id"));
  EXPECT_EQ(run({"prereg", "new-contact", id}, office).code, kExitUsage) << "the request has no civility";
  EXPECT_EQ(run({"prereg", "new-contact", "12345", "--civility", "Mme"}, office).code, kExitRefused);

  const CliRun made = run({"prereg", "new-contact", id, "--civility", "Mme"}, office);
  ASSERT_EQ(made.code, kExitOk) << made.err;
  EXPECT_NE(made.out.find("created from pre-registration " + id + " and matched to it"), std::string::npos) << made.out;
  const CliRun card = run({"contact", "show", "1"}, office);
  EXPECT_NE(card.out.find("Mme Neuve Zoé"), std::string::npos) << card.out;
  EXPECT_NE(card.out.find("zoe@example.net"), std::string::npos) << card.out;
  EXPECT_NE(run({"prereg", "list"}, office).out.find("Neuve Zoé (1), by hand 100%"), std::string::npos);

  const CliRun done = run({"prereg", "integrate", "--method", "2", "--level", "reservation", "--key", "5"}, office);
  ASSERT_EQ(done.code, kExitOk) << done.err;
  EXPECT_NE(done.out.find("booked"), std::string::npos) << done.out;
  EXPECT_NE(done.out.find("Report: "), std::string::npos) << done.out;
  EXPECT_NE(done.out.find("pre-registrations/integration-5.pdf"), std::string::npos) << done.out;
}

TEST_F(CliFlow, ContactImportReportsEachRow_AndARerunChangesNothing) {
  const testing_support::TempDir dir;
  const std::string path = dir.path() + "/contacts.csv";
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << "Numéro;Civilité;Nom;Prénom;E-mail;Code postal;Ville;Pays;Remarque\n"
            "7611;Mme;DUPONT;Chantal;chantal@example.org;75012;PARIS;FR;VIP\n"
            ";M.;MARTIN;Paul;paul@example.org;69002;LYON;FR;\n"
            ";M.;DURAND;;luc@example.org;69002;LYON;FR;\n"
            "12a;M.;PETIT;Ana;;13001;MARSEILLE;FR;\n";
  }
  const CliRun unknown = run({"contact", "import", path}, tessera::testing::kBackofficeToken);
  EXPECT_EQ(unknown.code, kExitUsage);
  EXPECT_NE(unknown.err.find("column 9 ('Remarque') is not a contact field"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.out.find("0 created"), std::string::npos) << "nothing sent: " << unknown.out;

  const CliRun first = run({"contact", "import", path, "--map", "Remarque=-"}, tessera::testing::kBackofficeToken);
  EXPECT_EQ(first.code, kExitRefused) << "two rows refused: " << first.err;
  EXPECT_NE(first.out.find("row 2: created contact 1 number 7611"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("row 3: created contact 2 number 7612"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("row 4: refused: an individual needs a first name"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("row 5: refused: number '12a' is not a contact number"), std::string::npos) << first.out;
  EXPECT_LT(first.out.find("row 4:"), first.out.find("row 5:")) << "rows in file order: " << first.out;
  EXPECT_NE(first.out.find("2 created, 0 updated, 0 unchanged, 2 refused"), std::string::npos) << first.out;

  const CliRun again =
      run({"contact", "import", path, "--map", "Remarque=-", "--refused-only"}, tessera::testing::kBackofficeToken);
  EXPECT_EQ(again.code, kExitRefused) << "the same two rows are refused again";
  EXPECT_NE(again.out.find("0 created, 0 updated, 2 unchanged, 2 refused"), std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("unchanged contact"), std::string::npos) << "--refused-only: " << again.out;

  const CliRun shown = run({"contact", "show", "--number", "7612"}, tessera::testing::kBackofficeToken);
  EXPECT_NE(shown.out.find("MARTIN Paul"), std::string::npos) << shown.out;
  const CliRun webshop = run({"contact", "import", path, "--map", "Remarque=-"}, tessera::testing::kWebshopToken);
  EXPECT_EQ(webshop.code, kExitRefused) << "a web shop may not import: " << webshop.out;
  EXPECT_NE(webshop.err.find("Forbidden"), std::string::npos) << webshop.err;
}

}  // namespace
}  // namespace tessera::tools

namespace tessera::tools {
namespace {

using namespace tessera::engine;

TEST_F(CliFlow, ContactListsAreDefinedByAnAdminAndShownOnTheCard) {
  const char* backoffice = tessera::testing::kBackofficeToken;
  for (const auto& [list, id, name] :
       {std::tuple{"audience", "3", "Scolaire"}, std::tuple{"individual-criterion", "1", "Abonné"},
        std::tuple{"individual-criterion", "2", "Ancien"}}) {
    const CliRun defined = run({"contact", "list-entry", "--list", list, "--id", id, "--name", name});
    ASSERT_EQ(defined.code, kExitOk) << defined.err;
  }
  const CliRun forbidden = run({"contact", "list-entry", "--list", "audience", "--id", "4", "--name", "X"}, backoffice);
  EXPECT_EQ(forbidden.code, kExitRefused) << "admin only";
  EXPECT_NE(forbidden.err.find("Forbidden"), std::string::npos) << forbidden.err;
  ASSERT_EQ(
      run({"contact", "list-entry", "--list", "individual-criterion", "--id", "2", "--name", "Ancien", "--retired"})
          .code,
      kExitOk);
  const CliRun lists = run({"contact", "lists"}, backoffice);
  ASSERT_EQ(lists.code, kExitOk) << lists.err;
  EXPECT_EQ(lists.out,
            "individual criteria\nid  name\n1   Abonné\n\norganisation criteria\n(none)\n\naudience "
            "categories\nid  name\n3   Scolaire\n");
  const CliRun all = run({"contact", "lists", "--with-retired"}, backoffice);
  EXPECT_NE(all.out.find("2   Ancien (retired)"), std::string::npos) << all.out;

  const CliRun added =
      run({"contact",   "add",    "--id",         "1",     "--number",   "7611",       "--civility",  "Mme",
           "--name",    "DUPONT", "--first-name", "Anne",  "--type",     "individual", "--city",      "PARIS",
           "--country", "FR",     "--postcode",   "75012", "--audience", "3",          "--criterion", "1"});
  ASSERT_EQ(added.code, kExitOk) << added.err;
  const CliRun shown = run({"contact", "show", "1"}, backoffice);
  ASSERT_EQ(shown.code, kExitOk) << shown.err;
  for (const char* part : {"Prospect\n", "Scolaire (3)", "Abonné (1)"})
    EXPECT_NE(shown.out.find(part), std::string::npos) << part << " missing from:\n" << shown.out;
}

TEST_F(CliFlow, ContactSearchWithAnAdvancedOptionPrintsTheSeedsColumns) {
  const char* backoffice = tessera::testing::kBackofficeToken;
  for (const char* name : {"DUPONT", "DURAND"}) {
    const CliRun added = run({"contact", "add", "--name", name, "--civility", "M.", "--first-name", "Luc", "--type",
                              "individual", "--city", "PARIS", "--postcode", "75012", "--country", "FR"});
    ASSERT_EQ(added.code, kExitOk) << added.err;
  }
  const CliRun page = run({"contact", "search", "--city", "par", "--limit", "1"}, backoffice);
  ASSERT_EQ(page.code, kExitOk) << page.err;
  for (const char* part : {"number", "role", "relay", "address", "client since", "Public", "DUPONT Luc", "PARIS",
                           "prospect", "1 of 2 contacts", "page on with --offset 1"})
    EXPECT_NE(page.out.find(part), std::string::npos) << part << " missing from:\n" << page.out;
  const CliRun named = run({"contact", "search", "dur", "--country", "FR"}, backoffice);
  ASSERT_EQ(named.code, kExitOk) << named.err;
  EXPECT_NE(named.out.find("DURAND Luc"), std::string::npos) << named.out;
  EXPECT_NE(named.out.find("1 of 1 contacts"), std::string::npos) << named.out;
  const CliRun clients = run({"contact", "search", "--clients-only"}, backoffice);
  ASSERT_EQ(clients.code, kExitOk) << clients.err;
  EXPECT_NE(clients.out.find("0 of 0 contacts"), std::string::npos) << "no confirmed order yet:\n" << clients.out;
  const CliRun json = run({"--json", "contact", "search", "--city", "par"}, backoffice);
  ASSERT_EQ(json.code, kExitOk) << json.err;
  EXPECT_NE(json.out.find("\"command\":\"FindContacts\""), std::string::npos) << json.out;
  EXPECT_EQ(run({"contact", "search"}, backoffice).code, kExitUsage) << "neither QUERY nor an advanced option";
}

// The printers alone, on replies made here (dates in UTC, English).
std::string printed(const Command& command, ReplyDetail detail, int64_t now_ms = 0) {
  Reply reply;
  reply.detail = std::make_shared<const ReplyDetail>(std::move(detail));
  std::ostringstream out;
  print_detail(command, reply, LocalTime{}, now_ms, out);
  return out.str();
}

constexpr int64_t k2021_03_14_10h = 1615716000000;  // 2021-03-14 10:00 UTC

TEST(CliDetailOutput, AnAdvancedSearchPageShowsRolesRelaysAndClients) {
  ContactFindPage page;
  page.total = 45;
  page.rows.push_back(ContactFindRow{.contact = 1,
                                     .number = 7611,
                                     .name = "DUPONT Chantal",
                                     .city = "PARIS",
                                     .address = "12 rue de Lyon",
                                     .client_since_ms = k2021_03_14_10h});
  page.rows.push_back(ContactFindRow{.contact = 2,
                                     .number = 7612,
                                     .role_kind = static_cast<uint8_t>(ContactLinkKind::kRelayOf),
                                     .role_of = 5,
                                     .role_of_name = "ACME",
                                     .name = "MARTIN Paul",
                                     .relay = 5,
                                     .relay_name = "ACME"});
  page.rows.push_back(ContactFindRow{.contact = 3,
                                     .number = 7613,
                                     .role_kind = static_cast<uint8_t>(ContactLinkKind::kSubsidiaryOf),
                                     .role_of = 5,
                                     .name = "ACME SUD"});
  FindContacts query;
  query.offset = 20;
  EXPECT_EQ(printed(Command{0, query}, ReplyDetail{page}),
            "number  role                     name            relay  city   address         client since\n"
            "7611    Public                   DUPONT Chantal  -      PARIS  12 rue de Lyon  2021-03-14\n"
            "7612    Relay of ACME            MARTIN Paul     ACME   -      -               prospect\n"
            "7613    Subsidiary of contact 5  ACME SUD        -      -      -               prospect\n"
            "3 of 45 contacts\n"
            "More follow: page on with --offset 23\n");
  page.total = 23;
  EXPECT_EQ(printed(Command{0, query}, ReplyDetail{page}).find("More follow"), std::string::npos) << "the last page";
}

TEST(CliDetailOutput, TablesAlignByCharactersNotBytes) {
  std::ostringstream out;
  print_table(out, {{"amount", "payer"}, {"60,00 €", "CAF du Rhône"}, {"120,00 €", "x"}});
  EXPECT_EQ(out.str(),
            "amount    payer\n"
            "60,00 €   CAF du Rhône\n"
            "120,00 €  x\n");
}

TEST(CliDetailOutput, ContactListsAreGroupedByList) {
  ContactLists lists;
  lists.entries = {{ContactListKind::kIndividualCriterion, 1, "Abonné", false},
                   {ContactListKind::kIndividualCriterion, 2, "Ancien", true},
                   {ContactListKind::kAudience, 3, "Scolaire", false}};
  EXPECT_EQ(printed(Command{0, GetContactLists{true}}, ReplyDetail{lists}),
            "individual criteria\n"
            "id  name\n"
            "1   Abonné\n"
            "2   Ancien (retired)\n"
            "\n"
            "organisation criteria\n"
            "(none)\n"
            "\n"
            "audience categories\n"
            "id  name\n"
            "3   Scolaire\n");
}

TEST(CliDetailOutput, TheCardNamesItsListEntriesAndSaysSinceWhenItIsAClient) {
  ContactCard card;
  card.contact = 1;
  card.number = 7611;
  card.record.last_name = "DUPONT";
  card.record.audience = 3;
  card.record.criteria = {1, 9};
  card.audience_name = "Scolaire";
  card.criteria_names = {"Abonné", ""};
  const Command show{0, GetContact{1, 0}};
  const std::string prospect = printed(show, ReplyDetail{card});
  EXPECT_NE(prospect.find("contact 1  number 7611  DUPONT\nProspect\n"), std::string::npos) << prospect;
  EXPECT_NE(prospect.find("audience  Scolaire (3)"), std::string::npos) << prospect;
  EXPECT_NE(prospect.find("criteria  Abonné (1), 9"), std::string::npos) << "an id no list names: " << prospect;

  card.client_since_ms = k2021_03_14_10h;
  constexpr int64_t kHour = 3600 * 1000;
  constexpr int64_t k2024_03_14 = 1710374400000;  // midnight UTC
  EXPECT_NE(printed(show, ReplyDetail{card}, k2024_03_14 - kHour).find("Client since 2021-03-14 (2 years)\n"),
            std::string::npos)
      << "the day before its third anniversary";
  EXPECT_NE(printed(show, ReplyDetail{card}, k2024_03_14 + kHour).find("Client since 2021-03-14 (3 years)\n"),
            std::string::npos)
      << "on the anniversary day, before the hour it became one";
  EXPECT_NE(printed(show, ReplyDetail{card}, k2021_03_14_10h + 40 * 24 * kHour).find("(0 years)"), std::string::npos);
  const int64_t a_year_on = k2021_03_14_10h + 366 * 24 * kHour;
  EXPECT_NE(printed(show, ReplyDetail{card}, a_year_on).find("(1 year)"), std::string::npos);
}

}  // namespace
}  // namespace tessera::tools

namespace tessera::tools {
namespace {

TEST_F(CliFlow, ContactActivityShowsTheIndicatorsAndPagesTheCulturalHistory) {
  const char* backoffice = tessera::testing::kBackofficeToken;
  tessera::testing::create_test_contacts(*app_, 7);
  std::vector<std::string> orders;
  for (const char* performance : {"1000", "1001", "1002"}) {
    const CliRun b = run({"--json", "book", "--performance", performance, "--category", "1", "--quantity", "2",
                          "--days", "2", "--contact", "7"});
    ASSERT_EQ(b.code, kExitOk) << b.err;
    orders.push_back(std::to_string(json_number(b.out, "order")));
  }
  for (size_t i = 0; i < 2; ++i) ASSERT_EQ(run({"confirm", "--order", orders[i]}).code, kExitOk);

  const CliRun shown = run({"contact", "activity", "7", "--limit", "1"}, backoffice);
  ASSERT_EQ(shown.code, kExitOk) << shown.err;
  for (const char* part : {"contact 7: 2 confirmed orders", ", tier ARGENT\n", "0 attended, 2 to attend",
                           "subscriber: no", "cultural history", "1 of 2 rows", "More follow: page on with --before "})
    EXPECT_NE(shown.out.find(part), std::string::npos) << part << " missing from:\n" << shown.out;
  EXPECT_NE(shown.out.find(orders[1]), std::string::npos) << "the later performance first:\n" << shown.out;
  const std::string notice = "--before ";
  const size_t at = shown.out.find(notice) + notice.size();
  const std::string cursor = shown.out.substr(at, shown.out.find('\n', at) - at);

  const CliRun next = run({"contact", "activity", "7", "--limit", "1", "--before", cursor}, backoffice);
  ASSERT_EQ(next.code, kExitOk) << next.err;
  EXPECT_NE(next.out.find(orders[0]), std::string::npos) << next.out;
  EXPECT_NE(next.out.find("1 of 2 rows"), std::string::npos) << next.out;
  EXPECT_EQ(next.out.find("More follow"), std::string::npos) << "the last page:\n" << next.out;

  const CliRun mailings = run({"contact", "activity", "7", "--history", "mailings"}, backoffice);
  ASSERT_EQ(mailings.code, kExitOk) << mailings.err;
  EXPECT_NE(mailings.out.find("0 of 0 rows"), std::string::npos) << "no reminder sent:\n" << mailings.out;
  EXPECT_EQ(run({"contact", "activity", "7", "--before", "12:ab:3"}, backoffice).code, kExitUsage);
  const CliRun webshop = run({"contact", "activity", "7"}, tessera::testing::kWebshopToken);
  EXPECT_EQ(webshop.code, kExitRefused) << "a web shop reads no contact's activity";
}

}  // namespace
}  // namespace tessera::tools
