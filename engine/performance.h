// Performances of one shard and their stock: general-admission areas per
// seat category, contingents (allotments reserved for channels or partners)
// and per-channel caps, each backed by quotas in the shard's QuotaTable.
//
// Stock layout per category: capacity = open sale + sum of contingent
// allotments. An open-sale unit consumes from the category's open-sale
// quota; a contingent unit from the contingent's quota. Both also consume
// from the performance capacity quota (when the performance has one) and
// from the channel's cap (when one is set).
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/command.h"
#include "engine/ids.h"
#include "engine/quota.h"

namespace tessera::engine {

struct GeneralAdmission {
  CategoryId category;
  uint32_t capacity;   // open sale + allotted
  uint32_t allotted;   // sum of contingent allotments in this category
  QuotaIndex open_quota;
  auto fields() const { return std::tie(category, capacity, allotted, open_quota); }
};

struct ChannelCap {
  ChannelId channel;
  QuotaIndex quota;
  auto fields() const { return std::tie(channel, quota); }
};

struct Contingent {
  ContingentId id;
  uint32_t performance_index;
  CategoryId category;
  QuotaIndex quota;
  std::vector<ChannelId> channels;  // empty = any channel
  bool open_to(ChannelId channel) const {
    if (channels.empty()) return true;
    for (ChannelId c : channels)
      if (c == channel) return true;
    return false;
  }
  auto fields() const { return std::tie(id, performance_index, category, quota, channels); }
};

struct Performance {
  DefinePerformance definition;
  QuotaIndex capacity_quota = kNoQuota;
  std::vector<GeneralAdmission> areas;
  std::vector<ChannelCap> channel_caps;

  GeneralAdmission* area(CategoryId category) {
    for (GeneralAdmission& a : areas)
      if (a.category == category) return &a;
    return nullptr;
  }
  const GeneralAdmission* area(CategoryId category) const {
    return const_cast<Performance*>(this)->area(category);
  }
  QuotaIndex channel_quota(ChannelId channel) const {
    for (const ChannelCap& c : channel_caps)
      if (c.channel == channel) return c.quota;
    return kNoQuota;
  }
  auto fields() const { return std::tie(definition, capacity_quota, areas, channel_caps); }
};

}  // namespace tessera::engine
