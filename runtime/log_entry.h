// Log entries: how one applied command is written to the command log.
//
//   entry = time_ms i64 | command (engine codec) | reply code u8 | order u64 | value i64
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
  w.put(time_ms);
  w.put(command);
  w.put(reply.code);
  w.put(reply.order);
  w.put(reply.value);
}

// True iff replaying `entry` gave the reply that was recorded.
inline bool same_outcome(const LogEntry& entry, const engine::Reply& reply) {
  return entry.code == reply.code && entry.order == reply.order && entry.value == reply.value;
}

}  // namespace tessera::runtime
