// Cashback on an order's shard (engine/commands_cashback.h). The directory
// that pays a claim is another partition: here its answer (granted or not)
// is noted by hand, as the server's chain would. The reduction with a promo
// code and a cash discount to the cent, the states and amounts that take
// cashback, the claims given back when an order closes or drops it,
// invoices showing the cashback apart, and snapshots with claims in flight.
#include <gtest/gtest.h>

#include "engine/limits.h"
#include "engine/order_money.h"
#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"

// A namespace of its own: unity builds compile this file with the other
// order tests, whose anonymous namespaces hold the same helper names.
namespace tessera::engine::cashback_test {
namespace {

constexpr PrincipalId kClerk = 14;

const CashbackUse* use_of(const Reply& r) { return r.detail ? std::get_if<CashbackUse>(&r.detail->value) : nullptr; }

class OrderCashbackTest : public ShardTest {
 protected:
  // An option of `units` of category 1 of kPerfRelease (60.00 each), for contact 7.
  OrderId option(uint32_t units = 2) {
    const Reply r = book(kPerfRelease, 1, units, now_ + 10 * kDay);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  // Step 1, then the directory's answer noted (step 3): the client's answer.
  Reply apply(OrderId order, int64_t cents, bool granted = true) {
    const Reply taken = run_as(kClerk, ApplyCashback{order, cents});
    const CashbackUse* u = taken.ok() ? use_of(taken) : nullptr;
    if (u == nullptr || u->state != PromoState::kPending) return taken;
    return run(NoteCashbackClaim{order, u->claim.attempt, granted});
  }
  // The pump's read: the shard's returns after `taken_`.
  std::vector<CashbackReturn> returns() {
    const Reply read = run(GetCashbackReturns{{taken_}});
    EXPECT_TRUE(read.ok()) << read.message;
    const auto& out = std::get<CashbackReturns>(read.detail->value).returns;
    if (!out.empty()) taken_ = out.back().seq;
    return out;
  }
  uint64_t taken_ = 0;
};

TEST_F(OrderCashbackTest, CashbackAddsToThePromoCode_AfterTheCashDiscount_ToTheCent) {
  ASSERT_TRUE(run_as(kClerk, DefinePromoCode{"ETE15", 0, 15, 0, 0, 0, kNone, 0}).ok());
  const OrderId id = option(2);  // 120.00
  ASSERT_TRUE(run_as(kClerk, SetCashDiscount{id, 1001}).ok());
  const Reply taken = run_as(kClerk, ApplyPromoCode{id, "ETE15"});
  const Promo& p = std::get<Promo>(taken.detail->value);
  ASSERT_TRUE(run(ClaimPromoUse{p.claim}).ok());
  ASSERT_TRUE(run(NotePromoClaim{id, p.claim.attempt, true, 0, 15}).ok());  // 18.00 off

  const Reply r = apply(id, 2550);
  ASSERT_TRUE(r.ok()) << r.message;
  const CashbackUse* u = use_of(r);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->state, PromoState::kApplied);
  EXPECT_EQ(u->claim.contact, ContactId{7}) << "the order's client pays it";
  EXPECT_EQ(u->reduction_cents, 1800 + 2550);
  EXPECT_EQ(u->to_pay_cents, 12000 - 1001 - 1800 - 2550);
  const OrderRecord rec = record(id);
  EXPECT_EQ(rec.cashback_cents, 2550);
  EXPECT_FALSE(rec.cashback_pending);
  EXPECT_EQ(rec.reduction_cents, 4350);
  EXPECT_EQ(rec.to_pay_cents, 6649);
  EXPECT_EQ(rec.balance_cents, 6649);
  EXPECT_NE(rec.workflow.back().detail.find("cashback applied: 2550 cents off"), std::string::npos)
      << rec.workflow.back().detail;
  EXPECT_EQ(rec.workflow.back().principal, kClerk);
}

TEST_F(OrderCashbackTest, AtMostWhatTheOrderLeavesToPay_OncePerOrder_TheSameAgainAnswersTheSame) {
  const OrderId id = option(2);  // 120.00
  expect_refused_as(kClerk, ApplyCashback{id, 12001}, ReplyCode::kInvalidArgument, "leaves 12000 cents to pay");
  expect_refused_as(kClerk, ApplyCashback{id, 0}, ReplyCode::kInvalidArgument, "in [1, ");
  ASSERT_TRUE(apply(id, 12000).ok()) << "all of it";
  EXPECT_TRUE(record(id).fully_paid);
  const uint64_t before = shard_.state_hash();
  const Reply again = run_as(kClerk, ApplyCashback{id, 12000});
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(use_of(again)->state, PromoState::kApplied);
  EXPECT_EQ(shard_.state_hash(), before) << "a retry changes nothing";
  expect_refused_as(kClerk, ApplyCashback{id, 500}, ReplyCode::kDuplicate, "RemoveCashback first");

  // While a claim is in flight another amount waits; the same completes it.
  const OrderId other = option(1);
  const Reply pending = run_as(kClerk, ApplyCashback{other, 700});
  ASSERT_EQ(use_of(pending)->state, PromoState::kPending);
  EXPECT_TRUE(record(other).cashback_pending);
  expect_refused_as(kClerk, ApplyCashback{other, 800}, ReplyCode::kBusy, "being claimed");
  expect_refused_as(kClerk, RemoveCashback{other}, ReplyCode::kBusy, "being claimed");
  EXPECT_EQ(use_of(run_as(kClerk, ApplyCashback{other, 700}))->state, PromoState::kPending);
}

TEST_F(OrderCashbackTest, AValidatedOrInvoicedOrderKeepsItsCashback_BadInputChangesNothing) {
  const OrderId sold = confirmed_by(kClerk, 2);
  expect_refused_as(kClerk, ApplyCashback{sold, 100}, ReplyCode::kInvalidState, "keeps its reductions");
  expect_refused_as(kClerk, ApplyCashback{OrderId{(uint64_t{0} << 56) | 999}, 100}, ReplyCode::kNotFound);
  expect_refused_as(kClerk, RemoveCashback{option()}, ReplyCode::kInvalidState, "takes no cashback");
  const Reply anonymous = run(Book{BookingKind::kOption,
                                   kNone,
                                   workload::kBoxOffice,
                                   {workload::demo_line(kPerfRelease, product_of(kPerfRelease), 1, 1)},
                                   now_ + 10 * kDay});
  ASSERT_TRUE(anonymous.ok()) << anonymous.message;
  expect_refused_as(kClerk, ApplyCashback{anonymous.order, 100}, ReplyCode::kInvalidState, "names no contact");

  const OrderId id = option();
  ASSERT_TRUE(apply(id, 1000).ok());
  ASSERT_TRUE(run_as(kClerk, Confirm{id, {}}).ok());
  expect_refused_as(kClerk, RemoveCashback{id}, ReplyCode::kInvalidState, "keeps its reductions");
  EXPECT_EQ(record(id).cashback_cents, 1000);
  // An invoice shows the cashback apart from the promo code; the register checks it.
  const Reply frozen = run_as(kClerk, IssueInvoice{id});
  ASSERT_TRUE(frozen.ok()) << frozen.message;
  InvoiceDocument d = std::get<Invoices>(frozen.detail->value).documents.at(0);
  EXPECT_EQ(d.reduction_cents, 1000);
  EXPECT_EQ(d.cashback_cents, 1000);
  EXPECT_EQ(d.total_cents, 11000);
  d.year = 2026;
  InvoiceDocument wrong = d;
  wrong.cashback_cents = 1001;
  EXPECT_EQ(run_as(kClerk, RecordInvoice{wrong}).code, ReplyCode::kInvalidArgument) << "more cashback than reduction";
  ASSERT_TRUE(run_as(kClerk, RecordInvoice{d}).ok());
}

TEST_F(OrderCashbackTest, ARefusedClaimLeavesNothing_AClosedOrRemovedOneGoesBackThroughTheOutbox) {
  const OrderId refused = option();
  const Reply r = apply(refused, 500, /*granted=*/false);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(use_of(r)->state, PromoState::kRefused);
  EXPECT_EQ(record(refused).cashback_cents, 0);
  EXPECT_FALSE(record(refused).cashback_pending);

  const OrderId released = option(), removed = option(), kept = option();
  ASSERT_TRUE(apply(released, 1000).ok());
  ASSERT_TRUE(apply(removed, 300).ok());
  ASSERT_TRUE(apply(kept, 200).ok());
  EXPECT_TRUE(returns().empty());
  ASSERT_TRUE(run_as(kClerk, Release{released}).ok());
  ASSERT_TRUE(run_as(kClerk, RemoveCashback{removed}).ok());
  EXPECT_EQ(record(removed).to_pay_cents, 12000);
  EXPECT_NE(record(removed).workflow.back().detail.find("cashback removed: 300 cents given back"), std::string::npos);
  const std::vector<CashbackReturn> back = returns();
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0], (CashbackReturn{0, 1, released, 1, 1000}));
  EXPECT_EQ(back[1], (CashbackReturn{0, 2, removed, 1, 300}));
  EXPECT_TRUE(returns().empty()) << "read past the pump's last seq";
  EXPECT_EQ(record(released).cashback_cents, 0) << "a closed order shows no cashback";
  // Removed, the order takes cashback again (its next attempt).
  const Reply again = apply(removed, 400);
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(use_of(again)->claim.attempt, 2u);

