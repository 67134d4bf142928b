// A hold token: a web shop's proof that it holds an order (seats.io's
// holdToken). Order ids are predictable (shard | generation | slot), so a
// web shop names an existing order by id *and* token; the server derives
// the token from the order id with a secret key (net/hold_tokens.h) and
// returns it with every successful reply that names an order.
//
// Not logged: the server checks it before a command reaches a shard.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/hex.h"

namespace tessera::engine {

struct HoldToken {
  static constexpr size_t kBytes = 16;
  static constexpr size_t kHexDigits = 2 * kBytes;
  std::array<uint8_t, kBytes> bytes{};  // all zero = no token

  bool empty() const { return bytes == std::array<uint8_t, kBytes>{}; }
  // 32 lowercase hex digits ("" for no token).
  std::string hex() const { return empty() ? std::string() : to_hex(bytes); }
  // The token as hex() writes it (either case); nullopt otherwise.
  static std::optional<HoldToken> parse(std::string_view text) {
    HoldToken t;
    if (!from_hex(text, t.bytes)) return std::nullopt;
    return t;
  }
  // Not constant-time: checking a token a client sent goes through
  // net::HoldTokens::matches.
  friend bool operator==(const HoldToken&, const HoldToken&) = default;
};

}  // namespace tessera::engine
