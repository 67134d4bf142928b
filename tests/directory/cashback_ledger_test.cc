// A contact's cashback in the contact directory (directory/cashback_ledger.h,
// engine/commands_cashback.h): credits and takes-back to the cent, claims
// paid once per (order, attempt) and never past the balance, returns taken
// once per (shard, seq), a merge moving the duplicate's cashback, a contact
// with cashback left not deleted, and snapshots keeping all of it.
#include <gtest/gtest.h>

#include "engine/limits.h"
#include "tests/directory/directory_fixture.h"

namespace tessera::directory::cashback_test {
namespace {

using engine::CashbackAccount;
using engine::CashbackClaim;
using engine::CashbackReturn;
using engine::CashbackUse;
using engine::OrderId;
using engine::Reply;

class CashbackLedgerTest : public ContactDirectoryTest {
 protected:
  CashbackAccount account(ContactId contact) {
    const Reply r = run(engine::GetCashback{contact});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? std::get<CashbackAccount>(r.detail->value) : CashbackAccount{};
  }
  Reply claim(OrderId order, uint32_t attempt, ContactId contact, int64_t cents) {
    return run(engine::ClaimCashback{CashbackClaim{order, attempt, contact, cents, now, 3}});
  }
  void expect_sound() {
    const Status s = d.check_invariants();
    EXPECT_TRUE(s.is_ok()) << s.message();
  }
};

TEST_F(CashbackLedgerTest, CreditsAddUpToTheCent_ATakeBackStopsAtTheBalance) {
  const ContactId c = create(person("Martin", "Anne"));
  EXPECT_EQ(account(c).balance_cents, 0) << "no cashback yet";
  const Reply first = run(engine::CreditCashback{c, 2050, "fidélité 2026"});
  ASSERT_TRUE(first.ok()) << first.message;
  EXPECT_EQ(first.value, 2050);
  ASSERT_TRUE(run(engine::CreditCashback{c, 1, ""}).ok());
  ASSERT_TRUE(run(engine::CreditCashback{c, -51, "correction"}).ok());
  const CashbackAccount a = account(c);
  EXPECT_EQ(a.balance_cents, 2000);
  EXPECT_EQ(a.credited_cents, 2000);
  EXPECT_EQ(a.spent_cents, 0);
  ASSERT_EQ(a.movements.size(), 3u);
  EXPECT_EQ(a.movements[0].amount_cents, 2050);
  EXPECT_EQ(a.movements[0].label, "fidélité 2026");
  EXPECT_EQ(a.movements[0].principal, engine::PrincipalId{7});
  EXPECT_EQ(a.movements[2].amount_cents, -51);

  const Reply too_much = run(engine::CreditCashback{c, -2001, ""});
  EXPECT_EQ(too_much.code, ReplyCode::kInvalidState) << too_much.message;
  EXPECT_NE(too_much.message.find("has 2000 cents"), std::string::npos) << too_much.message;
  EXPECT_EQ(run(engine::CreditCashback{c, 0, ""}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(engine::CreditCashback{c, engine::kPaymentCentsMax + 1, ""}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(engine::CreditCashback{c, 100, std::string(engine::kCashbackLabelBytesMax + 1, 'x')}).code,
            ReplyCode::kLimitExceeded);
  EXPECT_EQ(run(engine::CreditCashback{ContactId{999}, 100, ""}).code, ReplyCode::kNotFound);
  EXPECT_EQ(run(engine::GetCashback{ContactId{999}}).code, ReplyCode::kNotFound);
  EXPECT_EQ(account(c).balance_cents, 2000) << "the refusals changed nothing";
  expect_sound();
}

TEST_F(CashbackLedgerTest, AClaimIsPaidOnce_NeverPastTheBalance) {
  const ContactId c = create(person("Martin", "Anne"));
  ASSERT_TRUE(run(engine::CreditCashback{c, 3000, ""}).ok());
  const Reply paid = claim(OrderId{101}, 1, c, 1200);
  ASSERT_TRUE(paid.ok()) << paid.message;
  EXPECT_EQ(std::get<CashbackUse>(paid.detail->value).balance_cents, 1800);
  // The same step again (a retry, a start completing it): the same, once.
  const Reply again = claim(OrderId{101}, 1, c, 1200);
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(std::get<CashbackUse>(again.detail->value).balance_cents, 1800);
  EXPECT_EQ(claim(OrderId{101}, 1, c, 1300).code, ReplyCode::kDuplicate) << "another amount for the same attempt";

  const Reply short_of = claim(OrderId{102}, 1, c, 1801);
  EXPECT_EQ(short_of.code, ReplyCode::kSoldOut) << short_of.message;
  EXPECT_NE(short_of.message.find("has 1800 cents"), std::string::npos) << short_of.message;
  ASSERT_TRUE(claim(OrderId{102}, 1, c, 1800).ok());
  const CashbackAccount a = account(c);
  EXPECT_EQ(a.balance_cents, 0);
  EXPECT_EQ(a.spent_cents, 3000);
  EXPECT_EQ(a.movements.back().order, OrderId{102});
  EXPECT_EQ(claim(OrderId{103}, 1, ContactId{999}, 100).code, ReplyCode::kNotFound) << "an unknown contact";
  EXPECT_EQ(claim(OrderId{0}, 1, c, 100).code, ReplyCode::kInvalidArgument);
  expect_sound();
}

TEST_F(CashbackLedgerTest, AReturnGivesTheClaimBackOncePerShardAndSeq) {
  const ContactId c = create(person("Martin", "Anne"));
  ASSERT_TRUE(run(engine::CreditCashback{c, 3000, ""}).ok());
  ASSERT_TRUE(claim(OrderId{101}, 1, c, 1000).ok());
  ASSERT_TRUE(claim(OrderId{102}, 1, c, 500).ok());
  const std::vector<CashbackReturn> returns = {{0, 1, OrderId{101}, 1, 1000},
                                               {1, 1, OrderId{777}, 1, 400}};  // never paid: nothing
  const Reply given = run(engine::ReturnCashback{returns});
  ASSERT_TRUE(given.ok()) << given.message;
  EXPECT_EQ(given.value, 1000);
  EXPECT_EQ(run(engine::ReturnCashback{returns}).value, 0) << "taken once";
  CashbackAccount a = account(c);
  EXPECT_EQ(a.balance_cents, 2500);
  EXPECT_EQ(a.spent_cents, 500);
  EXPECT_EQ(d.cashback_returns_taken(), (std::vector<uint64_t>{1, 1}));
  // The order's next attempt claims afresh.
  ASSERT_TRUE(claim(OrderId{101}, 2, c, 2500).ok());
  EXPECT_EQ(account(c).balance_cents, 0);
  expect_sound();
}

TEST_F(CashbackLedgerTest, AMergeMovesTheCashback_AndAClaimOfTheDuplicateReturnsToTheSurvivor) {
  const ContactId keep = create(person("Martin", "Anne"));
  const ContactId dup = create(person("Martin", "Anne", "69002"));
  ASSERT_TRUE(run(engine::CreditCashback{keep, 1000, ""}).ok());
  ASSERT_TRUE(run(engine::CreditCashback{dup, 700, ""}).ok());
  ASSERT_TRUE(claim(OrderId{101}, 1, dup, 200).ok());
  const Reply merged = run(engine::MergeContacts{keep, dup});
  ASSERT_TRUE(merged.ok()) << merged.message;
  CashbackAccount a = account(keep);
  EXPECT_EQ(a.balance_cents, 1500);
  EXPECT_EQ(a.spent_cents, 200) << "the duplicate's claim is the survivor's now";
  EXPECT_EQ(a.movements.back().label, "merged from contact " + std::to_string(dup.value()));
  expect_sound();
  // A claim naming the duplicate (an order taken before the merge) pays from the survivor.
  ASSERT_TRUE(claim(OrderId{102}, 1, dup, 500).ok());
  ASSERT_TRUE(run(engine::ReturnCashback{{{0, 1, OrderId{101}, 1, 200}}}).ok());
  a = account(keep);
  EXPECT_EQ(a.balance_cents, 1200);
  EXPECT_EQ(a.spent_cents, 500);
  expect_sound();
}

// Sponsorship (engine/commands_sponsorship.h): the directory checks who may
// sponsor whom, and the shards' outboxes carry the sponsor's reward.
TEST_F(CashbackLedgerTest, OnlyAClientSponsors_AndOnlyANewClientIsSponsored_ThroughMerges) {
  const ContactId sponsor = create(person("Martin", "Anne"));
  const ContactId newcomer = create(person("Durand", "Paul"));
  const ContactId dup = create(person("Martin", "Anne", "69002"));
  const auto check = [&](ContactId who, ContactId client) {
    return run(engine::CheckSponsor{engine::SponsorClaim{OrderId{101}, 1, who, client, 1500, 2000, now, 3}});
  };
  const auto mark_client = [&](ContactId c, uint64_t seq) {
    ASSERT_TRUE(run(engine::NoteContactClients{{engine::ClientMark{0, seq, c, now}}}).ok());
  };
  Reply r = check(sponsor, newcomer);
  EXPECT_EQ(r.code, ReplyCode::kInvalidState) << r.message;
  EXPECT_NE(r.message.find("is not a client"), std::string::npos) << r.message;
  mark_client(sponsor, 1);
  r = check(sponsor, newcomer);
  ASSERT_TRUE(r.ok()) << r.message;
  const auto& granted = std::get<engine::SponsorUse>(r.detail->value);
  EXPECT_EQ(granted.state, engine::PromoState::kApplied);
  EXPECT_EQ(granted.claim.reward_cents, 2000);
  EXPECT_EQ(check(sponsor, sponsor).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(check(ContactId{999}, newcomer).code, ReplyCode::kNotFound);
  EXPECT_EQ(check(sponsor, ContactId{999}).code, ReplyCode::kNotFound);
  EXPECT_EQ(check(engine::kNone, newcomer).code, ReplyCode::kInvalidArgument);
  mark_client(newcomer, 2);
  r = check(sponsor, newcomer);
  EXPECT_EQ(r.code, ReplyCode::kInvalidState);
  EXPECT_NE(r.message.find("is a client already"), std::string::npos) << r.message;
  // A duplicate merged into the sponsor sponsors as the survivor; and is the survivor.
  const ContactId other = create(person("Petit", "Lea"));
  ASSERT_TRUE(run(engine::MergeContacts{sponsor, dup}).ok());
  EXPECT_TRUE(check(dup, other).ok());
  EXPECT_EQ(check(dup, sponsor).code, ReplyCode::kInvalidArgument) << "the same contact after the merge";
}

TEST_F(CashbackLedgerTest, ASponsorsRewardIsCreditedOnce_ATakeBackStopsAtTheBalance) {
  const ContactId sponsor = create(person("Martin", "Anne"));
  const CashbackReturn reward{0, 1, OrderId{101}, 0, 2000, sponsor};
  ASSERT_TRUE(run(engine::ReturnCashback{{reward}}).ok());
  EXPECT_TRUE(run(engine::ReturnCashback{{reward}}).ok());
  CashbackAccount a = account(sponsor);
  EXPECT_EQ(a.balance_cents, 2000) << "taken once per (shard, seq)";
  EXPECT_EQ(a.credited_cents, 2000);
  EXPECT_EQ(a.movements.back().label, "sponsorship reward");
  EXPECT_EQ(a.movements.back().order, OrderId{101});
  // The sponsor spends some; the order is cancelled: the rest is taken back.
  ASSERT_TRUE(claim(OrderId{205}, 1, sponsor, 1500).ok());
  ASSERT_TRUE(run(engine::ReturnCashback{{{0, 2, OrderId{101}, 0, -2000, sponsor}}}).ok());
  a = account(sponsor);
  EXPECT_EQ(a.balance_cents, 0) << "what was spent stays spent";
  EXPECT_EQ(a.spent_cents, 1500);
  EXPECT_EQ(a.movements.back().amount_cents, -500);
  EXPECT_EQ(a.movements.back().label, "sponsorship reward taken back");
  expect_sound();
  // A merged sponsor's reward goes to the survivor.
  const ContactId keep = create(person("Martin", "Anne", "69002"));
  ASSERT_TRUE(run(engine::MergeContacts{keep, sponsor}).ok());
  ASSERT_TRUE(run(engine::ReturnCashback{{{1, 1, OrderId{102}, 0, 300, sponsor}}}).ok());
  EXPECT_EQ(account(keep).balance_cents, 300);
  expect_sound();
}

TEST_F(CashbackLedgerTest, AContactWithCashbackLeftIsNotDeleted) {
  const ContactId c = create(person("Martin", "Anne"));
  ASSERT_TRUE(run(engine::CreditCashback{c, 1000, ""}).ok());
  const Reply refused = run(engine::DeleteContact{c});
  EXPECT_EQ(refused.code, ReplyCode::kInvalidState) << refused.message;
  EXPECT_TRUE(d.knows(c));
  ASSERT_TRUE(run(engine::CreditCashback{c, -1000, "closing the account"}).ok());
  EXPECT_TRUE(run(engine::DeleteContact{c}).ok());
}

TEST_F(CashbackLedgerTest, ASnapshotKeepsBalancesClaimsAndReturnsTaken) {
  std::string before;
  d.save(&before);
  EXPECT_EQ(before.substr(4, 4), std::string("\x03\x00\x00\x00", 4)) << "without cashback, the v3 snapshot as before";
  const ContactId c = create(person("Martin", "Anne"));
  ASSERT_TRUE(run(engine::CreditCashback{c, 3000, "welcome"}).ok());
  ASSERT_TRUE(claim(OrderId{101}, 1, c, 1000).ok());
  ASSERT_TRUE(claim(OrderId{102}, 1, c, 500).ok());
  ASSERT_TRUE(run(engine::ReturnCashback{{{1, 4, OrderId{101}, 1, 1000}}}).ok());
  std::string bytes;
  d.save(&bytes);
  auto loaded = ContactDirectory::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->state_hash(), d.state_hash());
  EXPECT_TRUE((*loaded)->check_invariants().is_ok());
  EXPECT_EQ((*loaded)->cashback_returns_taken(), (std::vector<uint64_t>{0, 4}));
  Command get{0, engine::GetCashback{c}};
  const Reply r = (*loaded)->apply(get, now + 1000);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(std::get<CashbackAccount>(r.detail->value), account(c));
  // The claim still held pays back after the load, once.
  Command back{0, engine::ReturnCashback{{{0, 1, OrderId{102}, 1, 500}}}};
  EXPECT_EQ((*loaded)->apply(back, now + 2000).value, 500);
}

}  // namespace
}  // namespace tessera::directory::cashback_test
