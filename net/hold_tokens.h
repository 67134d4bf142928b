// The server's hold tokens (engine/hold_token.h): token = SipHash-128 of the
// order id under a 128-bit secret key (libsodium's crypto_shorthash
// siphashx24, a keyed pseudo-random function built for short inputs: tens of
// nanoseconds per reply). Without the key a token cannot be computed, and
// guessing one succeeds with probability 2^-128 per try.
//
// The key lives in the data directory (hold_token.key, 16 bytes, mode 0600)
// so that tokens survive a restart; a server without one uses a fresh key.
// Thread-safety: const members may be called from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "engine/hold_token.h"
#include "engine/ids.h"

namespace tessera::net {

class HoldTokens {
 public:
  static constexpr size_t kKeyBytes = 16;
  static constexpr const char* kKeyFile = "hold_token.key";

  // A fresh random key.
  HoldTokens();
  // The key kept in `dir`/hold_token.key; created (written, synced, then
  // renamed into place) on first use. Fails if the file exists with another
  // size, or cannot be read or written.
  static Result<HoldTokens> open(const std::string& dir);

  // The key `key` (kKeyBytes raw bytes): cluster mode's nodes share one
  // (cluster/jetstream_log.h, put_once).
  static Result<HoldTokens> from_key(std::string_view key);
  std::string_view key() const { return {reinterpret_cast<const char*>(key_.data()), key_.size()}; }

  engine::HoldToken token_for(engine::OrderId order) const;
  // Constant time in the token's bytes.
  bool matches(engine::OrderId order, const engine::HoldToken& token) const;

 private:
  std::array<uint8_t, kKeyBytes> key_{};
};

}  // namespace tessera::net
