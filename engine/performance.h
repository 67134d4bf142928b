// Performances of one shard and their stock: general-admission areas per
// seat category, contingents (allotments reserved for channels or partners)
// and per-channel caps, each backed by quotas in the shard's QuotaTable.
//
// Stock layout per category: capacity = open sale + sum of contingent
// allotments. An open-sale unit consumes from the category's open-sale
// quota; a contingent unit from the contingent's quota. Both also consume
// from the performance capacity quota (when the performance has one) and
// from the channel's cap (when one is set).
//
// Seated categories (a performance with a seat map, seat_map.h) use the same
// quotas with seats as units: a category's capacity counts its unblocked
// seats, a contingent's quota capacity its unblocked seats; blocked seats
// are off sale and count nowhere.
//
// Contingents nest (a target group with sub-groups): a sub-contingent takes
// its stock from its parent. Each has a planned quota, a hard limit on the
// units or seats it and its sub-contingents hold (`held`), and optionally a
// release-back date at which its unsold stock returns to its parent (or to
// the open sale) — after which stock its orders return follows the same way.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/command.h"
#include "engine/ids.h"
#include "engine/quota.h"
#include "engine/seat_map.h"
#include "engine/timing_wheel.h"

namespace tessera::engine {

struct GeneralAdmission {
  CategoryId category;
  uint32_t capacity;  // open sale + allotted
  uint32_t allotted;  // sum of contingent allotments in this category
  QuotaIndex open_quota;
  auto fields() const { return std::tie(category, capacity, allotted, open_quota); }
};

struct ChannelCap {
  ChannelId channel;
  QuotaIndex quota;
  auto fields() const { return std::tie(channel, quota); }
};

inline constexpr uint32_t kNoContingent = 0xFFFF'FFFFu;  // a contingents_ index: none (open sale / root)

struct Contingent {
  ContingentId id;
  uint32_t performance_index;
  CategoryId category;
  QuotaIndex quota;
  std::vector<ChannelId> channels;  // empty = any channel
  uint32_t parent = kNoContingent;  // contingents index of the parent (always lower than its own)
  uint32_t planned = 0;             // hard limit on what this contingent and its sub-contingents hold
  uint32_t slot = 0;                // seated: its slot in the seat map; 0 = a GA (counted) contingent
  uint32_t blocked = 0;             // seated: blocked seats it holds (outside its quota's capacity)
  int64_t release_back_ms = 0;      // 0 = none
  bool released = false;            // its unsold stock went back to its parent / the open sale
  uint64_t timer_seq = 0;           // order in which release-back timers were armed
  TimerId timer;                    // derived: pending release-back timer
  std::string name;                 // appended: the follow-up screen's column; empty = unnamed
  static constexpr size_t kCodecV3Fields = 12;
  static constexpr size_t kHashedAlways = 12;  // engine/hash.h

  bool seated() const { return slot != 0; }
  bool closed_at(int64_t now_ms) const { return released || (release_back_ms != 0 && release_back_ms <= now_ms); }
  bool open_to(ChannelId channel) const {
    if (channels.empty()) return true;
    for (ChannelId c : channels)
      if (c == channel) return true;
    return false;
  }
  auto fields() const {
    return std::tie(id, performance_index, category, quota, channels, parent, planned, slot, blocked, release_back_ms,
                    released, timer_seq, name);
  }
};

struct Performance {
  DefinePerformance definition;
  QuotaIndex capacity_quota = kNoQuota;
  std::vector<GeneralAdmission> areas;
  std::vector<ChannelCap> channel_caps;
  SeatMap seat_map;  // seated areas, if the performance has a layout

  GeneralAdmission* area(CategoryId category) {
    for (GeneralAdmission& a : areas)
      if (a.category == category) return &a;
    return nullptr;
  }
  const GeneralAdmission* area(CategoryId category) const { return const_cast<Performance*>(this)->area(category); }
  QuotaIndex channel_quota(ChannelId channel) const {
    for (const ChannelCap& c : channel_caps)
      if (c.channel == channel) return c.quota;
    return kNoQuota;
  }
  auto fields() const { return std::tie(definition, capacity_quota, areas, channel_caps, seat_map); }
};

}  // namespace tessera::engine
