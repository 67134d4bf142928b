// SMTP delivery of the server's emails through libcurl: plain smtp://,
// STARTTLS when the relay offers it or required, implicit TLS (smtps://),
// AUTH with the configured user and password, a deadline per message, and
// one outcome per message.
//
// One curl handle per send_mails call: its messages share a connection (one
// TLS handshake, one login) for as long as the relay keeps it; each message
// is its own transaction (MAIL FROM, RCPT TO each recipient, DATA, with the
// dot-stuffing done by libcurl; after a refused transaction libcurl closes
// the connection and the next message opens another). Certificates are always verified, against
// the system's CAs or `ca_file`. The password goes to libcurl and nowhere
// else: no Status, message or log line carries it (the relay's replies are
// quoted; what we send is never looked at).
//
// Errors are values: a message the relay refuses with a 5xx reply is
// failed_precondition, with a 4xx reply (or no reply: connection, TLS,
// timeout) unavailable; both quote the relay's reply. A failure that is not
// a refusal of one message (cannot connect, TLS or login refused, timeout,
// connection lost, 421) ends the call: the messages not yet tried get
// "not sent: ..." with that error, rather than each waiting for it again.
// Thread-safety: send_mails is reentrant (each call has its own handle);
// libcurl's global set-up runs once, on first use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tessera::mail {

inline constexpr size_t kSmtpMessageBytesMax = 10u << 20;  // one message's data
inline constexpr uint32_t kSmtpRecipientsMax = 100;        // RCPT TO per message (RFC 5321's minimum)
inline constexpr size_t kSmtpReplyQuotedBytesMax = 512;    // of a relay's reply quoted in a Status
inline constexpr int kSmtpTimeoutMsDefault = 30'000;
inline constexpr int kSmtpTimeoutMsMax = 600'000;

// How the connection to the relay is protected.
enum class SmtpTls : uint8_t {
  kNone,      // smtp://, never STARTTLS
  kOptional,  // smtp://, STARTTLS when the relay offers it, plain otherwise
  kStartTls,  // smtp://, STARTTLS required: a relay without it gets nothing
  kSmtps,     // smtps://, TLS from the first byte (port 465)
};
std::string_view smtp_tls_name(SmtpTls tls);  // "none", "optional", "starttls", "smtps"

// A password: handed to libcurl, never printed (no operator<<, no
// to_string); `reveal()` is the one place it leaves, greppable.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  bool empty() const { return value_.empty(); }
  const std::string& reveal() const { return value_; }

 private:
  std::string value_;
};

struct SmtpOptions {
  std::string host;  // the relay; empty = no email delivery
  uint16_t port = 25;
  SmtpTls tls = SmtpTls::kNone;
  std::string user;  // empty = no AUTH
  Secret password;
  std::string ca_file;                     // PEM file of the CAs to trust; empty = the system's
  std::string helo_name = "tessera";       // our name in EHLO/HELO
  int timeout_ms = kSmtpTimeoutMsDefault;  // the most one message may take, connection and login included
};

// "smtp://host:port" or "smtps://host:port" (never the user or password):
// what reports name as the destination.
std::string smtp_url(const SmtpOptions& options);

struct OutgoingMail {
  std::string from;             // envelope sender (MAIL FROM)
  std::vector<std::string> to;  // envelope recipients (RCPT TO), 1 to kSmtpRecipientsMax
  std::string data;             // the RFC 5322 message, not dot-stuffed
};

// The message as sent: lines normalised to CRLF (lone CR or LF become
// CRLF) and a final CRLF added when missing. Dot-stuffing is libcurl's.
std::string smtp_crlf_lines(std::string_view data);

// Sends every message, in order; returns one Status per message. A
// malformed envelope or a message over kSmtpMessageBytesMax is
// invalid_argument and not sent; the others are as described above.
std::vector<Status> send_mails(const SmtpOptions& options, const std::vector<OutgoingMail>& mails);

}  // namespace tessera::mail
