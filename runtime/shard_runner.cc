// ShardRunner loop: drain a batch, apply, advance timers, snapshot now and
// then, hand the batch to the log writer (or reply at once), sleep.
#include "runtime/shard_runner.h"

#include <algorithm>
#include <cassert>
#include <chrono>

#include "engine/limits.h"
#include "runtime/log_entry.h"

namespace tessera::runtime {

namespace {
thread_local bool t_partition_thread = false;
}  // namespace

bool on_partition_thread() { return t_partition_thread; }
void mark_partition_thread() { t_partition_thread = true; }

using engine::kBatchCommandsMax;
using engine::kExpiriesPerSliceMax;
using engine::kInboxCapacity;

template <typename P>
PartitionRunner<P>::PartitionRunner(std::unique_ptr<P> shard, const Clock& clock, RunnerConfig runner)
    : shard_(std::move(shard)), clock_(clock), config_(runner), inbox_(kInboxCapacity), next_seq_(runner.next_seq) {
  assert(shard_);
  if (config_.log)
    writer_ = std::make_unique<LogWriter>(shard_->shard_id(), *config_.log, config_.log_batches_in_flight);
  history_ = config_.log && config_.log->keeps_history();
  shard_->keep_history(history_);
  // A server's shards take orders only for contacts the directory created
  // (rules 3); log recovery sets the same before it replays.
  if constexpr (std::is_same_v<P, engine::Shard>) shard_->require_known_contacts(true);
  local_batch_.done.reserve(kBatchCommandsMax);
  local_batch_.replies.reserve(kBatchCommandsMax);
  last_snapshot_ms_ = clock_.now_ms();
}

template <typename P>
PartitionRunner<P>::~PartitionRunner() {
  stop();
}

template <typename P>
void PartitionRunner<P>::start() {
  assert(!running_.load());
  if (writer_) writer_->start();
  running_.store(true);
  accepting_.store(true);
  thread_ = std::thread([this] { run(); });
}

template <typename P>
void PartitionRunner<P>::start_stepped() {
  assert(!running_.load());
  if (writer_) writer_->start_inline();
  stepped_ = true;
  thread_id_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  running_.store(true);
  accepting_.store(true);
}

template <typename P>
size_t PartitionRunner<P>::turn() {
  assert(stepped_);
  const Turn t = run_turn();
  return t.applied + t.fired + (at_barrier_ || parked() ? 1 : 0);
}

template <typename P>
void PartitionRunner<P>::stop() {
  if (stepped_) {
    if (!running_.load()) return;
    accepting_.store(false);
    while (run_turn().applied > 0 || !idle()) {
      if (at_barrier_ && !at_barrier_->barrier->arrived_all()) {
        // A shard that has not arrived yet (stopped first; ShardSet turns
        // every runner until idle before it stops one, so not there): this
        // shard withdraws, so that none applies it.
        engine::Reply refusal =
            engine::refuse(engine::ReplyCode::kUnavailable, "shard stopping: catalog command not applied");
        at_barrier_->barrier->withdraw(refusal);
        at_barrier_->done->complete(std::move(refusal));
        at_barrier_.reset();
      }
    }
    running_.store(false);
    return;
  }
  if (!thread_.joinable()) return;
  accepting_.store(false, std::memory_order_seq_cst);
  // A submit() that saw accepting_ == true finishes its push before we let
  // the loop exit, so every queued command is applied and completed.
  while (submitting_.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
  running_.store(false);
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    wake_.notify_one();
  }
  thread_.join();
  if (writer_) writer_->stop();
}

template <typename P>
bool PartitionRunner<P>::submit(engine::Command&& command, Completion* done) {
  Envelope e{std::move(command), done, nullptr};
  if (push(std::move(e))) return true;
  command = std::move(e.command);  // give the command back to the caller
  return false;
}

template <typename P>
bool PartitionRunner<P>::submit_catalog(engine::Command&& command, Completion* done, CatalogBarrier* barrier) {
  assert(barrier);
  Envelope e{std::move(command), done, barrier};
  if (push(std::move(e))) return true;
  command = std::move(e.command);
  return false;
}

template <typename P>
bool PartitionRunner<P>::push(Envelope&& e) {
  assert(e.done);
  submitting_.fetch_add(1, std::memory_order_seq_cst);
  if (!accepting_.load(std::memory_order_seq_cst)) {
    submitting_.fetch_sub(1, std::memory_order_seq_cst);
    return false;
  }
  bool queued = inbox_.try_push(e);
  if (!queued && std::this_thread::get_id() == thread_id_.load(std::memory_order_relaxed)) {
    overflow_.push_back(Overflow{inbox_.pushed(), std::move(e)});
    overflow_size_.store(overflow_.size(), std::memory_order_relaxed);
    queued = true;
  }
  submitting_.fetch_sub(1, std::memory_order_seq_cst);
  if (!queued) return false;
  if (sleeping_.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    if (loop_) {
      loop_->wake();
    } else {
      wake_.notify_one();
    }
  }
  return true;
}

template <typename P>
void PartitionRunner<P>::attach(EventLoop* loop) {
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    if (loop_) loop_->wake();  // out of its wait, so that the thread lets go of loop_mutex_
  }
  std::lock_guard<std::mutex> loop_lock(loop_mutex_);
  std::lock_guard<std::mutex> lock(wake_mutex_);
  loop_ = loop;
}

