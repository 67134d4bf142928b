// LogSink: where a shard runner makes its batches durable.
//
// The runtime decides what to log and when to release replies; a sink only
// stores. storage::CommandLog is the RocksDB implementation; tests may use
// the real one in a temporary directory.
// Thread-safety: append() and snapshot() are called concurrently for
// different shards, and in order (one caller thread) for any one shard.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace tessera::runtime {

class LogSink {
 public:
  virtual ~LogSink() = default;
  // Stores `count` encoded entries (see runtime/log_entry.h) of `shard`
  // numbered first_seq... Returns OK iff they are durable per the sink's mode.
  virtual Status append(uint32_t shard, uint64_t first_seq, uint32_t count, std::string_view entries) = 0;
  // Stores a snapshot of `shard` covering every entry before next_seq, and
  // drops the entries (and snapshots) it makes unnecessary.
  virtual Status snapshot(uint32_t shard, uint64_t next_seq, std::string_view state) = 0;
};

}  // namespace tessera::runtime
