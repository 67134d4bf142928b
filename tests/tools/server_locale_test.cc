// The organisation's time zone and language (server settings time_zone and
// language): told to every client in HelloReply, refused at start when
// they make no sense.
#include <gtest/gtest.h>

#include "tests/net/net_test_support.h"

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
