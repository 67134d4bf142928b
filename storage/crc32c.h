// CRC-32C (Castagnoli), the checksum of log records and snapshots.
// Table-driven, slicing by one byte: ~1 GB/s, ample for batch records.
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace tessera::storage {

namespace detail {
constexpr std::array<uint32_t, 256> make_crc32c_table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    t[i] = c;
  }
  return t;
}
inline constexpr std::array<uint32_t, 256> kCrc32cTable = make_crc32c_table();
}  // namespace detail

// Extends crc (0 to start) over data.
inline uint32_t crc32c(std::string_view data, uint32_t crc = 0) {
  crc = ~crc;
  for (unsigned char b : data) crc = detail::kCrc32cTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

}  // namespace tessera::storage
