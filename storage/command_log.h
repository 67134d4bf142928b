// CommandLog: the durable command log of every shard, in one embedded
// RocksDB database (default ./data).
//
// Each drained shard batch is one RocksDB WriteBatch holding one record:
//   key   'L' | shard u32 BE | first_seq u64 BE
//   value magic u32 | version u32 | shard u32 | first_seq u64 | count u32 |
//         crc32c u32 (of the entries) | entries (runtime/log_entry.h)
// `sync` durability fsyncs the WAL per batch (group commit: one fsync for the
// whole batch, and RocksDB merges concurrent shards' writes); `async` writes
// without fsync. (`none` keeps no log at all and never opens this class.)
//
// A snapshot of a shard is written in chunks with a manifest in one
// WriteBatch that also deletes the snapshots it supersedes. Log records are
// kept (docs/format.md): recovery is "latest snapshot + the records after
// it", and if this build cannot read the latest snapshot's format, "base +
// every record" — the base being the empty shard at seq 1, or for a
// directory upgraded from log format v1 the v3 snapshot it had then (kept
// under its own manifest, since v1 deleted the records before it).
//
// Damage: a record failing its checksum at the very tail of a shard's log (a
// write torn by a crash, never acknowledged) is dropped with a warning; a bad
// record anywhere before the tail, a gap in sequence numbers or a replay whose
// replies differ from the recorded ones stop recovery with an error naming
// the shard and sequence. A data directory written by another format version
// or for another shard count is refused; a log format v1 directory is
// upgraded in place on open (its marker rewritten, nothing else).
//
// The history of closed orders (engine/order_history.h) lives in the same
// database, in its own column family, written behind the log by a
// HistoryStore (storage/history_store.h): an append hands its batch's
// history writes over, a snapshot first stores all of them, and recovery
// rebuilds those after the history's watermark by the replay. With
// keep_history off none is written or read. A directory written before the
// column family existed has its history moved there on open.
//
// Thread-safety: append()/snapshot() may run concurrently for different
// shards (RocksDB serialises writes); recover() before any append.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "directory/contact_directory.h"
#include "engine/shard.h"
#include "runtime/log_entry.h"
#include "runtime/log_sink.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Env;
}  // namespace rocksdb

namespace tessera::storage {

class HistoryStore;
// The longest a closed order's record waits in memory for its history file.
inline constexpr int64_t kHistoryFileAgeMaxMs = 5'000;

enum class Durability : uint8_t { kSync, kAsync, kNone };
Result<Durability> parse_durability(std::string_view name);
std::string_view durability_name(Durability d);

// Log format v2: entries in codec v4 (evolvable). v1 (codec v3) records and
// data directories are still read; docs/format.md.
inline constexpr uint32_t kLogFormatVersion = 2;
inline constexpr uint32_t kLogFormatVersionV1 = 1;

struct LogOptions {
  std::string dir = "./data";
  Durability durability = Durability::kSync;  // kSync or kAsync
  uint32_t shards = 1;
  bool keep_history = true;  // the history of closed orders
  // The longest a closed order's record waits in memory for its file
  // (storage/history_store.h); tests lengthen it to crash in between.
  int64_t history_file_age_ms = kHistoryFileAgeMaxMs;
  // The RocksDB environment (nullptr: the default one). Tests pass one
  // whose file system loses unsynced data at a simulated power loss.
  rocksdb::Env* env = nullptr;
};

// A partition rebuilt by recovery: an inventory shard or the contact
// directory (partition id directory::kContactDirectoryPartition).
template <typename P>
struct Recovered {
  std::unique_ptr<P> shard;        // the partition
  uint64_t next_seq = 1;           // sequence number of the next entry
  uint64_t snapshot_next_seq = 0;  // 0 = recovered without a snapshot
  uint64_t entries_replayed = 0;
  bool dropped_torn_tail = false;
};
using RecoveredShard = Recovered<engine::Shard>;
using RecoveredDirectory = Recovered<directory::ContactDirectory>;

struct LogStats {
  uint64_t batches = 0;
  uint64_t bytes = 0;
  uint64_t snapshots = 0;
};

class CommandLog final : public runtime::LogSink {
 public:
  // Opens (creating if needed) the database in options.dir. Refuses a
  // directory written with another format version or shard count.
  static Result<std::unique_ptr<CommandLog>> open(const LogOptions& options);
  ~CommandLog() override;
  CommandLog(const CommandLog&) = delete;
  CommandLog& operator=(const CommandLog&) = delete;

