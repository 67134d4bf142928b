// PartitionRunner: the thread that owns one partition — an inventory shard
// (ShardRunner, engine::Shard) or the contact directory (DirectoryRunner,
// directory::ContactDirectory); the loop below is the same for both.
//
// Producers (network sessions, tests, the demo) submit commands into a
// bounded inbox; the shard thread drains it in batches of up to
// kBatchCommandsMax, applies each command at the clock's time, advances the
// timing wheel by one bounded slice of expiries, and hands the batch's
// replies on. Without a log they are delivered at once; with a log every
// state-changing command (and every expiry slice that fired) is encoded into
// the batch, which a LogWriter makes durable before it releases the replies
// — while this thread already applies the next batch. If the log keeps the
// history of closed orders, the records of the orders each batch closes go
// with it, and the queries that need the history are answered by the
// writer once the batch is durable (runtime/log_writer.h). Every
// `snapshot_every_entries` entries (or `snapshot_every_ms`), the shard's
// state is saved into the batch so the log can be truncated.
// When idle the thread sleeps at most one millisecond, so every expiry fires
// within a tick or two of its due time.
//
// An event loop may be attached (runtime/event_loop.h): the thread then also
// serves it — the protocol server's connections — polling it once per turn
// and sleeping in it, so a request that reads, applies and answers on this
// partition never changes threads. Without fsync the batch is written here
// too (LogWriter::write_here), not handed to the writer thread.
//
// A command the runner's own thread submits to itself (a connection's
// handler, a completion's follow-up) is never refused for a full inbox:
// that thread cannot wait for room. It waits in a local overflow, placed
// after everything already queued, so each producer's commands (and the
// catalog broadcasts' order) stay in sequence.
//
// A runner may instead be stepped (start_stepped): no thread of its own and
// none for its log writer; the owner calls turn() to run one turn of the
// same loop on its own thread — the deterministic simulator does (sim/),
// driving every partition of a ShardSet from one thread in an order its
// seed decides. A catalog command then waits at its barrier across turns
// instead of blocking the thread.
//
// Thread-safety: submit() and attach() from any thread (attach() not from a
// handler of the loop); start/stop from the owner; shard() only while the
// runner is stopped (or, stepped, between turns).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "directory/contact_directory.h"
#include "engine/command.h"
#include "engine/shard.h"
#include "runtime/bounded_queue.h"
#include "runtime/catalog_broadcast.h"
#include "runtime/clock.h"
#include "runtime/completion.h"
#include "runtime/event_loop.h"
#include "runtime/log_sink.h"
#include "runtime/log_writer.h"

namespace tessera::runtime {

struct RunnerConfig {
  LogSink* log = nullptr;  // nullptr: no durability (replies at once)
  uint64_t next_seq = 1;   // sequence number of the next log entry (from recovery)
  uint64_t snapshot_every_entries = 2'000'000;
  int64_t snapshot_every_ms = 5 * 60'000;
  uint32_t log_batches_in_flight = 4;
};

struct ShardRunnerStats {
  uint64_t batches = 0;
  uint64_t commands = 0;
  uint64_t batch_size_max = 0;
  uint64_t snapshots = 0;
  uint64_t snapshot_pause_us_last = 0;
  uint64_t snapshot_pause_us_max = 0;
  uint64_t next_seq = 0;
};

// P: engine::Shard or directory::ContactDirectory (apply, prepare, now_ms,
// shard_id, save, stats, keep_history / take_history).
template <typename P>
class PartitionRunner {
 public:
  // A fresh shard. (The two fresh-partition constructors are templates so
  // that the explicit instantiations in shard_runner.cc leave out the one
  // that does not apply: clang 14 instantiates a constrained member anyway.)
  template <class Q = P>
  requires std::is_same_v<Q, engine::Shard> PartitionRunner(uint32_t shard, uint32_t shard_count, const Clock& clock,
                                                            engine::ShardConfig config = {}, RunnerConfig runner = {})
      : PartitionRunner(std::make_unique<engine::Shard>(shard, shard_count, clock.now_ms(), config), clock, runner) {}
  // A fresh contact directory.
  template <class Q = P>
  requires std::is_same_v<Q, directory::ContactDirectory>
  explicit PartitionRunner(const Clock& clock, RunnerConfig runner = {})
      : PartitionRunner(std::make_unique<directory::ContactDirectory>(clock.now_ms()), clock, runner) {}
  // A partition rebuilt by recovery.
  PartitionRunner(std::unique_ptr<P> partition, const Clock& clock, RunnerConfig runner);
  ~PartitionRunner();
  PartitionRunner(const PartitionRunner&) = delete;
  PartitionRunner& operator=(const PartitionRunner&) = delete;

