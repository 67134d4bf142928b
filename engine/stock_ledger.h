// StockLedger: the stock of one shard — performances with their general
// admission areas and channel caps, contingents, venue layouts, the quota
// counters every unit counts against, and per-contact counters.
//
// It answers "which quotas does this unit count against" (resolve,
// quotas_of) and takes or gives back the units of order lines under all of
// them at once (consume, give_back). Seats (SeatInventory) and contingent
// trees (ContingentTree) change the same tables through the accessors; the
// tree walks both of them need (is_within, subtree_held, release_target,
// transfer_units) live here, next to the data.
//
// Invariants (check_invariants): each quota's `used` equals a recount over
// the live orders and never exceeds its capacity; the per-contact counters
// equal a recount.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/flat_map.h"
#include "engine/order.h"
#include "engine/performance.h"
#include "engine/quota.h"
#include "engine/venue_layout.h"

namespace tessera::engine {

class StockLedger {
 public:
  using Lines = std::vector<LineRequest>;

  // catalog, orders and now_ms belong to the shard and outlive the ledger.
  StockLedger(const Catalog& catalog, const OrderTable& orders, const int64_t& now_ms)
      : catalog_(catalog), orders_(orders), now_ms_(now_ms) {}

  // Set-up: each validates fully before changing anything.
  Reply on(const DefinePerformance& c);
  Reply on(const SetGeneralAdmission& c);
  Reply on(const SetChannelCap& c);
  Reply on(const SetPerformanceStaff& c);
  Reply on(const GetPerformance& c) const;
  // category 0: every category of the performance together (a contingent's
  // own, with a contingent); channel 0: any channel (no channel cap, every
  // contingent open).
  Reply on(const GetAvailability& c) const;

  // Orders: resolve the quotas of a requested line (and its performance and
  // contingent indexes), or of a line already taken.
  Reply resolve(const LineRequest& line, ChannelId channel, QuotaSet* set, uint32_t* performance_index,
                uint32_t* contingent_index) const;
  QuotaSet quotas_of(const OrderLine& line, ChannelId channel) const;
  // Checks every line (ids, quantities, tariff, price) and appends the
  // resolved lines to *out. Takes no stock.
  Reply validate_lines(const Lines& lines, ChannelId channel, ContactId contact, OrderLines* out) const;
  // Takes every line of `order` under all its quotas and the contact limit:
  // all lines or none (then the lines are cleared).
  Reply consume(Order& order);
  // Gives back `quantity` units of one line's quotas and contact counter
  // (seats and contingent flow-back are the caller's).
  void give_back(const Order& order, const OrderLine& line, uint32_t quantity);
  // Takes `quantity` more units of one line of `order` under the line's
  // quotas and the contact limit (the caller grows the line), or refuses
  // (kSoldOut, kLimitExceeded) taking nothing.
  Reply take_more(const Order& order, const OrderLine& line, uint32_t quantity);
  uint32_t contact_available(uint32_t performance_index, ContactId contact) const;
  void count_contact(uint32_t performance_index, ContactId contact, int64_t delta);

  // Seated categories and contingent trees.
  bool is_seated(const Performance& p, CategoryId category) const {
    return p.seat_map.present() && layout_of(p).category_slot(category) != VenueLayout::kNoCategorySlot;
  }
  const VenueLayout& layout_of(const Performance& p) const { return layouts_.items()[p.seat_map.layout_index]; }
  uint32_t slot_contingent(const Performance& p, uint32_t slot) const {
    return slot == 0 ? kNoContingent : p.seat_map.contingent_slots[slot - 1];
  }
  uint32_t held(const Contingent& k) const { return quotas_[k.quota].capacity + k.blocked; }
  bool is_within(uint32_t contingent_index, uint32_t ancestor_index) const;
  uint32_t subtree_held(uint32_t contingent_index) const;
  uint32_t release_target(uint32_t contingent_index) const;
  // Moves n unsold units of capacity between two quotas of one category (a
  // contingent, or the open sale when kNoContingent).
  void transfer_units(uint32_t from, uint32_t to, uint32_t performance_index, CategoryId category, uint32_t n);
  uint32_t index_of(const Performance& p) const { return static_cast<uint32_t>(&p - performances_.items().data()); }
  uint32_t index_of(const Contingent& k) const { return static_cast<uint32_t>(&k - contingents_.items().data()); }

