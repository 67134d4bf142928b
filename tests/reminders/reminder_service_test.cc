// ReminderExporter end to end: files into the export directory, emails
// through a real SMTP server (aiosmtpd on loopback: plain, or requiring
// STARTTLS and AUTH) and a refusing one, bad credentials shown per
// recipient, the missing-SMTP configuration, the bounded queue and the
// draining stop.
#include "reminders/reminder_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "reminders/reminder_export.h"
#include "tests/mail/smtp_test_support.h"
#include "tests/reminders/reminder_test_data.h"
#include "tests/storage/temp_dir.h"

namespace tessera::reminders {
namespace {

using namespace tessera::testing_support;

constexpr auto kGenerous = std::chrono::seconds(120);

ExportConfig config_for(const std::string& export_dir, uint16_t smtp_port = 0) {
  ExportConfig c;
  c.export_dir = export_dir;
  c.smtp.host = smtp_port == 0 ? "" : "127.0.0.1";
  c.smtp.port = smtp_port;
  c.mail_from = "relances@theatre.example";
  c.mail_from_name = "Théâtre de la Ville";
  return c;
}

// Submits one batch and waits for its report.
ExportReport export_one(ReminderExporter& exporter, engine::ReminderBatch batch) {
  auto promise = std::make_shared<std::promise<ExportReport>>();
  std::future<ExportReport> report = promise->get_future();
  EXPECT_TRUE(exporter.submit(std::move(batch), [promise](ExportReport r) { promise->set_value(std::move(r)); }));
  EXPECT_EQ(report.wait_for(kGenerous), std::future_status::ready);
  return report.get();
}

class ReminderExporterTest : public ::testing::Test {
 protected:
  // Exports one batch through a fresh exporter.
  ExportReport run(const ExportConfig& config, engine::ReminderBatch batch) {
    ReminderExporter exporter(config, clock_);
    return export_one(exporter, std::move(batch));
  }
  // Checks a report that delivered nothing, and the reason it gives.
  static void expect_nothing_delivered(const ExportReport& report, uint32_t failed, const std::string& reason) {
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.delivered, 0u);
    EXPECT_EQ(report.failed, failed);
    EXPECT_NE(report.message.find(reason), std::string::npos) << report.message;
  }

  // Starts `relay`, requiring STARTTLS and AUTH as relances / s3cret, and
  // returns the export's configuration for it, logging in with `password`.
  ExportConfig tls_relay_config(std::unique_ptr<AiosmtpdProcess>& relay, const std::string& password) {
    const SelfSignedCertificate certificate = make_self_signed_certificate(dir_.path());
    relay = std::make_unique<AiosmtpdProcess>(dir_.path() + "/maildir",
                                              TlsRelaySettings{certificate, false, "relances", "s3cret"});
    EXPECT_TRUE(relay->ready());
    ExportConfig config = config_for(dir_.path(), relay->port());
    config.smtp.tls = mail::SmtpTls::kStartTls;
    config.smtp.user = "relances";
    config.smtp.password = mail::Secret(password);
    config.smtp.ca_file = certificate.cert;
    return config;
  }

  TempDir dir_;
  runtime::ManualClock clock_{kNow20240314Ms};
};

TEST_F(ReminderExporterTest, FileDelivery_WritesTheFileAndReportsItsPath) {
  const ExportReport report = run(config_for(dir_.path() + "/out"), subscription_batch());
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.delivered, 3u);
  EXPECT_EQ(report.failed, 0u);
  EXPECT_EQ(report.destination, dir_.path() + "/out/Relance_abonnes_Le_Monde_diplomatique_run42_20240314-093000.txt");
  EXPECT_TRUE(std::filesystem::exists(report.destination));
}

TEST_F(ReminderExporterTest, FileDeliveryWithBadFormat_ReportsTheError) {
  engine::ReminderBatch batch = order_batch();
  batch.format.columns.clear();
  expect_nothing_delivered(run(config_for(dir_.path()), batch), 3, "no fields");
}

TEST_F(ReminderExporterTest, EmailWithoutSmtpHost_FailsWithAClearMessage) {
  expect_nothing_delivered(run(config_for(dir_.path()), order_batch(engine::Delivery::kEmail)), 3,
                           "no smtp_host is configured");
}

