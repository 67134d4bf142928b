// Shard: the pure, deterministic state machine of one part of the inventory.
//
// A shard owns a disjoint set of performances (placed by id), their quotas,
// the orders on them and the expiry timers of those orders, plus its own
// copy of the catalog. It does no I/O, reads no clock, takes no lock and
// spawns no thread: time arrives as an argument, so the same sequence of
// (command, now_ms) gives the same state and the same state_hash() — the
// property the command log's replay and snapshots rely on.
//
// Order lifecycle (see command.h for each command):
//   Hold ──ConvertHold──▶ Option | Reservation ──Confirm──▶ Confirmed ──Cancel──▶ Cancelled
//     │  (Book places an Option/Reservation directly; Confirm also works on a Hold)
//     ├─ TTL ─▶ Expired          Option/Reservation at deadline, by expiry policy:
//     └─ Release ─▶ Released       release → Archived; overdue → Overdue ─grace─▶ Archived
//                                  (Reinstate puts it back); keep → stays until Release
// A locked order has no running timer and is never released automatically;
// unlocking re-arms its deadline (firing at once if it has passed).
//
// Seated orders (HoldSeats / BookSeats) follow the same machine: their lines
// carry seats (OrderLine::seat = first seat of a run of `quantity`
// consecutive seat indexes), and every transition that returns stock returns
// those seats to their exact previous state. Timers also carry contingent
// release-back dates (payload tagged with kContingentTimerTag).
//
// Thread-safety: none. Exactly one thread (the shard's) calls into a Shard.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/check.h"
#include "base/status.h"
#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/contacts.h"
#include "engine/flat_map.h"
#include "engine/follow_up_index.h"
#include "engine/idempotency.h"
#include "engine/ids.h"
#include "engine/order.h"
#include "engine/performance.h"
#include "engine/quota.h"
#include "engine/reply_detail.h"
#include "engine/subscriptions.h"
#include "engine/timing_wheel.h"
#include "engine/venue_layout.h"

namespace tessera::engine {

struct ShardStats {
  uint32_t live_orders = 0;
  uint32_t held = 0;
  uint32_t options = 0;
  uint32_t reservations = 0;
  uint32_t overdue = 0;
  uint32_t confirmed = 0;
  uint32_t timers = 0;
  uint64_t commands_applied = 0;
  uint64_t expiries_fired = 0;
};

// Start-up sizing: memory for this many live orders (and their timers) is
// reserved up front, so the hot path does not grow tables during a rush.
struct ShardConfig {
  uint32_t orders_reserved = 0;
  uint32_t contacts_max = kContactsMax;  // contacts this shard keeps (<= kContactsMax)
};

// Timer payloads: an OrderId, or (this bit set) a contingents_ index whose
// release-back date it is. Order ids never set bit 63 (shard < kShardsMax).
inline constexpr uint64_t kContingentTimerTag = uint64_t{1} << 63;
static_assert(kShardsMax <= 128);

class Shard {
 public:
  // REQUIRES shard < shard_count <= kShardsMax.
  Shard(uint32_t shard, uint32_t shard_count, int64_t start_ms = 0, ShardConfig config = {});

  // Applies one command at engine time now_ms (non-decreasing across calls;
  // an earlier time is treated as the latest seen). A reply other than kOk
  // means nothing changed. Commands that belong to another shard are
  // refused with kInvalidArgument.
  Reply apply(const Command& command, int64_t now_ms);

  // The reply apply() would give a catalog command now, changing nothing:
  // a catalog broadcast is prepared on every shard and applied only if all
  // of them accept it, so the shards' catalogs never diverge. A request key
  // already applied is accepted (apply answers its first reply).
  // REQUIRES command_route(command.body).kind == Route::kCatalog.
  Reply prepare(const Command& command) const;

  // Processes expiries due at now_ms, at most `budget` (bounded slices: a
  // million expiries due at once never stall the loop). Returns the number
  // processed; == budget means more may be due.
  uint32_t advance(int64_t now_ms, uint32_t budget);

  // Hash of the canonical state: catalog, inventory, quotas, live orders,
  // timers, idempotency keys. Equal sequences of commands → equal hashes.
  uint64_t state_hash() const;

