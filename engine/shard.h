// Shard: the pure, deterministic state machine of one part of the inventory.
//
// A shard owns a disjoint set of performances (placed by id), their quotas,
// the orders on them and the expiry timers of those orders, plus its own
// copy of the catalog. It does no I/O, reads no clock, takes no lock and
// spawns no thread: time arrives as an argument, so the same sequence of
// (command, now_ms) gives the same state and the same state_hash() — the
// property the command log's replay and snapshots rely on.
//
// The Shard itself is a thin coordinator: idempotency, routing checks, time,
// snapshots and the state hash. The state lives in owners, each with its
// own invariants, that the shard dispatches every command to:
//   Catalog, ContactBook, SubscriptionBook  set-up and back-office records
//   StockLedger     performances, quotas, contingents' data, contact limits
//   SeatInventory   layouts, seat maps, seat holds, blocking, moving seats
//   ContingentTree  contingents, sub-contingents, release-back timers
//   OrderBook       orders, their state machine, deadlines, follow-up index
//   OrderDesk       the order commands (hold, book, confirm, release, ...)
//   FollowUpDesk    the back office's follow-up screen and bulk actions
//   PrincipalBook   who may connect, as what (shard 0 only)
//   InvoiceRegister invoice and credit-note numbers and documents (shard 0 only)
//   PreRegistrationBook  pre-registrations and leads (their parts on this shard)
// Exactly one owner handles each command (checked at compile time).
//
// Thread-safety: none. Exactly one thread (the shard's) calls into a Shard.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "engine/auto_invoicing.h"
#include "engine/batch_register.h"
#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/contact_activity.h"
#include "engine/contacts.h"
#include "engine/contingent_tree.h"
#include "engine/follow_up_desk.h"
#include "engine/idempotency.h"
#include "engine/ids.h"
#include "engine/invoice_register.h"
#include "engine/order_book.h"
#include "engine/order_desk.h"
#include "engine/order_retention.h"
#include "engine/pre_registrations.h"
#include "engine/principals.h"
#include "engine/promo_register.h"
#include "engine/seat_inventory.h"
#include "engine/shard_timers.h"
#include "engine/stock_ledger.h"
#include "engine/subscriptions.h"

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

class Shard {
 public:
  // REQUIRES shard < shard_count <= kShardsMax.
  Shard(uint32_t shard, uint32_t shard_count, int64_t start_ms = 0, ShardConfig config = {});
  Shard(const Shard&) = delete;  // the owners hold references to each other
  Shard& operator=(const Shard&) = delete;

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
  // The same without the order pages (workflows, notes) and the client
  // marks: the hash builds before them computed, which fixtures of older
  // data directories record.
  uint64_t state_hash_before_order_pages() const;

  // Recounts every quota from the live orders and checks every order's
  // timer against its deadline and state, and every owner's invariants.
  // Returns the first violation. O(state): for tests, snapshot loading and
  // debug builds, not the hot path.
  Status check_invariants() const;

