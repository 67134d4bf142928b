// Orders of one shard: lines, state, deadline and timer, in a slab.
//
// Slots are reused first-in first-out, so a closed order stays readable
// (state "expired", "released"...) for as long as possible before its slot
// is taken; the generation in the order id then makes the old id unknown.
// A slot holds one line inline and keeps a longer order's heap block across
// reuse (engine/order_lines.h), so steady-state order creation does not
// allocate. The hot part of an order (Order) is at most 160 bytes; its
// workflow, notes and client information are in the cold part (OrderCold).
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

#include "engine/command.h"
#include "engine/ids.h"
#include "engine/limits.h"
#include "engine/order_lines.h"
#include "engine/order_record.h"
#include "engine/timing_wheel.h"

namespace tessera::engine {

// The order lifecycle: which state may follow which (new orders start Held,
// Option or Reservation; closed states are final).
constexpr bool is_legal_transition(OrderState from, OrderState to) {
  switch (from) {
    case OrderState::kHeld:
      return to == OrderState::kOption || to == OrderState::kReservation || to == OrderState::kConfirmed ||
             to == OrderState::kReleased || to == OrderState::kExpired;
    case OrderState::kOption:  // an option becomes a reservation (a pre-registration booked as one)
      return to == OrderState::kReservation || to == OrderState::kOverdue || to == OrderState::kConfirmed ||
             to == OrderState::kReleased || to == OrderState::kArchived;
    case OrderState::kReservation:
      return to == OrderState::kOverdue || to == OrderState::kConfirmed || to == OrderState::kReleased ||
             to == OrderState::kArchived;
    case OrderState::kOverdue:
      return to == OrderState::kOption || to == OrderState::kReservation || to == OrderState::kConfirmed ||
             to == OrderState::kReleased || to == OrderState::kArchived;
    case OrderState::kConfirmed:
      return to == OrderState::kCancelled;
    case OrderState::kReleased:
    case OrderState::kExpired:
    case OrderState::kArchived:
    case OrderState::kCancelled:
      return false;
  }
  return false;
}
constexpr bool is_initial_state(OrderState s) {
  return s == OrderState::kHeld || s == OrderState::kOption || s == OrderState::kReservation;
}

struct Order {
  static constexpr uint16_t kNoCloseEvent = 0xFFFF;

  uint32_t generation = 0;
  OrderState state = OrderState::kReleased;
  BookingKind kind = BookingKind::kOption;  // for options/reservations/overdue
  ReleaseMark mark = ReleaseMark::kRelease;
  bool locked = false;
  ExpiryPolicy policy = ExpiryPolicy::kReleaseAtDeadline;
  // The closing state change of a closed order, kept here and not in the
  // cold part's workflow: closing 1M options then writes no second cache
  // line per order. It sits in the workflow after its first close_at_event
  // entries (later ones are notes added after the close); kNoCloseEvent:
  // none recorded (a free slot, or closed before workflows were kept).
  OrderState closed_from = OrderState::kHeld;
  uint16_t close_at_event = kNoCloseEvent;
  uint32_t extensions = 0;
  uint32_t extensions_max = 0;
  ChannelId channel = kNone;
  ContactId contact = kNone;
  PrincipalId closed_by = 0;
  int64_t created_ms = 0;
  int64_t deadline_ms = 0;        // hold expiry, option/reservation deadline, or end of grace
  int64_t hold_until_max_ms = 0;  // holds only: no extension past this
  int64_t overdue_grace_ms = 0;
  // Back office: the option/reservation deadline shown and filtered on by
  // the follow-up screen (kept while overdue, when deadline_ms is the end of
  // the grace period), the file it belongs to and its reminders.
  int64_t due_ms = 0;
  uint64_t file_number = 0;
  uint32_t reminder_rank = 0;
  uint16_t workflow_size = 0;  // entries in the cold part's workflow, counted here so closing need not read it
  int64_t reminded_ms = 0;
  TimerId timer;
  // One word, two lives (the hot part stays at 160 bytes): while the order
  // is live, the order in which timers were armed (same-due timers fire in
  // this order); once closed (no timer), when it closed.
  union {
    uint64_t timer_seq = 0;
    int64_t closed_ms;  // with closed_from, closed_by
  };
  uint32_t next_free = 0;
  PrincipalId principal = 0;  // who created it (0: the server, or before principals); hashed and saved apart
  OrderLines lines;           // the first one inline: a one-line order is 160 bytes, no heap block

