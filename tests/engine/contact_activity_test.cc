// GetContactActivity on one shard: the indicators count confirmed orders
// only (attendance by the performance's start, PMG rounded half up, the
// channels by use), the cultural history lists each performance of a
// confirmed order newest first, the mailing history every reminder sent
// (e-mail and letter, with its rank) and pages by cursor without a row
// missed or repeated; the merge of shards' answers; the completion of a
// mailing page from stored records.
#include "engine/contact_activity.h"

#include <gtest/gtest.h>

#include "engine/codec.h"
#include "engine/reply_detail.h"
#include "engine/reply_merge.h"
#include "tests/engine/shard_fixture.h"

namespace tessera::engine {
namespace {

constexpr ContactId kAnne = 7;
constexpr int64_t kStart = kT0 + 10 * kDay;  // performance 1000 starts then, 1001 a day later

workload::DemoVenue soon() {
  workload::DemoVenue v;
  v.starts_at_ms = kStart;
  return v;
}

class ContactActivityTest : public ShardTest {
 protected:
  ContactActivityTest() : ShardTest(soon()) {
    must_apply(Command{0, DefineReminderFormat{1,
                                               "Relance",
                                               FormatType::kReminder,
                                               ";",
                                               "csv",
                                               true,
                                               {ReminderField::kContactNumber, ReminderField::kReminderRank}}});
  }

