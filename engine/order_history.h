// The history of closed orders, as the engine sees it: what a shard hands
// to storage when an order closes, and the pure functions that answer the
// order page's reads from what storage kept.
//
// When an order closes (released, expired, archived, cancelled) the shard
// builds its whole record (the GetOrderRecord answer) and its list row,
// encoded in codec v4 so both can gain fields later; the runtime writes
// them in the same storage batch as the log record of the command that
// closed it, so a crash never separates the close from its history. A note
// or the client's information set on a closed order still in memory writes
// the record again. PurgeOrderHistory asks storage to delete records.
//
// Storage keeps the bytes and never decodes them except to find a record's
// contact; the engine decodes them here. No I/O happens in this file.
// Thread-safety: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/command.h"
#include "engine/ids.h"
#include "engine/order_record.h"
#include "engine/reply.h"

namespace tessera::engine {

// One change to the history, in command order: a closed order's record
// (purge == false, order nonzero), a purge of `order` (nonzero) or of every
// closed order of `contact` (order == 0) on the shard that logs it, or
// (purge == false, order == 0) the move of every closed order of `contact`
// on that shard to `reassign_to` (MergeContacts: records and list rows are
// rewritten with the survivor).
struct HistoryWrite {
  bool purge = false;
  OrderId order = 0;
  ContactId contact = kNone;
  std::string record;   // encode(OrderRecord), when a record
  std::string summary;  // encode(OrderSummary), when a record
  ContactId reassign_to = kNone;
};

// The list row of a record (ListOrders shows the same for a closed order in
// memory).
OrderSummary summary_of(const OrderRecord& record);
// The history write of a closed order's record.
HistoryWrite history_write_of(const OrderRecord& record);

// GetOrderRecord of `id` answered from its stored record: the record, or
// "not found" when raw is empty, does not decode, or `who` is a web shop
// that did not create it.
Reply history_record_reply(OrderId id, const Caller& who, std::string_view raw);

// A shard's ListOrders page (memory) merged with the closed orders of the
// contact that the history holds on this shard: `stored` are encoded
// OrderSummary rows (any order), `in_memory` the ids of the matching closed
// orders still in memory (already counted by the page). The total counts
// each order once; the page keeps the first `c.limit` after the cursor.
Reply merge_history_page(Reply memory, const ListOrders& c, const std::vector<OrderId>& in_memory,
                         const std::vector<std::string>& stored, uint32_t shard);

// The orders of encoded OrderSummary rows (`stored`) that belong to
// `shard` and are not in `skip` (those memory already answered for).
std::vector<OrderId> stored_orders(const std::vector<std::string>& stored, uint32_t shard,
                                   const std::vector<OrderId>& skip);

}  // namespace tessera::engine