  void start();
  // Starts without a thread (see above): REQUIRES not started; the caller's
  // thread becomes the runner's (its own submissions never find the inbox full).
  void start_stepped();
  // Stepped only: one turn — drain and apply a batch, advance the timers,
  // snapshot if due, write the batch (on this thread) and deliver its
  // replies. Returns how much it did (commands applied, expiries fired, and
  // 1 while a catalog command waits at its barrier or for the other shards'
  // log writers); 0 when idle.
  size_t turn();
  bool stepped() const { return stepped_; }
  // Stops accepting, applies everything already in the inbox, makes it
  // durable, delivers every reply, joins. (Stepped: turns until idle; a
  // catalog command still at its barrier is answered Unavailable.)
  void stop();

  // Queues a command; done->complete() will be called (on the shard thread or
  // its log writer thread). Returns false iff the inbox is full or the runner
  // is not running (the command was not queued and done is not called).
  bool submit(engine::Command&& command, Completion* done);
  // Queues a catalog command that the shard applies only if every shard of
  // `barrier` accepts it (runtime/catalog_broadcast.h); otherwise as submit().
  bool submit_catalog(engine::Command&& command, Completion* done, CatalogBarrier* barrier);

  // Serves `loop` between batches from now on (nullptr: none). Returns once
  // this runner's thread no longer uses the loop attached before.
  void attach(EventLoop* loop);

  bool accepting() const { return accepting_.load(std::memory_order_acquire); }
  // Asks for a snapshot at the end of the next loop (no-op without a log).
  void request_snapshot() { snapshot_requested_.store(true, std::memory_order_release); }
  // True once the command log failed: the shard acknowledges nothing more.
  bool storage_failed() const { return writer_ && writer_->failed(); }
  P& shard() { return *shard_; }
  size_t inbox_depth() const { return inbox_.size_approx() + overflow_size_.load(std::memory_order_relaxed); }
  ShardRunnerStats stats() const;
  // The shard's engine statistics as of the last publication (the shard
  // thread refreshes them about once a second; any thread may read).
  typename P::Stats published_stats() const {
    std::lock_guard<std::mutex> lock(published_mutex_);
    return published_;
  }
  LogWriterStats log_stats() const { return writer_ ? writer_->stats() : LogWriterStats{}; }

 private:
  struct Envelope {
    engine::Command command;
    Completion* done = nullptr;
    CatalogBarrier* barrier = nullptr;  // a catalog command: prepared, then applied by all or none
  };
  struct Turn {
    size_t applied = 0;
    size_t served = 0;  // handlers of the attached loop that ran
    uint32_t fired = 0;
  };
  bool push(Envelope&& e);
  bool next(Envelope& e);
  // The runner's thread only.
  bool idle() const { return inbox_.size_approx() == 0 && overflow_.empty() && !at_barrier_ && !parked(); }
  // Stepped: a catalog batch waits in the log writer for the other shards'.
  bool parked() const { return writer_ && writer_->parked(); }
  void run();
  Turn run_turn();
  size_t drain(LogBatch& batch, int64_t now_ms);
  // Stepped: the catalog command at its barrier, if every shard has arrived
  // (its outcome in *outcome); false while it must wait.
  bool barrier_passed(engine::Reply* outcome);
  void apply_one(LogBatch& batch, Envelope& e, int64_t now_ms);
  void apply_catalog(LogBatch& batch, Envelope& e, int64_t now_ms);
  uint32_t advance(LogBatch& batch, int64_t now_ms);
  void maybe_snapshot(LogBatch& batch, int64_t now_ms);
  void finish(LogBatch& batch);
  void refuse_all(LogBatch& batch);
  void collect_history(LogBatch& batch, const engine::Command& command, const engine::Reply& reply);
  size_t poll_loop();
  void sleep_until_work();
  void publish_stats();

