// HistoryLayer: one in-memory layer of the order history
// (storage/history_store.h) — the writes not yet in a RocksDB file.
//
// Writes are kept in arrival order: applying one is an append. A read
// first indexes the entries added since the last read — the newest record
// entry of each order and the newest list-row entry of each contact (a
// contact's rows chained newest first), in two flat hash maps — so a rush
// of closes with no reads pays no hashing; the file sorts the layer once
// (sorted()). A std::map of string keys cost ~0.7 µs per write and slowed a
// logged release by half on 2 cores; hashing every write, +9 %
// (bench/README.md).
// Thread-safety: none (HistoryStore locks).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/flat_map.h"
#include "engine/ids.h"

namespace tessera::storage {

class HistoryLayer {
 public:
  static constexpr uint32_t kNoEntry = UINT32_MAX;
  struct Entry {
    bool row = false;  // a contact's list row ('C' key), else an order's record ('H' key)
    bool erased = false;
    engine::ContactId contact = engine::kNone;  // rows
    engine::OrderId order = 0;
    uint32_t older_row = kNoEntry;  // rows: the contact's previous row entry
    std::string_view value;         // in the layer's chunks
  };

  // The bytes are copied into the layer's own reused chunks, so the
  // writer's strings are freed at once (kept alive for a whole file they
  // cost the shard thread fresh, cold memory: +15 % on a logged release).
  void put_record(engine::OrderId order, std::string_view value) { add(false, false, engine::kNone, order, value); }
  void erase_record(engine::OrderId order) { add(false, true, engine::kNone, order, {}); }
  void put_row(engine::ContactId contact, engine::OrderId order, std::string_view value) {
    add(true, false, contact, order, value);
  }
  void erase_row(engine::ContactId contact, engine::OrderId order) { add(true, true, contact, order, {}); }
  // The history of every record of `shard` before next_seq is in this
  // layer or below it.
  void mark(uint32_t shard, uint64_t next_seq) {
    marks_[shard] = next_seq;
    bytes_ += 16;
  }

  // The newest entry of order's record in this layer (nullptr: none).
  const Entry* record(engine::OrderId order) {
    index();
    const uint32_t* at = records_.find(order);
    return at ? &entries_[*at] : nullptr;
  }
  // Calls f(entry) for the contact's row entries, newest first (an order
  // may come more than once: its first entry is current).
  template <typename F>
  void rows(engine::ContactId contact, F&& f) {
    index();
    const uint32_t* at = rows_.find(contact);
    for (uint32_t i = at ? *at : kNoEntry; i != kNoEntry; i = entries_[i].older_row) f(entries_[i]);
  }
  const std::map<uint32_t, uint64_t>& marks() const { return marks_; }

  // The entry indexes to store, in key order ('C' rows by contact and
  // order, then 'H' records by order), the newest of each key only.
  std::vector<uint32_t> sorted() const;
  const Entry& entry(uint32_t i) const { return entries_[i]; }

  bool empty() const { return entries_.empty() && marks_.empty(); }
  // Empties the layer, keeping its memory for the next one (no page
  // faults on a fresh vector and hash tables each file).
  void clear() {
    for (std::string& chunk : chunks_) chunk.clear();
    chunk_ = 0;
    entries_.clear();
    indexed_ = 0;
    records_.clear();
    rows_.clear();
    marks_.clear();
    bytes_ = 0;
  }
  size_t bytes() const { return bytes_; }

 private:
  static constexpr size_t kChunkBytes = 1u << 20;
  void add(bool row, bool erased, engine::ContactId contact, engine::OrderId order, std::string_view value);
  std::string_view copy(std::string_view value);
  // Indexes the entries added since the last call.
  void index();

  std::vector<std::string> chunks_;  // reserved, never grown past their capacity
  size_t chunk_ = 0;                 // the chunk being filled
  std::vector<Entry> entries_;
  uint32_t indexed_ = 0;  // entries_[0, indexed_) are in records_ and rows_
  engine::FlatMap<engine::OrderId, uint32_t> records_;
  engine::FlatMap<engine::ContactId, uint32_t> rows_;
  std::map<uint32_t, uint64_t> marks_;
  size_t bytes_ = 0;
};

}  // namespace tessera::storage
