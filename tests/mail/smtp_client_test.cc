// send_mails (libcurl's SMTP) against real SMTP servers (aiosmtpd on
// loopback, delivering into a Maildir: a plain one, and relays that require
// STARTTLS or TLS from the first byte, and AUTH, with a self-signed
// certificate made by the test) and against scripted servers for the
// dialogue's edges: refusals quoted per message, HELO fallback, refused
// connections, silent servers and a relay closing mid-session. Deadlines are
// generous: nothing here waits on timing to pass, except the silent-server
// test, which waits for a deadline to fire.
#include "mail/smtp_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "tests/mail/smtp_test_support.h"
#include "tests/storage/temp_dir.h"

namespace tessera::mail {
namespace {

using namespace tessera::testing_support;

SmtpOptions loopback(uint16_t port, int timeout_ms = 30'000) {
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.helo_name = "tessera-test";
  o.timeout_ms = timeout_ms;
  return o;
}

OutgoingMail plain_mail(std::string to, std::string subject, std::string body) {
  return {"relances@theatre.example",
          {std::move(to)},
          "From: relances@theatre.example\r\nTo: x\r\nSubject: " + std::move(subject) + "\r\n\r\n" + std::move(body)};
}

// Accepts every command; RCPT TO naming "bad" is refused with 550.
std::string accepting_reply(const std::string& line) {
  if (line.rfind("EHLO", 0) == 0) return "250-fake.example greets you\r\n250-8BITMIME\r\n250 SIZE 100000\r\n";
  if (line.rfind("RCPT TO:", 0) == 0 && line.find("bad") != std::string::npos) return "550 5.1.1 no such user\r\n";
  if (line == "DATA") return "354 end with <CRLF>.<CRLF>\r\n";
  if (line == "QUIT") return "221 bye\r\n";
  return "250 ok\r\n";
}

TEST(SmtpCrlfLines, NormalisesLineEnds) {
  EXPECT_EQ(smtp_crlf_lines("Hello\n.line\r\n..two\rend"), "Hello\r\n.line\r\n..two\r\nend\r\n");
  EXPECT_EQ(smtp_crlf_lines("a.b\r\n"), "a.b\r\n");
  EXPECT_EQ(smtp_crlf_lines(""), "");
}

TEST(SmtpUrl, NamesTheSchemeHostAndPortOnly) {
  SmtpOptions o = loopback(2525);
  o.user = "relances";
  o.password = Secret("hunter2");
  EXPECT_EQ(smtp_url(o), "smtp://127.0.0.1:2525");
  o.tls = SmtpTls::kSmtps;
  o.host = "::1";
  EXPECT_EQ(smtp_url(o), "smtps://[::1]:2525");
}

TEST(SendMails, RealServer_DeliversEachMessageToItsRecipientWithDotLinesIntact) {
  TempDir dir;
  AiosmtpdProcess server(dir.path() + "/maildir");
  ASSERT_TRUE(server.ready());
  const std::vector<OutgoingMail> mails = {
      plain_mail("anne@example.org", "first", "line one\n.starts with a dot\n..two dots\n.\nend\n"),
      plain_mail("bob@example.org", "second", "hello bob\r\n"),
  };
  const std::vector<Status> sent = send_mails(loopback(server.port()), mails);
  ASSERT_EQ(sent.size(), 2u);
  for (const Status& s : sent) EXPECT_TRUE(s.is_ok()) << s.to_string();

  std::vector<ReceivedMail> received = read_maildir(dir.path() + "/maildir");
  ASSERT_EQ(received.size(), 2u);
  std::sort(received.begin(), received.end(),
            [](const auto& a, const auto& b) { return a.header("subject") < b.header("subject"); });
  EXPECT_EQ(received[0].header("x-rcptto"), "anne@example.org");
  EXPECT_EQ(received[0].header("x-mailfrom"), "relances@theatre.example");
  EXPECT_EQ(received[0].body, "line one\n.starts with a dot\n..two dots\n.\nend\n");
  EXPECT_EQ(received[1].header("x-rcptto"), "bob@example.org");
  EXPECT_EQ(received[1].body, "hello bob\n");
}

TEST(SendMails, ConnectionRefused_FailsEveryMessageNamingTheServer) {
  const uint16_t port = free_loopback_port();
  const std::vector<Status> sent =
      send_mails(loopback(port), {plain_mail("a@example.org", "s", "b"), plain_mail("b@example.org", "s", "b")});
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].code(), StatusCode::kUnavailable);
  EXPECT_NE(sent[0].message().find("smtp://127.0.0.1:" + std::to_string(port)), std::string::npos)
      << sent[0].to_string();
  EXPECT_NE(sent[0].message().find("Connection refused"), std::string::npos) << sent[0].to_string();
  EXPECT_EQ(sent[1].code(), StatusCode::kUnavailable);
  EXPECT_EQ(sent[1].message(), "not sent: " + sent[0].message()) << "not tried again";
}

