// Big-endian key fields of the RocksDB layout (storage/command_log.h,
// storage/history_store.h): they sort as the numbers they hold.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/ids.h"

namespace tessera::storage {

inline void put_be32(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}
inline void put_be64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}
inline uint64_t get_be(std::string_view s, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

// The history of closed orders (storage/history_store.h).
inline std::string history_key(engine::OrderId order) {
  std::string k("H");
  put_be64(&k, order.value());
  return k;
}
// Without `order`: the prefix of every row of the contact.
inline std::string contact_key(engine::ContactId contact) {
  std::string k("C");
  put_be32(&k, contact.value());
  return k;
}
inline std::string contact_key(engine::ContactId contact, engine::OrderId order) {
  std::string k = contact_key(contact);
  put_be64(&k, order.value());
  return k;
}
inline constexpr size_t kContactKeyOrderAt = 5;
inline std::string watermark_key(uint32_t shard) {
  std::string k("W");
  put_be32(&k, shard);
  return k;
}

}  // namespace tessera::storage
