// The follow-up screen end to end: the real server on loopback (2 shards,
// demo venue), a real client, and a book of options spread over every demo
// performance on both shards. Checks the query's mandatory and optional
// filters, the row cap and paging across shards, bulk selections with
// per-order outcomes, and that ReleaseAll does what PreviewRelease said.
//
// Deadlines are days ahead of the wall clock and nothing waits on time:
// the tests do not depend on timing.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <tuple>

#include "engine/ids.h"
#include "engine/reply_detail.h"
#include "net/result_code.h"
#include "runtime/clock.h"
#include "tests/engine/engine_clock.h"
#include "tests/net/net_test_support.h"
#include "workload/demo_venue.h"

namespace tessera::net {
namespace {

using namespace tessera::engine;
using testing::connect_client;
using testing::start_server;

constexpr uint32_t kPlainOptions = 164;
constexpr uint32_t kContingentOptions = 6;
constexpr uint32_t kReservations = 10;
constexpr uint32_t kOptions = kPlainOptions + kContingentOptions;

// One booked order, as the test placed it (each order has one line = one row).
struct Booked {
  OrderId order = 0;
  BookingKind kind = BookingKind::kOption;
  PerformanceId performance = 0;
  ProductId product = 0;
  CategoryId category = 0;
  TariffId tariff = 0;
  ContingentId contingent = kNone;
  ChannelId channel = 0;
  ContactId contact = 0;
  int64_t due_ms = 0;
  uint32_t quantity = 0;
};

// Contacts 1..4 and their types.
const std::vector<DefineContact>& contacts() {
  static const std::vector<DefineContact> all = {
      {1, 100000000001, "DUPONT", "Anne", "anne@example.org", kContactIndividual},
      {2, 100000000002, "ACME", "", "office@acme.example", kContactOrganisation | kContactPartner},
      {3, 100000000003, "MARTIN", "Paul", "", kContactIndividual | kContactGuide},
      {4, 100000000004, "THEATRE AMI", "", "", kContactOrganisation},
  };
  return all;
}

std::vector<PerformanceId> demo_performances() {
  std::vector<PerformanceId> out;
  for (uint32_t product = 1; product <= 3; ++product)
    for (uint32_t p = product * 1000; p < product * 1000 + 4; ++p) out.push_back(p);
  return out;
}

class FollowUpServer : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = start_server(testing::test_config(), 0);  // its own contacts below
    office_ = connect_client(*app_, testing::kBackofficeToken);
    ASSERT_TRUE(office_);
    now_ms_ = runtime::SystemClock().now_ms();
    base_due_ms_ = now_ms_ + 10 * kDay;
    std::vector<Command> define;
    for (const DefineContact& c : contacts()) define.push_back(Command{0, c});
    for (const Reply& r : call(define)) ASSERT_TRUE(r.ok()) << r.message;
    book_all();
  }

  Client::Replies call(std::vector<Command> commands, Client* client = nullptr) {
    auto r = (client ? client : office_.get())->call(std::move(commands));
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? std::move(*r) : Client::Replies{};
  }
  Reply one(CommandBody body, Client* client = nullptr) {
    auto r = call({Command{0, std::move(body)}}, client);
    return r.size() == 1 ? r[0] : refuse(ReplyCode::kBusy, "no reply");
  }

  // Options over every performance with shuffled deadlines, tariffs,
  // categories, channels and contacts; a few in the partner contingents; a
  // few reservations.
  void book_all() {
    const std::vector<PerformanceId> performances = demo_performances();
    std::vector<Booked> plan;
    for (uint32_t i = 0; i < kPlainOptions + kContingentOptions + kReservations; ++i) {
      Booked b;
      b.performance = performances[i % performances.size()];
      b.product = b.performance.value() / 1000;
      b.category = 1 + i % 3;
      b.tariff = workload::demo_tariff(b.product, 1 + (i / 3) % 2);
      b.channel = i % 2 == 0 ? workload::kBoxOffice : workload::kWeb;
      b.contact = 1 + (i / 2) % 4;
      b.due_ms = base_due_ms_ + static_cast<int64_t>((i * 7919) % 97) * kMinute;  // repeats: ties on due_ms
      b.quantity = 1 + i % 2;
      if (i >= kPlainOptions && i < kOptions) {
        b.category = 1;
        b.channel = workload::kPartner;
        b.contingent = workload::demo_partner_contingent(b.performance);
      }
      if (i >= kOptions) b.kind = BookingKind::kReservation;
      plan.push_back(b);
    }
    std::vector<Command> commands;
    for (const Booked& b : plan)
      commands.push_back(Command{0, Book{b.kind,
                                         b.contact,
                                         b.channel,
                                         {LineRequest{b.performance, b.category, b.tariff, b.quantity, b.contingent}},
                                         b.due_ms}});
    const Client::Replies replies = call(commands);
    ASSERT_EQ(replies.size(), plan.size());
    for (size_t i = 0; i < plan.size(); ++i) {
      ASSERT_TRUE(replies[i].ok()) << "booking " << i << ": " << replies[i].message;
      plan[i].order = replies[i].order;
    }
    booked_ = std::move(plan);
    std::set<uint32_t> shards;
    for (const Booked& b : booked_) shards.insert(order_shard(b.order));
    ASSERT_EQ(shards.size(), 2u) << "the book must span both shards";
  }

