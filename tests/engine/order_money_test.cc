// Money on one order (seed 003, "Onglet Règlement"), on one shard, in exact
// cents: payments, refunds, third-party payers and their collection, the
// cash discount, the balance and the fully-paid flag, validation by the
// first payment, by a deposit share (rounded half up) or by the signed
// contract; refusals that change nothing; the money across a snapshot.
#include "engine/order_money.h"

#include <gtest/gtest.h>

#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"

// A namespace of its own: unity builds compile this file with the other
// order tests, whose anonymous namespaces hold the same helper names.
namespace tessera::engine::money_test {
namespace {

constexpr PrincipalId kClerk = 12;
constexpr PayerId kCaf = 3;

class OrderMoneyTest : public ShardTest {
 protected:
  Reply as_clerk(CommandBody body) { return run_as(kClerk, std::move(body)); }
  // An option of 2 units of category 1 at the box office: 2 × 60.00 = 120.00.
  OrderId option() {
    const Reply r = book(kPerfRelease, 1, 2, kT0 + 10 * kDay);
    EXPECT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(record(r.order).total_cents, 12000u);
    return r.order;
  }
  static AddPayment pay(OrderId order, PaymentMode mode, int64_t cents) {
    return AddPayment{order, mode, cents, 0, kNone, kNone, {}, {}, {}};
  }
  // A refusal with `code` that leaves the shard's state hash as it was.
  void expect_refused(CommandBody body, ReplyCode code, std::string_view says = {}) {
    expect_refused_as(kClerk, std::move(body), code, says);
  }
};

TEST_F(OrderMoneyTest, TheFirstPaymentValidatesAnOption_ByDefault_AndTheWorkflowSaysWho) {
  const OrderId id = option();
  now_ += kMinute;
  AddPayment cheque = pay(id, PaymentMode::kCheque, 4000);
  cheque.label = "M. DUPONT";
  cheque.bank = "Banque Populaire";
  cheque.received_ms = kT0 - kDay;  // received yesterday, recorded now
  const Reply r = as_clerk(cheque);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.state, OrderState::kConfirmed);

  const OrderRecord rec = record(id);
  EXPECT_EQ(rec.status, "validée");
  EXPECT_EQ(rec.to_pay_cents, 12000);
  EXPECT_EQ(rec.paid_cents, 4000);
  EXPECT_EQ(rec.balance_cents, 8000);
  EXPECT_FALSE(rec.fully_paid);
  ASSERT_EQ(rec.payments.size(), 1u);
  const Payment& p = rec.payments[0];
  EXPECT_EQ(p.number, 1u);
  EXPECT_EQ(p.mode, PaymentMode::kCheque);
  EXPECT_EQ(p.received_ms, kT0 - kDay);
  EXPECT_EQ(p.recorded_ms, kT0 + kMinute);
  EXPECT_EQ(p.contact, ContactId{7}) << "the order's contact paid";
  EXPECT_EQ(p.principal, kClerk);
  EXPECT_EQ(p.label, "M. DUPONT");
  EXPECT_EQ(p.bank, "Banque Populaire");
  ASSERT_EQ(rec.workflow.size(), 3u);
  EXPECT_EQ(rec.workflow[1].action, WorkflowAction::kModified);
  EXPECT_EQ(rec.workflow[1].detail, "payment 1 (cheque)");
  EXPECT_EQ(rec.workflow[2].action, WorkflowAction::kStateChanged);
  EXPECT_EQ(rec.workflow[2].from, OrderState::kOption);
  EXPECT_EQ(rec.workflow[2].to, OrderState::kConfirmed);
  EXPECT_EQ(rec.workflow[2].principal, kClerk);

