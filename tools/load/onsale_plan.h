// The comparison venue and the on-sale mix, shared by tessera-load and the
// peer clients of bench/peers (Redis, PostgreSQL) so every system gets the
// same stock and the same sequence of decisions.
//
// Venue: 5 general-admission categories of 10,000 units (50,000) and a
// 20,000-seat seated area (its own category). The on-sale mix draws, per
// hold: seated or GA, the category, 1..4 units, and what happens next —
// confirm (some), release (most), or leave it to expire at its TTL.
// Thread-safety: OnSalePlan is a plain value; give each connection its own.
#pragma once

#include <cstdint>
#include <random>

namespace tessera::tools {

inline constexpr uint32_t kVenueGaCategories = 5;             // GA categories 1..5
inline constexpr uint32_t kVenueGaUnitsPerCategory = 10'000;  // 50,000 GA units
inline constexpr uint32_t kVenueSeatCategory = 6;             // the seated area's category
inline constexpr uint32_t kVenueSeats = 20'000;               // 40 rows x 500 seats
inline constexpr uint32_t kVenueSeatRows = 40;
inline constexpr uint32_t kVenueCategories = kVenueSeatCategory;  // categories 1..6
inline constexpr uint32_t kRushCategory = 7;                      // the raced quota of a rush (one hot row)
inline constexpr uint32_t kOnSaleQuantityMax = 4;                 // units per hold: 1..4
inline constexpr uint32_t kOnSaleSeatedPercent = 20;              // holds on the seated area
inline constexpr uint32_t kOnSaleConfirmPercent = 5;              // held orders then confirmed
inline constexpr uint32_t kOnSaleReleasePercent = 75;             // released by the buyer; the rest expire
inline constexpr int64_t kOnSaleHoldTtlMs = 2'000;                // cart TTL of the on-sale mix

// Capacity of category c (1..6) of the venue.
constexpr uint32_t venue_capacity(uint32_t category) {
  return category == kVenueSeatCategory                    ? kVenueSeats
         : category >= 1 && category <= kVenueGaCategories ? kVenueGaUnitsPerCategory
                                                           : 0;
}

enum class FollowUp : uint8_t { kConfirm, kRelease, kExpire };

struct OnSaleHold {
  bool seated = false;
  uint32_t category = 1;  // 1..5 GA, kVenueSeatCategory when seated
  uint32_t quantity = 1;  // 1..kOnSaleQuantityMax
  FollowUp follow_up = FollowUp::kRelease;
};

class OnSalePlan {
 public:
  explicit OnSalePlan(uint64_t seed) : rng_(seed) {}
  // The next hold to send and what to do with it once held.
  OnSaleHold next();

 private:
  uint32_t roll(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }
  std::mt19937_64 rng_;
};

}  // namespace tessera::tools
