// Shard set-up: performances, their general-admission areas, contingents
// and channel caps. Each command validates fully before changing anything.
#include <cassert>

#include "engine/limits.h"
#include "engine/shard.h"

namespace tessera::engine {

Reply Shard::on(const DefinePerformance& c) {
  if (c.performance == kNone) return refuse(ReplyCode::kInvalidArgument, "performance id 0 is reserved");
  if (performances_.find(c.performance))
    return refuse(ReplyCode::kDuplicate, cat("performance ", c.performance, " is already defined"));
  if (!catalog_.product(c.product)) return refuse(ReplyCode::kNotFound, cat("product ", c.product, " not found"));
  if (c.starts_at_ms < 0 || c.starts_at_ms > kTimeMsMax)
    return refuse(ReplyCode::kInvalidArgument, "starts_at_ms out of range");
  if (performances_.size() >= kEntitiesMax) return refuse(ReplyCode::kLimitExceeded, "too many performances");
  Performance p;
  p.definition = c;
  if (c.capacity > 0) p.capacity_quota = quotas_.add(QuotaKind::kPerformance, c.capacity);
  performances_.add(c.performance, std::move(p));
  return Reply{};
}

Reply Shard::on(const SetGeneralAdmission& c) {
  Performance* p = performances_.find(c.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found"));
  if (!catalog_.has_category(c.category))
    return refuse(ReplyCode::kNotFound, cat("category ", c.category, " not found"));
  if (is_seated(*p, c.category))
    return refuse(ReplyCode::kInvalidArgument, cat("category ", c.category, " of performance ", c.performance,
                                                   " is seated: its capacity is its seats (block or unblock them)"));
  if (GeneralAdmission* area = p->area(c.category)) {
    Quota& open = quotas_[area->open_quota];
    const uint64_t floor = uint64_t{area->allotted} + open.used;
    if (c.capacity < floor)
      return refuse(ReplyCode::kInvalidState,
                    cat("category ", c.category, " cannot shrink below ", floor, " (allotted + held/sold)"));
    area->capacity = c.capacity;
    open.capacity = c.capacity - area->allotted;
    return Reply{};
  }
  if (p->areas.size() >= kCategoriesPerPerformanceMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("performance ", c.performance, " has ", kCategoriesPerPerformanceMax, " categories already"));
  const QuotaIndex open = quotas_.add(QuotaKind::kOpenSale, c.capacity);
  p->areas.push_back(GeneralAdmission{c.category, c.capacity, 0, open});
  return Reply{};
}

Reply Shard::on(const DefineContingent& c) {
  if (c.contingent == kNone) return refuse(ReplyCode::kInvalidArgument, "contingent id 0 is reserved");
  if (contingents_.find(c.contingent))
    return refuse(ReplyCode::kDuplicate, cat("contingent ", c.contingent, " is already defined"));
  Performance* p = performances_.find(c.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found"));
  GeneralAdmission* area = p->area(c.category);
  if (!area)
    return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " has no stock in category ", c.category));
  Reply r = check_contingent_channels(c.channels);
  if (!r.ok()) return r;
  const uint32_t performance_index = static_cast<uint32_t>(p - performances_.items().data());
  if (is_seated(*p, c.category)) {
    // Seated: the allotment is the planned quota; seats are moved in later.
    if (c.allotment == 0 || c.allotment > p->seat_map.seats.size())
      return refuse(ReplyCode::kInvalidArgument,
                    cat("planned quota ", c.allotment, " must be in [1, ", p->seat_map.seats.size(), "] seats"));
    if (p->seat_map.contingent_slots.size() >= kSeatContingentsPerPerformanceMax)
      return refuse(ReplyCode::kLimitExceeded, cat("performance ", c.performance, " has ",
                                                   kSeatContingentsPerPerformanceMax, " seated contingents already"));
    p->seat_map.contingent_slots.push_back(static_cast<uint32_t>(contingents_.size()));
    Contingent k{c.contingent, performance_index, c.category, quotas_.add(QuotaKind::kContingent, 0), c.channels};
    k.planned = c.allotment;
    k.slot = static_cast<uint32_t>(p->seat_map.contingent_slots.size());
    contingents_.add(c.contingent, std::move(k));
    return r;
  }
  Quota& open = quotas_[area->open_quota];
  if (c.allotment == 0 || c.allotment > open.available())
    return refuse(ReplyCode::kSoldOut, cat("allotment ", c.allotment, " must be in [1, ", open.available(),
                                           "] (units of the open sale left)"));
  open.capacity -= c.allotment;
  area->allotted += c.allotment;
  Contingent k{c.contingent, performance_index, c.category, quotas_.add(QuotaKind::kContingent, c.allotment),
               c.channels};
  k.planned = c.allotment;
  contingents_.add(c.contingent, std::move(k));
  return r;
}

Reply Shard::on(const SetChannelCap& c) {
  Performance* p = performances_.find(c.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found"));
  if (!catalog_.has_channel(c.channel)) return refuse(ReplyCode::kNotFound, cat("channel ", c.channel, " not found"));
  const QuotaIndex existing = p->channel_quota(c.channel);
  if (existing != kNoQuota) {
    Quota& q = quotas_[existing];
    if (c.cap < q.used)
      return refuse(ReplyCode::kInvalidState,
                    cat("channel ", c.channel, " already holds ", q.used, " units; cap cannot go below"));
    q.capacity = c.cap;
    return Reply{};
  }
  if (p->channel_caps.size() >= kChannelCapsPerPerformanceMax)
    return refuse(ReplyCode::kLimitExceeded, cat("performance ", c.performance, " has too many channel caps"));
  // A new cap counts the units the channel already holds on this performance.
  const uint32_t performance_index = static_cast<uint32_t>(p - performances_.items().data());
  uint64_t held = 0;
  for (uint32_t slot = 0; slot < orders_.slot_count(); ++slot) {
    const Order& o = orders_.at(slot);
    if (!o.live() || o.channel != c.channel) continue;
    for (const OrderLine& line : o.lines)
      if (line.performance_index == performance_index) held += line.quantity;
  }
  if (held > c.cap)
    return refuse(ReplyCode::kInvalidState,
                  cat("channel ", c.channel, " already holds ", held, " units; cap cannot go below"));
  const QuotaIndex q = quotas_.add(QuotaKind::kChannelCap, c.cap);
  quotas_[q].used = static_cast<uint32_t>(held);
  p->channel_caps.push_back(ChannelCap{c.channel, q});
  return Reply{};
}

}  // namespace tessera::engine