  advance_to(kT0 + 20 * kDay);  // past the old deadline: a validated order stays
  EXPECT_EQ(state(id), OrderState::kConfirmed);
}

TEST_F(OrderMoneyTest, ADepositRuleValidatesAtItsShare_RoundedHalfUpToTheCent) {
  ASSERT_TRUE(as_clerk(SetValidationRule{workload::kProductRelease, ValidateOnPayment::kDeposit, 30, false}).ok());
  const OrderId id = option();
  ASSERT_TRUE(as_clerk(SetCashDiscount{id, 5}).ok());  // to pay 119.95: 30 % is 35.985, so 35.99
  EXPECT_EQ(deposit_cents(11995, 30), 3599);
  EXPECT_EQ(deposit_cents(10001, 33), 3300);  // 33.0033
  EXPECT_EQ(deposit_cents(10002, 25), 2501);  // 25.005 rounds up
  EXPECT_EQ(deposit_cents(0, 30), 0);

  Reply r = as_clerk(pay(id, PaymentMode::kTransfer, 3598));
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.state, OrderState::kOption) << "one cent short of the deposit";
  r = as_clerk(pay(id, PaymentMode::kCard, 1));
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.state, OrderState::kConfirmed);
  const OrderRecord rec = record(id);
  EXPECT_EQ(rec.cash_discount_cents, 5);
  EXPECT_EQ(rec.to_pay_cents, 11995);
  EXPECT_EQ(rec.balance_cents, 11995 - 3599);

  // Another product keeps the built-in rule: its first payment validates.
  const Reply other = book(kPerfOverdue, 1, 1, kT0 + 10 * kDay);
  ASSERT_TRUE(other.ok()) << other.message;
  EXPECT_EQ(as_clerk(pay(other.order, PaymentMode::kCash, 100)).state, OrderState::kConfirmed);
}

TEST_F(OrderMoneyTest, WhenPaymentsNeverValidate_TheSignedContractDoes) {
  ASSERT_TRUE(as_clerk(SetValidationRule{kNone, ValidateOnPayment::kNever, 0, true}).ok());
  const OrderId id = option();
  EXPECT_EQ(as_clerk(pay(id, PaymentMode::kTransfer, 12000)).state, OrderState::kOption);
  EXPECT_TRUE(record(id).fully_paid);
  const Reply signed_ = as_clerk(SignContract{id, 0});
  ASSERT_TRUE(signed_.ok()) << signed_.message;
  EXPECT_EQ(signed_.state, OrderState::kConfirmed);
  EXPECT_EQ(record(id).contract_signed_ms, kT0);
  expect_refused(SignContract{id, 0}, ReplyCode::kDuplicate, "signed");

  // A rule without the contract: signing changes nothing but the record.
  ASSERT_TRUE(as_clerk(SetValidationRule{kNone, ValidateOnPayment::kNever, 0, false}).ok());
  const OrderId second = option();
  EXPECT_EQ(as_clerk(SignContract{second, 0}).state, OrderState::kOption);
}

