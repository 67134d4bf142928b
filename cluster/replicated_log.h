// ReplicatedLog: the log sink of cluster mode (docs/cluster.md, issue 25).
// Every record goes to its partition's JetStream stream first — the
// durable copy, acknowledged once a quorum of the stream's servers stored
// it — then to the node's own storage::CommandLog without waiting for the
// disk. The local log is a cache of the streams: snapshots, the history of
// closed orders and recovery stay local, and a node whose disk died starts
// on an empty data directory and refills it from the streams.
//
// open() brings the local log of every partition (the inventory shards and
// the contact directory) up to date before recovery: it finds where the
// local log ends in the stream, imports every later record, and decides the
// catalog commands it finds unfinished (their parts are skipped once
// aborted). Then it remembers each stream's last sequence: every append
// names it (JetStreamLog's fencing), so a node that is no longer the only
// writer of a partition is refused and stops acknowledging.
//
// A catalog command (append_parts) writes each partition's part with the
// broadcast's id, then stores the outcome "commit"; the parts count only
// once it is stored. A successor that finds parts without an outcome stores
// "abort" first, and only one of the two is ever stored.
//
// Failure: a refused or unanswered append fails that write as a failed
// RocksDB write does (the log writer acknowledges nothing more; the record
// may still be stored, and a restart's open() finds it).
//
// Thread-safety: as runtime::LogSink. Each partition's expected last
// sequence is touched only by its writer (append_parts: while the other
// partitions' writers wait at the barrier).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "cluster/jetstream_log.h"
#include "cluster/leadership.h"
#include "runtime/log_sink.h"
#include "storage/command_log.h"

namespace tessera::cluster {

// What open() did for one partition.
struct CatchUp {
  uint32_t partition = 0;
  uint64_t local_end = 1;    // the entry after the local log's last, before the import
  uint64_t imported = 0;     // records imported
  uint64_t aborted = 0;      // catalog parts skipped (their command was aborted)
  uint64_t stream_last = 0;  // the stream's last sequence: the next append names it
};

class ReplicatedLog final : public runtime::LogSink {
 public:
  // Connects, creates the streams, and imports into `local` what its log
  // lacks. `local` outlives the sink. REQUIRES no recover() on `local` yet.
  // With `leadership` (it outlives the sink), a partition this node does not
  // lead is refused before anything is sent (kFailedPrecondition).
  static Result<std::unique_ptr<ReplicatedLog>> open(storage::CommandLog& local, const JetStreamOptions& options,
                                                     const Leadership* leadership = nullptr);

  Status append(uint32_t partition, uint64_t first_seq, uint32_t count, std::string_view entries) override;
  Status append_with_history(uint32_t partition, uint64_t first_seq, uint32_t count, std::string_view entries,
                             std::vector<engine::HistoryWrite>* history) override;
  Status append_parts(std::vector<runtime::LogPart>* parts) override;
  // Network round trips: written on the log writer's thread.
  bool syncs() const override { return true; }
  Status snapshot(uint32_t partition, uint64_t next_seq, std::string_view state) override {
    return local_.snapshot(partition, next_seq, state);
  }
  bool keeps_history() const override { return local_.keeps_history(); }
  Status read_history_record(engine::OrderId order, std::string* record) override {
    return local_.read_history_record(order, record);
  }
  Status read_history_of_contact(engine::ContactId contact, std::vector<std::string>* summaries) override {
    return local_.read_history_of_contact(contact, summaries);
  }

  const std::vector<CatchUp>& catch_up() const { return catch_up_; }
  JetStreamLog& jetstream() { return *js_; }

 private:
  ReplicatedLog(storage::CommandLog& local, std::unique_ptr<JetStreamLog> js, const Leadership* leadership);
  size_t slot_of(uint32_t partition) const;
  Status import(uint32_t partition);
  // Appends to the stream after the partition's last record.
  Status replicate(uint32_t partition, uint64_t first_seq, uint32_t count, std::string_view entries,
                   std::string_view broadcast);

  storage::CommandLog& local_;
  std::unique_ptr<JetStreamLog> js_;
  const Leadership* leadership_;       // null: no election (the operator picks the writer)
  std::vector<uint64_t> stream_last_;  // per partition (slot_of)
  std::vector<CatchUp> catch_up_;
};

}  // namespace tessera::cluster
