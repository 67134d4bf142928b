// Reminder emails end to end through the tessera-server process: its config
// file names a relay that requires STARTTLS and AUTH (aiosmtpd, with a
// self-signed certificate the test makes and names as the CA to trust; the
// password in a file). A reminder sent by email arrives in the relay's
// Maildir; with a wrong password every recipient fails, each named in the
// reply, and the password appears nowhere in it.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "engine/reply_detail.h"
#include "runtime/clock.h"
#include "tests/engine/engine_clock.h"
#include "tests/mail/smtp_test_support.h"
#include "tests/server/server_process.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace tessera::server {
namespace {

using namespace tessera::engine;
using namespace tessera::testing_support;

constexpr const char* kRelayPassword = "s3cret-Pa55";

class ServerEmail : public ::testing::Test {
 protected:
  // Starts the relay, then the server with a config file whose password
  // file holds `password`.
  void start(const std::string& password) {
    const SelfSignedCertificate certificate = make_self_signed_certificate(dir_.path());
    relay_ = std::make_unique<AiosmtpdProcess>(dir_.path() + "/maildir",
                                               TlsRelaySettings{certificate, false, "relances", kRelayPassword});
    ASSERT_TRUE(relay_->ready());
    write(dir_.path() + "/smtp-password", password + "\n");
    const std::string config = dir_.path() + "/tessera.conf";
    write(config,
          "# the relay of reminder emails\n"
          "smtp_host = 127.0.0.1\n"
          "smtp_port = " +
              std::to_string(relay_->port()) +
              "\n"
              "smtp_tls = starttls\n"
              "smtp_user = relances\n"
              "smtp_password_file = " +
              dir_.path() +
              "/smtp-password\n"
              "smtp_ca_file = " +
              certificate.cert +
              "\n"
              "mail_from = billetterie@example.org\n");
    server_ = std::make_unique<ServerProcess>(dir_.path() + "/data", std::vector<std::string>{"--config", config},
                                              0);  // its own contacts below
    ASSERT_NE(server_->port(), 0) << "server did not start";
    client_ = server_->client();
    ASSERT_TRUE(client_);
    ASSERT_TRUE(
        one(DefineContact{1, 100000002951, "BOSCHE", "Lennart", "lennart@example.org", kContactIndividual}).ok());
    ASSERT_TRUE(one(DefineContact{2, 100000000002, "ACME", "", "office@acme.example", kContactOrganisation}).ok());
    ASSERT_TRUE(one(DefineReminderFormat{1,
                                         "Relance",
                                         FormatType::kReminder,
                                         ";",
                                         "csv",
                                         false,
                                         {ReminderField::kContactNumber, ReminderField::kOrderNumber}})
                    .ok());
  }
  static void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
  Reply one(CommandBody body) {
    auto r = client_->call({Command{0, std::move(body)}});
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? (*r)[0] : refuse(ReplyCode::kBusy, "no reply");
  }
  OrderId book(ContactId contact, PerformanceId performance) {
    const int64_t now_ms = runtime::SystemClock().now_ms();
    const Reply r = one(Book{BookingKind::kOption,
                             contact,
                             workload::kBoxOffice,
                             {workload::demo_line(performance, performance.value() / 1000, 1, 1)},
                             now_ms + 3 * kDay});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }

  TempDir dir_;
  std::unique_ptr<AiosmtpdProcess> relay_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<net::Client> client_;
};

TEST_F(ServerEmail, RemindOrders_ThroughARelayRequiringStartTlsAndAuth_Arrive) {
  start(kRelayPassword);
  const OrderId a = book(1, 3000), b = book(2, 3001);
  const Reply r = one(RemindOrders{{a, b}, 1, Delivery::kEmail});
  ASSERT_TRUE(r.ok()) << r.message;
  const ReminderBatch& batch = std::get<ReminderBatch>(r.detail->value);
  EXPECT_EQ(batch.delivered, 2u);
  EXPECT_EQ(batch.failed, 0u);
  EXPECT_EQ(batch.destination, "smtp://127.0.0.1:" + std::to_string(relay_->port()));
  std::vector<ReceivedMail> mails = read_maildir(dir_.path() + "/maildir");
  ASSERT_EQ(mails.size(), 2u);
  std::sort(mails.begin(), mails.end(),
            [](const auto& x, const auto& y) { return x.header("x-rcptto") < y.header("x-rcptto"); });
  EXPECT_EQ(mails[0].header("x-rcptto"), "lennart@example.org");
  EXPECT_EQ(mails[1].header("x-rcptto"), "office@acme.example");
  EXPECT_EQ(mails[0].header("x-mailfrom"), "billetterie@example.org");
  EXPECT_NE(decode_quoted_printable(mails[0].body).find(to_string(a)), std::string::npos) << mails[0].body;
}

TEST_F(ServerEmail, RemindOrders_WithAWrongPassword_FailEveryRecipientByName) {
  start("not-the-password");
  const OrderId a = book(1, 3000), b = book(2, 3001);
  const Reply r = one(RemindOrders{{a, b}, 1, Delivery::kEmail});
  EXPECT_EQ(r.code, ReplyCode::kUnavailable) << r.message;
  ASSERT_TRUE(r.detail);
  const ReminderBatch& batch = std::get<ReminderBatch>(r.detail->value);
  EXPECT_EQ(batch.delivered, 0u);
  EXPECT_EQ(batch.failed, 2u);
  EXPECT_NE(r.message.find("to lennart@example.org: "), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("to office@acme.example: "), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("535 5.7.8 Authentication credentials invalid"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find("not-the-password"), std::string::npos) << "the password is never quoted";
  EXPECT_TRUE(read_maildir(dir_.path() + "/maildir").empty());
}

}  // namespace
}  // namespace tessera::server
