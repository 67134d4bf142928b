// Identifiers of the domain, and the order id layout.
//
// Set-up entities (seasons, product families, products, performances,
// seat categories, channels, tariffs, contingents, contacts, series, issues,
// subscriptions, reminder runs) carry ids chosen by the client (the back
// office's own numbering): 32-bit, 0 means "none". Order ids are assigned by
// the engine and carry their shard, so any layer can route an order command
// without a lookup:
//
//   bits 63..56 shard | bits 55..32 slot generation | bits 31..0 slot index
//
// A slot is reused after an order closes; the generation makes the old id
// unknown instead of naming the new order.
//
// Each kind of id is its own type (StrongId): a number becomes an id
// implicitly (wire decoding, literals), but an id never becomes a number or
// another kind of id without `.value()`, so a subscription id cannot be
// routed as a performance id. Codecs, hashes and the wire write an id as its
// number: the bytes are those of the bare integer.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

namespace tessera::engine {

// An id of the kind Tag, represented by the unsigned integer R.
template <class Tag, class R>
struct StrongId {
  static_assert(std::is_unsigned_v<R>, "ids are unsigned integers");
  using value_type = R;  // as std::optional names it (CLI11 reads an id as its number)

  value_type v;

  StrongId() = default;                               // like the integer: value-initialised ({}) is 0
  constexpr StrongId(value_type value) : v(value) {}  // NOLINT(google-explicit-constructor): numbers become ids

  constexpr value_type value() const { return v; }

