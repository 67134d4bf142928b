// Payment batches on the real RocksDB log, two shards
// (engine/commands_batches.h): a cheque deposit takes the cheques of
// orders on both shards and names what it refused; a frozen payment cannot
// change; a payout and an accounting export take what they may; and a stop
// after step 1 or after step 2 leaves an open batch the next start settles,
// with no payment frozen twice and no number skipped.
#include <gtest/gtest.h>

#include "engine/reply_detail.h"
#include "tests/storage/money_engine_fixture.h"

namespace tessera::storage::batch_recovery_test {
namespace {

using namespace tessera::engine;

const PaymentBatch& batch_of(const Reply& r) {
  static const PaymentBatch kEmpty{};
  const auto* b = r.ok() && r.detail ? std::get_if<PaymentBatch>(&r.detail->value) : nullptr;
  return b ? *b : kEmpty;
}

class BatchRecovery : public MoneyEngineTest {
 protected:
  // An option on `performance` with payments of `amounts` in `modes`.
  OrderId paid(DurableEngine& e, PerformanceId performance, std::vector<std::pair<PaymentMode, int64_t>> payments) {
    const Reply r = e.shards->call(Command{0, Book{BookingKind::kOption,
                                                   7,
                                                   workload::kBoxOffice,
                                                   {workload::demo_line(performance, workload::kProductRelease, 1, 2)},
                                                   clock_.now_ms() + 5 * kDay}});
    EXPECT_TRUE(r.ok()) << r.message;
    for (const auto& [mode, amount] : payments) {
      const Reply p =
          e.shards->call(Command{0, AddPayment{r.order, mode, amount, 0, kNone, kNone, "DUPONT", "BNP", ""}});
      EXPECT_TRUE(p.ok()) << p.message;
    }
    return r.order;
  }
  // The whole chain, as the server runs it after MakePaymentBatch.
  PaymentBatch make(DurableEngine& e, MakePaymentBatch c) {
    runtime::WaitableCompletion done;
    e.shards->settle_batch_of(e.shards->call(Command{0, std::move(c)}), &done);
    const Reply& r = done.wait();
    EXPECT_TRUE(r.ok()) << r.message;
    return batch_of(r);
  }
  std::vector<PaymentBatch> list(DurableEngine& e, BatchKind kind) {
    const Reply r = e.shards->call(Command{0, ListPaymentBatches{kind, 0, 0}});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? std::get<PaymentBatches>(r.detail->value).batches : std::vector<PaymentBatch>{};
  }
  static Reply change(DurableEngine& e, OrderId order, uint32_t payment, int64_t amount) {
    return e.shards->call(
        Command{0, ChangePayment{order, payment, PaymentMode::kCheque, amount, 0, kNone, kNone, "DUPONT", "BNP", ""}});
  }
};

TEST_F(BatchRecovery, ADepositTakesTheChequesOfBothShards_NamesWhatItRefused_AndFreezesThem) {
  DurableEngine e = open();
  load_demo(e);
  const OrderId a = paid(e, 1000, {{PaymentMode::kCheque, 4'000}, {PaymentMode::kCard, 1'000}});
  const OrderId b = paid(e, 1001, {{PaymentMode::kCheque, 7'550}});
  ASSERT_NE(order_shard(a), order_shard(b));

  const PaymentBatch d =
      make(e, MakePaymentBatch{
                  BatchKind::kChequeDeposit, 0, "Crédit Agricole", "bordereau 17", {{b, 1}, {a, 1}, {a, 2}, {a, 9}}});
  EXPECT_TRUE(d.settled);
  EXPECT_EQ(d.number, 1u);
  ASSERT_EQ(d.frozen.size(), 2u);
  EXPECT_EQ(d.frozen[0].order, b) << "in the order the deposit named them";
  EXPECT_EQ(d.frozen[1].order, a);
  EXPECT_EQ(d.total_cents, 11'550);
  ASSERT_EQ(d.refused.size(), 2u);
  EXPECT_EQ(d.refused[0].payment, 2u);
  EXPECT_EQ(d.refused[0].reason, "not a cheque");
  EXPECT_EQ(d.refused[1].reason, "no such payment");

  const Reply frozen = change(e, a, 1, 3'000);
  EXPECT_EQ(frozen.code, ReplyCode::kInvalidState);
  EXPECT_NE(frozen.message.find("cheque deposit 1"), std::string::npos) << frozen.message;
  EXPECT_EQ(record(e, a).payments[0].amount_cents, 4'000) << "the refusal changed nothing";
  EXPECT_EQ(record(e, a).payments[0].deposit, 1u);
  EXPECT_TRUE(change(e, a, 2, 1'200).ok()) << "the card payment is in no batch";

  // The same cheque again: refused, named; the numbering goes on.
  const PaymentBatch again = make(e, MakePaymentBatch{BatchKind::kChequeDeposit, 0, "BNP", "", {{a, 1}}});
  EXPECT_EQ(again.number, 2u);
  EXPECT_TRUE(again.frozen.empty());
  ASSERT_EQ(again.refused.size(), 1u);
  EXPECT_EQ(again.refused[0].reason, "already in cheque deposit 1");

  // A payout takes the card payment and the deposited cheque (each in at most one payout).
  const PaymentBatch p = make(e, MakePaymentBatch{BatchKind::kPayout, 0, "Office de tourisme", "", {{a, 2}, {b, 1}}});
  EXPECT_EQ(p.frozen.size(), 2u);
  EXPECT_EQ(p.total_cents, 1'200 + 7'550);

  // An export takes every payment of both shards, once.
  const PaymentBatch x = make(e, MakePaymentBatch{BatchKind::kAccountingExport, 0, "", "", {}});
  EXPECT_EQ(x.frozen.size(), 3u);
  EXPECT_EQ(x.total_cents, 4'000 + 1'200 + 7'550);
  const PaymentBatch x2 = make(e, MakePaymentBatch{BatchKind::kAccountingExport, 0, "", "", {}});
  EXPECT_EQ(x2.number, 2u);
  EXPECT_TRUE(x2.frozen.empty()) << "nothing new to export";
  EXPECT_EQ(record(e, b).payments[0].exported, 1u);

  // Bad requests change nothing.
  const Reply no_bank = e.shards->call(Command{0, MakePaymentBatch{BatchKind::kChequeDeposit, 0, "", "", {{a, 1}}}});
  EXPECT_EQ(no_bank.code, ReplyCode::kInvalidArgument);
  const Reply twice = e.shards->call(Command{0, MakePaymentBatch{BatchKind::kPayout, 0, "X", "", {{a, 1}, {a, 1}}}});
  EXPECT_EQ(twice.code, ReplyCode::kDuplicate);
  EXPECT_EQ(list(e, BatchKind::kChequeDeposit).size(), 2u);
}

TEST_F(BatchRecovery, ABatchOpenedBeforeAStopIsSettledByTheNextStart_AndOneHalfFrozenTooWithoutARepeat) {
  OrderId a, b;
  {
    DurableEngine e = open();
    load_demo(e);
    a = paid(e, 1000, {{PaymentMode::kCheque, 4'000}});
    b = paid(e, 1001, {{PaymentMode::kCheque, 2'500}});
    // Deposit 1: step 1 only.
    ASSERT_TRUE(
        e.shards->call(Command{0, MakePaymentBatch{BatchKind::kChequeDeposit, 0, "BNP", "", {{a, 1}, {b, 1}}}}).ok());
    // Export 1: steps 1 and 2 on shard 1 only (a stop in the middle of step 2).
    const Reply opened = e.shards->call(Command{0, MakePaymentBatch{BatchKind::kAccountingExport, 0, "", "", {}}});
    ASSERT_TRUE(opened.ok());
    const Reply half =
        e.shards->call(Command{0, FreezePayments{1, BatchKind::kAccountingExport, 1, clock_.now_ms(), {}}});
    ASSERT_TRUE(half.ok()) << half.message;
    EXPECT_EQ(half.value, 1);
    EXPECT_FALSE(batch_of(opened).settled);
  }
  DurableEngine e = open();
  const std::vector<PaymentBatch> deposits = list(e, BatchKind::kChequeDeposit);
  ASSERT_EQ(deposits.size(), 1u);
  EXPECT_TRUE(deposits[0].settled);
  EXPECT_EQ(deposits[0].frozen.size(), 2u);
  EXPECT_EQ(deposits[0].total_cents, 6'500);
  const std::vector<PaymentBatch> exports = list(e, BatchKind::kAccountingExport);
  ASSERT_EQ(exports.size(), 1u);
  EXPECT_TRUE(exports[0].settled);
  EXPECT_EQ(exports[0].frozen.size(), 2u) << "shard 1's payment frozen before the stop counts once";
  EXPECT_EQ(record(e, a).payments[0].deposit, 1u);
  EXPECT_EQ(record(e, b).payments[0].exported, 1u);
  // The numbering goes on from there.
  EXPECT_EQ(make(e, MakePaymentBatch{BatchKind::kChequeDeposit, 0, "BNP", "", {{a, 1}}}).number, 2u);
}

}  // namespace
}  // namespace tessera::storage::batch_recovery_test
