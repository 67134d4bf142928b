// FollowUpDesk: the back office's follow-up screen over live options and
// reservations — the query by deadline with its filters and paging, the
// release preview, ReleaseAll by filter, and the bulk actions on a
// selection (marks, locks, release, reminders) plus filing an order.
//
// Everything reads the OrderBook's FollowUpIndex (follow_up_index.h): the
// performances in scope come from the mandatory filters (season, family,
// and product or performance when given), then each one's bucket for the
// kind is read in key order up to the deadline. Counting without row-level
// filters is a sum of bucket positions, not a scan; with filters on
// channel, tariff, contingent or contact it reads the index's runs of the
// most selective of them (a sum of positions again when it is the only
// one), and scans only for categories or contact types alone.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/contacts.h"
#include "engine/order_book.h"
#include "engine/reply_detail.h"
#include "engine/stock_ledger.h"
#include "engine/subscriptions.h"

namespace tessera::engine {

class FollowUpDesk {
 public:
  FollowUpDesk(OrderBook& book, const StockLedger& stock, const Catalog& catalog, const ContactBook& contacts,
               const SubscriptionBook& subscriptions, const int64_t& now_ms)
      : book_(book),
        stock_(stock),
        catalog_(catalog),
        contacts_(contacts),
        subscriptions_(subscriptions),
        now_ms_(now_ms) {}

  // The screen (follow_up_desk.cc).
  Reply on(const QueryFollowUp& c) const;
  Reply on(const PreviewRelease& c) const;
  // Writes take their Caller: the orders' workflows name who acted.
  Reply on(const ReleaseAll& c, const Caller& who = {});
  // Bulk actions on a selection (follow_up_bulk.cc).
  Reply on(const MarkOrders& c, const Caller& who = {});
  Reply on(const LockOrders& c, const Caller& who = {});
  Reply on(const ReleaseOrders& c, const Caller& who = {});
  Reply on(const RemindOrders& c, const Caller& who = {});
  Reply on(const RecordOrderReminders& c, const Caller& who = {});
  Reply on(const SetOrderFile& c, const Caller& who = {});

 private:
  // A reminder of `o` delivered: rank + 1, time, workflow entry (when the
  // workflow has room).
  void note_reminder(Order& o, uint32_t format, Delivery delivery, const Caller& who);
  struct FollowUpScope;
  Reply follow_up_scope(const FollowUpFilter& f, FollowUpScope* scope) const;
  bool row_matches(const FollowUpScope& scope, const FollowUpEntry& e) const;
  FollowUpRow follow_up_row(const FollowUpEntry& e) const;
  uint64_t count_rows(const FollowUpScope& scope, const FollowUpEntry* cursor, uint64_t* before) const;
  struct Driver;
  Driver choose_driver(const FollowUpScope& scope) const;
  uint64_t count_candidates(const FollowUpScope& scope, const Driver& d, const FollowUpKey& limit) const;
  template <typename F>
  void for_each_candidate(const FollowUpScope& scope, const Driver& d, const FollowUpKey& from, F&& f) const;
  struct StockTally;
  void add_released_stock(const Order& o, OrderId id, StockTally* tally) const;
  struct ReleasePlan;
  void plan_release(const FollowUpScope& scope, ReleasePlan* plan) const;
  void name_skipped(const ReleasePlan& plan, OrderId after, ReleaseSummary* summary) const;
  static Reply check_selection(const std::vector<OrderId>& orders);
  template <typename F>
  Reply for_each_selected(const std::vector<OrderId>& orders, F&& apply_one);
  ReminderItem reminder_item(const Order& o, OrderId id) const;

  OrderBook& book_;
  const StockLedger& stock_;
  const Catalog& catalog_;
  const ContactBook& contacts_;
  const SubscriptionBook& subscriptions_;
  const int64_t& now_ms_;
};

}  // namespace tessera::engine
