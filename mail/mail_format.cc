// Internet message formatting (see mail_format.h).
#include "mail/mail_format.h"

#include <cassert>
#include <chrono>
#include <cstdio>

namespace tessera::mail {
namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kHex[] = "0123456789ABCDEF";
constexpr size_t kEncodedWordBytesMax = 45;  // 45 bytes -> 60 base64 chars + 12 = 72 <= 75 (RFC 2047)

std::string base64(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += i + 1 < in.size() ? kBase64[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kBase64[n & 63] : '=';
  }
  return out;
}

bool is_printable_ascii(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

std::string without_line_breaks(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

// Length of the UTF-8 chunk starting at `from`: at most `max` bytes, never
// cutting a character.
size_t utf8_chunk(std::string_view text, size_t from, size_t max) {
  size_t end = std::min(text.size(), from + max);
  while (end > from && end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return end > from ? end - from : std::min(text.size() - from, max);
}

// One quoted-printable line (without its break); soft breaks keep each
// output line within kQuotedPrintableLineMax.
void encode_qp_line(std::string_view line, std::string& out) {
  size_t column = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    const bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
    const size_t width = literal ? 1 : 3;
    // Room for the '=' of a soft break unless this is the line's end.
    if (column + width > kQuotedPrintableLineMax - (last ? 0 : 1)) {
      out += "=\r\n";
      column = 0;
    }
    if (literal) {
      out += static_cast<char>(c);
    } else {
      out += '=';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    column += width;
  }
}

}  // namespace

bool is_valid_email_address(std::string_view address) {
  if (address.empty() || address.size() > kEmailAddressLengthMax) return false;
  const size_t at = address.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == address.size()) return false;
  if (address.find('@', at + 1) != std::string_view::npos) return false;
  for (char c : address) {
    if (c <= 0x20 || c >= 0x7F) return false;
    if (c == '"' || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' || c == '\\') return false;
  }
  return true;
}

std::string_view email_domain(std::string_view address) {
  const size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

std::string encode_quoted_printable(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    encode_qp_line(line, out);
    out += "\r\n";
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return out;
}

std::string encode_header_text(std::string_view text) {
  const std::string clean = without_line_breaks(text);
  if (is_printable_ascii(clean)) return clean;
  std::string out;
  for (size_t from = 0; from < clean.size();) {
    const size_t n = utf8_chunk(clean, from, kEncodedWordBytesMax);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(std::string_view(clean).substr(from, n)) + "?=";
    from += n;
  }
  return out;
}

std::string format_mailbox(std::string_view display_name, std::string_view address) {
  assert(is_valid_email_address(address));
  const std::string name = without_line_breaks(display_name);
  if (name.empty()) return std::string(address);
  std::string out;
  if (is_printable_ascii(name)) {
    out += '"';
    for (char c : name) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  } else {
    out = encode_header_text(name);
  }
  return out + " <" + std::string(address) + ">";
}

std::string format_rfc5322_date(int64_t ms) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_time<milliseconds> t{milliseconds{ms}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(t - day)};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000", kDays[weekday{day}.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string compose_text_mail(const TextMailHeaders& h, std::string_view body) {
  std::string data = "From: " + format_mailbox(h.from_name, h.from_address) + "\r\n";
  data += "To: " + format_mailbox(h.to_name, h.to_address) + "\r\n";
  data += "Subject: " + encode_header_text(h.subject) + "\r\n";
  data += "Date: " + format_rfc5322_date(h.date_ms) + "\r\n";
  data += "Message-ID: " + h.message_id + "\r\n";
  data += "MIME-Version: 1.0\r\n";
  data += "Content-Type: text/plain; charset=UTF-8\r\n";
  data += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  data += encode_quoted_printable(body);
  return data;
}

}  // namespace tessera::mail
