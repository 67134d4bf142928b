// Shard snapshots: the whole state of a shard as bytes, and back.
//
// Only primary state is written — catalog, venue layouts, quotas,
// performances with their seat maps, contingent trees (with release-back
// dates), order slots with the free list, timer order, idempotency ring,
// counters. Everything derivable (id indexes, per-contact counters, layout
// row indexes, per-row free seat counts, the timing wheel itself) is rebuilt
// on load, which keeps snapshots small and lets load() re-check the result
// with check_invariants().
#include <algorithm>
#include <cassert>

#include "engine/codec.h"
#include "engine/limits.h"
#include "engine/shard.h"

namespace tessera::engine {

namespace {

constexpr uint32_t kSnapshotMagic = 0x54534E50;  // "TSNP"

// The snapshot image of one used order slot (read and written alike).
auto slot_fields(Order& o, bool& timer, int64_t& timer_due_ms) {
  return std::tie(o.generation, o.state, o.kind, o.mark, o.locked, o.policy, o.extensions, o.extensions_max, o.channel,
                  o.contact, o.created_ms, o.deadline_ms, o.hold_until_max_ms, o.overdue_grace_ms, o.due_ms,
                  o.file_number, o.reminder_rank, o.reminded_ms, o.timer_seq, o.lines, timer, timer_due_ms);
}

template <typename Tuple>
void put_all(Writer& w, const Tuple& t) {
  std::apply([&w](const auto&... f) { (w.put(f), ...); }, t);
}

template <typename Tuple>
Status get_all(Reader& r, Tuple t) {
  Status s;
  std::apply([&](auto&... f) { ((s.is_ok() ? (void)(s = r.get(f)) : (void)0), ...); }, t);
  return s;
}

}  // namespace

void Shard::save(std::string* out) const {
  // One allocation up front (about 110 bytes per order slot): growing a
  // 100 MB string by doubling would copy and page-fault it several times.
  size_t seats = 0;
  for (const VenueLayout& l : layouts_.items()) seats += size_t{l.seat_count()} * 4;
  for (const Performance& p : performances_.items()) seats += p.seat_map.seats.size() * 2;
  out->reserve(out->size() + 4096 + size_t{orders_.slot_count()} * 112 + quotas_.size() * 16 + seats);
  Writer w(out);
  put_all(w, std::tie(kSnapshotMagic, kCodecVersion, shard_, shard_count_, now_ms_));
  put_all(w, std::make_tuple(timers_.next_tick_ms(), timer_seq_next_, commands_applied_, expiries_fired_));
  put_all(w, std::tie(catalog_, layouts_, quotas_.all(), performances_, contingents_, idempotency_, contacts_,
                      subscriptions_));
  w.put(orders_.free_list());
  w.put(orders_.slot_count());
  for (uint32_t slot = 0; slot < orders_.slot_count(); ++slot) {
    Order& o = const_cast<Order&>(orders_.at(slot));  // slot_fields ties by reference; nothing is written
    bool timer = o.timer.valid();
    int64_t due = timer ? timers_.due_ms(o.timer) : 0;
    put_all(w, slot_fields(o, timer, due));
  }
}

Result<std::unique_ptr<Shard>> Shard::load(std::string_view bytes) {
  Reader r(bytes);
  uint32_t magic = 0, version = 0, shard = 0, shard_count = 0;
  int64_t now_ms = 0, next_tick_ms = 0;
  Status s = get_all(r, std::tie(magic, version, shard, shard_count, now_ms, next_tick_ms));
  if (!s.is_ok()) return s;
  if (magic != kSnapshotMagic) return Status::invalid_argument("not a Tessera shard snapshot");
  if (version != kCodecVersion && version != kCodecVersionV3)
    return Status::failed_precondition(
        cat("snapshot format v", version, "; this build reads v", kCodecVersionV3, " and v", kCodecVersion));
  r.set_codec_version(version);  // the header's fields are plain integers in both
  if (shard_count == 0 || shard_count > kShardsMax || shard >= shard_count || now_ms < 0 || now_ms > kTimeMsMax ||
      next_tick_ms < 0 || next_tick_ms > kTimeMsMax + 1)
    return Status::invalid_argument("snapshot header out of range");

  auto out = std::make_unique<Shard>(shard, shard_count, std::min(next_tick_ms, kTimeMsMax));
  Shard& sh = *out;
  sh.now_ms_ = now_ms;
  std::vector<Quota> quotas;
  std::vector<uint32_t> free_slots;
  uint32_t used = 0;
  s = get_all(r, std::tie(sh.timer_seq_next_, sh.commands_applied_, sh.expiries_fired_, sh.catalog_, sh.layouts_,
                          quotas, sh.performances_, sh.contingents_, sh.idempotency_, sh.contacts_, sh.subscriptions_,
                          free_slots, used));
  if (!s.is_ok()) return s;
  if (used > kLiveOrdersPerShardMax || free_slots.size() > used)
    return Status::invalid_argument("snapshot order table out of range");
  if (!(sh.catalog_.rebuild_indexes() && sh.performances_.rebuild_index() && sh.contingents_.rebuild_index() &&
        sh.idempotency_.rebuild_index() && sh.layouts_.rebuild_index() && sh.contacts_.rebuild_index() &&
        sh.subscriptions_.rebuild_indexes()))
    return Status::invalid_argument("snapshot has an id that is repeated or out of range");
  for (const Quota& q : quotas) sh.quotas_[sh.quotas_.add(q.kind, q.capacity)].used = q.used;
  s = sh.validate_inventory();
  if (!s.is_ok()) return s;
  s = sh.validate_seat_maps();
  if (!s.is_ok()) return s;

  s = sh.load_orders(r, used, free_slots);
  if (!s.is_ok()) return s;
  if (!r.done()) return Status::invalid_argument("snapshot has trailing bytes");
  s = sh.check_invariants();
  if (!s.is_ok()) return Status::internal("snapshot fails its invariants: " + s.message());
  return out;
}

// Reads `used` order slots, then rebuilds the per-contact counters and the
// timing wheel (timers re-armed by due, then by original arming order).
Status Shard::load_orders(Reader& r, uint32_t used, const std::vector<uint32_t>& free_slots) {
  for (uint32_t s : free_slots)
    if (s >= used) return Status::invalid_argument("snapshot free list names an unused slot");
  orders_.restore(used, free_slots);
  struct Pending {
    int64_t due_ms;
    uint64_t seq;
    uint32_t slot;
    bool contingent;  // slot is then a contingents_ index
  };
  std::vector<Pending> timers;
  for (uint32_t i = 0; i < contingents_.size(); ++i) {
    const Contingent& k = contingents_.items()[i];
    if (k.release_back_ms != 0 && !k.released) timers.push_back(Pending{k.release_back_ms, k.timer_seq, i, true});
  }
  for (uint32_t slot = 0; slot < used; ++slot) {
    Order& o = orders_.at(slot);
    bool timer = false;
    int64_t due = 0;
    Status s = get_all(r, slot_fields(o, timer, due));
    if (!s.is_ok()) return s;
    if (o.state > OrderState::kCancelled || o.kind > BookingKind::kReservation || o.mark > ReleaseMark::kKeep ||
        o.policy > ExpiryPolicy::kKeepUntilReleased)
      return Status::invalid_argument(cat("snapshot order slot ", slot, " has an unknown state"));
    for (OrderLine& line : o.lines) {
      s = resolve_line(line);
      if (!s.is_ok()) return s;
      if (o.live()) count_contact(line.performance_index, o.contact, line.quantity);
    }
    if (o.live() && is_booking(o.state)) follow_up_.add(o, orders_.id_of(slot));
    if (timer) {
      if (!o.live() || due < 0 || due > kTimeMsMax) return Status::invalid_argument("snapshot timer out of range");
      timers.push_back(Pending{due, o.timer_seq, slot, false});
    }
  }
  std::sort(timers.begin(), timers.end(), [](const Pending& a, const Pending& b) {
    return a.due_ms != b.due_ms ? a.due_ms < b.due_ms : a.seq < b.seq;
  });
  for (const Pending& t : timers) {
    if (t.contingent) {
      contingents_.items()[t.slot].timer = timers_.schedule(t.due_ms, kContingentTimerTag | t.slot);
      continue;
    }
    Order& o = orders_.at(t.slot);
    o.timer = timers_.schedule(t.due_ms, orders_.id_of(t.slot));
  }
  return Status();
}

// Checks that every quota and performance index the inventory holds is in range.
Status Shard::validate_inventory() const {
  auto bad_quota = [this](QuotaIndex q, bool optional) {
    return optional && q == kNoQuota ? false : q >= quotas_.size();
  };
  for (const Performance& p : performances_.items()) {
    if (bad_quota(p.capacity_quota, true)) return Status::invalid_argument("snapshot: bad performance quota");
    for (const GeneralAdmission& a : p.areas)
      if (bad_quota(a.open_quota, false)) return Status::invalid_argument("snapshot: bad category quota");
    for (const ChannelCap& c : p.channel_caps)
      if (bad_quota(c.quota, false)) return Status::invalid_argument("snapshot: bad channel quota");
  }
  for (uint32_t i = 0; i < contingents_.size(); ++i) {
    const Contingent& k = contingents_.items()[i];
    if (bad_quota(k.quota, false) || k.performance_index >= performances_.size() ||
        !performances_.items()[k.performance_index].area(k.category) || (k.parent != kNoContingent && k.parent >= i) ||
        k.release_back_ms < 0 || k.release_back_ms > kTimeMsMax)
      return Status::invalid_argument(cat("snapshot: contingent ", k.id, " is inconsistent"));
  }
  return Status();
}

// Checks each seat map against its layout and its contingents, then
// rebuilds the derived row counts. Layouts are checked and indexed first.
Status Shard::validate_seat_maps() {
  for (VenueLayout& l : layouts_.items()) {
    Status s = l.validate_and_index(catalog_);
    if (!s.is_ok()) return s;
  }
  for (Performance& p : performances_.items()) {
    SeatMap& m = p.seat_map;
    if (!m.present()) {
      if (!m.seats.empty() || !m.contingent_slots.empty())
        return Status::invalid_argument("snapshot: seats without a layout");
      continue;
    }
    const VenueLayout* l = layouts_.find(m.layout);
    if (!l || m.seats.size() != l->seat_count() || m.contingent_slots.size() > kSeatContingentsPerPerformanceMax)
      return Status::invalid_argument(cat("snapshot: performance ", p.definition.performance, " has a bad seat map"));
    m.layout_index = static_cast<uint32_t>(l - layouts_.items().data());
    for (CategoryId c : l->categories)
      if (!p.area(c)) return Status::invalid_argument("snapshot: a seated category has no area");
    for (size_t k = 0; k < m.contingent_slots.size(); ++k) {
      const uint32_t ci = m.contingent_slots[k];
      const uint32_t pi = static_cast<uint32_t>(&p - performances_.items().data());
      if (ci >= contingents_.size() || contingents_.items()[ci].slot != k + 1 ||
          contingents_.items()[ci].performance_index != pi || !is_seated(p, contingents_.items()[ci].category))
        return Status::invalid_argument("snapshot: a seat map names a bad contingent");
    }
    for (uint16_t v : m.seats)
      if (seat_state(v) == kSeatStateMask || seat_slot(v) > m.contingent_slots.size())
        return Status::invalid_argument("snapshot: a seat has a bad state");
    m.rebuild_derived(*l);
  }
  for (const Contingent& k : contingents_.items()) {
    const Performance& p = performances_.items()[k.performance_index];
    if (k.seated() != is_seated(p, k.category) ||
        (k.seated() && (k.slot > p.seat_map.contingent_slots.size() ||
                        &contingents_.items()[p.seat_map.contingent_slots[k.slot - 1]] != &k)))
      return Status::invalid_argument(cat("snapshot: contingent ", k.id, " has a bad seat slot"));
  }
  return Status();
}

// Re-derives a snapshot line's indexes and checks it names real stock.
Status Shard::resolve_line(OrderLine& line) const {
  const Performance* p = performances_.find(line.performance);
  if (!p || !p->area(line.category) || line.quantity == 0)
    return Status::invalid_argument(cat("snapshot order line names no stock of performance ", line.performance));
  line.performance_index = static_cast<uint32_t>(p - performances_.items().data());
  if (line.contingent != kNone) {
    const Contingent* k = contingents_.find(line.contingent);
    if (!k || k->performance_index != line.performance_index || k->category != line.category)
      return Status::invalid_argument(cat("snapshot order line names bad contingent ", line.contingent));
    line.contingent_index = static_cast<uint32_t>(k - contingents_.items().data());
  }
  if (is_seated(*p, line.category) != (line.seat != kNoSeat))
    return Status::invalid_argument("snapshot order line: seated and GA stock mixed up");
  if (line.seat != kNoSeat) {
    const VenueLayout& l = layout_of(*p);
    if (line.seat >= l.seat_count() || line.seat + uint64_t{line.quantity} > l.row_end(l.row_of(line.seat)))
      return Status::invalid_argument("snapshot order line names seats outside one row of its layout");
  }
  return Status();
}

}  // namespace tessera::engine