  ContactActivity activity(ContactHistory history, uint32_t limit = 0, const ContactActivity* after = nullptr) {
    GetContactActivity q{kAnne, history, 0, 0, 0, limit};
    if (after) {
      q.before_ms = after->next_before_ms;
      q.before_order = after->next_before_order;
      q.before_item = after->next_before_item;
    }
    const Reply r = run(q);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.detail ? std::get<ContactActivity>(r.detail->value) : ContactActivity{};
  }
  uint64_t total_of(OrderId id) {
    const Reply r = run(GetOrderRecord{id});
    return r.detail ? std::get<OrderRecord>(r.detail->value).total_cents : 0;
  }
  OrderId confirmed(std::vector<LineRequest> lines, ChannelId channel) {
    const Reply b = run(Book{BookingKind::kOption, kAnne, channel, std::move(lines), kStart - kDay});
    EXPECT_TRUE(b.ok()) << b.message;
    EXPECT_TRUE(run(Confirm{b.order, {}}).ok());
    return b.order;
  }
};

TEST_F(ContactActivityTest, IndicatorsCountConfirmedOrders_AndTheCulturalHistoryListsTheirPerformances) {
  using workload::demo_line;
  // Two lines of one performance make one row; another order, another day.
  const OrderId first = confirmed({demo_line(1000, 1, 1, 2), demo_line(1000, 1, 2, 1)}, workload::kBoxOffice);
  const OrderId second = confirmed({demo_line(1001, 1, 1, 1)}, workload::kWeb);
  const OrderId third = confirmed({demo_line(1001, 1, 3, 1)}, workload::kWeb);
  ASSERT_TRUE(run(Book{BookingKind::kOption, kAnne, workload::kWeb, {demo_line(1000, 1, 1, 4)}, kStart - kDay}).ok())
      << "an option is no purchase: not counted";
  ASSERT_TRUE(run(Book{BookingKind::kOption, 8, workload::kWeb, {demo_line(1000, 1, 1, 1)}, kStart - kDay}).ok())
      << "another contact's";

  ContactActivity a = activity(ContactHistory::kCultural);
  EXPECT_EQ(a.contact, kAnne);
  EXPECT_EQ(a.orders_confirmed, 3u);
  const uint64_t spent = total_of(first) + total_of(second) + total_of(third);
  EXPECT_EQ(a.spent_cents, spent);
  EXPECT_EQ(a.average_basket_cents, (2 * spent + 3) / 6);
  EXPECT_EQ(a.performances_attended, 0u);
  EXPECT_EQ(a.performances_to_attend, 2u) << "1000 and 1001, each once";
  EXPECT_EQ(a.next_performance_ms, kStart);
  ASSERT_EQ(a.channels.size(), 2u);
  EXPECT_EQ(a.channels[0].channel, workload::kWeb) << "most used first";
  EXPECT_EQ(a.channels[0].orders, 2u);
  EXPECT_EQ(a.channels[1].channel, workload::kBoxOffice);
  ASSERT_EQ(a.total, 3u);
  ASSERT_EQ(a.rows.size(), 3u);
  // Newest first: 1001 (third, then second, by order id), then 1000.
  EXPECT_EQ(a.rows[0].order, std::max(second, third));
  EXPECT_EQ(a.rows[1].order, std::min(second, third));
  EXPECT_EQ(a.rows[2].order, first);
  EXPECT_EQ(a.rows[2].performance, PerformanceId{1000});
  EXPECT_EQ(a.rows[2].at_ms, kStart);
  EXPECT_EQ(a.rows[2].quantity, 3u) << "both lines of the order for 1000";
  EXPECT_EQ(a.rows[2].amount_cents, total_of(first));
  EXPECT_FALSE(a.rows[2].attended);
  EXPECT_EQ(a.next_before_ms, 0) << "one page";

  advance_to(kStart + kHour);  // 1000 has started
  a = activity(ContactHistory::kCultural);
  EXPECT_EQ(a.performances_attended, 1u);
  EXPECT_EQ(a.performances_to_attend, 1u);
  EXPECT_EQ(a.last_attended_ms, kStart);
  EXPECT_EQ(a.next_performance_ms, kStart + kDay);
  EXPECT_TRUE(a.rows[2].attended);
  EXPECT_FALSE(a.rows[0].attended);

  ASSERT_TRUE(run(Cancel{third}).ok());
  a = activity(ContactHistory::kCultural);
  EXPECT_EQ(a.orders_confirmed, 2u) << "a cancelled order is not attended";
  EXPECT_EQ(a.total, 2u);
}

TEST_F(ContactActivityTest, TheMailingHistoryListsEveryReminderSent_NewestFirst_AndPagesWithoutGapOrRepeat) {
  using workload::demo_line;
  const OrderId a =
      run(Book{BookingKind::kOption, kAnne, workload::kWeb, {demo_line(1000, 1, 1, 1)}, kStart - kDay}).order;
  const OrderId b =
      run(Book{BookingKind::kOption, kAnne, workload::kWeb, {demo_line(1000, 1, 1, 1)}, kStart - kDay}).order;
  // Selected, then recorded as delivered (what the server does once the
  // e-mails are accepted and the file written).
  ASSERT_TRUE(run(RemindOrders{{a, b}, 1, Delivery::kEmail}).ok());
  ASSERT_TRUE(run(RecordOrderReminders{{a, b}, 1, Delivery::kEmail}).ok());
  now_ += kMinute;
  ASSERT_TRUE(run(RemindOrders{{a}, 1, Delivery::kFile}).ok());
  ASSERT_TRUE(run(RecordOrderReminders{{a}, 1, Delivery::kFile}).ok());
  now_ += kMinute;
  ASSERT_TRUE(run(AddOrderNote{a, "rappelée"}).ok()) << "a note is no mailing";
  ASSERT_TRUE(run(Release{b}).ok()) << "a closed order's reminders stay in the history";

  const ContactActivity all = activity(ContactHistory::kMailings);
  ASSERT_EQ(all.total, 3u);
  ASSERT_EQ(all.rows.size(), 3u);
  EXPECT_EQ(all.rows[0].order, a);
  EXPECT_EQ(all.rows[0].rank, 2u);
  EXPECT_FALSE(all.rows[0].email) << "the letter file";
  EXPECT_EQ(all.rows[0].at_ms, kT0 + kMinute);
  EXPECT_EQ(all.rows[0].detail, "reminder 2 in a letter file (format 1)");
  EXPECT_EQ(all.rows[1].at_ms, kT0);
  EXPECT_EQ(all.rows[2].at_ms, kT0);
  for (const ActivityRow& r : {all.rows[1], all.rows[2]}) {
    EXPECT_TRUE(r.email);
    EXPECT_EQ(r.rank, 1u);
    EXPECT_EQ(r.detail, "reminder 1 (format 1)");
  }
  EXPECT_EQ(std::max(all.rows[1].order, all.rows[2].order), all.rows[1].order) << "same time: higher order first";

  std::vector<std::pair<OrderId, uint64_t>> paged;
  const ContactActivity* after = nullptr;
  ContactActivity page;
  for (int i = 0; i < 10; ++i) {
    page = activity(ContactHistory::kMailings, 1, after);
    EXPECT_EQ(page.total, 3u);
    for (const ActivityRow& r : page.rows) paged.emplace_back(r.order, r.item);
    if (page.next_before_ms == 0) break;
    after = &page;
  }
  ASSERT_EQ(paged.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(paged[i], std::make_pair(all.rows[i].order, all.rows[i].item));
}

TEST_F(ContactActivityTest, ASubscriberIsCounted_AndAnExportedRunsReminderIsAMailingToWhoPays) {
  must_apply(Command{0, DefineSeries{1, "Revue Tessera"}});
  must_apply(Command{0, DefineIssue{1, 101, kT0 + kDay, "n°1"}});
  ASSERT_TRUE(run(Subscribe{1, 1, kAnne, kNone, kT0 + 2 * kDay}).ok());
  ASSERT_TRUE(run(Subscribe{2, 1, 8, kAnne, kT0 + 2 * kDay}).ok()) << "Anne pays for contact 8";
  ASSERT_TRUE(run(StartReminderRun{1, 1, {101}, Audience::kDirect, 1, Delivery::kEmail}).ok());
  ASSERT_TRUE(run(StartReminderRun{2, 1, {101}, Audience::kThirdParty, 1, Delivery::kFile}).ok());
  EXPECT_EQ(activity(ContactHistory::kMailings).total, 0u) << "a run not exported sent nothing";
  ASSERT_TRUE(run(RecordRunExport{1, 1, 0, "smtp://localhost:2525"}).ok());
  ASSERT_TRUE(run(RecordRunExport{2, 1, 0, "/var/tessera/relances.csv"}).ok());

  const ContactActivity a = activity(ContactHistory::kMailings);
  EXPECT_EQ(a.subscriptions_running, 1u) << "Anne subscribes once; paying for another is no subscription";
  EXPECT_EQ(a.subscribed_until_ms, kT0 + 2 * kDay);
  ASSERT_EQ(a.total, 2u);
  for (const ActivityRow& r : a.rows) {
    EXPECT_EQ(r.order, OrderId{0});
    EXPECT_EQ(r.at_ms, kT0);
    EXPECT_EQ(r.rank, 1u);
  }
  EXPECT_EQ(a.rows[0].run, RunId{2}) << "same time: the later run first";
  EXPECT_EQ(a.rows[0].subscription, SubscriptionId{2});
  EXPECT_FALSE(a.rows[0].email);
  EXPECT_EQ(a.rows[1].subscription, SubscriptionId{1});
  EXPECT_TRUE(a.rows[1].email);
  EXPECT_EQ(a.rows[1].detail, "subscription reminder 1 (run 1, format 1)");

  advance_to(kT0 + 3 * kDay);
  EXPECT_EQ(activity(ContactHistory::kCultural).subscriptions_running, 0u) << "ended";
}

TEST_F(ContactActivityTest, BadRequestsAreRefused) {
  EXPECT_EQ(run(GetContactActivity{kNone, ContactHistory::kCultural, 0, 0, 0, 0}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(GetContactActivity{kAnne, static_cast<ContactHistory>(2), 0, 0, 0, 0}).code,
            ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(GetContactActivity{kAnne, ContactHistory::kCultural, 0, 0, 0, kContactSearchRowsMax + 1}).code,
            ReplyCode::kInvalidArgument);
  const ContactActivity none = activity(ContactHistory::kCultural);
  EXPECT_EQ(none.orders_confirmed, 0u);
  EXPECT_EQ(none.average_basket_cents, 0u) << "no division by zero";
  EXPECT_TRUE(none.rows.empty());
}

ActivityRow row(int64_t at, OrderId order, uint64_t item = 0) {
  ActivityRow r;
  r.at_ms = at;
  r.order = order;
  r.item = item;
  return r;
}

Reply part(ContactActivity a) {
  Reply r;
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(a)});
  return r;
}

TEST(ContactActivityMerge, SumsTheShards_CombinesChannels_AndCutsThePageNewestFirst) {
  ContactActivity one, two;
  one.contact = two.contact = kAnne;
  one.orders_confirmed = 1;
  one.spent_cents = 1000;
  one.performances_attended = 1;
  one.last_attended_ms = 50;
  one.next_performance_ms = 900;
  one.channels = {{1, 1}};
  one.subscriptions_running = 1;
  one.subscribed_until_ms = 5000;
  one.rows = {row(900, 11), row(50, 12)};
  one.total = 2;
  two.orders_confirmed = 2;
  two.spent_cents = 1001;
  two.performances_to_attend = 2;
  two.last_attended_ms = 0;
  two.next_performance_ms = 700;
  two.channels = {{2, 1}, {1, 1}};
  two.subscribed_until_ms = 3000;
  two.rows = {row(700, 21), row(60, 22)};
  two.total = 2;
  std::vector<Reply> parts{part(one), part(two)};
  const GetContactActivity q{kAnne, ContactHistory::kCultural, 0, 0, 0, 3};
  const Reply merged = merge_replies(q, std::move(parts));
  ASSERT_TRUE(merged.ok());
  const ContactActivity& a = std::get<ContactActivity>(merged.detail->value);
  EXPECT_EQ(a.orders_confirmed, 3u);
  EXPECT_EQ(a.spent_cents, 2001u);
  EXPECT_EQ(a.average_basket_cents, 667u) << "2001 / 3 = 667.00";
  EXPECT_EQ(a.performances_attended, 1u);
  EXPECT_EQ(a.performances_to_attend, 2u);
  EXPECT_EQ(a.last_attended_ms, 50);
  EXPECT_EQ(a.next_performance_ms, 700);
  ASSERT_EQ(a.channels.size(), 2u);
  EXPECT_EQ(a.channels[0].channel, ChannelId{1});
  EXPECT_EQ(a.channels[0].orders, 2u);
  EXPECT_EQ(a.subscriptions_running, 1u);
  EXPECT_EQ(a.subscribed_until_ms, 5000);
  EXPECT_EQ(a.total, 4u);
  ASSERT_EQ(a.rows.size(), 3u);
  EXPECT_EQ(a.rows[0].order, OrderId{11});
  EXPECT_EQ(a.rows[1].order, OrderId{21});
  EXPECT_EQ(a.rows[2].order, OrderId{22});
  EXPECT_EQ(a.next_before_ms, 60) << "the cursor is the last row";
  EXPECT_EQ(a.next_before_order, OrderId{22});
}

TEST(ContactActivityMerge, TheAverageBasketIsRoundedHalfUpToTheCent) {
  for (const auto& [spent, orders, pmg] :
       {std::tuple{1001u, 2u, 501u}, {1000u, 3u, 333u}, {1001u, 3u, 334u}, {5u, 2u, 3u}, {0u, 1u, 0u}}) {
    ContactActivity a;
    a.spent_cents = spent;
    a.orders_confirmed = orders;
    page_activity(a, {}, GetContactActivity{}, false);
    EXPECT_EQ(a.average_basket_cents, pmg) << spent << " / " << orders;
  }
}

TEST(ContactActivityMerge, ThePmgTierIsTheHighestTheWholeAverageReaches_SetByTheMerge) {
  const std::vector<PmgTier> tiers{{"OR", 15000}, {"BRONZE", 0}, {"ARGENT", 5000}};  // any order
  // Each shard alone averages under 50.00; together 3 orders of 150.00 in all.
  ContactActivity one, two;
  one.contact = two.contact = kAnne;
  one.orders_confirmed = 2;
  one.spent_cents = 9000;  // 45.00 each
  two.orders_confirmed = 1;
  two.spent_cents = 6000;
  std::vector<Reply> parts{part(one), part(two)};
  const GetContactActivity q{kAnne, ContactHistory::kCultural, 0, 0, 0, 0};
  const Reply merged = merge_replies(q, std::move(parts), MergeSettings{tiers});
  ASSERT_TRUE(merged.ok());
  const ContactActivity& a = std::get<ContactActivity>(merged.detail->value);
  EXPECT_EQ(a.average_basket_cents, 5000u);
  EXPECT_EQ(a.pmg_tier, "ARGENT") << "50.00 reaches ARGENT exactly";

  std::vector<Reply> again{part(one), part(two)};
  EXPECT_EQ(std::get<ContactActivity>(merge_replies(q, std::move(again)).detail->value).pmg_tier, "")
      << "no tier configured: none shown";

  EXPECT_EQ(pmg_tier_of(4999, 1, tiers), "BRONZE");
  EXPECT_EQ(pmg_tier_of(15000, 4, tiers), "OR");
  EXPECT_EQ(pmg_tier_of(0, 0, tiers), "") << "no confirmed order: no basket, no tier (not even from 0)";
  EXPECT_EQ(pmg_tier_of(4999, 1, {{"ARGENT", 5000}}), "") << "under the lowest tier";
}

TEST(ContactActivityMerge, StoredRecordsCompleteTheMailingPage_OnlyWithTheirReminders) {
  OrderRecord stored;
  stored.order = 5;
  stored.contact = kAnne;
  stored.workflow = {
      WorkflowEntry{100, 0, WorkflowAction::kCreated, OrderState::kOption, OrderState::kOption, ""},
      WorkflowEntry{200, 0, WorkflowAction::kEmailSent, OrderState::kHeld, OrderState::kHeld, "reminder 1 (format 3)"},
      WorkflowEntry{300, 0, WorkflowAction::kModified, OrderState::kHeld, OrderState::kHeld, "note added"},
      WorkflowEntry{400, 0, WorkflowAction::kModified, OrderState::kHeld, OrderState::kHeld,
                    "reminder 2 in a letter file (format 3)"},
      WorkflowEntry{500, 0, WorkflowAction::kStateChanged, OrderState::kOption, OrderState::kReleased, ""}};
  OrderRecord other = stored;
  other.order = 6;
  other.contact = 8;  // another contact's: not Anne's history
  ContactActivity memory;
  memory.contact = kAnne;
  memory.history = ContactHistory::kMailings;
  memory.rows = {row(250, 9, 1)};
  memory.total = 1;
  const GetContactActivity q{kAnne, ContactHistory::kMailings, 0, 0, 0, 0};
  const Reply r = complete_activity_from_history(part(memory), q, {encode(stored), encode(other), "junk"}, {});
  ASSERT_TRUE(r.ok());
  const ContactActivity& a = std::get<ContactActivity>(r.detail->value);
  EXPECT_EQ(a.total, 3u);
  ASSERT_EQ(a.rows.size(), 3u);
  EXPECT_EQ(a.rows[0].at_ms, 400);
  EXPECT_FALSE(a.rows[0].email);
  EXPECT_EQ(a.rows[0].rank, 2u);
  EXPECT_EQ(a.rows[0].item, 3u) << "the entry's place in the order's workflow";
  EXPECT_EQ(a.rows[1].order, OrderId{9});
  EXPECT_EQ(a.rows[2].at_ms, 200);
  EXPECT_TRUE(a.rows[2].email);
  EXPECT_EQ(a.rows[2].rank, 1u);
}

}  // namespace
}  // namespace tessera::engine
