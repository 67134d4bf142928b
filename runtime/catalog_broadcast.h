// CatalogBarrier: applies a catalog command on every shard, all or none,
// and logs it on every shard in one write.
//
// Every shard keeps its own copy of the catalog (seasons, products,
// channels, layouts, contacts, reminder formats...). ShardSet queues a
// catalog command into every shard's inbox, under one mutex, so all shards
// see catalog commands in the same order and each stays in order with the
// commands submitted after it. Each shard thread, on reaching it, prepares
// it (engine::Shard::prepare: checked, nothing changed) and waits at the
// command's barrier until every shard has prepared it; then each applies it
// if all accepted, and otherwise answers the first refusal without applying
// (nothing logged). So the catalogs never diverge in memory, and since
// catalog commands reach every inbox in one order, barriers never wait on
// each other in a cycle.
//
// With a log, the batch that holds the applied command meets the barrier a
// second time in each shard's log writer, after every earlier batch of that
// shard is written: the last writer to arrive stores every shard's batch in
// one LogSink::append_parts() (one RocksDB write batch), and all of them
// answer with its outcome. So the logs never diverge either: a crash, a power
// loss or a failed write leaves the command on every shard or on none (if
// each shard wrote its own record, one failing would restart the process
// with the command on the other shards only — the simulator found it). A
// shard whose log failed before its turn arrives without a part: nothing is
// written, and every shard's writer fails (each applied the command in
// memory; none may acknowledge anything more).
//
// Thread-safety: arrive_and_wait() (or arrive_prepared() and, once
// arrived_all(), take_outcome()) from each shard thread once, or
// arrive_absent() for a shard that never received the command; then, if the
// outcome was ok and the shards log, arrive_logged() and take_logged() (or
// wait_logged()) once per shard's log writer.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "base/status.h"
#include "engine/command.h"
#include "runtime/log_sink.h"

namespace tessera::runtime {

class CatalogBarrier {
 public:
  explicit CatalogBarrier(uint32_t parts) : parts_(parts), references_(parts) {}

  // Records this shard's prepare reply, waits until every shard has
  // arrived, and returns the first refusal (by arrival), or an ok Reply if
  // every shard accepted. Then drops this shard's reference (the last one
  // deletes the barrier) — unless the outcome is ok and `logs`: the
  // reference then goes with the batch to the log writer (arrive_logged).
  engine::Reply arrive_and_wait(engine::Reply prepared, bool logs);
  // The same in two halves, for a runner that must not block (a stepped
  // runner: runtime/shard_runner.h): arrive_prepared(), then — once
  // arrived_all() — take_outcome().
  void arrive_prepared(engine::Reply prepared) { arrive(std::move(prepared)); }
  bool arrived_all() const { return arrived_.load(std::memory_order_acquire) == parts_; }
  engine::Reply take_outcome(bool logs);
  // A shard that could not take the command (stopping): counts as a
  // refusal so the others apply nothing; drops its reference.
  void arrive_absent(engine::Reply refusal);
  // A shard that arrived (arrive_prepared) but stops before every shard
  // has: its prepare reply becomes `refusal`, so none applies the command;
  // drops its reference. REQUIRES !arrived_all().
  void withdraw(engine::Reply refusal);

  // A shard's log writer hands over the records of the batch that holds
  // the applied command (nullopt: its log failed, nothing is written). The
  // last to arrive writes every part with sink.append_parts(), on its own
  // thread, before it returns.
  void arrive_logged(std::optional<LogPart> part, LogSink& sink);
  // A shard that will not log the command it was to apply (its storage
  // failed in between): arrive_logged(nullopt), and drops its reference.
  void log_absent(LogSink& sink) {
    arrive_logged(std::nullopt, sink);
    release();
  }
  bool logged_all() const { return logged_.load(std::memory_order_acquire); }
  // Once logged_all(): how the write went; drops this shard's reference.
  Status take_logged();
  // Waits for logged_all(), then take_logged().
  Status wait_logged();

 private:
  void arrive(engine::Reply&& prepared);
  void release();

  const uint32_t parts_;
  std::mutex mutex_;
  engine::Reply first_refusal_;  // guarded by mutex_
  std::atomic<uint32_t> arrived_{0};
  std::atomic<uint32_t> references_;
  // The write (guarded by mutex_ until logged_ turns true).
  std::vector<LogPart> log_parts_;
  uint32_t log_arrivals_ = 0;
  bool log_absent_ = false;  // a shard's log had failed
  Status logged_status_;
  std::atomic<bool> logged_{false};
};

}  // namespace tessera::runtime