  friend constexpr bool operator==(StrongId, StrongId) = default;
  friend constexpr auto operator<=>(StrongId, StrongId) = default;
  // For messages (cat, found by argument-dependent lookup) and test output.
  friend std::string to_string(StrongId id) { return std::to_string(id.v); }
  // Streams only: gtest's Message has its own << that forwards to one (clang
  // finds the two ambiguous otherwise).
  template <class Os>
  requires requires(Os& o) { o.rdbuf(); }
  friend auto operator<<(Os& os, StrongId id) -> decltype(os << std::declval<value_type>()) { return os << id.v; }
};

template <class T>
inline constexpr bool is_strong_id_v = false;
template <class Tag, class R>
inline constexpr bool is_strong_id_v<StrongId<Tag, R>> = true;

using SeasonId = StrongId<struct SeasonTag, uint32_t>;
using ProductFamilyId = StrongId<struct ProductFamilyTag, uint32_t>;
using ProductTypeId = StrongId<struct ProductTypeTag, uint32_t>;  // seed 000 "Type de produit"
using ProductId = StrongId<struct ProductTag, uint32_t>;
using PerformanceId = StrongId<struct PerformanceTag, uint32_t>;
using CategoryId = StrongId<struct CategoryTag, uint32_t>;
using ChannelId = StrongId<struct ChannelTag, uint32_t>;
using TariffId = StrongId<struct TariffTag, uint32_t>;
using ContingentId = StrongId<struct ContingentTag, uint32_t>;
using ContactId = StrongId<struct ContactTag, uint32_t>;
using LayoutId = StrongId<struct LayoutTag, uint32_t>;  // a venue layout (seat plan), shared by performances
// Who sent a command (0 = the server itself, or a record older than principals).
using PrincipalId = StrongId<struct PrincipalTag, uint32_t>;
inline constexpr PrincipalId kSystem = 0;               // the engine's own acts: deadlines, expiries
using SeriesId = StrongId<struct SeriesTag, uint32_t>;  // a publication title or a series of performances
using IssueId = StrongId<struct IssueTag, uint32_t>;    // one issue of a series
using SubscriptionId = StrongId<struct SubscriptionTag, uint32_t>;
using RunId = StrongId<struct RunTag, uint32_t>;                    // a reminder run
using PayerId = StrongId<struct PayerTag, uint32_t>;                // a third-party payer (seed 003)
using AnnexFeeId = StrongId<struct AnnexFeeTag, uint32_t>;          // an annex fee ("frais annexes", seed 003)
using DocumentTypeId = StrongId<struct DocumentTypeTag, uint32_t>;  // a document of the administrative file (seed 003)
using AddOnId = StrongId<struct AddOnTag, uint32_t>;  // a trip "option" of a product's departures (seed 003)
using OrderId = StrongId<struct OrderTag, uint64_t>;

static_assert(sizeof(PerformanceId) == sizeof(uint32_t) && alignof(PerformanceId) == alignof(uint32_t));
static_assert(sizeof(OrderId) == sizeof(uint64_t) && alignof(OrderId) == alignof(uint64_t));
static_assert(std::is_trivially_copyable_v<OrderId> && std::is_standard_layout_v<OrderId>);
static_assert(!std::is_convertible_v<PerformanceId, uint32_t>, "an id is not a number");
static_assert(!std::is_convertible_v<SubscriptionId, PerformanceId>, "an id of one kind is not one of another");

using RequestKey = uint64_t;  // client idempotency key, 0 = none
// The one key value a client may not use (the idempotency index's empty slot).
inline constexpr RequestKey kRequestKeyReserved = UINT64_MAX;

inline constexpr uint32_t kNone = 0;
// The one other id a client may not define: the empty marker of the
// engine's id indexes (FlatMap::kEmpty), which they cannot hold.
inline constexpr uint32_t kIdReserved = 0xFFFF'FFFFu;
constexpr bool is_reserved_id(uint32_t id) { return id == kNone || id == kIdReserved; }
template <class Tag>
constexpr bool is_reserved_id(StrongId<Tag, uint32_t> id) {
  return is_reserved_id(id.value());
}
inline constexpr uint32_t kNoSeat = 0xFFFF'FFFFu;  // seats are named by their index in the venue layout

constexpr OrderId make_order_id(uint32_t shard, uint32_t generation, uint32_t slot) {
  return (uint64_t{shard} << 56) | (uint64_t{generation & 0xFF'FFFFu} << 32) | slot;
}
constexpr uint32_t order_shard(OrderId id) { return static_cast<uint32_t>(id.value() >> 56); }
constexpr uint32_t order_generation(OrderId id) { return static_cast<uint32_t>(id.value() >> 32) & 0xFF'FFFFu; }
constexpr uint32_t order_slot(OrderId id) { return static_cast<uint32_t>(id.value()); }

// A mixed hash of an id onto one of shard_count shards, so consecutive ids
// spread evenly.
constexpr uint32_t spread_over_shards(uint32_t id, uint32_t shard_count) {
  uint64_t x = id;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return static_cast<uint32_t>(x % shard_count);
}
// Performances are placed on shards by id.
constexpr uint32_t shard_of_performance(PerformanceId performance, uint32_t shard_count) {
  return spread_over_shards(performance.value(), shard_count);
}
// Subscriptions are placed on shards by their own id, independently of the
// series or the subscriber's performances.
constexpr uint32_t shard_of_subscription(SubscriptionId subscription, uint32_t shard_count) {
  return spread_over_shards(subscription.value(), shard_count);
}

}  // namespace tessera::engine

// The limits of an id are those of its integer (the primary template would
// silently answer 0 for a class type).
template <class Tag, class R>
struct std::numeric_limits<tessera::engine::StrongId<Tag, R>> : std::numeric_limits<R> {
  static constexpr tessera::engine::StrongId<Tag, R> min() noexcept { return std::numeric_limits<R>::min(); }
  static constexpr tessera::engine::StrongId<Tag, R> max() noexcept { return std::numeric_limits<R>::max(); }
  static constexpr tessera::engine::StrongId<Tag, R> lowest() noexcept { return std::numeric_limits<R>::lowest(); }
};
static_assert(std::numeric_limits<tessera::engine::OrderId>::max().value() == UINT64_MAX);

template <class Tag, class R>
struct std::hash<tessera::engine::StrongId<Tag, R>> {
  size_t operator()(tessera::engine::StrongId<Tag, R> id) const noexcept { return std::hash<R>{}(id.value()); }
};
