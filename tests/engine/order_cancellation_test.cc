// Cancelling a validated order on one shard (shard 0 of 1 holds the order
// and the invoice register): the fee of the product's scale to the cent,
// the documents frozen (credit note, cancellation invoice, commission
// invoice) and numbered, the stock returning, what is owed afterwards, the
// refusals that change nothing, and a snapshot in the middle.
#include <gtest/gtest.h>

#include "engine/limits.h"
#include "engine/order_money.h"
#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"

// A namespace of its own: unity builds compile this file with the other
// order tests, whose anonymous namespaces hold the same helper names.
namespace tessera::engine::cancellation_test {
namespace {

constexpr PrincipalId kClerk = 14;
// The demo performances start 40 days after the tests' clock starts.
constexpr int64_t kStart = kT0 + 40 * kDay;
const std::vector<CancellationStep> kScale = {{30, 10}, {15, 25}, {3, 50}, {0, 100}};
constexpr const char* kOrganiser = "Voyages Lumière\n12 quai du Port\n13002 Marseille";

workload::DemoVenue starting_soon() {
  workload::DemoVenue v;
  v.starts_at_ms = kStart;
  return v;
}

class OrderCancellationTest : public ShardTest {
 protected:
  OrderCancellationTest() : ShardTest(starting_soon()) {}

