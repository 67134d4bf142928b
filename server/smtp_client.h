// SmtpClient: a minimal SMTP client (RFC 5321) that hands messages to one
// relay — the server's way to send reminder emails.
//
// Blocking calls, each network operation bounded by the configured
// deadline (Boost.Asio async operations run with io_context::run_for; an
// operation past its deadline closes the connection). Dialogue: 220
// greeting, EHLO (HELO when EHLO is refused), then per message MAIL FROM,
// RCPT TO (each recipient), DATA with CRLF normalisation and dot-stuffing,
// and RSET after a refused message so the next one starts clean; QUIT at
// the end. Multi-line replies are read whole. No TLS and no AUTH: the relay
// is expected on a trusted network (localhost or the organisation's MTA).
//
// Errors are values: connection refused, timeouts and broken connections
// are Status::unavailable; a 4xx reply is unavailable (transient), a 5xx
// reply failed_precondition (permanent), both quoting the server's reply.
// Thread-safety: one SmtpClient per thread; send_mails is reentrant.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace tessera::server {

inline constexpr size_t kSmtpMessageBytesMax = 10u << 20;      // one message's data, before dot-stuffing
inline constexpr uint32_t kSmtpRecipientsMax = 100;            // RCPT TO per message (RFC 5321's minimum)
inline constexpr uint32_t kSmtpMessagesPerConnectionMax = 100; // send_mails reconnects after this many
inline constexpr size_t kSmtpReplyLineBytesMax = 4'096;        // one reply line (RFC 5321 asks 512)
inline constexpr uint32_t kSmtpReplyLinesMax = 100;            // lines of one multi-line reply
inline constexpr int kSmtpTimeoutMsDefault = 30'000;

struct SmtpOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 25;
  std::string helo_name = "tessera";     // our name in EHLO/HELO
  int timeout_ms = kSmtpTimeoutMsDefault;  // per operation (connect, each read, each write)
};

struct OutgoingMail {
  std::string from;              // envelope sender (MAIL FROM)
  std::vector<std::string> to;   // envelope recipients (RCPT TO), 1 to kSmtpRecipientsMax
  std::string data;              // the RFC 5322 message, not dot-stuffed
};

// The bytes sent after DATA: lines normalised to CRLF (lone CR or LF become
// CRLF), a '.' opening a line doubled, a final CRLF added when missing, and
// the terminating ".\r\n".
std::string smtp_data_payload(std::string_view data);

class SmtpClient {
 public:
  explicit SmtpClient(SmtpOptions options);
  ~SmtpClient();  // closes the connection (without QUIT)
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;

  // Connects, reads the greeting and says EHLO (or HELO).
  Status connect();
  bool connected() const;

  // Sends one message. A refused message (4xx/5xx) leaves the connection
  // usable (connected() stays true); a broken connection closes it.
  // REQUIRES: connected(). invalid_argument for a malformed envelope or a
  // message over kSmtpMessageBytesMax (nothing is sent for it).
  Status send(const OutgoingMail& mail);

  // Says QUIT and closes; the server's answer to QUIT is not an error.
  void quit();

  // The server's SIZE limit from EHLO (0 = none announced).
  uint64_t server_size_max() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sends every message, over one connection per kSmtpMessagesPerConnectionMax
// messages. Returns one Status per message (in order), or the connection's
// Status when no message could be tried (refused, no greeting...). When the
// connection breaks mid-way the message in flight and those not yet sent
// get that error.
Result<std::vector<Status>> send_mails(const SmtpOptions& options, const std::vector<OutgoingMail>& mails);

}  // namespace tessera::server