TEST(SendMails, RefusedRecipient_FailsThatMessageOnlyWithTheServersReply) {
  FakeSmtpServer server("220 fake.example ready\r\n", accepting_reply);
  const std::vector<OutgoingMail> mails = {plain_mail("bad@example.org", "s", "b"),
                                           plain_mail("good@example.org", "s", "b")};
  const std::vector<Status> sent = send_mails(loopback(server.port()), mails);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(sent[0].message().find("550 5.1.1 no such user"), std::string::npos) << sent[0].to_string();
  EXPECT_TRUE(sent[1].is_ok()) << sent[1].to_string();
  // libcurl closes the connection after a refused transaction; the next message opens another.
  EXPECT_EQ(server.commands(),
            (std::vector<std::string>{"EHLO tessera-test", "MAIL FROM:<relances@theatre.example> SIZE=56",
                                      "RCPT TO:<bad@example.org>", "QUIT", "EHLO tessera-test",
                                      "MAIL FROM:<relances@theatre.example> SIZE=56", "RCPT TO:<good@example.org>",
                                      "DATA", "QUIT"}));
  EXPECT_EQ(server.messages().size(), 1u);
}

TEST(SendMails, MultiLineGreetingAndEhloRefused_FallsBackToHelo) {
  FakeSmtpServer server("220-fake.example\r\n220-more text\r\n220 ready\r\n", [](const std::string& line) {
    if (line.rfind("EHLO", 0) == 0) return std::string("502 5.5.1 EHLO not implemented\r\n");
    return accepting_reply(line);
  });
  const std::vector<Status> sent = send_mails(loopback(server.port()), {plain_mail("a@example.org", "s", "b")});
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].is_ok()) << sent[0].to_string();
  const std::vector<std::string> commands = server.commands();
  ASSERT_GE(commands.size(), 3u);
  EXPECT_EQ(commands[1], "HELO tessera-test");
  EXPECT_EQ(commands[2], "MAIL FROM:<relances@theatre.example>") << "no SIZE without EHLO";
}

TEST(SendMails, TransientRefusalAtEndOfData_IsUnavailable) {
  FakeSmtpServer server("220 ready\r\n", accepting_reply, "451 4.3.0 try again later\r\n");
  const std::vector<Status> sent = send_mails(loopback(server.port()), {plain_mail("a@example.org", "s", "b")});
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].code(), StatusCode::kUnavailable);
  EXPECT_NE(sent[0].message().find("451 4.3.0 try again later"), std::string::npos) << sent[0].to_string();
}

TEST(SendMails, ServiceNotAvailableGreeting_IsAnErrorWithTheReply) {
  FakeSmtpServer server("554 5.3.2 no service here\r\n", accepting_reply);
  const std::vector<Status> sent = send_mails(loopback(server.port()), {plain_mail("a@example.org", "s", "b")});
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(sent[0].message().find("554 5.3.2 no service here"), std::string::npos) << sent[0].to_string();
}