  using Stats = ShardStats;
  ShardStats stats() const;
  // The contacts' profiles (and records logged before the directory).
  const ContactBook& contacts() const { return contacts_; }
  // Orders and subscriptions must name a contact the directory handed over
  // (ContactBook::require_known).
  void require_known_contacts(bool on) { contacts_.require_known(on); }

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
    const Performance* p = stock_.performances().find(id);
    return p && p->seat_map.present() ? &p->seat_map : nullptr;
  }
  const VenueLayout* layout(LayoutId id) const { return stock_.layouts().find(id); }
  // The history of closed orders (engine/order_history.h), off by default
  // and during recovery (the history already holds what replay closes
  // again): while on, take_history() moves out the records of the orders
  // closed (or changed while closed) since the last call, in command order.
  void keep_history(bool on) { desk_.keep_history(on); }
  void take_history(std::vector<HistoryWrite>* out) { desk_.take_history(out); }
  // The closed orders still in memory that `c` lists (for the merge with
  // the history: engine/order_history.h).
  std::vector<OrderId> closed_in_memory(const ListOrders& c) const { return desk_.closed_in_memory(c); }
  // Every order of `contact` in memory, live or closed (not purged).
  std::vector<OrderId> orders_of_contact(ContactId contact) const;
  // What the writer needs to complete the contact's GetContactActivity from
  // the history (engine/contact_activity.h). A scan of the order slots.
  ActivityContext activity_context(ContactId contact) const;
  // Invoices and credit notes frozen on this shard's orders and not yet
  // numbered (a start has the register number them: engine/commands_invoices.h).
  std::vector<InvoiceDocument> pending_documents() const { return desk_.pending_documents(); }
  // Promo claims the register has not answered (a start completes them:
  // engine/commands_promo.h), and (shard 0) the last return the register
  // took from each shard.
  std::vector<PromoClaim> pending_promo_claims() const { return desk_.pending_promo_claims(); }
  // The cashback claims the directory has not answered (engine/commands_cashback.h).
  std::vector<CashbackClaim> pending_cashback_claims() const { return desk_.pending_cashback_claims(); }
  std::vector<SponsorClaim> pending_sponsor_claims() const { return desk_.pending_sponsor_claims(); }
  std::vector<uint64_t> promo_returns_taken() const { return promos_.returns_taken(); }
  // The payment batches a stop or a crash left open (shard 0; before the
  // runners start): runtime/shard_set_batches.cc completes them.
  std::vector<PaymentBatch> open_batches() const { return batches_.open_batches(); }
  // Pending pre-registrations whose home is this shard.
  uint64_t pending_pre_registrations() const { return preregs_.pending(); }
  // True once the order retention archived a performance here.
  bool archived_any() const { return !retention_.state().archived.empty(); }
  uint32_t shard_id() const { return shard_; }
  int64_t now_ms() const { return now_ms_; }

 private:
  // Dispatch: the one owner that handles a command of type T.
  template <typename T>
  Reply apply_one(const T& c, const Command& command);
  template <typename T>
  Reply apply_update(const T& c, const Caller& who, uint64_t key, uint64_t print);
  template <typename T>
  Reply on(const T& c, const Caller& who);
  // Catalog checks (prepare): the owner of each catalog command's state.
  template <typename T>
  Reply check(const T& c) const;
  void on_timer(uint64_t payload);
  // ExportCatalog (engine/catalog_export.cc): shard 0 the catalog and the
  // layouts, every shard its performances.
  Reply export_catalog() const;
  // FreezeContact: the freeze, answered with the contact's live orders and
  // running subscriptions on this shard (a scan of the order slots).
  Reply freeze_contact(const FreezeContact& c);
  Reply client_marks(const GetClientMarks& c) const;
  // GetContactActivity (engine/contact_activity.cc): a scan of the order
  // slots and the subscriptions.
  Reply contact_activity(const GetContactActivity& c) const;
  // Marks the contact of every confirmed order that is not a client yet,
  // at its confirmation (a snapshot written before client marks): a no-op
  // on any state this build wrote.
  void mark_confirmed_clients();
  Reply set_profile(const SetContactProfile& p);
  void hash_core(class Hasher& h) const;
  Status load_orders(class Reader& r, uint32_t used, const std::vector<uint32_t>& free_slots);
  Status load_order_pages(class Reader& r);
  Status load_order_closings(class Reader& r);
  void lift_closing_events();

  uint32_t shard_;
  uint32_t shard_count_;
  int64_t now_ms_;
  Catalog catalog_;
  ContactBook contacts_;
  SubscriptionBook subscriptions_;
  IdempotencyTable idempotency_;
  ShardTimers timers_;
  // Order matters: each owner is constructed after the tables it reads
  // (references to owners declared later are bound, not used, before then).
  OrderBook orders_;
  StockLedger stock_;
  SeatInventory seats_;
  ContingentTree contingents_;
  OrderDesk desk_;
  FollowUpDesk follow_up_;
  PrincipalBook principals_;
  OrderRetention retention_;
  AutoInvoicing auto_invoicing_;
  InvoiceRegister invoices_;
  PromoRegister promos_;
  BatchRegister batches_;
  PreRegistrationBook preregs_;  // after the desk it books through
  uint64_t commands_applied_ = 0;
  uint64_t expiries_fired_ = 0;
};

}  // namespace tessera::engine