  FollowUpFilter all_options() const {
    FollowUpFilter f;
    f.kind = BookingKind::kOption;
    f.due_until_ms = now_ms_ + 30 * kDay;
    f.season = 1;
    f.family = 1;
    return f;
  }
  std::vector<const Booked*> matching(const std::function<bool(const Booked&)>& also,
                                      BookingKind kind = BookingKind::kOption) const {
    std::vector<const Booked*> out;
    for (const Booked& b : booked_)
      if (b.kind == kind && also(b)) out.push_back(&b);
    return out;
  }

  Reply query(const FollowUpFilter& f, FollowUpCursor after = {}, uint32_t limit = kFollowUpRowsMax) {
    return one(QueryFollowUp{f, after, limit});
  }
  static const FollowUpPage* page_of(const Reply& r) {
    return r.detail ? std::get_if<FollowUpPage>(&r.detail->value) : nullptr;
  }
  static const BulkOutcomes* outcomes_of(const Reply& r) {
    return r.detail ? std::get_if<BulkOutcomes>(&r.detail->value) : nullptr;
  }
  static const ReleaseSummary* summary_of(const Reply& r) {
    return r.detail ? std::get_if<ReleaseSummary>(&r.detail->value) : nullptr;
  }

  // Every page of a query, following the cursor of each page's last row.
  std::vector<FollowUpRow> all_pages(const FollowUpFilter& f, uint32_t limit, uint64_t* total) {
    std::vector<FollowUpRow> rows;
    FollowUpCursor after;
    for (uint32_t pages = 0; pages < 1000; ++pages) {
      const Reply r = query(f, after, limit);
      const FollowUpPage* page = page_of(r);
      EXPECT_TRUE(r.ok() && page) << r.message;
      if (!page) break;
      *total = page->total;
      rows.insert(rows.end(), page->rows.begin(), page->rows.end());
      if (!page->more) break;
      EXPECT_FALSE(page->rows.empty()) << "more without rows";
      if (page->rows.empty()) break;
      const FollowUpRow& last = page->rows.back();
      after = FollowUpCursor{last.due_ms, last.order, last.line};
    }
    return rows;
  }

  std::unique_ptr<server::ServerApp> app_;
  std::unique_ptr<Client> office_;
  int64_t now_ms_ = 0;
  int64_t base_due_ms_ = 0;
  std::vector<Booked> booked_;
};

TEST_F(FollowUpServer, MissingMandatoryFiltersAreRefused) {
  FollowUpFilter no_due = all_options();
  no_due.due_until_ms = 0;
  FollowUpFilter no_season = all_options();
  no_season.season = kNone;
  FollowUpFilter no_family = all_options();
  no_family.family = kNone;
  for (const FollowUpFilter& f : {no_due, no_season, no_family}) {
    EXPECT_EQ(query(f).code, ReplyCode::kInvalidArgument);
    EXPECT_EQ(one(PreviewRelease{f}).code, ReplyCode::kInvalidArgument);
    EXPECT_EQ(one(ReleaseAll{f}).code, ReplyCode::kInvalidArgument);
  }
  EXPECT_EQ(query(all_options(), {}, kFollowUpRowsMax + 1).code, ReplyCode::kInvalidArgument) << "over the row cap";
  EXPECT_EQ(query(FollowUpFilter{}).code, ReplyCode::kInvalidArgument);
}