TEST_F(OrderMoneyTest, ThirdPartyCoverageCountsAsPaid_IsCollectedOnce_AndARefundReopensTheBalance) {
  ASSERT_TRUE(as_clerk(DefinePayer{kCaf, "CAF du Rhône"}).ok());
  ASSERT_TRUE(as_clerk(SetValidationRule{kNone, ValidateOnPayment::kNever, 0, false}).ok());
  const OrderId id = option();
  AddPayment coverage = pay(id, PaymentMode::kThirdParty, 10000);
  coverage.payer = kCaf;
  ASSERT_TRUE(as_clerk(coverage).ok());
  ASSERT_TRUE(as_clerk(pay(id, PaymentMode::kCard, 2000)).ok());
  OrderRecord rec = record(id);
  EXPECT_EQ(rec.paid_cents, 2000);
  EXPECT_EQ(rec.deferred_cents, 10000);
  EXPECT_EQ(rec.awaiting_collection_cents, 10000);
  EXPECT_EQ(rec.balance_cents, 0);
  EXPECT_TRUE(rec.fully_paid) << "coverage counts as paid before it is collected";
  EXPECT_EQ(rec.workflow.back().action, WorkflowAction::kPaymentStatus);
  EXPECT_EQ(rec.workflow.back().detail, "fully paid");

  now_ += kDay;
  ASSERT_TRUE(as_clerk(CollectPayment{id, 1, 0}).ok());
  rec = record(id);
  EXPECT_EQ(rec.awaiting_collection_cents, 0);
  EXPECT_EQ(rec.payments[0].collected_ms, kT0 + kDay);
  expect_refused(CollectPayment{id, 1, 0}, ReplyCode::kDuplicate, "collected");
  expect_refused(CollectPayment{id, 2, 0}, ReplyCode::kInvalidArgument, "immediate");
  expect_refused(CollectPayment{id, 3, 0}, ReplyCode::kNotFound, "no payment 3");

  AddPayment refund = pay(id, PaymentMode::kCard, -500);
  refund.reason = "geste commercial";
  ASSERT_TRUE(as_clerk(refund).ok());
  rec = record(id);
  EXPECT_EQ(rec.paid_cents, 1500);
  EXPECT_EQ(rec.balance_cents, 500);
  EXPECT_FALSE(rec.fully_paid);
  EXPECT_EQ(rec.workflow.back().detail, "no longer fully paid");
  EXPECT_EQ(rec.workflow[rec.workflow.size() - 2].detail, "refund 3 (card)");

  // Paying more than owed: the balance says what the organisation owes back.
  ASSERT_TRUE(as_clerk(pay(id, PaymentMode::kTransfer, 800)).ok());
  EXPECT_EQ(record(id).balance_cents, -300);
  EXPECT_TRUE(record(id).fully_paid);
}

TEST_F(OrderMoneyTest, APaymentIsCorrected_UnderTheSameChecks_AndStaysAPaymentOrARefund) {
  ASSERT_TRUE(as_clerk(DefinePayer{kCaf, "CAF"}).ok());
  ASSERT_TRUE(as_clerk(SetValidationRule{kNone, ValidateOnPayment::kNever, 0, false}).ok());
  const OrderId id = option();
  AddPayment coverage = pay(id, PaymentMode::kThirdParty, 3000);
  coverage.payer = kCaf;
  ASSERT_TRUE(as_clerk(coverage).ok());
  ASSERT_TRUE(as_clerk(CollectPayment{id, 1, 0}).ok());
  AddPayment refund = pay(id, PaymentMode::kCash, -1000);
  refund.reason = "trop perçu";
  expect_refused(refund, ReplyCode::kInvalidArgument, "exceeds the 0 cents paid");

  // The coverage was in fact a cheque of 25.00: its collection goes with the mode.
  now_ += kMinute;
  ChangePayment cheque{id, 1, PaymentMode::kCheque, 2500, 0, kNone, kNone, "M. DUPONT", "BNP", ""};
  ASSERT_TRUE(as_clerk(cheque).ok());
  OrderRecord rec = record(id);
  ASSERT_EQ(rec.payments.size(), 1u);
  EXPECT_EQ(rec.payments[0].mode, PaymentMode::kCheque);
  EXPECT_EQ(rec.payments[0].amount_cents, 2500);
  EXPECT_EQ(rec.payments[0].collected_ms, 0);
  EXPECT_EQ(rec.payments[0].received_ms, kT0) << "0 keeps the date";
  EXPECT_EQ(rec.payments[0].label, "M. DUPONT");
  EXPECT_EQ(rec.payments[0].principal, kClerk) << "who recorded it";
  EXPECT_EQ(rec.paid_cents, 2500);
  EXPECT_EQ(rec.deferred_cents, 0);
  EXPECT_EQ(rec.workflow.back().detail, "payment 1 changed");

  ASSERT_TRUE(as_clerk(refund).ok());  // 10.00 of the 25.00 back
  expect_refused(ChangePayment{id, 1, PaymentMode::kCheque, -2500, 0, kNone, kNone, "", "", "x"},
                 ReplyCode::kInvalidArgument, "stays one");
  expect_refused(ChangePayment{id, 1, PaymentMode::kCheque, 500, 0, kNone, kNone, "", "", ""},
                 ReplyCode::kInvalidArgument, "exceed the payments by 500 cents");
  expect_refused(ChangePayment{id, 2, PaymentMode::kCash, -1000, 0, kNone, kNone, "", "", ""},
                 ReplyCode::kInvalidArgument, "reason");
  expect_refused(ChangePayment{id, 9, PaymentMode::kCash, 100, 0, kNone, kNone, "", "", ""}, ReplyCode::kNotFound,
                 "no payment 9");
  EXPECT_EQ(record(id).paid_cents, 1500);
}

