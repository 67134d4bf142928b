// TLS on the protocol and admin ports, through the real server on loopback
// with real sockets: a throwaway self-signed certificate is made in-process
// (OpenSSL's API, no openssl binary), the server starts with it, and TLS
// clients, plain clients, clients trusting another CA, stalled handshakes
// and HTTPS probes meet it. Every wait returns as soon as its condition holds.
#include "net/tls.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <fstream>

#include "net/metrics.h"
#include "tests/net/net_test_support.h"
#include "tests/storage/temp_dir.h"
#include "tools/cli/metrics_fetch.h"
#include "workload/demo_venue.h"

namespace tessera::net {
namespace {

using namespace tessera::engine;
using testing::eventually;
using testing::one;
using testing::RawConnection;
using Failure = NetMetrics::TlsFailure;
namespace asio = boost::asio;
namespace ssl = asio::ssl;

// A self-signed certificate (P-256, one day) naming `san` ("IP:127.0.0.1"),
// written as PEM to dir/name.crt and dir/name.key.
struct CertFiles {
  std::string cert, key;
};

CertFiles make_self_signed(const std::string& dir, const std::string& name, const char* san) {
  CertFiles out{dir + "/" + name + ".crt", dir + "/" + name + ".key"};
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), static_cast<long>(std::hash<std::string>{}(name)&0x7fffffff));
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  X509_set_pubkey(x, key);
  X509_NAME* subject = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(x, subject);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, san);
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  EXPECT_GT(X509_sign(x, key, EVP_sha256()), 0);
  FILE* f = std::fopen(out.cert.c_str(), "w");
  PEM_write_X509(f, x);
  std::fclose(f);
  f = std::fopen(out.key.c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

constexpr uint32_t kHelloDeadlineMs = 600;

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certs_ = make_self_signed(dir_.path(), "tessera-test", "IP:127.0.0.1");
    other_ = make_self_signed(dir_.path(), "someone-else", "IP:127.0.0.1");
    server::ServerConfig config = testing::test_config();
    config.tls_cert_file = certs_.cert;
    config.tls_key_file = certs_.key;
    config.limits.hello_deadline_ms = kHelloDeadlineMs;
    app_ = testing::start_server(std::move(config));
  }

  ClientOptions tls_options(const std::string& ca_file) const {
    ClientOptions o;
    o.port = app_->port();
    o.token = testing::kWebshopToken;
    o.reconnect = false;
    o.tls = true;
    o.tls_ca_file = ca_file;
    return o;
  }
  std::unique_ptr<Client> tls_client() {
    auto c = Client::connect(tls_options(certs_.cert));
    EXPECT_TRUE(c.is_ok()) << c.status().to_string();
    return c.is_ok() ? std::move(c.value()) : nullptr;
  }
  uint64_t failures(Failure why) { return app_->metrics().tls_failures(why); }
  static Command availability() { return Command{0, GetAvailability{1000, 1, kNone, workload::kWeb, kNone}}; }

  testing_support::TempDir dir_;
  CertFiles certs_, other_;
  std::unique_ptr<server::ServerApp> app_;
};

TEST_F(TlsServerTest, TlsClient_AuthenticatesAndRunsCommands) {
  auto shop = tls_client();
  ASSERT_TRUE(shop);
  const Reply held = one(*shop, testing::web_hold(1000, 2));
  EXPECT_TRUE(held.ok()) << held.message;
  EXPECT_EQ(one(*shop, availability()).value, 450 - 2);
  // Pipelined: many frames per write, coalesced into one TLS record.
  std::vector<std::future<Result<Client::Replies>>> replies;
  for (int i = 0; i < 200; ++i) replies.push_back(shop->send({availability(), availability()}));
  for (auto& r : replies) {
    auto got = r.get();
    ASSERT_TRUE(got.is_ok()) << got.status().to_string();
    EXPECT_EQ(got->size(), 2u);
  }
  for (Failure why : {Failure::kHandshake, Failure::kPlainText, Failure::kTimeout}) EXPECT_EQ(failures(why), 0u);
}

