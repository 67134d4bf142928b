// Invoice numbering across a stop between its steps, on the real RocksDB
// log (engine/commands_invoices.h): a document frozen on the order's shard
// but not numbered is numbered by the next start; a document numbered by
// the register but not noted on its order is noted under the same number
// (no repeat) and the register goes on without a gap; a cancellation's
// documents left half numbered are completed.
#include <gtest/gtest.h>

#include "engine/reply_detail.h"
#include "tests/storage/money_engine_fixture.h"

namespace tessera::storage::invoice_recovery_test {
namespace {

using namespace tessera::engine;

const InvoiceDocument& document(const Reply& r) {
  static const InvoiceDocument kNone{};
  const auto* list = r.ok() && r.detail ? std::get_if<Invoices>(&r.detail->value) : nullptr;
  return list && !list->documents.empty() ? list->documents.front() : kNone;
}

class InvoiceRecovery : public MoneyEngineTest {
 protected:
  OrderId confirmed(DurableEngine& e, PerformanceId performance) {
    const Reply r = e.shards->call(Command{0, Book{BookingKind::kOption,
                                                   7,
                                                   workload::kBoxOffice,
                                                   {workload::demo_line(performance, workload::kProductRelease, 1, 2)},
                                                   clock_.now_ms() + 5 * kDay}});
    EXPECT_TRUE(r.ok()) << r.message;
    EXPECT_TRUE(e.shards->call(Command{0, Confirm{r.order, {}}}).ok());
    return r.order;
  }
  std::vector<InvoiceDocument> register_of(DurableEngine& e) {
    const Reply r = e.shards->call(Command{0, ListInvoices{InvoiceKind::kInvoice, 0, OrderId{0}, 0, 0}});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? std::get<Invoices>(r.detail->value).documents : std::vector<InvoiceDocument>{};
  }
  // The whole chain, as the server runs it after IssueInvoice.
  InvoiceDocument issue(DurableEngine& e, OrderId id) {
    const Reply frozen = e.shards->call(Command{0, IssueInvoice{id}});
    EXPECT_TRUE(frozen.ok()) << frozen.message;
    runtime::WaitableCompletion done;
    e.shards->number_document(document(frozen), &done);
    const Reply& numbered = done.wait();
    EXPECT_TRUE(numbered.ok()) << numbered.message;
    return document(numbered);
  }
};

TEST_F(InvoiceRecovery, ADocumentFrozenButNotNumberedIsNumberedByTheNextStart) {
  OrderId first, second;
  {
    DurableEngine e = open();
    load_demo(e);
    first = confirmed(e, 1000);
    second = confirmed(e, 1001);
    EXPECT_EQ(issue(e, first).number, 1u);
    // Step 1 only: the stop comes before the server numbers it.
    ASSERT_TRUE(e.shards->call(Command{0, IssueInvoice{second}}).ok());
    EXPECT_TRUE(record(e, second).invoice_pending);
  }
  DurableEngine e = open();
  const OrderRecord r = record(e, second);
  EXPECT_FALSE(r.invoice_pending);
  ASSERT_TRUE(r.invoiced) << "the start numbered and noted the frozen document";
  EXPECT_EQ(r.invoices.back().number, 2u);
  const std::vector<InvoiceDocument> docs = register_of(e);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[1].order, second);
  EXPECT_EQ(docs[1].billed_to.substr(0, docs[1].billed_to.find('\n')).empty(), false)
      << "billed to the directory's contact";
}

TEST_F(InvoiceRecovery, ADocumentNumberedButNotNotedKeepsItsNumber_AndTheNextOneFollowsWithoutAGap) {
  OrderId first, second;
  {
    DurableEngine e = open();
    load_demo(e);
    first = confirmed(e, 1000);
    second = confirmed(e, 1001);
    // Steps 1 and 2: the register numbered it, the order never heard.
    const Reply frozen = e.shards->call(Command{0, IssueInvoice{first}});
    ASSERT_TRUE(frozen.ok()) << frozen.message;
    InvoiceDocument d = document(frozen);
    d.year = 2026;
    const Reply numbered = e.shards->call(Command{0, RecordInvoice{d}});
    ASSERT_TRUE(numbered.ok()) << numbered.message;
    EXPECT_EQ(document(numbered).number, 1u);
  }
  DurableEngine e = open();
  const OrderRecord r = record(e, first);
  ASSERT_TRUE(r.invoiced);
  EXPECT_EQ(r.invoices.back().number, 1u) << "the number the register gave before the stop";
  EXPECT_EQ(r.invoices.back().year, 2026u);
  EXPECT_EQ(register_of(e).size(), 1u) << "numbered once, not again";
  EXPECT_EQ(issue(e, second).number, 2u);
  const std::vector<InvoiceDocument> docs = register_of(e);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].number, 1u);
  EXPECT_EQ(docs[1].number, 2u);
}

TEST_F(InvoiceRecovery, ACancellationStoppedAfterItsFirstDocumentIsCompletedByTheNextStart) {
  OrderId id;
  {
    DurableEngine e = open();
    load_demo(e);
    ASSERT_TRUE(e.shards->call(Command{0, SetCancellationTerms{kNone, {{0, 20}}, 0, {}}}).ok());
    id = confirmed(e, 1001);
    EXPECT_EQ(issue(e, id).number, 1u);
    // Cancelled: a credit note and a cancellation invoice frozen; the stop
    // comes after the credit note is numbered and noted, before the other.
    const Reply frozen = e.shards->call(Command{0, CancelValidated{id, CancelledBy::kClient, "malade"}});
    ASSERT_TRUE(frozen.ok()) << frozen.message;
    const std::vector<InvoiceDocument> docs = std::get<Invoices>(frozen.detail->value).documents;
    ASSERT_EQ(docs.size(), 2u);
    runtime::WaitableCompletion done;
    e.shards->number_document(docs[0], &done);
    ASSERT_TRUE(done.wait().ok());
    const OrderRecord r = record(e, id);
    EXPECT_TRUE(r.invoice_pending) << "the cancellation invoice is still frozen";
  }
  DurableEngine e = open();
  const OrderRecord r = record(e, id);
  EXPECT_FALSE(r.invoice_pending);
  ASSERT_EQ(r.invoices.size(), 3u);
  EXPECT_EQ(r.invoices[1].kind, InvoiceKind::kCreditNote);
  EXPECT_EQ(r.invoices[2].kind, InvoiceKind::kCancellationInvoice);
  EXPECT_EQ(r.invoices[2].number, 1u);
  EXPECT_EQ(r.invoices[2].total_cents, 2400) << "20 % of 120.00";
  EXPECT_EQ(r.state, OrderState::kCancelled);
  EXPECT_EQ(r.balance_cents, 2400);
  const Reply listed = e.shards->call(Command{0, ListInvoices{InvoiceKind::kCreditNote, 0, OrderId{0}, 0, 0}});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(std::get<Invoices>(listed.detail->value).documents.size(), 1u) << "the credit note, numbered once";
}

}  // namespace
}  // namespace tessera::storage::invoice_recovery_test
