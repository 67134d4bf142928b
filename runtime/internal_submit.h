// Submitting the server's own follow-up commands (hand-overs, invoice
// numbering): retried while an inbox is full, since the step they follow
// is already durable and must not be dropped for a moment's back-pressure.
// Thread-safety: as ShardSet::submit / DirectoryRunner::submit (any thread).
#pragma once

#include <thread>

#include "runtime/shard_set.h"

namespace tessera::runtime {

// Submits an internal command to the shards, retrying while an inbox is
// full; false when the server is stopping (nothing sent).
inline bool submit_internal(ShardSet& set, const engine::Command& command, Completion* done) {
  for (;;) {
    engine::Command copy = command;
    if (set.submit(std::move(copy), done)) return true;
    if (!set.runner(0).accepting()) return false;
    std::this_thread::yield();  // rare: the first shard's inbox is full
  }
}

// The same to the contact directory.
inline bool submit_directory(DirectoryRunner& directory, const engine::Command& command, Completion* done) {
  for (;;) {
    engine::Command copy = command;
    if (directory.submit(std::move(copy), done)) return true;
    if (!directory.accepting()) return false;
    std::this_thread::yield();
  }
}

}  // namespace tessera::runtime
