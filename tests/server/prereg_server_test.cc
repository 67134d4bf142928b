// Pre-registrations end to end through the tessera-server process (seed
// 004): a web shop's requests (one spanning both shards) held and listed at
// once, the notice of new ones e-mailed to the back office through a local
// aiosmtpd, the wizard's match from the directory, an integration by method
// 2 answered the same when retried with its key after a SIGKILL and a
// restart; the integration report (PDF, read with pdftotext) and the
// information e-mails to the sessions' staff and the sales representative.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engine/reply_detail.h"
#include "net/result_code.h"
#include "tests/engine/engine_clock.h"
#include "tests/engine/pre_registration_support.h"
#include "tests/mail/smtp_test_support.h"
#include "tests/server/pdf_text.h"
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
  // The mails to `to` once there are `n` (waiting up to `tries` x 100 ms).
  std::vector<ReceivedMail> mails_to(const std::string& to, size_t n, int tries = 100) {
    std::vector<ReceivedMail> got;
    for (int i = 0; i < tries; ++i) {
      got.clear();
      for (ReceivedMail& m : mails())
        if (m.header("to").find(to) != std::string::npos) got.push_back(std::move(m));
      if (got.size() >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return got;
  }
  static ContactFields person(std::string last, std::string first, std::string email) {
    ContactFields f = engine::testing_prereg::anne_martin();  // her address, another person
    f.birth_date = 0;
    f.last_name = std::move(last);
    f.first_name = std::move(first);
    f.email = std::move(email);
    return f;
  }

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

  // The notice: batched per interval, so both requests come in one e-mail
  // unless an interval ended between the two submissions (a slow build);
  // either way each request is told exactly once, to the configured address.
  const auto told = [&](const std::vector<ReceivedMail>& got) {
    std::string all;
    for (const ReceivedMail& m : got) all += decode_quoted_printable(m.body);
    return all;
  };
  std::vector<ReceivedMail> got;
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    got = mails();
    const std::string all = told(got);
    if (all.find("Martin Anne") != std::string::npos && all.find("INCONNU Paul") != std::string::npos) break;
  }
  ASSERT_FALSE(got.empty()) << "no notice";
  EXPECT_LE(got.size(), 2u) << "batched: at most one notice per submission here";
  for (const ReceivedMail& m : got) {
    EXPECT_EQ(m.header("to"), "accueil@example.org");
    EXPECT_EQ(m.header("x-mailfrom"), "billetterie@example.org");
  }
  if (got.size() == 1) {
    EXPECT_NE(got[0].header("subject").find("2 pre-registrations waiting"), std::string::npos)
        << got[0].header("subject");
  }
  const std::string body = told(got);
  const auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = body.find(needle); at != std::string::npos; at = body.find(needle, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("Martin Anne <anne@example.org>"), 1u) << body;
  EXPECT_EQ(count("INCONNU Paul <paul@example.net>"), 1u) << body;
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

TEST_F(PreRegServer, AnIntegrationWritesItsReport_AndTellsTheSessionsStaffAndTheSalesRepOnce) {
  ASSERT_TRUE(relay_.ready());
  start();
  auto admin = server_->client("a");
  ASSERT_TRUE(admin);
  for (BookingKind kind : {BookingKind::kOption, BookingKind::kReservation})
    ASSERT_TRUE(one(*admin, SetOptionLifetime{workload::kProductRelease, workload::kWeb, kind, 3 * kDay}).ok());
  ASSERT_TRUE(one(*office_, CreateContact{ContactId{20}, 5001, engine::testing_prereg::anne_martin()}).ok());
  ASSERT_TRUE(one(*office_, CreateContact{ContactId{30}, 6001, person("DUPRÉ", "Rémi", "remi@example.org")}).ok());
  ASSERT_TRUE(one(*office_, CreateContact{ContactId{31}, 6002, person("BLANC", "Léa", "")}).ok());
  ASSERT_TRUE(one(*office_, CreateContact{ContactId{32}, 6003, person("NOIR", "Marc", "marc@example.org")}).ok());
  EXPECT_EQ(one(*office_, SetPerformanceStaff{PerformanceId{1000}, ContactId{30}, ContactId{31}}).code, net::kForbidden)
      << "the catalog is the administrator's";
  ASSERT_TRUE(one(*admin, SetPerformanceStaff{PerformanceId{1000}, ContactId{30}, ContactId{31}}).ok());
  const Reply card = one(*office_, GetPerformance{PerformanceId{1000}});
  ASSERT_TRUE(card.ok()) << card.message;
  EXPECT_EQ(std::get<PerformanceCard>(card.detail->value).responsible, ContactId{30});

  ASSERT_TRUE(one(*shop_, request("CART-1", "Martin", "Anne", "anne@example.org", true)).ok());
  ASSERT_TRUE(one(*shop_, request("CART-2", "INCONNU", "Paul", "paul@example.net", false)).ok());

  // Method 2: Anne booked (on 1000 and 1001), Paul filed; performance 1000's
  // responsible is told, its assistant has no address.
  IntegrationOptions method;
  method.method = IntegrationMethod::kIdentifiedBooked;
  method.level = IntegrationLevel::kReservation;
  const Reply done = one(*office_, IntegratePreRegistrations{{}, method}, 41);
  ASSERT_TRUE(done.ok()) << done.message;
  const PreRegResults results = std::get<PreRegResults>(done.detail->value);
  ASSERT_EQ(results.results.size(), 2u);
  EXPECT_EQ(results.results[0].outcome, PreRegOutcome::kBooked);
  EXPECT_EQ(results.results[1].outcome, PreRegOutcome::kFiled);
  EXPECT_EQ(results.mailed, std::vector<std::string>{"remi@example.org"});
  ASSERT_EQ(results.not_mailed.size(), 1u);
  EXPECT_NE(results.not_mailed[0].find("contact 31 (assistant of performance 1000): no e-mail address"),
            std::string::npos)
      << results.not_mailed[0];
  ASSERT_NE(results.report.find("pre-registrations/integration-41.pdf"), std::string::npos) << results.report_error;
  const std::string report = pdf_text(results.report);
  EXPECT_NE(report.find("INTEGRATION REPORT"), std::string::npos) << report;
  EXPECT_NE(report.find("CART-1"), std::string::npos) << report;
  EXPECT_NE(report.find("Martin Anne"), std::string::npos) << report;
  EXPECT_NE(report.find(cat("order ", results.results[0].order)), std::string::npos) << report;
  EXPECT_NE(report.find(cat("lead ", results.results[1].lead)), std::string::npos) << report;

  std::vector<ReceivedMail> remi = mails_to("remi@example.org", 1);
  ASSERT_EQ(remi.size(), 1u);
  EXPECT_EQ(remi[0].header("x-mailfrom"), "billetterie@example.org");
  EXPECT_NE(decode_header(remi[0].header("subject")).find("1 booking(s), 0 file(s)"), std::string::npos)
      << remi[0].header("subject");
  const std::string told = decode_quoted_printable(remi[0].body);
  EXPECT_NE(told.find("responsible of performance 1000"), std::string::npos) << told;
  EXPECT_NE(told.find("Martin Anne <anne@example.org>  2 unit(s)"), std::string::npos) << told;
  EXPECT_EQ(told.find("INCONNU"), std::string::npos) << "a filed request is not the staff's: " << told;

  // The retry under the same key: the same answer and report, no e-mail again.
  const Reply again =
      one(*office_, IntegratePreRegistrations{{results.results[0].id, results.results[1].id}, method}, 41);
  ASSERT_TRUE(again.ok()) << again.message;
  const PreRegResults same = std::get<PreRegResults>(again.detail->value);
  ASSERT_EQ(same.results.size(), 2u);
  EXPECT_EQ(same.results[0].order, results.results[0].order);
  EXPECT_EQ(same.report, results.report);
  EXPECT_TRUE(same.mailed.empty());

  // Method 1 with a sales representative: he is told of the file, once.
  ASSERT_TRUE(one(*shop_, request("CART-3", "Martin", "Anne", "anne@example.org", false)).ok());
  IntegrationOptions filed;
  filed.method = IntegrationMethod::kAllFiled;
  filed.sales_rep = ContactId{32};
  filed.sector = "Nord";
  filed.report = false;
  const Reply leads = one(*office_, IntegratePreRegistrations{{}, filed}, 42);
  ASSERT_TRUE(leads.ok()) << leads.message;
  const PreRegResults as_leads = std::get<PreRegResults>(leads.detail->value);
  ASSERT_EQ(as_leads.results.size(), 1u);
  EXPECT_EQ(as_leads.results[0].outcome, PreRegOutcome::kFiled);
  EXPECT_TRUE(as_leads.report.empty()) << "not asked";
  EXPECT_EQ(as_leads.mailed, std::vector<std::string>{"marc@example.org"});
  std::vector<ReceivedMail> marc = mails_to("marc@example.org", 1);
  ASSERT_EQ(marc.size(), 1u);
  const std::string filed_text = decode_quoted_printable(marc[0].body);
  EXPECT_NE(filed_text.find("Sales follow-up files filed for you"), std::string::npos) << filed_text;
  EXPECT_NE(filed_text.find(cat("lead ", as_leads.results[0].lead)), std::string::npos) << filed_text;
  EXPECT_EQ(mails_to("remi@example.org", 2, 10).size(), 1u) << "the retry told nobody again";
}

}  // namespace
}  // namespace tessera::server
