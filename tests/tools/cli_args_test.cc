// The tessera CLI's command line: globals anywhere, subcommand options after
// the subcommand, required options, and the commands built from them.
#include "tools/cli/cli_args.h"

#include <gtest/gtest.h>

#include <vector>

namespace tessera::tools {
namespace {

using namespace tessera::engine;

Result<CliArgs> parse(std::vector<const char*> args, const char* env_token = nullptr) {
  args.insert(args.begin(), "tessera");
  return parse_cli_args(static_cast<int>(args.size()), args.data(), env_token);
}

Command one_command(std::vector<const char*> args, int64_t now_ms = 1'000) {
  auto a = parse(std::move(args));
  EXPECT_TRUE(a.is_ok()) << a.status().to_string();
  if (!a.is_ok()) return {};
  auto c = build_commands(*a, now_ms);
  EXPECT_TRUE(c.is_ok()) << c.status().to_string();
  if (!c.is_ok() || c->size() != 1) return {};
  return (*c)[0];
}

TEST(CliArgs, GlobalsAnywhereAndTokenFromEnvironment) {
  auto a = parse({"--host", "127.0.0.2", "order", "--order", "5", "--port=7000", "--json", "--admin-port", "7001"}, "env");
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  EXPECT_EQ(a->host, "127.0.0.2");
  EXPECT_EQ(a->port, 7000);
  EXPECT_EQ(a->admin_port, 7001);
  EXPECT_TRUE(a->json);
  EXPECT_EQ(a->token, "env");
  EXPECT_EQ(a->subcommand, "order");
  auto b = parse({"--token", "flag", "stats"}, "env");
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(b->token, "flag");
}

TEST(CliArgs, RefusesWhatItDoesNotKnow) {
  EXPECT_FALSE(parse({}).is_ok()) << "no subcommand";
  EXPECT_FALSE(parse({"frobnicate"}).is_ok());
  EXPECT_FALSE(parse({"hold", "--performance", "1000", "--category", "1"}).is_ok()) << "missing --quantity";
  EXPECT_FALSE(parse({"order", "--order"}).is_ok()) << "missing value";
  EXPECT_FALSE(parse({"order", "--order", "1", "--quantity", "2"}).is_ok()) << "option of another subcommand";
  EXPECT_FALSE(parse({"--order", "1", "order"}).is_ok()) << "subcommand option before the subcommand";
  EXPECT_FALSE(parse({"order", "--order", "1", "extra"}).is_ok());
  EXPECT_FALSE(parse({"--port", "0", "stats"}).is_ok());
  EXPECT_FALSE(parse({"--port", "70000", "stats"}).is_ok());
  EXPECT_FALSE(parse({"mark", "--order", "1", "--keep=yes"}).is_ok()) << "a flag takes no value";
  EXPECT_TRUE(parse({"--help"})->help);
  EXPECT_TRUE(parse({"help"})->help);
}

TEST(CliArgs, BuildsAHoldWithDefaults) {
  const Command c = one_command({"hold", "--performance", "2001", "--category", "2", "--quantity", "3", "--key", "99"});
  ASSERT_TRUE(std::holds_alternative<Hold>(c.body));
  const Hold& h = std::get<Hold>(c.body);
  EXPECT_EQ(c.key, 99u);
  EXPECT_EQ(h.channel, 2u);
  EXPECT_EQ(h.ttl_ms, kHoldTtlMsDefault);
  ASSERT_EQ(h.lines.size(), 1u);
  EXPECT_EQ(h.lines[0].performance, 2001u);
  EXPECT_EQ(h.lines[0].category, 2u);
  EXPECT_EQ(h.lines[0].quantity, 3u);
  EXPECT_EQ(h.lines[0].tariff, 21u) << "demo full tariff of product 2";
  EXPECT_EQ(h.lines[0].contingent, kNone);
}

TEST(CliArgs, BuildsEveryOrderCommand) {
  EXPECT_EQ(std::get<ExtendHold>(one_command({"extend", "--order", "7", "--ttl-ms", "5000"}).body).ttl_ms, 5000);
  const auto opt = std::get<ConvertHold>(one_command({"option", "--order", "7", "--days", "2"}, 1'000).body);
  EXPECT_EQ(opt.kind, BookingKind::kOption);
  EXPECT_EQ(opt.deadline_ms, 1'000 + 2 * 86'400'000LL);
  const auto res = std::get<ConvertHold>(one_command({"reservation", "--order", "7", "--deadline-ms", "123456"}).body);
  EXPECT_EQ(res.kind, BookingKind::kReservation);
  EXPECT_EQ(res.deadline_ms, 123456);
  const auto conf = std::get<Confirm>(one_command({"confirm", "--order", "7", "--keep", "1,0,3"}).body);
  EXPECT_EQ(conf.keep, (std::vector<uint32_t>{1, 0, 3}));
  EXPECT_TRUE(std::get<Confirm>(one_command({"confirm", "--order", "7"}).body).keep.empty());
  EXPECT_EQ(std::get<Release>(one_command({"release", "--order", "7"}).body).order, 7u);
  EXPECT_EQ(std::get<Cancel>(one_command({"cancel", "--order", "7"}).body).order, 7u);
  EXPECT_EQ(std::get<Archive>(one_command({"archive", "--order", "7"}).body).order, 7u);
  EXPECT_EQ(std::get<Reinstate>(one_command({"reinstate", "--order", "7", "--days", "1"}, 0).body).deadline_ms, 86'400'000);
  EXPECT_TRUE(std::get<SetLock>(one_command({"lock", "--order", "7"}).body).locked);
  EXPECT_FALSE(std::get<SetLock>(one_command({"unlock", "--order", "7"}).body).locked);
  EXPECT_EQ(std::get<SetReleaseMark>(one_command({"mark", "--order", "7", "--keep"}).body).mark, ReleaseMark::kKeep);
  EXPECT_EQ(std::get<SetReleaseMark>(one_command({"mark", "--order", "7", "--release"}).body).mark, ReleaseMark::kRelease);
  EXPECT_EQ(std::get<GetOrder>(one_command({"order", "--order", "72057594037927937"}).body).order, 72057594037927937ull);
  const auto book = std::get<Book>(
      one_command({"book", "--performance", "3000", "--category", "1", "--quantity", "2", "--kind", "reservation", "--days", "1"}).body);
  EXPECT_EQ(book.kind, BookingKind::kReservation);
  EXPECT_EQ(book.channel, 1u) << "box office by default";
  EXPECT_EQ(book.lines[0].tariff, 31u);
}

TEST(CliArgs, AvailabilityProbesEveryCategoryWhenNoneIsGiven) {
  auto a = parse({"availability", "--performance", "1000", "--channel", "3"});
  ASSERT_TRUE(a.is_ok());
  auto c = build_commands(*a, 0);
  ASSERT_TRUE(c.is_ok());
  ASSERT_EQ(c->size(), kAvailabilityCategoriesMax);
  EXPECT_EQ(std::get<GetAvailability>((*c)[4].body).category, 5u);
  EXPECT_EQ(std::get<GetAvailability>((*c)[4].body).channel, 3u);
  EXPECT_EQ(one_command({"availability", "--performance", "1000", "--category", "2"}).body.index(),
            CommandBody(GetAvailability{}).index());
}

TEST(CliArgs, BadValuesAreUsageErrors) {
  auto bad = [](std::vector<const char*> args) {
    auto a = parse(std::move(args));
    return a.is_ok() && !build_commands(*a, 0).is_ok();
  };
  EXPECT_TRUE(bad({"order", "--order", "12x"}));
  EXPECT_TRUE(bad({"hold", "--performance", "1000", "--category", "1", "--quantity", "-1"}));
  EXPECT_TRUE(bad({"option", "--order", "7"})) << "needs a deadline";
  EXPECT_TRUE(bad({"option", "--order", "7", "--days", "1", "--deadline-ms", "5"})) << "not both";
  EXPECT_TRUE(bad({"confirm", "--order", "7", "--keep", "1,,2"}));
  EXPECT_TRUE(bad({"mark", "--order", "7"}));
  EXPECT_TRUE(bad({"mark", "--order", "7", "--keep", "--release"}));
  EXPECT_TRUE(bad({"book", "--performance", "1", "--category", "1", "--quantity", "1", "--days", "1", "--kind", "cart"}));
}

}  // namespace
}  // namespace tessera::tools
