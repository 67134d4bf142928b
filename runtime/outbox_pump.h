// The pump of a shard outbox (client marks, promo returns): what each shard
// holds after the partition's last taken sequence, read by a fan-out query
// and logged by its owner, page after page.
// Thread-safety: as ShardSet::call (any thread but a runner's).
#pragma once

#include <algorithm>
#include <cstdint>
#include <variant>
#include <vector>

#include "engine/reply_detail.h"
#include "runtime/shard_set.h"

namespace tessera::runtime {

// Sends Query{taken} (each shard answers its items after taken[shard], at
// most kPerShardMax, with `shard` and `seq`), then Note{items} to their
// owner, and moves `taken` on; again until every shard answered all it had.
// Returns the sum of the notes' values, or the first refusal.
template <typename Query, typename Detail, typename Note, auto kItems, uint32_t kPerShardMax>
engine::Reply pump_outbox(ShardSet& set, std::vector<uint64_t>& taken) {
  int64_t noted_total = 0;
  for (;;) {
    engine::Reply read = set.call(engine::Command{0, Query{taken}});
    if (!read.ok()) return read;
    const auto* detail = read.detail ? std::get_if<Detail>(&read.detail->value) : nullptr;
    if (detail == nullptr || (detail->*kItems).empty()) break;
    const auto& items = detail->*kItems;
    engine::Reply noted = set.call(engine::Command{0, Note{items}});
    if (!noted.ok()) return noted;
    noted_total += noted.value;
    bool more = false;
    std::vector<uint32_t> per_shard(set.size(), 0);
    for (const auto& item : items) {
      if (item.shard >= taken.size()) taken.resize(item.shard + 1, 0);
      taken[item.shard] = std::max(taken[item.shard], item.seq);
      if (item.shard < per_shard.size()) more = more || ++per_shard[item.shard] == kPerShardMax;
    }
    if (!more) break;  // every shard answered all it had
  }
  engine::Reply r;
  r.value = noted_total;
  return r;
}

}  // namespace tessera::runtime