TEST_F(FollowUpServer, EachOptionalFilterNarrowsTheRows) {
  struct Case {
    std::string name;
    std::function<void(FollowUpFilter&)> set;
    std::function<bool(const Booked&)> keeps;
    BookingKind kind = BookingKind::kOption;
  };
  const std::vector<Case> cases = {
      {"product", [](FollowUpFilter& f) { f.product = 2; }, [](const Booked& b) { return b.product == 2; }},
      {"performance", [](FollowUpFilter& f) { f.performance = 3001; },
       [](const Booked& b) { return b.performance == 3001; }},
      {"contingent", [](FollowUpFilter& f) { f.contingent = workload::demo_partner_contingent(1000); },
       [](const Booked& b) { return b.contingent == workload::demo_partner_contingent(1000); }},
      {"tariffs",
       [](FollowUpFilter& f) {
         f.tariffs = {11, 32};
       },
       [](const Booked& b) { return b.tariff == 11 || b.tariff == 32; }},
      {"categories",
       [](FollowUpFilter& f) {
         f.product = 1, f.categories = {2, 3};
       },
       [](const Booked& b) { return b.product == 1 && (b.category == 2 || b.category == 3); }},
      {"channel", [](FollowUpFilter& f) { f.channel = workload::kWeb; },
       [](const Booked& b) { return b.channel == workload::kWeb; }},
      {"contact", [](FollowUpFilter& f) { f.contact = 3; }, [](const Booked& b) { return b.contact == 3; }},
      {"contact types", [](FollowUpFilter& f) { f.contact_types = kContactPartner | kContactGuide; },
       [](const Booked& b) { return b.contact == 2 || b.contact == 3; }},
      {"deadline", [this](FollowUpFilter& f) { f.due_until_ms = base_due_ms_ + 40 * kMinute; },
       [this](const Booked& b) { return b.due_ms <= base_due_ms_ + 40 * kMinute; }},
      {"reservations", [](FollowUpFilter& f) { f.kind = BookingKind::kReservation; },
       [](const Booked&) { return true; }, BookingKind::kReservation},
      {"two at once", [](FollowUpFilter& f) { f.product = 1, f.channel = workload::kBoxOffice; },
       [](const Booked& b) { return b.product == 1 && b.channel == workload::kBoxOffice; }},
  };
  for (const Case& c : cases) {
    FollowUpFilter f = all_options();
    c.set(f);
    const std::vector<const Booked*> expected = matching(c.keeps, c.kind);
    ASSERT_FALSE(expected.empty()) << c.name;
    ASSERT_LT(expected.size(), kOptions) << c.name << " must narrow";
    ASSERT_LE(expected.size(), kFollowUpRowsMax) << c.name;
    const Reply r = query(f);
    const FollowUpPage* page = page_of(r);
    ASSERT_TRUE(r.ok() && page) << c.name << ": " << r.message;
    EXPECT_EQ(page->total, expected.size()) << c.name;
    EXPECT_FALSE(page->more) << c.name;
    std::set<OrderId> want, got;
    for (const Booked* b : expected) want.insert(b->order);
    for (const FollowUpRow& row : page->rows) got.insert(row.order);
    EXPECT_EQ(got, want) << c.name;
  }
}

TEST_F(FollowUpServer, RowsCarryTheScreensColumns) {
  FollowUpFilter f = all_options();
  f.contact = 1;
  const Reply r = query(f);
  const FollowUpPage* page = page_of(r);
  ASSERT_TRUE(r.ok() && page && !page->rows.empty()) << r.message;
  const FollowUpRow& row = page->rows.front();
  const auto it = std::find_if(booked_.begin(), booked_.end(), [&](const Booked& b) { return b.order == row.order; });
  ASSERT_NE(it, booked_.end());
  EXPECT_EQ(row.contact_name, "DUPONT Anne");
  EXPECT_EQ(row.contact_number, 100000000001u);
  EXPECT_EQ(row.due_ms, it->due_ms);
  EXPECT_EQ(row.performance, it->performance);
  EXPECT_EQ(row.category, it->category);
  EXPECT_EQ(row.tariff, it->tariff);
  EXPECT_EQ(row.channel, it->channel);
  EXPECT_EQ(row.quantity, it->quantity);
  EXPECT_EQ(row.state, OrderState::kOption);
  EXPECT_FALSE(row.product_name.empty());
  EXPECT_GT(row.performance_starts_ms, 0);
}

