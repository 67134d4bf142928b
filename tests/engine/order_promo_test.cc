// Promo codes on one shard (shard 0 of 1 holds the orders and the promo
// register, so the three steps the server chains are run here by hand):
// the reduction to the cent, one code per order, the states that take one,
// the register's refusals and its limit, uses given back when an order
// closes or drops its code, invoices freezing the reduction, and snapshots
// with claims in flight.
#include <gtest/gtest.h>

#include "engine/limits.h"
#include "engine/order_money.h"
#include "engine/promo_register.h"
#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"

// A namespace of its own: unity builds compile this file with the other
// order tests, whose anonymous namespaces hold the same helper names.
namespace tessera::engine::promo_test {
namespace {

constexpr PrincipalId kClerk = 14;

DefinePromoCode percent_code(std::string code, uint32_t percent, uint32_t max_uses = 0) {
  return DefinePromoCode{std::move(code), 0, percent, 0, 0, max_uses, kNone, 0};
}
DefinePromoCode amount_code(std::string code, int64_t cents, uint32_t max_uses = 0) {
  return DefinePromoCode{std::move(code), cents, 0, 0, 0, max_uses, kNone, 0};
}

const Promo* promo_of(const Reply& r) { return r.detail ? std::get_if<Promo>(&r.detail->value) : nullptr; }

class OrderPromoTest : public ShardTest {
 protected:
  void define(const DefinePromoCode& d) {
    const Reply r = run_as(kClerk, d);
    ASSERT_TRUE(r.ok()) << r.message;
  }
  // An option of `units` of category 1 of kPerfRelease (60.00 each).
  OrderId option(uint32_t units = 2) {
    const Reply r = book(kPerfRelease, 1, units, now_ + 10 * kDay);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  // The three steps, as the server chains them: the client's answer.
  Reply apply(OrderId order, const std::string& code) {
    const Reply taken = run_as(kClerk, ApplyPromoCode{order, code});
    const Promo* p = taken.ok() ? promo_of(taken) : nullptr;
    if (p == nullptr || p->state != PromoState::kPending) return taken;
    const Reply claimed = run(ClaimPromoUse{p->claim});
    const Promo* granted = claimed.ok() ? promo_of(claimed) : nullptr;
    const Reply noted = run(NotePromoClaim{order, p->claim.attempt, granted != nullptr,
                                           granted ? granted->amount_cents : 0, granted ? granted->percent : 0});
    EXPECT_TRUE(noted.ok()) << noted.message;
    return granted ? noted : claimed;
  }
  uint32_t uses(const std::string& code) {
    const Reply r = run(ListPromoCodes{code.substr(0, code.size() - 1), 1});
    const auto* list = r.detail ? std::get_if<PromoCodes>(&r.detail->value) : nullptr;
    EXPECT_TRUE(list && !list->codes.empty() && list->codes[0].definition.code == code);
    return list && !list->codes.empty() ? list->codes[0].uses : 0;
  }
  // The pump's pass: the shard's returns after `taken`, logged on the register.
  int64_t pump() {
    const Reply read = run(GetPromoReturns{{taken_}});
    EXPECT_TRUE(read.ok()) << read.message;
    const auto& returns = std::get<PromoReturns>(read.detail->value).returns;
    if (returns.empty()) return 0;
    taken_ = returns.back().seq;
    const Reply given = run(ReturnPromoUses{returns});
    EXPECT_TRUE(given.ok()) << given.message;
    return given.value;
  }
  uint64_t taken_ = 0;
};

TEST(PromoCodeText, LettersDigitsDashAndUnderscore_TakenInCapitals) {
  EXPECT_EQ(normal_promo_code("ete-2027_a"), "ETE-2027_A");
  EXPECT_EQ(normal_promo_code(""), "");
  EXPECT_EQ(normal_promo_code("SUMMER 10"), "") << "no space";
  EXPECT_EQ(normal_promo_code("été"), "") << "ASCII only";
  EXPECT_EQ(normal_promo_code(std::string(kPromoCodeBytesMax, 'A')), std::string(kPromoCodeBytesMax, 'A'));
  EXPECT_EQ(normal_promo_code(std::string(kPromoCodeBytesMax + 1, 'A')), "");
}

TEST_F(OrderPromoTest, APercentCodeTakesItsShareOfThePackageHalfUp_AfterTheCashDiscount) {
  define(percent_code("ete15", 15));
  const OrderId id = option(2);  // 120.00
  ASSERT_TRUE(run_as(kClerk, SetCashDiscount{id, 1001}).ok());
  const Reply r = apply(id, "ETE15");
  ASSERT_TRUE(r.ok()) << r.message;
  const Promo* p = promo_of(r);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->state, PromoState::kApplied);
  EXPECT_EQ(p->percent, 15u);
  EXPECT_EQ(p->reduction_cents, 1800) << "15 % of 120.00";
  EXPECT_EQ(p->to_pay_cents, 12000 - 1001 - 1800);
  const OrderRecord rec = record(id);
  EXPECT_EQ(rec.promo_code, "ETE15");
  EXPECT_EQ(rec.reduction_cents, 1800);
  EXPECT_EQ(rec.to_pay_cents, 9199);
  EXPECT_EQ(rec.balance_cents, 9199);
  EXPECT_FALSE(rec.promo_pending);
  EXPECT_NE(rec.workflow.back().detail.find("promo code applied: 1800 cents off"), std::string::npos)
      << rec.workflow.back().detail;

