// Replaying log entries into a partition: what recovery does with each
// record after the snapshot — storage::CommandLog's from RocksDB, the
// simulator's (sim/) from its in-memory log store.
//
// Each entry is applied at its recorded time and must give its recorded
// reply: any difference is divergence, reported with the partition and
// sequence number, never ignored.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "base/strings.h"
#include "engine/codec.h"
#include "runtime/log_entry.h"

namespace tessera::runtime {

// P: engine::Shard or directory::ContactDirectory. The entries before
// from_seq are decoded and skipped: a record may begin before the snapshot
// recovery started from (the log writer once wrote batches together across a
// snapshot). on_entry(seq, entry) sees each entry once applied (tests,
// tools); pass a no-op otherwise.
template <typename P, typename OnEntry>
Status replay_log_entries(uint32_t partition, uint64_t first_seq, uint32_t count, uint32_t codec_version,
                          std::string_view entries, uint64_t from_seq, P& into, OnEntry&& on_entry) {
  engine::Reader r(entries, codec_version);
  LogEntry e;
  for (uint32_t i = 0; i < count; ++i) {
    Status s = r.get(e);
    if (!s.is_ok())
      return Status::internal(
          cat("shard ", partition, ": log entry seq ", first_seq + i, " does not decode: ", s.message()));
    if (first_seq + i < from_seq) continue;
    const engine::Reply reply = into.apply(e.command, e.time_ms);
    if (!same_outcome(e, reply))
      return Status::internal(cat("shard ", partition, ": replay diverged at seq ", first_seq + i, " (",
                                  engine::command_name(e.command.body), ": recorded ", engine::reply_code_name(e.code),
                                  ", replayed ", engine::reply_code_name(reply.code), " ", reply.message, ")"));
    on_entry(first_seq + i, e);
  }
  if (!r.done())
    return Status::internal(cat("shard ", partition, ": log record at seq ", first_seq, " has trailing bytes"));
  return Status();
}

}  // namespace tessera::runtime