TEST_F(FollowUpServer, AnswersAreCappedAtOneHundredRowsWithTheTotal) {
  const Reply r = query(all_options());
  const FollowUpPage* page = page_of(r);
  ASSERT_TRUE(r.ok() && page) << r.message;
  EXPECT_EQ(page->rows.size(), kFollowUpRowsMax);
  EXPECT_EQ(page->total, kOptions);
  EXPECT_TRUE(page->more);
  EXPECT_EQ(r.value, static_cast<int64_t>(kOptions));
  std::set<uint32_t> shards;
  for (const FollowUpRow& row : page->rows) shards.insert(order_shard(row.order));
  EXPECT_EQ(shards.size(), 2u) << "the first page merges both shards";
}

TEST_F(FollowUpServer, PagingCoversEveryRowOnceInDeadlineOrder) {
  for (uint32_t limit : {kFollowUpRowsMax, 7u, 1u}) {
    uint64_t total = 0;
    const std::vector<FollowUpRow> rows = all_pages(all_options(), limit, &total);
    EXPECT_EQ(total, kOptions) << "limit " << limit;
    ASSERT_EQ(rows.size(), kOptions) << "limit " << limit;
    std::set<OrderId> seen;
    for (size_t i = 0; i < rows.size(); ++i) {
      EXPECT_TRUE(seen.insert(rows[i].order).second) << "order " << rows[i].order << " twice (limit " << limit << ")";
      if (i == 0) continue;
      EXPECT_LT(std::tie(rows[i - 1].due_ms, rows[i - 1].order, rows[i - 1].line),
                std::tie(rows[i].due_ms, rows[i].order, rows[i].line))
          << "row " << i << " (limit " << limit << ")";
    }
    for (const Booked* b : matching([](const Booked&) { return true; })) EXPECT_TRUE(seen.count(b->order));
  }
}

TEST_F(FollowUpServer, SelectionsAnswerPerOrderInRequestOrderAcrossShards) {
  // One kept, one locked and two plain options on each shard, a confirmed
  // order and an unknown id.
  std::vector<OrderId> kept, locked, plain;
  for (uint32_t shard : {0u, 1u}) {
    std::vector<OrderId> on_shard;
    for (const Booked& b : booked_)
      if (b.kind == BookingKind::kOption && order_shard(b.order) == shard) on_shard.push_back(b.order);
    ASSERT_GE(on_shard.size(), 4u);
    kept.push_back(on_shard[0]);
    locked.push_back(on_shard[1]);
    plain.push_back(on_shard[2]);
    plain.push_back(on_shard[3]);
  }
  const Booked& reservation = booked_.back();
  ASSERT_TRUE(one(Confirm{reservation.order, {}}).ok());
  const OrderId unknown = make_order_id(1, 200, 999'999);

  const Reply marked = one(MarkOrders{kept, ReleaseMark::kKeep});
  ASSERT_TRUE(marked.ok()) << marked.message;
  ASSERT_TRUE(outcomes_of(marked));
  EXPECT_EQ(marked.value, 2);
  const Reply lock = one(LockOrders{locked, true});
  ASSERT_TRUE(lock.ok()) << lock.message;

  // Interleave shards and kinds so the merge must restore the request order.
  const std::vector<OrderId> selection = {plain[2],          kept[0],   unknown, locked[1], plain[0],
                                          reservation.order, locked[0], kept[1], plain[3],  plain[1]};
  const Reply r = one(ReleaseOrders{selection});
  ASSERT_TRUE(r.ok()) << r.message;
  const BulkOutcomes* out = outcomes_of(r);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->orders.size(), selection.size());
  const std::vector<Outcome> expected = {
      Outcome::kDone,         Outcome::kSkippedKept,   Outcome::kNotFound,    Outcome::kSkippedLocked, Outcome::kDone,
      Outcome::kSkippedState, Outcome::kSkippedLocked, Outcome::kSkippedKept, Outcome::kDone,          Outcome::kDone};
  for (size_t i = 0; i < selection.size(); ++i) {
    EXPECT_EQ(out->orders[i].order, selection[i]) << i;
    EXPECT_EQ(out->orders[i].outcome, expected[i]) << i << ": " << outcome_name(out->orders[i].outcome);
  }
  EXPECT_EQ(out->orders[0].state, OrderState::kReleased);
  EXPECT_EQ(out->orders[5].state, OrderState::kConfirmed);
  EXPECT_EQ(out->orders[1].state, OrderState::kOption);
  EXPECT_EQ(r.value, 4) << "released";
  EXPECT_EQ(one(GetOrder{plain[0]}).state, OrderState::kReleased);
  EXPECT_EQ(one(GetOrder{kept[0]}).state, OrderState::kOption);
}

