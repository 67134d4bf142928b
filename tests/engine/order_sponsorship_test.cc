// Sponsorship on an order's shard (engine/commands_sponsorship.h). The
// directory that checks a sponsor is another partition: here its answer
// (granted or not) is noted by hand, as the server's chain would. The
// reduction beside a promo code and cashback to the cent, the states and
// terms that take a sponsor, the reward put in the outbox once on
// validation and taken back on cancellation, invoices showing the share
// apart, and snapshots with a claim in flight.
#include <gtest/gtest.h>

#include "engine/limits.h"
#include "engine/order_money.h"
#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"

// A namespace of its own: unity builds compile this file with the other
// order tests, whose anonymous namespaces hold the same helper names.
namespace tessera::engine::sponsorship_test {
namespace {

constexpr PrincipalId kClerk = 14;
constexpr ContactId kSponsor{8};  // the fixture's orders are contact 7's

const SponsorUse* use_of(const Reply& r) { return r.detail ? std::get_if<SponsorUse>(&r.detail->value) : nullptr; }

class OrderSponsorshipTest : public ShardTest {
 protected:
  void SetUp() override {
    ShardTest::SetUp();
    ASSERT_TRUE(run(SetSponsorshipRule{kNone, 1500, 2000}).ok());
  }
  // An option of `units` of category 1 of kPerfRelease (60.00 each), for contact 7.
  OrderId option(uint32_t units = 2) {
    const Reply r = book(kPerfRelease, 1, units, now_ + 10 * kDay);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  // Step 1, then the directory's answer noted (step 3): the client's answer.
  Reply sponsor(OrderId order, bool granted = true, ContactId who = kSponsor) {
    const Reply taken = run_as(kClerk, SetSponsor{order, who});
    const SponsorUse* u = taken.ok() ? use_of(taken) : nullptr;
    if (u == nullptr || u->state != PromoState::kPending) return taken;
    return run(NoteSponsor{order, u->claim.attempt, granted});
  }
  // The pump's read: the shard's cashback outbox after `taken_`.
  std::vector<CashbackReturn> outbox() {
    const Reply read = run(GetCashbackReturns{{taken_}});
    EXPECT_TRUE(read.ok()) << read.message;
    const auto& out = std::get<CashbackReturns>(read.detail->value).returns;
    if (!out.empty()) taken_ = out.back().seq;
    return out;
  }
  uint64_t taken_ = 0;
};

TEST_F(OrderSponsorshipTest, TheSponsorshipAddsToThePromoCodeAndTheCashback_EachWithinWhatIsLeft) {
  ASSERT_TRUE(run_as(kClerk, DefinePromoCode{"ETE15", 0, 15, 0, 0, 0, kNone, 0}).ok());
  const OrderId id = option(2);  // 120.00
  ASSERT_TRUE(run_as(kClerk, SetCashDiscount{id, 1001}).ok());
  const Reply taken = run_as(kClerk, ApplyPromoCode{id, "ETE15"});
  const Promo& p = std::get<Promo>(taken.detail->value);
  ASSERT_TRUE(run(ClaimPromoUse{p.claim}).ok());
  ASSERT_TRUE(run(NotePromoClaim{id, p.claim.attempt, true, 0, 15}).ok());  // 18.00 off
  const Reply cashback = run_as(kClerk, ApplyCashback{id, 2550});
  ASSERT_TRUE(run(NoteCashbackClaim{id, std::get<CashbackUse>(cashback.detail->value).claim.attempt, true}).ok());

  const Reply r = sponsor(id);
  ASSERT_TRUE(r.ok()) << r.message;
  const SponsorUse* u = use_of(r);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->state, PromoState::kApplied);
  EXPECT_EQ(u->claim.sponsor, kSponsor);
  EXPECT_EQ(u->claim.client, ContactId{7});
  EXPECT_EQ(u->claim.reduction_cents, 1500);
  EXPECT_EQ(u->claim.reward_cents, 2000);
  EXPECT_EQ(u->reduction_cents, 1800 + 2550 + 1500);
  EXPECT_EQ(u->to_pay_cents, 12000 - 1001 - 1800 - 2550 - 1500);
  const OrderRecord rec = record(id);
  EXPECT_EQ(rec.sponsor, kSponsor);
  EXPECT_EQ(rec.sponsorship_cents, 1500);
  EXPECT_EQ(rec.sponsor_reward_cents, 2000);
  EXPECT_FALSE(rec.sponsor_rewarded);
  EXPECT_FALSE(rec.sponsor_pending);
  EXPECT_EQ(rec.reduction_cents, 5850);
  EXPECT_EQ(rec.to_pay_cents, 5149);
  EXPECT_NE(rec.workflow.back().detail.find("sponsored by contact 8"), std::string::npos) << rec.workflow.back().detail;
  EXPECT_EQ(rec.workflow.back().principal, kClerk);

