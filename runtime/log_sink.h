// LogSink: where a shard runner makes its batches durable.
//
// The runtime decides what to log and when to release replies; a sink only
// stores. storage::CommandLog is the RocksDB implementation; tests may use
// the real one in a temporary directory.
// A sink may also keep the history of closed orders (engine/order_history.h):
// append_with_history() takes a batch's history writes over with its entries
// (the sink may store them later, as long as it can rebuild them from the
// entries after a crash), and the read functions answer from every write
// taken over. A sink that
// keeps none says so (keeps_history() false) and is never given any.
// A catalog command is logged on every shard in one append_parts(): each
// shard's record holds it, and a crash, a power loss or a failed write
// leaves either all of them or none (runtime/catalog_broadcast.h).
// Thread-safety: append*() and snapshot() are called concurrently for
// different shards, and in order (one caller thread) for any one shard;
// append_parts() from one of its shards' callers while the others wait for
// it (the barrier orders their calls before and after it); the history
// reads from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "engine/ids.h"
#include "engine/order_history.h"

namespace tessera::runtime {

// One partition's records in an append_parts(): as append_with_history()'s
// arguments.
struct LogPart {
  uint32_t shard = 0;
  uint64_t first_seq = 0;
  uint32_t count = 0;
  std::string entries;
  std::vector<engine::HistoryWrite> history;
};

class LogSink {
 public:
  virtual ~LogSink() = default;
  // Stores `count` encoded entries (see runtime/log_entry.h) of `shard`
  // numbered first_seq... Returns OK iff they are durable per the sink's mode.
  virtual Status append(uint32_t shard, uint64_t first_seq, uint32_t count, std::string_view entries) = 0;
  // True iff append() waits for the disk (fsync): the runner then leaves
  // the write to its log writer's thread, so that applying the next batch
  // overlaps it; a sink that does not is written on the shard's thread.
  virtual bool syncs() const { return true; }
  // Stores a snapshot of `shard` covering every entry before next_seq, and
  // drops the entries (and snapshots) it makes unnecessary.
  virtual Status snapshot(uint32_t shard, uint64_t next_seq, std::string_view state) = 0;

  // The history of closed orders. A sink without one refuses history writes.
  virtual bool keeps_history() const { return false; }
  // As append(), then takes *history over (in order, leaving it empty).
  virtual Status append_with_history(uint32_t shard, uint64_t first_seq, uint32_t count, std::string_view entries,
                                     std::vector<engine::HistoryWrite>* history) {
    if (!history->empty()) return Status::internal("this log sink keeps no order history");
    return append(shard, first_seq, count, entries);
  }
  // Stores every part as append_with_history() would, all or none: after a
  // crash, a power loss or a failure recovery finds every part or no part.
  // Takes each part's history over.
  virtual Status append_parts(std::vector<LogPart>* parts) = 0;
  // The stored record of `order` into *record (empty: none).
  virtual Status read_history_record(engine::OrderId order, std::string* record) {
    (void)order;
    record->clear();
    return Status();
  }
  // The stored list rows of the closed orders of `contact` (every shard's).
  virtual Status read_history_of_contact(engine::ContactId contact, std::vector<std::string>* summaries) {
    (void)contact;
    summaries->clear();
    return Status();
  }
};

}  // namespace tessera::runtime
