// Shard contingent trees: sub-contingents, planned quotas, and release-back
// of unsold stock to the parent (or the open sale) at a date, through the
// shard's timing wheel.
//
// Stock moves between a contingent and its parent by capacity transfers
// (transfer_units): the parent's quota gives capacity to the child's, so a
// unit is always counted in exactly one place. After release-back a
// contingent is closed to sales; whatever its orders return later flows on
// to the nearest open ancestor (flow_back).
#include <cassert>

#include "engine/limits.h"
#include "engine/shard.h"

namespace tessera::engine {

Reply Shard::check_contingent_channels(const std::vector<ChannelId>& channels) const {
  if (channels.size() > kContingentChannelsMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a contingent lists at most ", kContingentChannelsMax, " channels"));
  for (ChannelId ch : channels)
    if (!catalog_.has_channel(ch)) return refuse(ReplyCode::kNotFound, cat("channel ", ch, " not found"));
  return Reply{};
}

Reply Shard::on(const DefineSubContingent& c) {
  if (c.contingent == kNone) return refuse(ReplyCode::kInvalidArgument, "contingent id 0 is reserved");
  if (contingents_.find(c.contingent))
    return refuse(ReplyCode::kDuplicate, cat("contingent ", c.contingent, " is already defined"));
  const Performance* p = performances_.find(c.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found"));
  const uint32_t pi = static_cast<uint32_t>(p - performances_.items().data());
  const Contingent* parent = contingents_.find(c.parent);
  if (!parent) return refuse(ReplyCode::kNotFound, cat("parent contingent ", c.parent, " not found"));
  if (parent->performance_index != pi)
    return refuse(ReplyCode::kInvalidArgument, cat("contingent ", c.parent, " is not in performance ", c.performance));
  if (parent->closed_at(now_ms_))
    return refuse(ReplyCode::kInvalidState, cat("contingent ", c.parent, " was released back"));
  const uint32_t parent_index = static_cast<uint32_t>(parent - contingents_.items().data());
  uint32_t depth = 1;
  for (uint32_t a = parent_index; a != kNoContingent; a = contingents_.items()[a].parent) ++depth;
  if (depth > kContingentDepthMax)
    return refuse(ReplyCode::kLimitExceeded, cat("contingents nest at most ", kContingentDepthMax, " deep"));
  Reply r = check_contingent_channels(c.channels);
  if (!r.ok()) return r;
  if (contingents_.size() >= kEntitiesMax) return refuse(ReplyCode::kLimitExceeded, "too many contingents");
  if (parent->seated()) {
    if (c.allotment == 0 || c.allotment > parent->planned)
      return refuse(ReplyCode::kInvalidArgument, cat("planned quota ", c.allotment, " must be in [1, ", parent->planned,
                                                     "] (the parent's planned quota)"));
    if (p->seat_map.contingent_slots.size() >= kSeatContingentsPerPerformanceMax)
      return refuse(ReplyCode::kLimitExceeded, cat("performance ", c.performance, " has ",
                                                   kSeatContingentsPerPerformanceMax, " seated contingents already"));
  } else {
    const uint32_t unsold = quotas_[parent->quota].available();
    if (c.allotment == 0 || c.allotment > unsold)
      return refuse(ReplyCode::kSoldOut, cat("allotment ", c.allotment, " must be in [1, ", unsold,
                                             "] (units of contingent ", c.parent, " left)"));
  }
  // Validated: define it.
  const CategoryId category = parent->category;
  const bool seated = parent->seated();
  const uint32_t index = static_cast<uint32_t>(contingents_.size());
  Contingent k{c.contingent, pi, category, quotas_.add(QuotaKind::kContingent, 0), c.channels};
  k.parent = parent_index;
  k.planned = c.allotment;
  if (seated) {
    Performance& mp = performances_.items()[pi];
    mp.seat_map.contingent_slots.push_back(index);
    k.slot = static_cast<uint32_t>(mp.seat_map.contingent_slots.size());
    contingents_.add(c.contingent, std::move(k));
  } else {
    contingents_.add(c.contingent, std::move(k));
    transfer_units(parent_index, index, pi, category, c.allotment);
  }
  return r;
}

Reply Shard::on(const SetContingentReleaseBack& c) {
  Contingent* k = contingents_.find(c.contingent);
  if (!k) return refuse(ReplyCode::kNotFound, cat("contingent ", c.contingent, " not found"));
  const Performance* p = performances_.find(c.performance);
  if (!p || k->performance_index != static_cast<uint32_t>(p - performances_.items().data()))
    return refuse(ReplyCode::kInvalidArgument,
                  cat("contingent ", c.contingent, " is not in performance ", c.performance));
  if (k->closed_at(now_ms_))
    return refuse(ReplyCode::kInvalidState, cat("contingent ", c.contingent, " was released back"));
  if (c.release_back_ms != 0) {
    Reply r = check_deadline(c.release_back_ms);
    if (!r.ok()) return r;
  }
  disarm_release_back(*k);
  k->release_back_ms = c.release_back_ms;
  arm_release_back(*k, static_cast<uint32_t>(k - contingents_.items().data()));
  Reply r;
  r.value = c.release_back_ms;
  return r;
}

// ---- Trees --------------------------------------------------------------------

bool Shard::is_within(uint32_t k, uint32_t ancestor) const {
  for (; k != kNoContingent; k = contingents_.items()[k].parent)
    if (k == ancestor) return true;
  return false;
}

// Seats held by a seated contingent and its sub-contingents.
uint32_t Shard::subtree_held(uint32_t index) const {
  const Contingent& k = contingents_.items()[index];
  const Performance& p = performances_.items()[k.performance_index];
  uint32_t n = 0;
  for (uint32_t member : p.seat_map.contingent_slots)
    if (is_within(member, index)) n += held(contingents_.items()[member]);
  return n;
}

// Where a released contingent's stock goes: its nearest ancestor not itself
// released, or the open sale (kNoContingent).
uint32_t Shard::release_target(uint32_t index) const {
  uint32_t t = contingents_.items()[index].parent;
  while (t != kNoContingent && contingents_.items()[t].released) t = contingents_.items()[t].parent;
  return t;
}

// Moves n unsold units of capacity from one quota of a category to another
// (a contingent, or the open sale when kNoContingent).
void Shard::transfer_units(uint32_t from, uint32_t to, uint32_t pi, CategoryId category, uint32_t n) {
  GeneralAdmission* area = performances_.items()[pi].area(category);
  assert(area);
  auto quota = [&](uint32_t k) -> Quota& {
    return quotas_[k == kNoContingent ? area->open_quota : contingents_.items()[k].quota];
  };
  assert(quota(from).available() >= n);
  quota(from).capacity -= n;
  quota(to).capacity += n;
  if (from == kNoContingent) area->allotted += n;
  if (to == kNoContingent) area->allotted -= n;
}

// Stock an order just returned to a released contingent moves on.
void Shard::flow_back(const OrderLine& line, uint32_t first_seat, uint32_t count) {
  const uint32_t target = release_target(line.contingent_index);
  if (first_seat == kNoSeat) {
    transfer_units(line.contingent_index, target, line.performance_index, line.category, count);
    return;
  }
  Performance& p = performances_.items()[line.performance_index];
  const uint16_t to_slot = target == kNoContingent ? 0 : static_cast<uint16_t>(contingents_.items()[target].slot);
  for (uint32_t s = first_seat; s < first_seat + count; ++s) move_seat(p, s, to_slot);
}

// ---- Release-back timers ----------------------------------------------------------

void Shard::arm_release_back(Contingent& k, uint32_t index) {
  assert(!k.timer.valid());
  if (k.release_back_ms == 0 || k.released) return;
  k.timer = timers_.schedule(k.release_back_ms, kContingentTimerTag | index);
  k.timer_seq = timer_seq_next_++;
}

void Shard::disarm_release_back(Contingent& k) {
  if (!k.timer.valid()) return;
  const bool cancelled = timers_.cancel(k.timer);
  assert(cancelled);
  (void)cancelled;
  k.timer = TimerId{};
}

// The release-back date of a contingent has come: one action moves all its
// unsold stock (free and blocked seats, or unsold units) to the target.
void Shard::on_release_back(uint32_t index) {
  Contingent& k = contingents_.items()[index];
  assert(!k.released);
  k.timer = TimerId{};
  k.released = true;
  const uint32_t target = release_target(index);
  if (!k.seated()) {
    transfer_units(index, target, k.performance_index, k.category, quotas_[k.quota].available());
    return;
  }
  Performance& p = performances_.items()[k.performance_index];
  const uint16_t to_slot = target == kNoContingent ? 0 : static_cast<uint16_t>(contingents_.items()[target].slot);
  for (uint32_t s = 0; s < p.seat_map.seats.size(); ++s) {
    const uint16_t v = p.seat_map.seats[s];
    if (seat_slot(v) == k.slot && seat_state(v) != kSeatTaken) move_seat(p, s, to_slot);
  }
}

}  // namespace tessera::engine
