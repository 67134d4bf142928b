// Pre-registrations on one shard (engine/commands_preregistrations.h): a
// submission holds its stock at once as an option for nobody, a retry of
// the same reference changes nothing, the operator's match and deletion,
// the three integration methods with their options, an integration retried
// under the same key, a lapsed option booked again or refused, and
// snapshots. The directory's match and the parts on other shards are the
// server's steps (tests/storage/pre_registration_recovery_test.cc).
#include <gtest/gtest.h>

#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "tests/engine/pre_registration_support.h"
#include "tests/engine/shard_fixture.h"

namespace tessera::engine::pre_registration_test {
namespace {

constexpr PrincipalId kShop = 21, kClerk = 14;
constexpr ContactId kAnne{7};

using namespace testing_prereg;

class PreRegistrationTest : public ShardTest {
 protected:
  void SetUp() override {
    for (uint32_t product : {1u, 2u, 3u})
      for (BookingKind kind : {BookingKind::kOption, BookingKind::kReservation})
        ASSERT_TRUE(run(SetOptionLifetime{product, workload::kWeb, kind, 3 * kDay}).ok());
  }
  static SubmitPreRegistration request(std::string reference, uint32_t units = 2,
                                       PerformanceId performance = kPerfRelease) {
    SubmitPreRegistration c;
    c.channel = workload::kWeb;
    c.reference = std::move(reference);
    c.requester = anne_requesting();
    c.lines = {workload::demo_line(performance, product_of(performance), 1, units)};
    c.text = "two seats near the aisle, please";
    return c;
  }
  uint64_t submit(SubmitPreRegistration c) {
    const Reply r = run_as(kShop, std::move(c));
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? page_of(r).rows.at(0).id : 0;
  }
  PreRegRow row(uint64_t id) {
    const Reply r = run(ListPreRegistrations{0b1111, kNone, id - 1, 1});
    EXPECT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(page_of(r).rows.size(), 1u);
    return page_of(r).rows.empty() ? PreRegRow{} : page_of(r).rows[0];
  }
  // Step 2 of an integration, as the server sends it with `decisions`.
  Reply apply(IntegrationOptions o, std::vector<IntegrationDecision> decisions, uint64_t key = 0) {
    return run_as(kClerk, ApplyPreRegistrations{key, std::move(o), std::move(decisions)});
  }
  static IntegrationOptions method(IntegrationMethod m, IntegrationLevel level = IntegrationLevel::kOption) {
    IntegrationOptions o;
    o.method = m;
    o.level = level;
    return o;
  }
};

TEST_F(PreRegistrationTest, ASubmissionHoldsItsStockAsAnOptionForNobody_ARetryOfTheReferenceChangesNothing) {
  const int64_t before = available(kPerfRelease, 1);
  const uint64_t id = submit(request("CART-1"));
  ASSERT_NE(id, 0u);
  EXPECT_EQ(prereg_shard(id), 0u);
  EXPECT_EQ(available(kPerfRelease, 1), before - 2) << "held at once";
  const PreRegRow r = row(id);
  EXPECT_EQ(r.status, PreRegStatus::kPending);
  EXPECT_EQ(r.reference, "CART-1");
  EXPECT_EQ(r.requester.email, "anne@example.org");
  EXPECT_EQ(r.submitted_by, kShop);
  EXPECT_EQ(r.submitted_ms, now_);
  EXPECT_EQ(r.text, "two seats near the aisle, please");
  ASSERT_EQ(r.orders.size(), 1u);
  EXPECT_TRUE(r.missing_shards.empty());
  const OrderRecord option = record(r.orders[0]);
  EXPECT_EQ(option.state, OrderState::kOption);
  EXPECT_EQ(option.contact, ContactId{kNone});
  EXPECT_EQ(option.deadline_ms, now_ + 3 * kDay) << "the product's option lifetime on the shop's channel";

  const uint64_t hash = shard_.state_hash();
  const Reply again = run_as(kShop, request("CART-1"));
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(page_of(again).rows.at(0).id, id);
  EXPECT_EQ(shard_.state_hash(), hash) << "a retry changes nothing";
  EXPECT_EQ(available(kPerfRelease, 1), before - 2);

  SubmitPreRegistration other = request("CART-1");
  other.requester.first_name = "Paul";
  expect_refused_as(kShop, other, ReplyCode::kDuplicate, "another request");
  const Reply listed = run(ListPreRegistrations{});
  EXPECT_EQ(listed.value, 1) << "the pending count";
}

TEST_F(PreRegistrationTest, BadRequestsAreRefusedAndChangeNothing) {
  SubmitPreRegistration c = request("");
  expect_refused_as(kShop, c, ReplyCode::kInvalidArgument, "reference");
  c = request("R");
  c.requester.last_name.clear();
  expect_refused_as(kShop, c, ReplyCode::kInvalidArgument, "last name");
  c = request("R");
  c.requester.birth_date = 19801345;
  expect_refused_as(kShop, c, ReplyCode::kInvalidArgument, "not a date");
  c = request("R");
  c.requester.authenticated = true;  // without the client number
  expect_refused_as(kShop, c, ReplyCode::kInvalidArgument, "authenticated");
  c = request("R");
  c.requester.email = "nobody";
  expect_refused_as(kShop, c, ReplyCode::kInvalidArgument, "no '@'");
  c = request("R");
  c.lines.clear();
  expect_refused_as(kShop, c, ReplyCode::kInvalidArgument, "lines");
  c = request("R", 100'000);
  expect_refused_as(kShop, c, ReplyCode::kLimitExceeded, "units per line");
  expect_refused_as(kClerk, ListPreRegistrations{0, kNone, 0, kPreRegRowsMax + 1}, ReplyCode::kInvalidArgument);
  expect_refused_as(kClerk, SetPreRegistrationMatch{{1}, MatchMode::kContact, kNone}, ReplyCode::kInvalidArgument);
  expect_refused_as(kClerk, IntegratePreRegistrations{{}, method(IntegrationMethod{0})}, ReplyCode::kInvalidArgument);
  IntegrationOptions with_rep = method(IntegrationMethod::kIdentifiedBooked);
  with_rep.sales_rep = ContactId{3};
  expect_refused_as(kClerk, IntegratePreRegistrations{{}, with_rep}, ReplyCode::kInvalidArgument, "first method");
  EXPECT_EQ(run(ListPreRegistrations{}).value, 0);
}

TEST_F(PreRegistrationTest, DeletionReturnsTheStock_TheRequestStaysListedAsDeleted) {
  const int64_t before = available(kPerfRelease, 1);
  const uint64_t id = submit(request("CART-2", 3));
  const OrderId option = row(id).orders.at(0);
  const Reply r = run_as(kClerk, DeletePreRegistrations{{id, 999}});
  ASSERT_TRUE(r.ok()) << r.message;
  ASSERT_EQ(results_of(r).results.size(), 2u);
  EXPECT_EQ(results_of(r).results[0].outcome, PreRegOutcome::kDone);
  EXPECT_EQ(results_of(r).results[1].outcome, PreRegOutcome::kNotFound);
  EXPECT_EQ(available(kPerfRelease, 1), before);
  EXPECT_EQ(state(option), OrderState::kReleased);
  EXPECT_EQ(row(id).status, PreRegStatus::kDeleted);
  EXPECT_EQ(run(ListPreRegistrations{}).value, 0) << "no longer pending";
  const Reply again = run_as(kClerk, DeletePreRegistrations{{id}});
  EXPECT_EQ(results_of(again).results[0].outcome, PreRegOutcome::kWrongStatus);
  // The shop may send the same cart again: a new request.
  const uint64_t fresh = submit(request("CART-2", 3));
  EXPECT_NE(fresh, id);
}

TEST_F(PreRegistrationTest, MethodTwo_BooksTheIdentified_FilesTheOthers_AtTheLevelAsked) {
  const int64_t before = available(kPerfRelease, 1);
  const uint64_t known = submit(request("A"));
  const uint64_t unknown = submit(request("B", 1));
  const uint64_t by_hand = submit(request("C", 1));
  ASSERT_TRUE(run_as(kClerk, SetPreRegistrationMatch{{by_hand}, MatchMode::kContact, kAnne}).ok());
  EXPECT_EQ(row(by_hand).match.contact, kAnne);
  EXPECT_EQ(row(by_hand).match.basis, MatchBasis::kOperator);

  const Reply r = apply(method(IntegrationMethod::kIdentifiedBooked, IntegrationLevel::kReservation),
                        {{known, kAnne, MatchBasis::kEmailAndName},
                         {unknown, kNone, MatchBasis::kUnmatched},
                         {by_hand, kAnne, MatchBasis::kOperator}});
  ASSERT_TRUE(r.ok()) << r.message;
  const auto& out = results_of(r).results;
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].outcome, PreRegOutcome::kBooked);
  EXPECT_EQ(out[0].state, OrderState::kReservation);
  EXPECT_EQ(out[1].outcome, PreRegOutcome::kFiled);
  EXPECT_EQ(out[1].lead, unknown);
  EXPECT_EQ(out[2].outcome, PreRegOutcome::kBooked);

