// Automatic invoicing on departure (engine/auto_invoicing.h) on one shard:
// which orders get an invoice when their first performance starts, the
// invoice frozen by the system and listed for the server's pump, an order
// validated late, what a de-invoiced or hand-invoiced order keeps, and a
// sweep cut by a snapshot finishing the same.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"
#include "workload/demo_venue.h"

namespace tessera::engine::auto_invoice_test {
namespace {

constexpr PerformanceId kSoon = 9001, kLater = 9002, kOther = 9003, kGrace = 9004;
constexpr int64_t kSoonStart = kT0 + 2 * kDay, kLaterStart = kT0 + 10 * kDay;
constexpr PrincipalId kClerk = 14;

class AutoInvoicingTest : public ShardTest {
 protected:
  AutoInvoicingTest() {
    for (auto [p, product, start] : {std::tuple{kSoon, workload::kProductRelease, kSoonStart},
                                     std::tuple{kLater, workload::kProductRelease, kLaterStart},
                                     std::tuple{kOther, workload::kProductKeep, kSoonStart},
                                     std::tuple{kGrace, workload::kProductOverdue, kSoonStart}}) {
      must_apply(Command{0, DefinePerformance{p, product, start, 0, 4}});
      for (uint32_t c = 1; c <= 2; ++c) must_apply(Command{0, SetGeneralAdmission{p, c, 5'000}});
    }
  }
  // An order with one line per performance given (its product is the
  // first's), confirmed unless `confirm` is false (then an option until the
  // first performance's start).
  OrderId order(std::vector<PerformanceId> on, bool confirm = true, ContactId contact = 7) {
    Hold h{contact, workload::kWeb, {}, 10 * kMinute};
    for (PerformanceId p : on) h.lines.push_back(workload::demo_line(p, product_of(p), 1, 1));
    const Reply held = run(h);
    EXPECT_TRUE(held.ok()) << held.message;
    const Reply next =
        confirm ? run(Confirm{held.order, {}}) : run(ConvertHold{held.order, BookingKind::kOption, kSoonStart});
    EXPECT_TRUE(next.ok()) << next.message;
    return held.order;
  }
  static ProductId product_of(PerformanceId p) {
    return p == kOther ? workload::kProductKeep : p == kGrace ? workload::kProductOverdue : workload::kProductRelease;
  }
  // What GetAutoInvoices lists: the orders whose invoice waits for the pump.
  std::vector<OrderId> waiting(uint32_t* total = nullptr) {
    const Reply r = run(GetAutoInvoices{0});
    EXPECT_TRUE(r.ok()) << r.message;
    std::vector<OrderId> out;
    const auto& list = std::get<Invoices>(r.detail->value);
    for (const InvoiceDocument& d : list.documents) {
      EXPECT_EQ(d.principal, kSystem);
      EXPECT_EQ(d.kind, InvoiceKind::kInvoice);
      EXPECT_EQ(d.number, 0u);
      out.push_back(d.order);
    }
    if (total) *total = list.total;
    return out;
  }
  // Steps 2 and 3 as the server's pump runs them.
  void number_all() {
    uint32_t n = 0;
    for (const OrderId id : waiting()) {
      const Reply page = run(GetAutoInvoices{0});
      const auto& docs = std::get<Invoices>(page.detail->value).documents;
      const auto d = std::find_if(docs.begin(), docs.end(), [&](const InvoiceDocument& x) { return x.order == id; });
      ASSERT_NE(d, docs.end());
      InvoiceDocument numbered = *d;
      numbered.year = 2026;
      const Reply r = run(RecordInvoice{numbered});
      ASSERT_TRUE(r.ok()) << r.message;
      const InvoiceDocument& got = std::get<Invoices>(r.detail->value).documents.front();
      EXPECT_EQ(got.number, ++n + numbered_before_);
      ASSERT_TRUE(run(NoteInvoice{got.order, got.attempt, got.kind, got.year, got.number}).ok());
    }
    numbered_before_ += n;
  }
  uint32_t numbered_before_ = 0;
};

TEST_F(AutoInvoicingTest, WithoutARuleNothingIsInvoiced_EnablingOneInvoicesTheDepartedOrdersAtOnce) {
  const OrderId departed = order({kSoon});
  now_ = kSoonStart + kHour;
  const uint64_t before = shard_.state_hash();
  EXPECT_EQ(shard_.advance(now_, 1'000), 0u) << "no rule: nothing to do, nothing logged";
  EXPECT_EQ(shard_.state_hash(), before);
  EXPECT_TRUE(waiting().empty());

  ASSERT_TRUE(run(SetAutoInvoicing{kNone, true}).ok());
  advance_to(now_);
  EXPECT_EQ(waiting(), std::vector<OrderId>{departed});
  const OrderRecord rec = record(departed);
  EXPECT_TRUE(rec.invoice_pending);
  EXPECT_FALSE(rec.invoiced);
}

TEST_F(AutoInvoicingTest, OnDepartureValidatedOrdersNobodyInvoicedGetAnInvoiceFromTheSystem) {
  ASSERT_TRUE(run(SetAutoInvoicing{kNone, true}).ok());
  ASSERT_TRUE(run(SetAutoInvoicing{workload::kProductKeep, false}).ok());
  const OrderId soon = order({kSoon});
  const OrderId later = order({kLater});
  const OrderId option = order({kSoon}, false);
  const OrderId both = order({kLater, kSoon});  // departs with its earliest performance
  const OrderId other = order({kOther});        // its product's rule is off
  const OrderId by_hand = order({kSoon});
  ASSERT_TRUE(run_as(kClerk, IssueInvoice{by_hand}).ok());
  EXPECT_TRUE(waiting().empty()) << "issued by hand: the request numbers it, not the pump";
  {
    const Reply r = run(RecordInvoice{[&] {
      InvoiceDocument d = std::get<Invoices>(run_as(kClerk, IssueInvoice{by_hand}).detail->value).documents.front();
      d.year = 2026;
      return d;
    }()});
    ASSERT_TRUE(r.ok()) << r.message;
    const InvoiceDocument& n = std::get<Invoices>(r.detail->value).documents.front();
    ASSERT_TRUE(run(NoteInvoice{n.order, n.attempt, n.kind, n.year, n.number}).ok());
    numbered_before_ = n.number;
  }

  advance_to(kSoonStart - 1);
  EXPECT_TRUE(waiting().empty()) << "nobody departed yet";
  advance_to(kSoonStart);
  std::vector<OrderId> got = waiting();
  std::sort(got.begin(), got.end());
  std::vector<OrderId> want{soon, both};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
  EXPECT_FALSE(record(option).invoice_pending) << "an option is not invoiced";
  EXPECT_FALSE(record(other).invoice_pending) << "its product's rule is off";
  EXPECT_FALSE(record(later).invoice_pending) << "not departed";
  EXPECT_EQ(record(by_hand).invoices.size(), 1u) << "invoiced by hand: not again";

  // A retry of IssueInvoice meanwhile answers the same frozen document.
  const Reply retry = run_as(kClerk, IssueInvoice{soon});
  ASSERT_TRUE(retry.ok()) << retry.message;
  EXPECT_EQ(std::get<Invoices>(retry.detail->value).documents.front().principal, kSystem);

  number_all();
  EXPECT_TRUE(waiting().empty());
  const OrderRecord rec = record(soon);
  EXPECT_TRUE(rec.invoiced);
  ASSERT_FALSE(rec.workflow.empty());
  EXPECT_EQ(rec.workflow.back().action, WorkflowAction::kInvoicing);
  EXPECT_EQ(rec.workflow.back().principal, kSystem) << "the workflow names the system";

  advance_to(kLaterStart);
  EXPECT_EQ(waiting(), std::vector<OrderId>{later});
  advance_to(kLaterStart + kDay);
  EXPECT_EQ(waiting(), std::vector<OrderId>{later}) << "each order once";
}

TEST_F(AutoInvoicingTest, AnOrderValidatedAfterItsDepartureIsInvoicedByItsValidation) {
  ASSERT_TRUE(run(SetAutoInvoicing{kNone, true}).ok());
  const OrderId late = order({kGrace}, false);  // its product keeps a lapsed option a day ("annulable")
  advance_to(kSoonStart + kHour);
  ASSERT_EQ(state(late), OrderState::kOverdue);
  EXPECT_TRUE(waiting().empty());
  ASSERT_TRUE(run(Confirm{late, {}}).ok());
  EXPECT_EQ(waiting(), std::vector<OrderId>{late});
}

TEST_F(AutoInvoicingTest, ADeInvoicedOrderIsTheOperatorsToInvoiceAgain) {
  ASSERT_TRUE(run(SetAutoInvoicing{kNone, true}).ok());
  const OrderId id = order({kSoon});
  for (CommandBody step : {CommandBody{IssueInvoice{id}}, CommandBody{CancelInvoice{id, "erreur de tarif"}}}) {
    InvoiceDocument d = std::get<Invoices>(run_as(kClerk, step).detail->value).documents.front();
    d.year = 2026;
    const Reply r = run(RecordInvoice{d});
    ASSERT_TRUE(r.ok()) << r.message;
    const InvoiceDocument& n = std::get<Invoices>(r.detail->value).documents.front();
    ASSERT_TRUE(run(NoteInvoice{n.order, n.attempt, n.kind, n.year, n.number}).ok());
  }
  advance_to(kSoonStart + kHour);
  EXPECT_TRUE(waiting().empty());
  EXPECT_FALSE(record(id).invoiced);
}

TEST_F(AutoInvoicingTest, ASweepCutByASnapshotFinishesTheSame_TheRulesSurviveIt) {
  ASSERT_TRUE(run(SetAutoInvoicing{kNone, true}).ok());
  for (uint32_t i = 0; i < 2'500; ++i) order({kSoon}, true, ContactId{100 + i});
  const OrderId late = order({kGrace}, false);
  now_ = kSoonStart;
  ASSERT_EQ(shard_.advance(now_, 1'000), 1'000u) << "one slice invoices at most the budget";
  const std::unique_ptr<Shard> loaded = reloaded(shard_);
  ASSERT_TRUE(loaded);
  Shard& copy = *loaded;
  EXPECT_EQ(copy.state_hash(), shard_.state_hash());
  for (Shard* s : {&shard_, &copy}) {
    while (s->advance(now_, 1'000) > 0) {
    }
    EXPECT_TRUE(s->check_invariants().is_ok());
    const Reply r = s->apply(Command{0, GetAutoInvoices{0}}, now_);
    EXPECT_EQ(r.value, 2'500) << "every departed order waits for its number, the loaded shard's too";
  }
  EXPECT_EQ(copy.state_hash(), shard_.state_hash()) << "the loaded shard swept exactly as the original";
  // The rule came with the snapshot: a late validation on the copy is invoiced.
  const Reply confirmed = copy.apply(Command{0, Confirm{late, {}}}, now_);
  ASSERT_TRUE(confirmed.ok()) << confirmed.message;
  EXPECT_EQ(copy.apply(Command{0, GetAutoInvoices{0}}, now_).value, 2'501);
}

TEST_F(AutoInvoicingTest, ASweepOverMoreSlotsThanASliceReachesTheLastOrder_ThenStops) {
  ASSERT_TRUE(run(SetGeneralAdmission{kSoon, 1, 20'000}).ok());
  ASSERT_TRUE(run(SetAutoInvoicing{kNone, true}).ok());
  const uint32_t orders = kAutoInvoiceSlotsPerSlice + 1'000;
  // Applied directly, the invariants checked once after: run() rechecks the
  // whole shard after each command, quadratic here (161 s under ASan).
  for (uint32_t i = 0; i < orders; ++i) {
    Hold h{ContactId{100 + i}, workload::kWeb, {workload::demo_line(kSoon, product_of(kSoon), 1, 1)}, 10 * kMinute};
    const Reply held = shard_.apply(Command{0, std::move(h)}, now_);
    ASSERT_TRUE(held.ok()) << held.message;
    ASSERT_TRUE(shard_.apply(Command{0, Confirm{held.order, {}}}, now_).ok());
  }
  ASSERT_TRUE(shard_.check_invariants().is_ok());
  now_ = kSoonStart;
  uint32_t slices = 0;
  while (shard_.advance(now_, 1'000) > 0) ASSERT_LT(++slices, 1'000u) << "the sweep never ends";
  EXPECT_EQ(run(GetAutoInvoices{0}).value, orders) << "the orders past the first slice too";
  EXPECT_EQ(shard_.advance(now_ + kMinute, 1'000), 0u) << "swept: nothing more to do, nothing logged";
}

TEST_F(AutoInvoicingTest, ARuleForAnUnknownProductIsRefused_AndChangesNothing) {
  expect_refused_as(0, SetAutoInvoicing{ProductId{99}, true}, ReplyCode::kNotFound, "product 99");
}

}  // namespace
}  // namespace tessera::engine::auto_invoice_test
