// Submitting the server's own follow-up commands (hand-overs, invoice
// numbering): retried while an inbox is full, since the step they follow
// is already durable and must not be dropped for a moment's back-pressure
// (on a partition's thread, for at most kFullInboxWaitOnPartitionMs: see
// FullInboxWait).
// Thread-safety: as ShardSet::submit / DirectoryRunner::submit (any thread).
#pragma once

#include <thread>

#include "runtime/shard_set.h"

namespace tessera::runtime {

// Submits an internal command to the shards, retrying while an inbox is
// full; false when the server is stopping (nothing sent), or when a
// partition's thread gave up waiting.
inline bool submit_internal(ShardSet& set, const engine::Command& command, Completion* done) {
  FullInboxWait wait;  // rare: the first shard's inbox is full
  for (;;) {
    engine::Command copy = command;
    if (set.submit(std::move(copy), done)) return true;
    if (!set.runner(0).accepting() || !wait.again()) return false;
  }
}

// The same to the contact directory.
inline bool submit_directory(DirectoryRunner& directory, const engine::Command& command, Completion* done) {
  FullInboxWait wait;
  for (;;) {
    engine::Command copy = command;
    if (directory.submit(std::move(copy), done)) return true;
    if (!directory.accepting() || !wait.again()) return false;
  }
}

}  // namespace tessera::runtime
