// FollowUpDesk on its own (over an OrderBook wired as in Shard): the scope
// of a filter (mandatory season and family, product and performance inside
// them, every optional id known) for the query, the preview and ReleaseAll
// alike; ReleaseAll limited to its scope while keeping the follow-up index
// whole; and the bulk selection (follow_up_bulk.cc): checked as a whole
// first, expiries already due applied before each order's outcome.
#include "engine/follow_up_desk.h"

#include <gtest/gtest.h>

#include "engine/reply_detail.h"
#include "tests/engine/owners_fixture.h"

namespace tessera::engine {
namespace {

using namespace owners_test;

class FollowUpDeskTest : public testing::Test {
 protected:
  FollowUpDeskTest() {
    o_.define_catalog();
    o_.define_performances(kPerfRelease, workload::kProductRelease, 2);
    o_.define_performances(kPerfKeep, workload::kProductKeep, 1);
    // A product of another season, same family.
    for (CommandBody body :
         std::vector<CommandBody>{DefineSeason{2, "Saison 2027-2028"}, DefineProduct{5, 2, 1, "Hors saison"},
                                  DefineContact{7, 100000000007, "BOSCHE", "Lennart", "", kContactIndividual},
                                  DefineContact{8, 100000000008, "AALTO", "Alvar", "", kContactIndividual},
                                  DefineReminderFormat{1,
                                                       "relance",
                                                       FormatType::kReminder,
                                                       ";",
                                                       "csv",
                                                       false,
                                                       {ReminderField::kContactNumber, ReminderField::kOrderNumber}}}) {
      const Reply r = o_.set_up(body);
      EXPECT_TRUE(r.ok()) << command_name(body) << ": " << r.message;
    }
  }
  FollowUpDesk& desk() { return o_.follow_up; }
  static FollowUpFilter filter(int64_t due_until = kT0 + 10 * kDay) {
    FollowUpFilter f;
    f.due_until_ms = due_until;
    f.season = 1;
    f.family = 1;
    return f;
  }
  OrderId book(std::vector<LineRequest> lines, int64_t deadline = kT0 + kDay, ContactId contact = 7) {
    const Reply r = o_.orders.place_lines(lines, {0, contact, kBoxOffice, OrderState::kOption, deadline});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  template <typename C>
  Reply run(const C& c) {
    Reply r = desk().on(c);
    const Status s = o_.check();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    return r;
  }
  static const BulkOutcomes& outcomes(const Reply& r) {
    EXPECT_TRUE(r.detail != nullptr);
    return std::get<BulkOutcomes>(r.detail->value);
  }
  const Order& order(OrderId id) { return *o_.orders.find(id); }
  static uint64_t summary_hash(const ReleaseSummary& s) {
    Hasher h;
    h.add(s);
    return h.value();
  }

  Owners o_;
};

TEST_F(FollowUpDeskTest, Scope_RefusesFiltersOutsideTheMandatoryScope_InEveryCommand) {
  book({line(kPerfRelease, 1, 2)});
  struct Case {
    const char* what;
    FollowUpFilter filter;
    ReplyCode code;
  };
  std::vector<Case> cases;
  auto add = [&](const char* what, ReplyCode code, auto&& change) {
    FollowUpFilter f = filter();
    change(f);
    cases.push_back(Case{what, f, code});
  };
  add("kind", ReplyCode::kInvalidArgument, [](FollowUpFilter& f) { f.kind = static_cast<BookingKind>(2); });
  add("family", ReplyCode::kNotFound, [](FollowUpFilter& f) { f.family = 99; });
  add("product of another season", ReplyCode::kInvalidArgument, [](FollowUpFilter& f) { f.product = 5; });
  add("unknown product", ReplyCode::kNotFound, [](FollowUpFilter& f) { f.product = 99; });
  add("performance of another product", ReplyCode::kInvalidArgument, [](FollowUpFilter& f) {
    f.product = workload::kProductRelease;
    f.performance = kPerfKeep;
  });
  add("unknown performance", ReplyCode::kNotFound, [](FollowUpFilter& f) { f.performance = 4242; });
  add("contact type bits", ReplyCode::kInvalidArgument, [](FollowUpFilter& f) { f.contact_types = 128; });
  add("channel", ReplyCode::kNotFound, [](FollowUpFilter& f) { f.channel = 99; });
  add("contingent", ReplyCode::kNotFound, [](FollowUpFilter& f) { f.contingent = 99; });
  add("category", ReplyCode::kNotFound, [](FollowUpFilter& f) { f.categories = {1, 9}; });
  add("tariff list", ReplyCode::kLimitExceeded,
      [](FollowUpFilter& f) { f.tariffs.assign(kFilterListMax + 1, workload::demo_tariff(1, 1)); });
  const uint64_t before = o_.hash();
  for (const Case& c : cases) {
    EXPECT_EQ(run(QueryFollowUp{c.filter, {}, 10}).code, c.code) << c.what;
    EXPECT_EQ(run(PreviewRelease{c.filter}).code, c.code) << c.what;
    const Reply r = run(ReleaseAll{c.filter});
    EXPECT_EQ(r.code, c.code) << c.what;
    EXPECT_FALSE(r.message.empty()) << c.what;
    EXPECT_EQ(o_.hash(), before) << c.what;
  }
  // The same filter inside the scope is answered.
  FollowUpFilter ok = filter();
  ok.product = workload::kProductRelease;
  ok.performance = kPerfRelease;
  const Reply r = run(QueryFollowUp{ok, {}, 10});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.value, 1);
}

TEST_F(FollowUpDeskTest, ReleaseAll_OfOnePerformanceReleasesWholeOrdersAndDropsAllTheirRows) {
  // An order with lines on two performances, only one of them in scope.
  const OrderId both = book({line(kPerfRelease, 1, 2), line(kPerfRelease.value() + 1, 2, 3)});
  const OrderId other = book({line(kPerfRelease.value() + 1, 1, 1)});
  const OrderId later = book({line(kPerfRelease, 1, 1)}, kT0 + 20 * kDay);
  EXPECT_EQ(o_.orders.follow_up().size(), 4u);
  FollowUpFilter f = filter();
  f.performance = kPerfRelease;

  const uint64_t before = o_.hash();
  const Reply preview = run(PreviewRelease{f});
  ASSERT_TRUE(preview.ok()) << preview.message;
  EXPECT_EQ(o_.hash(), before) << "a preview changes nothing";
  const ReleaseSummary& planned = std::get<ReleaseSummary>(preview.detail->value);
  EXPECT_EQ(planned.released, 1u);
  EXPECT_EQ(planned.units, 5u);  // the whole order, its other performance included
  ASSERT_EQ(planned.stock.size(), 2u);
  EXPECT_EQ(planned.stock[1].performance, kPerfRelease.value() + 1);

  const Reply r = run(ReleaseAll{f});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.value, 1);
  EXPECT_EQ(summary_hash(std::get<ReleaseSummary>(r.detail->value)), summary_hash(planned)) << "as previewed";
  EXPECT_EQ(order(both).state, OrderState::kReleased);
  EXPECT_EQ(order(other).state, OrderState::kOption);
  EXPECT_EQ(order(later).state, OrderState::kOption);
  EXPECT_EQ(o_.orders.follow_up().size(), 2u);
  EXPECT_EQ(o_.available(kPerfRelease.value() + 1, 2), 300);
}

TEST_F(FollowUpDeskTest, ReleaseAll_WithARowFilterReleasesOrdersWithAMatchingRowOnly) {
  const OrderId cat1 = book({line(kPerfRelease, 1, 1)});
  const OrderId cat2 = book({line(kPerfRelease, 2, 1)});
  const OrderId mixed = book({line(kPerfRelease, 1, 1), line(kPerfRelease, 2, 1)});
  const OrderId kept = book({line(kPerfRelease, 2, 1)});
  ASSERT_TRUE(run(MarkOrders{{kept}, ReleaseMark::kKeep}).ok());
  FollowUpFilter f = filter();
  f.categories = {2};
  const Reply r = run(ReleaseAll{f});
  ASSERT_TRUE(r.ok()) << r.message;
  const ReleaseSummary& s = std::get<ReleaseSummary>(r.detail->value);
  EXPECT_EQ(s.released, 2u);
  EXPECT_EQ(s.kept, 1u);
  EXPECT_EQ(order(cat1).state, OrderState::kOption);
  EXPECT_EQ(order(cat2).state, OrderState::kReleased);
  EXPECT_EQ(order(mixed).state, OrderState::kReleased);
  EXPECT_EQ(order(kept).state, OrderState::kOption);
  EXPECT_EQ(o_.orders.follow_up().size(), 2u);
}

TEST_F(FollowUpDeskTest, Selection_IsCheckedAsAWholeBeforeAnyOrderChanges) {
  const OrderId a = book({line(kPerfRelease, 1, 1)});
  const OrderId b = book({line(kPerfRelease, 1, 1)});
  std::vector<OrderId> too_many(kBulkOrdersMax + 1);
  for (size_t i = 0; i < too_many.size(); ++i) too_many[i] = a.value() + i;
  const uint64_t before = o_.hash();
  EXPECT_EQ(run(MarkOrders{{}, ReleaseMark::kKeep}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(MarkOrders{{a, b, a}, ReleaseMark::kKeep}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(MarkOrders{{a}, static_cast<ReleaseMark>(2)}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(LockOrders{too_many, true}).code, ReplyCode::kLimitExceeded);
  EXPECT_EQ(run(ReleaseOrders{{b, a, b}}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(RemindOrders{{a, a}, 1, Delivery::kFile}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(RemindOrders{{a}, 99, Delivery::kFile}).code, ReplyCode::kNotFound);
  EXPECT_EQ(run(RemindOrders{{a}, 1, static_cast<Delivery>(2)}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(o_.hash(), before);
  EXPECT_EQ(order(a).reminder_rank, 0u);
}

TEST_F(FollowUpDeskTest, Selection_AppliesExpiriesAlreadyDueAndReportsEveryOrder) {
  const OrderId due = book({line(kPerfRelease, 1, 3)}, kT0 + kHour);
  const OrderId keep = book({line(kPerfKeep, 1, 1)}, kT0 + kHour);
  const Reply held =
      o_.orders.place_lines({line(kPerfRelease, 2, 1)}, {0, 7, kWeb, OrderState::kHeld, kT0 + 2 * kHour});
  ASSERT_TRUE(held.ok());
  const OrderId unknown = make_order_id(0, 5, 4242);
  o_.now_ms = kT0 + kHour;  // the option's timer has not fired yet

  const Reply r = run(MarkOrders{{unknown, due, held.order, keep}, ReleaseMark::kKeep});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.value, 1);
  const std::vector<OrderOutcome>& out = outcomes(r).orders;
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].outcome, Outcome::kNotFound);
  EXPECT_EQ(out[1].outcome, Outcome::kSkippedState);
  EXPECT_EQ(out[1].state, OrderState::kArchived) << "the due option expired first";
  EXPECT_EQ(out[2].outcome, Outcome::kSkippedState);  // a hold carries no mark
  EXPECT_EQ(out[2].state, OrderState::kHeld);
  EXPECT_EQ(out[3].outcome, Outcome::kDone);
  EXPECT_EQ(order(keep).mark, ReleaseMark::kKeep);
  EXPECT_EQ(o_.available(kPerfRelease, 1), 450);
}

TEST_F(FollowUpDeskTest, LockAndRelease_SkipLockedAndKeptOrdersWithTheirReason) {
  const OrderId plain = book({line(kPerfRelease, 1, 2)});
  const OrderId locked = book({line(kPerfRelease, 1, 2)});
  const OrderId kept = book({line(kPerfRelease, 1, 2)});
  ASSERT_EQ(run(LockOrders{{locked}, true}).value, 1);
  EXPECT_FALSE(order(locked).timer.valid());
  ASSERT_EQ(run(MarkOrders{{kept}, ReleaseMark::kKeep}).value, 1);

  const Reply r = run(ReleaseOrders{{kept, locked, plain}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value, 1);
  const std::vector<OrderOutcome>& out = outcomes(r).orders;
  EXPECT_EQ(out[0].outcome, Outcome::kSkippedKept);
  EXPECT_EQ(out[1].outcome, Outcome::kSkippedLocked);
  EXPECT_EQ(out[2].outcome, Outcome::kDone);
  EXPECT_EQ(out[2].state, OrderState::kReleased);
  EXPECT_EQ(o_.available(kPerfRelease, 1), 446);

  ASSERT_EQ(run(LockOrders{{locked}, false}).value, 1);
  EXPECT_TRUE(order(locked).timer.valid());
  const Reply again = run(ReleaseOrders{{locked, plain}});
  EXPECT_EQ(outcomes(again).orders[0].outcome, Outcome::kDone);
  EXPECT_EQ(outcomes(again).orders[1].outcome, Outcome::kSkippedState);
}

TEST_F(FollowUpDeskTest, RemindOrders_RanksEachOrderAndSortsTheItemsByContactNumber) {
  const OrderId for_7 = book({line(kPerfRelease, 1, 2)}, kT0 + kDay, 7);
  const OrderId for_8 = book({line(kPerfRelease, 2, 1)}, kT0 + kDay, 8);
  o_.now_ms = kT0 + kMinute;
  const Reply r = run(RemindOrders{{for_8, for_7}, 1, Delivery::kFile});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.value, 2);
  const ReminderBatch& batch = std::get<ReminderBatch>(r.detail->value);
  ASSERT_EQ(batch.items.size(), 2u);
  EXPECT_EQ(batch.items[0].order, for_7);  // contact number 100000000007 first
  EXPECT_EQ(batch.items[0].amount_cents, 2 * 6000);
  EXPECT_EQ(batch.items[1].order, for_8);
  ASSERT_EQ(batch.outcomes.size(), 2u);
  EXPECT_EQ(batch.outcomes[0].order, for_8);  // outcomes in the order named
  EXPECT_EQ(batch.items[0].reminder_rank, 1u) << "the rank the reminder carries";
  EXPECT_EQ(order(for_7).reminder_rank, 0u) << "selected, not delivered yet";
  const size_t workflow = order(for_7).workflow_size;
  // The server records what the export delivered.
  o_.now_ms = kT0 + 2 * kMinute;
  const Reply recorded = run(RecordOrderReminders{{for_8, for_7}, 1, Delivery::kFile});
  ASSERT_TRUE(recorded.ok()) << recorded.message;
  EXPECT_EQ(recorded.value, 2);
  EXPECT_EQ(order(for_7).reminder_rank, 1u);
  EXPECT_EQ(order(for_7).reminded_ms, kT0 + 2 * kMinute);
  EXPECT_EQ(order(for_7).workflow_size, workflow + 1) << "the letter is in the workflow";
  // Reminded again by e-mail; only for_7's was delivered.
  ASSERT_EQ(std::get<ReminderBatch>(run(RemindOrders{{for_7, for_8}, 1, Delivery::kEmail}).detail->value)
                .items[0]
                .reminder_rank,
            2u);
  ASSERT_TRUE(run(RecordOrderReminders{{for_7}, 1, Delivery::kEmail}).ok());
  EXPECT_EQ(order(for_7).reminder_rank, 2u);
  EXPECT_EQ(order(for_8).reminder_rank, 1u);
  // An order closed since its export is skipped; a bad delivery is refused.
  o_.orders.close(*o_.orders.find(for_8), for_8, OrderState::kReleased, kSystem);
  const Reply closed = run(RecordOrderReminders{{for_8}, 1, Delivery::kEmail});
  ASSERT_TRUE(closed.ok()) << closed.message;
  EXPECT_EQ(outcomes(closed).orders[0].outcome, Outcome::kSkippedState);
  EXPECT_EQ(run(RecordOrderReminders{{for_7}, 1, Delivery::kReview}).code, ReplyCode::kInvalidArgument);
}

TEST_F(FollowUpDeskTest, RemindOrders_UnderRules4_RecordedTheReminderAtOnce) {
  const OrderId id = book({line(kPerfRelease, 1, 1)}, kT0 + kDay, 7);
  Caller old;
  old.rules = 4;  // a record logged before rules 5 replays as it ran then
  const Reply r = desk().on(RemindOrders{{id}, 1, Delivery::kFile}, old);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(std::get<ReminderBatch>(r.detail->value).items[0].reminder_rank, 1u);
  EXPECT_EQ(order(id).reminder_rank, 1u);
}

TEST_F(FollowUpDeskTest, SetOrderFile_FilesLiveOrdersOnly) {
  const OrderId id = book({line(kPerfRelease, 1, 1)});
  ASSERT_TRUE(run(SetOrderFile{id, 2026001}).ok());
  EXPECT_EQ(order(id).file_number, 2026001u);
  o_.orders.close(*o_.orders.find(id), id, OrderState::kReleased, kSystem);
  const uint64_t before = o_.hash();
  EXPECT_EQ(run(SetOrderFile{id, 2026002}).code, ReplyCode::kInvalidState);
  EXPECT_EQ(o_.hash(), before);
}

}  // namespace
}  // namespace tessera::engine