  const OrderRecord booked = record(out[0].order);
  EXPECT_EQ(booked.contact, kAnne);
  EXPECT_EQ(booked.state, OrderState::kReservation);
  EXPECT_EQ(booked.lines.at(0).quantity, 2u);
  EXPECT_EQ(row(known).status, PreRegStatus::kBooked);
  EXPECT_EQ(row(known).booked, out[0].order);
  // The unknown requester's stock returned; the booked ones keep theirs.
  EXPECT_EQ(available(kPerfRelease, 1), before - 3);
  const Reply leads = run(ListLeads{kNone, "", 0, 0, 10});
  ASSERT_TRUE(leads.ok()) << leads.message;
  const LeadPage& lp = std::get<LeadPage>(leads.detail->value);
  ASSERT_EQ(lp.rows.size(), 1u);
  EXPECT_EQ(lp.rows[0].id, unknown);
  EXPECT_EQ(lp.rows[0].contact, ContactId{kNone});
  EXPECT_EQ(lp.rows[0].requester.last_name, "MARTIN");
  EXPECT_TRUE(lp.rows[0].kept_options.empty());
  EXPECT_EQ(lp.rows[0].sales_rep, ContactId{kNone}) << "a sales representative is the first method's only";
  EXPECT_EQ(run(ListPreRegistrations{}).value, 0);
}

TEST_F(PreRegistrationTest, MethodTwo_Confirmed_MakesTheContactAClient) {
  const uint64_t id = submit(request("A"));
  const Reply r = apply(method(IntegrationMethod::kIdentifiedBooked, IntegrationLevel::kConfirmed),
                        {{id, kAnne, MatchBasis::kEmailAndName}});
  ASSERT_EQ(results_of(r).results.at(0).outcome, PreRegOutcome::kBooked);
  EXPECT_EQ(results_of(r).results[0].state, OrderState::kConfirmed);
  EXPECT_NE(shard_.contacts().client_since(kAnne), 0) << "a validated order makes a client";
}

TEST_F(PreRegistrationTest, MethodOne_FilesEverything_WithTheRepresentativeAndSector_KeepOptionKeepsTheStock) {
  const int64_t before = available(kPerfRelease, 1);
  const uint64_t a = submit(request("A"));
  const uint64_t b = submit(request("B", 1));
  IntegrationOptions o = method(IntegrationMethod::kAllFiled);
  o.sales_rep = ContactId{9};
  o.sector = "Rhône-Alpes";
  o.keep_option = true;
  const Reply r = apply(o, {{a, kAnne, MatchBasis::kNumber}, {b, kNone, MatchBasis::kUnmatched}});
  const auto& out = results_of(r).results;
  EXPECT_EQ(out.at(0).outcome, PreRegOutcome::kFiled);
  EXPECT_EQ(out.at(1).outcome, PreRegOutcome::kFiled);
  EXPECT_EQ(available(kPerfRelease, 1), before - 3) << "kept as options";
  EXPECT_EQ(record(out[0].order).contact, kAnne) << "the kept option is the matched contact's";
  const Reply leads = run(ListLeads{ContactId{9}, "Rhône-Alpes", 0, 0, 10});
  EXPECT_EQ(std::get<LeadPage>(leads.detail->value).rows.size(), 2u);
  EXPECT_EQ(run(ListLeads{ContactId{10}, "", 0, 0, 10}).value, 0) << "filtered by representative";
  EXPECT_EQ(run(ListLeads{kNone, "Bretagne", 0, 0, 10}).value, 0) << "filtered by sector";
  const Reply won = run_as(kClerk, SetLeadStatus{a, LeadStatus::kWon});
  ASSERT_TRUE(won.ok()) << won.message;
  EXPECT_EQ(run(ListLeads{kNone, "", 1u << static_cast<unsigned>(LeadStatus::kWon), 0, 10}).value, 1);
}

TEST_F(PreRegistrationTest, MethodThree_BooksOnlyAuthenticatedRequesters) {
  SubmitPreRegistration signed_in = request("A");
  signed_in.requester.authenticated = true;
  signed_in.requester.contact_number = 100'000'000'007;
  const uint64_t a = submit(signed_in);
  const uint64_t b = submit(request("B", 1));  // matched by e-mail, but not signed in
  const Reply r = apply(method(IntegrationMethod::kAuthenticatedBooked),
                        {{a, kAnne, MatchBasis::kNumber}, {b, kAnne, MatchBasis::kEmailAndName}});
  const auto& out = results_of(r).results;
  EXPECT_EQ(out.at(0).outcome, PreRegOutcome::kBooked);
  EXPECT_EQ(out.at(0).state, OrderState::kOption);
  EXPECT_EQ(out.at(1).outcome, PreRegOutcome::kFiled);
  EXPECT_EQ(std::get<LeadPage>(run(ListLeads{kNone, "", 0, 0, 10}).detail->value).rows.at(0).contact, kAnne)
      << "a filed request keeps its match";
}

TEST_F(PreRegistrationTest, TheSameIntegrationAgainAnswersTheSameAndChangesNothing) {
  const uint64_t a = submit(request("A"));
  const uint64_t b = submit(request("B", 1));
  const std::vector<IntegrationDecision> decisions = {{a, kAnne, MatchBasis::kNumber},
                                                      {b, kNone, MatchBasis::kUnmatched}};
  const Reply first = apply(method(IntegrationMethod::kIdentifiedBooked), decisions, 77);
  const uint64_t hash = shard_.state_hash();
  const Reply again = apply(method(IntegrationMethod::kIdentifiedBooked), decisions, 77);
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(shard_.state_hash(), hash);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(results_of(again).results[i].outcome, results_of(first).results[i].outcome);
    EXPECT_EQ(results_of(again).results[i].order, results_of(first).results[i].order);
  }
  const Reply other = apply(method(IntegrationMethod::kIdentifiedBooked), decisions, 78);
  EXPECT_EQ(results_of(other).results[0].outcome, PreRegOutcome::kWrongStatus);
  EXPECT_EQ(shard_.state_hash(), hash);
}