// The next command in submission order: the inbox's, or an overflow one
// once everything queued before it was taken.
template <typename P>
bool PartitionRunner<P>::next(Envelope& e) {
  // An overflow command goes once the inbox has passed its place (or is empty).
  const bool overflow_due = !overflow_.empty() && inbox_.popped() >= overflow_.front().position;
  if (!overflow_due && inbox_.try_pop(e)) return true;
  if (overflow_.empty()) return false;
  e = std::move(overflow_.front().envelope);
  overflow_.pop_front();
  overflow_size_.store(overflow_.size(), std::memory_order_relaxed);
  return true;
}

template <typename P>
void PartitionRunner<P>::run() {
  mark_partition_thread();
  thread_id_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  for (;;) {
    const bool running = running_.load(std::memory_order_acquire);
    const Turn t = run_turn();
    if (!running && t.applied == 0 && idle()) return;
    if (t.applied == 0 && t.served == 0 && t.fired < kExpiriesPerSliceMax) sleep_until_work();
  }
}

template <typename P>
typename PartitionRunner<P>::Turn PartitionRunner<P>::run_turn() {
  Turn t;
  // Stepped: a catalog batch waits for the other shards' log writers, and
  // nothing after it may be written first. Its replies, once it is
  // written, count as work (their completions may queue more).
  const bool resumed = parked() && writer_->resume_parked();
  if (parked()) return t;
  t.served = poll_loop();  // connections first: their commands join this batch
  // Engine time never goes back, even if the wall clock does.
  const int64_t now = std::max(clock_.now_ms(), shard_->now_ms());
  LogBatch& batch = writer_ ? *writer_->acquire() : local_batch_;
  batch.first_seq = next_seq_;
  if (storage_failed()) {
    refuse_all(batch);
  } else {
    t.applied = drain(batch, now);
    t.fired = advance(batch, now);
    maybe_snapshot(batch, now);
  }
  finish(batch);
  publish_stats();
  if (resumed) ++t.applied;
  return t;
}

template <typename P>
bool PartitionRunner<P>::barrier_passed(engine::Reply* outcome) {
  if (!at_barrier_->barrier->arrived_all()) return false;
  *outcome = at_barrier_->barrier->take_outcome(writer_ != nullptr);
  return true;
}

template <typename P>
size_t PartitionRunner<P>::drain(LogBatch& batch, int64_t now_ms) {
  Envelope e;
  size_t n = 0;
  if (at_barrier_) {  // stepped: the catalog command that waited for the other shards
    engine::Reply outcome;
    if (!barrier_passed(&outcome)) return 0;
    e = std::move(*at_barrier_);
    at_barrier_.reset();
    ++n;
    if (outcome.ok()) {
      apply_catalog(batch, e, now_ms);
    } else {
      batch.done.push_back(e.done);
      batch.replies.push_back(std::move(outcome));
    }
  }
  while (n < kBatchCommandsMax && !batch.catalog && next(e)) {
    ++n;
    if (!e.barrier) {
      apply_one(batch, e, now_ms);
      continue;
    }
    if (stepped_) {  // arrive now, apply in a later turn once every shard has
      e.barrier->arrive_prepared(shard_->prepare(e.command));
      at_barrier_ = std::move(e);
      --n;
      break;
    }
    engine::Reply outcome = e.barrier->arrive_and_wait(shard_->prepare(e.command), writer_ != nullptr);
    if (outcome.ok()) {
      apply_catalog(batch, e, now_ms);  // ends the batch
    } else {                            // some shard refused: none applies it
      batch.done.push_back(e.done);
      batch.replies.push_back(std::move(outcome));
    }
  }
  if (n > 0) {
    batches_.fetch_add(1, std::memory_order_relaxed);
    commands_.fetch_add(n, std::memory_order_relaxed);
    if (n > batch_size_max_.load(std::memory_order_relaxed)) batch_size_max_.store(n, std::memory_order_relaxed);
  }
  return n;
}

