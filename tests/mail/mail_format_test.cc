// Internet message formatting: header injection, RFC 2047 encoded-words,
// mailboxes, address checks and quoted-printable.
#include "mail/mail_format.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/mail/smtp_test_support.h"

namespace tessera::mail {
namespace {

using namespace tessera::testing_support;

TEST(MailFormat, HeaderInjectionAndLongSubjects) {
  EXPECT_EQ(encode_header_text("Hi\r\nBcc: x@y"), "Hi  Bcc: x@y");
  // Built by append: GCC 12 at -O1 misreads a chain of operator+ on short
  // strings here as out of bounds (-Warray-bounds).
  std::string long_subject(40, 'e');
  long_subject.append("é").append(40, 'e');
  const std::string encoded = encode_header_text(long_subject);
  EXPECT_NE(encoded.find("\r\n "), std::string::npos) << "folded into several encoded words";
  EXPECT_EQ(decode_header(encoded), long_subject);
  EXPECT_EQ(format_mailbox("O\"Brien", "a@b.c"), "\"O\\\"Brien\" <a@b.c>");
  EXPECT_FALSE(is_valid_email_address("a@b@c"));
  EXPECT_FALSE(is_valid_email_address("a b@c"));
  EXPECT_FALSE(is_valid_email_address("a@b\r\nRCPT TO:<x@y>"));
  EXPECT_TRUE(is_valid_email_address("first.last+tag@example.org"));
}

TEST(MailFormat, QuotedPrintable_SoftBreaksTrailingSpacesAndRoundTrip) {
  std::string text(100, 'x');
  text.append("\ntrailing space \né=1\n.dot\n");
  const std::string qp = encode_quoted_printable(text);
  EXPECT_NE(qp.find("trailing space=20\r\n"), std::string::npos) << qp;
  EXPECT_NE(qp.find("=C3=A9=3D1\r\n"), std::string::npos) << qp;
  std::string lf;
  for (char c : qp) {
    if (c != '\r') lf += c;
  }
  EXPECT_EQ(decode_quoted_printable(lf), text);
  size_t start = 0;
  for (size_t end = qp.find("\r\n"); end != std::string::npos; end = qp.find("\r\n", start)) {
    EXPECT_LE(end - start, kQuotedPrintableLineMax);
    start = end + 2;
  }
}

}  // namespace
}  // namespace tessera::mail