TEST_F(TlsServerTest, PlainClient_IsToldTheProtocolIsTls_AndTheServerKeepsServing) {
  ClientOptions plain = tls_options("");
  plain.tls = false;
  auto refused = Client::connect(plain);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("speaks TLS"), std::string::npos) << refused.status().to_string();

  RawConnection raw(app_->port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.send_frame(hello_frame(kProtocolVersion, testing::kWebshopToken, "raw")));
  EXPECT_EQ(raw.read_error(), wire::ErrorCode::BadFrame);
  EXPECT_TRUE(raw.closed_by_server());
  EXPECT_FALSE(raw.reset());

  EXPECT_TRUE(eventually([&] { return failures(Failure::kPlainText) == 2; }));
  auto shop = tls_client();
  ASSERT_TRUE(shop);
  EXPECT_TRUE(one(*shop, availability()).ok());
  EXPECT_NE(app_->render_metrics().body.find("tessera_tls_handshake_failures_total{reason=\"plain_text\"} 2"),
            std::string::npos);
}

// An Error frame over TLS is followed by close_notify: the peer reads the
// frame, then a clean end of stream (not a truncated one).
TEST_F(TlsServerTest, ErrorFrame_IsFollowedByCloseNotify) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), app_->port()}, ec);
  ASSERT_FALSE(ec) << ec.message();
  auto context = make_tls_client_context(certs_.cert, true);
  ASSERT_TRUE(context.is_ok()) << context.status().to_string();
  ssl::stream<asio::ip::tcp::socket> stream(std::move(socket), **context);
  stream.handshake(ssl::stream_base::client, ec);
  ASSERT_FALSE(ec) << ec.message();
  const OutFrame hello = hello_frame(kProtocolVersion, "not-a-token", "raw");
  asio::write(stream, std::array{asio::buffer(hello.header), asio::buffer(hello.body.data(), hello.body.size())}, ec);
  ASSERT_FALSE(ec) << ec.message();
  std::string got;
  char buf[4096];
  for (size_t n; (n = stream.read_some(asio::buffer(buf), ec)) > 0 || !ec;) got.append(buf, n);
  EXPECT_EQ(ec, asio::error::eof) << "not a clean TLS end: " << ec.message();
  ASSERT_GE(got.size(), 4u);
  const uint32_t length = get_frame_length(reinterpret_cast<const uint8_t*>(got.data()));
  ASSERT_EQ(got.size(), 4u + length);
  const wire::ServerFrame* frame =
      verify_server_frame({reinterpret_cast<const uint8_t*>(got.data()) + 4, static_cast<size_t>(length)});
  ASSERT_NE(frame, nullptr);
  ASSERT_NE(frame->message_as_Error(), nullptr);
  EXPECT_EQ(frame->message_as_Error()->code(), wire::ErrorCode::Unauthorized);
}

TEST_F(TlsServerTest, ClientTrustingAnotherCa_RefusesTheServer) {
  auto refused = Client::connect(tls_options(other_.cert));
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("certificate verify failed"), std::string::npos)
      << refused.status().to_string();
  // The server sees the client's alert: a failed handshake, logged and counted.
  EXPECT_TRUE(eventually([&] { return failures(Failure::kHandshake) == 1; }));
  EXPECT_TRUE(tls_client());
}

TEST_F(TlsServerTest, CertificateNotNamingTheHost_IsRefused_UnlessVerificationIsSkipped) {
  ClientOptions by_name = tls_options(certs_.cert);
  by_name.host = "localhost";  // the certificate names only 127.0.0.1
  auto refused = Client::connect(by_name);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("hostname mismatch"), std::string::npos) << refused.status().to_string();

  ClientOptions insecure = tls_options("");
  insecure.tls_insecure_skip_verify = true;
  auto accepted = Client::connect(insecure);
  ASSERT_TRUE(accepted.is_ok()) << accepted.status().to_string();
  EXPECT_TRUE(one(**accepted, availability()).ok());
}