  // REQUIRES shard < options().shards, count > 0, and (once recover() ran
  // for the shard) first_seq continuing the shard's log: a gap would make
  // the next recovery refuse the directory, so it stops the process
  // (TESSERA_CHECK, release builds too) before anything is acknowledged.
  Status append(uint32_t shard, uint64_t first_seq, uint32_t count, std::string_view entries) override;
  // REQUIRES next_seq <= the shard's next sequence number (once known).
  Status snapshot(uint32_t shard, uint64_t next_seq, std::string_view state) override;

  bool syncs() const override { return options_.durability == Durability::kSync; }
  bool keeps_history() const override { return options_.keep_history; }
  // Files the history store has written, and storing now what it still
  // holds in memory (tests, benchmarks; a clean stop does it too).
  uint64_t history_files() const;
  Status store_history();
  // REQUIRES keeps_history() or history empty; as append(), then hands
  // *history over to the history store (leaving it empty).
  Status append_with_history(uint32_t shard, uint64_t first_seq, uint32_t count, std::string_view entries,
                             std::vector<engine::HistoryWrite>* history) override;
  // As append_with_history() for each part, in one RocksDB write batch.
  Status append_parts(std::vector<runtime::LogPart>* parts) override;
  Status read_history_record(engine::OrderId order, std::string* record) override;
  Status read_history_of_contact(engine::ContactId contact, std::vector<std::string>* summaries) override;

  // Cluster mode (cluster/replicated_log.h) brings a node's log up to date
  // from the replicated one before recover():
  // The sequence number after the partition's last intact record (1: no
  // record), or after its snapshot if that is later. Deletes a torn last
  // record, as recovery would. REQUIRES recover() not run for it yet.
  Result<uint64_t> log_end(uint32_t partition);
  // Stores one record as append() would, without waiting for the disk and
  // without history (recovery rebuilds it by the replay: the watermark is
  // never past the log's end). REQUIRES recover() not run for the
  // partition yet and first_seq == log_end() or the end of the last import.
  Status import_record(uint32_t partition, uint64_t first_seq, uint32_t count, std::string_view entries);

  // Sees every entry replayed by recover(), in order (tests, tools).
  class EntryObserver {
   public:
    virtual ~EntryObserver() = default;
    virtual void on_entry(uint64_t seq, const runtime::LogEntry& entry) = 0;
  };

  // Rebuilds one shard from its latest snapshot and every later record.
  // REQUIRES no append() for this shard yet. Logs its warnings to stderr.
  Result<RecoveredShard> recover(uint32_t shard, EntryObserver* observer = nullptr);
  // The same for the contact directory (empty in a directory written
  // before it existed).
  Result<RecoveredDirectory> recover_directory(EntryObserver* observer = nullptr);

  const LogOptions& options() const { return options_; }
  LogStats stats() const;

 private:
  CommandLog(LogOptions options, rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> families);
  Status check_format();
  Status move_history_to_its_family();
  // A record's value; checks that it continues the partition's log.
  std::string record_value(uint32_t shard, uint64_t first_seq, uint32_t count, std::string_view entries,
                           bool handing_over) const;
  // After a record was written: the partition's next seq, the counters,
  // and its history handed over.
  void appended(uint32_t shard, uint64_t first_seq, uint32_t count, size_t bytes,
                std::vector<engine::HistoryWrite>* history);
  // True iff `partition` is a shard of this directory or the contact directory.
  bool valid_partition(uint32_t partition) const;
  // The partition's slot in next_seq_ (the contact directory's is the last).
  size_t slot_of(uint32_t partition) const;
  template <typename P>
  Result<Recovered<P>> recover_partition(uint32_t partition, std::unique_ptr<P> fresh, EntryObserver* observer);
  template <typename P>
  Status load_snapshot(uint32_t shard, Recovered<P>* out);
  template <typename P>
  Status load_snapshot_at(uint32_t shard, const std::string& manifest_key, Recovered<P>* out);
  template <typename P>
  // Hands the history of the records from seq history_from on over.
  Status replay_records(uint32_t shard, uint64_t history_from, Recovered<P>* out, EntryObserver* observer);
  template <typename P>
  Status replay_entries(uint32_t shard, uint64_t first_seq, uint32_t count, uint32_t codec_version,
                        std::string_view entries, uint64_t from_seq, P& into, EntryObserver* observer);

  LogOptions options_;
  rocksdb::DB* db_;
  std::vector<rocksdb::ColumnFamilyHandle*> families_;  // default, history
  std::unique_ptr<HistoryStore> history_;               // with keep_history
  // Per partition (slot_of): the sequence number the next append must start
  // at (0 = unknown: recover() not run). Each element is touched only by its
  // partition's thread.
  std::vector<uint64_t> next_seq_;
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> snapshots_{0};
  std::atomic<bool> write_failed_{false};  // an append or snapshot failed: no SyncWAL at close
};

}  // namespace tessera::storage
