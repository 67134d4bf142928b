// Pre-registrations end to end through the tessera-server process (seed
// 004): a web shop's requests (one spanning both shards) held and listed at
// once, the notice of new ones e-mailed to the back office through a local
// aiosmtpd, the wizard's match from the directory, an integration by method
// 2 answered the same when retried with its key after a SIGKILL and a
// restart.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engine/reply_detail.h"
#include "net/result_code.h"
#include "tests/engine/engine_clock.h"
#include "tests/engine/pre_registration_support.h"
#include "tests/mail/smtp_test_support.h"
#include "tests/server/server_process.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace tessera::server {
namespace {

using namespace tessera::engine;
using namespace tessera::testing_support;

class PreRegServer : public ::testing::Test {
 protected:
  void start() {
    server_ = std::make_unique<ServerProcess>(
        dir_.path() + "/data",
        std::vector<std::string>{"--token", "a:admin", "--token", "w:webshop", "--smtp-host", "127.0.0.1",
                                 "--smtp-port", std::to_string(relay_.port()), "--mail-from", "billetterie@example.org",
                                 "--prereg-notify-email", "accueil@example.org", "--prereg-notify-interval-ms", "200"},
        0);
    ASSERT_NE(server_->port(), 0) << "server did not start";
    office_ = server_->client("t");
    shop_ = server_->client("w");
    ASSERT_TRUE(office_ && shop_);
  }
  static Reply one(net::Client& c, CommandBody body, RequestKey key = 0) {
    auto r = c.call({Command{key, std::move(body)}});
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? Reply((*r)[0]) : refuse(ReplyCode::kBusy, "no reply");
  }
  static SubmitPreRegistration request(std::string reference, std::string last, std::string first, std::string email,
                                       bool both_shards) {
    SubmitPreRegistration c;
    c.channel = workload::kWeb;
    c.reference = std::move(reference);
    c.requester.last_name = std::move(last);
    c.requester.first_name = std::move(first);
    c.requester.email = std::move(email);
    c.lines = {workload::demo_line(1000, workload::kProductRelease, 1, 2)};
    if (both_shards) c.lines.push_back(workload::demo_line(1001, workload::kProductRelease, 1, 1));
    c.text = "près de l'allée";
    return c;
  }
  std::vector<ReceivedMail> mails() { return read_maildir(dir_.path() + "/maildir"); }

  TempDir dir_;
  AiosmtpdProcess relay_{dir_.path() + "/maildir"};
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<net::Client> office_, shop_;
};

TEST_F(PreRegServer, RequestsAreHeldAndToldAtOnce_MatchedAndIntegrated_TheRetryAfterARestartAnswersTheSame) {
  ASSERT_TRUE(relay_.ready());
  start();
  auto admin = server_->client("a");
  ASSERT_TRUE(admin);
  for (BookingKind kind : {BookingKind::kOption, BookingKind::kReservation})
    ASSERT_TRUE(one(*admin, SetOptionLifetime{workload::kProductRelease, workload::kWeb, kind, 3 * kDay}).ok());
  ASSERT_TRUE(one(*office_, CreateContact{ContactId{20}, 5001, engine::testing_prereg::anne_martin()}).ok());

  const Reply a = one(*shop_, request("CART-1", "Martin", "Anne", "anne@example.org", true));
  ASSERT_TRUE(a.ok()) << a.message;
  const PreRegRow& placed = std::get<PreRegPage>(a.detail->value).rows.at(0);
  EXPECT_EQ(placed.orders.size(), 2u) << "held on both shards";
  const Reply b = one(*shop_, request("CART-2", "INCONNU", "Paul", "paul@example.net", false));
  ASSERT_TRUE(b.ok()) << b.message;

  // The notice: one e-mail for both, within a few intervals.
  std::vector<ReceivedMail> got;
  for (int i = 0; i < 100 && got.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    got = mails();
  }
  ASSERT_EQ(got.size(), 1u) << "one notice";
  EXPECT_EQ(got[0].header("to"), "accueil@example.org");
  EXPECT_EQ(got[0].header("x-mailfrom"), "billetterie@example.org");
  EXPECT_NE(got[0].header("subject").find("2 pre-registrations waiting"), std::string::npos)
      << got[0].header("subject");
  const std::string body = decode_quoted_printable(got[0].body);
  EXPECT_NE(body.find("Martin Anne <anne@example.org>"), std::string::npos) << body;
  EXPECT_NE(body.find("INCONNU Paul <paul@example.net>"), std::string::npos) << body;
  EXPECT_NE(body.find(std::to_string(placed.id)), std::string::npos) << body;

  // The wizard: both pending, Anne matched by e-mail and name.
  const Reply listed = one(*office_, ListPreRegistrations{0, kNone, 0, 100});
  ASSERT_TRUE(listed.ok()) << listed.message;
  const auto& rows = std::get<PreRegPage>(listed.detail->value).rows;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(listed.value, 2);
  EXPECT_EQ(rows[0].lines.size(), 2u);
  EXPECT_EQ(rows[0].match.contact, ContactId{20});
  EXPECT_EQ(rows[0].match.basis, MatchBasis::kEmailAndName);
  EXPECT_EQ(rows[1].match.contact, ContactId{kNone});
  EXPECT_EQ(one(*shop_, ListPreRegistrations{}).code, net::kForbidden) << "the wizard is the back office's";

  IntegrationOptions method;
  method.method = IntegrationMethod::kIdentifiedBooked;
  method.level = IntegrationLevel::kReservation;
  const Reply done = one(*office_, IntegratePreRegistrations{{}, method}, 31);
  ASSERT_TRUE(done.ok()) << done.message;
  const auto& results = std::get<PreRegResults>(done.detail->value).results;
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].outcome, PreRegOutcome::kBooked);
  EXPECT_EQ(results[0].state, OrderState::kReservation);
  EXPECT_EQ(results[1].outcome, PreRegOutcome::kFiled);

  // SIGKILL, restart: everything is there, and the retry answers the same.
  server_->stop(SIGKILL);
  start();
  const Reply all = one(*office_, ListPreRegistrations{0b1111, kNone, 0, 100});
  ASSERT_EQ(std::get<PreRegPage>(all.detail->value).rows.size(), 2u);
  EXPECT_EQ(std::get<PreRegPage>(all.detail->value).rows[0].status, PreRegStatus::kBooked);
  EXPECT_EQ(std::get<PreRegPage>(all.detail->value).rows[1].status, PreRegStatus::kFiled);
  const Reply again = one(*office_, IntegratePreRegistrations{{rows[0].id, rows[1].id}, method}, 31);
  ASSERT_TRUE(again.ok()) << again.message;
  const auto& same = std::get<PreRegResults>(again.detail->value).results;
  ASSERT_EQ(same.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(same[i].outcome, results[i].outcome) << i;
    EXPECT_EQ(same[i].order, results[i].order) << i;
  }
  const Reply leads = one(*office_, ListLeads{kNone, "", 0, 0, 10});
  ASSERT_TRUE(leads.ok()) << leads.message;
  ASSERT_EQ(std::get<LeadPage>(leads.detail->value).rows.size(), 1u);
  EXPECT_EQ(std::get<LeadPage>(leads.detail->value).rows[0].requester.last_name, "INCONNU");
}

}  // namespace
}  // namespace tessera::server
