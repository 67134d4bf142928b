// The tessera CLI's command line: globals anywhere, subcommand options after
// the subcommand, required options, and the commands built from them.
#include "tools/cli/cli_args.h"

#include <gtest/gtest.h>

#include <vector>

#include "engine/limits.h"

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

// ---- Back office ------------------------------------------------------------------

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t k2026_12_31 = 1'798'675'200'000;  // 2026-12-31T00:00:00Z

TEST(CliArgs, FollowUpTakesEveryFilterAndTheEndOfTheDueDay) {
  const auto q = std::get<QueryFollowUp>(
      one_command({"follow-up", "--type", "reservation", "--due", "2026-12-31", "--season", "1", "--family", "2",
                   "--product", "3", "--performance", "3001", "--contingent", "30011", "--tariff", "31", "--tariff",
                   "32,33", "--category", "1", "--category", "3", "--channel", "2", "--contact", "42",
                   "--contact-type", "partner", "--contact-type", "guide", "--after", "1798675200000:72057594037927937:2",
                   "--limit", "20"})
          .body);
  const FollowUpFilter& f = q.filter;
  EXPECT_EQ(f.kind, BookingKind::kReservation);
  EXPECT_EQ(f.due_until_ms, k2026_12_31 + kDayMs - 1) << "end of that day, UTC";
  EXPECT_EQ(f.season, 1u);
  EXPECT_EQ(f.family, 2u);
  EXPECT_EQ(f.product, 3u);
  EXPECT_EQ(f.performance, 3001u);
  EXPECT_EQ(f.contingent, 30011u);
  EXPECT_EQ(f.tariffs, (std::vector<TariffId>{31, 32, 33}));
  EXPECT_EQ(f.categories, (std::vector<CategoryId>{1, 3}));
  EXPECT_EQ(f.channel, 2u);
  EXPECT_EQ(f.contact, 42u);
  EXPECT_EQ(f.contact_types, kContactPartner | kContactGuide);
  EXPECT_EQ(q.after.due_ms, k2026_12_31);
  EXPECT_EQ(q.after.order, 72057594037927937ull);
  EXPECT_EQ(q.after.line, 2u);
  EXPECT_EQ(q.limit, 20u);

  const auto plain = std::get<QueryFollowUp>(
      one_command({"follow-up", "--type", "option", "--due", "1234", "--season", "1", "--family", "1"}).body);
  EXPECT_EQ(plain.filter.kind, BookingKind::kOption);
  EXPECT_EQ(plain.filter.due_until_ms, 1234) << "ms are taken as they are";
  EXPECT_EQ(plain.limit, kFollowUpRowsMax);
  EXPECT_EQ(plain.after.order, 0u);
  EXPECT_TRUE(plain.filter.tariffs.empty());
}

TEST(CliArgs, ReleasePreviewAndReleaseAllShareTheFilters) {
  const std::vector<const char*> filters = {"--type", "option", "--due", "2026-12-31", "--season", "1", "--family",
                                            "1", "--tariff", "11", "--contact-type", "organisation"};
  auto with = [&](const char* sub) {
    std::vector<const char*> args = {sub};
    args.insert(args.end(), filters.begin(), filters.end());
    return one_command(args);
  };
  const auto preview = std::get<PreviewRelease>(with("release-preview").body);
  const auto all = std::get<ReleaseAll>(with("release-all").body);
  EXPECT_EQ(preview.filter.fields(), all.filter.fields());
  EXPECT_EQ(all.filter.tariffs, (std::vector<TariffId>{11}));
  EXPECT_EQ(all.filter.contact_types, kContactOrganisation);
  EXPECT_FALSE(parse({"release-all", "--type", "option", "--due", "1", "--season", "1", "--family", "1", "--after",
                      "1:2:3"}).is_ok())
      << "paging is the query's";
}

