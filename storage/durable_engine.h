// DurableEngine: the shards of a server, recovered from and logging to the
// command log — the one place that wires storage to the runtime.
//
// open_durable_engine() opens the data directory, rebuilds every shard
// (latest snapshot + log tail, then check_invariants), and returns started
// runners that log every accepted command before replying. With durability
// `none` it opens nothing and starts empty shards (say so loudly).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "runtime/clock.h"
#include "runtime/shard_set.h"
#include "storage/command_log.h"

namespace tessera::storage {

struct EngineOptions {
  std::string data_dir = "./data";
  Durability durability = Durability::kSync;
  uint32_t shards = 2;
  uint32_t orders_reserved_per_shard = 0;
  uint64_t snapshot_every_entries = 2'000'000;
  int64_t snapshot_every_ms = 5 * 60'000;
  bool order_history = true;                           // keep the history of closed orders (not with durability none)
  int64_t history_file_age_ms = kHistoryFileAgeMaxMs;  // tests lengthen it
  engine::MergeSettings merge;                         // the organisation's settings fan-out merges need (PMG tiers)
  LocalTime local;                                     // the organisation's zone: the year invoices are numbered in
  rocksdb::Env* env = nullptr;                         // LogOptions::env (tests: a file system that loses power)
  // Cluster mode (cluster/replicated_log.h): called once the local log is
  // open, before recovery; returns the sink the runners write through,
  // which may first import records into the local log. Unset: the local
  // log itself.
  std::function<Result<std::unique_ptr<runtime::LogSink>>(CommandLog&)> replicate;
};

struct ShardRecovery {
  uint64_t next_seq = 1;
  uint64_t snapshot_next_seq = 0;
  uint64_t entries_replayed = 0;
  bool dropped_torn_tail = false;
  uint64_t state_hash = 0;
};

struct DurableEngine {
  std::unique_ptr<CommandLog> log;               // null with durability none
  std::unique_ptr<runtime::LogSink> replicated;  // cluster mode: what the runners write through
  runtime::LogSink* sink() const { return replicated ? replicated.get() : log.get(); }
  std::unique_ptr<runtime::ShardSet> shards;
  std::vector<ShardRecovery> recovery;
  ShardRecovery directory_recovery;  // the contact directory partition
  double recovery_seconds = 0;

  DurableEngine() = default;
  DurableEngine(DurableEngine&&) = default;
  DurableEngine& operator=(DurableEngine&&) = default;
  // Stops the shards (flushing the log) before closing the log.
  ~DurableEngine() {
    if (shards) shards->stop();
  }
};

// Opens, recovers and starts. Errors name the shard and sequence at fault.
Result<DurableEngine> open_durable_engine(const EngineOptions& options, const runtime::Clock& clock);

}  // namespace tessera::storage