  // Granted after the order closed: not applied, and given back at once.
  const OrderId late = option();
  const Reply taken = run_as(kClerk, ApplyCashback{late, 600});
  ASSERT_TRUE(run_as(kClerk, Release{late}).ok());
  const Reply noted = run(NoteCashbackClaim{late, use_of(taken)->claim.attempt, true});
  EXPECT_EQ(use_of(noted)->state, PromoState::kRefused);
  const std::vector<CashbackReturn> late_back = returns();
  ASSERT_EQ(late_back.size(), 1u);
  EXPECT_EQ(late_back[0].amount_cents, 600);
}

TEST_F(OrderCashbackTest, ASnapshotWithAClaimInFlightAndReturnsLoadsTheSameState) {
  const OrderId applied = option(), released = option(), in_flight = option();
  ASSERT_TRUE(apply(applied, 700).ok());
  ASSERT_TRUE(apply(released, 800).ok());
  ASSERT_TRUE(run_as(kClerk, Release{released}).ok());
  ASSERT_TRUE(run_as(kClerk, ApplyCashback{in_flight, 900}).ok());

  std::unique_ptr<Shard> loaded = reloaded(shard_);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->state_hash(), shard_.state_hash());
  const std::vector<CashbackClaim> pending = loaded->pending_cashback_claims();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].order, in_flight);
  EXPECT_EQ(pending[0].amount_cents, 900);
  std::string once, again;
  shard_.save(&once);
  loaded->save(&again);
  EXPECT_EQ(again, once);
}

}  // namespace
}  // namespace tessera::engine::cashback_test