template <typename P>
void PartitionRunner<P>::apply_one(LogBatch& batch, Envelope& e, int64_t now_ms) {
  engine::Reply reply = shard_->apply(e.command, now_ms);
  if (history_) collect_history(batch, e.command, reply);
  if (writer_ && !engine::is_query(e.command.body)) {
    append_entry(&batch.entries, shard_->now_ms(), e.command, reply);
    ++batch.count;
  }
  batch.done.push_back(e.done);
  batch.replies.push_back(std::move(reply));
}

// A catalog command every shard accepted. With a log it ends the batch,
// which its writer stores with every shard's (runtime/catalog_broadcast.h).
template <typename P>
void PartitionRunner<P>::apply_catalog(LogBatch& batch, Envelope& e, int64_t now_ms) {
  apply_one(batch, e, now_ms);
  if (writer_) batch.catalog = e.barrier;
}

// One slice of expiries, applied as a command so replay repeats it exactly.
template <typename P>
uint32_t PartitionRunner<P>::advance(LogBatch& batch, int64_t now_ms) {
  const engine::Command tick{0, engine::Advance{kExpiriesPerSliceMax}};
  const engine::Reply reply = shard_->apply(tick, now_ms);
  assert(reply.ok());
  if (history_) shard_->take_history(&batch.history);
  if (writer_ && reply.value > 0) {
    append_entry(&batch.entries, shard_->now_ms(), tick, reply);
    ++batch.count;
  }
  return static_cast<uint32_t>(reply.value);
}

template <typename P>
void PartitionRunner<P>::maybe_snapshot(LogBatch& batch, int64_t now_ms) {
  next_seq_ += batch.count;
  entries_since_snapshot_ += batch.count;
  next_seq_seen_.store(next_seq_, std::memory_order_relaxed);
  if (!writer_) return;
  const bool requested = snapshot_requested_.exchange(false, std::memory_order_acq_rel);
  if (!requested && (entries_since_snapshot_ == 0 || (entries_since_snapshot_ < config_.snapshot_every_entries &&
                                                      now_ms - last_snapshot_ms_ < config_.snapshot_every_ms)))
    return;
  const auto start = std::chrono::steady_clock::now();
  shard_->save(&batch.snapshot_state);
  const uint64_t us = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
  batch.has_snapshot = true;
  batch.snapshot_next_seq = next_seq_;
  entries_since_snapshot_ = 0;
  last_snapshot_ms_ = now_ms;
  snapshots_.fetch_add(1, std::memory_order_relaxed);
  snapshot_pause_us_last_.store(us, std::memory_order_relaxed);
  if (us > snapshot_pause_us_max_.load(std::memory_order_relaxed))
    snapshot_pause_us_max_.store(us, std::memory_order_relaxed);
}

template <typename P>
void PartitionRunner<P>::finish(LogBatch& batch) {
  if (writer_) {
    if (batch.empty()) {
      writer_->release(&batch);
    } else if (!writer_->write_here(&batch)) {
      writer_->submit(&batch);
    }
    return;
  }
  for (size_t i = 0; i < batch.done.size(); ++i) batch.done[i]->complete(std::move(batch.replies[i]));
  batch.clear();
}

// After a storage failure nothing is applied: every command is answered
// Unavailable, so no state the log does not hold is ever acknowledged.
template <typename P>
void PartitionRunner<P>::refuse_all(LogBatch& batch) {
  const engine::Reply refusal = engine::refuse(engine::ReplyCode::kUnavailable,
                                               "storage failure: this shard acknowledges nothing until restarted");
  engine::Reply outcome;
  if (at_barrier_) {  // stepped: arrived before the failure; answer it once the others have
    if (!barrier_passed(&outcome)) return;
    // The others applied it: their writers learn that this shard logs nothing.
    if (outcome.ok() && writer_) at_barrier_->barrier->log_absent(*config_.log);
    batch.done.push_back(at_barrier_->done);
    batch.replies.push_back(refusal);
    at_barrier_.reset();
  }
  Envelope e;
  for (size_t n = 0; n < kBatchCommandsMax && next(e); ++n) {
    if (e.barrier) e.barrier->arrive_absent(refusal);  // the other shards apply nothing either
    batch.done.push_back(e.done);
    batch.replies.push_back(refusal);
  }
}

