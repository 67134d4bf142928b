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
//
// Beside each bucket, the keys of its rows by channel, by tariff and by
// contingent (one sorted run per value in use, 16-byte keys), and per
// contact the keys of its rows across performances: a filter on one of
// those columns counts by summing the runs of its values (no scan), and a
// filter on several reads only the rows of its most selective column
// (FollowUpDesk). About 64 bytes per row on top of the row's 48.
// A bulk release does not keep them up to date (that doubled ReleaseAll
// over 1M options): it marks the bucket's runs, or the contacts' lists of
// that kind, stale, and the next read that needs them rebuilds them from
// the rows in one sequential pass (refresh_runs(), refresh_contacts()).
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

#include "engine/flat_map.h"
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

// A row's key alone (the per-value runs).
struct FollowUpKey {
  int64_t due_ms;
  OrderId order;
  uint16_t line;
};
struct FollowUpKeyLess {
  bool operator()(const FollowUpKey& a, const FollowUpKey& b) const {
    return std::tie(a.due_ms, a.order, a.line) < std::tie(b.due_ms, b.order, b.line);
  }
};
inline FollowUpKey key_of(const FollowUpEntry& e) { return FollowUpKey{e.due_ms, e.order, e.line}; }
inline FollowUpEntry entry_key(const FollowUpKey& k) {
  FollowUpEntry e{};
  e.due_ms = k.due_ms;
  e.order = k.order;
  e.line = k.line;
  return e;
}
// A contact's row: its key and the performance (index) it belongs to.
struct FollowUpContactRow {
  FollowUpKey key;
  uint32_t performance_index;
};
struct FollowUpContactRowLess {
  bool operator()(const FollowUpContactRow& a, const FollowUpContactRow& b) const {
    return FollowUpKeyLess{}(a.key, b.key);
  }
};

// The columns indexed per value beside each bucket.
enum class FollowUpColumn : uint8_t { kChannel = 0, kTariff, kContingent };
inline constexpr size_t kFollowUpColumns = 3;
inline uint32_t column_value(const FollowUpEntry& e, FollowUpColumn c) {
  switch (c) {
    case FollowUpColumn::kChannel:
      return e.channel.value();
    case FollowUpColumn::kTariff:
      return e.tariff.value();
    case FollowUpColumn::kContingent:
      return e.contingent.value();
  }
  return 0;
}

// What a bulk pass (ReleaseAll) handles itself once it has released: the
// rows of these performances' buckets (compact(), which marks their runs
// stale) and, when `contacts`, the contacts' rows there too (left for
// refresh_contacts() after contacts_went_stale()); remove() leaves those.
struct FollowUpBulk {
  std::vector<bool> performances;  // by performance index
  bool contacts = false;
  bool covers(uint32_t performance_index) const {
    return performance_index < performances.size() && performances[performance_index];
  }
};

