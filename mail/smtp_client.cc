// send_mails over libcurl's SMTP: one easy handle per call, one transfer
// per message. The relay's replies are read from libcurl's debug stream,
// to quote the one that refused a message.
#include "mail/smtp_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <system_error>

#include "mail/mail_format.h"

namespace tessera::mail {
namespace {

struct CurlCleanup {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistCleanup {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlHandle = std::unique_ptr<CURL, CurlCleanup>;
using CurlList = std::unique_ptr<curl_slist, SlistCleanup>;

// One message on its way, and the relay's refusal of it, if any.
struct Transfer {
  std::string_view data;
  size_t sent = 0;
  std::string refusal;  // the relay's last 4xx/5xx reply line, while no success reply followed
  int refusal_code = 0;
};

size_t read_message(char* buffer, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t n = std::min(size * count, transfer->data.size() - transfer->sent);
  std::memcpy(buffer, transfer->data.data() + transfer->sent, n);
  transfer->sent += n;
  return n;
}

// "550 5.1.1 ..." -> 550; 0 when the line does not open with a code.
int reply_code(std::string_view line) {
  if (line.size() < 3) return 0;
  for (size_t i = 0; i < 3; ++i) {
    if (line[i] < '0' || line[i] > '9') return 0;
  }
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

// libcurl's debug stream. Only the relay's reply lines (CURLINFO_HEADER_IN)
// are read: what we send, the AUTH exchange included, is never looked at.
// A refusal is kept until a success reply follows, except the 221 that
// answers the QUIT libcurl sends after a failed transaction.
int on_debug(CURL*, curl_infotype type, char* text, size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view lines(text, size);
  while (!lines.empty()) {
    const size_t eol = std::min(lines.find('\n'), lines.size());
    std::string_view line = lines.substr(0, eol);
    lines.remove_prefix(std::min(eol + 1, lines.size()));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const int code = reply_code(line);
    if (code >= 400) {
      transfer->refusal = std::string(line.substr(0, kSmtpReplyQuotedBytesMax));
      transfer->refusal_code = code;
    } else if (code != 0 && code != 221) {
      transfer->refusal.clear();
      transfer->refusal_code = 0;
    }
  }
  return 0;
}

Status check_envelope(const OutgoingMail& mail) {
  if (!mail.from.empty() && !is_valid_email_address(mail.from)) {
    return Status::invalid_argument("invalid sender address: " + mail.from);
  }
  if (mail.to.empty() || mail.to.size() > kSmtpRecipientsMax) {
    return Status::invalid_argument("a message needs 1 to " + std::to_string(kSmtpRecipientsMax) + " recipients, not " +
                                    std::to_string(mail.to.size()));
  }
  for (const auto& to : mail.to) {
    if (!is_valid_email_address(to)) return Status::invalid_argument("invalid recipient address: " + to);
  }
  if (mail.data.size() > kSmtpMessageBytesMax) {
    return Status::invalid_argument("message of " + std::to_string(mail.data.size()) + " bytes exceeds " +
                                    std::to_string(kSmtpMessageBytesMax));
  }
  return Status::ok();
}

long use_ssl_of(SmtpTls tls) {
  switch (tls) {
    case SmtpTls::kNone:
      return CURLUSESSL_NONE;
    case SmtpTls::kOptional:
      return CURLUSESSL_TRY;
    case SmtpTls::kStartTls:
      return CURLUSESSL_ALL;
    case SmtpTls::kSmtps:
      return CURLUSESSL_ALL;
  }
  return CURLUSESSL_ALL;
}

// A handle set up for the relay: URL, TLS, login, deadlines, callbacks.
// nullptr if libcurl refuses (out of memory, or built without SMTP or TLS).
CurlHandle open_handle(const SmtpOptions& o, Transfer* transfer, char* error_buffer) {
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CurlHandle curl(curl_easy_init());
  if (!curl) return nullptr;
  CURL* c = curl.get();
  const std::string url = smtp_url(o) + "/" + o.helo_name;  // the path is the EHLO name
  bool ok = curl_easy_setopt(c, CURLOPT_URL, url.c_str()) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps") == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl_of(o.tls)) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.timeout_ms)) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout_ms)) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_READDATA, transfer) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_DEBUGDATA, transfer) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_VERBOSE, 1L) == CURLE_OK;  // feeds on_debug; nothing is printed
  if (ok && !o.user.empty()) {
    ok = curl_easy_setopt(c, CURLOPT_USERNAME, o.user.c_str()) == CURLE_OK &&
         curl_easy_setopt(c, CURLOPT_PASSWORD, o.password.reveal().c_str()) == CURLE_OK;
  }
  if (ok && !o.ca_file.empty()) ok = curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_file.c_str()) == CURLE_OK;
  return ok ? std::move(curl) : nullptr;
}

// The outcome of one message, and whether the session is over (the next
// message would only meet the same failure).
struct Outcome {
  Status status;
  bool session_over = false;
};

Outcome outcome_of(CURL* curl, CURLcode rc, const Transfer& transfer, const char* error, const std::string& where) {
  if (rc == CURLE_OK) return {};
  std::string message = where + ": " + (error[0] != '\0' ? error : curl_easy_strerror(rc));
  long os_error = 0;  // e.g. ECONNREFUSED, which libcurl's message leaves out
  if (curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_error) == CURLE_OK && os_error != 0)
    message += " (" + std::error_code(static_cast<int>(os_error), std::generic_category()).message() + ")";
  if (!transfer.refusal.empty()) message += " (relay: " + transfer.refusal + ")";
  Status status = transfer.refusal_code >= 500 ? Status::failed_precondition(std::move(message))
                                               : Status::unavailable(std::move(message));
  // MAIL, RCPT and DATA refusals are CURLE_SEND_ERROR, the end of data's
  // CURLE_WEIRD_SERVER_REPLY; 421 is the relay closing the connection.
  const bool message_refused = (rc == CURLE_SEND_ERROR || rc == CURLE_WEIRD_SERVER_REPLY) &&
                               transfer.refusal_code >= 400 && transfer.refusal_code != 421;
  return {std::move(status), !message_refused};
}

Outcome send_one(CURL* curl, Transfer& transfer, const char* error, const OutgoingMail& mail,
                 const std::string& where) {
  CurlList recipients;
  for (const auto& to : mail.to) {
    curl_slist* longer = curl_slist_append(recipients.get(), ("<" + to + ">").c_str());
    if (longer == nullptr) return {Status::internal("out of memory for the recipients"), false};
    static_cast<void>(recipients.release());  // `longer` heads the same list
    recipients.reset(longer);
  }
  const std::string from = "<" + mail.from + ">";
  const std::string data = smtp_crlf_lines(mail.data);
  transfer = Transfer{data};
  if (curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str()) != CURLE_OK ||
      curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients.get()) != CURLE_OK ||
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size())) != CURLE_OK) {
    return {Status::internal("libcurl refused the envelope"), false};
  }
  const CURLcode rc = curl_easy_perform(curl);
  static_cast<void>(curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, nullptr));  // `recipients` goes now
  return outcome_of(curl, rc, transfer, error, where);
}

}  // namespace

