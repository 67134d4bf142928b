// Reminder emails: the messages a ReminderBatch gives when its delivery is
// Delivery::kEmail — one message per recipient.
//
// Recipients: order reminders go to the order's contact (the document
// "Rappel d'options/réservations": each order with its number, product,
// performance date, quantity, deadline and amount, then the total);
// subscription reminders go to the subscriber when nobody else pays
// (payer == kNone) or else to the third-party payer, who gets one message
// listing every subscription they pay for. Each message also carries the
// format's chosen fields as a small text table. An item whose recipient has
// no valid email address is undeliverable and reported, never dropped.
//
// Messages are complete RFC 5322 texts (CRLF line ends; From, To, Subject,
// Date, Message-ID, MIME-Version, Content-Type text/plain; charset=UTF-8,
// Content-Transfer-Encoding: quoted-printable, so any SMTP server takes
// them as 7-bit). Dates in the body are UTC. SMTP dot-stuffing is the
// client's job (smtp_client.h), not done here.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/local_time.h"
#include "engine/reply_detail.h"

namespace tessera::reminders {

inline constexpr uint32_t kReminderItemsPerEmailMax = 1'000;  // a larger group is split into more messages

struct EmailSettings {
  std::string from_address;  // REQUIRES: is_valid_email_address
  std::string from_name;     // display name, may be empty or non-ASCII
  std::string order_subject = "Rappel d'options/réservations";
  std::string subscription_subject = "Renouvellement de votre abonnement";
  std::string third_party_subject = "Renouvellement des abonnements que vous réglez";
  // Dates and amounts in the organisation's zone and language (default: UTC,
  // "2024-03-14", "12.50").
  LocalTime local;
};

struct EmailMessage {
  std::string to;               // the recipient's address (envelope and To:)
  std::string subject;          // as shown (UTF-8, before RFC 2047 encoding)
  std::string data;             // the whole message: headers, blank line, body; CRLF line ends
  std::vector<uint32_t> items;  // indexes into batch.items of the reminders it carries
};

struct UndeliverableItem {
  uint32_t item = 0;  // index into batch.items
  std::string reason;
};

struct ReminderEmails {
  std::vector<EmailMessage> messages;  // in the order of each recipient's first item
  std::vector<UndeliverableItem> undeliverable;
};

// Renders the batch's messages; now_ms gives the Date header and the
// Message-ID. Every item is in exactly one message or in `undeliverable`.
// REQUIRES: batch.items.size() < 2^32.
ReminderEmails render_reminder_emails(const engine::ReminderBatch& batch, const EmailSettings& settings,
                                      int64_t now_ms);

}  // namespace tessera::reminders
