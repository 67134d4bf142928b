// Invoicing on one shard (shard 0 of 1 holds both the order and the
// register): the three steps of numbering (freeze, number, note), numbers
// gap-free per kind and year and never given twice, the lock an invoice
// puts on the order, credit notes, refusals that change nothing, and the
// register and a pending document across a snapshot.
#include <gtest/gtest.h>

#include "engine/invoice_register.h"
#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"

// A namespace of its own: unity builds compile this file with the other
// order tests, whose anonymous namespaces hold the same helper names.
namespace tessera::engine::invoice_test {
namespace {

constexpr PrincipalId kClerk = 14;

class OrderInvoicesTest : public ShardTest {
 protected:
  Reply as_clerk(CommandBody body) { return run_as(kClerk, std::move(body)); }
  // A confirmed order of `units` of category 1 (60.00 each).
  OrderId confirmed(uint32_t units = 2) { return confirmed_by(kClerk, units); }
  static const InvoiceDocument& document(const Reply& r) {
    static const InvoiceDocument kNone{};
    const auto* list = r.detail ? std::get_if<Invoices>(&r.detail->value) : nullptr;
    return list && !list->documents.empty() ? list->documents.front() : kNone;
  }
  // Steps 2 and 3 as the server runs them, in `year`: the numbered document.
  InvoiceDocument number(const Reply& frozen, uint32_t year = 2026) {
    EXPECT_TRUE(frozen.ok()) << frozen.message;
    InvoiceDocument d = document(frozen);
    d.year = year;
    const Reply numbered = run_as(d.principal, RecordInvoice{d});
    EXPECT_TRUE(numbered.ok()) << numbered.message;
    const InvoiceDocument& n = document(numbered);
    const Reply noted = run(NoteInvoice{n.order, n.attempt, n.kind, n.year, n.number});
    EXPECT_TRUE(noted.ok()) << noted.message;
    return n;
  }
  void expect_refused(CommandBody body, ReplyCode code, std::string_view says = {}) {
    expect_refused_as(kClerk, std::move(body), code, says);
  }
};

TEST_F(OrderInvoicesTest, AnInvoiceFreezesTheOrdersLinesAndSums_ThenIsNumberedAndNoted) {
  const OrderId id = confirmed(2);
  ASSERT_TRUE(as_clerk(SetCashDiscount{id, 1500}).ok());
  now_ += kMinute;
  const Reply frozen = as_clerk(IssueInvoice{id});
  ASSERT_TRUE(frozen.ok()) << frozen.message;
  const InvoiceDocument& draft = document(frozen);
  EXPECT_EQ(draft.kind, InvoiceKind::kInvoice);
  EXPECT_EQ(draft.number, 0u) << "not numbered by the order's shard";
  EXPECT_EQ(draft.order, id);
  EXPECT_EQ(draft.attempt, 1u);
  EXPECT_EQ(draft.issued_ms, now_);
  EXPECT_EQ(draft.principal, kClerk);
  ASSERT_EQ(draft.lines.size(), 1u);
  EXPECT_EQ(draft.lines[0].quantity, 2u);
  EXPECT_EQ(draft.lines[0].unit_cents, 6000);
  EXPECT_EQ(draft.lines[0].amount_cents, 12000);
  EXPECT_NE(draft.lines[0].starts_ms, 0);
  EXPECT_FALSE(draft.lines[0].label.empty());
  EXPECT_EQ(draft.package_cents, 12000);
  EXPECT_EQ(draft.cash_discount_cents, 1500);
  EXPECT_EQ(draft.total_cents, 10500);
  OrderRecord rec = record(id);
  EXPECT_TRUE(rec.invoice_pending);
  EXPECT_FALSE(rec.invoiced);
  EXPECT_EQ(shard_.pending_documents().size(), 1u);

  // Asked again while pending: the same document (a retry), nothing new.
  const uint64_t before = shard_.state_hash();
  const Reply again = as_clerk(IssueInvoice{id});
  EXPECT_EQ(document(again), draft);
  EXPECT_EQ(shard_.state_hash(), before);

  const InvoiceDocument n = number(frozen);
  EXPECT_EQ(n.year, 2026u);
  EXPECT_EQ(n.number, 1u);
  rec = record(id);
  EXPECT_TRUE(rec.invoiced);
  EXPECT_FALSE(rec.invoice_pending);
  ASSERT_EQ(rec.invoices.size(), 1u);
  EXPECT_EQ(rec.invoices[0], (InvoiceRef{InvoiceKind::kInvoice, 2026, 1, 1, draft.issued_ms, 10500}));
  EXPECT_EQ(rec.workflow.back().action, WorkflowAction::kInvoicing);
  EXPECT_EQ(rec.workflow.back().detail, "invoice 2026-1 issued");
  EXPECT_EQ(rec.workflow.back().principal, kClerk);
  EXPECT_TRUE(shard_.pending_documents().empty());

  // The register: the same (order, attempt) again gives the same number and changes nothing.
  InvoiceDocument repeat = draft;
  repeat.year = 2026;
  const uint64_t numbered = shard_.state_hash();
  const Reply twice = run(RecordInvoice{repeat});
  ASSERT_TRUE(twice.ok()) << twice.message;
  EXPECT_EQ(document(twice).number, 1u);
  EXPECT_TRUE(run(NoteInvoice{id, 1, InvoiceKind::kInvoice, 2026, 1}).ok()) << "noted again: nothing changes";
  EXPECT_EQ(shard_.state_hash(), numbered);
}

TEST_F(OrderInvoicesTest, AnInvoicedOrderIsLockedUntilACreditNoteCancelsIt_ThenInvoicedAgainUnderTheNextNumber) {
  const OrderId id = confirmed(3);
  const InvoiceDocument first = number(as_clerk(IssueInvoice{id}));
  ASSERT_EQ(first.number, 1u);
  expect_refused(SetCashDiscount{id, 100}, ReplyCode::kInvalidState, "de-invoiced");
  expect_refused(Cancel{id}, ReplyCode::kInvalidState, "de-invoiced");
  expect_refused(IssueInvoice{id}, ReplyCode::kDuplicate, "invoice 2026-1");
  EXPECT_TRUE(as_clerk(AddPayment{id, PaymentMode::kCard, 5000, 0, kNone, kNone, {}, {}, {}}).ok())
      << "payments are not the invoice: they go on";

  expect_refused(CancelInvoice{id, ""}, ReplyCode::kInvalidArgument, "reason");
  const Reply frozen = as_clerk(CancelInvoice{id, "séjour modifié"});
  ASSERT_TRUE(frozen.ok()) << frozen.message;
  const InvoiceDocument& note = document(frozen);
  EXPECT_EQ(note.kind, InvoiceKind::kCreditNote);
  EXPECT_EQ(note.cancels_year, 2026u);
  EXPECT_EQ(note.cancels_number, 1u);
  EXPECT_EQ(note.total_cents, 18000);
  EXPECT_EQ(note.package_cents, 18000);
  ASSERT_EQ(note.lines.size(), 1u) << "the invoice's lines again";
  EXPECT_EQ(note.lines[0].quantity, 3u);
  EXPECT_EQ(note.paid_cents, 5000);
  EXPECT_EQ(note.reason, "séjour modifié");
  expect_refused(SetCashDiscount{id, 100}, ReplyCode::kBusy, "being numbered");
  expect_refused(IssueInvoice{id}, ReplyCode::kBusy, "credit note");
  const InvoiceDocument credit = number(frozen);
  EXPECT_EQ(credit.number, 1u) << "credit notes have their own sequence";
  OrderRecord rec = record(id);
  EXPECT_FALSE(rec.invoiced);
  EXPECT_EQ(rec.workflow.back().detail, "credit note 2026-1 issued (de-invoiced)");
  expect_refused(CancelInvoice{id, "again"}, ReplyCode::kInvalidState, "not invoiced");

  // Changed, then invoiced again: the next invoice number, the new total.
  ASSERT_TRUE(as_clerk(SetCashDiscount{id, 2000}).ok());
  const InvoiceDocument second = number(as_clerk(IssueInvoice{id}));
  EXPECT_EQ(second.number, 2u);
  EXPECT_EQ(second.attempt, 3u);
  EXPECT_EQ(second.total_cents, 16000);
  rec = record(id);
  EXPECT_TRUE(rec.invoiced);
  ASSERT_EQ(rec.invoices.size(), 3u);
  EXPECT_EQ(rec.invoices[1].kind, InvoiceKind::kCreditNote);
}

TEST_F(OrderInvoicesTest, NumbersAreGapFreePerKindAndYear_InTheOrderTheRegisterRecordsThem) {
  std::vector<Reply> frozen;
  for (int i = 0; i < 6; ++i) frozen.push_back(as_clerk(IssueInvoice{confirmed(1)}));
  // Recorded in another order than frozen, two of them in the next year.
  const uint32_t years[] = {2026, 2026, 2027, 2026, 2027, 2026};
  const size_t order[] = {3, 0, 5, 1, 4, 2};
  std::vector<uint32_t> got;
  for (size_t i : order) got.push_back(number(frozen[i], years[i]).number);
  EXPECT_EQ(got, (std::vector<uint32_t>{1, 2, 3, 4, 1, 2}));

  const Reply page = run(ListInvoices{InvoiceKind::kInvoice, 2026, OrderId{0}, 1, 2});
  ASSERT_TRUE(page.ok()) << page.message;
  const Invoices& list = std::get<Invoices>(page.detail->value);
  EXPECT_EQ(list.total, 3u) << "numbers after 1 in 2026";
  ASSERT_EQ(list.documents.size(), 2u);
  EXPECT_EQ(list.documents[0].number, 2u);
  EXPECT_EQ(list.documents[1].number, 3u);
  const Reply all = run(ListInvoices{InvoiceKind::kInvoice, 0, OrderId{0}, 0, 0});
  EXPECT_EQ(std::get<Invoices>(all.detail->value).total, 6u);
  const Reply none = run(ListInvoices{InvoiceKind::kCreditNote, 0, OrderId{0}, 0, 0});
  EXPECT_EQ(std::get<Invoices>(none.detail->value).total, 0u);
  const Reply one = run(RenderInvoice{InvoiceKind::kInvoice, 2027, 2});
  ASSERT_TRUE(one.ok()) << one.message;
  EXPECT_EQ(document(one).order, document(frozen[2]).order) << "the second recorded in 2027";
  EXPECT_EQ(run(RenderInvoice{InvoiceKind::kInvoice, 2027, 3}).code, ReplyCode::kNotFound);
}

TEST_F(OrderInvoicesTest, BadInputIsRefusedAndChangesNothing) {
  const Reply option = book(kPerfRelease, 1, 1, kT0 + 10 * kDay);
  expect_refused(IssueInvoice{option.order}, ReplyCode::kInvalidState, "validated");
  expect_refused(IssueInvoice{OrderId{12345}}, ReplyCode::kNotFound);
  expect_refused(CancelInvoice{option.order, "x"}, ReplyCode::kInvalidState, "not invoiced");
  const OrderId id = confirmed(1);
  const Reply frozen = as_clerk(IssueInvoice{id});
  InvoiceDocument d = document(frozen);
  expect_refused(NoteInvoice{id, 2, InvoiceKind::kInvoice, 2026, 1}, ReplyCode::kNotFound);
  expect_refused(NoteInvoice{id, 1, InvoiceKind::kCreditNote, 2026, 1}, ReplyCode::kNotFound);
  expect_refused(NoteInvoice{id, 1, InvoiceKind::kInvoice, 2026, 0}, ReplyCode::kInvalidArgument);
  d.year = 0;
  expect_refused(RecordInvoice{d}, ReplyCode::kInvalidArgument, "year");
  d.year = 2026;
  d.total_cents += 1;
  expect_refused(RecordInvoice{d}, ReplyCode::kInvalidArgument, "total");
  d.total_cents -= 1;
  d.lines[0].amount_cents += 1;
  expect_refused(RecordInvoice{d}, ReplyCode::kInvalidArgument, "quantity");
  d.lines[0].amount_cents -= 1;
  d.number = 7;
  expect_refused(RecordInvoice{d}, ReplyCode::kInvalidArgument, "no number");
  d.number = 0;
  d.billed_to.assign(kInvoiceTextMax + 1, 'x');
  expect_refused(RecordInvoice{d}, ReplyCode::kLimitExceeded);
  expect_refused(ListInvoices{InvoiceKind::kInvoice, 0, OrderId{0}, 0, kInvoicesPageMax + 1},
                 ReplyCode::kLimitExceeded);
  expect_refused(ListInvoices{static_cast<InvoiceKind>(9), 0, OrderId{0}, 0, 0}, ReplyCode::kInvalidArgument);
}

TEST_F(OrderInvoicesTest, TheRegisterAndAPendingDocumentSurviveASnapshot) {
  const OrderId a = confirmed(1), b = confirmed(2);
  number(as_clerk(IssueInvoice{a}));
  const Reply pending = as_clerk(IssueInvoice{b});
  ASSERT_TRUE(pending.ok());
  std::string bytes;
  shard_.save(&bytes);
  Result<std::unique_ptr<Shard>> loaded = Shard::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  Shard& copy = **loaded;
  EXPECT_EQ(copy.state_hash(), shard_.state_hash());
  ASSERT_EQ(copy.pending_documents().size(), 1u);
  EXPECT_EQ(copy.pending_documents()[0], document(pending));
  // The loaded register goes on where it was: the pending one is 2.
  InvoiceDocument d = document(pending);
  d.year = 2026;
  const Reply numbered = copy.apply(Command{0, RecordInvoice{d}}, now_);
  ASSERT_TRUE(numbered.ok()) << numbered.message;
  EXPECT_EQ(document(numbered).number, 2u);
  EXPECT_TRUE(copy.check_invariants().is_ok());
}

}  // namespace
}  // namespace tessera::engine::invoice_test
