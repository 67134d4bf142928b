// CatalogBarrier: applies a catalog command on every shard, all or none.
//
// Every shard keeps its own copy of the catalog (seasons, products,
// channels, layouts, contacts, reminder formats...). ShardSet queues a
// catalog command into every shard's inbox, under one mutex, so all shards
// see catalog commands in the same order and each stays in order with the
// commands submitted after it. Each shard thread, on reaching it, prepares
// it (engine::Shard::prepare: checked, nothing changed) and waits at the
// command's barrier until every shard has prepared it; then each applies it
// if all accepted, and otherwise answers the first refusal without applying
// (nothing logged). So the catalogs never diverge, and since catalog
// commands reach every inbox in one order, barriers never wait on each
// other in a cycle.
//
// Thread-safety: arrive_and_wait() from each shard thread once;
// arrive_absent() for a shard that never received the command.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

#include "engine/command.h"

namespace tessera::runtime {

class CatalogBarrier {
 public:
  explicit CatalogBarrier(uint32_t parts) : parts_(parts), references_(parts) {}

  // Records this shard's prepare reply, waits until every shard has
  // arrived, and returns the first refusal (by arrival), or an ok Reply if
  // every shard accepted. Then drops this shard's reference (the last one
  // deletes the barrier).
  engine::Reply arrive_and_wait(engine::Reply prepared);
  // The same in two halves, for a runner that must not block (a stepped
  // runner: runtime/shard_runner.h): arrive_prepared(), then — once
  // arrived_all() — take_outcome(), which drops this shard's reference.
  void arrive_prepared(engine::Reply prepared) { arrive(std::move(prepared)); }
  bool arrived_all() const { return arrived_.load(std::memory_order_acquire) == parts_; }
  engine::Reply take_outcome();
  // A shard that could not take the command (stopping): counts as a
  // refusal so the others apply nothing; drops its reference.
  void arrive_absent(engine::Reply refusal);

 private:
  void arrive(engine::Reply&& prepared);
  void release();

  const uint32_t parts_;
  std::mutex mutex_;
  engine::Reply first_refusal_;  // guarded by mutex_
  std::atomic<uint32_t> arrived_{0};
  std::atomic<uint32_t> references_;
};

}  // namespace tessera::runtime