TEST_F(ReminderExporterTest, EmailDelivery_RealServerGetsOneMessagePerRecipient) {
  AiosmtpdProcess server(dir_.path() + "/maildir");
  ASSERT_TRUE(server.ready());
  // Subscriber 12 has no address but the library pays: its payer is reminded.
  const ExportReport report = run(config_for(dir_.path(), server.port()), subscription_batch(engine::Delivery::kEmail));
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.delivered, 3u);
  EXPECT_EQ(report.failed, 0u);
  EXPECT_EQ(report.destination, "smtp://127.0.0.1:" + std::to_string(server.port()));

  std::vector<ReceivedMail> mails = read_maildir(dir_.path() + "/maildir");
  ASSERT_EQ(mails.size(), 2u);
  std::sort(mails.begin(), mails.end(),
            [](const auto& a, const auto& b) { return a.header("x-rcptto") < b.header("x-rcptto"); });
  EXPECT_EQ(mails[0].header("x-rcptto"), "anne.martin@example.org");
  EXPECT_EQ(decode_header(mails[0].header("subject")), "Renouvellement de votre abonnement - Le Monde diplomatique");
  EXPECT_EQ(mails[1].header("x-rcptto"), "bib@example.org");
  EXPECT_EQ(decode_header(mails[1].header("subject")), "Renouvellement des abonnements que vous réglez");
  EXPECT_EQ(decode_header(mails[1].header("to")), "Bibliothèque municipale <bib@example.org>");
  EXPECT_EQ(mails[1].header("x-mailfrom"), "relances@theatre.example");
  const std::string body = decode_quoted_printable(mails[1].body);
  EXPECT_NE(body.find("Bonjour Bibliothèque municipale,\n"), std::string::npos) << body;
  EXPECT_NE(body.find("Abonnement n° 78 : Le Monde diplomatique\n  Abonné : Anne DURAND (n° 5002)\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("Abonnement n° 79 : Le Monde diplomatique\n  Abonné : Anne PETIT (n° 5003)\n"), std::string::npos)
      << body;
}

TEST_F(ReminderExporterTest, EmailDelivery_RefusedRecipientsAndMissingAddressesAreCountedAsFailed) {
  FakeSmtpServer server("220 ready\r\n", [](const std::string& line) {
    if (line.rfind("RCPT TO:<celine", 0) == 0) return std::string("550 5.1.1 mailbox unavailable\r\n");
    if (line == "DATA") return std::string("354 go ahead\r\n");
    if (line == "QUIT") return std::string("221 bye\r\n");
    return std::string("250 ok\r\n");
  });
  engine::ReminderBatch batch = order_batch(engine::Delivery::kEmail);
  batch.items.push_back(order_item(5, 100000005000, "SANSMAIL", "Paul", "", 11000314500, "Le Cid", 100));
  const ExportReport report = run(config_for(dir_.path(), server.port()), batch);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.delivered, 2u);  // Lennart's two orders, in one message
  EXPECT_EQ(report.failed, 2u);     // Céline's refused, Paul without address
  EXPECT_NE(report.message.find("550 5.1.1 mailbox unavailable"), std::string::npos) << report.message;
  EXPECT_NE(report.message.find("contact 100000005000 has no email address"), std::string::npos) << report.message;
  EXPECT_EQ(server.messages().size(), 1u);
}

TEST_F(ReminderExporterTest, EmailDelivery_ConnectionRefusedFailsEveryReminder) {
  expect_nothing_delivered(run(config_for(dir_.path(), free_loopback_port()), order_batch(engine::Delivery::kEmail)), 3,
                           "refused");
}

TEST_F(ReminderExporterTest, EmailDelivery_ThroughStartTlsAndAuth_DeliversEveryReminder) {
  std::unique_ptr<AiosmtpdProcess> relay;
  const ExportReport report = run(tls_relay_config(relay, "s3cret"), subscription_batch(engine::Delivery::kEmail));
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.delivered, 3u);
  EXPECT_EQ(report.destination, "smtp://127.0.0.1:" + std::to_string(relay->port()));
  EXPECT_EQ(read_maildir(dir_.path() + "/maildir").size(), 2u);
}

TEST_F(ReminderExporterTest, EmailDelivery_BadCredentials_FailEveryRecipientByName) {
  std::unique_ptr<AiosmtpdProcess> relay;
  const ExportReport report = run(tls_relay_config(relay, "wrong"), subscription_batch(engine::Delivery::kEmail));
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.delivered, 0u);
  EXPECT_EQ(report.failed, 3u);
  EXPECT_NE(report.message.find("sent 0 of 2 emails"), std::string::npos) << report.message;
  EXPECT_NE(report.message.find("to anne.martin@example.org: FailedPrecondition: "), std::string::npos)
      << report.message;
  EXPECT_NE(report.message.find("535 5.7.8 Authentication credentials invalid"), std::string::npos) << report.message;
  EXPECT_NE(report.message.find("to bib@example.org: Unavailable: not sent: "), std::string::npos) << report.message;
  EXPECT_TRUE(read_maildir(dir_.path() + "/maildir").empty());
}

TEST_F(ReminderExporterTest, FullQueue_SubmitReturnsFalse_StopDrainsTheRest) {
  ReminderExporter exporter(config_for(dir_.path()), clock_);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  std::atomic<uint32_t> done{0};
  ASSERT_TRUE(exporter.submit(order_batch(), [&](ExportReport) {
    started.set_value();
    released.wait();  // holds the worker
    ++done;
  }));
  started.get_future().wait();
  for (size_t i = 0; i < kReminderExportQueueCapacity; ++i) {
    ASSERT_TRUE(exporter.submit(order_batch(), [&](ExportReport r) { done += r.ok ? 1 : 0; })) << i;
  }
  EXPECT_FALSE(exporter.submit(order_batch(), nullptr)) << "queue full";
  EXPECT_EQ(exporter.pending(), kReminderExportQueueCapacity + 1);
  release.set_value();
  exporter.stop();
  EXPECT_EQ(done.load(), kReminderExportQueueCapacity + 1);
  EXPECT_FALSE(exporter.submit(order_batch(), nullptr)) << "stopped";
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir_.path())) ++files;
  EXPECT_EQ(files, kReminderExportQueueCapacity + 1);
}

}  // namespace
}  // namespace tessera::reminders