  Reply as_clerk(CommandBody body) { return run_as(kClerk, std::move(body)); }
  // A confirmed order of `units` of category 1 (60.00 each).
  OrderId confirmed(uint32_t units = 2) { return confirmed_by(kClerk, units); }
  static std::vector<InvoiceDocument> documents(const Reply& r) {
    const auto* list = r.detail ? std::get_if<Invoices>(&r.detail->value) : nullptr;
    return list ? list->documents : std::vector<InvoiceDocument>{};
  }
  // Steps 2 and 3 as the server runs them, for each frozen document in turn.
  std::vector<InvoiceDocument> number_all(const Reply& frozen) {
    EXPECT_TRUE(frozen.ok()) << frozen.message;
    std::vector<InvoiceDocument> out;
    for (InvoiceDocument d : documents(frozen)) {
      d.year = 2026;
      const Reply numbered = run_as(d.principal, RecordInvoice{d});
      EXPECT_TRUE(numbered.ok()) << numbered.message;
      const InvoiceDocument n = documents(numbered).at(0);
      const Reply noted = run(NoteInvoice{n.order, n.attempt, n.kind, n.year, n.number});
      EXPECT_TRUE(noted.ok()) << noted.message;
      out.push_back(n);
    }
    return out;
  }
  void expect_refused(CommandBody body, ReplyCode code, std::string_view says = {}) {
    expect_refused_as(kClerk, std::move(body), code, says);
  }
  void set_terms(std::vector<CancellationStep> scale, uint32_t commission = 0, std::string organiser = {}) {
    const Reply r = run(SetCancellationTerms{workload::kProductRelease, std::move(scale), commission, organiser});
    ASSERT_TRUE(r.ok()) << r.message;
  }
};

TEST(CancellationFee, TheScalesFirstStepWithFewerDaysApplies_RoundedHalfUpToTheCent) {
  EXPECT_EQ(cancellation_percent(kScale, 45), 10u);
  EXPECT_EQ(cancellation_percent(kScale, 30), 10u) << "30 days or more: the 30-day step";
  EXPECT_EQ(cancellation_percent(kScale, 29), 25u);
  EXPECT_EQ(cancellation_percent(kScale, 15), 25u);
  EXPECT_EQ(cancellation_percent(kScale, 14), 50u);
  EXPECT_EQ(cancellation_percent(kScale, 3), 50u);
  EXPECT_EQ(cancellation_percent(kScale, 2), 100u);
  EXPECT_EQ(cancellation_percent(kScale, 0), 100u);
  EXPECT_EQ(cancellation_percent({}, 0), 0u) << "no scale: no fee";

  EXPECT_EQ(whole_days_before(kStart, kStart - 20 * kDay - kHour), 20);
  EXPECT_EQ(whole_days_before(kStart, kStart - 20 * kDay + 1), 19) << "a day short of 20 by a millisecond";
  EXPECT_EQ(whole_days_before(kStart, kStart + kHour), 0) << "started: 0";

  EXPECT_EQ(percent_of_cents(10950, 25), 2738) << "27.375 rounds half up";
  EXPECT_EQ(percent_of_cents(10002, 33), 3301);
  EXPECT_EQ(percent_of_cents(10001, 33), 3300);
  EXPECT_EQ(percent_of_cents(12000, 100), 12000);
  EXPECT_EQ(percent_of_cents(12000, 0), 0);
}

TEST_F(OrderCancellationTest, AClientsCancellationBillsTheScalesFee_CreditsTheInvoice_AndOwesTheRestBack) {
  set_terms(kScale);
  const int64_t free_before = available(kPerfRelease, 1);
  const OrderId id = confirmed(2);  // 120.00
  ASSERT_TRUE(as_clerk(SetCashDiscount{id, 1050}).ok());
  ASSERT_TRUE(as_clerk(AddPayment{id, PaymentMode::kCheque, 5000, 0, kNone, kNone, {}, {}, {}}).ok());
  const std::vector<InvoiceDocument> invoice = number_all(as_clerk(IssueInvoice{id}));
  ASSERT_EQ(invoice.size(), 1u);
  EXPECT_EQ(invoice[0].total_cents, 10950);

  advance_to(kStart - 20 * kDay - kHour);  // 20 whole days before: 25 %
  const Reply frozen = as_clerk(CancelValidated{id, CancelledBy::kClient, "raisons de santé"});
  ASSERT_TRUE(frozen.ok()) << frozen.message;
  EXPECT_NE(frozen.message.find("fee 2738 cents (25 %, 20 days"), std::string::npos) << frozen.message;
  const std::vector<InvoiceDocument> draft = documents(frozen);
  ASSERT_EQ(draft.size(), 2u);
  EXPECT_EQ(draft[0].kind, InvoiceKind::kCreditNote);
  EXPECT_EQ(draft[0].cancels_number, invoice[0].number);
  EXPECT_EQ(draft[0].total_cents, 10950);
  ASSERT_EQ(draft[0].lines.size(), 1u);
  EXPECT_EQ(draft[0].lines[0].amount_cents, 12000) << "the credit note repeats the invoice's lines";
  EXPECT_EQ(draft[0].reason, "raisons de santé");
  EXPECT_EQ(draft[1].kind, InvoiceKind::kCancellationInvoice);
  EXPECT_EQ(draft[1].total_cents, 2738) << "25 % of 109.50 = 27.375, half up";
  ASSERT_EQ(draft[1].lines.size(), 1u);
  EXPECT_NE(draft[1].lines[0].label.find("25 % x 109.50 (20 days"), std::string::npos) << draft[1].lines[0].label;
  EXPECT_EQ(draft[1].contact, ContactId{7}) << "billed to the client";
  EXPECT_EQ(draft[1].reason, "raisons de santé");

  EXPECT_EQ(state(id), OrderState::kCancelled);
  EXPECT_EQ(available(kPerfRelease, 1), free_before) << "the stock returned";
  OrderRecord rec = record(id);
  EXPECT_EQ(rec.cancelled_by, CancelledBy::kClient);
  EXPECT_EQ(rec.cancellation_fee_cents, 2738);
  EXPECT_EQ(rec.to_pay_cents, 2738);
  EXPECT_EQ(rec.balance_cents, 2738 - 5000) << "22.62 owed to the client";
  EXPECT_TRUE(rec.fully_paid);
  EXPECT_TRUE(rec.invoice_pending);
  EXPECT_EQ(shard_.pending_documents().size(), 2u);

  const std::vector<InvoiceDocument> numbered = number_all(frozen);
  EXPECT_EQ(numbered[0].number, 1u) << "credit notes have their own sequence";
  EXPECT_EQ(numbered[1].number, 1u) << "so do cancellation invoices";
  rec = record(id);
  EXPECT_FALSE(rec.invoiced);
  EXPECT_FALSE(rec.invoice_pending);
  ASSERT_EQ(rec.invoices.size(), 3u);
  EXPECT_EQ(rec.invoices[2].kind, InvoiceKind::kCancellationInvoice);
  std::vector<std::string> details;
  for (const WorkflowEntry& e : rec.workflow) details.push_back(e.detail);
  EXPECT_NE(std::find(details.begin(), details.end(), "cancelled by the client: fee 2738 cents"), details.end());
  EXPECT_NE(std::find(details.begin(), details.end(), "cancellation invoice 2026-1 issued"), details.end());

  // The refund the balance shows, recorded on the closed order: settled.
  ASSERT_TRUE(as_clerk(AddPayment{id, PaymentMode::kTransfer, -2262, 0, kNone, kNone, {}, {}, "annulation"}).ok());
  rec = record(id);
  EXPECT_EQ(rec.paid_cents, 2738);
  EXPECT_EQ(rec.balance_cents, 0);
  EXPECT_TRUE(shard_.check_invariants().is_ok());
}

TEST_F(OrderCancellationTest, AnOrganisersCancellationOwesNothing_RecordsItAndBillsTheOrganiserItsCommission) {
  set_terms(kScale, 8, kOrganiser);
  const OrderId id = confirmed(2);  // 120.00, not invoiced
  ASSERT_TRUE(as_clerk(AddPayment{id, PaymentMode::kCard, 3000, 0, kNone, kNone, {}, {}, {}}).ok());
  advance_to(kStart - 2 * kDay);  // the client's scale would say 100 %: it does not apply
  const Reply frozen = as_clerk(CancelValidated{id, CancelledBy::kOrganiser, "départ annulé: trop peu d'inscrits"});
  ASSERT_TRUE(frozen.ok()) << frozen.message;
  const std::vector<InvoiceDocument> draft = documents(frozen);
  ASSERT_EQ(draft.size(), 2u) << "no invoice, so no credit note";
  EXPECT_EQ(draft[0].kind, InvoiceKind::kCancellationInvoice);
  EXPECT_EQ(draft[0].total_cents, 0);
  EXPECT_EQ(draft[1].kind, InvoiceKind::kCommissionInvoice);
  EXPECT_EQ(draft[1].total_cents, 960) << "8 % of 120.00";
  EXPECT_EQ(draft[1].contact, kNone) << "billed to the organiser, not the client";
  EXPECT_EQ(draft[1].billed_to, kOrganiser);
  OrderRecord rec = record(id);
  EXPECT_EQ(rec.state, OrderState::kCancelled);
  EXPECT_EQ(rec.cancelled_by, CancelledBy::kOrganiser);
  EXPECT_EQ(rec.to_pay_cents, 0);
  EXPECT_EQ(rec.balance_cents, -3000) << "everything paid is owed back";

  const std::vector<InvoiceDocument> numbered = number_all(frozen);
  EXPECT_EQ(numbered[0].number, 1u);
  EXPECT_EQ(numbered[1].number, 1u);
  EXPECT_EQ(numbered[1].billed_to, kOrganiser);
  EXPECT_EQ(record(id).invoices.size(), 2u);
}

TEST_F(OrderCancellationTest, WithoutTermsOrAFeeNoDocumentIsNeeded) {
  const OrderId id = confirmed(1);
  const Reply r = as_clerk(CancelValidated{id, CancelledBy::kClient, "changement de programme"});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_TRUE(documents(r).empty());
  const OrderRecord rec = record(id);
  EXPECT_EQ(rec.state, OrderState::kCancelled);
  EXPECT_EQ(rec.cancellation_fee_cents, 0);
  EXPECT_FALSE(rec.invoice_pending);
}

TEST_F(OrderCancellationTest, ARetryWhileNumberingAnswersWhatIsLeft_AndBadInputChangesNothing) {
  set_terms(kScale);
  const OrderId id = confirmed(2);
  number_all(as_clerk(IssueInvoice{id}));
  const Reply option = book(kPerfRelease, 1, 1, kT0 + 5 * kDay);
  expect_refused(CancelValidated{option.order, CancelledBy::kClient, "x"}, ReplyCode::kInvalidState, "validated");
  expect_refused(CancelValidated{id, CancelledBy::kClient, ""}, ReplyCode::kInvalidArgument, "reason");
  expect_refused(CancelValidated{id, CancelledBy::kNobody, "x"}, ReplyCode::kInvalidArgument, "client or");
  expect_refused(CancelValidated{id, static_cast<CancelledBy>(9), "x"}, ReplyCode::kInvalidArgument);
  expect_refused(CancelValidated{id, CancelledBy::kClient, std::string(kMoneyTextMax + 1, 'x')},
                 ReplyCode::kLimitExceeded);
  expect_refused(CancelValidated{make_order_id(0, 999, 1), CancelledBy::kClient, "x"}, ReplyCode::kNotFound);

  const Reply frozen = as_clerk(CancelValidated{id, CancelledBy::kClient, "x"});
  ASSERT_EQ(documents(frozen).size(), 2u);
  const uint64_t hash = shard_.state_hash();
  const Reply retry = as_clerk(CancelValidated{id, CancelledBy::kClient, "x"});
  ASSERT_TRUE(retry.ok()) << retry.message;
  EXPECT_EQ(documents(retry), documents(frozen)) << "the same documents, to number";
  EXPECT_EQ(shard_.state_hash(), hash);
  expect_refused(CancelValidated{id, CancelledBy::kOrganiser, "x"}, ReplyCode::kBusy, "being numbered");
  expect_refused(IssueInvoice{id}, ReplyCode::kBusy);
  number_all(frozen);
  expect_refused(CancelValidated{id, CancelledBy::kClient, "x"}, ReplyCode::kDuplicate, "cancelled by the client");
}

TEST_F(OrderCancellationTest, TermsAreChecked) {
  const auto terms = [](std::vector<CancellationStep> scale, uint32_t commission = 0, std::string organiser = {}) {
    return SetCancellationTerms{workload::kProductRelease, std::move(scale), commission, std::move(organiser)};
  };
  expect_refused(terms({{30, 10}, {15, 25}}), ReplyCode::kInvalidArgument, "0 days");
  expect_refused(terms({{0, 100}, {30, 10}}), ReplyCode::kInvalidArgument, "most first");
  expect_refused(terms({{15, 10}, {15, 20}, {0, 100}}), ReplyCode::kInvalidArgument, "most first");
  expect_refused(terms({{0, 101}}), ReplyCode::kInvalidArgument, "percent");
  expect_refused(terms({}, 8), ReplyCode::kInvalidArgument, "organiser");
  expect_refused(terms({}, 0, kOrganiser), ReplyCode::kInvalidArgument, "organiser");
  expect_refused(terms({}, 101, kOrganiser), ReplyCode::kInvalidArgument, "commission_percent");
  expect_refused(SetCancellationTerms{ProductId{99}, {}, 0, {}}, ReplyCode::kNotFound);
  // A product's own terms win over the default.
  ASSERT_TRUE(run(SetCancellationTerms{kNone, {{0, 100}}, 0, {}}).ok());
  ASSERT_TRUE(run(terms({{0, 10}})).ok());
  const OrderId id = confirmed(1);
  const Reply r = as_clerk(CancelValidated{id, CancelledBy::kClient, "x"});
  ASSERT_EQ(documents(r).size(), 1u);
  EXPECT_EQ(documents(r)[0].total_cents, 600) << "10 % of 60.00: the product's own scale";
}

TEST_F(OrderCancellationTest, TermsAndACancellationBeingNumberedSurviveASnapshot) {
  set_terms(kScale, 8, kOrganiser);
  const OrderId id = confirmed(2), other = confirmed(1);
  const Reply frozen = as_clerk(CancelValidated{id, CancelledBy::kOrganiser, "départ annulé"});
  ASSERT_EQ(documents(frozen).size(), 2u);
  std::string bytes;
  shard_.save(&bytes);
  Result<std::unique_ptr<Shard>> loaded = Shard::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  Shard& copy = **loaded;
  EXPECT_EQ(copy.state_hash(), shard_.state_hash());
  EXPECT_EQ(copy.pending_documents(), documents(frozen));
  // The loaded terms still apply.
  const Reply again = copy.apply(Command{0, CancelValidated{other, CancelledBy::kOrganiser, "x"}}, now_);
  ASSERT_EQ(documents(again).size(), 2u) << again.message;
  EXPECT_EQ(documents(again)[1].total_cents, 480);
}

}  // namespace
}  // namespace tessera::engine::cancellation_test
