// Log entries: how one applied command is written to the command log.
//
//   entry = a LogEntry struct in the engine codec (engine/codec.h):
//           time_ms i64 | command | reply code u8 | order u64 | value i64
//   (codec v4, log format v2: with the struct's field count first, so an
//   entry can gain fields; codec v3, log format v1: positional)
//
// The time is the engine time the shard actually used (never earlier than
// any time it saw before), so replaying the entries in order through
// Shard::apply reproduces the state exactly; the recorded reply lets replay
// prove it (any difference is reported as divergence, never ignored).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/codec.h"
#include "engine/command.h"

namespace tessera::runtime {

struct LogEntry {
  int64_t time_ms = 0;
  engine::Command command;
  engine::ReplyCode code = engine::ReplyCode::kOk;
  engine::OrderId order = 0;
  int64_t value = 0;
  auto fields() const { return std::tie(time_ms, command, code, order, value); }
};

inline void append_entry(std::string* out, int64_t time_ms, const engine::Command& command,
                         const engine::Reply& reply) {
  engine::Writer w(out);
  w.put_record(time_ms, command, reply.code, reply.order, reply.value);  // = LogEntry::fields()
}

// True iff replaying `entry` gave the reply that was recorded.
inline bool same_outcome(const LogEntry& entry, const engine::Reply& reply) {
  return entry.code == reply.code && entry.order == reply.order && entry.value == reply.value;
}

}  // namespace tessera::runtime