TEST(SendMails, SilentServer_TimesOut) {
  FakeSmtpServer server("", accepting_reply);
  const std::vector<Status> sent = send_mails(loopback(server.port(), 200), {plain_mail("a@example.org", "s", "b")});
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].code(), StatusCode::kUnavailable);
  EXPECT_NE(sent[0].message().find("timed out"), std::string::npos) << sent[0].to_string();
}

TEST(SendMails, ServerClosingMidSession_FailsTheRest) {
  FakeSmtpServer server("220 ready\r\n", [](const std::string& line) {
    if (line.rfind("MAIL", 0) == 0) return std::string("421 4.3.2 shutting down\r\n");
    return accepting_reply(line);
  });
  const std::vector<Status> sent = send_mails(
      loopback(server.port()), {plain_mail("a@example.org", "s", "b"), plain_mail("b@example.org", "s", "b")});
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_NE(sent[0].message().find("421 4.3.2 shutting down"), std::string::npos) << sent[0].to_string();
  EXPECT_EQ(sent[1].code(), StatusCode::kUnavailable);
  EXPECT_NE(sent[1].message().find("not sent"), std::string::npos) << sent[1].to_string();
}

TEST(SendMails, MalformedEnvelopeAndOversizedMessage_AreRefusedBeforeSending) {
  FakeSmtpServer server("220 ready\r\n", accepting_reply);
  const std::vector<Status> sent =
      send_mails(loopback(server.port()), {plain_mail("a@b\r\nRCPT TO:<x@y>", "s", "b"),
                                           {"a@example.org", {}, "x"},
                                           plain_mail("a@example.org", "s", std::string(kSmtpMessageBytesMax, 'x'))});
  ASSERT_EQ(sent.size(), 3u);
  for (const Status& s : sent) EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.to_string();
  EXPECT_TRUE(server.commands().empty()) << "nothing was sent";
}

// ---- TLS and AUTH ------------------------------------------------------------------

constexpr const char* kUser = "relances";
constexpr const char* kPassword = "s3cret-Pa55";

class SendMailsTls : public ::testing::Test {
 protected:
  void SetUp() override { certificate_ = make_self_signed_certificate(dir_.path()); }
  // A relay requiring STARTTLS (or smtps) and AUTH as kUser / kPassword.
  std::unique_ptr<AiosmtpdProcess> relay(bool smtps) {
    auto r = std::make_unique<AiosmtpdProcess>(maildir(), TlsRelaySettings{certificate_, smtps, kUser, kPassword});
    EXPECT_TRUE(r->ready());
    return r;
  }
  SmtpOptions options(uint16_t port, SmtpTls tls, const std::string& password = kPassword) {
    SmtpOptions o = loopback(port);
    o.tls = tls;
    o.user = kUser;
    o.password = Secret(password);
    o.ca_file = certificate_.cert;
    return o;
  }
  std::string maildir() const { return dir_.path() + "/maildir"; }
  static std::vector<OutgoingMail> two_mails() {
    return {plain_mail("anne@example.org", "first", "hello anne\n"), plain_mail("bob@example.org", "second", "hi\n")};
  }

  TempDir dir_;
  SelfSignedCertificate certificate_;
};

TEST_F(SendMailsTls, StartTlsAndAuth_DeliverThroughARelayThatRequiresBoth) {
  auto server = relay(false);
  const std::vector<Status> sent = send_mails(options(server->port(), SmtpTls::kStartTls), two_mails());
  ASSERT_EQ(sent.size(), 2u);
  for (const Status& s : sent) EXPECT_TRUE(s.is_ok()) << s.to_string();
  std::vector<ReceivedMail> received = read_maildir(maildir());
  ASSERT_EQ(received.size(), 2u);
  std::sort(received.begin(), received.end(),
            [](const auto& a, const auto& b) { return a.header("x-rcptto") < b.header("x-rcptto"); });
  EXPECT_EQ(received[0].header("x-rcptto"), "anne@example.org");
  EXPECT_EQ(received[0].body, "hello anne\n");
  EXPECT_EQ(received[1].header("x-rcptto"), "bob@example.org");
}

