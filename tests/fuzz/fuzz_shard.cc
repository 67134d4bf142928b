// FuzzShard: set-up and the runner's way of applying a command.
#include "tests/fuzz/fuzz_shard.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "engine/reply_merge.h"
#include "net/result_code.h"
#include "workload/random_workload.h"

namespace tessera::fuzz {

using namespace tessera::engine;

FuzzShard::FuzzShard(int64_t start_ms)
    : shard_(0, 1, kFuzzStartMs), directory_(kFuzzStartMs), now_ms_(std::max(start_ms, kFuzzStartMs)) {
  const workload::RandomWorkload workload(1, 1);
  for (const Command& c : workload.setup(kFuzzCapacity)) {
    const Reply r = command_route(c.body, 1).kind == Route::kCatalog ? shard_.prepare(c) : Reply{};
    fuzz_check(r.ok(), "catalog set-up is prepared");
    fuzz_check(shard_.apply(c, kFuzzStartMs).ok(), "venue set-up applies");
  }
}

Reply FuzzShard::run(const Command& command) {
  Reply reply;
  if (const auto* tick = std::get_if<Advance>(&command.body)) {
    now_ms_ = std::min(now_ms_ + int64_t{tick->budget} * 60'000, kTimeMsMax);
    reply = refuse(net::kForbidden, "Advance is the shard runner's own");
  } else {
    reply = apply(command);
    now_ms_ = std::min(now_ms_ + 1, kTimeMsMax);
  }
  while (shard_.advance(now_ms_, kExpiriesPerSliceMax) == kExpiriesPerSliceMax) {
  }
  Status invariants = shard_.check_invariants();
  if (invariants.is_ok()) invariants = directory_.check_invariants();
  if (!invariants.is_ok()) {
    std::fprintf(stderr, "after %.*s: %s\n", static_cast<int>(command_name(command.body).size()),
                 command_name(command.body).data(), invariants.to_string().c_str());
    fuzz_check(false, "shard invariants hold after every command");
  }
  return reply;
}

Reply FuzzShard::apply(const Command& command) {
  const int64_t now_ms = now_ms_;
  Reply reply;
  switch (command_route(command.body, 1).kind) {
    case Route::kCatalog: {
      const Reply prepared = shard_.prepare(command);
      if (!prepared.ok()) return prepared;
      reply = shard_.apply(command, now_ms);
      fuzz_check(reply.code == prepared.code, "a catalog command applies as it was prepared");
      break;
    }
    case Route::kByOrder: {
      std::vector<Reply> parts;
      for (auto& [shard, body] : split_by_order(command.body, 1)) {
        fuzz_check(shard == 0, "split_by_order keeps every order on the only shard");
        parts.push_back(shard_.apply(Command{command.key, std::move(body)}, now_ms));
      }
      fuzz_check(!parts.empty(), "split_by_order gives at least one part");
      reply = merge_replies(command.body, std::move(parts));
      break;
    }
    case Route::kEveryShard: {
      std::vector<Reply> parts;
      parts.push_back(shard_.apply(command, now_ms));
      reply = merge_replies(command.body, std::move(parts));
      break;
    }
    case Route::kOneShard:
      reply = shard_.apply(command, now_ms);
      break;
    case Route::kContacts: {
      reply = directory_.apply(command, now_ms);
      // The runtime's hand-over of the records' numbers and types.
      std::optional<CommandBody> hand_over = directory::profile_hand_over(reply);
      if (hand_over && !is_query(command.body)) {
        const Command profile{0, std::move(*hand_over)};
        fuzz_check(shard_.prepare(profile).ok() && shard_.apply(profile, now_ms).ok(),
                   "every shard takes the directory's profile hand-over");
      }
      break;
    }
  }
  return reply;
}

}  // namespace tessera::fuzz
