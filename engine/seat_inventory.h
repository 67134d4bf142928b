// SeatInventory: venue layouts, the seat maps of performances, seat holds
// (chosen on a map or best available) and bulk blocking and moving of
// seats between contingents.
//
// A seated order line is a run of adjacent seats in one row
// (OrderLine::seat = its first seat, quantity = its length); it counts
// against the same quotas as a GA line of its category and contingent, so
// taking seats goes through the StockLedger. Each command validates fully
// before a seat changes state, so a refusal leaves everything as it was.
//
// Invariants (check_invariants): each taken seat is in exactly one live
// order line of its category and contingent; quota capacities, blocked
// counters, row counts and free-seat bits equal a recount of the seat maps.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/order.h"
#include "engine/stock_ledger.h"

namespace tessera::engine {

class SeatInventory {
 public:
  SeatInventory(StockLedger& stock, const Catalog& catalog, const OrderTable& orders, const int64_t& now_ms)
      : stock_(stock), catalog_(catalog), orders_(orders), now_ms_(now_ms) {}

  // Set-up. check() is DefineVenueLayout's prepare step (catalog broadcast).
  Reply check(const DefineVenueLayout& c, VenueLayout* built = nullptr) const;
  Reply on(const DefineVenueLayout& c);
  Reply on(const AssignLayout& c);
  Reply on(const BlockSeats& c) { return set_blocked(c.performance, c.seats, true); }
  Reply on(const UnblockSeats& c) { return set_blocked(c.performance, c.seats, false); }
  Reply on(const MoveSeatsToContingent& c);

  // Takes the seats of a request into order->lines (all or none).
  Reply take(const SeatRequest& request, ChannelId channel, ContactId contact, Order* order);
  // Seats [first, first + count) of a line go back to free, in their slot.
  void give_back(const OrderLine& line, uint32_t first, uint32_t count);
  // One free or blocked seat changes contingent slot; quotas follow.
  void move_seat(Performance& p, uint32_t seat, uint16_t to_slot);
  // The reply to a seat hold: first seat, seat count, and the runs.
  static Reply seats_reply(const Order& order, OrderId id);

  Status check_invariants() const;
  // Snapshot: checks each seat map against its layout and contingents and
  // rebuilds the derived row counts.
  Status restore_seat_maps();

 private:
  Reply choose_seats(const SeatRequest& request, const Performance& p, uint16_t slot);
  Reply check_named_seats(const SeatRequest& request, const Performance& p, uint16_t slot);
  Reply seats_to_lines(const SeatRequest& request, const Performance& p, uint32_t performance_index,
                       uint32_t contingent_index, ChannelId channel, OrderLines* out) const;
  Reply check_seat_list(const Performance& p, const std::vector<uint32_t>& seats, bool refuse_taken);
  void change_capacity(Performance& p, CategoryId category, uint32_t slot, int64_t delta);
  Reply find_seated(PerformanceId performance, Performance** out);
  Reply set_blocked(PerformanceId performance, const std::vector<uint32_t>& seats, bool block);

  StockLedger& stock_;
  const Catalog& catalog_;
  const OrderTable& orders_;
  const int64_t& now_ms_;
  std::vector<uint32_t> scratch_seats_;   // seats chosen by take() (no allocation per hold)
  std::vector<uint32_t> scratch_work_;    // working space of best-available and seat checks
  std::vector<uint32_t> scratch_counts_;  // per-slot counters of bulk seat commands
};

}  // namespace tessera::engine
