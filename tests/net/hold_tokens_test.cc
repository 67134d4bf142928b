// The hold tokens' key and tokens (net/hold_tokens.h): a token depends on
// the order and the key, the key survives a restart in the data directory,
// and a damaged key file is refused rather than silently replaced (which
// would invalidate every token web shops hold). Also their wire form.
#include "net/hold_tokens.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <set>

#include "net/codec.h"
#include "net/wire_table.h"
#include "tests/storage/temp_dir.h"

namespace tessera::net {
namespace {

using engine::HoldToken;
using engine::make_order_id;

TEST(HoldTokens, ATokenDependsOnTheOrderAndTheKey) {
  const HoldTokens key, other_key;
  std::set<std::string> seen;
  for (uint32_t slot = 0; slot < 1000; ++slot) {
    const engine::OrderId order = make_order_id(slot % 4, 1, slot);
    const HoldToken t = key.token_for(order);
    EXPECT_FALSE(t.empty());
    EXPECT_EQ(t, key.token_for(order)) << "the same order always has the same token";
    EXPECT_TRUE(key.matches(order, t));
    EXPECT_FALSE(other_key.matches(order, t)) << "another server's key";
    EXPECT_FALSE(key.matches(engine::OrderId{order.value() + 1}, t)) << "the next id";
    EXPECT_TRUE(seen.insert(t.hex()).second) << "two orders share a token";
  }
  EXPECT_FALSE(key.matches(make_order_id(0, 1, 0), HoldToken{}));
}

TEST(HoldTokens, TheKeyIsKeptInTheDataDirectory) {
  testing_support::TempDir dir;
  auto first = HoldTokens::open(dir.path());
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  const std::string path = dir.path() + "/" + HoldTokens::kKeyFile;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, static_cast<off_t>(HoldTokens::kKeyBytes));
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the key is readable by its owner only";
  auto again = HoldTokens::open(dir.path());
  ASSERT_TRUE(again.is_ok());
  const engine::OrderId order = make_order_id(1, 2, 3);
  EXPECT_EQ(first->token_for(order), again->token_for(order)) << "tokens survive a restart";
}

TEST(HoldTokens, ADamagedKeyFileIsRefused) {
  testing_support::TempDir dir;
  std::ofstream(dir.path() + "/" + HoldTokens::kKeyFile) << "short";
  auto opened = HoldTokens::open(dir.path());
  ASSERT_FALSE(opened.is_ok());
  EXPECT_NE(opened.status().message().find("damaged"), std::string::npos) << opened.status().message();
  EXPECT_FALSE(HoldTokens::open(dir.path() + "/missing-dir").is_ok());
}

TEST(HoldTokens, TheWireCarriesThemBothWays_AndRefusesABadOne) {
  const HoldTokens key;
  engine::Command c{7, engine::Release{make_order_id(0, 1, 9)}};
  c.hold_token = key.token_for(make_order_id(0, 1, 9));
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(encode_command(fbb, c));
  auto back = decode_command(flatbuffers::GetRoot<wire::Command>(fbb.GetBufferPointer()));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->hold_token, c.hold_token);
  EXPECT_EQ(back->hold_token.hex().size(), HoldToken::kHexDigits);

  for (const char* bad : {"", "00000000000000000000000000000000", "xyz", "0123456789abcdef0123456789abcdeg",
                          "0123456789abcdef0123456789abcdef0"}) {
    flatbuffers::FlatBufferBuilder b;
    const flatbuffers::Offset<void> body(wire_table::encode_table(b, engine::Release{make_order_id(0, 1, 9)}));
    const auto token = b.CreateString(bad);
    b.Finish(wire::CreateCommand(b, 0, wire::CommandBody::Release, body, token));
    auto decoded = decode_command(flatbuffers::GetRoot<wire::Command>(b.GetBufferPointer()));
    ASSERT_FALSE(decoded.is_ok()) << "'" << bad << "'";
    EXPECT_NE(decoded.status().message().find("hold_token"), std::string::npos) << decoded.status().message();
  }

  engine::Reply held;
  held.order = make_order_id(1, 1, 1);
  flatbuffers::FlatBufferBuilder r;
  r.Finish(encode_reply(r, held, std::nullopt, key.token_for(held.order)));
  auto reply = decode_reply(flatbuffers::GetRoot<wire::Result>(r.GetBufferPointer()));
  ASSERT_TRUE(reply.is_ok()) << reply.status().to_string();
  EXPECT_TRUE(key.matches(held.order, reply->hold_token));
}

}  // namespace
}  // namespace tessera::net