TEST_F(TlsServerTest, MissingCaFile_IsAClientError) {
  auto refused = Client::connect(tls_options(dir_.path() + "/absent.pem"));
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(TlsServerTest, HandshakeThatNeverCompletes_IsClosedAtTheHelloDeadline) {
  const auto start = std::chrono::steady_clock::now();
  RawConnection silent(app_->port());
  RawConnection stalled(app_->port());
  ASSERT_TRUE(silent.connected() && stalled.connected());
  const uint8_t partial_record[] = {kTlsHandshakeRecordType, 0x03, 0x01, 0x02, 0x00};  // announces 512 bytes, sends 0
  ASSERT_TRUE(stalled.send_bytes(partial_record));
  EXPECT_TRUE(silent.closed_by_server());
  EXPECT_TRUE(stalled.closed_by_server());
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(kHelloDeadlineMs - 50));
  EXPECT_TRUE(eventually([&] { return failures(Failure::kTimeout) == 2; }));
  EXPECT_TRUE(eventually([&] { return app_->metrics().connections_open() == 0; }));
}

// A handshake in progress is a connection without Hello: it counts against
// connections_unauthenticated_max, and makes room like one.
TEST(TlsServer, HandshakingConnections_CountAsUnauthenticated) {
  testing_support::TempDir dir;
  const CertFiles certs = make_self_signed(dir.path(), "tessera-test", "IP:127.0.0.1");
  server::ServerConfig config = testing::test_config();
  config.tls_cert_file = certs.cert;
  config.tls_key_file = certs.key;
  config.limits.connections_unauthenticated_max = 2;
  auto app = testing::start_server(std::move(config));
  RawConnection idle_1(app->port()), idle_2(app->port());
  ASSERT_TRUE(idle_1.connected() && idle_2.connected());
  ASSERT_TRUE(eventually([&] { return app->metrics().connections_open() == 2; }));
  ClientOptions o;
  o.port = app->port();
  o.token = testing::kWebshopToken;
  o.tls = true;
  o.tls_ca_file = certs.cert;
  auto shop = Client::connect(o);  // makes room: idle_1 is told to close (after kCloseLingerMs, it never answers)
  ASSERT_TRUE(shop.is_ok()) << shop.status().to_string();
  EXPECT_TRUE(eventually([&] { return app->metrics().protocol_errors(wire::ErrorCode::TooManyConnections) == 1; }));
  EXPECT_TRUE(one(**shop, Command{0, GetAvailability{1000, 1, kNone, workload::kWeb, kNone}}).ok());
}

// GET over HTTPS with the protocol port's certificate; `tls` false: plain HTTP.
std::string admin_get(uint16_t port, const std::string& ca_file, bool tls, const char* target) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return "connect: " + ec.message();
  const std::string request =
      std::string("GET ") + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  std::string answer;
  char buf[4096];
  if (!tls) {
    asio::write(socket, asio::buffer(request), ec);
    for (size_t n; (n = socket.read_some(asio::buffer(buf), ec)) > 0 || !ec;) answer.append(buf, n);
    return answer;
  }
  auto context = make_tls_client_context(ca_file, true);
  if (!context.is_ok()) return context.status().to_string();
  ssl::stream<asio::ip::tcp::socket> stream(std::move(socket), **context);
  EXPECT_TRUE(expect_tls_peer_name(stream.native_handle(), "127.0.0.1"));
  stream.handshake(ssl::stream_base::client, ec);
  if (ec) return "handshake: " + ec.message();
  asio::write(stream, asio::buffer(request), ec);
  for (size_t n; (n = stream.read_some(asio::buffer(buf), ec)) > 0 || !ec;) answer.append(buf, n);
  EXPECT_EQ(ec, asio::error::eof) << ec.message();  // the server said close_notify
  return answer;
}

