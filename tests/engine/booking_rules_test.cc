// Bad bookings the engine used to accept (rules version 1, engine/command.h):
// no new order on a performance that has started, no booking deadline after
// its performance starts (a lifetime stops there); a command logged before
// the rules existed replays as it was. And the queries' zeros: GetAvailability
// channel 0 / category 0, QueryFollowUp limit 0; best available saying why.
#include <gtest/gtest.h>

#include <string>

#include "engine/codec.h"
#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"

namespace tessera::engine {
namespace {

using workload::kBoxOffice;
using workload::kPartner;
using workload::kWeb;

class BookingRules : public ShardTest {
 protected:
  int64_t starts(PerformanceId p) const {
    return workload::DemoVenue{}.starts_at_ms + (p.value() % 1000) * 86'400'000LL;
  }
  Reply apply_with_rules(CommandBody body, uint8_t rules) {
    Command c{0, std::move(body)};
    c.rules = rules;
    return shard_.apply(c, now_);
  }
};

TEST_F(BookingRules, NoNewOrderOnAPerformanceThatHasStarted) {
  const int64_t start = starts(kPerfRelease);
  ASSERT_GT(start, now_);
  now_ = start - 1;
  ASSERT_TRUE(hold(kPerfRelease, 1, 1).ok()) << "a minute before, it still sells";
  now_ = start;
  const Reply held = hold(kPerfRelease, 1, 1);
  EXPECT_EQ(held.code, ReplyCode::kInvalidState);
  EXPECT_NE(held.message.find("started"), std::string::npos) << held.message;
  EXPECT_EQ(book(kPerfRelease, 1, 1, start + kDay).code, ReplyCode::kInvalidState);
  // Another performance of the same order's shard still sells.
  EXPECT_TRUE(hold(kPerfRelease.value() + 1, 1, 1).ok());
  // The queries still answer.
  EXPECT_GT(available(kPerfRelease, 1), 0);
}

TEST_F(BookingRules, ACommandLoggedBeforeTheRulesReplaysAsItWas) {
  now_ = starts(kPerfRelease) + kHour;
  const Hold late{7, kWeb, {workload::demo_line(kPerfRelease, 1, 1, 2)}, 10 * kMinute};
  EXPECT_EQ(apply_with_rules(late, kRulesCurrent).code, ReplyCode::kInvalidState);
  EXPECT_TRUE(apply_with_rules(late, 0).ok()) << "a record without the field is rules 0";

  // A record written by the previous build (four fields) decodes as rules 0;
  // one written now keeps its rules.
  struct CommandBefore {
    RequestKey key = 0;
    CommandBody body;
    PrincipalId principal = 0;
    bool own_orders_only = false;
    auto fields() const { return std::tie(key, body, principal, own_orders_only); }
  };
  std::string old_bytes, new_bytes;
  {
    Writer w(&old_bytes);
    w.put(CommandBefore{0, late, 3, false});
    Writer n(&new_bytes);
    n.put(Command{0, late});
  }
  Command from_old, from_new;
  ASSERT_TRUE(Reader(old_bytes).get(from_old).is_ok());
  ASSERT_TRUE(Reader(new_bytes).get(from_new).is_ok());
  EXPECT_EQ(from_old.rules, 0);
  EXPECT_EQ(from_old.principal, PrincipalId{3});
  EXPECT_EQ(from_new.rules, kRulesCurrent);
}

TEST_F(BookingRules, ABookingDeadlineIsNotAfterItsPerformanceStarts) {
  const int64_t start = starts(kPerfKeep);
  now_ = start - 5 * kDay;
  const Reply late = book(kPerfKeep, 1, 1, start + kHour);
  EXPECT_EQ(late.code, ReplyCode::kInvalidArgument);
  EXPECT_NE(late.message.find("after the performance starts"), std::string::npos) << late.message;
  EXPECT_TRUE(book(kPerfKeep, 1, 1, start).ok()) << "at the start is fine";
  EXPECT_TRUE(apply_with_rules(Book{BookingKind::kOption,
                                    7,
                                    kBoxOffice,
                                    {workload::demo_line(kPerfKeep, workload::kProductKeep, 1, 1)},
                                    start + kHour},
                               0)
                  .ok());

  // Without a deadline, the product's lifetime stops at the start.
  ASSERT_TRUE(run(SetOptionLifetime{workload::kProductKeep, kNone, BookingKind::kOption, 30 * kDay}).ok());
  const Reply lifetime = book(kPerfKeep, 1, 1, 0);
  ASSERT_TRUE(lifetime.ok()) << lifetime.message;
  EXPECT_EQ(lifetime.due_ms, start);
  // A cart converted after its performance started is refused.
  now_ = start - 5 * kMinute;
  const Reply cart = hold(kPerfKeep, 1, 1, 10 * kMinute, kWeb);
  ASSERT_TRUE(cart.ok());
  now_ = start + kMinute;
  const Reply converted = run(ConvertHold{cart.order, BookingKind::kOption, 0});
  EXPECT_EQ(converted.code, ReplyCode::kInvalidState);
  EXPECT_NE(converted.message.find("started"), std::string::npos) << converted.message;
}

TEST_F(BookingRules, AProductMayLetItsDeadlinesRunPastTheStart) {
  // A product for groups that settle after the event, and one performance of it.
  DefineProduct groups{9, 1, 1, "Sorties scolaires"};
  groups.deadline_after_start = true;
  ASSERT_TRUE(run(groups).ok());
  ASSERT_TRUE(run(DefineTariff{901, 9, "Groupe"}).ok());
  ASSERT_TRUE(run(SetTariffPrice{901, 1, kNone, 900}).ok());
  const PerformanceId perf = 9001;
  const int64_t start = now_ + 3 * kDay;
  ASSERT_TRUE(run(DefinePerformance{perf, 9, start, 0, 0}).ok());
  ASSERT_TRUE(run(SetGeneralAdmission{perf, 1, 50}).ok());
  const LineRequest line{perf, 1, 901, 2, kNone};

  const Reply after = run(Book{BookingKind::kOption, 7, kBoxOffice, {line}, start + 10 * kDay});
  ASSERT_TRUE(after.ok()) << after.message;
  EXPECT_EQ(after.due_ms, start + 10 * kDay);
  ASSERT_TRUE(run(SetOptionLifetime{9, kNone, BookingKind::kOption, 30 * kDay}).ok());
  const Reply lifetime = run(Book{BookingKind::kOption, 7, kBoxOffice, {line}, 0});
  ASSERT_TRUE(lifetime.ok()) << lifetime.message;
  EXPECT_EQ(lifetime.due_ms, now_ + 30 * kDay) << "not cut at the start";

  // With a line of a product that keeps the rule, that line's start bounds it.
  const int64_t keep_start = starts(kPerfKeep);
  now_ = keep_start - kDay;
  ASSERT_GT(keep_start, start);
  const LineRequest keep_line = workload::demo_line(kPerfKeep, workload::kProductKeep, 1, 1);
  EXPECT_EQ(run(Book{BookingKind::kOption, 7, kBoxOffice, {keep_line}, keep_start + kDay}).code,
            ReplyCode::kInvalidArgument);
  // The exception never lets an order in once its performance has started.
  now_ = start + kMinute;
  EXPECT_EQ(run(Book{BookingKind::kOption, 7, kBoxOffice, {line}, start + 10 * kDay}).code, ReplyCode::kInvalidState);
}

// A server's shards (require_known_contacts) refuse orders and
// subscriptions for a contact the directory never handed over (rules 3).
class KnownContacts : public BookingRules {
 protected:
  KnownContacts() { shard_.require_known_contacts(true); }
  Reply book_for(ContactId contact, uint8_t rules = kRulesCurrent) {
    return apply_with_rules(Book{BookingKind::kOption,
                                 contact,
                                 kBoxOffice,
                                 {workload::demo_line(kPerfKeep, workload::kProductKeep, 1, 1)},
                                 now_ + kDay},
                            rules);
  }
};

TEST_F(KnownContacts, AnOrderForAContactNobodyCreated_IsRefused_AndChangesNothing) {
  const uint64_t before = shard_.state_hash();
  const Reply unknown = book_for(4242);
  EXPECT_EQ(unknown.code, ReplyCode::kNotFound);
  EXPECT_NE(unknown.message.find("contact 4242 does not exist"), std::string::npos) << unknown.message;
  EXPECT_EQ(run(Hold{4242, kWeb, {workload::demo_line(kPerfKeep, workload::kProductKeep, 1, 1)}, kMinute}).code,
            ReplyCode::kNotFound);
  EXPECT_EQ(shard_.state_hash(), before);

  // Handed over by the directory: accepted.
  ASSERT_TRUE(run(SetContactProfile{4242, 100004242, kContactIndividual, 1}).ok());
  EXPECT_TRUE(book_for(4242).ok());
  // No contact at all is still an anonymous order.
  EXPECT_TRUE(book_for(kNone).ok());
  // A record logged under rules 2 replays as it was.
  EXPECT_TRUE(book_for(4343, 2).ok());
}

TEST_F(KnownContacts, ASubscriptionNamesAKnownSubscriberAndPayer) {
  ASSERT_TRUE(run(DefineSeries{1, "Revue"}).ok());
  ASSERT_TRUE(run(SetContactProfile{11, 100000011, kContactIndividual, 1}).ok());
  EXPECT_EQ(run(Subscribe{501, 1, 12, kNone, now_ + 300 * kDay}).code, ReplyCode::kNotFound);
  const Reply payer = run(Subscribe{502, 1, 11, 12, now_ + 300 * kDay});
  EXPECT_EQ(payer.code, ReplyCode::kNotFound);
  EXPECT_NE(payer.message.find("contact 12"), std::string::npos) << payer.message;
  EXPECT_TRUE(run(Subscribe{503, 1, 11, kNone, now_ + 300 * kDay}).ok());
}

TEST_F(BookingRules, AvailabilityWithChannelOrCategoryZero) {
  // Demo performance 1000: categories 1/2/3 = 500/300/200, a partner
  // contingent of 50 (category 1, channel 3) taken from category 1's open sale.
  EXPECT_EQ(available(kPerfRelease, 1, kNone), 450);
  EXPECT_EQ(available(kPerfRelease, kNone, kWeb), 450 + 300 + 200);
  EXPECT_EQ(available(kPerfRelease, kNone, kNone), 950);
  // The partner contingent is open to channel 3 only; channel 0 sees it too.
  const ContingentId partner = workload::demo_partner_contingent(kPerfRelease);
  EXPECT_EQ(available(kPerfRelease, 1, kNone, partner), 50);
  EXPECT_EQ(available(kPerfRelease, kNone, kPartner, partner), 50);
  ASSERT_TRUE(hold(kPerfRelease, 2, 5).ok());
  EXPECT_EQ(available(kPerfRelease, kNone, kWeb), 450 + 295 + 200);
  // Unknown ones are still not found.
  const Reply unknown = shard_.apply(Command{0, GetAvailability{kPerfRelease, kNone, kNone, 99, kNone}}, now_);
  EXPECT_EQ(unknown.code, ReplyCode::kNotFound);
}

TEST_F(BookingRules, FollowUpLimitZeroIsTheScreensPage) {
  for (int i = 0; i < 120; ++i) ASSERT_TRUE(book(kPerfKeep, 1, 1, now_ + kDay + i * kMinute).ok());
  FollowUpFilter filter;
  filter.kind = BookingKind::kOption;
  filter.due_until_ms = now_ + 30 * kDay;
  filter.season = 1;
  filter.family = 1;
  const Reply page = run(QueryFollowUp{filter, {}, 0});
  ASSERT_TRUE(page.ok()) << page.message;
  const auto& rows = std::get<FollowUpPage>(page.detail->value);
  EXPECT_EQ(rows.rows.size(), kFollowUpRowsDefault);
  EXPECT_TRUE(rows.more);
  EXPECT_EQ(run(QueryFollowUp{filter, {}, kFollowUpRowsMax + 1}).code, ReplyCode::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::engine
