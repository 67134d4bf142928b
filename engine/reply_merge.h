// Fan-out and split commands: how the runtime divides them among shards and
// merges the shards' replies into the one reply the client sees.
//
// A selection (MarkOrders, LockOrders, ReleaseOrders, RemindOrders) is split
// by the shard in each order id; each shard gets the same command with its
// own orders and the outcomes are put back in the client's order. A command
// for every shard (catalog, follow-up query, preview, ReleaseAll, reminder
// runs) is merged by kind: follow-up rows merged by key and cut to the
// limit, counts summed, reminder items merged by contact. A follow-up filter
// naming an id only some shards hold (a contingent) is NotFound on the
// others: those refusals are dropped unless every shard refused.
// Pure functions: called by the runtime on whichever thread completes last.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "engine/command.h"
#include "engine/contact_card.h"

namespace tessera::engine {

// REQUIRES command_route(body).kind == kByOrder. Returns (shard, body) per
// shard holding at least one of the orders; ids naming a shard that does not
// exist go to shard id % shard_count, which reports them unknown.
std::vector<std::pair<uint32_t, CommandBody>> split_by_order(const CommandBody& body, uint32_t shard_count);

// What the organisation configures that a merge needs: the PMG's tiers
// (GetContactActivity), which only the whole of a contact's orders decides.
struct MergeSettings {
  std::vector<PmgTier> pmg_tiers;
};

// Merges the replies of the parts of `body` (one per shard it went to).
// GetReminderRun lists at most kReminderItemsInReplyMax items (value = the
// run's size); StartReminderRun keeps every item for the export.
// REQUIRES !parts.empty().
Reply merge_replies(const CommandBody& body, std::vector<Reply>&& parts, const MergeSettings& settings = {});
// ExportCatalog's merge (engine/catalog_export.cc): shard 0's catalog, then
// the performances by id, hashed. REQUIRES every part ok.
Reply merge_catalog_exports(const std::vector<Reply>& parts);

}  // namespace tessera::engine
