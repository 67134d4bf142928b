// ShardSet: N shard runners and the routing between them.
//
// submit() sends a command to the shard that owns it (engine::command_route):
// performance set-up and new orders by performance id, order commands by the
// shard in the order id, back-office queries to every shard, selections of
// orders split by shard; the replies of a fan-out are merged by
// engine::merge_replies. Catalog definitions go to every shard with a
// CatalogBarrier: prepared on all, applied on all or on none.
// Thread-safety: submit() from any thread; start/stop from the owner.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "engine/command.h"
#include "runtime/catalog_broadcast.h"
#include "runtime/clock.h"
#include "runtime/completion.h"
#include "runtime/shard_runner.h"

namespace tessera::runtime {

class ShardSet {
 public:
  // REQUIRES 1 <= shard_count <= kShardsMax.
  ShardSet(uint32_t shard_count, const Clock& clock, engine::ShardConfig config = {});
  // Runners built elsewhere (e.g. recovered from the command log), one per
  // shard, in shard order.
  explicit ShardSet(std::vector<std::unique_ptr<ShardRunner>> runners);
  void start();
  void stop();

  // Returns false iff the owning shard's inbox is full (nothing queued, done
  // not called). A broadcast either reaches every shard or returns false
  // without queueing anywhere only when the first shard refuses; once one
  // shard took it the others are retried until they accept.
  bool submit(engine::Command&& command, Completion* done);

  // Submits and waits for the reply (kBusy when the inbox stays full).
  engine::Reply call(engine::Command command);

  uint32_t size() const { return static_cast<uint32_t>(runners_.size()); }
  ShardRunner& runner(uint32_t shard) { return *runners_[shard]; }

 private:
  // Submits each (shard, body) part; merges the replies for `done`.
  bool fan_out(engine::RequestKey key, engine::CommandBody body,
               std::vector<std::pair<uint32_t, engine::CommandBody>> parts, Completion* done);
  bool submit_catalog(engine::Command&& command, Completion* done);

  std::vector<std::unique_ptr<ShardRunner>> runners_;
  std::mutex catalog_mutex_;  // catalog commands enter every inbox in one order
};

}  // namespace tessera::runtime
