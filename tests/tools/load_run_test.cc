// tessera-load end to end against an in-process server on loopback: the
// rush scenario with several pipelined connections sells out without
// oversell (PASS), the hold-release mix runs with only Ok replies, and the
// search mix imports its contacts (once: a second run finds them) and
// searches them.
#include "tools/load/load_run.h"

#include <gtest/gtest.h>

#include "tests/net/net_test_support.h"

namespace tessera::tools {
namespace {

LoadOptions options_for(const server::ServerApp& app, LoadMix mix) {
  LoadOptions o;
  o.port = app.port();
  o.token = testing::kAdminToken;
  o.mix = mix;
  o.progress = false;
  o.seed = 1234;
  return o;
}

TEST(LoadRun, RushSellsOutWithoutOversell) {
  auto app = testing::start_server(tessera::testing::test_config());
  LoadOptions o = options_for(*app, LoadMix::kRush);
  o.connections = 6;
  o.pipeline = 3;
  o.batch = 4;
  o.rush_capacity = 400;
  o.duration_s = 60;  // ends as soon as it is sold out
  auto report = run_load(o, nullptr);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  ASSERT_TRUE(report->rush.has_value());
  const RushResult& r = *report->rush;
  EXPECT_TRUE(r.pass) << r.verdict << " (seed " << report->seed << ")";
  EXPECT_TRUE(r.sold_out) << r.verdict;
  EXPECT_EQ(r.confirmed_units, 400u);
  EXPECT_EQ(r.available, 0);
  EXPECT_GE(r.performance, kRushPerformanceMin);
  EXPECT_EQ(report->failed_requests, 0u);
  EXPECT_GT(report->codes[static_cast<uint8_t>(engine::ReplyCode::kSoldOut)], 0u);
  EXPECT_EQ(report->latency.count(), report->requests);
}

TEST(LoadRun, TwoRushesOnOneServerUseTheirOwnPerformances) {
  auto app = testing::start_server(tessera::testing::test_config());
  LoadOptions o = options_for(*app, LoadMix::kRush);
  o.connections = 3;
  o.rush_capacity = 50;
  auto first = run_load(o, nullptr);
  o.seed = 1234;  // same seed: the first id is taken, another is found
  auto second = run_load(o, nullptr);
  ASSERT_TRUE(first.is_ok() && second.is_ok());
  EXPECT_TRUE(first->rush->pass) << first->rush->verdict;
  EXPECT_TRUE(second->rush->pass) << second->rush->verdict;
  EXPECT_NE(first->rush->performance, second->rush->performance);
}

TEST(LoadRun, HoldReleaseRunsForItsDurationWithOnlyOkReplies) {
  auto app = testing::start_server(tessera::testing::test_config());
  LoadOptions o = options_for(*app, LoadMix::kHoldRelease);
  o.connections = 2;
  o.pipeline = 4;
  o.batch = 64;
  o.duration_s = 1;
  auto report = run_load(o, nullptr);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_GT(report->commands, 0u);
  EXPECT_EQ(report->codes[0], report->commands) << format_report(*report);
  EXPECT_EQ(report->failed_requests, 0u);
  EXPECT_FALSE(report->rush.has_value());
  EXPECT_GE(report->seconds, 1.0);
  EXPECT_NE(format_report_json(*report).find("\"commands_per_s\""), std::string::npos);
}

// As a web shop, every Confirm names its order with the hold token the
// hold answered: a missing or wrong token would be Forbidden.
TEST(LoadRun, AsAWebShopEveryFollowUpCarriesItsHoldToken) {
  auto app = testing::start_server(tessera::testing::test_config());
  for (LoadMix mix : {LoadMix::kHoldConfirm, LoadMix::kRush}) {
    LoadOptions o = options_for(*app, mix);
    o.shop_token = testing::kWebshopToken;
    o.connections = 2;
    o.pipeline = 4;
    o.batch = 32;
    o.duration_s = 1;
    o.rush_capacity = 200;
    auto report = run_load(o, nullptr);
    ASSERT_TRUE(report.is_ok()) << report.status().to_string();
    EXPECT_GT(report->commands, 0u);
    EXPECT_EQ(report->codes[static_cast<uint8_t>(net::kForbidden)], 0u) << format_report(*report);
    if (mix == LoadMix::kHoldConfirm) {
      EXPECT_EQ(report->codes[0], report->commands) << format_report(*report);
    } else {
      EXPECT_TRUE(report->rush->pass) << report->rush->verdict;
    }
  }
}

TEST(LoadRun, OpenLoopHoldsItsRate) {
  auto app = testing::start_server(tessera::testing::test_config());
  LoadOptions o = options_for(*app, LoadMix::kHoldConfirm);
  o.connections = 2;
  o.batch = 10;
  o.rate = 2'000;  // 200 requests/s
  o.duration_s = 1;
  auto report = run_load(o, nullptr);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_GE(report->commands, 1'000u);
  EXPECT_LE(report->commands, 2'600u);
  EXPECT_EQ(report->codes[0], report->commands) << format_report(*report);
}

TEST(LoadRun, SearchImportsItsContactsOnce_AndEverySearchIsAnswered) {
  auto app = testing::start_server(tessera::testing::test_config());
  LoadOptions o = options_for(*app, LoadMix::kSearch);
  o.token = testing::kBackofficeToken;
  o.contacts = 2'500;
  o.connections = 2;
  o.pipeline = 2;
  o.batch = 16;
  o.duration_s = 1;
  for (int run = 0; run < 2; ++run) {
    auto report = run_load(o, nullptr);
    ASSERT_TRUE(report.is_ok()) << report.status().to_string();
    EXPECT_GT(report->commands, 0u);
    EXPECT_EQ(report->codes[0], report->commands) << format_report(*report);
    ASSERT_TRUE(report->sale.has_value());
    EXPECT_TRUE(report->sale->pass) << report->sale->verdict;
  }
  auto client = testing::connect_client(*app, testing::kBackofficeToken);
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(testing::one(*client, engine::Command{0, engine::GetContact{engine::kNone, 100'000 + 2'499}}).ok())
      << "the last generated contact is there";
  EXPECT_EQ(testing::one(*client, engine::Command{0, engine::GetContact{engine::kNone, 100'000 + 2'500}}).code,
            engine::ReplyCode::kNotFound)
      << "no more than asked, even after two runs";
}

TEST(LoadRun, SearchSetUpFailsForAWebShop) {
  auto app = testing::start_server(tessera::testing::test_config());
  LoadOptions shop = options_for(*app, LoadMix::kSearch);
  shop.token = testing::kWebshopToken;
  shop.contacts = 10;
  EXPECT_FALSE(run_load(shop, nullptr).is_ok()) << "a web shop may not import contacts";
}

TEST(LoadRun, SetUpFailsWithoutTheAdminRole) {
  auto app = testing::start_server(tessera::testing::test_config());
  LoadOptions o = options_for(*app, LoadMix::kRush);
  o.token = testing::kWebshopToken;
  auto report = run_load(o, nullptr);
  EXPECT_FALSE(report.is_ok());
}

}  // namespace
}  // namespace tessera::tools