  QuotaTable& quotas() { return quotas_; }
  const QuotaTable& quotas() const { return quotas_; }
  EntityTable<PerformanceId, Performance>& performances() { return performances_; }
  const EntityTable<PerformanceId, Performance>& performances() const { return performances_; }
  EntityTable<ContingentId, Contingent>& contingents() { return contingents_; }
  const EntityTable<ContingentId, Contingent>& contingents() const { return contingents_; }
  EntityTable<LayoutId, VenueLayout>& layouts() { return layouts_; }
  const EntityTable<LayoutId, VenueLayout>& layouts() const { return layouts_; }

  // Archived performances (engine/order_retention.h) and the units of
  // their confirmed orders that left memory: still counted under their
  // quotas (and in the stock summary as confirmed), no longer per contact.
  void archive(uint32_t performance_index);
  bool archived(uint32_t performance_index) const {
    return performance_index < archived_.size() && archived_[performance_index];
  }
  void retire_line(const Order& order, const OrderLine& line);
  uint32_t retired_confirmed(uint32_t performance_index, CategoryId category) const {
    const uint32_t* n = retired_confirmed_.find(category_key(performance_index, category));
    return n ? *n : 0;
  }
  // Snapshot: the retired units as (key, units) rows, and back.
  struct RetiredUnits {
    uint64_t key = 0;  // a quota index, or category_key(performance index, category)
    uint32_t units = 0;
    auto fields() const { return std::tie(key, units); }
  };
  std::vector<RetiredUnits> retired_by_quota() const;
  std::vector<RetiredUnits> retired_by_category() const;
  Status restore_retired(const std::vector<RetiredUnits>& by_quota, const std::vector<RetiredUnits>& by_category);

  // Quota and per-contact counters against a recount of the live orders
  // (and the retired units).
  Status check_invariants() const;
  // Snapshot: the quota table as read, checked for indexes in range.
  Status restore(const std::vector<Quota>& quotas);

  // The performances' staff (SetPerformanceStaff), by performance id; a
  // performance without one has no entry. restore_staff (snapshot load)
  // REQUIRES the performances restored; refuses an unknown performance, an
  // empty entry or ids out of order.
  const std::vector<SetPerformanceStaff>& staff() const { return staff_; }
  const SetPerformanceStaff* staff_of(PerformanceId performance) const;
  Status restore_staff(std::vector<SetPerformanceStaff> staff);
  // Re-derives a snapshot line's indexes and checks it names real stock.
  Status resolve_line(OrderLine& line) const;

 private:
  // GetAvailability of one category.
  Reply availability(const GetAvailability& c, CategoryId category) const;

  const Catalog& catalog_;
  const OrderTable& orders_;
  const int64_t& now_ms_;
  QuotaTable quotas_;
  EntityTable<PerformanceId, Performance> performances_;
  EntityTable<ContingentId, Contingent> contingents_;
  EntityTable<LayoutId, VenueLayout> layouts_;
  static uint64_t contact_key(uint32_t performance_index, ContactId contact) {
    return (uint64_t{performance_index} << 32) | contact.value();
  }
  FlatMap<uint64_t, uint32_t> contact_units_;  // contact_key → units held
  static uint64_t category_key(uint32_t performance_index, CategoryId category) {
    return (uint64_t{performance_index} << 32) | category.value();
  }
  std::vector<bool> archived_;                     // by performance index
  std::vector<uint32_t> retired_;                  // by quota index (grown on first use)
  FlatMap<uint64_t, uint32_t> retired_confirmed_;  // category_key → units
  std::vector<SetPerformanceStaff> staff_;         // by performance id; never both roles kNone
};

}  // namespace tessera::engine
