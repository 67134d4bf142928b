// Sponsorship across stops, on the real RocksDB log with two shards and the
// contact directory (engine/commands_sponsorship.h): the server's chain
// checks the sponsor on the directory (a client, the order's client a new
// one); a claim taken but not checked is completed by the next start; the
// reward reaches the sponsor's cashback through the pump once the order is
// validated, also after a restart, and leaves it when the order is
// cancelled.
#include <gtest/gtest.h>

#include "engine/reply_detail.h"
#include "tests/storage/money_engine_fixture.h"

namespace tessera::storage::sponsorship_recovery_test {
namespace {

using namespace tessera::engine;

constexpr ContactId kSponsor{8};

const SponsorUse* use_of(const Reply& r) { return r.detail ? std::get_if<SponsorUse>(&r.detail->value) : nullptr; }

class SponsorshipRecovery : public MoneyEngineTest {
 protected:
  // The demo with contact 8 a client (a confirmed order, its mark pumped to
  // the directory) and terms of 15.00 off, 20.00 of reward.
  void set_up(DurableEngine& e) {
    load_demo(e);
    ASSERT_TRUE(e.shards->call(workload::demo_contact(8)).ok());
    ASSERT_TRUE(e.shards->call(Command{0, SetSponsorshipRule{kNone, 1500, 2000}}).ok());
    const OrderId first = option(e, 1000, kSponsor);
    ASSERT_TRUE(e.shards->call(Command{0, Confirm{first, {}}}).ok());
    ASSERT_TRUE(e.shards->pump_client_marks().ok());
  }
  OrderId option(DurableEngine& e, PerformanceId performance, ContactId contact = ContactId{7}) {
    const Reply r = e.shards->call(Command{0, Book{BookingKind::kOption,
                                                   contact,
                                                   workload::kBoxOffice,
                                                   {workload::demo_line(performance, workload::kProductRelease, 1, 1)},
                                                   clock_.now_ms() + 5 * kDay}});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  // SetSponsor and the server's chain after it.
  static Reply sponsor(DurableEngine& e, OrderId order, ContactId who = kSponsor) {
    runtime::WaitableCompletion done;
    e.shards->claim_sponsor_of(e.shards->call(Command{0, SetSponsor{order, who}}), &done);
    return std::move(done.wait());
  }
  static int64_t balance(DurableEngine& e, ContactId contact = kSponsor) {
    const Reply r = e.shards->call(Command{0, GetCashback{contact}});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? std::get<CashbackAccount>(r.detail->value).balance_cents : -1;
  }
};

TEST_F(SponsorshipRecovery, TheDirectoryDecides_AValidatedOrderRewardsTheSponsor_ACancelledOneTakesItBack) {
  DurableEngine e = open();
  set_up(e);
  const OrderId id = option(e, 1001);
  const Reply self = sponsor(e, id, ContactId{7});
  EXPECT_EQ(self.code, ReplyCode::kInvalidArgument) << self.message;
  const Reply named = sponsor(e, id);
  ASSERT_TRUE(named.ok()) << named.message;
  EXPECT_EQ(use_of(named)->state, PromoState::kApplied);
  EXPECT_EQ(use_of(named)->to_pay_cents, 6000 - 1500);
  EXPECT_EQ(record(e, id).sponsor, kSponsor);

  ASSERT_TRUE(e.shards->call(Command{0, Confirm{id, {}}}).ok());
  ASSERT_TRUE(e.shards->pump_cashback_returns().ok());  // (the server's own pump may have taken it first)
  EXPECT_EQ(balance(e), 2000);
  EXPECT_EQ(e.shards->pump_cashback_returns().value, 0) << "taken once";
  EXPECT_EQ(balance(e), 2000);

  // Contact 7 is a client now: it is sponsored no more.
  ASSERT_TRUE(e.shards->pump_client_marks().ok());
  const Reply again = sponsor(e, option(e, 1000));
  EXPECT_EQ(again.code, ReplyCode::kInvalidState) << again.message;
  EXPECT_NE(again.message.find("is a client already"), std::string::npos) << again.message;

  ASSERT_TRUE(e.shards->call(Command{0, CancelValidated{id, CancelledBy::kOrganiser, "météo"}}).ok());
  ASSERT_TRUE(e.shards->pump_cashback_returns().ok());
  EXPECT_EQ(balance(e), 0);
}

TEST_F(SponsorshipRecovery, AClaimTakenButNotCheckedIsCompletedByTheNextStart_TheRewardSurvivesAStop) {
  OrderId id;
  {
    DurableEngine e = open();
    set_up(e);
    id = option(e, 1001);
    // Step 1 only: the stop comes before the server asks the directory.
    const Reply taken = e.shards->call(Command{0, SetSponsor{id, kSponsor}});
    ASSERT_TRUE(taken.ok()) << taken.message;
    ASSERT_EQ(use_of(taken)->state, PromoState::kPending);
    EXPECT_TRUE(record(e, id).sponsor_pending);
  }
  {
    DurableEngine e = open();
    const OrderRecord r = record(e, id);
    EXPECT_FALSE(r.sponsor_pending);
    EXPECT_EQ(r.sponsor, kSponsor) << "the start checked and noted the claim";
    EXPECT_EQ(r.sponsorship_cents, 1500);
    // Validated just before a stop: the reward waits in the outbox, logged.
    ASSERT_TRUE(e.shards->call(Command{0, Confirm{id, {}}}).ok());
  }
  DurableEngine e = open();
  ASSERT_TRUE(e.shards->pump_cashback_returns().ok());
  EXPECT_EQ(balance(e), 2000);
  EXPECT_TRUE(record(e, id).sponsor_rewarded);
}

}  // namespace
}  // namespace tessera::storage::sponsorship_recovery_test
