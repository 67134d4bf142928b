// LogWriter loop: write a batch, then release its replies.
#include "runtime/log_writer.h"

#include <cassert>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <optional>
#include <utility>

#include "engine/contact_activity.h"
#include "runtime/shard_runner.h"

namespace tessera::runtime {

LogWriter::LogWriter(uint32_t shard, LogSink& sink, uint32_t depth) : shard_(shard), sink_(sink) {
  assert(depth >= 1);
  for (uint32_t i = 0; i < depth; ++i) {
    pool_.push_back(std::make_unique<LogBatch>());
    free_.push_back(pool_.back().get());
  }
}

LogWriter::~LogWriter() { stop(); }

void LogWriter::start() {
  thread_ = std::thread([this] { run(); });
}

void LogWriter::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_one();
  thread_.join();
}

LogBatch* LogWriter::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  freed_.wait(lock, [this] { return !free_.empty(); });
  LogBatch* b = free_.back();
  free_.pop_back();
  return b;
}

void LogWriter::submit(LogBatch* batch) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(batch);
  }
  queued_.notify_one();
}

bool LogWriter::write_here(LogBatch* batch) {
  if (inline_) {
    assert(!parked_);
    if (batch->catalog) {
      if (!write_catalog(*batch, /*wait=*/false)) return true;  // parked
    } else {
      write(*batch);
    }
    release(batch);
    return true;
  }
  if (sink_.syncs() || batch->has_snapshot || !batch->history_reads.empty() || batch->catalog) return false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (writing_ || !queue_.empty()) return false;
  }
  // Only the shard thread submits, so nothing is queued until this returns.
  write(*batch);
  release(batch);
  return true;
}

bool LogWriter::resume_parked() {
  assert(parked_);
  if (!parked_->catalog->logged_all()) return false;
  LogBatch* b = std::exchange(parked_, nullptr);
  finish(*b, b->catalog->take_logged());
  release(b);
  return true;
}

void LogWriter::release(LogBatch* batch) {
  batch->clear();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(batch);
  }
  freed_.notify_one();
}

Status LogWriter::failure() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failure_;
}

LogWriterStats LogWriter::stats() const {
  return LogWriterStats{appends_.load(), append_us_total_.load(), append_us_max_.load(), snapshots_.load()};
}

void LogWriter::run() {
  // Its completions may submit to partitions, and it may wait at a catalog
  // barrier for another shard's writer: it must not wait for room forever.
  mark_partition_thread();
  std::vector<LogBatch*> group;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      queued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      group.assign(queue_.begin(), queue_.end());
      queue_.clear();
      writing_ = true;
    }
    write_group(group);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      writing_ = false;
    }
    for (LogBatch* b : group) release(b);
  }
}

// Every batch that queued while the previous write was on the disk goes in
// one append (one fsync for all of them), so a command waits for at most
// the write in progress and its own, never a queue of fsyncs. Then each
// batch in order: its history reads, its snapshot, its replies. A catalog
// batch is written on its own, after the batches before it, and a batch
// with a snapshot ends its append: a snapshot falls between records
// (recovery replays from the record holding its sequence number, and once
// found records spanning one; docs/format.md).
void LogWriter::write_group(const std::vector<LogBatch*>& group) {
  auto begin = group.begin();
  while (begin != group.end()) {
    auto end = begin;
    while (end != group.end() && !(*end)->catalog && !(*end)->has_snapshot) ++end;
    if (end != group.end() && !(*end)->catalog) ++end;  // the snapshot's batch closes the run
    if (end - begin == 1) {
      write(**begin);
    } else if (end != begin) {
      write_run(begin, end);
    }
    if (end == group.end()) return;
    if ((*end)->catalog) {
      write_catalog(**end, /*wait=*/true);
      ++end;
    }
    begin = end;
  }
}

void LogWriter::write_run(std::vector<LogBatch*>::const_iterator begin, std::vector<LogBatch*>::const_iterator end) {
  group_entries_.clear();
  group_history_.clear();
  uint64_t first_seq = 0;
  uint32_t count = 0;
  for (auto it = begin; it != end; ++it) {
    LogBatch* b = *it;
    if (b->count == 0) continue;
    if (count == 0) first_seq = b->first_seq;
    assert(b->first_seq == first_seq + count);
    group_entries_.append(b->entries);
    count += b->count;
    std::move(b->history.begin(), b->history.end(), std::back_inserter(group_history_));
    b->history.clear();
  }
  const Status appended = append(first_seq, count, group_entries_, &group_history_);
  for (auto it = begin; it != end; ++it) finish(**it, appended);
}