TEST(CliArgs, SelectionsTakeTheirOrdersAsArguments) {
  const auto mark = std::get<MarkOrders>(one_command({"mark", "--keep", "7", "8", "9"}).body);
  EXPECT_EQ(mark.orders, (std::vector<OrderId>{7, 8, 9}));
  EXPECT_EQ(mark.mark, ReleaseMark::kKeep);
  EXPECT_EQ(std::get<MarkOrders>(one_command({"mark", "7", "--release"}).body).mark, ReleaseMark::kRelease);
  const auto lock = std::get<LockOrders>(one_command({"lock", "7", "8"}).body);
  EXPECT_TRUE(lock.locked);
  EXPECT_EQ(lock.orders.size(), 2u);
  EXPECT_FALSE(std::get<LockOrders>(one_command({"unlock", "7"}).body).locked);
  EXPECT_EQ(std::get<ReleaseOrders>(one_command({"release-selected", "72057594037927937", "5"}).body).orders,
            (std::vector<OrderId>{72057594037927937ull, 5}));
  const auto remind = std::get<RemindOrders>(one_command({"remind", "--format", "3", "--delivery", "email", "7"}).body);
  EXPECT_EQ(remind.format, 3u);
  EXPECT_EQ(remind.delivery, Delivery::kEmail);
  EXPECT_EQ(remind.orders, (std::vector<OrderId>{7}));
  const auto file = std::get<SetOrderFile>(one_command({"set-file", "7", "7700"}).body);
  EXPECT_EQ(file.order, 7u);
  EXPECT_EQ(file.file_number, 7700u);
  EXPECT_TRUE(std::get<SetLock>(one_command({"lock", "--order", "7"}).body).locked) << "one order, as before";
}

TEST(CliArgs, ContactsFormatsSubscriptionsAndRuns) {
  const auto add = std::get<DefineContact>(one_command({"contact", "add", "--id", "4", "--number", "100000002951",
                                                        "--name", "DUPONT", "--first-name", "Anne", "--email",
                                                        "anne@example.org", "--type", "individual", "--type",
                                                        "partner"})
                                               .body);
  EXPECT_EQ(add.contact, 4u);
  EXPECT_EQ(add.number, 100000002951u);
  EXPECT_EQ(add.last_name, "DUPONT");
  EXPECT_EQ(add.first_name, "Anne");
  EXPECT_EQ(add.email, "anne@example.org");
  EXPECT_EQ(add.types, kContactIndividual | kContactPartner);
  const auto update = std::get<UpdateContact>(
      one_command({"contact", "update", "--id", "4", "--number", "1", "--name", "ACME", "--type", "organisation"}).body);
  EXPECT_EQ(update.types, kContactOrganisation);
  EXPECT_TRUE(update.email.empty());

  EXPECT_EQ(std::get<DefineSeries>(one_command({"series", "add", "--id", "5", "--name", "Revue"}).body).name, "Revue");
  const auto issue = std::get<DefineIssue>(
      one_command({"issue", "add", "--series", "5", "--id", "12", "--date", "2026-12-31", "--name", "No 12"}).body);
  EXPECT_EQ(issue.series, 5u);
  EXPECT_EQ(issue.issue, 12u);
  EXPECT_EQ(issue.date_ms, k2026_12_31) << "an issue's date is the start of its day";
  const auto format = std::get<DefineReminderFormat>(
      one_command({"format", "add", "--id", "3", "--name", "Relance", "--separator", ";", "--extension", "csv",
                   "--title-in-file-name", "--field", "contact-number", "--field", "last-name,performance-date"})
          .body);
  EXPECT_EQ(format.separator, ";");
  EXPECT_EQ(format.extension, "csv");
  EXPECT_TRUE(format.title_in_file_name);
  EXPECT_EQ(format.columns, (std::vector<ReminderField>{ReminderField::kContactNumber, ReminderField::kLastName,
                                                        ReminderField::kPerformanceDate}));
  const auto sub = std::get<Subscribe>(one_command({"subscribe", "--id", "9", "--series", "5", "--subscriber", "4",
                                                    "--payer", "6", "--ends", "2026-12-31"})
                                           .body);
  EXPECT_EQ(sub.payer, 6u);
  EXPECT_EQ(sub.ends_ms, k2026_12_31 + kDayMs - 1);
  EXPECT_EQ(std::get<Subscribe>(one_command({"subscribe", "--id", "9", "--series", "5", "--subscriber", "4", "--ends",
                                             "2026-12-31"})
                                    .body)
                .payer,
            kNone);
  EXPECT_EQ(std::get<RenewSubscription>(one_command({"renew", "--id", "9", "--ends", "2026-12-31"}).body).ends_ms,
            k2026_12_31 + kDayMs - 1);
  const auto run = std::get<StartReminderRun>(
      one_command({"run", "start", "--id", "1", "--series", "5", "--issue", "11", "--issue", "12", "--audience",
                   "third-party", "--format", "3", "--delivery", "file"})
          .body);
  EXPECT_EQ(run.issues, (std::vector<IssueId>{11, 12}));
  EXPECT_EQ(run.audience, Audience::kThirdParty);
  EXPECT_EQ(run.delivery, Delivery::kFile);
  EXPECT_EQ(std::get<GetReminderRun>(one_command({"run", "show", "--id", "1"}).body).run, 1u);
  EXPECT_EQ(std::get<ValidateReminderRun>(one_command({"run", "validate", "--id", "1"}).body).run, 1u);
  EXPECT_EQ(std::get<CancelReminderRun>(one_command({"run", "cancel", "--id", "1"}).body).run, 1u);
}

