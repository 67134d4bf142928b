// SlotTable<T>: what some orders have beside the order table — their money
// (engine/order_money.h), their participants and documents
// (engine/order_dossier.h) — keyed by the order's slot, so most orders pay
// nothing for it and neither the hot Order nor its cold part grows.
//
// An entry names the order it belongs to: once the slot is reused, the
// entry left by the earlier order is not the new order's (find() says
// none, open() starts it afresh), and is not state (current(), the hash).
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "base/status.h"
#include "engine/hash.h"
#include "engine/ids.h"
#include "engine/order.h"

namespace tessera::engine {

template <typename T>
class SlotTable {
 public:
  struct Entry {
    uint32_t slot = 0;
    OrderId order = 0;
    T value;
    auto fields() const { return std::tie(slot, order, value); }
  };

  // The entry of `order` in `slot` (nullptr: none).
  const T* find(uint32_t slot, OrderId order) const {
    auto it = by_slot_.find(slot);
    return it != by_slot_.end() && it->second.order == order ? &it->second.value : nullptr;
  }
  T* find_mutable(uint32_t slot, OrderId order) {
    auto it = by_slot_.find(slot);
    return it != by_slot_.end() && it->second.order == order ? &it->second.value : nullptr;
  }
  // The entry of `order`, created empty (or taken over from an earlier
  // order of the slot) if it has none.
  T& open(uint32_t slot, OrderId order) {
    Entry& e = by_slot_[slot];
    if (e.order != order) {
      e.order = order;
      e.slot = slot;
      e.value = T{};
    }
    return e.value;
  }

  // f(order, value) for each order the table still holds, by slot.
  template <typename F>
  void for_each_current(const OrderTable& orders, F&& f) {
    for (auto& [slot, e] : by_slot_)
      if (slot < orders.slot_count() && orders.find(e.order) != nullptr) f(e.order, e.value);
  }
  template <typename F>
  void for_each_current(const OrderTable& orders, F&& f) const {
    for (const auto& [slot, e] : by_slot_)
      if (slot < orders.slot_count() && orders.find(e.order) != nullptr) f(e.order, e.value);
  }
  // Every entry, stale ones too (a caller that checks the order itself).
  template <typename F>
  void for_each_entry(F&& f) {
    for (auto& [slot, e] : by_slot_) f(e.order, e.value);
  }

  // The entries of the orders the table still holds, by slot (snapshots,
  // the state hash): an earlier order's leftover is not state.
  std::vector<Entry> current(const OrderTable& orders) const {
    std::vector<Entry> out;
    for (const auto& [slot, e] : by_slot_)
      if (slot < orders.slot_count() && orders.find(e.order) != nullptr) out.push_back(e);
    return out;
  }
  // Loads a snapshot's entries: by slot, each naming the slot's order, each
  // value passing `valid` (else the snapshot is refused with `what`).
  template <typename Valid>
  Status restore(std::vector<Entry> entries, const OrderTable& orders, Valid&& valid, const char* what) {
    by_slot_.clear();
    int64_t previous = -1;
    for (Entry& e : entries) {
      if (e.slot >= orders.slot_count() || int64_t{e.slot} <= previous || orders.id_of(e.slot) != e.order)
        return Status::invalid_argument(cat("snapshot ", what, " names another order or is out of order"));
      previous = e.slot;
      if (Status s = valid(e.value); !s.is_ok()) return s;
      by_slot_.emplace(e.slot, std::move(e));
    }
    return Status::ok();
  }
  // Absent from the hash while no order has an entry (as before T existed).
  void hash_into(Hasher& h, const OrderTable& orders) const {
    const std::vector<Entry> entries = current(orders);
    if (!entries.empty()) h.add(entries);
  }

 private:
  std::map<uint32_t, Entry> by_slot_;
};

}  // namespace tessera::engine
