// ServerConfig: flags, config file, validation, and the help CLI11 makes
// of the declarations.
#include "server/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace tessera::server {
namespace {

Result<ServerConfig> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "tessera-server");
  return parse_server_config(static_cast<int>(args.size()), args.data());
}

TEST(ServerConfig, DefaultsMatchTheDocumentedOnes) {
  auto c = parse({"--token", "s:admin"});
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->listen_address, "127.0.0.1");
  EXPECT_EQ(c->port, 7450);
  EXPECT_EQ(c->admin_port, 7451);
  EXPECT_EQ(c->shards, 2u);
  EXPECT_EQ(c->io_threads, 0u);
  EXPECT_EQ(c->data_dir, "./data");
  EXPECT_EQ(c->durability, Durability::kSync);
  EXPECT_FALSE(c->demo);
  EXPECT_EQ(c->order_retention_days, -1) << "unset: the retention stays as the log has it";
}

// server/tessera.conf.example parses, and its limits are the defaults.
TEST(ServerConfig, ExampleFileStatesTheDefaultLimits) {
  const std::string path = (std::filesystem::path(TESSERA_SOURCE_DIR) / "server" / "tessera.conf.example").string();
  auto c = parse({"--config", path.c_str()});
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->catalog, "examples/demo-venue.toml");  // what scripts/run starts with
  EXPECT_EQ(c->order_retention_days, 30);
  const net::NetLimits defaults;
  EXPECT_EQ(c->limits.connections_max, defaults.connections_max);
  EXPECT_EQ(c->limits.connections_unauthenticated_max, defaults.connections_unauthenticated_max);
  EXPECT_EQ(c->limits.connections_per_address_max, defaults.connections_per_address_max);
  EXPECT_EQ(c->limits.hello_deadline_ms, defaults.hello_deadline_ms);
  EXPECT_EQ(c->limits.frame_read_deadline_ms, defaults.frame_read_deadline_ms);
  EXPECT_EQ(c->limits.requests_in_flight_max, defaults.requests_in_flight_max);
  EXPECT_EQ(c->limits.frame_bytes_max, defaults.frame_bytes_max);
  EXPECT_EQ(c->document_bytes(), kDocumentBytesDefault);
  auto set = parse({"--token", "s:admin", "--connections-unauthenticated-max", "8", "--connections-per-address-max",
                    "4", "--hello-deadline-ms", "500"});
  ASSERT_TRUE(set.is_ok()) << set.status().to_string();
  EXPECT_EQ(set->limits.connections_unauthenticated_max, 8u);
  EXPECT_EQ(set->limits.connections_per_address_max, 4u);
  EXPECT_EQ(set->limits.hello_deadline_ms, 500u);
  EXPECT_FALSE(parse({"--token", "s:admin", "--connections-per-address-max", "0"}).is_ok());
}

TEST(ServerConfig, FlagsOverrideTheFileAndTokensAccumulate) {
  const std::string path = ::testing::TempDir() + "tessera_config_test.conf";
  {
    std::ofstream f(path);
    f << "# a comment\nport = 9000\nshards = 4   # trailing comment\ntoken = a:webshop\n"
         "durability = async\nframe_bytes_max = 65536\ndemo = true\n";
  }
  auto c = parse({"--config", path.c_str(), "--port=9100", "--token", "b:admin", "--io-threads", "2"});
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->port, 9100);
  EXPECT_EQ(c->shards, 4u);
  EXPECT_EQ(c->io_threads, 2u);
  EXPECT_EQ(c->durability, Durability::kAsync);
  EXPECT_EQ(c->limits.frame_bytes_max, 65536u);
  EXPECT_TRUE(c->demo);
  EXPECT_EQ(c->tokens.find("a"), net::Role::kWebshop);
  EXPECT_EQ(c->tokens.find("b"), net::Role::kAdmin);
  std::remove(path.c_str());
}

// A document and its request fit in a frame: unset, the limit follows a
// smaller frame; set larger than the frame leaves room for, refused.
TEST(ServerConfig, TheDocumentLimitFitsTheFrameLimit) {
  auto unset = parse({"--token", "s:admin", "--frame-bytes-max", "65536"});
  ASSERT_TRUE(unset.is_ok()) << unset.status().to_string();
  EXPECT_EQ(unset->document_bytes(), 65536u - kDocumentFrameOverhead);
  EXPECT_EQ(parse({"--token", "s:admin"})->document_bytes(), kDocumentBytesDefault);
  auto too_big = parse({"--token", "s:admin", "--frame-bytes-max", "65536", "--document-bytes-max", "65536"});
  ASSERT_FALSE(too_big.is_ok());
  EXPECT_NE(too_big.status().message().find("document_bytes_max"), std::string::npos);
  auto set = parse({"--token", "s:admin", "--document-bytes-max", "1000"});
  ASSERT_TRUE(set.is_ok());
  EXPECT_EQ(set->document_bytes(), 1000u);
}