class FollowUpIndex {
 public:
  using Bucket = SortedChunks<FollowUpEntry, FollowUpEntryLess>;
  using KeyRun = SortedChunks<FollowUpKey, FollowUpKeyLess>;
  // A contact's rows (chunked too: an agency may hold 100,000 options).
  using ContactRun = SortedChunks<FollowUpContactRow, FollowUpContactRowLess>;
  // The runs of one column of one bucket, by value (ascending; 0 = none is
  // never indexed).
  using ValueRuns = std::vector<std::pair<uint32_t, KeyRun>>;

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
    for_each_row(o, id, [&](uint32_t pi, const FollowUpEntry& e) {
      Side& side = side_of(pi, o.kind);
      side.rows.insert(e);
      if (!side.runs_stale)
        for (size_t c = 0; c < kFollowUpColumns; ++c)
          if (const uint32_t v = column_value(e, static_cast<FollowUpColumn>(c)); v != 0)
            run_of(side.by_value[c], v).insert(key_of(e));
      if (e.contact != kNone && !contacts_stale_[static_cast<size_t>(o.kind)]) {
        contact_list(o.kind, e.contact).insert(FollowUpContactRow{key_of(e), pi});
        ++contact_rows_[static_cast<size_t>(o.kind)];
      }
    });
  }
  // Removes the order's rows, except what `bulk` says a bulk pass drops.
  void remove(const Order& o, OrderId id, const FollowUpBulk* bulk = nullptr) {
    for_each_row(o, id, [&](uint32_t pi, const FollowUpEntry& e) {
      const bool compacted = bulk && bulk->covers(pi);
      if (e.contact != kNone && !contacts_stale_[static_cast<size_t>(o.kind)] && !(compacted && bulk->contacts)) {
        const bool had = contact_list(o.kind, e.contact).erase(FollowUpContactRow{key_of(e), pi});
        assert(had);
        (void)had;
        --contact_rows_[static_cast<size_t>(o.kind)];
      }
      if (compacted) return;
      Side& side = side_of(pi, o.kind);
      const bool erased = side.rows.erase(e);
      assert(erased);
      (void)erased;
      if (side.runs_stale) return;
      for (size_t c = 0; c < kFollowUpColumns; ++c)
        if (const uint32_t v = column_value(e, static_cast<FollowUpColumn>(c)); v != 0) {
          const bool had = run_of(side.by_value[c], v).erase(key_of(e));
          assert(had);
          (void)had;
        }
    });
  }

  // The bulk pass of a release: drops from bucket (pi, kind) every row
  // before `until` whose order released(order) says went (all of them when
  // whole_prefix), and marks its runs stale.
  template <typename Released>
  void compact(uint32_t pi, BookingKind kind, const FollowUpEntry& until, bool whole_prefix, Released&& released) {
    Side* side = find_side(pi, kind);
    if (!side) return;
    if (whole_prefix) {
      side->rows.erase_before(until);
    } else {
      side->rows.visit_and_remove_until(until, [&](const FollowUpEntry& e) { return released(e.order); });
    }
    side->runs_stale = true;
  }
  // After a bulk pass that left the contacts' rows to it (bulk.contacts).
  void contacts_went_stale(BookingKind kind) { contacts_stale_[static_cast<size_t>(kind)] = true; }
  size_t contact_row_count(BookingKind kind) const { return contact_rows_[static_cast<size_t>(kind)]; }

  // Rebuilds stale runs of bucket (pi, kind) from its rows (sequential:
  // the rows are in key order, so each run is appended to).
  void refresh_runs(uint32_t pi, BookingKind kind) const {
    const Side* side = find_side(pi, kind);
    if (!side || !side->runs_stale) return;
    for (ValueRuns& runs : side->by_value) runs.clear();
    side->rows.for_each([&](const FollowUpEntry& e) {
      for (size_t c = 0; c < kFollowUpColumns; ++c)
        if (const uint32_t v = column_value(e, static_cast<FollowUpColumn>(c)); v != 0)
          run_of(side->by_value[c], v).push_back_sorted(key_of(e));
    });
    side->runs_stale = false;
  }
  // Rebuilds the contacts' lists of `kind` if stale.
  void refresh_contacts(BookingKind kind) const {
    const size_t k = static_cast<size_t>(kind);
    if (!contacts_stale_[k]) return;
    for (auto& rows : contact_lists_[k]) rows.clear();
    contact_rows_[k] = 0;
    for (uint32_t pi = 0; pi < sides_.size(); ++pi)
      sides_[pi][k].rows.for_each([&](const FollowUpEntry& e) {
        if (e.contact == kNone) return;
        contact_list(kind, e.contact).insert(FollowUpContactRow{key_of(e), pi});
        ++contact_rows_[k];
      });
    contacts_stale_[k] = false;
  }

  Bucket& bucket(uint32_t performance_index, BookingKind kind) { return side_of(performance_index, kind).rows; }
  // nullptr when the performance never had a booked order.
  const Bucket* find(uint32_t performance_index, BookingKind kind) const {
    const Side* side = find_side(performance_index, kind);
    return side ? &side->rows : nullptr;
  }
  Bucket* find(uint32_t performance_index, BookingKind kind) {
    Side* side = find_side(performance_index, kind);
    return side ? &side->rows : nullptr;
  }
  // The runs of `column` of bucket (pi, kind); nullptr when it has none.
  const ValueRuns* runs(uint32_t performance_index, BookingKind kind, FollowUpColumn column) const {
    const Side* side = find_side(performance_index, kind);
    return side ? &side->by_value[static_cast<size_t>(column)] : nullptr;
  }
  // The run of `value` in `runs` (nullptr: no row has it).
  static const KeyRun* run(const ValueRuns& runs, uint32_t value) {
    const auto at = std::lower_bound(runs.begin(), runs.end(), value,
                                     [](const auto& entry, uint32_t v) { return entry.first < v; });
    return at != runs.end() && at->first == value ? &at->second : nullptr;
  }
  // The contact's rows of `kind`, in key order (nullptr: none ever).
  const ContactRun* contact_rows(BookingKind kind, ContactId contact) const {
    const uint32_t* at = contacts_[static_cast<size_t>(kind)].find(contact);
    return at ? &contact_lists_[static_cast<size_t>(kind)][*at] : nullptr;
  }

  size_t size() const {
    size_t n = 0;
    for (const auto& pair : sides_) n += pair[0].rows.size() + pair[1].rows.size();
    return n;
  }
  // Every key of the runs and contact lists is a row of its bucket with
  // that value, and every row is in them once (the shard's invariants).
  bool runs_match_rows() const {
    for (uint32_t pi = 0; pi < sides_.size(); ++pi)
      for (const BookingKind kind : {BookingKind::kOption, BookingKind::kReservation}) refresh_runs(pi, kind);
    for (const BookingKind kind : {BookingKind::kOption, BookingKind::kReservation}) refresh_contacts(kind);
    size_t contact_rows_seen = 0, contact_rows_listed = 0;
    for (size_t k = 0; k < 2; ++k) {
      size_t listed = 0;
      for (const auto& list : contact_lists_[k]) listed += list.size();
      if (listed != contact_rows_[k]) return false;
      contact_rows_listed += listed;
    }
    for (uint32_t pi = 0; pi < sides_.size(); ++pi)
      for (size_t k = 0; k < 2; ++k) {
        const Side& side = sides_[pi][k];
        size_t indexed[kFollowUpColumns] = {};
        bool ok = true;
        side.rows.for_each([&](const FollowUpEntry& e) {
          for (size_t c = 0; c < kFollowUpColumns; ++c) {
            const uint32_t v = column_value(e, static_cast<FollowUpColumn>(c));
            if (v == 0) continue;
            ++indexed[c];
            const KeyRun* r = run(side.by_value[c], v);
            if (!r || r->size() == 0 || r->at_end(r->lower_bound(key_of(e))) ||
                FollowUpKeyLess{}(key_of(e), r->get(r->lower_bound(key_of(e)))))
              ok = false;
          }
          if (e.contact == kNone) return;
          ++contact_rows_seen;
          const ContactRun* list = contact_rows(static_cast<BookingKind>(k), e.contact);
          const FollowUpContactRow row{key_of(e), pi};
          const auto at = list ? list->lower_bound(row) : ContactRun::Position{};
          if (!list || list->at_end(at) || FollowUpContactRowLess{}(row, list->get(at)) ||
              list->get(at).performance_index != pi)
            ok = false;
        });
        if (!ok) return false;
        for (size_t c = 0; c < kFollowUpColumns; ++c) {
          size_t in_runs = 0;
          for (const auto& [value, r] : side.by_value[c]) in_runs += r.size();
          if (in_runs != indexed[c]) return false;
        }
      }
    return contact_rows_seen == contact_rows_listed;
  }
  void clear() {
    sides_.clear();
    for (auto& map : contacts_) map.clear();
    for (auto& lists : contact_lists_) lists.clear();
    contact_rows_ = {};
    contacts_stale_ = {};
  }

 private:
  struct Side {
    Bucket rows;
    // Derived from rows; rebuilt by the const refresh_runs() when stale.
    mutable std::array<ValueRuns, kFollowUpColumns> by_value;
    mutable bool runs_stale = false;
  };
  Side& side_of(uint32_t performance_index, BookingKind kind) {
    if (performance_index >= sides_.size()) sides_.resize(performance_index + 1);
    return sides_[performance_index][static_cast<size_t>(kind)];
  }
  const Side* find_side(uint32_t performance_index, BookingKind kind) const {
    return performance_index < sides_.size() ? &sides_[performance_index][static_cast<size_t>(kind)] : nullptr;
  }
  Side* find_side(uint32_t performance_index, BookingKind kind) {
    return performance_index < sides_.size() ? &sides_[performance_index][static_cast<size_t>(kind)] : nullptr;
  }
  static KeyRun& run_of(ValueRuns& runs, uint32_t value) {
    auto at = std::lower_bound(runs.begin(), runs.end(), value,
                               [](const auto& entry, uint32_t v) { return entry.first < v; });
    if (at == runs.end() || at->first != value) at = runs.insert(at, {value, KeyRun{}});
    return at->second;
  }
  ContactRun& contact_list(BookingKind kind, ContactId contact) const {
    auto& lists = contact_lists_[static_cast<size_t>(kind)];
    auto [at, inserted] = contacts_[static_cast<size_t>(kind)].insert(contact, static_cast<uint32_t>(lists.size()));
    if (inserted) lists.emplace_back();
    return lists[*at];
  }

  std::vector<std::array<Side, 2>> sides_;  // by performance index, then BookingKind
  // By BookingKind: contact -> its list of rows in contact_lists_[kind];
  // derived from the rows, rebuilt by the const refresh_contacts() when stale.
  mutable std::array<FlatMap<ContactId, uint32_t>, 2> contacts_;
  mutable std::array<std::vector<ContactRun>, 2> contact_lists_;
  mutable std::array<size_t, 2> contact_rows_{};
  mutable std::array<bool, 2> contacts_stale_{};
};

}  // namespace tessera::engine
