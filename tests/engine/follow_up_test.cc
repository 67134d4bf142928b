// Follow-up of options and reservations (seed 000): the query with its
// mandatory filters, 100-row pages and cursor, marks, locks, release of a
// selection, ReleaseAll beyond the first page, preview, reminders.
#include <gtest/gtest.h>

#include <set>

#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"

namespace tessera::engine {
namespace {

using workload::kBoxOffice;
using workload::kWeb;

class FollowUpTest : public ShardTest {
 protected:
  FollowUpTest() {
    must_apply(
        Command{0, DefineContact{7, 100000002951, "BOSCHE", "Lennart", "lennart@example.org", kContactIndividual}});
    must_apply(
        Command{0, DefineContact{8, 100000000008, "Théâtre du Lac", "", "", kContactOrganisation | kContactPartner}});
  }

  FollowUpFilter filter(int64_t due_until, BookingKind kind = BookingKind::kOption) {
    FollowUpFilter f;
    f.kind = kind;
    f.due_until_ms = due_until;
    f.season = 1;
    f.family = 1;
    return f;
  }
  OrderId book_for(ContactId contact, PerformanceId p, uint32_t n, int64_t deadline, ChannelId ch = kBoxOffice,
                   uint32_t tariff = 1) {
    const Reply r = run(Book{BookingKind::kOption,
                             contact,
                             ch,
                             {LineRequest{p, 1, workload::demo_tariff(product_of(p), tariff), n, kNone}},
                             deadline});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  FollowUpPage query(const FollowUpFilter& f, FollowUpCursor after = {}, uint32_t limit = 100) {
    const Reply r = run(QueryFollowUp{f, after, limit});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.detail ? std::get<FollowUpPage>(r.detail->value) : FollowUpPage{};
  }
  template <typename T>
  static const T& detail(const Reply& r) {
    EXPECT_TRUE(r.detail != nullptr);
    return std::get<T>(r.detail->value);
  }
};

TEST_F(FollowUpTest, Query_RefusesMissingMandatoryFilters) {
  FollowUpFilter f = filter(kT0 + kDay);
  f.season = 0;
  EXPECT_EQ(run(QueryFollowUp{f, {}, 100}).code, ReplyCode::kInvalidArgument);
  f = filter(kT0 + kDay);
  f.family = 0;
  EXPECT_EQ(run(QueryFollowUp{f, {}, 100}).code, ReplyCode::kInvalidArgument);
  f = filter(0);
  EXPECT_EQ(run(QueryFollowUp{f, {}, 100}).code, ReplyCode::kInvalidArgument);
  f = filter(kT0 + kDay);
  f.season = 99;
  EXPECT_EQ(run(QueryFollowUp{f, {}, 100}).code, ReplyCode::kNotFound);
  EXPECT_EQ(run(QueryFollowUp{filter(kT0 + kDay), {}, 101}).code, ReplyCode::kInvalidArgument);
  f = filter(kT0 + kDay);
  f.tariffs = {999};
  EXPECT_EQ(run(QueryFollowUp{f, {}, 100}).code, ReplyCode::kNotFound);
}

TEST_F(FollowUpTest, Query_ShowsRowsDueByTheDateSortedByDeadline) {
  const OrderId late = book_for(7, kPerfKeep, 2, kT0 + 3 * kDay);
  const OrderId early = book_for(8, kPerfRelease, 1, kT0 + 1 * kDay);
  book_for(7, kPerfKeep, 1, kT0 + 9 * kDay);  // after D+5
  run(Book{BookingKind::kReservation, 7, kBoxOffice, {workload::demo_line(kPerfKeep, 3, 1, 1)}, kT0 + kDay});
  const FollowUpPage page = query(filter(kT0 + 5 * kDay));
  ASSERT_EQ(page.rows.size(), 2u);
  EXPECT_EQ(page.total, 2u);
  EXPECT_FALSE(page.more);
  EXPECT_EQ(page.rows[0].order, early);
  EXPECT_EQ(page.rows[0].contact_number, 100000000008u);
  EXPECT_EQ(page.rows[1].order, late);
  EXPECT_EQ(page.rows[1].contact_name, "BOSCHE Lennart");
  EXPECT_EQ(page.rows[1].quantity, 2u);
  EXPECT_EQ(page.rows[1].due_ms, kT0 + 3 * kDay);
  EXPECT_EQ(page.rows[1].channel_name, "Guichet");
  EXPECT_EQ(page.rows[1].mark, ReleaseMark::kRelease);
  EXPECT_FALSE(page.rows[1].locked);
  EXPECT_EQ(query(filter(kT0 + 5 * kDay, BookingKind::kReservation)).total, 1u);
}

TEST_F(FollowUpTest, Query_CapsAt100RowsAndPagesWithACursor) {
  std::set<OrderId> booked;
  for (int i = 0; i < 250; ++i)
    booked.insert(book_for(7, kPerfKeep.value() + i % 2, 1, kT0 + kDay + (i % 17) * kMinute));
  FollowUpPage page = query(filter(kT0 + 2 * kDay));
  EXPECT_EQ(page.rows.size(), 100u);
  EXPECT_EQ(page.total, 250u);
  EXPECT_TRUE(page.more);
  std::set<OrderId> seen;
  FollowUpRow last{};
  for (;;) {
    for (const FollowUpRow& row : page.rows) {
      EXPECT_TRUE(std::tie(last.due_ms, last.order) < std::tie(row.due_ms, row.order));
      EXPECT_TRUE(seen.insert(row.order).second);
      last = row;
    }
    if (!page.more) break;
    page = query(filter(kT0 + 2 * kDay), FollowUpCursor{last.due_ms, last.order, last.line});
    EXPECT_EQ(page.total, 250u);
  }
  EXPECT_EQ(seen, booked);
}

TEST_F(FollowUpTest, Query_AppliesEveryOptionalFilter) {
  const OrderId web = book_for(7, kPerfKeep, 1, kT0 + kDay, kWeb);
  const OrderId partner = book_for(8, kPerfKeep.value() + 1, 2, kT0 + kDay, kBoxOffice, 2);
  auto only = [&](FollowUpFilter f) {
    const FollowUpPage page = query(f);
    return page.rows.size() == 1 ? page.rows[0].order : 0;
  };
  FollowUpFilter f = filter(kT0 + kDay);
  f.channel = kWeb;
  EXPECT_EQ(only(f), web);
  f = filter(kT0 + kDay);
  f.contact_types = kContactPartner;
  EXPECT_EQ(only(f), partner);
  f = filter(kT0 + kDay);
  f.contact = 7;
  EXPECT_EQ(only(f), web);
  f = filter(kT0 + kDay);
  f.tariffs = {workload::demo_tariff(3, 2)};
  EXPECT_EQ(only(f), partner);
  f = filter(kT0 + kDay);
  f.performance = kPerfKeep;
  EXPECT_EQ(only(f), web);
  f = filter(kT0 + kDay);
  f.product = workload::kProductKeep;
  f.categories = {2};
  EXPECT_EQ(query(f).total, 0u);
  f.categories = {1};
  EXPECT_EQ(query(f).total, 2u);
}

TEST_F(FollowUpTest, ReleaseOrders_ReportsPerOrderAndSkipsKeptAndLocked) {
  const OrderId plain = book_for(7, kPerfKeep, 1, kT0 + kDay);
  const OrderId kept = book_for(7, kPerfKeep, 1, kT0 + kDay);
  const OrderId locked = book_for(7, kPerfKeep, 1, kT0 + kDay);
  const OrderId confirmed = book_for(7, kPerfKeep, 1, kT0 + kDay);
  ASSERT_EQ(run(MarkOrders{{kept}, ReleaseMark::kKeep}).value, 1);
  ASSERT_EQ(run(LockOrders{{locked}, true}).value, 1);
  ASSERT_TRUE(run(Confirm{confirmed, {}}).ok());
  const int64_t before = available(kPerfKeep, 1, kBoxOffice);
  const Reply r = run(ReleaseOrders{{plain, kept, locked, confirmed, plain.value() + (uint64_t{9} << 32)}});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.value, 1);
  const auto& out = detail<BulkOutcomes>(r).orders;
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0].outcome, Outcome::kDone);
  EXPECT_EQ(out[0].state, OrderState::kReleased);
  EXPECT_EQ(out[1].outcome, Outcome::kSkippedKept);
  EXPECT_EQ(out[2].outcome, Outcome::kSkippedLocked);
  EXPECT_EQ(out[3].outcome, Outcome::kSkippedState);
  EXPECT_EQ(out[4].outcome, Outcome::kNotFound);
  EXPECT_EQ(available(kPerfKeep, 1, kBoxOffice), before + 1);
}

