// HistoryStore: the history of closed orders (engine/order_history.h),
// written behind the command log.
//
// A log append only hands its batch's history writes over (moved, no copy);
// they are applied in command order to an in-memory layer that reads see at
// once, and a background thread writes that layer to RocksDB's "history"
// column family as one sorted SST file ingested atomically (no memtable, no
// WAL: per-order memtable inserts cost 1.5-6 µs each and tripled the cost of
// a logged release, bench/README.md). In the column family:
//   key 'H' | order u64 BE                 -> encode(OrderRecord)
//   key 'C' | contact u32 BE | order u64 BE -> encode(OrderSummary) (its list row)
//   key 'W' | shard u32 BE                 -> next_seq u64 BE (the watermark)
// Every file carries the watermark of each shard it covers: the history of
// every record of that shard before next_seq is stored, and of none after.
// Nothing is lost in a crash: the command log holds the records after the
// watermark, and recovery replays them (CommandLog::recover), rebuilding the
// same writes and handing them over again. A snapshot at seq S first stores
// everything handed over and moves the watermark to S (flush), so recovery,
// which replays from the snapshot, always starts at or before the watermark.
//
// Reads (by order, by contact) see the in-memory layers over the column
// family, so a close is readable as soon as its batch is durable.
// Back-pressure: a writer handing over more than kPendingBytesMax while the
// background thread is behind waits for it.
//
// Thread-safety: every member is safe to call from any thread; the writes of
// one shard must be handed over in log order (one caller per shard).
#pragma once

#include <rocksdb/options.h>
#include <rocksdb/status.h>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "engine/order_history.h"
#include "storage/history_layer.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
}  // namespace rocksdb

namespace tessera::storage {

class HistoryStore {
 public:
  static constexpr char kColumnFamily[] = "history";
  // In-memory bytes that start a file (or, if fewer, file_age_max_ms after
  // the oldest write: 5 s by default, LogOptions::history_file_age_ms).
  static constexpr size_t kFileBytes = 32u << 20;
  // Handed-over bytes not yet applied beyond which a writer waits, and
  // that wake the background thread (else it looks every 100 ms).
  static constexpr size_t kPendingBytesMax = 64u << 20;
  static constexpr size_t kWakeBytes = 4u << 20;

  // `scratch_dir` (the data directory) holds each file while it is built.
  // `options` are the column family's. sync_log_first: the log's appends
  // are not synced (async durability), so each file syncs the WAL first.
  HistoryStore(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, rocksdb::Options options, std::string scratch_dir,
               int64_t file_age_max_ms, bool sync_log_first);
  // Stores what is still in memory, then stops the background thread.
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // The log of `shard` holds every record before next_seq, and `writes`
  // (moved out; may be empty) are the history writes of the records since
  // the last hand-over.
  void hand_over(uint32_t shard, uint64_t next_seq, std::vector<engine::HistoryWrite>* writes);
  // Stores everything handed over, with `shard`'s watermark at least
  // next_seq; returns once it is in RocksDB (before a snapshot at next_seq).
  Status flush(uint32_t shard, uint64_t next_seq);
  // Stores everything handed over (a clean stop does it too).
  Status store_all() { return store_once(2); }
  // Recovery found the log of `shard` ending at next_seq, before its
  // watermark (records lost with an unsynced tail): the watermark goes back.
  void lower_watermark(uint32_t shard, uint64_t next_seq);
  // The stored watermark of `shard` (0: nothing stored).
  Result<uint64_t> watermark(uint32_t shard);

  Status read_record(engine::OrderId order, std::string* record);
  Status read_contact(engine::ContactId contact, std::vector<std::string>* summaries);

  // Files written and the first background failure (ok if none).
  uint64_t files_written() const;
  Status failure() const;

 private:
  using Layer = HistoryLayer;
  struct Handed {
    uint32_t shard;
    uint64_t next_seq;
    std::vector<engine::HistoryWrite> writes;
  };

  void run();
  // Applies what was handed over to active_. REQUIRES layers_mutex_ held.
  void apply_handed();
  void apply(uint32_t shard, const engine::HistoryWrite& w);
  // The current record of `order` over every layer (false: none).
  bool view_record(engine::OrderId order, std::string* value);
  // The current list rows of `contact` whose order is on `shard` (every
  // shard if shard == UINT32_MAX), over every layer, by order id.
  std::map<engine::OrderId, std::string> view_rows(engine::ContactId contact, uint32_t shard);
  // A read of the column family failed: the first such failure is kept.
  void note(const rocksdb::Status& s);
  // Moves active_ to frozen_ (unless a failed file is still there) and
  // stores frozen_ as one ingested file, at most files_max times (2: all
  // handed over before the call). Serialised by file_mutex_.
  Status store_once(int files_max);
  Status write_file(const Layer& layer);

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  rocksdb::Options options_;
  std::string scratch_path_;
  int64_t file_age_max_ms_;
  bool sync_log_first_;

  mutable std::mutex handed_mutex_;
  std::condition_variable handed_cv_;  // the thread: work or stop
  std::condition_variable room_cv_;    // writers: room below kPendingBytesMax
  std::vector<Handed> handed_;
  size_t handed_bytes_ = 0;
  bool stopping_ = false;

  mutable std::mutex layers_mutex_;
  Layer active_;                 // applied, newest
  Layer frozen_;                 // being written to a file (or its write failed)
  Layer spare_;                  // the last file's layer, emptied for reuse (under file_mutex_ only)
  int64_t active_since_ms_ = 0;  // steady clock ms of active_'s first entry
  Status failure_;
  uint64_t files_ = 0;

  std::mutex file_mutex_;
  std::thread thread_;
};

}  // namespace tessera::storage