  std::unique_ptr<P> shard_;
  const Clock& clock_;
  RunnerConfig config_;
  std::unique_ptr<LogWriter> writer_;
  bool history_ = false;  // the log keeps the history of closed orders
  LogBatch local_batch_;  // used when there is no log
  BoundedQueue<Envelope> inbox_;
  // Submitted by the runner's own thread when the inbox was full, each with
  // inbox_.pushed() at that moment: it is applied once every command
  // queued before it was. Runner thread only.
  struct Overflow {
    size_t position = 0;
    Envelope envelope;
  };
  std::deque<Overflow> overflow_;
  std::atomic<size_t> overflow_size_{0};  // for inbox_depth()
  std::atomic<std::thread::id> thread_id_{};
  bool stepped_ = false;
  // Stepped: the catalog command prepared and waiting at its barrier.
  std::optional<Envelope> at_barrier_;
  uint64_t next_seq_;
  uint64_t entries_since_snapshot_ = 0;
  int64_t last_snapshot_ms_ = 0;
  std::thread thread_;
  std::atomic<bool> accepting_{false};
  std::atomic<bool> running_{false};
  std::atomic<bool> sleeping_{false};
  std::atomic<uint32_t> submitting_{0};
  std::atomic<bool> snapshot_requested_{false};
  mutable std::mutex published_mutex_;
  typename P::Stats published_;
  std::chrono::steady_clock::time_point published_at_{};
  // The attached loop: written holding both mutexes, read by the runner's
  // thread holding loop_mutex_ (held while it polls or waits in it) and by
  // producers holding wake_mutex_ (to wake it).
  EventLoop* loop_ = nullptr;
  std::mutex loop_mutex_;
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> batches_{0}, commands_{0}, batch_size_max_{0};
  std::atomic<uint64_t> snapshots_{0}, snapshot_pause_us_last_{0}, snapshot_pause_us_max_{0}, next_seq_seen_{0};
};

// True on the thread of a running partition or of its log writer (whose
// connections and completions must not wait for a partition to make room:
// it may be this one, or one that waits for this one at a catalog barrier —
// a shard thread at the prepare, a log writer at the write).
bool on_partition_thread();
void mark_partition_thread();

// Waiting for room in a full inbox: a thread of its own waits as long as it
// takes; a partition's thread gives up after kFullInboxWaitOnPartitionMs
// (the partition it waits for may be waiting for it at a catalog barrier),
// and the caller answers kBusy.
inline constexpr int64_t kFullInboxWaitOnPartitionMs = 100;
class FullInboxWait {
 public:
  // False once the caller should give up.
  bool again() {
    if (on_partition_thread() && std::chrono::steady_clock::now() >= give_up_at_) return false;
    std::this_thread::yield();
    return true;
  }

 private:
  std::chrono::steady_clock::time_point give_up_at_ =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kFullInboxWaitOnPartitionMs);
};

using ShardRunner = PartitionRunner<engine::Shard>;
using DirectoryRunner = PartitionRunner<directory::ContactDirectory>;
extern template class PartitionRunner<engine::Shard>;
extern template class PartitionRunner<directory::ContactDirectory>;

}  // namespace tessera::runtime
