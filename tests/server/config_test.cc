// ServerConfig: flags, config file, validation, and the help CLI11 makes
// of the declarations.
#include "server/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

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
  EXPECT_EQ(c->io_threads, 1u);
  EXPECT_EQ(c->data_dir, "./data");
  EXPECT_EQ(c->durability, Durability::kSync);
  EXPECT_FALSE(c->demo);
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
  EXPECT_FALSE(parse({"--token", "s:admin", "--port"}).is_ok());
  ServerConfig c;
  const Status s = apply_config_text("port 7450\n", "inline", c);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("inline:1"), std::string::npos) << s.message();
}

TEST(ServerConfig, FileLinesGoThroughTheSameOptions) {
  ServerConfig c;
  ASSERT_TRUE(apply_config_text("durability = none\ndemo = false\nsnapshot_every_s = 60\nport = 010\n", "inline", c).is_ok());
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

TEST(ServerConfig, HelpComesFromTheDeclarations) {
  const Status help = parse({"--help"}).status();
  ASSERT_EQ(help.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(help.message().find("Usage: tessera-server"), std::string::npos) << help.message();
  for (const char* flag : {"--config", "--listen", "--port", "--admin-port", "--shards", "--io-threads", "--data-dir",
                           "--durability", "--snapshot-every-entries", "--snapshot-every-s",
                           "--orders-reserved-per-shard", "--token", "--demo", "--export-dir", "--smtp-host",
                           "--smtp-port", "--mail-from", "--frame-bytes-max", "--commands-per-request-max",
                           "--connections-max", "--requests-in-flight-max", "--frame-read-deadline-ms",
                           "--hello-deadline-ms", "--drain-deadline-ms", "--protocol-version-min"})
    EXPECT_NE(help.message().find(flag), std::string::npos) << flag << " missing from\n" << help.message();
  EXPECT_NE(help.message().find("sync|async|none"), std::string::npos) << help.message();
}

}  // namespace
}  // namespace tessera::server