  // The reduction stops at what the order leaves: 1.00 left, 1.00 off.
  const OrderId small = option(1);                                 // 60.00
  ASSERT_TRUE(run_as(kClerk, SetCashDiscount{small, 5900}).ok());  // 1.00 left
  ASSERT_TRUE(sponsor(small).ok());
  EXPECT_EQ(record(small).sponsorship_cents, 100);
  EXPECT_EQ(record(small).to_pay_cents, 0);
}

TEST_F(OrderSponsorshipTest, OncePerOrder_TheSameAgainAnswersTheSame_BadInputChangesNothing) {
  const OrderId id = option();
  const uint64_t clean = shard_.state_hash();
  expect_refused_as(kClerk, SetSponsor{id, ContactId{7}}, ReplyCode::kInvalidArgument, "sponsor themselves");
  expect_refused_as(kClerk, SetSponsor{id, kNone}, ReplyCode::kInvalidArgument, "a contact id");
  expect_refused_as(kClerk, SetSponsor{OrderId{(uint64_t{0} << 56) | 999}, kSponsor}, ReplyCode::kNotFound);
  expect_refused_as(kClerk, RemoveSponsor{id}, ReplyCode::kInvalidState, "has no sponsor");
  EXPECT_EQ(shard_.state_hash(), clean) << "refusals change nothing";

  ASSERT_TRUE(sponsor(id).ok());
  const uint64_t before = shard_.state_hash();
  const Reply again = run_as(kClerk, SetSponsor{id, kSponsor});
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(use_of(again)->state, PromoState::kApplied);
  EXPECT_EQ(shard_.state_hash(), before) << "a retry changes nothing";
  expect_refused_as(kClerk, SetSponsor{id, ContactId{9}}, ReplyCode::kDuplicate, "RemoveSponsor first");

  // While a claim is in flight another sponsor waits; the same completes it.
  const OrderId other = option(1);
  const Reply pending = run_as(kClerk, SetSponsor{other, kSponsor});
  ASSERT_EQ(use_of(pending)->state, PromoState::kPending);
  EXPECT_TRUE(record(other).sponsor_pending);
  expect_refused_as(kClerk, SetSponsor{other, ContactId{9}}, ReplyCode::kBusy, "being checked");
  expect_refused_as(kClerk, RemoveSponsor{other}, ReplyCode::kBusy, "being checked");
  EXPECT_EQ(use_of(run_as(kClerk, SetSponsor{other, kSponsor}))->state, PromoState::kPending);

  // Refused by the directory: nothing on the order; removed: the next attempt.
  const OrderId refused = option();
  const Reply no = sponsor(refused, /*granted=*/false);
  ASSERT_TRUE(no.ok()) << no.message;
  EXPECT_EQ(use_of(no)->state, PromoState::kRefused);
  EXPECT_EQ(record(refused).sponsor, kNone);
  EXPECT_EQ(record(refused).reduction_cents, 0);
  ASSERT_TRUE(run_as(kClerk, RemoveSponsor{id}).ok());
  EXPECT_EQ(record(id).reduction_cents, 0);
  EXPECT_NE(record(id).workflow.back().detail.find("sponsor 8 removed"), std::string::npos);
  const Reply renamed = sponsor(id, true, ContactId{9});
  ASSERT_TRUE(renamed.ok()) << renamed.message;
  EXPECT_EQ(use_of(renamed)->claim.attempt, 2u);
  EXPECT_EQ(record(id).sponsor, ContactId{9});
}

TEST_F(OrderSponsorshipTest, ProductTermsDecide_ALaterRuleChangesLaterOrdersOnly) {
  ASSERT_TRUE(run(SetSponsorshipRule{workload::kProductRelease, 0, 0}).ok());
  const OrderId none = option();
  expect_refused_as(kClerk, SetSponsor{none, kSponsor}, ReplyCode::kInvalidState, "no sponsorship terms");
  EXPECT_EQ(run(SetSponsorshipRule{ProductId{999}, 1, 1}).code, ReplyCode::kNotFound);
  EXPECT_EQ(run(SetSponsorshipRule{kNone, -1, 0}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(SetSponsorshipRule{kNone, 0, kPaymentCentsMax + 1}).code, ReplyCode::kInvalidArgument);

  ASSERT_TRUE(run(SetSponsorshipRule{workload::kProductRelease, 1000, 500}).ok());
  const OrderId id = option();
  ASSERT_TRUE(sponsor(id).ok());
  ASSERT_TRUE(run(SetSponsorshipRule{workload::kProductRelease, 3000, 3000}).ok());
  EXPECT_EQ(record(id).sponsorship_cents, 1000) << "the terms when the sponsor was named";
  EXPECT_EQ(record(id).sponsor_reward_cents, 500);
}

TEST_F(OrderSponsorshipTest, ValidationRewardsTheSponsorOnce_CancellationTakesItBack_AndTheInvoiceShowsTheShare) {
  const OrderId id = option();  // 120.00
  ASSERT_TRUE(sponsor(id).ok());
  EXPECT_TRUE(outbox().empty()) << "no reward before the sale";
  // A payment that validates the option (the default rule: any payment).
  ASSERT_TRUE(run_as(kClerk, AddPayment{id, PaymentMode::kCheque, 5000, 0, kNone, kNone, "DUPONT", {}, {}}).ok());
  ASSERT_EQ(record(id).state, OrderState::kConfirmed);
  const std::vector<CashbackReturn> reward = outbox();
  ASSERT_EQ(reward.size(), 1u);
  EXPECT_EQ(reward[0], (CashbackReturn{0, 1, id, 0, 2000, kSponsor}));
  EXPECT_TRUE(record(id).sponsor_rewarded);
  EXPECT_NE(record(id).workflow.back().detail.find("sponsor rewarded: 2000 cents"), std::string::npos);
  // More payments on the validated order: no second reward.
  ASSERT_TRUE(run_as(kClerk, AddPayment{id, PaymentMode::kCash, 1000, 0, kNone, kNone, {}, {}, {}}).ok());
  EXPECT_TRUE(outbox().empty());
  expect_refused_as(kClerk, RemoveSponsor{id}, ReplyCode::kInvalidState, "keeps its reductions");
  expect_refused_as(kClerk, SetSponsor{id, ContactId{9}}, ReplyCode::kInvalidState, "keeps its reductions");

  const Reply frozen = run_as(kClerk, IssueInvoice{id});
  ASSERT_TRUE(frozen.ok()) << frozen.message;
  InvoiceDocument d = std::get<Invoices>(frozen.detail->value).documents.at(0);
  EXPECT_EQ(d.reduction_cents, 1500);
  EXPECT_EQ(d.sponsorship_cents, 1500);
  EXPECT_EQ(d.cashback_cents, 0);
  EXPECT_EQ(d.total_cents, 10500);
  d.year = 2026;
  InvoiceDocument wrong = d;
  wrong.sponsorship_cents = 1501;
  EXPECT_EQ(run_as(kClerk, RecordInvoice{wrong}).code, ReplyCode::kInvalidArgument) << "more than the reduction";

  // Cancelled by the organiser (with cashback too): the reward is taken
  // back, once, and the cancellation's documents bill no reduction.
  const OrderId other = option();
  ASSERT_TRUE(sponsor(other).ok());
  const Reply cashback = run_as(kClerk, ApplyCashback{other, 500});
  ASSERT_TRUE(run(NoteCashbackClaim{other, std::get<CashbackUse>(cashback.detail->value).claim.attempt, true}).ok());
  ASSERT_TRUE(run_as(kClerk, Confirm{other, {}}).ok());
  ASSERT_EQ(outbox().size(), 1u);
  const Reply cancelled = run_as(kClerk, CancelValidated{other, CancelledBy::kOrganiser, "météo"});
  ASSERT_TRUE(cancelled.ok()) << cancelled.message;
  for (InvoiceDocument doc : std::get<Invoices>(cancelled.detail->value).documents) {
    EXPECT_EQ(doc.cashback_cents + doc.sponsorship_cents, 0);
    doc.year = 2026;
    const Reply numbered = run_as(kClerk, RecordInvoice{doc});
    EXPECT_TRUE(numbered.ok()) << numbered.message;
  }
  const std::vector<CashbackReturn> back = outbox();
  ASSERT_EQ(back.size(), 2u) << "the cashback goes back to the client, the reward leaves the sponsor";
  EXPECT_EQ(back[0], (CashbackReturn{0, 3, other, 1, 500}));
  EXPECT_EQ(back[1], (CashbackReturn{0, 4, other, 0, -2000, kSponsor}));
  EXPECT_FALSE(record(other).sponsor_rewarded);

  // Released before validation: nothing was given, nothing is taken back.
  const OrderId released = option();
  ASSERT_TRUE(sponsor(released).ok());
  ASSERT_TRUE(run_as(kClerk, Release{released}).ok());
  EXPECT_TRUE(outbox().empty());
}

TEST_F(OrderSponsorshipTest, CheckedAfterTheOrderWasValidatedOrReleased_NothingIsApplied) {
  const OrderId sold = option();
  const Reply taken = run_as(kClerk, SetSponsor{sold, kSponsor});
  ASSERT_TRUE(run_as(kClerk, Confirm{sold, {}}).ok());
  const Reply noted = run(NoteSponsor{sold, use_of(taken)->claim.attempt, true});
  EXPECT_EQ(use_of(noted)->state, PromoState::kRefused);
  EXPECT_EQ(record(sold).sponsor, kNone);
  EXPECT_TRUE(outbox().empty()) << "validated without a sponsor: no reward";
  const Reply again = run(NoteSponsor{sold, use_of(taken)->claim.attempt, true});
  EXPECT_EQ(use_of(again)->state, PromoState::kRefused) << "noted once";
}

TEST_F(OrderSponsorshipTest, ASnapshotWithAClaimInFlightARewardAndRulesLoadsTheSameState) {
  const OrderId named = option(), rewarded = option(), in_flight = option();
  ASSERT_TRUE(sponsor(named).ok());
  ASSERT_TRUE(sponsor(rewarded).ok());
  ASSERT_TRUE(run_as(kClerk, Confirm{rewarded, {}}).ok());
  ASSERT_TRUE(run_as(kClerk, SetSponsor{in_flight, kSponsor}).ok());

  std::unique_ptr<Shard> loaded = reloaded(shard_);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->state_hash(), shard_.state_hash());
  const std::vector<SponsorClaim> pending = loaded->pending_sponsor_claims();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].order, in_flight);
  EXPECT_EQ(pending[0].sponsor, kSponsor);
  std::string once, again;
  shard_.save(&once);
  loaded->save(&again);
  EXPECT_EQ(again, once);
}

}  // namespace
}  // namespace tessera::engine::sponsorship_test
