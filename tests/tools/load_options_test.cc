// tessera-load's flags: defaults, ranges, the loopback-only rule, help and
// errors from CLI11.
#include "tools/load/load_options.h"

#include <gtest/gtest.h>

#include <vector>

#include "tools/load/loopback.h"

namespace tessera::tools {
namespace {

Result<LoadOptions> parse(std::vector<const char*> args, const char* env_token = "t") {
  args.insert(args.begin(), "tessera-load");
  return parse_load_options(static_cast<int>(args.size()), args.data(), env_token);
}

TEST(LoadOptions, DefaultsAreBoundedAndClosedLoop) {
  auto o = parse({});
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_EQ(o->duration_s, kDurationSDefault);
  EXPECT_EQ(o->rate, 0u);
  EXPECT_EQ(o->mix, LoadMix::kHoldRelease);
  EXPECT_EQ(o->token, "t");
}

TEST(LoadOptions, ParsesEveryFlagInBothSpellings) {
  auto o = parse({"--connections",
                  "4",
                  "--pipeline=8",
                  "--batch",
                  "256",
                  "--duration-s",
                  "3",
                  "--rate=500000",
                  "--mix",
                  "rush",
                  "--capacity",
                  "50",
                  "--quantity-max",
                  "2",
                  "--seed",
                  "7",
                  "--port",
                  "9000",
                  "--token",
                  "x",
                  "--no-progress",
                  "--json",
                  "--host",
                  "::1"});
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_EQ(o->connections, 4u);
  EXPECT_EQ(o->pipeline, 8u);
  EXPECT_EQ(o->batch, 256u);
  EXPECT_EQ(o->duration_s, 3u);
  EXPECT_EQ(o->rate, 500'000u);
  EXPECT_EQ(o->mix, LoadMix::kRush);
  EXPECT_EQ(o->rush_capacity, 50u);
  EXPECT_EQ(o->rush_quantity_max, 2u);
  EXPECT_EQ(o->seed, 7u);
  EXPECT_EQ(o->port, 9000);
  EXPECT_EQ(o->token, "x");
  EXPECT_FALSE(o->progress);
  EXPECT_TRUE(o->json);
}

TEST(LoadOptions, RefusesOutOfRangeAndUnknown) {
  EXPECT_FALSE(parse({"--duration-s", "601"}).is_ok());
  EXPECT_FALSE(parse({"--duration-s", "0"}).is_ok());
  EXPECT_FALSE(parse({"--connections", "abc"}).is_ok());
  EXPECT_FALSE(parse({"--batch", "70000"}).is_ok());
  EXPECT_FALSE(parse({"--mix", "chaos"}).is_ok());
  EXPECT_FALSE(parse({"--frobnicate"}).is_ok());
  EXPECT_FALSE(parse({"--pipeline"}).is_ok());
  EXPECT_FALSE(parse({}, nullptr).is_ok()) << "no token";
  EXPECT_EQ(parse({"--help"}).status().code(), StatusCode::kFailedPrecondition);
}

TEST(LoadOptions, TargetsLoopbackOnly) {
  EXPECT_TRUE(parse({"--host", "127.0.0.1"}).is_ok());
  EXPECT_TRUE(parse({"--host", "127.8.9.10"}).is_ok());
  EXPECT_TRUE(parse({"--host", "localhost"}).is_ok());
  EXPECT_TRUE(parse({"--host", "[::1]"}).is_ok());
  EXPECT_FALSE(parse({"--host", "10.0.0.1"}).is_ok());
  EXPECT_FALSE(parse({"--host", "128.0.0.1"}).is_ok());
  EXPECT_FALSE(parse({"--host", "example.com"}).is_ok());
  EXPECT_FALSE(parse({"--host", "::2"}).is_ok());
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("localhost.example.com"));
}

TEST(LoadOptions, ParsesTheComparisonMixes) {
  auto onsale = parse({"--mix", "onsale"});
  ASSERT_TRUE(onsale.is_ok()) << onsale.status().to_string();
  EXPECT_EQ(onsale->mix, LoadMix::kOnSale);
  EXPECT_EQ(mix_name(LoadMix::kOnSale), "onsale");
  auto expiry = parse({"--mix=expiry", "--options", "20000"});
  ASSERT_TRUE(expiry.is_ok()) << expiry.status().to_string();
  EXPECT_EQ(expiry->mix, LoadMix::kExpiry);
  EXPECT_EQ(expiry->expiry_options, 20'000u);
  EXPECT_EQ(mix_name(LoadMix::kExpiry), "expiry");
}

TEST(LoadOptions, SearchTakesAContactCount_AndNoShopToken) {
  auto search = parse({"--mix", "search", "--contacts", "250000"});
  ASSERT_TRUE(search.is_ok()) << search.status().to_string();
  EXPECT_EQ(search->mix, LoadMix::kSearch);
  EXPECT_EQ(search->contacts, 250'000u);
  EXPECT_EQ(mix_name(LoadMix::kSearch), "search");
  EXPECT_EQ(parse({"--mix", "search"})->contacts, kLoadContactsDefault);
  EXPECT_TRUE(parse({"--mix", "search", "--contacts", "0"}).is_ok()) << "0: search what the server has";
  EXPECT_FALSE(parse({"--contacts", "20000000"}).is_ok());
  EXPECT_FALSE(parse({"--mix", "search", "--shop-token", "x"}).is_ok()) << "a web shop cannot search contacts";
}

TEST(LoadOptions, ExpiryOptionsAreBoundedByTheVenue) {
  EXPECT_FALSE(parse({"--options", "0"}).is_ok());
  EXPECT_FALSE(parse({"--options", "50001"}).is_ok());
  EXPECT_TRUE(parse({"--options", "50000"}).is_ok());
}

TEST(LoadOptions, ErrorsNameTheFlagAndTheReason) {
  EXPECT_EQ(parse({"--connections", "300"}).status().message(), "--connections: Value 300 not in range 1 to 256");
  EXPECT_EQ(parse({"--connections", "abc"}).status().message(), "--connections: 'abc' is not a valid number");
  EXPECT_EQ(parse({"--mix", "chaos"}).status().message(),
            "--mix: 'chaos' is not one of hold-release, hold-confirm, rush, onsale, expiry, search");
  EXPECT_FALSE(parse({"--json=yes"}).is_ok()) << "a flag takes no value";
}

TEST(LoadOptions, HelpComesFromTheDeclarations) {
  const Status help = parse({"--help"}).status();
  ASSERT_EQ(help.code(), StatusCode::kFailedPrecondition);
  for (const char* flag :
       {"--host", "--port", "--token", "--connections", "--pipeline", "--batch", "--duration-s", "--rate", "--mix",
        "--performances", "--capacity", "--quantity-max", "--options", "--seed", "--no-progress", "--json"})
    EXPECT_NE(help.message().find(flag), std::string::npos) << flag << " missing from\n" << help.message();
  EXPECT_NE(help.message().find("hold-release|hold-confirm|rush|onsale|expiry"), std::string::npos) << help.message();
  EXPECT_NE(help.message().find("Usage: tessera-load"), std::string::npos) << help.message();
}

}  // namespace
}  // namespace tessera::tools