  bool live() const { return !is_closed(state); }
  bool close_recorded() const { return close_at_event != kNoCloseEvent; }
  uint32_t quantity() const {
    uint32_t n = 0;
    for (const OrderLine& l : lines) n += l.quantity;
    return n;
  }
  auto fields() const {
    return std::tie(generation, state, kind, mark, locked, policy, extensions, extensions_max, channel, contact,
                    created_ms, deadline_ms, hold_until_max_ms, overdue_grace_ms, due_ms, file_number, reminder_rank,
                    reminded_ms, lines);
  }
};

// The hot part of an order, its one line included (issue 16's budget; TigerBeetle
// keeps a transfer in 128). Cold parts live in OrderTable::cold().
static_assert(sizeof(Order) <= 160, "keep the hot part of a one-line order within 160 bytes");

class OrderTable {
 public:
  static constexpr uint32_t kNoSlot = 0xFFFF'FFFFu;

  // Reserves (and touches) slots for `reserved` orders, so filling them
  // later neither reallocates nor page-faults.
  // Reservation is invisible to behaviour: reserved slots are handed out
  // exactly as appended ones would be, so ids and hashes do not depend on it.
  OrderTable(uint32_t shard, uint32_t reserved) : shard_(shard) {
    slots_.resize(reserved);
    // The cold parts of the reserved slots too, each with room for two
    // workflow events (a hold confirmed, an option released...): the first
    // orders of a rush neither allocate nor page-fault for their workflow.
    cold_.resize(reserved);
    for (OrderCold& c : cold_) c.workflow.reserve(2);
  }