TEST(ServerConfig, BadValuesAreRefusedWithTheKeyName) {
  auto no_token = parse({});
  ASSERT_FALSE(no_token.is_ok());
  EXPECT_NE(no_token.status().message().find("token"), std::string::npos);
  auto shards = parse({"--token", "s:admin", "--shards", "65"});
  ASSERT_FALSE(shards.is_ok());
  EXPECT_NE(shards.status().message().find("shards"), std::string::npos);
  EXPECT_FALSE(parse({"--token", "s:admin", "--durability", "maybe"}).is_ok());
  EXPECT_FALSE(parse({"--token", "s:admin", "--frobnicate", "1"}).is_ok());
  EXPECT_FALSE(parse({"--token", "s:root"}).is_ok());
  auto retention = parse({"--token", "s:admin", "--order-retention-days", "4000"});
  ASSERT_FALSE(retention.is_ok());
  EXPECT_NE(retention.status().message().find("order-retention-days"), std::string::npos)
      << retention.status().message();
  auto days = parse({"--token", "s:admin", "--order-retention-days", "0"});
  ASSERT_TRUE(days.is_ok()) << days.status().to_string();
  EXPECT_EQ(days->order_retention_days, 0);
  EXPECT_FALSE(parse({"--token", "s:admin", "--port"}).is_ok());
  ServerConfig c;
  const Status s = apply_config_text("port 7450\n", "inline", c);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("inline:1"), std::string::npos) << s.message();
}

TEST(ServerConfig, FileLinesGoThroughTheSameOptions) {
  ServerConfig c;
  ASSERT_TRUE(
      apply_config_text("durability = none\ndemo = false\nsnapshot_every_s = 60\nport = 010\n", "inline", c).is_ok());
  EXPECT_EQ(c.durability, Durability::kNone);
  EXPECT_FALSE(c.demo);
  EXPECT_EQ(c.snapshot_every_s, 60);
  EXPECT_EQ(c.port, 10) << "decimal, not octal";
  const Status range = apply_config_text("# comment\n\nshards = 65\n", "f.conf", c);
  EXPECT_EQ(range.message(), "f.conf:3: shards: Value 65 not in range 1 to 64");
  const Status word = apply_config_text("port = 80x\n", "f.conf", c);
  EXPECT_EQ(word.message(), "f.conf:1: port: '80x' is not a valid number");
  const Status choice = apply_config_text("durability = maybe\n", "f.conf", c);
  EXPECT_EQ(choice.message(), "f.conf:1: durability: 'maybe' is not one of sync, async, none");
  const Status unknown = apply_config_text("listen = ::1\nfrobnicate = 1\n", "f.conf", c);
  EXPECT_EQ(unknown.message(), "f.conf:2: unknown key 'frobnicate' (see --help)");
  EXPECT_FALSE(apply_config_text("config = other.conf\n", "f.conf", c).is_ok()) << "flag only";
  EXPECT_FALSE(apply_config_text("admin-port = 1\n", "f.conf", c).is_ok()) << "keys use underscores";
}

TEST(ServerConfig, PmgTiersAddUpFromFileAndFlags_AndBadOnesAreRefused) {
  const std::string path = ::testing::TempDir() + "tessera_pmg_test.conf";
  {
    std::ofstream f(path);
    f << "pmg_tier = BRONZE:0\npmg_tier = OR:15000\n";
  }
  auto c = parse({"--config", path.c_str(), "--token", "s:admin", "--pmg-tier", "ARGENT:5000"});
  std::remove(path.c_str());
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  ASSERT_EQ(c->pmg_tiers.size(), 3u);
  EXPECT_EQ(c->pmg_tiers[0], (engine::PmgTier{"ARGENT", 5000})) << "the flags' first, then the file's";
  EXPECT_EQ(c->pmg_tiers[2], (engine::PmgTier{"OR", 15000}));
  EXPECT_TRUE(parse({"--token", "s:admin"})->pmg_tiers.empty()) << "no tier unless configured";

  const auto refused = [](std::vector<const char*> args, std::string_view why) {
    args.insert(args.begin(), {"--token", "s:admin"});
    auto r = parse(args);
    ASSERT_FALSE(r.is_ok()) << why;
    EXPECT_NE(r.status().message().find(why), std::string::npos) << r.status().message();
  };
  refused({"--pmg-tier", "ARGENT"}, "is not NAME:CENTS");
  refused({"--pmg-tier", "ARGENT:50.00"}, "is not an amount in cents");
  refused({"--pmg-tier", ":5000"}, "name has 1 to 32 bytes");
  refused({"--pmg-tier", "OR:100", "--pmg-tier", "OR:200"}, "OR is given twice");
  refused({"--pmg-tier", "A:100", "--pmg-tier", "B:100"}, "A and B both start at 100 cents");
  ServerConfig in_file;
  const Status line = apply_config_text("pmg_tier = ARGENT:-1\n", "f.conf", in_file);
  EXPECT_NE(line.message().find("f.conf:1: pmg_tier:"), std::string::npos) << line.message();
}

