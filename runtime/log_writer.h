// LogWriter: the thread that makes one shard's batches durable and then
// releases their replies.
//
// The shard thread fills a LogBatch (encoded entries + the replies it owes),
// submits it and goes on applying the next batch while this thread writes
// the previous one: group commit with the apply of batch N+1 overlapping
// the fsync of batch N. The batches that queue meanwhile are written
// together, in one append (one fsync), so a reply waits for at most two
// fsyncs: the one in progress and its own. Replies leave strictly in batch order and only after
// their batch is durable. A bounded pool of `depth` batches is the
// backpressure: when all are in flight, acquire() waits.
//
// Reads of the history of closed orders (a GetOrderRecord the shard did not
// find in memory, a ListOrders of a contact) are answered here, once the
// batch is durable: this thread's reads follow every history write of the
// earlier batches, so they never miss an order closed before the query,
// and the shard thread never waits for the disk.
//
// A sink that does not sync (`async` durability) is written on the shard
// thread instead (write_here) while nothing is queued here: the append is a
// copy into RocksDB's memtable and the page cache, cheaper than the thread
// hand-off it replaces. Snapshots and history reads still come here.
//
// A batch that holds a catalog command (`catalog`) is written on its own,
// after every earlier batch: the writer hands its records to the command's
// barrier, which stores every shard's in one write, and waits for it
// (runtime/catalog_broadcast.h); started inline, the batch is parked
// instead until the last shard's writer has written (resume_parked()).
//
// If the sink fails, the writer stops acknowledging: that batch's replies
// and every later one become kUnavailable, and failed() turns true so the
// runner stops applying commands. Nothing acknowledged is ever lost.
// Thread-safety: acquire/submit from the shard thread only; failed() and
// stats() from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"
#include "engine/command.h"
#include "engine/contact_activity.h"
#include "engine/order_history.h"
#include "runtime/catalog_broadcast.h"
#include "runtime/completion.h"
#include "runtime/log_sink.h"

namespace tessera::runtime {

// A query of the batch that the writer completes from the order history.
struct HistoryRead {
  uint32_t reply = 0;  // index in LogBatch::replies
  engine::Caller who;
  engine::OrderId order = 0;  // GetOrderRecord of this order; 0: `list`, or `activity` when set
  engine::ListOrders list;
  std::optional<engine::GetContactActivity> activity;  // engine/contact_activity.h
  std::vector<engine::OrderId> in_memory;              // orders the memory answered for
  engine::ActivityContext activity_context;            // with `activity` (its in_memory is `in_memory`)
};

struct LogBatch {
  uint64_t first_seq = 0;
  uint32_t count = 0;   // entries in `entries`
  std::string entries;  // runtime/log_entry.h encoding
  std::vector<Completion*> done;
  std::vector<engine::Reply> replies;
  bool has_snapshot = false;
  uint64_t snapshot_next_seq = 0;
  std::string snapshot_state;
  std::vector<engine::HistoryWrite> history;  // in command order, written with the entries
  std::vector<HistoryRead> history_reads;
  // The batch holds a catalog command applied on every shard (the last
  // command drained into it; an expiry slice may follow): its records are
  // written with every shard's, in one write.
  CatalogBarrier* catalog = nullptr;

  bool empty() const { return count == 0 && done.empty() && !has_snapshot; }
  void clear() {
    count = 0;
    entries.clear();
    done.clear();
    replies.clear();
    has_snapshot = false;
    snapshot_state.clear();
    history.clear();
    history_reads.clear();
    catalog = nullptr;
  }
};

struct LogWriterStats {
  uint64_t appends = 0;
  uint64_t append_us_total = 0;
  uint64_t append_us_max = 0;
  uint64_t snapshots = 0;
};

class LogWriter {
 public:
  LogWriter(uint32_t shard, LogSink& sink, uint32_t depth = 4);
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  void start();
  // No thread: every batch is written on the caller's thread by
  // write_here() (a stepped runner: runtime/shard_runner.h).
  void start_inline() { inline_ = true; }
  // Writes and completes everything submitted, then joins.
  void stop();

  LogBatch* acquire();
  void submit(LogBatch* batch);
  // Writes `batch` on the calling thread, completes its replies and gives it
  // back — iff the sink does not sync, the batch has no snapshot and no
  // history read, and nothing submitted is still being written (replies
  // leave in batch order) — or always when started inline. Returns false
  // otherwise: submit() it.
  bool write_here(LogBatch* batch);
  // Gives back an unused batch (nothing to write or reply).
  void release(LogBatch* batch);
  // Started inline: a catalog batch waits for the other shards' writers
  // (nothing else may be written meanwhile). resume_parked() completes it
  // once they have and returns true; false while it still waits.
  bool parked() const { return parked_ != nullptr; }
  bool resume_parked();

  bool failed() const { return failed_.load(std::memory_order_acquire); }
  Status failure() const;
  LogWriterStats stats() const;

 private:
  void run();
  void write_group(const std::vector<LogBatch*>& group);
  // Batches with no catalog command, in one append.
  void write_run(std::vector<LogBatch*>::const_iterator begin, std::vector<LogBatch*>::const_iterator end);
  void write(LogBatch& b);
  // A catalog batch: hands its records to the barrier, then (wait) waits
  // for the write and completes the batch, or (!wait) parks it unless the
  // write is done already. Returns true iff the batch is complete.
  bool write_catalog(LogBatch& b, bool wait);
  Status append(uint64_t first_seq, uint32_t count, std::string_view entries,
                std::vector<engine::HistoryWrite>* history);
  void finish(LogBatch& b, Status appended);
  void answer_history_reads(LogBatch& b);
  engine::Reply complete_activity(engine::Reply reply, const HistoryRead& read);

  uint32_t shard_;
  LogSink& sink_;
  std::vector<std::unique_ptr<LogBatch>> pool_;
  std::vector<LogBatch*> free_;
  std::deque<LogBatch*> queue_;
  std::string group_entries_;                        // write_group's (this thread's)
  std::vector<engine::HistoryWrite> group_history_;  // write_group's
  mutable std::mutex mutex_;
  std::condition_variable queued_;
  std::condition_variable freed_;
  bool stopping_ = false;
  bool writing_ = false;        // this thread holds a batch taken from queue_
  bool inline_ = false;         // start_inline(): no thread
  LogBatch* parked_ = nullptr;  // inline: the catalog batch waiting for the other shards' writers
  std::thread thread_;
  std::atomic<bool> failed_{false};
  Status failure_;
  std::atomic<uint64_t> appends_{0}, append_us_total_{0}, append_us_max_{0}, snapshots_{0};
};

}  // namespace tessera::runtime
