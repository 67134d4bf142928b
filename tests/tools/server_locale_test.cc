// The organisation's time zone and language (server settings time_zone and
// language): told to every client in HelloReply, refused at start when
// they make no sense.
#include <gtest/gtest.h>

#include <sstream>

#include "tests/net/net_test_support.h"
#include "tools/cli/cli_args.h"
#include "tools/cli/cli_commands.h"

namespace tessera::server {
namespace {

TEST(ServerLocale, HelloTellsClientsTheOrganisationsZoneAndLanguage) {
  ServerConfig config = tessera::testing::test_config();
  config.time_zone = "Europe/Paris";
  config.language = "fr";
  auto app = tessera::testing::start_server(std::move(config));
  auto client = tessera::testing::connect_client(*app, tessera::testing::kWebshopToken);
  EXPECT_EQ(client->server_info().time_zone, "Europe/Paris");
  EXPECT_EQ(client->server_info().language, "fr");

  auto plain = tessera::testing::start_server();
  auto other = tessera::testing::connect_client(*plain, tessera::testing::kWebshopToken);
  EXPECT_EQ(other->server_info().time_zone, "UTC");
  EXPECT_EQ(other->server_info().language, "en");
}

// The CLI reads and shows days of the organisation's zone: seed 000's
// "deadline on or before 11.03" ends at midnight in Paris, not in UTC.
TEST(ServerLocale, TheCliReadsAndShowsDaysInTheOrganisationsZone) {
  ServerConfig config = tessera::testing::test_config();
  config.time_zone = "Europe/Paris";
  config.language = "fr";
  auto app = tessera::testing::start_server(std::move(config));
  auto office = tessera::testing::connect_client(*app, tessera::testing::kBackofficeToken);
  // 2027-03-11 22:30 UTC is 23:30 in Paris; 23:30 UTC is 00:30 on the 12th.
  constexpr int64_t k2230Utc = 1'804'804'200'000, k2330Utc = 1'804'807'800'000;
  for (int64_t deadline : {k2230Utc, k2330Utc}) {
    const net::ClientReply r = tessera::testing::one(
        *office, engine::Command{0, engine::Book{engine::BookingKind::kOption,
                                                 7,
                                                 workload::kBoxOffice,
                                                 {workload::demo_line(1000, workload::kProductRelease, 1, 1)},
                                                 deadline}});
    ASSERT_TRUE(r.ok()) << r.message;
  }
  auto run = [&](std::vector<std::string> args) {
    const std::string port = std::to_string(app->port());
    std::vector<const char*> argv = {"tessera", "--port", port.c_str()};
    for (const auto& x : args) argv.push_back(x.c_str());
    auto parsed = tools::parse_cli_args(static_cast<int>(argv.size()), argv.data(), tessera::testing::kBackofficeToken);
    EXPECT_TRUE(parsed.is_ok());
    std::ostringstream out, err;
    EXPECT_EQ(tools::run_cli(*parsed, out, err), tools::kExitOk) << err.str();
    return out.str();
  };
  const std::string on_the_11th =
      run({"follow-up", "--type", "option", "--season", "1", "--family", "1", "--due", "2027-03-11"});
  EXPECT_NE(on_the_11th.find("1 of 1 rows"), std::string::npos) << on_the_11th;
  EXPECT_NE(on_the_11th.find("11.03.2027 23:30"), std::string::npos) << on_the_11th;
  const std::string on_the_12th =
      run({"follow-up", "--type", "option", "--season", "1", "--family", "1", "--due", "12.03.2027"});
  EXPECT_NE(on_the_12th.find("2 of 2 rows"), std::string::npos) << on_the_12th;
  EXPECT_NE(on_the_12th.find("12.03.2027 00:30"), std::string::npos) << on_the_12th;
}

TEST(ServerLocale, AnUnknownZoneStopsTheStart) {
  ServerConfig config = tessera::testing::test_config();
  config.time_zone = "Europe/Lutece";
  ServerApp app(config);
  const Status s = app.start();
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("Europe/Lutece"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace tessera::server