TEST_F(FollowUpServer, ReleaseAllDoesWhatThePreviewSaidBeyondTheFirstPage) {
  std::vector<OrderId> kept, locked;
  for (size_t i = 0; i < booked_.size() && locked.size() < 6; ++i) {
    if (booked_[i].kind != BookingKind::kOption) continue;
    (i % 2 == 0 ? kept : locked).push_back(booked_[i].order);
  }
  ASSERT_TRUE(one(MarkOrders{kept, ReleaseMark::kKeep}).ok());
  ASSERT_TRUE(one(LockOrders{locked, true}).ok());

  const FollowUpFilter f = all_options();
  const Reply preview = one(PreviewRelease{f});
  const ReleaseSummary* forecast = summary_of(preview);
  ASSERT_TRUE(preview.ok() && forecast) << preview.message;
  EXPECT_EQ(forecast->kept, kept.size());
  EXPECT_EQ(forecast->locked, locked.size());
  EXPECT_EQ(forecast->released, kOptions - kept.size() - locked.size());
  EXPECT_GT(forecast->released, kFollowUpRowsMax) << "ReleaseAll goes beyond the first page";
  EXPECT_EQ(query(f).detail != nullptr, true) << "the preview changed nothing";
  EXPECT_EQ(page_of(query(f))->total, kOptions);

  const Reply done = one(ReleaseAll{f});
  const ReleaseSummary* summary = summary_of(done);
  ASSERT_TRUE(done.ok() && summary) << done.message;
  EXPECT_TRUE(testing::deep_equal(*forecast, *summary))
      << "released " << summary->released << " vs forecast " << forecast->released;
  uint64_t stock_orders = 0;
  for (const ReleasedStock& s : summary->stock) stock_orders += s.orders;
  EXPECT_EQ(stock_orders, summary->released) << "one line per order";

  // What remains: the kept and the locked options; the reservations are untouched.
  uint64_t total = 0;
  const std::vector<FollowUpRow> rows = all_pages(f, kFollowUpRowsMax, &total);
  std::set<OrderId> left, want(kept.begin(), kept.end());
  want.insert(locked.begin(), locked.end());
  for (const FollowUpRow& row : rows) left.insert(row.order);
  EXPECT_EQ(left, want);
  FollowUpFilter reservations = f;
  reservations.kind = BookingKind::kReservation;
  EXPECT_EQ(page_of(query(reservations))->total, kReservations);
  const Reply again = one(ReleaseAll{f});
  ASSERT_TRUE(summary_of(again));
  EXPECT_EQ(summary_of(again)->released, 0u) << "nothing left to release";
}

TEST_F(FollowUpServer, WebshopTokenIsRefusedTheFollowUpCommands) {
  auto shop = connect_client(*app_, testing::kWebshopToken);
  ASSERT_TRUE(shop);
  const OrderId order = booked_.front().order;
  const std::vector<CommandBody> refused = {QueryFollowUp{all_options(), {}, 10},
                                            PreviewRelease{all_options()},
                                            ReleaseAll{all_options()},
                                            MarkOrders{{order}, ReleaseMark::kKeep},
                                            LockOrders{{order}, true},
                                            ReleaseOrders{{order}},
                                            SetOrderFile{order, 5},
                                            DefineContact{9, 9, "X", "", "", kContactIndividual}};
  for (const CommandBody& c : refused) EXPECT_EQ(one(c, shop.get()).code, kForbidden) << command_name(c);
  EXPECT_EQ(one(GetOrder{order}, shop.get()).code, kForbidden) << "a web shop names an order with its hold token";
  EXPECT_EQ(one(GetOrder{order}).state, OrderState::kOption) << "nothing was applied";
  EXPECT_EQ(page_of(query(all_options()))->total, kOptions);
}

}  // namespace
}  // namespace tessera::net