TEST_F(OrderMoneyTest, BadPaymentsAreRefusedWithAReason_AndChangeNothing) {
  ASSERT_TRUE(as_clerk(DefinePayer{kCaf, "CAF"}).ok());
  ASSERT_TRUE(as_clerk(SetValidationRule{kNone, ValidateOnPayment::kNever, 0, false}).ok());
  const OrderId id = option();
  ASSERT_TRUE(as_clerk(pay(id, PaymentMode::kCash, 1000)).ok());
  const OrderId cart = hold(kPerfRelease, 1, 1).order;

  expect_refused(pay(cart, PaymentMode::kCard, 1000), ReplyCode::kInvalidState, "cart");
  expect_refused(pay(OrderId{999'999'999}, PaymentMode::kCard, 1000), ReplyCode::kNotFound);
  expect_refused(pay(id, PaymentMode::kCard, 0), ReplyCode::kInvalidArgument, "nonzero");
  expect_refused(pay(id, PaymentMode::kCard, kPaymentCentsMax + 1), ReplyCode::kInvalidArgument);
  expect_refused(pay(id, static_cast<PaymentMode>(9), 100), ReplyCode::kInvalidArgument, "mode");
  AddPayment unknown_payer = pay(id, PaymentMode::kThirdParty, 100);
  unknown_payer.payer = 99;
  expect_refused(unknown_payer, ReplyCode::kNotFound, "payer 99");
  AddPayment payer_on_cash = pay(id, PaymentMode::kCash, 100);
  payer_on_cash.payer = kCaf;
  expect_refused(payer_on_cash, ReplyCode::kInvalidArgument, "payer");
  expect_refused(pay(id, PaymentMode::kCash, -100), ReplyCode::kInvalidArgument, "reason");
  AddPayment too_much = pay(id, PaymentMode::kCash, -1001);
  too_much.reason = "erreur";
  expect_refused(too_much, ReplyCode::kInvalidArgument, "exceeds the 1000 cents paid");
  AddPayment deferred_refund = pay(id, PaymentMode::kThirdParty, -100);
  deferred_refund.payer = kCaf;
  deferred_refund.reason = "x";
  expect_refused(deferred_refund, ReplyCode::kInvalidArgument, "immediate mode");
  AddPayment ahead = pay(id, PaymentMode::kCash, 100);
  ahead.received_ms = now_ + 2 * kDay;
  expect_refused(ahead, ReplyCode::kInvalidArgument, "ahead");
  AddPayment long_label = pay(id, PaymentMode::kCash, 100);
  long_label.label.assign(kMoneyTextMax + 1, 'x');
  expect_refused(long_label, ReplyCode::kLimitExceeded, "label");
  expect_refused(SetCashDiscount{id, 12001}, ReplyCode::kInvalidArgument, "package");
  expect_refused(SetCashDiscount{id, -1}, ReplyCode::kInvalidArgument);
  expect_refused(SetValidationRule{kNone, ValidateOnPayment::kDeposit, 0, true}, ReplyCode::kInvalidArgument);
  expect_refused(SetValidationRule{99, ValidateOnPayment::kAnyPayment, 0, true}, ReplyCode::kNotFound);
  expect_refused(DefinePayer{kNone, "x"}, ReplyCode::kInvalidArgument);
  expect_refused(DefinePayer{4, ""}, ReplyCode::kInvalidArgument);
  EXPECT_EQ(record(id).payments.size(), 1u);
}

