// Test support for the shard's state owners: the owners wired to each other
// the way Shard wires them (same declaration order, same references), with
// no Shard around them, so each owner's tests call its own interface.
//
// Owners routes a set-up command to the one owner that defines it (as
// Shard::on does), fires the shared timers into the owner that armed them
// (as Shard::on_timer does), composes the owners' invariant checks and
// hashes the owners' state, so a test can say "this refusal changed nothing".
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <variant>
#include <vector>

#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/contacts.h"
#include "engine/contingent_tree.h"
#include "engine/follow_up_desk.h"
#include "engine/hash.h"
#include "engine/limits.h"
#include "engine/order_book.h"
#include "engine/order_desk.h"
#include "engine/seat_inventory.h"
#include "engine/shard_timers.h"
#include "engine/stock_ledger.h"
#include "engine/subscriptions.h"
#include "tests/engine/engine_clock.h"
#include "workload/demo_venue.h"

namespace tessera::engine::owners_test {

using workload::kBoxOffice;
using workload::kPartner;
using workload::kWeb;

// Defines the demo catalog (seasons, products, channels, categories,
// tariffs) through Catalog::define.
inline void define_demo_catalog(Catalog& catalog) {
  for (const Command& c : workload::demo_catalog()) {
    std::visit(
        [&](const auto& body) {
          if constexpr (requires { catalog.define(body); }) {
            const Reply r = catalog.define(body);
            ASSERT_TRUE(r.ok()) << command_name(c.body) << ": " << r.message;
          } else {
            FAIL() << command_name(c.body) << " is not a catalog definition";
          }
        },
        c.body);
  }
}

// A GA performance of product 1 on the ledger alone: categories 1/2/3 of
// 500/300/200 units, performance capacity `capacity` (0 = none).
inline void define_ga_performance(StockLedger& stock, PerformanceId p, uint32_t capacity = 1000,
                                  uint32_t contact_limit = 0) {
  ASSERT_TRUE(stock.on(DefinePerformance{p, workload::kProductRelease, kT0 + 30 * kDay, capacity, contact_limit}).ok());
  ASSERT_TRUE(stock.on(SetGeneralAdmission{p, 1, 500}).ok());
  ASSERT_TRUE(stock.on(SetGeneralAdmission{p, 2, 300}).ok());
  ASSERT_TRUE(stock.on(SetGeneralAdmission{p, 3, 200}).ok());
}

// Hashes what the stock owners hold: layouts, quotas, performances (with
// their seat maps) and contingents.
inline void hash_stock(Hasher& h, const StockLedger& stock) {
  h.add(stock.layouts().items());
  h.add(stock.quotas().all());
  h.add(stock.performances().items());
  h.add(stock.contingents().items());
}

// Units one more line could hold now (StockLedger's GetAvailability).
inline int64_t available_units(const StockLedger& stock, PerformanceId p, CategoryId c, ChannelId ch, ContingentId k) {
  const Reply r = stock.on(GetAvailability{p, c, k, ch, kNone});
  EXPECT_TRUE(r.ok()) << r.message;
  return r.value;
}

// The stock owners alone (StockLedger, SeatInventory, ContingentTree) over
// an OrderTable the test fills itself: no OrderBook, so a test of the
// ledger, the seats or the contingents calls only their own interface.
struct Ledger {
  explicit Ledger(int64_t start_ms = kT0)
      : now_ms(start_ms),
        timers(start_ms, 0),
        table(0, 0),
        stock(catalog, table, now_ms),
        seats(stock, catalog, table, now_ms),
        contingents(stock, seats, timers, catalog, now_ms) {}
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  Reply set_up(const CommandBody& body) {
    return std::visit(
        [this](const auto& c) -> Reply {
          if constexpr (requires { catalog.define(c); }) {
            return catalog.define(c);
          } else if constexpr (requires { stock.on(c); }) {
            return stock.on(c);
          } else if constexpr (requires { seats.on(c); }) {
            return seats.on(c);
          } else if constexpr (requires { contingents.on(c); }) {
            return contingents.on(c);
          } else {
            return refuse(ReplyCode::kInvalidArgument, "not a set-up command of the stock owners");
          }
        },
        body);
  }
  void must(const CommandBody& body) {
    const Reply r = set_up(body);
    ASSERT_TRUE(r.ok()) << command_name(body) << ": " << r.message;
  }