// The records of the orders the command closed go with the batch; a query
// the memory cannot answer whole is completed from the history by the writer.
template <typename P>
void PartitionRunner<P>::collect_history(LogBatch& batch, const engine::Command& command, const engine::Reply& reply) {
  shard_->take_history(&batch.history);
  if constexpr (std::is_same_v<P, engine::Shard>) {
    const auto index = static_cast<uint32_t>(batch.replies.size());  // the reply about to be added
    const engine::Caller who{command.principal, command.own_orders_only};
    const auto* get = std::get_if<engine::GetOrderRecord>(&command.body);
    const auto* render = std::get_if<engine::RenderOrderPdf>(&command.body);  // the same page, drawn as PDF
    if (get || render) {
      const engine::OrderId order = get ? get->order : render->order;
      if (reply.code == engine::ReplyCode::kNotFound && engine::order_shard(order) == shard_->shard_id())
        batch.history_reads.push_back(HistoryRead{index, who, order, {}, {}, {}});
    } else if (const auto* list = std::get_if<engine::ListOrders>(&command.body)) {
      if (reply.ok() && list->contact != engine::kNone && !list->document_alerts)
        batch.history_reads.push_back(HistoryRead{index, who, 0, *list, {}, shard_->closed_in_memory(*list)});
    } else if (const auto* activity = std::get_if<engine::GetContactActivity>(&command.body)) {
      // Mailings of closed orders, and confirmed orders the retention retired.
      if (reply.ok() && (activity->history == engine::ContactHistory::kMailings || shard_->archived_any())) {
        engine::ActivityContext context = shard_->activity_context(activity->contact);
        std::vector<engine::OrderId> in_memory = std::move(context.in_memory);
        batch.history_reads.push_back(
            HistoryRead{index, who, 0, {}, *activity, std::move(in_memory), std::move(context)});
      }
    }
  }
}

// Shard::stats() walks the order slots (O(orders)): once a second at most.
template <typename P>
void PartitionRunner<P>::publish_stats() {
  const auto now = std::chrono::steady_clock::now();
  if (now - published_at_ < std::chrono::seconds(1)) return;
  published_at_ = now;
  const typename P::Stats s = shard_->stats();
  std::lock_guard<std::mutex> lock(published_mutex_);
  published_ = s;
}

template <typename P>
size_t PartitionRunner<P>::poll_loop() {
  std::lock_guard<std::mutex> lock(loop_mutex_);
  return loop_ ? loop_->poll() : 0;
}

// A submit() that sees sleeping_ wakes the loop (or the condition variable)
// under wake_mutex_; one that pushed before the inbox was checked here is
// seen by that check.
template <typename P>
void PartitionRunner<P>::sleep_until_work() {
  {
    std::lock_guard<std::mutex> loop_lock(loop_mutex_);
    if (loop_) {
      sleeping_.store(true, std::memory_order_seq_cst);
      if (idle() && running_.load(std::memory_order_acquire)) loop_->wait_for(std::chrono::milliseconds(1));
      sleeping_.store(false, std::memory_order_seq_cst);
      return;
    }
  }
  std::unique_lock<std::mutex> lock(wake_mutex_);
  sleeping_.store(true, std::memory_order_seq_cst);
  if (idle() && running_.load(std::memory_order_acquire)) wake_.wait_for(lock, std::chrono::milliseconds(1));
  sleeping_.store(false, std::memory_order_seq_cst);
}

template <typename P>
ShardRunnerStats PartitionRunner<P>::stats() const {
  return ShardRunnerStats{batches_.load(),
                          commands_.load(),
                          batch_size_max_.load(),
                          snapshots_.load(),
                          snapshot_pause_us_last_.load(),
                          snapshot_pause_us_max_.load(),
                          next_seq_seen_.load()};
}

template class PartitionRunner<engine::Shard>;
template class PartitionRunner<directory::ContactDirectory>;

}  // namespace tessera::runtime