std::string_view smtp_tls_name(SmtpTls tls) {
  switch (tls) {
    case SmtpTls::kNone:
      return "none";
    case SmtpTls::kOptional:
      return "optional";
    case SmtpTls::kStartTls:
      return "starttls";
    case SmtpTls::kSmtps:
      return "smtps";
  }
  return "none";
}

std::string smtp_url(const SmtpOptions& options) {
  const bool ipv6 = options.host.find(':') != std::string::npos;
  return std::string(options.tls == SmtpTls::kSmtps ? "smtps" : "smtp") + "://" + (ipv6 ? "[" : "") + options.host +
         (ipv6 ? "]" : "") + ":" + std::to_string(options.port);
}

std::string smtp_crlf_lines(std::string_view data) {
  std::string out;
  out.reserve(data.size() + data.size() / 64 + 2);
  for (size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
      out += "\r\n";
    } else {
      out += c;
    }
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  return out;
}

std::vector<Status> send_mails(const SmtpOptions& options, const std::vector<OutgoingMail>& mails) {
  std::vector<Status> results;
  results.reserve(mails.size());
  const std::string where = smtp_url(options);
  Transfer transfer;
  char error[CURL_ERROR_SIZE] = {};
  CurlHandle curl;
  for (const OutgoingMail& mail : mails) {
    if (Status s = check_envelope(mail); !s.is_ok()) {
      results.push_back(std::move(s));
      continue;
    }
    if (!curl) curl = open_handle(options, &transfer, error);
    if (!curl) {
      results.push_back(Status::internal(where + ": libcurl cannot be set up for SMTP"));
      continue;
    }
    error[0] = '\0';
    Outcome outcome = send_one(curl.get(), transfer, error, mail, where);
    results.push_back(std::move(outcome.status));
    if (outcome.session_over) break;
  }
  // After a failure that was not one message's refusal, the rest are not tried.
  const std::string why = results.empty() ? std::string() : results.back().message();
  for (size_t i = results.size(); i < mails.size(); ++i) {
    Status s = check_envelope(mails[i]);
    results.push_back(s.is_ok() ? Status::unavailable("not sent: " + why) : std::move(s));
  }
  return results;
}

}  // namespace tessera::mail
