// OrderBook: the orders of one shard and their lifecycle — placing an order
// on the stock it takes, every state transition, closing (the stock
// returns), deadlines and their timers, and the follow-up index derived
// from the live options and reservations.
//
// Order lifecycle (commands in commands_orders.h; handlers in OrderDesk):
//   Hold ──ConvertHold──▶ Option | Reservation ──Confirm──▶ Confirmed ──Cancel──▶ Cancelled
//     │  (Book places an Option/Reservation directly; Confirm also works on a Hold)
//     ├─ TTL ─▶ Expired          Option/Reservation at deadline, by expiry policy:
//     └─ Release ─▶ Released       release → Archived; overdue → Overdue ─grace─▶ Archived
//                                  (Reinstate puts it back); keep → stays until Release
// A locked order has no running timer and is never released automatically;
// unlocking re-arms its deadline (firing at once if it has passed). Every
// state change goes through transition(), checked in release builds too.
//
// Invariants (check_invariants): every live order has lines and exactly the
// timer its state asks for, due at its deadline; closed orders have none;
// the follow-up index holds exactly the rows of the live bookings.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/check.h"
#include "base/status.h"
#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/contingent_tree.h"
#include "engine/follow_up_index.h"
#include "engine/order.h"
#include "engine/seat_inventory.h"
#include "engine/shard_timers.h"
#include "engine/stock_ledger.h"

namespace tessera::engine {

class OrderBook {
 public:
  using Lines = std::vector<LineRequest>;

  OrderBook(uint32_t shard, uint32_t orders_reserved, StockLedger& stock, SeatInventory& seats,
            ContingentTree& contingents, ShardTimers& timers, const Catalog& catalog, const int64_t& now_ms);

  // What a new order is: who asks for it (its creator), for whom and on
  // which channel, in which initial state, until when.
  struct NewOrder {
    PrincipalId creator;
    ContactId contact;
    ChannelId channel;
    OrderState state;
    int64_t deadline_ms;
  };
  // Places a new order on the stock of GA lines, of a seat request, or of
  // both: all of it or nothing. Arms its timer and, for an option or
  // reservation, adds its follow-up rows.
  Reply place_lines(const Lines& lines, const NewOrder& order);
  Reply place_seats(const SeatRequest& request, const NewOrder& order);
  Reply place_mixed(const SeatRequest& request, const Lines& lines, const NewOrder& order);

