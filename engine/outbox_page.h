// One shard's page of an outbox the server's pump reads (GetPromoReturns,
// GetCashbackReturns): the items after the owner's last taken sequence.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

// Detail{returns}: the items of `shard`'s outbox after after[shard] (a
// missing entry is 0), at most kMax; `query` names the command in a refusal.
template <typename Detail, uint32_t kMax, typename Item>
Reply outbox_page(std::string_view query, const std::vector<uint64_t>& after, uint32_t shard,
                  const std::vector<Item>& items) {
  if (after.size() > kShardsMax)
    return refuse(ReplyCode::kInvalidArgument, cat(query, " names at most ", kShardsMax, " shards"));
  const uint64_t from = shard < after.size() ? after[shard] : 0;
  Detail out;
  for (uint64_t i = from; i < items.size() && out.returns.size() < kMax; ++i) out.returns.push_back(items[i]);
  Reply r;
  r.value = static_cast<int64_t>(out.returns.size());
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(out)});
  return r;
}

}  // namespace tessera::engine