TEST(ReturnCity, TheSeedsExampleIs42Euros_RoundedHalfUpToTheCent) {
  EXPECT_EQ(return_city_cents(5000, 2000, 2000), 4200) << "(50 + 20) / 2 x 1.20";
  EXPECT_EQ(return_city_cents(5000, 2000, 0), 3500);
  EXPECT_EQ(return_city_cents(1, 2, 0), 2) << "0.015 rounds half up";
  EXPECT_EQ(return_city_cents(1, 1, 0), 1);
  EXPECT_EQ(return_city_cents(3333, 3334, 150), 3384) << "33.335 x 1.015 = 33.835025";
  EXPECT_EQ(return_city_cents(kPaymentCentsMax, kPaymentCentsMax, kReturnCityRuleMax), 11 * kPaymentCentsMax)
      << "the largest prices and rule do not overflow";
}

TEST_F(OrderMoneyTest, AQuoteAppliesTheProductsReturnCityRule_ElseTheDefault) {
  const Reply none = run(QuoteReturnCity{kNone, 5000, 2000});
  ASSERT_TRUE(none.ok()) << none.message;
  EXPECT_EQ(none.value, 3500) << "no rule: the average";
  ASSERT_TRUE(run(SetReturnCityRule{kNone, 2000}).ok());
  ASSERT_TRUE(run(SetReturnCityRule{workload::kProductKeep, 100}).ok());
  EXPECT_EQ(run(QuoteReturnCity{workload::kProductRelease, 5000, 2000}).value, 4200) << "the default: 20 %";
  EXPECT_EQ(run(QuoteReturnCity{workload::kProductKeep, 5000, 2000}).value, 3535) << "its own: 1 %";
  expect_refused(SetReturnCityRule{kNone, kReturnCityRuleMax + 1}, ReplyCode::kInvalidArgument);
  expect_refused(SetReturnCityRule{ProductId{99}, 10}, ReplyCode::kNotFound);
  EXPECT_EQ(run(QuoteReturnCity{ProductId{99}, 1, 1}).code, ReplyCode::kNotFound);
  EXPECT_EQ(run(QuoteReturnCity{kNone, -1, 1}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(QuoteReturnCity{kNone, 1, kPaymentCentsMax + 1}).code, ReplyCode::kInvalidArgument);

  std::string bytes;
  shard_.save(&bytes);
  Result<std::unique_ptr<Shard>> loaded = Shard::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->state_hash(), shard_.state_hash());
  EXPECT_EQ((*loaded)->apply(Command{0, QuoteReturnCity{workload::kProductKeep, 5000, 2000}}, now_).value, 3535);
}

TEST_F(OrderMoneyTest, AClosedOrderTakesRefundsOnly_AndItsHistoryRecordIsWrittenAgain) {
  shard_.keep_history(true);
  ASSERT_TRUE(as_clerk(SetValidationRule{kNone, ValidateOnPayment::kNever, 0, false}).ok());
  const OrderId id = option();
  ASSERT_TRUE(as_clerk(pay(id, PaymentMode::kTransfer, 3000)).ok());
  ASSERT_TRUE(as_clerk(Release{id}).ok());
  EXPECT_EQ(record(id).balance_cents, -3000) << "what was paid is owed back";
  std::vector<HistoryWrite> writes;
  shard_.take_history(&writes);
  ASSERT_EQ(writes.size(), 1u) << "the release wrote the record";
  expect_refused(pay(id, PaymentMode::kTransfer, 100), ReplyCode::kInvalidState, "refunds only");
  AddPayment refund = pay(id, PaymentMode::kTransfer, -3000);
  refund.reason = "option libérée";
  ASSERT_TRUE(as_clerk(refund).ok());
  writes.clear();
  shard_.take_history(&writes);
  ASSERT_EQ(writes.size(), 1u) << "the refund wrote the record again";
  const Reply stored = history_record_reply(id, Caller{}, writes[0].record);
  ASSERT_TRUE(stored.ok()) << stored.message;
  const OrderRecord& rec = std::get<OrderRecord>(stored.detail->value);
  EXPECT_EQ(rec.payments.size(), 2u);
  EXPECT_EQ(rec.paid_cents, 0);
  EXPECT_EQ(rec.to_pay_cents, 0) << "nothing was sold";
  EXPECT_EQ(rec.balance_cents, 0) << "the refund settled it";
  EXPECT_EQ(rec.total_cents, 12000u) << "the lines still say what was booked";
}

