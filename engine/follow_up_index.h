// FollowUpIndex: the live options and reservations of a shard by deadline,
// one sorted bucket per (performance, kind), for the back office's
// follow-up screen, its release preview and ReleaseAll.
//
// An entry is one follow-up row: an order's consecutive lines of the same
// performance, category, tariff and contingent (a seated block is one
// row), keyed by (deadline, order id, first line). It carries the columns
// the optional filters test, so a filtered scan reads the index
// sequentially and touches an order only for rows it shows or releases.
// Per-bucket sizes give "how many rows are due by D" without a scan when
// no row-level filter is set.
// Maintained by the shard: add() when an order becomes an option or
// reservation, remove() before it stops being one (confirm, release,
// archive, expiry) or before its deadline changes (reinstate).
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <limits>
#include <tuple>
#include <vector>

#include "engine/order.h"
#include "engine/sorted_chunks.h"

namespace tessera::engine {

enum FollowUpFlag : uint8_t { kRowLocked = 1, kRowKept = 2 };

struct FollowUpEntry {
  int64_t due_ms;
  OrderId order;
  uint16_t line;  // first order line of the row (kOrderLinesMax fits)
  uint8_t flags;  // FollowUpFlag bits: the order's lock and release mark
  uint8_t unused;
  uint32_t quantity;  // units in the row
  uint32_t seats;     // of which named seats
  CategoryId category;
  TariffId tariff;
  ContingentId contingent;
  ChannelId channel;
  ContactId contact;
};

struct FollowUpEntryLess {
  bool operator()(const FollowUpEntry& a, const FollowUpEntry& b) const {
    return std::tie(a.due_ms, a.order, a.line) < std::tie(b.due_ms, b.order, b.line);
  }
};

// A key for bound searches: sorts after every row of deadline due_ms when
// order and line are at their maximum.
inline FollowUpEntry follow_up_key(int64_t due_ms, OrderId order, uint32_t line) {
  FollowUpEntry e{};
  e.due_ms = due_ms;
  e.order = order;
  e.line = static_cast<uint16_t>(std::min<uint32_t>(line, UINT16_MAX));  // a cursor past every line
  return e;
}
inline FollowUpEntry follow_up_key_after_day(int64_t due_until_ms) {
  return follow_up_key(due_until_ms, std::numeric_limits<OrderId>::max(), std::numeric_limits<uint32_t>::max());
}

class FollowUpIndex {
 public:
  using Bucket = SortedChunks<FollowUpEntry, FollowUpEntryLess>;

  // Calls f(performance_index, entry) for each row of a booked order.
  template <typename F>
  static void for_each_row(const Order& o, OrderId id, F&& f) {
    size_t i = 0;
    while (i < o.lines.size()) {
      const OrderLine& first = o.lines[i];
      FollowUpEntry e{o.due_ms,       id,           static_cast<uint16_t>(i), row_flags(o), 0,        0, 0,
                      first.category, first.tariff, first.contingent,         o.channel,    o.contact};
      size_t j = i;
      for (; j < o.lines.size(); ++j) {
        const OrderLine& l = o.lines[j];
        if (l.performance_index != first.performance_index || l.category != first.category ||
            l.tariff != first.tariff || l.contingent != first.contingent)
          break;
        e.quantity += l.quantity;
        if (l.seat != kNoSeat) e.seats += l.quantity;
      }
      f(first.performance_index, e);
      i = j;
    }
  }

  static uint8_t row_flags(const Order& o) {
    return static_cast<uint8_t>((o.locked ? kRowLocked : 0) | (o.mark == ReleaseMark::kKeep ? kRowKept : 0));
  }

  // Copies the order's lock and release mark into its rows (after either changed).
  void update_flags(const Order& o, OrderId id) {
    for_each_row(o, id, [&](uint32_t pi, const FollowUpEntry& e) {
      Bucket& b = bucket(pi, o.kind);
      const auto at = b.lower_bound(e);
      assert(!b.at_end(at) && !FollowUpEntryLess{}(e, b.get(at)));
      b.get_mutable(at).flags = e.flags;
    });
  }

  void add(const Order& o, OrderId id) {
    for_each_row(o, id, [&](uint32_t pi, const FollowUpEntry& e) { bucket(pi, o.kind).insert(e); });
  }
  // Removes the order's rows, except from the buckets of performances
  // `skip` marks (being compacted by a bulk pass, which drops them itself).
  void remove(const Order& o, OrderId id, const std::vector<bool>* skip = nullptr) {
    for_each_row(o, id, [&](uint32_t pi, const FollowUpEntry& e) {
      if (skip && pi < skip->size() && (*skip)[pi]) return;
      Bucket& b = bucket(pi, o.kind);
      const bool erased = b.erase(e);
      assert(erased);
      (void)erased;
    });
  }

  Bucket& bucket(uint32_t performance_index, BookingKind kind) {
    if (performance_index >= buckets_.size()) buckets_.resize(performance_index + 1);
    return buckets_[performance_index][static_cast<size_t>(kind)];
  }
  // nullptr when the performance never had a booked order.
  const Bucket* find(uint32_t performance_index, BookingKind kind) const {
    return performance_index < buckets_.size() ? &buckets_[performance_index][static_cast<size_t>(kind)] : nullptr;
  }
  Bucket* find(uint32_t performance_index, BookingKind kind) {
    return performance_index < buckets_.size() ? &buckets_[performance_index][static_cast<size_t>(kind)] : nullptr;
  }
  size_t size() const {
    size_t n = 0;
    for (const auto& pair : buckets_) n += pair[0].size() + pair[1].size();
    return n;
  }
  void clear() { buckets_.clear(); }

 private:
  std::vector<std::array<Bucket, 2>> buckets_;  // by performance index, then BookingKind
};

}  // namespace tessera::engine