  // Returns the order named by id, or nullptr when the id is unknown (never
  // assigned, other shard, or slot reused since).
  Order* find(OrderId id) {
    if (order_shard(id) != shard_) return nullptr;
    const uint32_t slot = order_slot(id);
    if (slot >= used_) return nullptr;
    Order& o = slots_[slot];
    return (o.generation & 0xFF'FFFFu) == order_generation(id) ? &o : nullptr;
  }
  const Order* find(OrderId id) const { return const_cast<OrderTable*>(this)->find(id); }

  // Takes a free slot (or a new one). Returns kNoSlot at kLiveOrdersPerShardMax.
  uint32_t allocate(uint32_t slots_max);
  // Marks a closed order's slot free for reuse (FIFO).
  void free(uint32_t slot);

  Order& at(uint32_t slot) { return slots_[slot]; }
  const Order& at(uint32_t slot) const { return slots_[slot]; }
  // The cold part of a used slot (workflow, notes): its order's until reused.
  OrderCold& cold(uint32_t slot) { return cold_[slot]; }
  const OrderCold& cold(uint32_t slot) const { return cold_[slot]; }
  uint32_t slot_of(const Order& o) const { return static_cast<uint32_t>(&o - slots_.data()); }
  OrderId id_of(uint32_t slot) const { return make_order_id(shard_, slots_[slot].generation, slot); }
  uint32_t shard() const { return shard_; }
  // Forgets the closed order in `slot` (a purge): its id no longer finds it,
  // its lines, contact and cold part go; the slot stays free, in its place
  // in the free list. REQUIRES a closed order.
  void forget(uint32_t slot) {
    Order& o = slots_[slot];
    assert(!o.live());
    ++o.generation;
    o.lines.clear();
    o.contact = kNone;
    o.close_at_event = Order::kNoCloseEvent;
    o.workflow_size = 0;
    cold_[slot].clear();
  }
  // Retires the confirmed order in `slot` (engine/order_retention.h): as
  // forget() does for a closed order, and the slot joins the free list.
  void retire(uint32_t slot) {
    assert(slots_[slot].state == OrderState::kConfirmed && !slots_[slot].timer.valid());
    slots_[slot].state = OrderState::kReleased;  // what a free slot holds
    forget(slot);
    free(slot);
  }
  // Slots ever used (live or closed); ids name only these.
  uint32_t slot_count() const { return used_; }
  uint32_t live_count() const { return live_; }

  // Slots in the order they will be reused.
  std::vector<uint32_t> free_list() const {
    std::vector<uint32_t> out;
    for (uint32_t s = free_head_; s != kNoSlot; s = slots_[s].next_free) out.push_back(s);
    return out;
  }
  // Snapshot restore: `used` slots (filled in by the caller through at()),
  // then the free list in reuse order. REQUIRES a fresh table.
  void restore(uint32_t used, const std::vector<uint32_t>& free_slots) {
    if (slots_.size() < used) slots_.resize(used);
    if (cold_.size() < used) cold_.resize(used);
    used_ = used;
    live_ = used - static_cast<uint32_t>(free_slots.size());
    free_head_ = free_tail_ = kNoSlot;
    for (uint32_t s : free_slots) {
      slots_[s].next_free = kNoSlot;
      if (free_tail_ == kNoSlot) {
        free_head_ = s;
      } else {
        slots_[free_tail_].next_free = s;
      }
      free_tail_ = s;
    }
  }

 private:
  uint32_t shard_;
  std::vector<Order> slots_;
  std::vector<OrderCold> cold_;  // one per used slot
  uint32_t free_head_ = kNoSlot;
  uint32_t free_tail_ = kNoSlot;
  uint32_t live_ = 0;
  uint32_t used_ = 0;  // slots_[0, used_) have held an order; the rest are reserved
};

inline uint32_t OrderTable::allocate(uint32_t slots_max) {
  uint32_t slot;
  if (free_head_ != kNoSlot) {
    slot = free_head_;
    free_head_ = slots_[slot].next_free;
    if (free_head_ == kNoSlot) free_tail_ = kNoSlot;
    cold_[slot].clear();  // the closed order's pages go with its id
  } else {
    if (used_ >= slots_max) return kNoSlot;
    if (used_ == slots_.size()) slots_.emplace_back();
    slot = used_++;
    if (slot == cold_.size()) cold_.emplace_back();  // beyond the reserved ones (a fresh one is empty)
  }
  Order& o = slots_[slot];
  assert(!o.live());
  OrderLines keep = std::move(o.lines);
  keep.clear();
  const uint32_t generation = o.generation + 1;
  o = Order{};
  o.generation = generation;
  o.lines = std::move(keep);
  ++live_;
  return slot;
}

inline void OrderTable::free(uint32_t slot) {
  assert(slot < used_);
  assert(!slots_[slot].live());
  assert(live_ > 0);
  --live_;
  slots_[slot].next_free = kNoSlot;
  if (free_tail_ == kNoSlot) {
    free_head_ = free_tail_ = slot;
  } else {
    slots_[free_tail_].next_free = slot;
    free_tail_ = slot;
  }
}

// The reply that describes an order: id, state, deadline, and due_ms (when
// it changes by itself next; 0 when closed or confirmed).
inline Reply order_reply(OrderId id, const Order& order) {
  Reply r;
  r.order = id;
  r.state = order.state;
  r.value = order.deadline_ms;
  r.due_ms = is_closed(order.state) || order.state == OrderState::kConfirmed ? 0 : order.deadline_ms;
  return r;
}

// A deadline (or a release-back date) must be after now and at most
// kDeadlineAheadMsMax ahead.
inline Reply check_deadline(int64_t deadline_ms, int64_t now_ms) {
  if (deadline_ms <= now_ms || deadline_ms - now_ms > kDeadlineAheadMsMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("deadline ", deadline_ms, " must be after now (", now_ms, ") and at most 3 years ahead"));
  return Reply{};
}

}  // namespace tessera::engine
