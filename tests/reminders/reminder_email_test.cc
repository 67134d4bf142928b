// Reminder emails as text: the grouping per contact / per payer, the
// undeliverable items, and the messages' RFC 5322 headers.
#include "reminders/reminder_email.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/mail/smtp_test_support.h"
#include "tests/reminders/reminder_test_data.h"

namespace tessera::reminders {
namespace {

using namespace tessera::testing_support;

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

TEST(ReminderEmail, AFrenchOrganisationInParis_LocalTimesAndEuros) {
  EmailSettings settings = kSettings;
  auto paris = LocalTime::make("Europe/Paris", "fr");
  ASSERT_TRUE(paris.is_ok());
  settings.local = *paris;
  const ReminderEmails emails = render_reminder_emails(order_batch(engine::Delivery::kEmail), settings, kNow20240314Ms);
  ASSERT_EQ(emails.messages.size(), 2u);
  const std::string body = decoded_body(emails.messages[0]);
  // 15:00 UTC is 16:00 in Paris in March; no "UTC" any more.
  EXPECT_NE(body.find("  Séance : 12.03.2018 16:00\n  Quantité : 1\n  Date limite : 11.03.2018\n"
                      "  Montant : 25,00 €\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("Total : 75,00 €\n"), std::string::npos) << body;
  EXPECT_EQ(body.find("UTC"), std::string::npos) << body;
  EXPECT_NE(body.find("| 11.03.2018 | 25,00  |"), std::string::npos) << body;
}

// The back office's templates: per document and language, the recipient's
// language first, then the organisation's, then the built-in text.
TEST(ReminderEmail, Templates_FillTheirFieldsInTheRecipientsLanguage) {
  EmailSettings settings = kSettings;
  auto paris = LocalTime::make("Europe/Paris", "fr");
  ASSERT_TRUE(paris.is_ok());
  settings.local = *paris;
  engine::ReminderBatch batch = order_batch(engine::Delivery::kEmail);
  batch.items[2].language = "en";  // Céline reads English
  batch.templates = {
      {engine::DocumentKind::kOrderReminder, "fr", "Rappel : {count} option(s), {total}",
       "Bonjour {first_name} {last_name} (n° {contact_number}),\n\n{items}Total dû : {total} {{ferme}}\n"},
      {engine::DocumentKind::kOrderReminder, "en", "Reminder for {name}", "Dear {name},\n\n{table}"},
      {engine::DocumentKind::kSubscriptionReminder, "fr", "jamais", "pas pour les commandes"},
  };
  const ReminderEmails emails = render_reminder_emails(batch, settings, kNow20240314Ms);
  ASSERT_EQ(emails.messages.size(), 2u);
  EXPECT_EQ(emails.messages[0].subject, "Rappel : 2 option(s), 75,00 €");
  const std::string fr = decoded_body(emails.messages[0]);
  EXPECT_EQ(fr.find("Bonjour Lennart BOSCHE (n° 100000002951),\n\nCommande n° 11000314222"), 0u) << fr;
  EXPECT_NE(fr.find("  Séance : 12.03.2018 16:00\n"), std::string::npos) << fr;
  EXPECT_NE(fr.find("Total dû : 75,00 € {ferme}\n"), std::string::npos) << fr;
  EXPECT_EQ(fr.find("Cordialement"), std::string::npos) << "the template is the whole text";
  EXPECT_EQ(emails.messages[1].subject, "Reminder for Céline DUPONT");
  const std::string en = decoded_body(emails.messages[1]);
  EXPECT_EQ(en.find("Dear Céline DUPONT,\n\ncontact_number | last_name"), 0u) << en;
  EXPECT_NE(en.find("| 11.03.2018 | 12,50  |"), std::string::npos) << en;

  // No template in the recipient's language nor the organisation's: the built-in text.
  batch.templates.erase(batch.templates.begin());
  const ReminderEmails fallback = render_reminder_emails(batch, settings, kNow20240314Ms);
  EXPECT_EQ(fallback.messages[0].subject, "Rappel d'options/réservations");
  EXPECT_NE(decoded_body(fallback.messages[0]).find("Les options et réservations suivantes"), std::string::npos);
  EXPECT_EQ(fallback.messages[1].subject, "Reminder for Céline DUPONT");
}

TEST(ReminderEmail, Templates_ForThirdParties_NameThePayer_AndKeepTheSubjectOnOneLine) {
  engine::ReminderBatch batch = subscription_batch(engine::Delivery::kEmail);
  batch.templates = {{engine::DocumentKind::kThirdPartyReminder, "en", "{series}: {count} subscriptions",
                      "Hello {name} ({contact_number}),\n{items}"}};
  const ReminderEmails emails = render_reminder_emails(batch, kSettings, kNow20240314Ms);  // English, UTC
  ASSERT_EQ(emails.messages.size(), 2u);
  EXPECT_EQ(emails.messages[0].subject, "Renouvellement de votre abonnement - Le Monde diplomatique")
      << "no template for direct subscribers";
  EXPECT_EQ(emails.messages[1].subject, "Le Monde diplomatique: 2 subscriptions");
  const std::string payer = decoded_body(emails.messages[1]);
  EXPECT_EQ(payer.find("Hello Bibliothèque municipale (903),\nAbonnement n° 78"), 0u) << payer;
  EXPECT_NE(payer.find("  Abonné : Anne PETIT (n° 5003)\n"), std::string::npos) << payer;
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

}  // namespace
}  // namespace tessera::reminders
