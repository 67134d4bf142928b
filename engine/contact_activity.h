// A contact's activity seen from the inventory shards (seed 001's
// indicators and its cultural and mailing histories): GetContactActivity's
// per-shard answer, the merge of the shards' answers, and the completion of
// a shard's mailing history from the history of closed orders.
//
// Shard::contact_activity (engine/contact_activity.cc) scans the shard's
// order slots and its subscription runs. What left memory is in the stored
// records of the history, which the log writer reads and hands to
// complete_activity_from_history: the reminders sent about orders that have
// since closed, and the confirmed orders of archived performances retired
// by the order retention (engine/order_retention.h), which count in the
// indicators and the cultural history as they did in memory. No I/O
// happens here.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "engine/contact_card.h"
#include "engine/reply.h"

namespace tessera::engine {

// GetContactActivity's page size: limit 0 = kContactSearchRowsDefault.
uint32_t activity_limit(uint32_t limit);
// Whether a row comes after the request's cursor (rows go newest first).
bool activity_after_cursor(const ActivityRow& row, const GetContactActivity& c);

// Keeps the first activity_limit(c.limit) of `rows` (any order) after the
// cursor in `out` with their total, and the cursor of the next page when
// more follow (`more`: a source already cut some). Recomputes the
// average basket from the sums.
void page_activity(ContactActivity& out, std::vector<ActivityRow> rows, const GetContactActivity& c, bool more);

// The shards' answers as one: indicators summed (channels by use), the
// PMG's tier among `tiers`, rows merged newest first and cut to the page.
Reply merge_contact_activity(std::vector<Reply>& parts, const GetContactActivity& c, const std::vector<PmgTier>& tiers);

// The highest of `tiers` (any order) whose from_cents the average basket
// reaches; "" when none does or the contact has no confirmed order.
std::string pmg_tier_of(uint64_t average_basket_cents, uint32_t orders_confirmed, const std::vector<PmgTier>& tiers);

// What a shard hands the log writer with GetContactActivity's memory
// answer: the contact's orders in memory (the history's copies of them are
// skipped), the start of each archived performance (retired orders are on
// those only), and the archived performances that memory already counted
// as attended for the contact (so none is counted twice).
struct ActivityContext {
  struct Start {
    PerformanceId performance;
    int64_t starts_at_ms = 0;
  };
  std::vector<OrderId> in_memory;
  std::vector<Start> archived;  // by performance id
  std::vector<PerformanceId> attended_in_memory;
};

// A shard's answer completed from `stored` (encoded OrderRecords of the
// contact's orders no longer in memory, as the history keeps them): the
// reminders they record (mailings), and their confirmed orders (retired
// by the retention) in the indicators and the cultural history.
Reply complete_activity_from_history(Reply memory, const GetContactActivity& c, const std::vector<std::string>& stored,
                                     const ActivityContext& context);

}  // namespace tessera::engine
