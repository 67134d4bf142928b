// Reminder files and emails as text: exact file contents (separators,
// quoting, field order, header), file names, the no-overwrite atomic write,
// and the emails' grouping per contact / per payer and their headers.
#include "reminders/reminder_export.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "mail/mail_format.h"
#include "reminders/reminder_email.h"
#include "reminders/reminder_fields.h"
#include "tests/mail/smtp_test_support.h"
#include "tests/reminders/reminder_test_data.h"
#include "tests/storage/temp_dir.h"

namespace tessera::reminders {
namespace {

using namespace tessera::testing_support;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ReminderFile, OrderReminders_SemicolonFieldsInFormatOrderUnderHeader) {
  EXPECT_EQ(render_reminder_file(order_batch()),
            "contact_number;last_name;first_name;order_number;deadline;amount;product;performance_date;quantity\n"
            "100000002951;BOSCHE;Lennart;11000314222;2018-03-11;25.00;Entrée au Théâtre;2018-03-12 15:00;1\n"
            "100000002951;BOSCHE;Lennart;11000314223;2018-03-11;50.00;Le Cid;2018-03-12 15:00;1\n"
            "100000003000;DUPONT;Céline;11000314300;2018-03-11;12.50;Le Cid;2018-03-12 15:00;1\n");
}

TEST(ReminderFile, SubscriptionReminders_TabSeparatedWithEmptyFieldsThatDoNotApply) {
  EXPECT_EQ(render_reminder_file(subscription_batch()),
            "subscription\tlast_name\tpayer_name\tseries\tend_date\tlast_issue\treminder_rank\n"
            "77\tMARTIN\t\tLe Monde diplomatique\t2024-06-30\tN° 840\t2\n"
            "78\tDURAND\tBibliothèque municipale\tLe Monde diplomatique\t2024-06-30\tN° 840\t2\n"
            "79\tPETIT\tBibliothèque municipale\tLe Monde diplomatique\t2024-06-30\tN° 840\t2\n");
}

TEST(ReminderFile, FieldOrderFollowsTheFormat) {
  engine::ReminderBatch batch = order_batch();
  batch.format.columns = {ReminderField::kAmount, ReminderField::kOrderNumber, ReminderField::kSubscription};
  batch.items.resize(1);
  EXPECT_EQ(render_reminder_file(batch), "amount;order_number;subscription\n25.00;11000314222;\n");
}

TEST(ReminderFile, ValueWithSeparatorQuoteOrNewline_IsQuotedWithQuotesDoubled) {
  engine::ReminderBatch batch = order_batch();
  batch.format.columns = {ReminderField::kOrderNumber, ReminderField::kProduct};
  batch.items.resize(1);
  batch.items[0].product_name = "Théâtre; \"Le Cid\"\nsoir";
  EXPECT_EQ(render_reminder_file(batch), "order_number;product\n11000314222;\"Théâtre; \"\"Le Cid\"\"\nsoir\"\n");

  batch.format.separator = "\t";
  batch.items[0].product_name = "a;b";
  EXPECT_EQ(render_reminder_file(batch), "order_number\tproduct\n11000314222\ta;b\n");
  batch.items[0].product_name = "a\tb";
  EXPECT_EQ(render_reminder_file(batch), "order_number\tproduct\n11000314222\t\"a\tb\"\n");
}

TEST(ReminderFields, DatesAmountsAndIds) {
  EXPECT_EQ(format_date_utc(kDeadline20180311Ms), "2018-03-11");
  EXPECT_EQ(format_date_time_utc(kPerformance20180312Ms), "2018-03-12 15:00");
  EXPECT_EQ(format_date_utc(-1), "1969-12-31");
  EXPECT_EQ(format_amount(1250), "12.50");
  EXPECT_EQ(format_amount(5), "0.05");
  EXPECT_EQ(format_amount(-5), "-0.05");
  EXPECT_EQ(format_amount(INT64_MIN), "-92233720368547758.08");
}

TEST(ReminderFileName, WithoutTitle_NameAndUtcTime) {
  EXPECT_EQ(reminder_file_name(order_batch(), kNow20240314Ms), "Relance_20240314-093000.csv");
}

TEST(ReminderFileName, WithTitle_SeriesNameSanitizedAndRunId) {
  EXPECT_EQ(reminder_file_name(subscription_batch(), kNow20240314Ms),
            "Relance_abonnes_Le_Monde_diplomatique_run42_20240314-093000.txt");
}

TEST(ReminderFileName, OrderRemindersWithTitle_UseRappel) {
  engine::ReminderBatch batch = order_batch();
  batch.format.title_in_file_name = true;
  EXPECT_EQ(reminder_file_name(batch, kNow20240314Ms), "Relance_Rappel_20240314-093000.csv");
}

TEST(ReminderFileName, PathSeparatorsAccentsAndDotsCannotEscape) {
  engine::ReminderBatch batch = order_batch();
  batch.format.name = "../../etc/Œuvre à l'été";
  batch.format.extension = "/c:s*v";
  EXPECT_EQ(reminder_file_name(batch, kNow20240314Ms), "_.._etc_OEuvre_a_l_ete_20240314-093000._c_s_v");
  EXPECT_EQ(sanitize_file_name_part("...hidden", 50), "hidden");
  EXPECT_EQ(sanitize_file_name_part(std::string(300, 'a'), kReminderFileStemMax).size(), kReminderFileStemMax);
}

TEST(ReminderFileWrite, CreatesTheDirectoryAndNeverOverwrites) {
  TempDir dir;
  const std::string export_dir = dir.path() + "/exports/reminders";
  const engine::ReminderBatch batch = order_batch();
  Result<std::string> first = write_reminder_file(batch, export_dir, kNow20240314Ms);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  Result<std::string> second = write_reminder_file(batch, export_dir, kNow20240314Ms);
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  Result<std::string> third = write_reminder_file(batch, export_dir, kNow20240314Ms);
  ASSERT_TRUE(third.is_ok()) << third.status().to_string();
  EXPECT_EQ(*first, export_dir + "/Relance_20240314-093000.csv");
  EXPECT_EQ(*second, export_dir + "/Relance_20240314-093000-2.csv");
  EXPECT_EQ(*third, export_dir + "/Relance_20240314-093000-3.csv");
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(export_dir)) {
    names.insert(entry.path().filename().string());
    EXPECT_EQ(read_file(entry.path().string()), render_reminder_file(batch));
  }
  EXPECT_EQ(names.size(), 3u) << "no temporary file is left behind";
}

