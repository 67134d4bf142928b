// Hex text of bytes and back (base/hex.h): tokens, token hashes and hold
// tokens travel in it, so a byte that is not a hex digit anywhere in the
// text must refuse the whole text.
#include "base/hex.h"

#include <gtest/gtest.h>

#include <array>

namespace tessera {
namespace {

TEST(Hex, RoundTripsEveryByte_AndReadsUppercase) {
  std::array<uint8_t, 256> bytes{};
  for (int i = 0; i < 256; ++i) bytes[i] = static_cast<uint8_t>(i);
  const std::string text = to_hex(bytes);
  ASSERT_EQ(text.size(), 512u);
  EXPECT_EQ(text.substr(0, 8), "00010203");
  EXPECT_EQ(text.substr(504), "fcfdfeff");
  std::array<uint8_t, 256> back{};
  ASSERT_TRUE(from_hex(text, back));
  EXPECT_EQ(back, bytes);
  std::array<uint8_t, 2> two{};
  ASSERT_TRUE(from_hex("aBcD", two));
  EXPECT_EQ(two, (std::array<uint8_t, 2>{0xAB, 0xCD}));
}

TEST(Hex, RefusesAWrongLengthOrANonDigitAtAnyPlace) {
  std::array<uint8_t, 4> out{};
  EXPECT_FALSE(from_hex("0011223", out));
  EXPECT_FALSE(from_hex("001122334", out));
  EXPECT_FALSE(from_hex("", out));
  for (char bad : {'g', 'G', 'z', ':', '/', '@', '`', ' ', '\0', '\x80', '\xff'}) {
    for (size_t at = 0; at < 8; ++at) {
      std::string text = "0a1b2c3d";
      text[at] = bad;
      EXPECT_FALSE(from_hex(text, out)) << "byte " << int(static_cast<uint8_t>(bad)) << " at " << at;
    }
  }
}

}  // namespace
}  // namespace tessera