  EXPECT_EQ(percent_of_cents(9999, 15), 1500) << "1499.85 cents rounds half up";
  EXPECT_EQ(percent_of_cents(10001, 15), 1500) << "1500.15 rounds down";
}

TEST_F(OrderPromoTest, AnAmountCodeStopsAtWhatTheDiscountLeaves_SoNothingIsOwedBelowZero) {
  define(amount_code("BIG", 20000));
  const OrderId id = option(2);  // 120.00
  ASSERT_TRUE(run_as(kClerk, SetCashDiscount{id, 1000}).ok());
  const Reply r = apply(id, "big");
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(promo_of(r)->reduction_cents, 11000);
  EXPECT_EQ(promo_of(r)->to_pay_cents, 0);
  EXPECT_TRUE(record(id).fully_paid) << "nothing left to pay";
  // A payment then is owed back, as with any overpayment.
  ASSERT_TRUE(run_as(kClerk, AddPayment{id, PaymentMode::kCash, 500, 0, kNone, kNone, "", "", ""}).ok());
  EXPECT_EQ(record(id).balance_cents, -500);
}

TEST_F(OrderPromoTest, OneCodePerOrder_TheSameAgainAnswersTheSame_AnotherIsADuplicate) {
  define(amount_code("TEN", 1000));
  define(amount_code("FIVE", 500));
  const OrderId id = option();
  ASSERT_TRUE(apply(id, "TEN").ok());
  const uint64_t before = shard_.state_hash();
  const Reply again = run_as(kClerk, ApplyPromoCode{id, "ten"});
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(promo_of(again)->state, PromoState::kApplied);
  EXPECT_EQ(promo_of(again)->reduction_cents, 1000);
  EXPECT_EQ(shard_.state_hash(), before) << "a retry changes nothing";
  EXPECT_EQ(uses("TEN"), 1u);
  expect_refused_as(kClerk, ApplyPromoCode{id, "FIVE"}, ReplyCode::kDuplicate, "one code per order");
}

TEST_F(OrderPromoTest, AValidatedOrInvoicedOrderKeepsItsReductions_BadInputChangesNothing) {
  define(amount_code("TEN", 1000));
  const OrderId sold = confirmed_by(kClerk, 2);
  expect_refused_as(kClerk, ApplyPromoCode{sold, "TEN"}, ReplyCode::kInvalidState, "keeps its reductions");
  expect_refused_as(kClerk, ApplyPromoCode{option(), "TEN PERCENT"}, ReplyCode::kInvalidArgument, "letters, digits");
  expect_refused_as(kClerk, ApplyPromoCode{OrderId{(uint64_t{0} << 56) | 999}, "TEN"}, ReplyCode::kNotFound);
  expect_refused_as(kClerk, RemovePromoCode{option()}, ReplyCode::kInvalidState, "has no promo code");

  // Once applied and validated, removal is refused too.
  const OrderId id = option();
  ASSERT_TRUE(apply(id, "TEN").ok());
  ASSERT_TRUE(run_as(kClerk, Confirm{id, {}}).ok());
  expect_refused_as(kClerk, RemovePromoCode{id}, ReplyCode::kInvalidState, "keeps its reductions");
  EXPECT_EQ(record(id).reduction_cents, 1000) << "a validated order keeps its code";
}

TEST_F(OrderPromoTest, TheRegisterRefusesWhatTheCodeDoesNotAllow_AndTheOrderKeepsNoClaim) {
  DefinePromoCode windowed = amount_code("WINDOW", 1000);
  windowed.valid_from_ms = now_ + kDay;
  windowed.valid_until_ms = now_ + 2 * kDay;
  define(windowed);
  DefinePromoCode other_product = amount_code("OTHER", 1000);
  other_product.product = workload::kProductKeep;
  define(other_product);
  DefinePromoCode big_orders = amount_code("BIGORDERS", 1000);
  big_orders.min_package_cents = 50000;
  define(big_orders);

  const OrderId id = option();
  struct Case {
    const char* code;
    ReplyCode code_expected;
    const char* says;
  } cases[] = {{"NOSUCH", ReplyCode::kNotFound, "unknown"},
               {"WINDOW", ReplyCode::kInvalidState, "valid from"},
               {"OTHER", ReplyCode::kInvalidArgument, "for product"},
               {"BIGORDERS", ReplyCode::kInvalidState, "at least 50000"}};
  for (const Case& c : cases) {
    const Reply r = apply(id, c.code);
    EXPECT_EQ(r.code, c.code_expected) << c.code << ": " << r.message;
    EXPECT_NE(r.message.find(c.says), std::string::npos) << r.message;
    const OrderRecord rec = record(id);
    EXPECT_EQ(rec.promo_code, "");
    EXPECT_FALSE(rec.promo_pending);
    EXPECT_EQ(rec.to_pay_cents, 12000);
  }
  now_ += kDay;  // inside the window
  EXPECT_TRUE(apply(id, "WINDOW").ok());
  const OrderId late = option();
  now_ += kDay;  // its end
  const Reply r = apply(late, "WINDOW");
  EXPECT_EQ(r.code, ReplyCode::kInvalidState) << r.message;
  EXPECT_NE(r.message.find("ended at"), std::string::npos) << r.message;
}

TEST_F(OrderPromoTest, DefinitionsAreChecked_ARedefinitionKeepsTheUses) {
  expect_refused_as(kClerk, DefinePromoCode{"BOTH", 100, 10, 0, 0, 0, kNone, 0}, ReplyCode::kInvalidArgument,
                    "exactly one");
  expect_refused_as(kClerk, DefinePromoCode{"NONE", 0, 0, 0, 0, 0, kNone, 0}, ReplyCode::kInvalidArgument,
                    "exactly one");
  expect_refused_as(kClerk, percent_code("OVER", 101), ReplyCode::kInvalidArgument, "percent in [1, 100]");
  expect_refused_as(kClerk, DefinePromoCode{"BACKWARDS", 100, 0, now_, now_, 0, kNone, 0}, ReplyCode::kInvalidArgument,
                    "ends after it starts");
  expect_refused_as(kClerk, DefinePromoCode{"", 100, 0, 0, 0, 0, kNone, 0}, ReplyCode::kInvalidArgument);
  expect_refused_as(kClerk, amount_code("HUGE", 1, kPromoUsesMax + 1), ReplyCode::kLimitExceeded);

  define(amount_code("KEEP", 1000, 5));
  ASSERT_TRUE(apply(option(), "KEEP").ok());
  define(percent_code("keep", 10, 1));  // redefined: 10 %, limit 1 (already reached)
  EXPECT_EQ(uses("KEEP"), 1u);
  const Reply r = apply(option(), "KEEP");
  EXPECT_EQ(r.code, ReplyCode::kSoldOut) << r.message;
}

TEST_F(OrderPromoTest, TheLimitCountsLiveAndSoldOrders_AClosedOneGivesItsUseBack) {
  define(percent_code("TWO", 10, 2));
  const OrderId a = option(), b = option(), c = option();
  ASSERT_TRUE(apply(a, "TWO").ok());
  ASSERT_TRUE(apply(b, "TWO").ok());
  const Reply third = apply(c, "TWO");
  EXPECT_EQ(third.code, ReplyCode::kSoldOut) << third.message;
  EXPECT_NE(third.message.find("its limit is 2"), std::string::npos) << third.message;
  EXPECT_EQ(uses("TWO"), 2u);

  ASSERT_TRUE(run_as(kClerk, Confirm{a, {}}).ok());  // sold: keeps its use
  ASSERT_TRUE(run_as(kClerk, Release{b}).ok());      // closed: gives it back
  EXPECT_EQ(record(b).promo_code, "") << "a closed order no longer shows the code";
  EXPECT_EQ(uses("TWO"), 2u) << "given back through the pump, not yet";
  EXPECT_EQ(pump(), 1);
  EXPECT_EQ(pump(), 0) << "taken once";
  EXPECT_EQ(uses("TWO"), 1u);
  const Reply again = run(ReturnPromoUses{{PromoReturn{0, 1, b, 1, "TWO"}}});
  EXPECT_EQ(again.value, 0) << "a return sent twice changes nothing";
  EXPECT_EQ(uses("TWO"), 1u);
  ASSERT_TRUE(apply(c, "TWO").ok()) << "the use given back is free again";
  EXPECT_EQ(uses("TWO"), 2u);
}

TEST_F(OrderPromoTest, AnExpiredCartAndARemovedCodeGiveTheirUsesBack) {
  define(amount_code("ONE", 500, 1));
  const Reply cart = hold(kPerfRelease, 1, 1, 10 * kMinute);
  ASSERT_TRUE(cart.ok());
  ASSERT_TRUE(apply(cart.order, "ONE").ok()) << "a web cart takes a code";
  advance_to(now_ + 11 * kMinute);
  EXPECT_EQ(state(cart.order), OrderState::kExpired);
  EXPECT_EQ(pump(), 1);
  EXPECT_EQ(uses("ONE"), 0u);

  const OrderId id = option();
  ASSERT_TRUE(apply(id, "ONE").ok());
  ASSERT_TRUE(run_as(kClerk, RemovePromoCode{id}).ok());
  const OrderRecord rec = record(id);
  EXPECT_EQ(rec.promo_code, "");
  EXPECT_EQ(rec.to_pay_cents, 12000);
  EXPECT_EQ(pump(), 1);
  EXPECT_EQ(uses("ONE"), 0u);
  ASSERT_TRUE(apply(id, "ONE").ok()) << "a second claim of the same order counts anew";
  EXPECT_EQ(uses("ONE"), 1u);
}

TEST_F(OrderPromoTest, AClaimCountedAfterItsOrderClosedIsGivenBackAtOnce) {
  define(amount_code("LATE", 500, 1));
  const OrderId id = option();
  const Reply taken = run_as(kClerk, ApplyPromoCode{id, "LATE"});
  ASSERT_TRUE(taken.ok());
  const PromoClaim claim = promo_of(taken)->claim;
  EXPECT_TRUE(record(id).promo_pending);
  expect_refused_as(kClerk, ApplyPromoCode{id, "OTHER"}, ReplyCode::kBusy, "being claimed");
  ASSERT_TRUE(run_as(kClerk, Release{id}).ok());
  ASSERT_TRUE(run(ClaimPromoUse{claim}).ok());
  EXPECT_EQ(uses("LATE"), 1u);
  const Reply noted = run(NotePromoClaim{id, claim.attempt, true, 500, 0});
  ASSERT_TRUE(noted.ok());
  EXPECT_EQ(promo_of(noted)->state, PromoState::kRefused);
  EXPECT_NE(noted.message.find("given back"), std::string::npos) << noted.message;
  EXPECT_EQ(pump(), 1);
  EXPECT_EQ(uses("LATE"), 0u);
  // Noting it again (the start's completion) changes nothing.
  const uint64_t before = shard_.state_hash();
  EXPECT_TRUE(run(NotePromoClaim{id, claim.attempt, true, 500, 0}).ok());
  EXPECT_EQ(shard_.state_hash(), before);
}

TEST_F(OrderPromoTest, AClaimCountedTwiceCountsOnce) {
  define(amount_code("ONCE", 500, 1));
  const OrderId id = option();
  const Reply taken = run_as(kClerk, ApplyPromoCode{id, "ONCE"});
  const PromoClaim claim = promo_of(taken)->claim;
  ASSERT_TRUE(run(ClaimPromoUse{claim}).ok());
  const Reply twice = run(ClaimPromoUse{claim});
  ASSERT_TRUE(twice.ok()) << twice.message << ": the same claim answers the same, even at the limit";
  EXPECT_EQ(uses("ONCE"), 1u);
}

TEST_F(OrderPromoTest, AnInvoiceFreezesTheReductionAndItsCode) {
  define(percent_code("INV", 25));
  const OrderId id = option(2);
  ASSERT_TRUE(apply(id, "INV").ok());
  ASSERT_TRUE(run_as(kClerk, AddPayment{id, PaymentMode::kCard, 9000, 0, kNone, kNone, "", "", ""}).ok());
  ASSERT_EQ(state(id), OrderState::kConfirmed) << "the payment validated it";
  const Reply frozen = run_as(kClerk, IssueInvoice{id});
  ASSERT_TRUE(frozen.ok()) << frozen.message;
  InvoiceDocument d = std::get<Invoices>(frozen.detail->value).documents.at(0);
  EXPECT_EQ(d.package_cents, 12000);
  EXPECT_EQ(d.reduction_cents, 3000);
  EXPECT_EQ(d.promo_code, "INV");
  EXPECT_EQ(d.total_cents, 9000);
  d.year = 2026;
  const Reply numbered = run_as(kClerk, RecordInvoice{d});
  ASSERT_TRUE(numbered.ok()) << numbered.message << ": the register accepts the total less the reduction";
  // A document whose reduction does not add up is refused by the register.
  InvoiceDocument wrong = d;
  wrong.attempt = 9;
  wrong.reduction_cents = 2999;
  EXPECT_EQ(run_as(kClerk, RecordInvoice{wrong}).code, ReplyCode::kInvalidArgument);
}

TEST_F(OrderPromoTest, ASnapshotWithAClaimInFlightAndUsesToGiveBackLoadsTheSameState) {
  define(amount_code("SNAP", 700, 3));
  const OrderId applied = option(), released = option(), in_flight = option();
  ASSERT_TRUE(apply(applied, "SNAP").ok());
  ASSERT_TRUE(apply(released, "SNAP").ok());
  ASSERT_TRUE(run_as(kClerk, Release{released}).ok());
  ASSERT_TRUE(run_as(kClerk, ApplyPromoCode{in_flight, "SNAP"}).ok());

  std::string bytes;
  shard_.save(&bytes);
  Result<std::unique_ptr<Shard>> loaded = Shard::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->state_hash(), shard_.state_hash());
  const std::vector<PromoClaim> pending = (*loaded)->pending_promo_claims();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].order, in_flight);
  EXPECT_EQ(pending[0].code, "SNAP");
  std::string again;
  (*loaded)->save(&again);
  EXPECT_EQ(again, bytes);
}

}  // namespace
}  // namespace tessera::engine::promo_test