  // A held order on GA lines: the ledger validates and consumes them in a
  // scratch order, which moves into a slot only when taken (as OrderBook).
  Reply place(const std::vector<LineRequest>& lines, ContactId contact = 7, ChannelId channel = kWeb) {
    Order scratch;
    scratch.channel = channel;
    scratch.contact = contact;
    Reply r = stock.validate_lines(lines, channel, contact, &scratch.lines);
    if (r.ok()) r = stock.consume(scratch);
    return r.ok() ? file(scratch) : r;
  }
  // A held order on seats (SeatInventory::take).
  Reply place_seats(const SeatRequest& q, ContactId contact = 7, ChannelId channel = kWeb) {
    Order scratch;
    Reply r = seats.take(q, channel, contact, &scratch);
    return r.ok() ? file(scratch) : r;
  }
  // Gives every line back the way OrderBook::close does, and frees the slot.
  void close(OrderId id) {
    Order* o = table.find(id);
    ASSERT_TRUE(o && o->live());
    for (const OrderLine& l : o->lines) {
      stock.give_back(*o, l, l.quantity);
      if (l.seat != kNoSeat) seats.give_back(l, l.seat, l.quantity);
      if (l.contingent != kNone && stock.contingents().items()[l.contingent_index].released)
        contingents.flow_back(l, l.seat, l.quantity);
    }
    o->state = OrderState::kReleased;
    table.free(order_slot(id));
  }

  // Fires the release-back timers due at t.
  void advance_to(int64_t t) {
    now_ms = t;
    timers.wheel().advance(now_ms, 1000, [this](TimerId, uint64_t payload, int64_t) {
      ASSERT_TRUE(payload & kContingentTimerTag);
      contingents.on_release_back(static_cast<uint32_t>(payload));
    });
  }

  Status check() const {
    uint32_t timed = 0;
    Status s = contingents.check_invariants(&timed);
    if (s.is_ok() && timed != timers.wheel().size())
      s = Status::internal(cat("timing wheel holds ", timers.wheel().size(), " timers, contingents ", timed));
    if (s.is_ok()) s = seats.check_invariants();
    if (s.is_ok()) s = stock.check_invariants();
    return s;
  }
  uint64_t hash() const {
    Hasher h;
    hash_stock(h, stock);
    h.add_u64(timers.wheel().size());
    return h.value();
  }

  int64_t available(PerformanceId p, CategoryId c, ChannelId ch = kWeb, ContingentId k = kNone) const {
    return available_units(stock, p, c, ch, k);
  }
  const Contingent& contingent(ContingentId id) const { return *stock.contingents().find(id); }
  const Quota& quota_of(ContingentId id) const { return stock.quotas()[contingent(id).quota]; }
  const GeneralAdmission& area(PerformanceId p, CategoryId c) const { return *stock.performances().find(p)->area(c); }
  const Quota& open_quota(PerformanceId p, CategoryId c) const { return stock.quotas()[area(p, c).open_quota]; }

  int64_t now_ms;
  Catalog catalog;
  ShardTimers timers;
  OrderTable table;
  StockLedger stock;
  SeatInventory seats;
  ContingentTree contingents;

 private:
  Reply file(Order& scratch) {
    const uint32_t slot = table.allocate(kLiveOrdersPerShardMax);
    Order& o = table.at(slot);
    o.lines = std::move(scratch.lines);
    o.channel = scratch.channel;
    o.contact = scratch.contact;
    o.state = OrderState::kHeld;
    o.created_ms = now_ms;
    Reply r;
    r.order = table.id_of(slot);
    return r;
  }
};

struct Owners {
  explicit Owners(int64_t start_ms = kT0)
      : now_ms(start_ms),
        timers(start_ms, 0),
        orders(0, 0, stock, seats, contingents, timers, catalog, now_ms),
        stock(catalog, orders.table(), now_ms),
        seats(stock, catalog, orders.table(), now_ms),
        contingents(stock, seats, timers, catalog, now_ms),
        desk(orders, stock, catalog, now_ms),
        follow_up(orders, stock, catalog, contacts, subscriptions, now_ms) {}
  Owners(const Owners&) = delete;
  Owners& operator=(const Owners&) = delete;

