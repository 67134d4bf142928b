// Lowercase hex text of bytes, and back: tokens, token hashes, hold tokens.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tessera {

inline std::string to_hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xF];
  }
  return out;
}

namespace hex_detail {
// Each byte's value as a hex digit, or 0xFF: one load per digit, no branch
// on the digit's kind (random hex mispredicts half its digits otherwise).
inline constexpr auto kDigitValue = [] {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = 0xFF;
  for (int c = 0; c < 10; ++c) t['0' + c] = static_cast<uint8_t>(c);
  for (int c = 0; c < 6; ++c) t['a' + c] = t['A' + c] = static_cast<uint8_t>(10 + c);
  return t;
}();
}  // namespace hex_detail

// True iff `text` is exactly 2 * out.size() hex digits (either case); then
// `out` holds their bytes.
inline bool from_hex(std::string_view text, std::span<uint8_t> out) {
  if (text.size() != 2 * out.size()) return false;
  uint8_t bad = 0;  // any 0xFF digit sets its high bit
  for (size_t i = 0; i < out.size(); ++i) {
    const uint8_t hi = hex_detail::kDigitValue[static_cast<uint8_t>(text[2 * i])];
    const uint8_t lo = hex_detail::kDigitValue[static_cast<uint8_t>(text[2 * i + 1])];
    bad |= hi | lo;
    out[i] = static_cast<uint8_t>(hi << 4 | (lo & 0xF));
  }
  return (bad & 0x80) == 0;
}

}  // namespace tessera
