// ContingentTree: contingents, sub-contingents and release-back (see
// contingent_tree.h).
#include "engine/contingent_tree.h"

#include <cassert>

#include "engine/limits.h"

namespace tessera::engine {

Reply ContingentTree::check_channels(const std::vector<ChannelId>& channels) const {
  if (channels.size() > kContingentChannelsMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a contingent lists at most ", kContingentChannelsMax, " channels"));
  for (ChannelId ch : channels)
    if (!catalog_.has_channel(ch)) return refuse(ReplyCode::kNotFound, cat("channel ", ch, " not found"));
  return Reply{};
}

namespace {

// A contingent's name is optional (empty: unnamed).
Reply check_contingent_name(const std::string& name) {
  if (!name.empty() && !valid_name(name))
    return refuse(ReplyCode::kInvalidArgument, cat("contingent name must have at most ", kNameLengthMax, " bytes"));
  return Reply{};
}

}  // namespace

Contingent* ContingentTree::same_but_name(ContingentId id, PerformanceId performance, uint32_t parent,
                                          CategoryId category, uint32_t allotment,
                                          const std::vector<ChannelId>& channels) {
  Contingent* k = stock_.contingents().find(id);
  const Performance* p = stock_.performances().find(performance);
  if (k == nullptr || p == nullptr) return nullptr;
  const bool same = k->performance_index == static_cast<uint32_t>(p - stock_.performances().items().data()) &&
                    k->parent == parent && (category == kNone || k->category == category) && k->planned == allotment &&
                    k->channels == channels;
  return same ? k : nullptr;
}

std::optional<Reply> ContingentTree::rename(const DefineContingent& c) {
  Contingent* k = same_but_name(c.contingent, c.performance, kNoContingent, c.category, c.allotment, c.channels);
  if (k == nullptr || k->name == c.name) return std::nullopt;
  Reply r = check_contingent_name(c.name);
  if (r.ok()) k->name = c.name;
  return r;
}

std::optional<Reply> ContingentTree::rename(const DefineSubContingent& c) {
  const Contingent* parent = stock_.contingents().find(c.parent);
  if (parent == nullptr) return std::nullopt;
  const uint32_t parent_index = static_cast<uint32_t>(parent - stock_.contingents().items().data());
  Contingent* k = same_but_name(c.contingent, c.performance, parent_index, kNone, c.allotment, c.channels);
  if (k == nullptr || k->name == c.name) return std::nullopt;
  Reply r = check_contingent_name(c.name);
  if (r.ok()) k->name = c.name;
  return r;
}

Reply ContingentTree::on(const DefineContingent& c) {
  if (is_reserved_id(c.contingent))
    return refuse(ReplyCode::kInvalidArgument, cat("contingent id ", c.contingent, " is reserved"));
  if (Reply named = check_contingent_name(c.name); !named.ok()) return named;
  if (stock_.contingents().find(c.contingent))
    return refuse(ReplyCode::kDuplicate, cat("contingent ", c.contingent, " is already defined"));
  Performance* p = stock_.performances().find(c.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found"));
  GeneralAdmission* area = p->area(c.category);
  if (!area)
    return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " has no stock in category ", c.category));
  Reply r = check_channels(c.channels);
  if (!r.ok()) return r;
  const uint32_t performance_index = static_cast<uint32_t>(p - stock_.performances().items().data());
  if (stock_.is_seated(*p, c.category)) {
    // Seated: the allotment is the planned quota; seats are moved in later.
    if (c.allotment == 0 || c.allotment > p->seat_map.seats.size())
      return refuse(ReplyCode::kInvalidArgument,
                    cat("planned quota ", c.allotment, " must be in [1, ", p->seat_map.seats.size(), "] seats"));
    if (p->seat_map.contingent_slots.size() >= kSeatContingentsPerPerformanceMax)
      return refuse(ReplyCode::kLimitExceeded, cat("performance ", c.performance, " has ",
                                                   kSeatContingentsPerPerformanceMax, " seated contingents already"));
    p->seat_map.contingent_slots.push_back(static_cast<uint32_t>(stock_.contingents().size()));
    Contingent k{c.contingent, performance_index, c.category, stock_.quotas().add(QuotaKind::kContingent, 0),
                 c.channels};
    k.planned = c.allotment;
    k.slot = static_cast<uint32_t>(p->seat_map.contingent_slots.size());
    k.name = c.name;
    stock_.contingents().add(c.contingent, std::move(k));
    return r;
  }
  Quota& open = stock_.quotas()[area->open_quota];
  if (c.allotment == 0 || c.allotment > open.available())
    return refuse(ReplyCode::kSoldOut, cat("allotment ", c.allotment, " must be in [1, ", open.available(),
                                           "] (units of the open sale left)"));
  open.capacity -= c.allotment;
  area->allotted += c.allotment;
  Contingent k{c.contingent, performance_index, c.category, stock_.quotas().add(QuotaKind::kContingent, c.allotment),
               c.channels};
  k.planned = c.allotment;
  k.name = c.name;
  stock_.contingents().add(c.contingent, std::move(k));
  return r;
}

Reply ContingentTree::on(const DefineSubContingent& c) {
  if (is_reserved_id(c.contingent))
    return refuse(ReplyCode::kInvalidArgument, cat("contingent id ", c.contingent, " is reserved"));
  if (Reply named = check_contingent_name(c.name); !named.ok()) return named;
  if (stock_.contingents().find(c.contingent))
    return refuse(ReplyCode::kDuplicate, cat("contingent ", c.contingent, " is already defined"));
  const Performance* p = stock_.performances().find(c.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found"));
  const uint32_t pi = static_cast<uint32_t>(p - stock_.performances().items().data());
  const Contingent* parent = stock_.contingents().find(c.parent);
  if (!parent) return refuse(ReplyCode::kNotFound, cat("parent contingent ", c.parent, " not found"));
  if (parent->performance_index != pi)
    return refuse(ReplyCode::kInvalidArgument, cat("contingent ", c.parent, " is not in performance ", c.performance));
  if (parent->closed_at(now_ms_))
    return refuse(ReplyCode::kInvalidState, cat("contingent ", c.parent, " was released back"));
  const uint32_t parent_index = static_cast<uint32_t>(parent - stock_.contingents().items().data());
  uint32_t depth = 1;
  for (uint32_t a = parent_index; a != kNoContingent; a = stock_.contingents().items()[a].parent) ++depth;
  if (depth > kContingentDepthMax)
    return refuse(ReplyCode::kLimitExceeded, cat("contingents nest at most ", kContingentDepthMax, " deep"));
  Reply r = check_channels(c.channels);
  if (!r.ok()) return r;
  if (stock_.contingents().size() >= kEntitiesMax) return refuse(ReplyCode::kLimitExceeded, "too many contingents");
  if (parent->seated()) {
    if (c.allotment == 0 || c.allotment > parent->planned)
      return refuse(ReplyCode::kInvalidArgument, cat("planned quota ", c.allotment, " must be in [1, ", parent->planned,
                                                     "] (the parent's planned quota)"));
    if (p->seat_map.contingent_slots.size() >= kSeatContingentsPerPerformanceMax)
      return refuse(ReplyCode::kLimitExceeded, cat("performance ", c.performance, " has ",
                                                   kSeatContingentsPerPerformanceMax, " seated contingents already"));
  } else {
    const uint32_t unsold = stock_.quotas()[parent->quota].available();
    if (c.allotment == 0 || c.allotment > unsold)
      return refuse(ReplyCode::kSoldOut, cat("allotment ", c.allotment, " must be in [1, ", unsold,
                                             "] (units of contingent ", c.parent, " left)"));
  }
  // Validated: define it.
  const CategoryId category = parent->category;
  const bool seated = parent->seated();
  const uint32_t index = static_cast<uint32_t>(stock_.contingents().size());
  Contingent k{c.contingent, pi, category, stock_.quotas().add(QuotaKind::kContingent, 0), c.channels};
  k.parent = parent_index;
  k.planned = c.allotment;
  k.name = c.name;
  if (seated) {
    Performance& mp = stock_.performances().items()[pi];
    mp.seat_map.contingent_slots.push_back(index);
    k.slot = static_cast<uint32_t>(mp.seat_map.contingent_slots.size());
    stock_.contingents().add(c.contingent, std::move(k));
  } else {
    stock_.contingents().add(c.contingent, std::move(k));
    stock_.transfer_units(parent_index, index, pi, category, c.allotment);
  }
  return r;
}

Reply ContingentTree::on(const SetContingentReleaseBack& c) {
  Contingent* k = stock_.contingents().find(c.contingent);
  if (!k) return refuse(ReplyCode::kNotFound, cat("contingent ", c.contingent, " not found"));
  const Performance* p = stock_.performances().find(c.performance);
  if (!p || k->performance_index != static_cast<uint32_t>(p - stock_.performances().items().data()))
    return refuse(ReplyCode::kInvalidArgument,
                  cat("contingent ", c.contingent, " is not in performance ", c.performance));
  if (k->closed_at(now_ms_))
    return refuse(ReplyCode::kInvalidState, cat("contingent ", c.contingent, " was released back"));
  if (c.release_back_ms != 0) {
    Reply r = check_deadline(c.release_back_ms, now_ms_);
    if (!r.ok()) return r;
  }
  timers_.disarm(&k->timer);
  k->release_back_ms = c.release_back_ms;
  arm_release_back(*k, static_cast<uint32_t>(k - stock_.contingents().items().data()));
  Reply r;
  r.value = c.release_back_ms;
  return r;
}

// Stock an order just returned to a released contingent moves on.
void ContingentTree::flow_back(const OrderLine& line, uint32_t first_seat, uint32_t count) {
  const uint32_t target = stock_.release_target(line.contingent_index);
  if (first_seat == kNoSeat) {
    stock_.transfer_units(line.contingent_index, target, line.performance_index, line.category, count);
    return;
  }
  Performance& p = stock_.performances().items()[line.performance_index];
  const uint16_t to_slot =
      target == kNoContingent ? 0 : static_cast<uint16_t>(stock_.contingents().items()[target].slot);
  for (uint32_t s = first_seat; s < first_seat + count; ++s) seats_.move_seat(p, s, to_slot);
}

// ---- Release-back timers ----------------------------------------------------------

void ContingentTree::arm_release_back(Contingent& k, uint32_t index) {
  assert(!k.timer.valid());
  if (k.release_back_ms == 0 || k.released) return;
  k.timer = timers_.arm(k.release_back_ms, kContingentTimerTag | index, &k.timer_seq);
}

// The release-back date of a contingent has come: one action moves all its
// unsold stock (free and blocked seats, or unsold units) to the target.
void ContingentTree::on_release_back(uint32_t index) {
  Contingent& k = stock_.contingents().items()[index];
  assert(!k.released);
  k.timer = TimerId{};
  k.released = true;
  const uint32_t target = stock_.release_target(index);
  if (!k.seated()) {
    stock_.transfer_units(index, target, k.performance_index, k.category, stock_.quotas()[k.quota].available());
    return;
  }
  Performance& p = stock_.performances().items()[k.performance_index];
  const uint16_t to_slot =
      target == kNoContingent ? 0 : static_cast<uint16_t>(stock_.contingents().items()[target].slot);
  for (uint32_t s = 0; s < p.seat_map.seats.size(); ++s) {
    const uint16_t v = p.seat_map.seats[s];
    if (seat_slot(v) == k.slot && seat_state(v) != kSeatTaken) seats_.move_seat(p, s, to_slot);
  }
}

// ---- Invariants ---------------------------------------------------------------------

// Contingent trees: parents come first and match; nobody holds more than
// its planned quota; released contingents hold no unsold stock; release-back
// timers match their dates. Adds the armed timers to *timed.
Status ContingentTree::check_invariants(uint32_t* timed) const {
  const std::vector<Contingent>& ks = stock_.contingents().items();
  std::vector<uint64_t> subtree(ks.size(), 0);
  for (size_t i = 0; i < ks.size(); ++i) subtree[i] = stock_.held(ks[i]);
  for (size_t i = ks.size(); i-- > 0;) {
    const Contingent& k = ks[i];
    if (k.parent != kNoContingent) {
      const Contingent& parent = ks[k.parent];
      if (k.parent >= i || parent.performance_index != k.performance_index || parent.category != k.category ||
          parent.seated() != k.seated())
        return Status::internal(cat("contingent ", k.id, " has an inconsistent parent"));
      subtree[k.parent] += subtree[i];
    }
    if (subtree[i] > k.planned)
      return Status::internal(cat("contingent ", k.id, " holds ", subtree[i], " > planned ", k.planned));
    const Quota& q = stock_.quotas()[k.quota];
    if (k.released && (q.capacity != q.used || k.blocked != 0))
      return Status::internal(cat("released contingent ", k.id, " still holds unsold stock"));
    if (!k.seated() && k.blocked != 0) return Status::internal(cat("GA contingent ", k.id, " has blocked seats"));
    const bool armed = k.release_back_ms != 0 && !k.released;
    if (armed != k.timer.valid())
      return Status::internal(cat("contingent ", k.id, " release-back timer ", armed ? "missing" : "armed"));
    if (k.timer.valid()) {
      ++*timed;
      const TimingWheel& wheel = timers_.wheel();
      if (!wheel.pending(k.timer) || wheel.payload(k.timer) != (kContingentTimerTag | i) ||
          wheel.due_ms(k.timer) != k.release_back_ms)
        return Status::internal(cat("contingent ", k.id, " timer does not match its release-back date"));
    }
  }
  return Status();
}

}  // namespace tessera::engine