TEST_F(PreRegistrationTest, ALapsedOptionIsBookedAgain_OrRefusedWhenTheStockIsGone_StayingPending) {
  const uint64_t id = submit(request("A", 2));
  const OrderId option = row(id).orders.at(0);
  ASSERT_TRUE(run_as(kClerk, Release{option}).ok());  // released by a follow-up, say
  const Reply booked = apply(method(IntegrationMethod::kIdentifiedBooked), {{id, kAnne, MatchBasis::kNumber}});
  const PreRegResult& r = results_of(booked).results.at(0);
  ASSERT_EQ(r.outcome, PreRegOutcome::kBooked) << r.reason;
  EXPECT_NE(r.order, option) << "a new option";
  EXPECT_EQ(record(r.order).contact, kAnne);

  const uint64_t late = submit(request("B", 2));
  ASSERT_TRUE(run_as(kClerk, Release{row(late).orders.at(0)}).ok());
  // Sell out category 1 of the performance.
  const int64_t left = available(kPerfRelease, 1, workload::kBoxOffice);
  ASSERT_TRUE(book(kPerfRelease, 1, static_cast<uint32_t>(left), now_ + kDay).ok());
  const uint64_t hash = shard_.state_hash();
  const Reply refused = apply(method(IntegrationMethod::kIdentifiedBooked), {{late, kAnne, MatchBasis::kNumber}});
  EXPECT_EQ(results_of(refused).results.at(0).outcome, PreRegOutcome::kRefused);
  EXPECT_FALSE(results_of(refused).results[0].reason.empty());
  EXPECT_EQ(shard_.state_hash(), hash) << "a refused request changes nothing";
  EXPECT_EQ(row(late).status, PreRegStatus::kPending);
}