TEST(ReminderFileWrite, BadFormatOrUnwritableDirectory_IsAnErrorAndWritesNothing) {
  TempDir dir;
  engine::ReminderBatch batch = order_batch();
  batch.format.separator = "";
  EXPECT_EQ(write_reminder_file(batch, dir.path(), 0).status().code(), StatusCode::kInvalidArgument);
  batch = order_batch();
  batch.format.columns.clear();
  EXPECT_EQ(write_reminder_file(batch, dir.path(), 0).status().code(), StatusCode::kInvalidArgument);
  const std::string blocker = dir.path() + "/file";
  std::ofstream(blocker) << "x";
  EXPECT_EQ(write_reminder_file(order_batch(), blocker + "/sub", 0).status().code(), StatusCode::kInternal);
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1u) << "only the blocking file";
}

// ---- Emails -------------------------------------------------------------

const EmailSettings kSettings{"relances@theatre.example", "Théâtre de la Ville"};

std::string decoded_body(const EmailMessage& m) { return decode_quoted_printable(parse_mail(m.data).body); }

TEST(ReminderEmail, OrderReminders_OneMessagePerContactWithEveryOrderAndTheTotal) {
  const ReminderEmails emails =
      render_reminder_emails(order_batch(engine::Delivery::kEmail), kSettings, kNow20240314Ms);
  ASSERT_EQ(emails.messages.size(), 2u);
  EXPECT_TRUE(emails.undeliverable.empty());
  EXPECT_EQ(emails.messages[0].to, "lennart@example.org");
  EXPECT_EQ(emails.messages[0].items, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(emails.messages[1].to, "celine@example.org");
  EXPECT_EQ(emails.messages[1].items, (std::vector<uint32_t>{2}));
  EXPECT_EQ(emails.messages[0].subject, "Rappel d'options/réservations");

  const std::string body = decoded_body(emails.messages[0]);
  EXPECT_NE(body.find("Bonjour Lennart BOSCHE,\n"), std::string::npos) << body;
  EXPECT_NE(body.find("Commande n° 11000314222 (dossier 10000000399)\n  Produit : Entrée au Théâtre\n"
                      "  Séance : 2018-03-12 15:00 UTC\n  Quantité : 1\n  Date limite : 2018-03-11\n"
                      "  Montant : 25.00\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("Commande n° 11000314223"), std::string::npos);
  EXPECT_EQ(body.find("11000314300"), std::string::npos) << "another contact's order";
  EXPECT_NE(body.find("Total : 75.00\n"), std::string::npos) << body;
  // The format's fields as a table.
  EXPECT_NE(body.find("contact_number | last_name | first_name | order_number | deadline   | amount | product"),
            std::string::npos)
      << body;
  EXPECT_NE(
      body.find("100000002951   | BOSCHE    | Lennart    | 11000314222  | 2018-03-11 | 25.00  | Entrée au Théâtre"),
      std::string::npos)
      << body;
}

TEST(ReminderEmail, SubscriptionReminders_DirectToSubscriberThirdPartyGroupedPerPayer) {
  engine::ReminderBatch batch = subscription_batch(engine::Delivery::kEmail);
  batch.items.push_back(subscription_item(13, 5004, "ROUX", "roux@example.org", 80, 3, "bib@example.org"));
  const ReminderEmails emails = render_reminder_emails(batch, kSettings, kNow20240314Ms);
  ASSERT_EQ(emails.messages.size(), 2u);
  EXPECT_TRUE(emails.undeliverable.empty());
  EXPECT_EQ(emails.messages[0].to, "anne.martin@example.org");
  EXPECT_EQ(emails.messages[0].items, (std::vector<uint32_t>{0}));
  EXPECT_EQ(emails.messages[0].subject, "Renouvellement de votre abonnement - Le Monde diplomatique");
  EXPECT_EQ(emails.messages[1].to, "bib@example.org");
  EXPECT_EQ(emails.messages[1].items, (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ(emails.messages[1].subject, "Renouvellement des abonnements que vous réglez");

  const std::string payer = decoded_body(emails.messages[1]);
  EXPECT_NE(payer.find("Bonjour Bibliothèque municipale,\n"), std::string::npos) << payer;
  EXPECT_NE(payer.find("Abonnement n° 79 : Le Monde diplomatique\n  Abonné : Anne PETIT (n° 5003)\n"
                       "  Fin : 2024-06-30\n  Dernier numéro : N° 840\n  Relance n° 2\n"),
            std::string::npos)
      << payer;
  EXPECT_NE(payer.find("Abonné : Anne DURAND"), std::string::npos);
  EXPECT_NE(payer.find("Abonné : Anne ROUX"), std::string::npos);
  const std::string direct = decoded_body(emails.messages[0]);
  EXPECT_NE(direct.find("Votre abonnement arrive à échéance"), std::string::npos) << direct;
  EXPECT_EQ(direct.find("DURAND"), std::string::npos);
}

TEST(ReminderEmail, RecipientWithoutValidEmail_IsReportedNotDropped) {
  engine::ReminderBatch batch = order_batch(engine::Delivery::kEmail);
  batch.items[2].email = "";
  batch.items.push_back(order_item(4, 100000004000, "NOM", "", "not an address", 11000314400, "Le Cid", 100));
  const ReminderEmails emails = render_reminder_emails(batch, kSettings, kNow20240314Ms);
  ASSERT_EQ(emails.messages.size(), 1u);
  ASSERT_EQ(emails.undeliverable.size(), 2u);
  EXPECT_EQ(emails.undeliverable[0].item, 2u);
  EXPECT_EQ(emails.undeliverable[0].reason, "contact 100000003000 has no email address");
  EXPECT_EQ(emails.undeliverable[1].item, 3u);
  EXPECT_NE(emails.undeliverable[1].reason.find("invalid email address"), std::string::npos);

  batch = subscription_batch(engine::Delivery::kEmail);
  batch.items[1].payer_email = "";
  batch.items[2].payer_email = "";
  const ReminderEmails subs = render_reminder_emails(batch, kSettings, kNow20240314Ms);
  ASSERT_EQ(subs.undeliverable.size(), 2u);
  EXPECT_EQ(subs.undeliverable[0].reason, "payer 903 has no email address");
}

TEST(ReminderEmail, Headers_Rfc5322WithCrlfAndEncodedWords) {
  const ReminderEmails emails =
      render_reminder_emails(order_batch(engine::Delivery::kEmail), kSettings, kNow20240314Ms);
  ASSERT_FALSE(emails.messages.empty());
  const std::string& data = emails.messages[1].data;
  const ReceivedMail mail = parse_mail(data);
  EXPECT_EQ(decode_header(mail.header("from")), "Théâtre de la Ville <relances@theatre.example>");
  EXPECT_EQ(decode_header(mail.header("to")), "Céline DUPONT <celine@example.org>");
  EXPECT_EQ(mail.header("subject").rfind("=?UTF-8?B?", 0), 0u);
  EXPECT_EQ(decode_header(mail.header("subject")), "Rappel d'options/réservations");
  EXPECT_EQ(mail.header("date"), "Thu, 14 Mar 2024 09:30:00 +0000");
  EXPECT_EQ(mail.header("mime-version"), "1.0");
  EXPECT_EQ(mail.header("content-type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(mail.header("content-transfer-encoding"), "quoted-printable");
  const std::string id = mail.header("message-id");
  EXPECT_EQ(id.front(), '<');
  EXPECT_NE(id.find("@theatre.example>"), std::string::npos) << id;
  EXPECT_NE(id, parse_mail(emails.messages[0].data).header("message-id"));
  // CRLF only, 7-bit, no line over 78 characters.
  size_t line_start = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    ASSERT_LT(static_cast<unsigned char>(data[i]), 0x80) << "8-bit byte at " << i;
    if (data[i] == '\n') {
      ASSERT_GT(i, 0u);
      ASSERT_EQ(data[i - 1], '\r') << "bare LF at " << i;
      EXPECT_LE(i - 1 - line_start, 78u);
      line_start = i + 1;
    }
  }
}

TEST(MailFormat, HeaderInjectionAndLongSubjects) {
  EXPECT_EQ(mail::encode_header_text("Hi\r\nBcc: x@y"), "Hi  Bcc: x@y");
  const std::string long_subject(40, 'e');
  const std::string encoded = mail::encode_header_text(long_subject + "é" + long_subject);
  EXPECT_NE(encoded.find("\r\n "), std::string::npos) << "folded into several encoded words";
  EXPECT_EQ(decode_header(encoded), long_subject + "é" + long_subject);
  EXPECT_EQ(mail::format_mailbox("O\"Brien", "a@b.c"), "\"O\\\"Brien\" <a@b.c>");
  EXPECT_FALSE(mail::is_valid_email_address("a@b@c"));
  EXPECT_FALSE(mail::is_valid_email_address("a b@c"));
  EXPECT_FALSE(mail::is_valid_email_address("a@b\r\nRCPT TO:<x@y>"));
  EXPECT_TRUE(mail::is_valid_email_address("first.last+tag@example.org"));
}

TEST(MailFormat, QuotedPrintable_SoftBreaksTrailingSpacesAndRoundTrip) {
  const std::string text = std::string(100, 'x') + "\n" + "trailing space \n" + "é=1\n.dot\n";
  const std::string qp = mail::encode_quoted_printable(text);
  EXPECT_NE(qp.find("trailing space=20\r\n"), std::string::npos) << qp;
  EXPECT_NE(qp.find("=C3=A9=3D1\r\n"), std::string::npos) << qp;
  std::string lf;
  for (char c : qp) {
    if (c != '\r') lf += c;
  }
  EXPECT_EQ(decode_quoted_printable(lf), text);
  size_t start = 0;
  for (size_t end = qp.find("\r\n"); end != std::string::npos; end = qp.find("\r\n", start)) {
    EXPECT_LE(end - start, mail::kQuotedPrintableLineMax);
    start = end + 2;
  }
}

}  // namespace
}  // namespace tessera::reminders
