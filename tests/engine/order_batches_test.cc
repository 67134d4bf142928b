// Payment batches on one shard (engine/commands_batches.h), the three steps
// run by hand: the register numbers per kind with no gap; a shard freezes
// what qualifies and names the rest; the same step again changes nothing;
// an export takes the register's documents once; the workflow says it; a
// snapshot with an open batch and frozen payments loads the same state.
#include <gtest/gtest.h>

#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"

// A namespace of its own: unity builds compile this file with the other
// order tests, whose anonymous namespaces hold the same helper names.
namespace tessera::engine::batches_test {
namespace {

constexpr PrincipalId kClerk = 14;

class OrderBatchesTest : public ShardTest {
 protected:
  // A confirmed order paid by a cheque of 40.00 and a card of 10.50.
  OrderId paid() {
    const Reply r = book(kPerfRelease, 1, 2, now_ + 10 * kDay);
    EXPECT_TRUE(r.ok()) << r.message;
    for (auto [mode, amount] : {std::pair{PaymentMode::kCheque, 4'000}, {PaymentMode::kCard, 1'050}})
      EXPECT_TRUE(run_as(kClerk, AddPayment{r.order, mode, amount, 0, kNone, kNone, "DUPONT", "BNP", ""}).ok());
    return r.order;
  }
  PaymentBatch open(MakePaymentBatch c) {
    const Reply r = run_as(kClerk, std::move(c));
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? std::get<PaymentBatch>(r.detail->value) : PaymentBatch{};
  }
  FrozenPayments freeze(const PaymentBatch& b) {
    const Reply r = run_as(kClerk, FreezePayments{0, b.kind, b.number, b.at_ms, b.items});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? std::get<FrozenPayments>(r.detail->value) : FrozenPayments{};
  }
  PaymentBatch settle(const PaymentBatch& b, const FrozenPayments& f) {
    const Reply r = run_as(kClerk, SettlePaymentBatch{b.kind, b.number, f.frozen, f.refused});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? std::get<PaymentBatch>(r.detail->value) : PaymentBatch{};
  }
};

TEST_F(OrderBatchesTest, ADepositFreezesItsChequesOnce_TheSameStepAgainAnswersTheSame) {
  const OrderId id = paid();
  const PaymentBatch b = open(MakePaymentBatch{BatchKind::kChequeDeposit, 0, "BNP", "17", {{id, 1}, {id, 2}}});
  EXPECT_EQ(b.number, 1u);
  EXPECT_FALSE(b.settled);
  EXPECT_EQ(b.at_ms, now_) << "0 is now";
  const FrozenPayments f = freeze(b);
  ASSERT_EQ(f.frozen.size(), 1u);
  EXPECT_EQ(f.frozen[0].amount_cents, 4'000);
  ASSERT_EQ(f.refused.size(), 1u);
  EXPECT_EQ(f.refused[0].reason, "not a cheque");
  const uint64_t hash = shard_.state_hash();
  EXPECT_EQ(freeze(b), f) << "a step repeated after a crash";
  EXPECT_EQ(shard_.state_hash(), hash) << "changes nothing";
  const PaymentBatch settled = settle(b, f);
  EXPECT_TRUE(settled.settled);
  EXPECT_EQ(settled.total_cents, 4'000);
  EXPECT_EQ(settle(b, FrozenPayments{}), settled) << "settling again keeps the first answer";

  const OrderRecord r = record(id);
  EXPECT_EQ(r.payments[0].deposit, 1u);
  EXPECT_EQ(r.payments[1].deposit, 0u);
  EXPECT_EQ(r.workflow.back().detail, "payment 1 in cheque deposit 1");
  EXPECT_EQ(r.workflow.back().principal, kClerk);
  expect_refused_as(kClerk, ChangePayment{id, 1, PaymentMode::kCheque, 3'000, 0, kNone, kNone, "", "", ""},
                    ReplyCode::kInvalidState, "in cheque deposit 1");
  EXPECT_TRUE(run_as(kClerk, AddPayment{id, PaymentMode::kCheque, -4'000, 0, kNone, kNone, "", "", "erreur"}).ok())
      << "a refund stays possible";
}

TEST_F(OrderBatchesTest, RequestsAreCheckedBeforeAnyNumberIsGiven) {
  const OrderId id = paid();
  expect_refused_as(kClerk, MakePaymentBatch{BatchKind::kChequeDeposit, 0, "", "", {{id, 1}}},
                    ReplyCode::kInvalidArgument, "bank");
  expect_refused_as(kClerk, MakePaymentBatch{BatchKind::kPayout, 0, "X", "", {}}, ReplyCode::kInvalidArgument, "1 to");
  expect_refused_as(kClerk, MakePaymentBatch{BatchKind::kPayout, 0, "X", "", {{id, 1}, {id, 1}}},
                    ReplyCode::kDuplicate);
  expect_refused_as(kClerk, MakePaymentBatch{BatchKind::kAccountingExport, 0, "", "", {{id, 1}}},
                    ReplyCode::kInvalidArgument, "names no payment");
  expect_refused_as(kClerk, MakePaymentBatch{BatchKind::kPayout, now_ + 2 * kDay, "X", "", {{id, 1}}},
                    ReplyCode::kInvalidArgument, "ahead");
  expect_refused_as(kClerk, MakePaymentBatch{static_cast<BatchKind>(7), 0, "X", "", {{id, 1}}},
                    ReplyCode::kInvalidArgument, "unknown batch kind");
  expect_refused_as(kClerk, MakePaymentBatch{BatchKind::kPayout, 0, std::string(201, 'x'), "", {{id, 1}}},
                    ReplyCode::kLimitExceeded);
  EXPECT_EQ(open(MakePaymentBatch{BatchKind::kPayout, 0, "X", "", {{id, 1}}}).number, 1u) << "no number was used";
}

TEST_F(OrderBatchesTest, AnExportTakesPaymentsAndDocumentsUpToItsDateOnce) {
  const OrderId id = paid();
  const Reply frozen = run_as(kClerk, IssueInvoice{id});
  ASSERT_TRUE(frozen.ok()) << frozen.message;
  InvoiceDocument d = std::get<Invoices>(frozen.detail->value).documents.at(0);
  d.year = 2026;
  ASSERT_TRUE(run_as(kClerk, RecordInvoice{d}).ok());

  const PaymentBatch early = open(MakePaymentBatch{BatchKind::kAccountingExport, now_ - 1, "", "", {}});
  const PaymentBatch none = settle(early, freeze(early));
  EXPECT_TRUE(none.frozen.empty()) << "recorded after its date";
  EXPECT_TRUE(none.documents.empty());

  const PaymentBatch x = open(MakePaymentBatch{BatchKind::kAccountingExport, 0, "", "", {}});
  const PaymentBatch taken = settle(x, freeze(x));
  EXPECT_EQ(taken.number, 2u);
  EXPECT_EQ(taken.frozen.size(), 2u);
  EXPECT_EQ(taken.total_cents, 5'050);
  ASSERT_EQ(taken.documents.size(), 1u);
  EXPECT_EQ(taken.documents[0].number, 1u);
  EXPECT_EQ(taken.documents[0].total_cents, d.total_cents);

  const PaymentBatch next = open(MakePaymentBatch{BatchKind::kAccountingExport, 0, "", "", {}});
  const PaymentBatch empty = settle(next, freeze(next));
  EXPECT_TRUE(empty.frozen.empty());
  EXPECT_TRUE(empty.documents.empty()) << "each document is exported once";
  const Reply listed = run_as(kClerk, ListInvoices{InvoiceKind::kInvoice, 0, OrderId{0}, 0, 0});
  EXPECT_EQ(std::get<Invoices>(listed.detail->value).documents.at(0).exported, 2u);
}

TEST_F(OrderBatchesTest, ASnapshotWithAnOpenBatchAndFrozenPaymentsLoadsTheSameState) {
  const OrderId id = paid();
  const PaymentBatch b = open(MakePaymentBatch{BatchKind::kPayout, 0, "Mairie", "", {{id, 2}}});
  (void)freeze(b);
  (void)open(MakePaymentBatch{BatchKind::kChequeDeposit, 0, "BNP", "", {{id, 1}}});
  std::string bytes;
  shard_.save(&bytes);
  Result<std::unique_ptr<Shard>> loaded = Shard::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->state_hash(), shard_.state_hash());
  const std::vector<PaymentBatch> open_batches = (*loaded)->open_batches();
  ASSERT_EQ(open_batches.size(), 2u);
  EXPECT_EQ(open_batches[0].kind, BatchKind::kChequeDeposit);
  EXPECT_EQ(open_batches[1].kind, BatchKind::kPayout);
  std::string again;
  (*loaded)->save(&again);
  EXPECT_EQ(again, bytes);
}

}  // namespace
}  // namespace tessera::engine::batches_test
