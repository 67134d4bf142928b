// StockLedger: set-up of performances, quota resolution, taking and giving
// back units, contingent tree walks, and the recount of every counter.
#include "engine/stock_ledger.h"

#include <algorithm>
#include <cassert>

#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

// ---- Set-up -------------------------------------------------------------------

Reply StockLedger::on(const DefinePerformance& c) {
  if (is_reserved_id(c.performance))
    return refuse(ReplyCode::kInvalidArgument, cat("performance id ", c.performance, " is reserved"));
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

Reply StockLedger::on(const SetPerformanceStaff& c) {
  if (!performances_.find(c.performance))
    return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found"));
  for (ContactId id : {c.responsible, c.assistant})
    if (id.value() == kIdReserved) return refuse(ReplyCode::kInvalidArgument, cat("contact id ", id, " is reserved"));
  const auto at = std::lower_bound(staff_.begin(), staff_.end(), c.performance,
                                   [](const SetPerformanceStaff& s, PerformanceId p) { return s.performance < p; });
  const bool none = c.responsible == ContactId{kNone} && c.assistant == ContactId{kNone};
  if (at != staff_.end() && at->performance == c.performance) {
    if (none)
      staff_.erase(at);
    else
      *at = c;
  } else if (!none) {
    staff_.insert(at, c);
  }
  return Reply{};
}

Reply StockLedger::on(const GetPerformance& c) const {
  const Performance* p = performances_.find(c.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found"));
  const DefinePerformance& d = p->definition;
  PerformanceCard card{d.performance, d.product, d.starts_at_ms, d.capacity, d.contact_limit};
  if (const SetPerformanceStaff* s = staff_of(c.performance)) {
    card.responsible = s->responsible;
    card.assistant = s->assistant;
  }
  Reply r;
  r.value = d.starts_at_ms;
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{card});
  return r;
}

const SetPerformanceStaff* StockLedger::staff_of(PerformanceId performance) const {
  const auto at = std::lower_bound(staff_.begin(), staff_.end(), performance,
                                   [](const SetPerformanceStaff& s, PerformanceId p) { return s.performance < p; });
  return at != staff_.end() && at->performance == performance ? &*at : nullptr;
}

Status StockLedger::restore_staff(std::vector<SetPerformanceStaff> staff) {
  for (size_t i = 0; i < staff.size(); ++i) {
    const SetPerformanceStaff& s = staff[i];
    if (!performances_.find(s.performance) || (i > 0 && !(staff[i - 1].performance < s.performance)) ||
        (s.responsible == ContactId{kNone} && s.assistant == ContactId{kNone}))
      return Status::invalid_argument("snapshot has a performance staff entry out of place");
  }
  staff_ = std::move(staff);
  return Status();
}

Reply StockLedger::on(const SetGeneralAdmission& c) {
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

Reply StockLedger::on(const SetChannelCap& c) {
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

Reply StockLedger::on(const GetAvailability& c) const {
  if (c.channel != kNone && !catalog_.has_channel(c.channel))
    return refuse(ReplyCode::kNotFound, cat("channel ", c.channel, " not found"));
  if (c.category != kNone) return availability(c, c.category);
  // Category 0: the contingent's category, or every category together.
  if (c.contingent != kNone) {
    const Contingent* k = contingents_.find(c.contingent);
    if (!k) return refuse(ReplyCode::kNotFound, cat("contingent ", c.contingent, " not found"));
    return availability(c, k->category);
  }
  const Performance* p = performances_.find(c.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found on this shard"));
  uint64_t sum = 0;
  for (const GeneralAdmission& a : p->areas) {
    const Reply r = availability(c, a.category);
    if (r.ok()) sum += static_cast<uint64_t>(r.value);
  }
  // Each category's figure is already under the performance's and the
  // channel's caps; together they are too.
  QuotaSet shared;
  shared.add(p->capacity_quota);
  if (c.channel != kNone) shared.add(p->channel_quota(c.channel));
  Reply r;
  r.value = static_cast<int64_t>(std::min<uint64_t>(sum, quotas_.available(shared)));
  if (c.contact != kNone) r.value = std::min<int64_t>(r.value, contact_available(index_of(*p), c.contact));
  return r;
}

Reply StockLedger::availability(const GetAvailability& c, CategoryId category) const {
  QuotaSet set;
  uint32_t performance_index = 0;
  uint32_t contingent_index = 0;
  const LineRequest line{c.performance, category, kNone, 1, c.contingent};
  Reply r = resolve(line, c.channel, &set, &performance_index, &contingent_index);
  if (!r.ok()) return r;
  uint32_t available = quotas_.available(set);
  if (c.contact != kNone) available = std::min(available, contact_available(performance_index, c.contact));
  r.value = available;
  return r;
}

// ---- Quotas of a line ---------------------------------------------------------

Reply StockLedger::resolve(const LineRequest& line, ChannelId channel, QuotaSet* set, uint32_t* performance_index,
                           uint32_t* contingent_index) const {
  const Performance* p = performances_.find(line.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", line.performance, " not found on this shard"));
  const GeneralAdmission* area = p->area(line.category);
  if (!area)
    return refuse(ReplyCode::kNotFound,
                  cat("performance ", line.performance, " has no stock in category ", line.category));
  *performance_index = static_cast<uint32_t>(p - performances_.items().data());
  if (line.contingent != kNone) {
    const Contingent* k = contingents_.find(line.contingent);
    if (!k) return refuse(ReplyCode::kNotFound, cat("contingent ", line.contingent, " not found"));
    if (k->performance_index != *performance_index || k->category != line.category)
      return refuse(ReplyCode::kInvalidArgument, cat("contingent ", line.contingent, " is not in performance ",
                                                     line.performance, " category ", line.category));
    if (channel != kNone && !k->open_to(channel))  // kNone: an availability query for any channel
      return refuse(ReplyCode::kInvalidArgument,
                    cat("contingent ", line.contingent, " is not open to channel ", channel));
    if (k->closed_at(now_ms_))
      return refuse(ReplyCode::kInvalidState, cat("contingent ", line.contingent, " was released back"));
    *contingent_index = static_cast<uint32_t>(k - contingents_.items().data());
    set->add(k->quota);
  } else {
    set->add(area->open_quota);
  }
  set->add(p->capacity_quota);
  set->add(p->channel_quota(channel));
  return Reply{};
}

QuotaSet StockLedger::quotas_of(const OrderLine& line, ChannelId channel) const {
  const Performance& p = performances_.items()[line.performance_index];
  QuotaSet set;
  if (line.contingent != kNone) {
    set.add(contingents_.items()[line.contingent_index].quota);
  } else {
    const GeneralAdmission* area = p.area(line.category);
    assert(area);
    set.add(area->open_quota);
  }
  set.add(p.capacity_quota);
  set.add(p.channel_quota(channel));
  return set;
}

uint32_t StockLedger::contact_available(uint32_t performance_index, ContactId contact) const {
  const uint32_t limit = performances_.items()[performance_index].definition.contact_limit;
  if (limit == 0) return UINT32_MAX;
  const uint32_t* held = contact_units_.find(contact_key(performance_index, contact));
  return held ? limit - *held : limit;
}

void StockLedger::count_contact(uint32_t performance_index, ContactId contact, int64_t delta) {
  if (performances_.items()[performance_index].definition.contact_limit == 0) return;
  const uint64_t key = contact_key(performance_index, contact);
  uint32_t& held = contact_units_[key];
  assert(delta >= 0 || held >= static_cast<uint32_t>(-delta));
  held = static_cast<uint32_t>(held + delta);
  if (held == 0) contact_units_.erase(key);
}

// Takes the units of every line of `order` under every quota that applies
// and the contact's limit: all lines or none (then the lines are cleared).
Reply StockLedger::consume(Order& order) {
  for (size_t i = 0; i < order.lines.size(); ++i) {
    const OrderLine& line = order.lines[i];
    const QuotaSet set = quotas_of(line, order.channel);
    const uint32_t available = quotas_.available(set);
    Reply r;
    if (available < line.quantity) {
      r = refuse(ReplyCode::kSoldOut, cat("performance ", line.performance, " category ", line.category, ": ",
                                          available, " available, ", line.quantity, " asked"));
    } else if (contact_available(line.performance_index, order.contact) < line.quantity) {
      r = refuse(ReplyCode::kLimitExceeded, cat("contact ", order.contact, " may hold at most ",
                                                performances_.items()[line.performance_index].definition.contact_limit,
                                                " units of performance ", line.performance));
    }
    if (!r.ok()) {
      for (size_t j = 0; j < i; ++j) {
        const OrderLine& taken = order.lines[j];
        quotas_.give_back(quotas_of(taken, order.channel), taken.quantity);
        count_contact(taken.performance_index, order.contact, -static_cast<int64_t>(taken.quantity));
      }
      order.lines.clear();
      return r;
    }
    quotas_.consume(set, line.quantity);
    count_contact(line.performance_index, order.contact, line.quantity);
  }
  return Reply{};
}

// Checks quantities, ids, contingent and tariff of every line and appends
// the resolved lines to `out`. Takes no stock.
Reply StockLedger::validate_lines(const Lines& lines, ChannelId channel, ContactId contact, OrderLines* out) const {
  uint32_t total = 0;
  for (const LineRequest& l : lines) {
    if (l.quantity == 0) return refuse(ReplyCode::kInvalidArgument, "a line needs a quantity of at least 1");
    total += std::min(l.quantity, kOrderQuantityMax + 1);
    if (l.quantity > kLineQuantityMax || total > kOrderQuantityMax)
      return refuse(ReplyCode::kLimitExceeded,
                    cat("at most ", kLineQuantityMax, " units per line and ", kOrderQuantityMax, " per order"));
    QuotaSet set;
    uint32_t pi = 0;
    uint32_t ci = 0;
    Reply r = resolve(l, channel, &set, &pi, &ci);
    if (!r.ok()) return r;
    if (contact == kNone && performances_.items()[pi].definition.contact_limit > 0)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("performance ", l.performance, " limits units per contact: the order needs a contact"));
    const Tariff* t = catalog_.tariff(l.tariff);
    if (!t) return refuse(ReplyCode::kNotFound, cat("tariff ", l.tariff, " not found"));
    const Performance& p = performances_.items()[pi];
    if (is_seated(p, l.category))
      return refuse(ReplyCode::kInvalidArgument, cat("category ", l.category, " of performance ", l.performance,
                                                     " is seated: hold seats with HoldSeats or BookSeats"));
    if (t->product != p.definition.product)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("tariff ", l.tariff, " is not a tariff of product ", p.definition.product));
    const int64_t price = catalog_.price_cents(*t, l.category, channel);
    if (price < 0)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("tariff ", l.tariff, " has no price for category ", l.category, " on channel ", channel));
    out->push_back(OrderLine{l.performance, pi, l.category, l.tariff, l.contingent, ci, l.quantity,
                             static_cast<uint32_t>(price), kNoSeat});
  }
  return Reply{};
}

Reply StockLedger::take_more(const Order& order, const OrderLine& line, uint32_t quantity) {
  const QuotaSet set = quotas_of(line, order.channel);
  const uint32_t available = quotas_.available(set);
  if (available < quantity)
    return refuse(ReplyCode::kSoldOut, cat("performance ", line.performance, " category ", line.category, ": ",
                                           available, " available, ", quantity, " asked"));
  if (contact_available(line.performance_index, order.contact) < quantity)
    return refuse(ReplyCode::kLimitExceeded, cat("contact ", order.contact, " may hold at most ",
                                                 performances_.items()[line.performance_index].definition.contact_limit,
                                                 " units of performance ", line.performance));
  quotas_.consume(set, quantity);
  count_contact(line.performance_index, order.contact, quantity);
  return Reply{};
}

void StockLedger::give_back(const Order& order, const OrderLine& line, uint32_t quantity) {
  quotas_.give_back(quotas_of(line, order.channel), quantity);
  count_contact(line.performance_index, order.contact, -static_cast<int64_t>(quantity));
}

// ---- Contingent trees -----------------------------------------------------------

bool StockLedger::is_within(uint32_t k, uint32_t ancestor) const {
  for (; k != kNoContingent; k = contingents_.items()[k].parent)
    if (k == ancestor) return true;
  return false;
}

// Seats held by a seated contingent and its sub-contingents.
uint32_t StockLedger::subtree_held(uint32_t index) const {
  const Contingent& k = contingents_.items()[index];
  const Performance& p = performances_.items()[k.performance_index];
  uint32_t n = 0;
  for (uint32_t member : p.seat_map.contingent_slots)
    if (is_within(member, index)) n += held(contingents_.items()[member]);
  return n;
}

// Where a released contingent's stock goes: its nearest ancestor not itself
// released, or the open sale (kNoContingent).
uint32_t StockLedger::release_target(uint32_t index) const {
  uint32_t t = contingents_.items()[index].parent;
  while (t != kNoContingent && contingents_.items()[t].released) t = contingents_.items()[t].parent;
  return t;
}

// Moves n unsold units of capacity from one quota of a category to another
// (a contingent, or the open sale when kNoContingent).
void StockLedger::transfer_units(uint32_t from, uint32_t to, uint32_t pi, CategoryId category, uint32_t n) {
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

// ---- Invariants and snapshots -----------------------------------------------------

Status StockLedger::check_invariants() const {
  std::vector<uint64_t> used(quotas_.size(), 0);
  FlatMap<uint64_t, uint32_t> contact_units;
  for (uint32_t slot = 0; slot < orders_.slot_count(); ++slot) {
    const Order& o = orders_.at(slot);
    if (!o.live()) continue;
    for (const OrderLine& line : o.lines) {
      const QuotaSet set = quotas_of(line, o.channel);
      for (uint32_t i = 0; i < set.count; ++i) used[set.ids[i]] += line.quantity;
      if (performances_.items()[line.performance_index].definition.contact_limit > 0)
        contact_units[contact_key(line.performance_index, o.contact)] += line.quantity;
    }
  }
  for (size_t q = 0; q < retired_.size(); ++q) used[q] += retired_[q];
  for (size_t q = 0; q < quotas_.size(); ++q) {
    if (quotas_[q].used != used[q])
      return Status::internal(cat("quota ", q, " used ", quotas_[q].used, " != recount ", used[q]));
    if (quotas_[q].used > quotas_[q].capacity)
      return Status::internal(
          cat("quota ", q, " oversold: used ", quotas_[q].used, " > capacity ", quotas_[q].capacity));
  }
  if (contact_units.size() != contact_units_.size())
    return Status::internal("per-contact counters differ from a recount");
  Status s;
  contact_units.for_each([&](uint64_t key, uint32_t n) {
    const uint32_t* held = contact_units_.find(key);
    if (s.is_ok() && (!held || *held != n)) s = Status::internal(cat("per-contact counter ", key, " != recount ", n));
  });
  return s;
}

// ---- Archived performances ------------------------------------------------------

void StockLedger::archive(uint32_t performance_index) {
  assert(performance_index < performances_.size());
  if (archived_.size() <= performance_index) archived_.resize(performance_index + 1, false);
  archived_[performance_index] = true;
}

void StockLedger::retire_line(const Order& order, const OrderLine& line) {
  assert(archived(line.performance_index));
  if (retired_.size() < quotas_.size()) retired_.resize(quotas_.size(), 0);
  const QuotaSet set = quotas_of(line, order.channel);
  for (uint32_t i = 0; i < set.count; ++i) retired_[set.ids[i]] += line.quantity;
  count_contact(line.performance_index, order.contact, -static_cast<int64_t>(line.quantity));
  retired_confirmed_[category_key(line.performance_index, line.category)] += line.quantity;
}

std::vector<StockLedger::RetiredUnits> StockLedger::retired_by_quota() const {
  std::vector<RetiredUnits> out;
  for (size_t q = 0; q < retired_.size(); ++q)
    if (retired_[q] != 0) out.push_back(RetiredUnits{q, retired_[q]});
  return out;
}

std::vector<StockLedger::RetiredUnits> StockLedger::retired_by_category() const {
  std::vector<RetiredUnits> out;
  retired_confirmed_.for_each([&out](uint64_t key, uint32_t n) { out.push_back(RetiredUnits{key, n}); });
  std::sort(out.begin(), out.end(), [](const RetiredUnits& a, const RetiredUnits& b) { return a.key < b.key; });
  return out;
}

Status StockLedger::restore_retired(const std::vector<RetiredUnits>& by_quota,
                                    const std::vector<RetiredUnits>& by_category) {
  for (const RetiredUnits& r : by_quota) {
    if (r.key >= quotas_.size() || r.units == 0 || r.units > quotas_[r.key].used)
      return Status::invalid_argument("snapshot has retired units out of range");
    if (retired_.size() < quotas_.size()) retired_.resize(quotas_.size(), 0);
    retired_[r.key] = r.units;
  }
  for (const RetiredUnits& r : by_category) {
    if ((r.key >> 32) >= performances_.size() || r.units == 0 || retired_confirmed_.find(r.key))
      return Status::invalid_argument("snapshot has retired confirmed units out of range");
    retired_confirmed_[r.key] = r.units;
  }
  return Status();
}

// Takes the snapshot's quota table and checks that every quota and
// performance index the inventory holds is in range.
Status StockLedger::restore(const std::vector<Quota>& quotas) {
  for (const Quota& q : quotas) quotas_[quotas_.add(q.kind, q.capacity)].used = q.used;
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

// Re-derives a snapshot line's indexes and checks it names real stock.
Status StockLedger::resolve_line(OrderLine& line) const {
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