TEST_F(OrderMoneyTest, MoneyAndItsConfigurationSurviveASnapshot_WithTheSameHash) {
  ASSERT_TRUE(as_clerk(DefinePayer{kCaf, "CAF"}).ok());
  ASSERT_TRUE(as_clerk(SetValidationRule{workload::kProductRelease, ValidateOnPayment::kDeposit, 40, true}).ok());
  const OrderId id = option();
  AddPayment coverage = pay(id, PaymentMode::kThirdParty, 2500);
  coverage.payer = kCaf;
  ASSERT_TRUE(as_clerk(coverage).ok());
  ASSERT_TRUE(as_clerk(SetCashDiscount{id, 700}).ok());
  std::string bytes;
  shard_.save(&bytes);
  auto loaded = Shard::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->state_hash(), shard_.state_hash());
  const Reply back = (*loaded)->apply(Command{0, GetOrderRecord{id}}, now_);
  ASSERT_TRUE(back.ok());
  const OrderRecord& rec = std::get<OrderRecord>(back.detail->value);
  EXPECT_EQ(rec.deferred_cents, 2500);
  EXPECT_EQ(rec.cash_discount_cents, 700);
  EXPECT_EQ(rec.state, OrderState::kOption) << "2500 of 11300 is under the 40 % deposit";
  // The loaded shard applies the same rule: 2020 more reaches 4520 = 40 % of 11300.
  const Reply paid = (*loaded)->apply(Command{0, pay(id, PaymentMode::kCard, 2020)}, now_);
  EXPECT_EQ(paid.state, OrderState::kConfirmed);
  const Reply payers = (*loaded)->apply(Command{0, ListPayers{}}, now_);
  ASSERT_TRUE(payers.ok());
  ASSERT_EQ(std::get<Payers>(payers.detail->value).payers.size(), 1u);
  EXPECT_EQ(std::get<Payers>(payers.detail->value).payers[0].name, "CAF");
}

TEST_F(OrderMoneyTest, AMergedContactsPaymentsNameTheSurvivor) {
  const OrderId id = option();  // contact 7's
  AddPayment by_8 = pay(id, PaymentMode::kCheque, 1000);
  by_8.contact = 8;
  ASSERT_TRUE(as_clerk(by_8).ok());
  ASSERT_TRUE(as_clerk(pay(id, PaymentMode::kCash, 500)).ok());
  ASSERT_TRUE(as_clerk(SetContactProfile{8, 100000000008, kContactIndividual, 1, false, kNone}).ok());
  ASSERT_TRUE(as_clerk(SetContactProfile{9, 100000000009, kContactIndividual, 1, false, kNone}).ok());
  ASSERT_TRUE(as_clerk(SetContactProfile{8, 100000000008, kContactIndividual, 2, true, 9}).ok());  // 8 merged into 9
  const OrderRecord rec = record(id);
  EXPECT_EQ(rec.payments[0].contact, ContactId{9});
  EXPECT_EQ(rec.payments[1].contact, ContactId{7}) << "the order's contact, not merged";
}

TEST_F(OrderMoneyTest, AnOrderWithoutMoneyIsUnchangedInTheStateHash) {
  // Orders that never see money add nothing to the hash: old data
  // directories replay to the hash they were written with.
  const uint64_t empty = shard_.state_hash();
  (void)option();
  const uint64_t with_order = shard_.state_hash();
  EXPECT_NE(with_order, empty);
  EXPECT_EQ(with_order, shard_.state_hash());
}

}  // namespace
}  // namespace tessera::engine::money_test