TEST_F(PreRegistrationTest, ASnapshotKeepsRequestsAndLeads_TheLoadedShardAnswersTheSame) {
  const uint64_t a = submit(request("A"));
  const uint64_t b = submit(request("B", 1));
  ASSERT_TRUE(run_as(kClerk, SetPreRegistrationMatch{{b}, MatchMode::kNoContact, kNone}).ok());
  apply(method(IntegrationMethod::kAllFiled), {{b, kNone, MatchBasis::kUnmatched}}, 5);
  std::unique_ptr<Shard> loaded = reloaded(shard_);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->state_hash(), shard_.state_hash());
  const Command retry{0, request("A")};
  const Reply here = shard_.apply(retry, now_);
  const Reply there = loaded->apply(retry, now_);
  EXPECT_EQ(page_of(there).rows.at(0).id, a);
  EXPECT_EQ(page_of(here).rows.at(0).id, page_of(there).rows.at(0).id);
  const Command next{0, request("C")};
  EXPECT_EQ(page_of(shard_.apply(next, now_)).rows.at(0).id, page_of(loaded->apply(next, now_)).rows.at(0).id)
      << "the id sequence survives";
  EXPECT_EQ(loaded->state_hash(), shard_.state_hash());
  EXPECT_TRUE(loaded->check_invariants().is_ok());
}