  // Recounts every quota from the live orders and checks every order's
  // timer against its deadline and state. Returns the first violation.
  // O(state): for tests and debug builds, not the hot path.
  Status check_invariants() const;

  ShardStats stats() const;

  // Snapshot: the whole state as bytes (engine/codec.h), and back. load()
  // rebuilds every derived index and re-arms timers in their original firing
  // order, so the loaded shard has the same state_hash() and behaves the
  // same on every later command. Returns an error for bytes that do not
  // decode or fail check_invariants().
  void save(std::string* out) const;
  static Result<std::unique_ptr<Shard>> load(std::string_view bytes);
  const Order* find_order(OrderId id) const { return orders_.find(id); }
  // Seat states of a performance (nullptr: unknown or no seat map), and a
  // layout by id. For tests, benchmarks and read-only views.
  const SeatMap* seat_map(PerformanceId id) const {
    const Performance* p = performances_.find(id);
    return p && p->seat_map.present() ? &p->seat_map : nullptr;
  }
  const VenueLayout* layout(LayoutId id) const { return layouts_.find(id); }
  uint32_t shard_id() const { return shard_; }
  int64_t now_ms() const { return now_ms_; }

 private:
  using Lines = std::vector<LineRequest>;

  // Dispatch (one overload per command type).
  Reply on(const DefineSeason& c) { return catalog_.define(c); }
  Reply on(const DefineProductFamily& c) { return catalog_.define(c); }
  Reply on(const DefineProduct& c) { return catalog_.define(c); }
  Reply on(const DefineChannel& c) { return catalog_.define(c); }
  Reply on(const DefineCategory& c) { return catalog_.define(c); }
  Reply on(const DefineTariff& c) { return catalog_.define(c); }
  Reply on(const SetTariffPrice& c) { return catalog_.define(c); }
  Reply on(const SetChannelExpiryPolicy& c) { return catalog_.define(c); }
  Reply on(const DefinePerformance& c);
  Reply on(const SetGeneralAdmission& c);
  Reply on(const DefineContingent& c);
  Reply on(const SetChannelCap& c);
  Reply on(const Hold& c);
  Reply on(const Book& c);
  Reply on(const ExtendHold& c);
  Reply on(const ConvertHold& c);
  Reply on(const Confirm& c);
  Reply on(const Release& c);
  Reply on(const Cancel& c);
  Reply on(const Archive& c);
  Reply on(const Reinstate& c);
  Reply on(const SetReleaseMark& c);
  Reply on(const SetLock& c);
  Reply on(const Advance& c);
  Reply on(const GetAvailability& c) const;
  Reply on(const GetOrder& c) const;
  Reply on(const DefineVenueLayout& c);
  // Catalog checks (prepare): the owner of each catalog command's state.
  template <typename T>
  Reply check(const T& c) const;
  Reply check(const DefineVenueLayout& c, VenueLayout* built = nullptr) const;
  Reply on(const AssignLayout& c);
  Reply on(const HoldSeats& c);
  Reply on(const BookSeats& c);
  Reply on(const BlockSeats& c);
  Reply on(const UnblockSeats& c);
  Reply on(const MoveSeatsToContingent& c);
  Reply on(const DefineSubContingent& c);
  Reply on(const SetContingentReleaseBack& c);
  // Back office (shard_follow_up.cc, shard_bulk.cc; subscriptions.cc).
  Reply on(const DefineContact& c) { return contacts_.define(c); }
  Reply on(const UpdateContact& c) { return contacts_.update(c); }
  Reply on(const SetOrderFile& c);
  Reply on(const QueryFollowUp& c) const;
  Reply on(const PreviewRelease& c) const;
  Reply on(const ReleaseAll& c);
  Reply on(const MarkOrders& c);
  Reply on(const LockOrders& c);
  Reply on(const ReleaseOrders& c);
  Reply on(const RemindOrders& c);
  Reply on(const DefineReminderFormat& c) { return subscriptions_.define(c); }
  Reply on(const DefineSeries& c) { return subscriptions_.define(c); }
  Reply on(const DefineIssue& c) { return subscriptions_.define(c); }
  Reply on(const Subscribe& c) { return subscriptions_.apply(c, contacts_); }
  Reply on(const RenewSubscription& c) { return subscriptions_.apply(c); }
  Reply on(const StartReminderRun& c) { return subscriptions_.apply(c, contacts_, now_ms_); }
  Reply on(const RecordRunExport& c) { return subscriptions_.apply(c); }
  Reply on(const ValidateReminderRun& c) { return subscriptions_.apply(c, now_ms_); }
  Reply on(const CancelReminderRun& c) { return subscriptions_.apply(c); }
  Reply on(const GetReminderRun& c) const { return subscriptions_.query(c, contacts_); }
  Reply on(const HoldSeatsWithLines& c);
  Reply on(const BookSeatsWithLines& c);