TEST_F(FollowUpTest, BadSelections_AreRefusedAndChangeNothing) {
  const OrderId o = book_for(7, kPerfKeep, 1, kT0 + kDay);
  const uint64_t hash = shard_.state_hash();
  EXPECT_EQ(run(ReleaseOrders{{}}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(MarkOrders{{o, o}, ReleaseMark::kKeep}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(RemindOrders{{o}, 42, Delivery::kFile}).code, ReplyCode::kNotFound);
  EXPECT_EQ(shard_.state_hash(), hash);
}

TEST_F(FollowUpTest, ReleaseAll_ReleasesBeyondTheFirstPageButNotKeptOrLocked) {
  std::vector<OrderId> ids;
  for (int i = 0; i < 300; ++i) ids.push_back(book_for(7, kPerfKeep.value() + i % 2, 1, kT0 + kDay + i * kMinute));
  book_for(7, kPerfKeep, 1, kT0 + 30 * kDay);  // a later option stays
  ASSERT_EQ(run(MarkOrders{{ids[5], ids[150]}, ReleaseMark::kKeep}).value, 2);
  ASSERT_EQ(run(LockOrders{{ids[7], ids[299]}, true}).value, 2);
  const int64_t before = available(kPerfKeep, 1, kBoxOffice) + available(kPerfKeep.value() + 1, 1, kBoxOffice);

  const uint64_t hash = shard_.state_hash();
  const Reply preview = run(PreviewRelease{filter(kT0 + 2 * kDay)});
  ASSERT_TRUE(preview.ok()) << preview.message;
  EXPECT_EQ(shard_.state_hash(), hash);  // a dry run changes nothing
  const auto& p = detail<ReleaseSummary>(preview);
  EXPECT_EQ(p.released, 296u);
  EXPECT_EQ(p.kept, 2u);
  EXPECT_EQ(p.locked, 2u);
  EXPECT_EQ(p.units, 296u);
  ASSERT_EQ(p.stock.size(), 2u);
  EXPECT_EQ(p.stock[0].units + p.stock[1].units, 296u);
  EXPECT_EQ(p.stock[0].orders + p.stock[1].orders, 296u);

  const Reply r = run(ReleaseAll{filter(kT0 + 2 * kDay)});
  ASSERT_TRUE(r.ok()) << r.message;
  const auto& s = detail<ReleaseSummary>(r);
  EXPECT_EQ(s.released, 296u);
  EXPECT_EQ(s.kept, 2u);
  EXPECT_EQ(s.locked, 2u);
  EXPECT_EQ(available(kPerfKeep, 1, kBoxOffice) + available(kPerfKeep.value() + 1, 1, kBoxOffice), before + 296);
  EXPECT_EQ(state(ids[0]), OrderState::kReleased);
  EXPECT_EQ(state(ids[5]), OrderState::kOption);
  EXPECT_EQ(state(ids[299]), OrderState::kOption);
  const FollowUpPage left = query(filter(kT0 + 40 * kDay));
  EXPECT_EQ(left.total, 5u);  // kept, locked, and the later option
}

TEST_F(FollowUpTest, ReleaseAll_ReplayedGivesTheSameState) {
  std::vector<Command> log;
  auto logged = [&](CommandBody body) {
    log.push_back(Command{0, body});
    return run(std::move(body));
  };
  for (int i = 0; i < 50; ++i)
    logged(Book{BookingKind::kOption,
                7,
                kBoxOffice,
                {workload::demo_line(kPerfKeep, 3, 1, 1 + i % 3)},
                kT0 + kDay + i * kMinute});
  logged(ReleaseAll{filter(kT0 + kDay + 20 * kMinute)});
  Shard replica(0, 1, kT0);
  for (const Command& c : workload::demo_catalog()) ASSERT_TRUE(replica.apply(c, kT0).ok());
  workload::DemoVenue venue;
  venue.performances = 2;
  const std::pair<PerformanceId, ProductId> sets[] = {{kPerfRelease, workload::kProductRelease},
                                                      {kPerfOverdue, workload::kProductOverdue},
                                                      {kPerfKeep, workload::kProductKeep}};
  for (auto [first, product] : sets) {
    venue.first_performance = first;
    for (const Command& c : workload::demo_performances(venue, product)) ASSERT_TRUE(replica.apply(c, kT0).ok());
  }
  ASSERT_TRUE(replica
                  .apply(Command{0, DefineContact{7, 100000002951, "BOSCHE", "Lennart", "lennart@example.org",
                                                  kContactIndividual}},
                         kT0)
                  .ok());
  ASSERT_TRUE(replica
                  .apply(Command{0, DefineContact{8, 100000000008, "Théâtre du Lac", "", "",
                                                  kContactOrganisation | kContactPartner}},
                         kT0)
                  .ok());
  for (const Command& c : log) replica.apply(c, now_);
  EXPECT_EQ(replica.state_hash(), shard_.state_hash());
}

TEST_F(FollowUpTest, RemindOrders_RecordsRankAndReturnsTheDocumentData) {
  ASSERT_TRUE(run(DefineReminderFormat{1,
                                       "Relance",
                                       FormatType::kReminder,
                                       ";",
                                       "csv",
                                       false,
                                       {ReminderField::kContactNumber, ReminderField::kOrderNumber}})
                  .ok());
  const OrderId o = book_for(7, kPerfKeep, 2, kT0 + 3 * kDay);
  ASSERT_TRUE(run(SetOrderFile{o, 10000000399}).ok());
  Reply r = run(RemindOrders{{o}, 1, Delivery::kEmail});
  ASSERT_TRUE(r.ok()) << r.message;
  ASSERT_TRUE(run(RecordOrderReminders{{o}, 1, Delivery::kEmail}).ok());  // delivered
  const ReminderBatch& batch = detail<ReminderBatch>(r);
  ASSERT_EQ(batch.items.size(), 1u);
  EXPECT_EQ(batch.items[0].email, "lennart@example.org");
  EXPECT_EQ(batch.items[0].reminder_rank, 1u);
  EXPECT_EQ(batch.items[0].file_number, 10000000399u);
  EXPECT_EQ(batch.items[0].quantity, 2u);
  EXPECT_GT(batch.items[0].amount_cents, 0);
  EXPECT_EQ(batch.format.name, "Relance");
  r = run(RemindOrders{{o}, 1, Delivery::kEmail});
  EXPECT_EQ(detail<ReminderBatch>(r).items[0].reminder_rank, 2u);
  EXPECT_EQ(query(filter(kT0 + 5 * kDay)).rows[0].reminder_rank, 1u) << "selected, not delivered yet";
  ASSERT_TRUE(run(RecordOrderReminders{{o}, 1, Delivery::kEmail}).ok());
  const FollowUpPage page = query(filter(kT0 + 5 * kDay));
  ASSERT_EQ(page.rows.size(), 1u);
  EXPECT_EQ(page.rows[0].reminder_rank, 2u);
  EXPECT_EQ(page.rows[0].file_number, 10000000399u);
}

TEST_F(FollowUpTest, Snapshot_RebuildsTheIndex) {
  for (int i = 0; i < 20; ++i) book_for(7, kPerfKeep, 1, kT0 + kDay + i * kMinute);
  std::string bytes;
  shard_.save(&bytes);
  auto loaded = Shard::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->state_hash(), shard_.state_hash());
  const Reply a = (*loaded)->apply(Command{0, QueryFollowUp{filter(kT0 + 2 * kDay), {}, 100}}, now_);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(std::get<FollowUpPage>(a.detail->value).total, 20u);
}

}  // namespace
}  // namespace tessera::engine