void LogWriter::write(LogBatch& b) { finish(b, append(b.first_seq, b.count, b.entries, &b.history)); }

bool LogWriter::write_catalog(LogBatch& b, bool wait) {
  std::optional<LogPart> part;
  if (!failed()) part = LogPart{shard_, b.first_seq, b.count, std::move(b.entries), std::move(b.history)};
  CatalogBarrier& barrier = *b.catalog;
  barrier.arrive_logged(std::move(part), sink_);
  if (wait) {
    finish(b, barrier.wait_logged());
    return true;
  }
  if (!barrier.logged_all()) {
    parked_ = &b;
    return false;
  }
  finish(b, barrier.take_logged());
  return true;
}

Status LogWriter::append(uint64_t first_seq, uint32_t count, std::string_view entries,
                         std::vector<engine::HistoryWrite>* history) {
  assert(history->empty() || count > 0);
  if (failed() || count == 0) return Status();
  const auto start = std::chrono::steady_clock::now();
  const Status s = history->empty() ? sink_.append(shard_, first_seq, count, entries)
                                    : sink_.append_with_history(shard_, first_seq, count, entries, history);
  const uint64_t us = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
  appends_.fetch_add(1, std::memory_order_relaxed);
  append_us_total_.fetch_add(us, std::memory_order_relaxed);
  if (us > append_us_max_.load(std::memory_order_relaxed)) append_us_max_.store(us, std::memory_order_relaxed);
  return s;
}

// `s`: how the append that holds the batch's entries went.
void LogWriter::finish(LogBatch& b, Status s) {
  const bool durable = !failed() && s.is_ok();
  if (durable) answer_history_reads(b);
  if (durable && b.has_snapshot) {
    // A failed snapshot loses nothing (the log still has every entry), but
    // the runner stops so the operator sees the storage problem at once.
    s = sink_.snapshot(shard_, b.snapshot_next_seq, b.snapshot_state);
    if (s.is_ok()) snapshots_.fetch_add(1, std::memory_order_relaxed);
  }
  if (!s.is_ok() && !failed()) {
    std::fprintf(stderr, "tessera: shard %u: command log failed, no longer acknowledging: %s\n", shard_,
                 s.to_string().c_str());
    std::lock_guard<std::mutex> lock(mutex_);
    failure_ = s;
    failed_.store(true, std::memory_order_release);
  }
  for (size_t i = 0; i < b.done.size(); ++i) {
    if (!durable)
      b.replies[i] = engine::refuse(engine::ReplyCode::kUnavailable,
                                    "storage failure: the command was not made durable; shard stopped");
    b.done[i]->complete(std::move(b.replies[i]));
  }
}

void LogWriter::answer_history_reads(LogBatch& b) {
  std::string raw;
  std::vector<std::string> rows;
  for (const HistoryRead& read : b.history_reads) {
    assert(read.reply < b.replies.size());
    engine::Reply& reply = b.replies[read.reply];
    if (read.activity) {
      reply = complete_activity(std::move(reply), read);
      continue;
    }
    const Status s = read.order != 0 ? sink_.read_history_record(read.order, &raw)
                                     : sink_.read_history_of_contact(read.list.contact, &rows);
    if (!s.is_ok()) {
      reply = engine::refuse(engine::ReplyCode::kUnavailable, "reading the order history failed: " + s.to_string());
      continue;
    }
    reply = read.order != 0 ? engine::history_record_reply(read.order, read.who, raw)
                            : engine::merge_history_page(std::move(reply), read.list, read.in_memory, rows, shard_);
  }
}

// The contact's orders that left memory: the reminders they record, and
// the confirmed ones the retention retired.
engine::Reply LogWriter::complete_activity(engine::Reply reply, const HistoryRead& read) {
  std::vector<std::string> summaries;
  Status s = sink_.read_history_of_contact(read.activity->contact, &summaries);
  std::vector<std::string> records;
  for (engine::OrderId order : engine::stored_orders(summaries, shard_, read.in_memory)) {
    if (!s.is_ok()) break;
    s = sink_.read_history_record(order, &records.emplace_back());
  }
  if (!s.is_ok())
    return engine::refuse(engine::ReplyCode::kUnavailable, "reading the order history failed: " + s.to_string());
  return engine::complete_activity_from_history(std::move(reply), *read.activity, records, read.activity_context);
}

}  // namespace tessera::runtime