// A performance's responsible and assistant (the people an integration
// tells of its bookings): set, read back, replaced, cleared; exported with
// the catalog; kept by a snapshot; bad ones refused without a change.
class PerformanceStaffTest : public ShardTest {
 protected:
  PerformanceCard card(PerformanceId p) {
    const Reply r = run(GetPerformance{p});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() && r.detail ? std::get<PerformanceCard>(r.detail->value) : PerformanceCard{};
  }
  std::vector<SetPerformanceStaff> exported() {
    const Reply r = run(ExportCatalog{});
    EXPECT_TRUE(r.ok()) << r.message;
    std::vector<SetPerformanceStaff> out;
    for (const Command& c : std::get<CatalogExport>(r.detail->value).commands)
      if (const auto* s = std::get_if<SetPerformanceStaff>(&c.body)) out.push_back(*s);
    return out;
  }
};

TEST_F(PerformanceStaffTest, SetReadBackReplacedAndCleared_ExportedAndKeptByASnapshot) {
  const PerformanceCard none = card(kPerfRelease);
  EXPECT_EQ(none.performance, kPerfRelease);
  EXPECT_EQ(none.product, ProductId{workload::kProductRelease});
  EXPECT_EQ(none.responsible, ContactId{kNone});
  EXPECT_EQ(none.assistant, ContactId{kNone});
  EXPECT_TRUE(exported().empty());

  ASSERT_TRUE(run(SetPerformanceStaff{kPerfRelease, ContactId{21}, ContactId{22}}).ok());
  ASSERT_TRUE(run(SetPerformanceStaff{kPerfKeep, ContactId{23}, kNone}).ok());
  EXPECT_EQ(card(kPerfRelease).responsible, ContactId{21});
  EXPECT_EQ(card(kPerfRelease).assistant, ContactId{22});
  EXPECT_EQ(card(kPerfKeep).responsible, ContactId{23});
  EXPECT_EQ(card(kPerfOverdue).responsible, ContactId{kNone}) << "another performance has none";
  EXPECT_EQ(exported(), (std::vector<SetPerformanceStaff>{{kPerfRelease, ContactId{21}, ContactId{22}},
                                                          {kPerfKeep, ContactId{23}, kNone}}));

  std::unique_ptr<Shard> loaded = reloaded(shard_);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->state_hash(), shard_.state_hash());
  const Reply there = loaded->apply(Command{0, GetPerformance{kPerfRelease}}, now_);
  ASSERT_TRUE(there.ok()) << there.message;
  EXPECT_EQ(std::get<PerformanceCard>(there.detail->value).assistant, ContactId{22});

  ASSERT_TRUE(run(SetPerformanceStaff{kPerfRelease, kNone, ContactId{24}}).ok());
  EXPECT_EQ(card(kPerfRelease).responsible, ContactId{kNone});
  EXPECT_EQ(card(kPerfRelease).assistant, ContactId{24});
  ASSERT_TRUE(run(SetPerformanceStaff{kPerfRelease, kNone, kNone}).ok());
  ASSERT_TRUE(run(SetPerformanceStaff{kPerfKeep, kNone, kNone}).ok());
  EXPECT_TRUE(exported().empty());
  EXPECT_EQ(card(kPerfRelease).assistant, ContactId{kNone});
}

TEST_F(PerformanceStaffTest, AnUnknownPerformanceOrAReservedContactIsRefusedAndChangesNothing) {
  ASSERT_TRUE(run(SetPerformanceStaff{kPerfRelease, ContactId{21}, kNone}).ok());
  expect_refused_as(kClerk, SetPerformanceStaff{PerformanceId{4242}, ContactId{21}, kNone}, ReplyCode::kNotFound,
                    "performance 4242");
  expect_refused_as(kClerk, SetPerformanceStaff{kPerfRelease, ContactId{kIdReserved}, kNone},
                    ReplyCode::kInvalidArgument, "reserved");
  EXPECT_EQ(run(GetPerformance{PerformanceId{4242}}).code, ReplyCode::kNotFound);
  EXPECT_EQ(card(kPerfRelease).responsible, ContactId{21});
}

}  // namespace
}  // namespace tessera::engine::pre_registration_test
