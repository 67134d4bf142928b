// OrderDesk: the handlers of the order commands — holds, bookings, seat
// holds, extensions, conversions, confirmation (whole or partial), release,
// cancellation, archiving, reinstatement, release marks and locks. Each
// validates before it changes anything, so a refusal leaves the shard as it
// was; the state machine itself (transitions, timers, stock) is the
// OrderBook's.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>

#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/order_book.h"
#include "engine/stock_ledger.h"

namespace tessera::engine {

class OrderDesk {
 public:
  OrderDesk(OrderBook& book, const StockLedger& stock, const Catalog& catalog, const int64_t& now_ms)
      : book_(book), stock_(stock), catalog_(catalog), now_ms_(now_ms) {}

  Reply on(const Hold& c);
  Reply on(const HoldSeats& c);
  Reply on(const HoldSeatsWithLines& c);
  Reply on(const Book& c);
  Reply on(const BookSeats& c);
  Reply on(const BookSeatsWithLines& c);
  Reply on(const ExtendHold& c);
  Reply on(const ConvertHold& c);
  Reply on(const Confirm& c);
  Reply on(const Release& c);
  Reply on(const Cancel& c);
  Reply on(const Archive& c);
  Reply on(const Reinstate& c);
  Reply on(const SetReleaseMark& c);
  Reply on(const SetLock& c);
  Reply on(const GetOrder& c) const;

 private:
  // A cart's lifetime and extension allowance: the strictest of its products.
  void hold_limits(PerformanceId performance, int64_t* lifetime_max_ms, uint32_t* extensions_max) const;
  static Reply check_hold_ttl(int64_t ttl_ms, int64_t lifetime_max_ms);

  OrderBook& book_;
  const StockLedger& stock_;
  const Catalog& catalog_;
  const int64_t& now_ms_;
};

}  // namespace tessera::engine