  // Stock.
  Reply resolve_quotas(const LineRequest& line, ChannelId channel, QuotaSet* set, uint32_t* performance_index,
                       uint32_t* contingent_index) const;
  QuotaSet quotas_of(const OrderLine& line, ChannelId channel) const;
  Reply take_stock(const Lines& lines, ChannelId channel, ContactId contact, Order* order);
  Reply consume_quotas(Order& order);
  Reply find_seated(PerformanceId performance, Performance** out);
  Reply set_blocked(PerformanceId performance, const std::vector<uint32_t>& seats, bool block);
  Reply validate_lines(const Lines& lines, ChannelId channel, ContactId contact, std::vector<OrderLine>* out) const;
  void return_line(const Order& order, const OrderLine& line, uint32_t quantity);
  void return_stock(const Order& order);
  uint32_t contact_available(uint32_t performance_index, ContactId contact) const;
  void count_contact(uint32_t performance_index, ContactId contact, int64_t delta);

  // Orders.
  Reply place_order(const Lines& lines, ContactId contact, ChannelId channel, OrderState state, int64_t deadline_ms);
  Reply place_seats(const SeatRequest& request, ContactId contact, ChannelId channel, OrderState state,
                    int64_t deadline_ms);
  Reply finish_order(Order& scratch, Reply taken, ContactId contact, ChannelId channel, OrderState state,
                     int64_t deadline_ms);
  void hold_limits(PerformanceId performance, int64_t* lifetime_max_ms, uint32_t* extensions_max) const;
  Reply check_hold_ttl(int64_t ttl_ms, int64_t lifetime_max_ms) const;

  // Orders mixing seats and general admission (shard_mixed_orders.cc).
  Reply take_seats_and_lines(const SeatRequest& request, const Lines& lines, ChannelId channel, ContactId contact,
                             Order* order);
  Reply place_seats_and_lines(const SeatRequest& request, const Lines& lines, ContactId contact, ChannelId channel,
                              OrderState state, int64_t deadline_ms);

  // Seats (shard_seats.cc).
  bool is_seated(const Performance& p, CategoryId category) const;
  const VenueLayout& layout_of(const Performance& p) const { return layouts_.items()[p.seat_map.layout_index]; }
  Reply take_seats(const SeatRequest& request, ChannelId channel, ContactId contact, Order* order);
  Reply choose_seats(const SeatRequest& request, const Performance& p, uint16_t slot);
  Reply check_named_seats(const SeatRequest& request, const Performance& p, uint16_t slot);
  Reply seats_to_lines(const SeatRequest& request, const Performance& p, uint32_t performance_index,
                       uint32_t contingent_index, ChannelId channel, std::vector<OrderLine>* out) const;
  Reply check_seat_list(const Performance& p, const std::vector<uint32_t>& seats, bool refuse_taken);
  void return_seats(const OrderLine& line, uint32_t first, uint32_t count);
  void change_capacity(Performance& p, CategoryId category, uint32_t slot, int64_t delta);
  void move_seat(Performance& p, uint32_t seat, uint16_t to_slot);
  uint32_t slot_contingent(const Performance& p, uint32_t slot) const {
    return slot == 0 ? kNoContingent : p.seat_map.contingent_slots[slot - 1];
  }
  Reply seats_reply(const Order& order, OrderId id) const;