  Order* find(OrderId id) { return orders_.find(id); }
  const Order* find(OrderId id) const { return orders_.find(id); }
  // The live order named by id, after applying any expiry already due.
  Reply find_live(OrderId id, Order** order);
  void expire_if_due(Order& order, OrderId id);
  // Closes a live order: its stock returns, its timer and follow-up rows go.
  // bulk: what of the follow-up index the caller (ReleaseAll) compacts
  // itself, so close() leaves those rows to it.
  void close(Order& order, OrderId id, OrderState closed_state, PrincipalId by, const FollowUpBulk* bulk = nullptr);
  // Retires a confirmed order whose performances are all archived
  // (engine/order_retention.h): its units stay counted as retired units,
  // on_close's observer sees it (the history keeps it, "confirmed"), and its
  // slot is freed. REQUIRES a confirmed order in `slot`.
  void retire(uint32_t slot);
  // Called by close() with the closed order, and by retire() with the
  // retired one, before its slot is freed (the shard keeps the history of
  // closed orders through it). Empty: none.
  void on_close(std::function<void(const Order&, OrderId)> observer) { on_close_ = std::move(observer); }
  // Every state change: checked against the lifecycle (release builds too)
  // and written to the order's workflow as done by `by` (kSystem: a deadline).
  void transition(Order& order, OrderState to, PrincipalId by);
  // Appends an entry to the order's workflow, dated now (seed 003's log).
  void record(Order& order, WorkflowAction action, PrincipalId by, WorkflowDetail what, uint64_t arg = 0);
  // True once operators' actions may add nothing more to its workflow.
  static bool workflow_full(const Order& order) {
    return order.workflow_size + uint32_t{order.close_recorded()} >= kOrderWorkflowMax;
  }
  // The order's workflow after its creation, in order: the cold part's
  // entries with the closing state change (kept in the hot part) in its place.
  template <typename F>
  void for_each_event(const Order& order, F&& f) const {
    const std::vector<WorkflowEvent>& stored = cold(order).workflow;
    for (size_t i = 0; i <= stored.size(); ++i) {
      if (i == order.close_at_event)
        f(WorkflowEvent{order.closed_ms, order.closed_by, WorkflowAction::kStateChanged, order.closed_from, order.state,
                        WorkflowDetail::kNothing, 0});
      if (i < stored.size()) f(stored[i]);
    }
  }
  const OrderCold& cold(const Order& order) const { return orders_.cold(orders_.slot_of(order)); }
  OrderCold& cold(const Order& order) { return orders_.cold(orders_.slot_of(order)); }
  // Returns the last `quantity` units of a line (a seated line's last seats).
  void return_line(const Order& order, const OrderLine& line, uint32_t quantity);
  // A participant's unit (engine/commands_dossier.h), on a live order: one
  // more unit of general-admission line `line` taken from stock (refused,
  // changing nothing, when its quotas or the contact's limit cannot give
  // it), or one given back — a line left without units goes (REQUIRES
  // another line then).
  Reply add_unit(Order& order, OrderId id, uint32_t line);
  void remove_unit(Order& order, OrderId id, uint32_t line);
  // A departure change (engine/commands_dossier.h): every general-admission,
  // open-sale line of the live order moves to performance `to` of this
  // shard at its price — each unit taken there before any is given back,
  // or refused (kSoldOut, kLimitExceeded, a line that cannot move) with
  // nothing changed.
  Reply move_lines(Order& order, OrderId id, PerformanceId to);
  ExpiryRule expiry_rule_of(const Order& order) const;
  void set_deadline(Order& order, OrderId id, int64_t deadline_ms);
  void set_locked(Order& order, OrderId id, bool locked, PrincipalId by);
  void set_mark(Order& order, OrderId id, ReleaseMark mark, PrincipalId by);
  void disarm_timer(Order& order) { timers_.disarm(&order.timer); }
  // The timer of order `id` fired (or was found due): apply its deadline.
  void on_deadline(OrderId id);

  // MergeContacts: every order of `from` (live, and closed ones still in
  // memory) becomes `to`'s, its per-contact units and follow-up rows with it.
  // Returns how many moved. Cost: a scan of the order slots.
  uint32_t reassign_contact(ContactId from, ContactId to);
  // Gives the live order `id` to `to` (a pre-registration integrated for a
  // contact: engine/commands_preregistrations.h): its per-contact units and
  // follow-up rows move with it, and its workflow says so. Refused, changing
  // nothing, when `to`'s limit on one of its performances cannot take it.
  Reply give_to_contact(Order& order, OrderId id, ContactId to, PrincipalId by);
  // An option (plain) becomes a reservation with the same deadline.
  void option_to_reservation(Order& order, OrderId id, PrincipalId by);

  OrderTable& table() { return orders_; }
  const OrderTable& table() const { return orders_; }
  FollowUpIndex& follow_up() { return follow_up_; }
  const FollowUpIndex& follow_up() const { return follow_up_; }

  // Adds the armed order timers to *timed.
  Status check_invariants(uint32_t* timed) const;

 private:
  Reply take_lines(const Lines& lines, ChannelId channel, ContactId contact, Order* order);
  Reply take_mixed(const SeatRequest& request, const Lines& lines, ChannelId channel, ContactId contact, Order* order);
  Reply finish(Order& scratch, Reply taken, const NewOrder& order);
  void return_stock(const Order& order);
  static bool needs_timer(const Order& order);
  void arm_timer(Order& order, OrderId id);
  void append(Order& order, const WorkflowEvent& event);
  Status check_follow_up_index() const;

  StockLedger& stock_;
  SeatInventory& seats_;
  ContingentTree& contingents_;
  ShardTimers& timers_;
  const Catalog& catalog_;
  const int64_t& now_ms_;
  OrderTable orders_;
  FollowUpIndex follow_up_;   // derived from the orders (rebuilt on snapshot load)
  OrderLines scratch_lines_;  // reused by place_*: no allocation per hold
  std::function<void(const Order&, OrderId)> on_close_;
};

}  // namespace tessera::engine