TEST(ServerConfig, SmtpRelayWithTlsAndAuth_FromTheFile) {
  const std::string dir = ::testing::TempDir();
  const std::string password_file = dir + "tessera_config_test.password", ca_file = dir + "tessera_config_test.ca";
  std::ofstream(password_file) << "hunter2-from-file\n";
  std::ofstream(ca_file) << "-----BEGIN CERTIFICATE-----\n";
  const std::string path = dir + "tessera_config_smtp.conf";
  std::ofstream(path) << "token = a:admin\nsmtp_host = mail.example.org\nsmtp_port = 587\nsmtp_tls = starttls\n"
                         "smtp_user = relances\nsmtp_password_file = "
                      << password_file << "\nsmtp_ca_file = " << ca_file << "\nsmtp_timeout_ms = 5000\n";
  auto c = parse({"--config", path.c_str()});
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  const mail::SmtpOptions o = c->smtp_options();
  EXPECT_EQ(o.host, "mail.example.org");
  EXPECT_EQ(o.port, 587);
  EXPECT_EQ(o.tls, mail::SmtpTls::kStartTls);
  EXPECT_EQ(o.user, "relances");
  EXPECT_EQ(o.password.reveal(), "hunter2-from-file");
  EXPECT_EQ(o.ca_file, ca_file);
  EXPECT_EQ(o.timeout_ms, 5000);
  EXPECT_EQ(mail::smtp_url(o), "smtp://mail.example.org:587");
  auto smtps = parse({"--config", path.c_str(), "--smtp-tls", "smtps", "--smtp-port=465"});
  ASSERT_TRUE(smtps.is_ok()) << smtps.status().to_string();
  EXPECT_EQ(mail::smtp_url(smtps->smtp_options()), "smtps://mail.example.org:465") << "flags override the file";
  std::remove(path.c_str());
  std::remove(password_file.c_str());
  std::remove(ca_file.c_str());
}

TEST(ServerConfig, SmtpAuthNeedsItsPasswordAndTls_AndNeverQuotesThePassword) {
  const auto error = [](std::vector<const char*> args) {
    args.insert(args.begin(), {"--token", "a:admin", "--smtp-host", "127.0.0.1"});
    auto c = parse(args);
    return c.is_ok() ? std::string("(accepted)") : c.status().message();
  };
  EXPECT_NE(error({"--smtp-user", "u"}).find("go together"), std::string::npos);
  EXPECT_NE(error({"--smtp-password", "hunter2"}).find("go together"), std::string::npos);
  const std::string clear = error({"--smtp-user", "u", "--smtp-password", "hunter2", "--smtp-tls", "optional"});
  EXPECT_NE(clear.find("in clear"), std::string::npos) << clear;
  EXPECT_EQ(clear.find("hunter2"), std::string::npos) << clear;
  EXPECT_EQ(error({"--smtp-user", "u", "--smtp-password", "hunter2", "--smtp-tls", "starttls"}), "(accepted)");
  EXPECT_EQ(error({"--smtp-tls", "maybe"}), "--smtp-tls: 'maybe' is not one of none, optional, starttls, smtps");
  EXPECT_NE(error({"--smtp-user", "u", "--smtp-password-file", "/nonexistent/pw", "--smtp-tls", "smtps"})
                .find("smtp_password_file: cannot read '/nonexistent/pw'"),
            std::string::npos);
  EXPECT_NE(error({"--smtp-ca-file", "/nonexistent/ca.pem"}).find("--smtp-ca-file"), std::string::npos);
  EXPECT_NE(error({"--smtp-timeout-ms", "0"}).find("--smtp-timeout-ms"), std::string::npos);
  ServerConfig c;
  const Status bad_line = apply_config_text("smtp_password = hunter2\nsmtp_tls = sometimes\n", "f.conf", c);
  EXPECT_EQ(bad_line.message(), "f.conf:2: smtp_tls: 'sometimes' is not one of none, optional, starttls, smtps");
}

TEST(ServerConfig, HelpComesFromTheDeclarations) {
  const Status help = parse({"--help"}).status();
  ASSERT_EQ(help.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(help.message().find("Usage: tessera-server"), std::string::npos) << help.message();
  for (const char* flag : {"--config",
                           "--listen",
                           "--port",
                           "--admin-port",
                           "--shards",
                           "--io-threads",
                           "--data-dir",
                           "--durability",
                           "--snapshot-every-entries",
                           "--snapshot-every-s",
                           "--orders-reserved-per-shard",
                           "--token",
                           "--demo",
                           "--export-dir",
                           "--smtp-host",
                           "--smtp-port",
                           "--smtp-tls",
                           "--smtp-user",
                           "--smtp-password",
                           "--smtp-password-file",
                           "--smtp-ca-file",
                           "--smtp-timeout-ms",
                           "--mail-from",
                           "--frame-bytes-max",
                           "--commands-per-request-max",
                           "--connections-max",
                           "--connections-unauthenticated-max",
                           "--connections-per-address-max",
                           "--requests-in-flight-max",
                           "--frame-read-deadline-ms",
                           "--hello-deadline-ms",
                           "--drain-deadline-ms",
                           "--protocol-version-min"})
    EXPECT_NE(help.message().find(flag), std::string::npos) << flag << " missing from\n" << help.message();
  EXPECT_NE(help.message().find("sync|async|none"), std::string::npos) << help.message();
}

}  // namespace
}  // namespace tessera::server