TEST_F(TlsServerTest, AdminPort_AnswersHttps_AndPlainHttpOnLoopback) {
  const std::string https = admin_get(app_->admin_port(), certs_.cert, true, "/health");
  EXPECT_EQ(https.rfind("HTTP/1.1 200", 0), 0u) << https;
  EXPECT_NE(https.find("\r\n\r\nok\n"), std::string::npos) << https;
  const std::string metrics = admin_get(app_->admin_port(), "", false, "/metrics");  // loopback: plain allowed
  EXPECT_EQ(metrics.rfind("HTTP/1.1 200", 0), 0u) << metrics.substr(0, 200);
  EXPECT_NE(metrics.find("tessera_tls_handshake_failures_total"), std::string::npos);
  EXPECT_NE(admin_get(app_->admin_port(), other_.cert, true, "/health").find("handshake: "), std::string::npos);
}

// `tessera stats` reads /metrics over HTTPS (a remote admin port), checking
// the certificate like the protocol client does.
TEST_F(TlsServerTest, StatsFetch_ReadsMetricsOverHttps_AndChecksTheCertificate) {
  using tools::HttpTarget;
  auto page = tools::http_get(HttpTarget{"127.0.0.1", app_->admin_port(), true, certs_.cert}, "/metrics");
  ASSERT_TRUE(page.is_ok()) << page.status().to_string();
  EXPECT_NE(page->find("tessera_tls_handshake_failures_total"), std::string::npos);
  EXPECT_FALSE(tools::summarize_metrics(*page).empty());
  auto untrusted = tools::http_get(HttpTarget{"127.0.0.1", app_->admin_port(), true, other_.cert}, "/metrics");
  ASSERT_FALSE(untrusted.is_ok());
  EXPECT_EQ(untrusted.status().code(), StatusCode::kUnavailable) << untrusted.status().to_string();
  auto plain = tools::http_get(HttpTarget{"127.0.0.1", app_->admin_port(), false, ""}, "/metrics");
  EXPECT_TRUE(plain.is_ok()) << "loopback may read /metrics in plain HTTP: " << plain.status().to_string();
}

TEST(TlsServer, BadCertificateOrKey_RefusesToStart) {
  testing_support::TempDir dir;
  const CertFiles a = make_self_signed(dir.path(), "a", "IP:127.0.0.1");
  const CertFiles b = make_self_signed(dir.path(), "b", "IP:127.0.0.1");
  std::ofstream(dir.path() + "/garbage.crt") << "not a certificate\n";
  struct Case {
    std::string cert, key, expected;
  };
  const Case cases[] = {
      {dir.path() + "/absent.crt", a.key, "tls_cert_file '" + dir.path() + "/absent.crt': cannot read it"},
      {a.cert, dir.path() + "/absent.key", "tls_key_file '" + dir.path() + "/absent.key': cannot read it"},
      {dir.path() + "/garbage.crt", a.key, "not a PEM certificate chain"},
      {a.cert, b.key, "is not the private key of the certificate"},
  };
  for (const Case& c : cases) {
    server::ServerConfig config = testing::test_config();
    config.tls_cert_file = c.cert;
    config.tls_key_file = c.key;
    server::ServerApp app(std::move(config));
    const Status s = app.start();
    EXPECT_FALSE(s.is_ok());
    EXPECT_NE(s.message().find(c.expected), std::string::npos) << s.to_string();
    EXPECT_EQ(app.port(), 0);
  }
}

TEST(TlsServer, CertificateWithoutKey_IsAConfigError) {
  server::ServerConfig config = testing::test_config();
  config.tls_cert_file = "server.crt";
  EXPECT_EQ(server::validate(config).code(), StatusCode::kInvalidArgument);
  const char* argv[] = {"tessera-server", "--token", "t:admin", "--tls-key-file", "server.key"};
  EXPECT_FALSE(server::parse_server_config(5, argv).is_ok());
}

}  // namespace
}  // namespace tessera::net
