// Internet message formatting (RFC 5322, 2045, 2047): what a text/plain
// UTF-8 email needs to travel through any SMTP server as 7-bit ASCII.
//
// Header values are made safe here: CR and LF never survive into a header
// (no header injection), non-ASCII text becomes RFC 2047 encoded-words of
// at most 75 characters, folded onto continuation lines.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tessera::mail {

inline constexpr size_t kEmailAddressLengthMax = 254;  // RFC 5321 path limit
inline constexpr size_t kQuotedPrintableLineMax = 76;  // RFC 2045, including the soft break's '='

// True iff `address` is a plain "local@domain" address usable in an SMTP
// envelope: at most kEmailAddressLengthMax bytes, one '@' with text on
// both sides, printable ASCII without spaces, quotes, '<', '>', '(' or ')'.
bool is_valid_email_address(std::string_view address);

// The domain of an address ("example.org"), empty when there is none.
std::string_view email_domain(std::string_view address);

// Quoted-printable body (RFC 2045): input lines end with "\n" or "\r\n",
// output lines with CRLF and at most kQuotedPrintableLineMax characters.
std::string encode_quoted_printable(std::string_view text);

// A header's unstructured text (Subject): as is when printable ASCII, else
// RFC 2047 "=?UTF-8?B?...?=" words split at character boundaries and folded
// with CRLF + space. CR and LF become spaces.
std::string encode_header_text(std::string_view text);

// "Name <local@domain>" (name quoted or encoded as needed), or the bare
// address when the name is empty.
// REQUIRES: is_valid_email_address(address).
std::string format_mailbox(std::string_view display_name, std::string_view address);

// "Thu, 14 Mar 2024 09:30:00 +0000" (RFC 5322 date-time, UTC).
std::string format_rfc5322_date(int64_t ms);

// What a text/plain UTF-8 message says of itself.
struct TextMailHeaders {
  std::string from_name;     // may be empty or non-ASCII
  std::string from_address;  // REQUIRES: is_valid_email_address
  std::string to_name;
  std::string to_address;  // REQUIRES: is_valid_email_address
  std::string subject;     // UTF-8 (CR and LF become spaces)
  int64_t date_ms = 0;
  std::string message_id;  // "<...@domain>"
};

// The whole message: From, To, Subject, Date, Message-ID, MIME-Version,
// Content-Type text/plain; charset=UTF-8, quoted-printable; a blank line;
// `body` (lines ending "\n" or "\r\n") encoded. CRLF line ends throughout.
std::string compose_text_mail(const TextMailHeaders& headers, std::string_view body);

}  // namespace tessera::mail