  // The demo catalog and `count` demo performances of `product` from
  // `first` (GA categories 1/2/3 of 500/300/200, partner contingent of 50
  // units of category 1 for channel 3).
  void define_catalog() { define_demo_catalog(catalog); }
  void define_performances(PerformanceId first, ProductId product, uint32_t count = 1) {
    workload::DemoVenue venue;
    venue.performances = count;
    venue.first_performance = first;
    for (const Command& c : workload::demo_performances(venue, product)) {
      const Reply r = set_up(c.body);
      ASSERT_TRUE(r.ok()) << command_name(c.body) << ": " << r.message;
    }
  }

  // A set-up command, given to the owner that defines its state.
  Reply set_up(const CommandBody& body) {
    return std::visit(
        [this](const auto& c) -> Reply {
          if constexpr (requires { catalog.define(c); }) {
            return catalog.define(c);
          } else if constexpr (requires { stock.on(c); }) {
            return stock.on(c);
          } else if constexpr (requires { seats.on(c); }) {
            return seats.on(c);
          } else if constexpr (requires { contingents.on(c); }) {
            return contingents.on(c);
          } else if constexpr (requires { contacts.define(c); }) {
            return contacts.define(c);
          } else if constexpr (requires { subscriptions.define(c); }) {
            return subscriptions.define(c);
          } else {
            return refuse(ReplyCode::kInvalidArgument, "not a set-up command");
          }
        },
        body);
  }

  // Fires every timer due at t into the owner that armed it (Shard::on_timer).
  uint32_t advance_to(int64_t t) {
    if (t > now_ms) now_ms = t;
    uint32_t fired = 0;
    for (;;) {
      const uint32_t n = timers.wheel().advance(now_ms, 1000, [this](TimerId, uint64_t payload, int64_t) {
        if (payload & kContingentTimerTag) {
          contingents.on_release_back(static_cast<uint32_t>(payload));
        } else {
          orders.on_deadline(static_cast<OrderId>(payload));
        }
      });
      fired += n;
      if (n < 1000) return fired;
    }
  }

  // Every owner's invariants, and the wheel holding exactly the timers the
  // owners account for (Shard::check_invariants).
  Status check() const {
    uint32_t timed = 0;
    Status s = orders.check_invariants(&timed);
    if (s.is_ok()) s = contingents.check_invariants(&timed);
    if (s.is_ok() && timed != timers.wheel().size())
      s = Status::internal(cat("timing wheel holds ", timers.wheel().size(), " timers, owners ", timed));
    if (s.is_ok()) s = seats.check_invariants();
    if (s.is_ok()) s = stock.check_invariants();
    return s;
  }

  // The owners' state: stock, live orders (with their timer sequence), the
  // free list, the follow-up index size and the timers.
  uint64_t hash() const {
    Hasher h;
    hash_stock(h, stock);
    const OrderTable& table = orders.table();
    for (uint32_t slot = 0; slot < table.slot_count(); ++slot) {
      const Order& o = table.at(slot);
      h.add_u64(o.generation);
      if (!o.live()) continue;
      h.add(o);
      h.add_u64(o.timer.valid() ? o.timer_seq : 0);
    }
    h.add(table.free_list());
    h.add_u64(table.slot_count());
    h.add_u64(orders.follow_up().size());
    h.add_u64(timers.wheel().size());
    h.add_u64(timers.next_seq());
    return h.value();
  }

  int64_t available(PerformanceId p, CategoryId c, ChannelId ch = kWeb, ContingentId k = kNone) const {
    return available_units(stock, p, c, ch, k);
  }

  int64_t now_ms;
  Catalog catalog;
  ContactBook contacts;
  SubscriptionBook subscriptions;
  ShardTimers timers;
  // Order matters, as in Shard: each owner after the tables it reads.
  OrderBook orders;
  StockLedger stock;
  SeatInventory seats;
  ContingentTree contingents;
  OrderDesk desk;
  FollowUpDesk follow_up;
};

// A GA line of product 1's full tariff.
inline LineRequest line(PerformanceId p, CategoryId c, uint32_t n, ContingentId k = kNone) {
  return LineRequest{p, c, workload::demo_tariff(p.value() / 1000, 1), n, k};
}

}  // namespace tessera::engine::owners_test