TEST(CliArgs, BadBackOfficeInputIsAUsageError) {
  auto bad_build = [](std::vector<const char*> args) {
    auto a = parse(std::move(args));
    return a.is_ok() && !build_commands(*a, 0).is_ok();
  };
  const char* const season[] = {"--season", "1", "--family", "1"};
  auto follow_up = [&](const char* type, const char* due) {
    return std::vector<const char*>{"follow-up", "--type", type, "--due", due, season[0], season[1], season[2], season[3]};
  };
  EXPECT_TRUE(bad_build(follow_up("cart", "2026-12-31"))) << "unknown type";
  for (const char* due : {"2026-13-01", "2026-02-29", "2026-1-01", "31/12/2026", "1969-12-31", "-5"})
    EXPECT_TRUE(bad_build(follow_up("option", due))) << due;
  EXPECT_FALSE(bad_build(follow_up("option", "2028-02-29"))) << "a leap day";
  auto with = [&](std::vector<const char*> extra) {
    auto args = follow_up("option", "2026-12-31");
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  EXPECT_TRUE(bad_build(with({"--contact-type", "friend"})));
  EXPECT_TRUE(bad_build(with({"--tariff", "11,x"})));
  EXPECT_TRUE(bad_build(with({"--after", "12:34"})));
  EXPECT_TRUE(bad_build(with({"--after", "a:b:c"})));
  EXPECT_FALSE(parse({"follow-up", "--type", "option", "--due", "2026-12-31", "--season", "1"}).is_ok()) << "no --family";
  EXPECT_FALSE(parse(with({"--season", "2"})).is_ok()) << "--season given twice";
  EXPECT_FALSE(parse(with({"77"})).is_ok()) << "the query takes no orders";
  EXPECT_TRUE(bad_build({"lock"})) << "no order";
  EXPECT_TRUE(bad_build({"release-selected"}));
  EXPECT_TRUE(bad_build({"release-selected", "7x"}));
  EXPECT_TRUE(bad_build({"mark", "7", "8"})) << "neither --keep nor --release";
  EXPECT_TRUE(bad_build({"remind", "--format", "3", "--delivery", "fax", "7"}));
  EXPECT_TRUE(bad_build({"set-file", "7"}));
  EXPECT_FALSE(parse({"set-file", "7", "8", "9"}).is_ok());
  EXPECT_TRUE(bad_build({"contact", "add", "--id", "1", "--number", "1", "--name", "X", "--type", "person"}));
  EXPECT_FALSE(parse({"contact", "add", "--id", "1", "--number", "1", "--name", "X"}).is_ok()) << "no --type";
  EXPECT_FALSE(parse({"contact", "remove", "--id", "1"}).is_ok());
  EXPECT_FALSE(parse({"run"}).is_ok());
  EXPECT_TRUE(bad_build({"format", "add", "--id", "1", "--name", "F", "--separator", ";", "--extension", "csv", "--field",
                         "shoe-size"}));
  EXPECT_TRUE(bad_build({"run", "start", "--id", "1", "--series", "5", "--issue", "1", "--audience", "everyone",
                         "--format", "3", "--delivery", "file"}));
  EXPECT_TRUE(bad_build({"subscribe", "--id", "9", "--series", "5", "--subscriber", "4", "--ends", "someday"}));
}

}  // namespace
}  // namespace tessera::tools
