// Pre-registrations through the server's steps, on the real RocksDB log with
// two shards and the contact directory (engine/commands_preregistrations.h):
// a request spanning both shards placed and shown as one, the directory's
// match by client number, e-mail, name and birth date or postcode, an
// integration (method 2) whose retry under the same key changes nothing,
// and a stop between the two shards' integration commands: every request
// is integrated or still pending afterwards, and the retry completes it.
#include <gtest/gtest.h>

#include "engine/reply_detail.h"
#include "tests/engine/pre_registration_support.h"
#include "tests/storage/money_engine_fixture.h"

namespace tessera::storage::pre_registration_recovery_test {
namespace {

using namespace tessera::engine;

using namespace engine::testing_prereg;

class PreRegistrationRecovery : public MoneyEngineTest {
 protected:
  void set_up(DurableEngine& e) {
    load_demo(e);
    for (BookingKind kind : {BookingKind::kOption, BookingKind::kReservation})
      ASSERT_TRUE(
          e.shards->call(Command{0, SetOptionLifetime{workload::kProductRelease, workload::kWeb, kind, 3 * kDay}})
              .ok());
    // Contact 20: Anne MARTIN, anne@example.org, born 1980-02-14, 69001.
    const ContactFields anne = anne_martin();
    ASSERT_TRUE(e.shards->call(Command{0, CreateContact{ContactId{20}, 5001, anne}}).ok());
    // Contact 21: Paul DURAND, no e-mail, born 1975-06-01.
    ContactFields paul = anne_martin();
    paul.civility = "M.";
    paul.last_name = "DURAND";
    paul.first_name = "Paul";
    paul.email.clear();
    paul.birth_date = 19750601;
    ASSERT_TRUE(e.shards->call(Command{0, CreateContact{ContactId{21}, 5002, paul}}).ok());
  }
  // A request for `units` of performances 1000 (shard 0) and 1001 (shard 1).
  static SubmitPreRegistration request(std::string reference, Requester who, uint32_t units = 1) {
    SubmitPreRegistration c;
    c.channel = workload::kWeb;
    c.reference = std::move(reference);
    c.requester = std::move(who);
    c.lines = {workload::demo_line(1000, workload::kProductRelease, 1, units),
               workload::demo_line(1001, workload::kProductRelease, 1, units)};
    return c;
  }
  static Requester person(std::string last, std::string first, std::string email = "", uint32_t born = 0,
                          std::string postcode = "") {
    Requester q;
    q.last_name = std::move(last);
    q.first_name = std::move(first);
    q.email = std::move(email);
    q.birth_date = born;
    q.postcode = std::move(postcode);
    return q;
  }
  // SubmitPreRegistration and the server's step 2.
  static Reply submit(DurableEngine& e, SubmitPreRegistration c) {
    Command command{0, std::move(c), PrincipalId{3}};
    runtime::WaitableCompletion done;
    e.shards->place_pre_registration(command, e.shards->call(command), &done);
    return std::move(done.wait());
  }
  static Reply list(DurableEngine& e, uint8_t statuses = 0) {
    runtime::WaitableCompletion done;
    e.shards->match_pre_registrations(e.shards->call(Command{0, ListPreRegistrations{statuses, kNone, 0, 100}}), &done);
    return std::move(done.wait());
  }
  static Reply integrate(DurableEngine& e, IntegratePreRegistrations c, RequestKey key) {
    Command command{key, std::move(c), PrincipalId{4}};
    runtime::WaitableCompletion done;
    e.shards->integrate_pre_registrations(command, e.shards->call(command), &done);
    return std::move(done.wait());
  }
  static IntegrationOptions method_two() {
    IntegrationOptions o;
    o.method = IntegrationMethod::kIdentifiedBooked;
    o.level = IntegrationLevel::kReservation;
    return o;
  }
  // The pending parts shard `s` holds (its own reply, unmerged).
  static size_t pending_on(DurableEngine& e, uint32_t s) {
    runtime::WaitableCompletion done;
    EXPECT_TRUE(e.shards->runner(s).submit(Command{0, ListPreRegistrations{0, kNone, 0, 100}}, &done));
    const Reply& r = done.wait();
    return r.ok() ? page_of(r).rows.size() : 1000;
  }
  static int64_t available(DurableEngine& e, PerformanceId p) {
    return e.shards->call(Command{0, GetAvailability{p, 1, kNone, workload::kWeb, kNone}}).value;
  }
};

TEST_F(PreRegistrationRecovery, ARequestOnTwoShardsIsPlacedAndListedAsOne_TheDirectoryMatchesByEachRule) {
  DurableEngine e = open();
  set_up(e);
  const int64_t free0 = available(e, 1000), free1 = available(e, 1001);
  const Reply placed = submit(e, request("W-1", person("Martin", "Anne", "ANNE@example.org"), 2));
  ASSERT_TRUE(placed.ok()) << placed.message;
  const PreRegRow& row = page_of(placed).rows.at(0);
  EXPECT_EQ(row.lines.size(), 2u);
  EXPECT_EQ(row.orders.size(), 2u) << "an option on each shard";
  EXPECT_TRUE(row.missing_shards.empty());
  EXPECT_EQ(available(e, 1000), free0 - 2);
  EXPECT_EQ(available(e, 1001), free1 - 2);

  ASSERT_TRUE(submit(e, request("W-2", person("DURAND", "Paul", "", 19750601))).ok());
  ASSERT_TRUE(submit(e, request("W-3", person("durand", "paul", "", 0, "69 001"))).ok());
  Requester signed_in = person("Someone", "Else");
  signed_in.authenticated = true;
  signed_in.contact_number = 5001;
  ASSERT_TRUE(submit(e, request("W-4", signed_in)).ok());
  ASSERT_TRUE(submit(e, request("W-5", person("NOBODY", "Known", "x@y.z"))).ok());

  const Reply listed = list(e);
  ASSERT_TRUE(listed.ok()) << listed.message;
  const auto& rows = page_of(listed).rows;
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(page_of(listed).total, 5u) << "a request on two shards counts once";
  EXPECT_EQ(rows[0].lines.size(), 2u) << "shown as one";
  EXPECT_EQ(rows[0].match.contact, ContactId{20});
  EXPECT_EQ(rows[0].match.basis, MatchBasis::kEmailAndName);
  EXPECT_EQ(rows[0].match.name, "MARTIN Anne");
  EXPECT_EQ(rows[0].match.number, 5001u);
  EXPECT_EQ(rows[1].match.contact, ContactId{21});
  EXPECT_EQ(rows[1].match.basis, MatchBasis::kNameBirthDate);
  EXPECT_EQ(rows[2].match.contact, ContactId{21});
  EXPECT_EQ(rows[2].match.basis, MatchBasis::kNamePostcode);
  EXPECT_EQ(rows[3].match.contact, ContactId{20});
  EXPECT_EQ(rows[3].match.basis, MatchBasis::kNumber);
  EXPECT_EQ(rows[3].match.confidence, 100u);
  EXPECT_EQ(rows[4].match.contact, ContactId{kNone});

  // The operator removes the wrong one and picks another by hand.
  ASSERT_TRUE(e.shards->call(Command{0, SetPreRegistrationMatch{{rows[2].id}, MatchMode::kNoContact, kNone}}).ok());
  ASSERT_TRUE(
      e.shards->call(Command{0, SetPreRegistrationMatch{{rows[4].id}, MatchMode::kContact, ContactId{7}}}).ok());
  const Reply relisted = list(e);
  EXPECT_EQ(page_of(relisted).rows[2].match.contact, ContactId{kNone});
  EXPECT_EQ(page_of(relisted).rows[4].match.contact, ContactId{7});
  EXPECT_EQ(page_of(relisted).rows[4].match.basis, MatchBasis::kOperator);
  EXPECT_EQ(page_of(relisted).rows[4].match.name, "CLIENT 7");

  // Method 2: the identified are booked (as reservations), row 2 is filed.
  const Reply done = integrate(e, IntegratePreRegistrations{{}, method_two()}, 4242);
  ASSERT_TRUE(done.ok()) << done.message;
  const auto& out = results_of(done).results;
  ASSERT_EQ(out.size(), 5u);
  for (size_t i : {0u, 1u, 3u, 4u}) EXPECT_EQ(out[i].outcome, PreRegOutcome::kBooked) << i << ": " << out[i].reason;
  EXPECT_EQ(out[2].outcome, PreRegOutcome::kFiled);
  EXPECT_EQ(out[0].state, OrderState::kReservation);
  EXPECT_EQ(record(e, out[0].order).contact, ContactId{20});
  EXPECT_EQ(record(e, page_of(placed).rows[0].orders[1]).contact, ContactId{20}) << "the other shard's part too";
  EXPECT_EQ(available(e, 1000), free0 - 2 - 1 - 1 - 1) << "the filed request's stock returned";
  EXPECT_EQ(list(e).value, 0) << "nothing pending";

  // The same integration again (the client lost the answer): same results.
  const Reply again = integrate(e, IntegratePreRegistrations{{}, method_two()}, 4242);
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_TRUE(results_of(again).results.empty()) << "nothing pending: nothing named";
  std::vector<uint64_t> ids;
  for (const PreRegResult& r : out) ids.push_back(r.id);
  const Reply named = integrate(e, IntegratePreRegistrations{ids, method_two()}, 4242);
  ASSERT_EQ(results_of(named).results.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(results_of(named).results[i].outcome, out[i].outcome) << i;
    EXPECT_EQ(results_of(named).results[i].order, out[i].order) << i;
  }
  EXPECT_EQ(available(e, 1000), free0 - 5);
}

TEST_F(PreRegistrationRecovery, AStopBetweenTheShardsIntegrationsLeavesEachPartIntegratedOrPending_TheRetryCompletes) {
  uint64_t id = 0;
  {
    DurableEngine e = open();
    set_up(e);
    const Reply placed = submit(e, request("W-1", person("MARTIN", "Anne", "anne@example.org")));
    ASSERT_TRUE(placed.ok()) << placed.message;
    id = page_of(placed).rows.at(0).id;
    // Shard 0's command only: the stop comes before shard 1's.
    runtime::WaitableCompletion done;
    ASSERT_TRUE(e.shards->runner(0).submit(
        Command{0, ApplyPreRegistrations{99, method_two(), {{id, ContactId{20}, MatchBasis::kEmailAndName}}},
                PrincipalId{4}},
        &done));
    ASSERT_EQ(results_of(done.wait()).results.at(0).outcome, PreRegOutcome::kBooked);
  }
  DurableEngine e = open();
  const Reply listed = list(e, 0b1111);
  ASSERT_EQ(page_of(listed).rows.size(), 1u);
  // Shard 0's part is booked, shard 1's still pending: the request is listed pending.
  EXPECT_EQ(page_of(listed).rows[0].status, PreRegStatus::kPending) << "shard 1's part is";
  EXPECT_EQ(pending_on(e, 1), 1u);
  EXPECT_EQ(pending_on(e, 0), 0u);
  const Reply retried = integrate(e, IntegratePreRegistrations{{id}, method_two()}, 99);
  ASSERT_TRUE(retried.ok()) << retried.message;
  EXPECT_EQ(results_of(retried).results.at(0).outcome, PreRegOutcome::kBooked);
  EXPECT_EQ(pending_on(e, 1), 0u) << "completed by the retry";
  const Reply all = list(e, 0b1111);
  EXPECT_EQ(page_of(all).rows.at(0).status, PreRegStatus::kBooked);
  for (OrderId o : page_of(all).rows[0].orders) EXPECT_EQ(record(e, o).contact, ContactId{20});
}

TEST_F(PreRegistrationRecovery, APartThatCannotBeHeldWithdrawsTheWholeRequest) {
  DurableEngine e = open();
  set_up(e);
  const int64_t free0 = available(e, 1000);
  SubmitPreRegistration c = request("W-9", person("MARTIN", "Anne"));
  c.lines[1].quantity = 999;  // the second line's part: more than its category holds
  const Reply r = submit(e, c);
  EXPECT_EQ(r.code, ReplyCode::kSoldOut) << r.message;
  EXPECT_NE(r.message.find("withdrawn"), std::string::npos) << r.message;
  EXPECT_EQ(available(e, 1000), free0) << "shard 0's part gave its stock back";
  EXPECT_EQ(list(e).value, 0);
}

}  // namespace
}  // namespace tessera::storage::pre_registration_recovery_test