  // Contingents (shard_contingents.cc).
  uint32_t held(const Contingent& k) const { return quotas_[k.quota].capacity + k.blocked; }
  uint32_t subtree_held(uint32_t contingent_index) const;
  bool is_within(uint32_t contingent_index, uint32_t ancestor_index) const;
  uint32_t release_target(uint32_t contingent_index) const;
  void transfer_units(uint32_t from, uint32_t to, uint32_t performance_index, CategoryId category, uint32_t n);
  void flow_back(const OrderLine& line, uint32_t first_seat, uint32_t count);
  void arm_release_back(Contingent& k, uint32_t index);
  void disarm_release_back(Contingent& k);
  void on_release_back(uint32_t contingent_index);
  Reply check_contingent_channels(const std::vector<ChannelId>& channels) const;
  Reply find_live(OrderId id, Order** order);
  // Closes a live order: its stock returns, its timer and follow-up rows go.
  // compacting: performances whose follow-up buckets the caller (ReleaseAll)
  // compacts itself, so close() leaves their rows to it.
  void close(Order& order, OrderId id, OrderState closed_state, const std::vector<bool>* compacting = nullptr);
  // Every state change of a live order goes through here (checked in
  // release builds too: an illegal transition is a bug).
  static void transition(Order& order, OrderState to) {
    TESSERA_CHECK_MSG(is_legal_transition(order.state, to), order_state_name(order.state).data());
    order.state = to;
  }
  Reply order_reply(OrderId id, const Order& order) const;
  ExpiryRule expiry_rule_of(const Order& order) const;
  Reply check_deadline(int64_t deadline_ms) const;
  void set_deadline(Order& order, OrderId id, int64_t deadline_ms);

  // Snapshot.
  Status load_orders(class Reader& r, uint32_t used, const std::vector<uint32_t>& free_slots);
  Status validate_inventory() const;
  Status resolve_line(OrderLine& line) const;
  Status validate_seat_maps();
  Status check_seat_invariants() const;
  Status check_contingent_invariants(uint32_t* timed) const;
  Status check_follow_up_index() const;

  // Follow-up (shard_follow_up.cc).
  struct FollowUpScope;
  Reply follow_up_scope(const FollowUpFilter& f, FollowUpScope* scope) const;
  bool row_matches(const FollowUpScope& scope, const FollowUpEntry& e) const;
  FollowUpRow follow_up_row(const FollowUpEntry& e) const;
  uint64_t count_rows(const FollowUpScope& scope, const FollowUpEntry* cursor, uint64_t* before) const;
  struct StockTally;
  void add_released_stock(const Order& o, OrderId id, StockTally* tally) const;
  struct ReleasePlan;
  void plan_release(const FollowUpScope& scope, ReleasePlan* plan) const;
  void set_locked(Order& o, OrderId id, bool locked);
  Reply check_selection(const std::vector<OrderId>& orders) const;
  template <typename F>
  Reply for_each_selected(const std::vector<OrderId>& orders, F&& apply_one);
  ReminderItem reminder_item(const Order& o, OrderId id) const;

  // Timers.
  bool needs_timer(const Order& order) const;
  void arm_timer(Order& order, OrderId id);
  void disarm_timer(Order& order);
  void on_deadline(OrderId id);
  void expire_if_due(Order& order, OrderId id);

  uint32_t shard_;
  uint32_t shard_count_;
  int64_t now_ms_;
  Catalog catalog_;
  QuotaTable quotas_;
  EntityTable<Performance> performances_;
  EntityTable<Contingent> contingents_;
  EntityTable<VenueLayout> layouts_;
  FlatMap<uint64_t, uint32_t> contact_units_;  // (performance index << 32 | contact) → units held
  OrderTable orders_;
  TimingWheel timers_;
  IdempotencyTable idempotency_;
  ContactBook contacts_;
  SubscriptionBook subscriptions_;
  FollowUpIndex follow_up_;               // derived from the orders (rebuilt by load())
  std::vector<OrderLine> scratch_lines_;  // reused by place_order
  std::vector<uint32_t> scratch_seats_;   // seats chosen by place_seats (no allocation per hold)
  std::vector<uint32_t> scratch_work_;    // working space of best-available and seat checks
  std::vector<uint32_t> scratch_counts_;  // per-slot counters of bulk seat commands
  uint64_t timer_seq_next_ = 1;
  uint64_t commands_applied_ = 0;
  uint64_t expiries_fired_ = 0;
};

}  // namespace tessera::engine
