// Catalog and performance set-up commands: seasons, product families,
// products, channels, categories, tariffs and prices, expiry policies (every
// shard, prepared on all before any applies them); performances, general
// admission, contingents and channel caps (the performance's shard).
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/reply.h"

namespace tessera::engine {

// ---- Catalog (applied on every shard) -------------------------------------

struct DefineSeason {
  SeasonId season;
  std::string name;
  auto fields() const { return std::tie(season, name); }
};
struct DefineProductFamily {
  ProductFamilyId family;
  std::string name;
  auto fields() const { return std::tie(family, name); }
};
// A product type (seed 000's "Type de produit" filter); a product has one
// or none ("Sans type").
struct DefineProductType {
  ProductTypeId type;
  std::string name;
  auto fields() const { return std::tie(type, name); }
};
struct DefineProduct {
  ProductId product;
  SeasonId season;
  ProductFamilyId family;
  std::string name;
  // Default: an option or reservation past its deadline stays (listed in
  // the follow-up, seed 000) until a clerk releases it; archiving by itself
  // is a product's explicit choice.
  ExpiryPolicy expiry_policy = ExpiryPolicy::kKeepUntilReleased;
  int64_t overdue_grace_ms = 0;                   // kOverdueThenArchive only
  int64_t hold_lifetime_max_ms = 30 * 60 * 1000;  // a cart never outlives this
  uint32_t hold_extensions_max = 3;
  // Appended (docs/format.md, rule 4); the defaults are the behaviour before.
  ProductTypeId type = kNone;  // kNone = "Sans type"
  // The exception to the deadline rule (engine/command.h, rules 1): an
  // option or reservation of this product may be due after its performance
  // starts (e.g. groups that settle after the event), and a deadline
  // derived from an option lifetime is not cut at the start.
  bool deadline_after_start = false;
  static constexpr size_t kCodecV3Fields = 8;
  static constexpr size_t kHashedAlways = 8;  // engine/hash.h: the others count when set
  auto fields() const {
    return std::tie(product, season, family, name, expiry_policy, overdue_grace_ms, hold_lifetime_max_ms,
                    hold_extensions_max, type, deadline_after_start);
  }
};
struct DefineChannel {
  ChannelId channel;
  std::string name;
  auto fields() const { return std::tie(channel, name); }
};
struct DefineCategory {
  CategoryId category;
  std::string name;
  auto fields() const { return std::tie(category, name); }
};
struct DefineTariff {
  TariffId tariff;
  ProductId product;
  std::string name;
  auto fields() const { return std::tie(tariff, product, name); }
};
// Price of a tariff for a category; channel kNone = every channel without
// a price of its own.
struct SetTariffPrice {
  TariffId tariff;
  CategoryId category;
  ChannelId channel;
  uint32_t price_cents;
  auto fields() const { return std::tie(tariff, category, channel, price_cents); }
};
// Overrides a product's expiry policy for orders of one channel.
struct SetChannelExpiryPolicy {
  ProductId product;
  ChannelId channel;
  ExpiryPolicy expiry_policy;
  int64_t overdue_grace_ms;
  auto fields() const { return std::tie(product, channel, expiry_policy, overdue_grace_ms); }
};

// The lifetime of an option (or a reservation) of a product booked without
// an explicit deadline (deadline_ms 0): the deadline is then now +
// lifetime_ms (seed 003: "x jours après la pose de l'option, en fonction
// de la configuration"). channel kNone = every channel without its own.
struct SetOptionLifetime {
  ProductId product;
  ChannelId channel;
  BookingKind kind;
  int64_t lifetime_ms;
  auto fields() const { return std::tie(product, channel, kind, lifetime_ms); }
};

// How long after a performance's start its confirmed orders stay in memory
// (engine/order_retention.h): then they move to the history of closed
// orders, still readable by id and by contact. 0 (the default) keeps them
// in memory for ever. An operational setting, not part of ExportCatalog.
struct SetOrderRetention {
  int64_t retain_ms;
  auto fields() const { return std::tie(retain_ms); }
};

// ---- Performance set-up (applied on the performance's shard) --------------

struct DefinePerformance {
  PerformanceId performance;
  ProductId product;
  int64_t starts_at_ms;
  uint32_t capacity;       // overall cap across categories; 0 = no cap beyond categories
  uint32_t contact_limit;  // units per contact; 0 = no limit
  auto fields() const { return std::tie(performance, product, starts_at_ms, capacity, contact_limit); }
};
// Creates or resizes the general-admission capacity of a category.
struct SetGeneralAdmission {
  PerformanceId performance;
  CategoryId category;
  uint32_t capacity;
  auto fields() const { return std::tie(performance, category, capacity); }
};
// An allotment of `allotment` units of a category reserved for the listed
// channels (empty = any channel, e.g. a partner's allotment sold by hand).
struct DefineContingent {
  ContingentId contingent;
  PerformanceId performance;
  CategoryId category;
  uint32_t allotment;
  std::vector<ChannelId> channels;
  // Appended (docs/format.md, rule 4): shown on the follow-up screen; empty
  // = unnamed (the id is shown). Under rules 2 the same definition with
  // another name renames the contingent.
  std::string name;
  static constexpr size_t kCodecV3Fields = 5;
  auto fields() const { return std::tie(contingent, performance, category, allotment, channels, name); }
};
// Caps the units a channel may hold or sell for a performance.
struct SetChannelCap {
  PerformanceId performance;
  ChannelId channel;
  uint32_t cap;
  auto fields() const { return std::tie(performance, channel, cap); }
};

// Who answers for a performance (seed 004: a session's "responsable" and
// "assistant"): contacts of the directory, told by e-mail of the bookings an
// integration of pre-registrations makes on it (server/prereg_report.h).
// kNone clears a role; setting them again replaces both.
struct SetPerformanceStaff {
  PerformanceId performance{};
  ContactId responsible{};
  ContactId assistant{};
  auto fields() const { return std::tie(performance, responsible, assistant); }
  bool operator==(const SetPerformanceStaff&) const = default;
};

// A performance as defined, with its staff (reply: PerformanceCard).
struct GetPerformance {
  PerformanceId performance{};
  auto fields() const { return std::tie(performance); }
};

struct PerformanceCard {
  PerformanceId performance{};
  ProductId product{};
  int64_t starts_at_ms = 0;
  uint32_t capacity = 0;
  uint32_t contact_limit = 0;
  ContactId responsible{};
  ContactId assistant{};
  auto fields() const {
    return std::tie(performance, product, starts_at_ms, capacity, contact_limit, responsible, assistant);
  }
};

// ---- Reading the catalog back ----------------------------------------------

// The catalog as the set-up commands that would recreate it on an empty
// server (tools/catalog writes them as a catalog file): seasons, product
// families, channels, categories, products with their channel expiry
// policies and option lifetimes, tariffs and prices, venue layouts, and
// every performance with its general admission, layout, channel caps,
// staff, contingents (parents before sub-contingents) and release-back dates.
// Reply detail: CatalogExport, in that canonical order, with its hash.
struct ExportCatalog {
  auto fields() const { return std::tie(); }
};

}  // namespace tessera::engine
