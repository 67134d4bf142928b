// Identifiers of the domain, and the order id layout.
//
// Set-up entities (seasons, product families, products, performances,
// seat categories, channels, tariffs, contingents, contacts) carry ids chosen
// by the client (the back office's own numbering): 32-bit, 0 means "none".
// Order ids are assigned by the engine and carry their shard, so any layer
// can route an order command without a lookup:
//
//   bits 63..56 shard | bits 55..32 slot generation | bits 31..0 slot index
//
// A slot is reused after an order closes; the generation makes the old id
// unknown instead of naming the new order.
#pragma once

#include <cstdint>

namespace tessera::engine {

using SeasonId = uint32_t;
using ProductFamilyId = uint32_t;
using ProductId = uint32_t;
using PerformanceId = uint32_t;
using CategoryId = uint32_t;
using ChannelId = uint32_t;
using TariffId = uint32_t;
using ContingentId = uint32_t;
using ContactId = uint32_t;
using LayoutId = uint32_t;     // a venue layout (seat plan), shared by performances
using PrincipalId = uint32_t;  // who sent a command (0 = the server itself, or a record older than principals)
inline constexpr PrincipalId kSystem = 0;  // the engine's own acts: deadlines, expiries
using OrderId = uint64_t;
using RequestKey = uint64_t;  // client idempotency key, 0 = none
// The one key value a client may not use (the idempotency index's empty slot).
inline constexpr RequestKey kRequestKeyReserved = UINT64_MAX;

inline constexpr uint32_t kNone = 0;
// The one other id a client may not define: the empty marker of the
// engine's id indexes (FlatMap::kEmpty), which they cannot hold.
inline constexpr uint32_t kIdReserved = 0xFFFF'FFFFu;
constexpr bool is_reserved_id(uint32_t id) { return id == kNone || id == kIdReserved; }
inline constexpr uint32_t kNoSeat = 0xFFFF'FFFFu;  // seats are named by their index in the venue layout

constexpr OrderId make_order_id(uint32_t shard, uint32_t generation, uint32_t slot) {
  return (uint64_t{shard} << 56) | (uint64_t{generation & 0xFF'FFFFu} << 32) | slot;
}
constexpr uint32_t order_shard(OrderId id) { return static_cast<uint32_t>(id >> 56); }
constexpr uint32_t order_generation(OrderId id) { return static_cast<uint32_t>(id >> 32) & 0xFF'FFFFu; }
constexpr uint32_t order_slot(OrderId id) { return static_cast<uint32_t>(id); }

// Performances are placed on shards by id (a mixed hash, so consecutive ids
// spread evenly).
constexpr uint32_t shard_of_performance(PerformanceId performance, uint32_t shard_count) {
  uint64_t x = performance;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return static_cast<uint32_t>(x % shard_count);
}

}  // namespace tessera::engine