TEST_F(SendMailsTls, OptionalStartTls_IsUsedWhenTheRelayOffersIt) {
  auto server = relay(false);
  SmtpOptions o = options(server->port(), SmtpTls::kOptional);
  const std::vector<Status> sent = send_mails(o, two_mails());
  for (const Status& s : sent) EXPECT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_EQ(read_maildir(maildir()).size(), 2u) << "the relay takes AUTH over TLS only";
}

TEST_F(SendMailsTls, Smtps_DeliversWithTlsFromTheFirstByte) {
  auto server = relay(true);
  const SmtpOptions o = options(server->port(), SmtpTls::kSmtps);
  EXPECT_EQ(smtp_url(o), "smtps://127.0.0.1:" + std::to_string(server->port()));
  const std::vector<Status> sent = send_mails(o, two_mails());
  for (const Status& s : sent) EXPECT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_EQ(read_maildir(maildir()).size(), 2u);
}

TEST_F(SendMailsTls, BadCredentials_FailEveryMessageWithTheRelaysReply_NeverThePassword) {
  auto server = relay(false);
  const std::vector<Status> sent = send_mails(options(server->port(), SmtpTls::kStartTls, "wrong-pass"), two_mails());
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].code(), StatusCode::kFailedPrecondition) << sent[0].to_string();
  EXPECT_NE(sent[0].message().find("535 5.7.8 Authentication credentials invalid"), std::string::npos)
      << sent[0].to_string();
  EXPECT_EQ(sent[1].code(), StatusCode::kUnavailable);
  EXPECT_EQ(sent[1].message(), "not sent: " + sent[0].message()) << "one login refused is enough";
  for (const Status& s : sent) {
    EXPECT_EQ(s.message().find("wrong-pass"), std::string::npos) << s.to_string();
    EXPECT_EQ(s.message().find(kPassword), std::string::npos) << s.to_string();
  }
  EXPECT_TRUE(read_maildir(maildir()).empty());
}

TEST_F(SendMailsTls, RequiredStartTls_SendsNothingToARelayWithoutIt) {
  AiosmtpdProcess plain(maildir());
  ASSERT_TRUE(plain.ready());
  SmtpOptions o = options(plain.port(), SmtpTls::kStartTls);
  const std::vector<Status> sent = send_mails(o, two_mails());
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_FALSE(sent[0].is_ok());
  EXPECT_NE(sent[0].message().find("STARTTLS"), std::string::npos) << sent[0].to_string();
  EXPECT_TRUE(read_maildir(maildir()).empty());
  o.tls = SmtpTls::kOptional;  // plain, then: no AUTH in clear either
  o.user.clear();
  o.password = Secret();
  for (const Status& s : send_mails(o, two_mails())) EXPECT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_EQ(read_maildir(maildir()).size(), 2u);
}

TEST_F(SendMailsTls, UntrustedCertificate_IsRefused) {
  auto server = relay(false);
  SmtpOptions o = options(server->port(), SmtpTls::kStartTls);
  std::filesystem::create_directories(dir_.path() + "/other");
  o.ca_file = make_self_signed_certificate(dir_.path() + "/other").cert;  // not the relay's
  const std::vector<Status> sent = send_mails(o, two_mails());
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].code(), StatusCode::kUnavailable);
  EXPECT_NE(sent[0].message().find("certificate"), std::string::npos) << sent[0].to_string();
  EXPECT_TRUE(read_maildir(maildir()).empty());
}

}  // namespace
}  // namespace tessera::mail
