// Merging per-shard replies, by command kind.
#include "engine/reply_merge.h"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <type_traits>

#include "engine/command_registry.h"
#include "engine/contact_activity.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

namespace {

template <typename T>
const T* detail_of(const Reply& r) {
  return r.detail ? std::get_if<T>(&r.detail->value) : nullptr;
}

template <typename T>
Reply with_detail(Reply r, T detail) {
  r.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(detail)});
  return r;
}

bool row_less(const FollowUpRow& a, const FollowUpRow& b) {
  return std::tie(a.due_ms, a.order, a.line) < std::tie(b.due_ms, b.order, b.line);
}

Reply merge_pages(std::vector<Reply>& parts, uint32_t limit) {
  FollowUpPage page;
  for (const Reply& r : parts) {
    const FollowUpPage* p = detail_of<FollowUpPage>(r);
    if (!p) continue;
    page.total += p->total;
    page.more = page.more || p->more;
    page.rows.insert(page.rows.end(), p->rows.begin(), p->rows.end());
  }
  std::sort(page.rows.begin(), page.rows.end(), row_less);
  if (page.rows.size() > limit) {
    page.rows.resize(limit);
    page.more = true;
  }
  Reply out;
  out.value = static_cast<int64_t>(page.total);
  return with_detail(std::move(out), std::move(page));
}

// ListOrders: each shard's first `limit` orders after the cursor, merged by
// id and cut to the limit; more follow if a cut dropped some or a shard had
// more than it sent.
Reply merge_order_pages(std::vector<Reply>& parts, uint32_t limit) {
  OrderPage page;
  bool more = false;
  for (const Reply& r : parts) {
    const OrderPage* p = detail_of<OrderPage>(r);
    if (!p) continue;
    page.total += p->total;
    more = more || p->next_after != 0;
    page.orders.insert(page.orders.end(), p->orders.begin(), p->orders.end());
  }
  std::sort(page.orders.begin(), page.orders.end(),
            [](const OrderSummary& a, const OrderSummary& b) { return a.order < b.order; });
  if (page.orders.size() > limit) {
    page.orders.resize(limit);
    more = true;
  }
  if (more && !page.orders.empty()) page.next_after = page.orders.back().order;
  Reply out;
  out.value = static_cast<int64_t>(page.total);
  return with_detail(std::move(out), std::move(page));
}

// Pages of records split over shards (pre-registrations, leads): each
// shard's parts after the cursor, merged by id with `combine(merged, part)`,
// cut to the limit (0: no cut); totals summed (each shard counts the
// records whose home it is). parts[s] is shard s's reply.
// Each row is copied once, and none past the limit: an integration's
// listing merges up to 10,000 rows from every shard (profiled: copying
// them into a map, then out of it, was most of its time).
template <typename Page, typename Combine>
Reply merge_parts_by_id(std::vector<Reply>& parts, uint32_t limit, Combine combine) {
  using Row = std::remove_reference_t<decltype(std::declval<Page&>().rows.front())>;
  Page page;
  bool more = false;
  std::vector<const Row*> rows;
  for (const Reply& r : parts) {
    const Page* p = detail_of<Page>(r);
    if (!p) continue;
    page.total += p->total;
    more = more || p->next_after != 0;
    for (const Row& row : p->rows) rows.push_back(&row);
  }
  // By id; a record's parts in shard order (the order they combine in).
  std::stable_sort(rows.begin(), rows.end(), [](const Row* a, const Row* b) { return a->id < b->id; });
  page.rows.reserve(limit != 0 ? std::min<size_t>(limit, rows.size()) : rows.size());
  for (size_t i = 0; i < rows.size();) {
    if (limit != 0 && page.rows.size() == limit) {
      more = true;
      break;
    }
    Row merged = *rows[i];
    for (++i; i < rows.size() && rows[i]->id == merged.id; ++i) combine(merged, *rows[i]);
    page.rows.push_back(std::move(merged));
  }
  if (more && !page.rows.empty()) page.next_after = page.rows.back().id;
  Reply out;
  out.value = static_cast<int64_t>(page.total);
  return with_detail(std::move(out), std::move(page));
}

template <typename T>
void append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

// A request spanning shards shows as one row: its lines and options
// together, the home part's identity; pending while any part is (a stop
// between two shards' integrations: the next integration completes it);
// missing the shards no part has come from.
void combine_pre_registration(PreRegRow& merged, const PreRegRow& row) {
  const bool home =
      std::find(row.missing_shards.begin(), row.missing_shards.end(), prereg_shard(row.id)) == row.missing_shards.end();
  std::vector<uint32_t> missing;  // in every part's list
  std::set_intersection(merged.missing_shards.begin(), merged.missing_shards.end(), row.missing_shards.begin(),
                        row.missing_shards.end(), std::back_inserter(missing));
  const bool pending = merged.status == PreRegStatus::kPending || row.status == PreRegStatus::kPending;
  PreRegRow out = home ? row : merged;
  const PreRegRow& other = home ? merged : row;
  append(out.lines, other.lines);
  append(out.orders, other.orders);
  if (pending) out.status = PreRegStatus::kPending;
  out.missing_shards = std::move(missing);
  merged = std::move(out);
}

void combine_lead(LeadRow& merged, const LeadRow& row) {
  append(merged.lines, row.lines);
  append(merged.kept_options, row.kept_options);
}

// Pre-registration results: per request, the home shard's (parts[s] is
// shard s's), or, where it has none, the first other shard's that has one;
// a part refused while another was integrated says so.
Reply merge_prereg_results(std::vector<Reply>& parts) {
  PreRegResults out;
  const PreRegResults* first = detail_of<PreRegResults>(parts.front());
  if (!first) return std::move(parts.front());
  for (size_t i = 0; i < first->results.size(); ++i) {
    const uint64_t id = first->results[i].id;
    const uint32_t home = prereg_shard(id) < parts.size() ? prereg_shard(id) : 0;
    const PreRegResults* h = detail_of<PreRegResults>(parts[home]);
    PreRegResult best = h && i < h->results.size() ? h->results[i] : first->results[i];
    for (const Reply& r : parts) {
      const PreRegResults* p = detail_of<PreRegResults>(r);
      if (!p || i >= p->results.size()) continue;
      const PreRegResult& other = p->results[i];
      if (best.outcome == PreRegOutcome::kNotFound && other.outcome != PreRegOutcome::kNotFound) best = other;
      if (other.outcome == PreRegOutcome::kRefused && best.outcome != PreRegOutcome::kRefused &&
          best.outcome != PreRegOutcome::kNotFound)
        best.reason = cat("another part was refused: ", other.reason);
    }
    out.results.push_back(std::move(best));
  }
  Reply r;
  r.value = static_cast<int64_t>(out.results.size());
  return with_detail(std::move(r), std::move(out));
}

Reply merge_summaries(std::vector<Reply>& parts) {
  ReleaseSummary sum;
  bool more_skipped = false;
  for (const Reply& r : parts) {
    const ReleaseSummary* s = detail_of<ReleaseSummary>(r);
    if (!s) continue;
    sum.released += s->released;
    sum.kept += s->kept;
    sum.locked += s->locked;
    sum.units += s->units;
    sum.seats += s->seats;
    sum.stock.insert(sum.stock.end(), s->stock.begin(), s->stock.end());
    sum.skipped.insert(sum.skipped.end(), s->skipped.begin(), s->skipped.end());
    more_skipped = more_skipped || s->skipped_next != 0;
  }
  std::sort(sum.stock.begin(), sum.stock.end(), [](const ReleasedStock& a, const ReleasedStock& b) {
    return std::tie(a.performance, a.category) < std::tie(b.performance, b.category);
  });
  // Each shard named its first page after the cursor: the union's first
  // page is the next page of all of them.
  std::sort(sum.skipped.begin(), sum.skipped.end(),
            [](const SkippedOrder& a, const SkippedOrder& b) { return a.order < b.order; });
  if (sum.skipped.size() > kSkippedOrdersPage) {
    sum.skipped.resize(kSkippedOrdersPage);
    more_skipped = true;
  }
  sum.skipped_next = more_skipped && !sum.skipped.empty() ? sum.skipped.back().order : OrderId{0};
  Reply out;
  out.value = static_cast<int64_t>(sum.released);
  return with_detail(std::move(out), std::move(sum));
}

bool item_less(const ReminderItem& a, const ReminderItem& b) {
  return std::tie(a.contact_number, a.contact, a.order, a.subscription) <
         std::tie(b.contact_number, b.contact, b.order, b.subscription);
}

// Outcomes back in the client's order (ids are unique in a selection). A
// sorted copy, not a FlatMap: a client may name any 64-bit id, including
// the FlatMap's empty marker, and must get NotFound for it.
std::vector<OrderOutcome> outcomes_in_order(const std::vector<OrderId>& orders, std::vector<OrderOutcome> found) {
  const auto by_order = [](const OrderOutcome& a, const OrderOutcome& b) { return a.order < b.order; };
  std::sort(found.begin(), found.end(), by_order);
  std::vector<OrderOutcome> out;
  out.reserve(orders.size());
  for (OrderId id : orders) {
    const OrderOutcome key{id, Outcome::kNotFound, OrderState::kReleased};
    const auto at = std::lower_bound(found.begin(), found.end(), key, by_order);
    out.push_back(at != found.end() && at->order == id ? *at : key);
  }
  return out;
}

Reply merge_batches(std::vector<Reply>& parts, const std::vector<OrderId>* orders) {
  ReminderBatch batch;
  std::vector<OrderOutcome> outcomes;
  bool first = true;
  int64_t value = 0;
  for (const Reply& r : parts) {
    value += r.value;
    const ReminderBatch* b = detail_of<ReminderBatch>(r);
    if (!b) continue;
    if (first) {
      batch = *b;
      batch.items.clear();
      batch.outcomes.clear();
      first = false;
    }
    batch.items.insert(batch.items.end(), b->items.begin(), b->items.end());
    outcomes.insert(outcomes.end(), b->outcomes.begin(), b->outcomes.end());
  }
  std::sort(batch.items.begin(), batch.items.end(), item_less);
  batch.rank_counts.clear();
  for (const ReminderItem& item : batch.items) {  // before any cut: the review counts them all
    auto at = std::lower_bound(batch.rank_counts.begin(), batch.rank_counts.end(), item.reminder_rank,
                               [](const RankCount& c, uint32_t rank) { return c.rank < rank; });
    if (at == batch.rank_counts.end() || at->rank != item.reminder_rank)
      at = batch.rank_counts.insert(at, RankCount{item.reminder_rank, 0});
    ++at->count;
  }
  if (orders) batch.outcomes = outcomes_in_order(*orders, std::move(outcomes));
  Reply out;
  out.value = value;
  return with_detail(std::move(out), std::move(batch));
}

// A run's reply lists its first kReminderItemsInReplyMax items (value = all).
void trim_items(Reply& r) {
  const ReminderBatch& b = std::get<ReminderBatch>(r.detail->value);
  if (b.items.size() <= kReminderItemsInReplyMax) return;
  ReminderBatch trimmed = b;
  trimmed.items.resize(kReminderItemsInReplyMax);
  r.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(trimmed)});
}

// Every shard holds every run: the same page of runs, each with its own
// part of the selection.
Reply merge_run_lists(std::vector<Reply>& parts) {
  ReminderRuns all;
  for (const Reply& r : parts) {
    const ReminderRuns* page = detail_of<ReminderRuns>(r);
    if (!page) continue;
    all.total = std::max(all.total, page->total);
    for (const ReminderRunSummary& run : page->runs) {
      auto same =
          std::find_if(all.runs.begin(), all.runs.end(), [&](const ReminderRunSummary& s) { return s.run == run.run; });
      if (same == all.runs.end()) {
        all.runs.push_back(run);
      } else {
        same->selected += run.selected;
      }
    }
  }
  std::sort(all.runs.begin(), all.runs.end(),
            [](const ReminderRunSummary& a, const ReminderRunSummary& b) { return a.run > b.run; });
  if (all.runs.size() > kRunsInReplyMax) all.runs.resize(kRunsInReplyMax);
  if (all.runs.size() < all.total) all.next_before = all.runs.empty() ? RunId{0} : all.runs.back().run;
  Reply out;
  out.value = all.total;
  return with_detail(std::move(out), std::move(all));
}

Reply merge_outcomes(std::vector<Reply>& parts, const std::vector<OrderId>& orders) {
  std::vector<OrderOutcome> found;
  int64_t value = 0;
  for (const Reply& r : parts) {
    value += r.value;
    if (const BulkOutcomes* b = detail_of<BulkOutcomes>(r))
      found.insert(found.end(), b->orders.begin(), b->orders.end());
  }
  Reply out;
  out.value = value;
  return with_detail(std::move(out), BulkOutcomes{outcomes_in_order(orders, std::move(found))});
}

// The first refusal, or the first reply when every part agrees.
Reply first_refusal(std::vector<Reply>& parts) {
  for (Reply& r : parts)
    if (!r.ok()) return std::move(r);
  return std::move(parts.front());
}

// Fan-out filters: NotFound on some shards only means "not here".
bool drop_partial_not_found(std::vector<Reply>& parts) {
  const bool all_not_found =
      std::all_of(parts.begin(), parts.end(), [](const Reply& r) { return r.code == ReplyCode::kNotFound; });
  if (all_not_found) return false;
  std::erase_if(parts, [](const Reply& r) { return r.code == ReplyCode::kNotFound; });
  return true;
}

}  // namespace

std::vector<std::pair<uint32_t, CommandBody>> split_by_order(const CommandBody& body, uint32_t shard_count) {
  return std::visit(
      [&](const auto& c) {
        std::vector<std::pair<uint32_t, CommandBody>> parts;
        if constexpr (requires { c.orders; }) {
          std::vector<int32_t> part_of(shard_count, -1);
          for (OrderId id : c.orders) {
            const uint32_t shard = order_shard(id) % shard_count;
            if (part_of[shard] < 0) {
              part_of[shard] = static_cast<int32_t>(parts.size());
              auto copy = c;
              copy.orders.clear();
              parts.emplace_back(shard, std::move(copy));
            }
            std::get<std::decay_t<decltype(c)>>(parts[part_of[shard]].second).orders.push_back(id);
          }
          if (parts.empty()) parts.emplace_back(0, c);  // an empty selection: one shard refuses it
        } else {
          assert(false && "split_by_order on a command without orders");
        }
        return parts;
      },
      body);
}

namespace {

// The `orders` of a selection command (nullptr for the others).
const std::vector<OrderId>* selection_of(const CommandBody& body) {
  return std::visit(
      [](const auto& c) -> const std::vector<OrderId>* {
        if constexpr (requires { c.orders; }) {
          return &c.orders;
        } else {
          return nullptr;
        }
      },
      body);
}

// An outbox pump's read: every shard's items together, by (shard, seq).
template <typename Detail, auto kItems>
Reply merge_outbox(std::vector<Reply>& parts) {
  Detail all;
  for (const Reply& r : parts)
    if (const Detail* m = detail_of<Detail>(r))
      (all.*kItems).insert((all.*kItems).end(), (m->*kItems).begin(), (m->*kItems).end());
  std::sort((all.*kItems).begin(), (all.*kItems).end(),
            [](const auto& a, const auto& b) { return std::tie(a.shard, a.seq) < std::tie(b.shard, b.seq); });
  Reply out = std::move(parts.front());
  out.value = static_cast<int64_t>((all.*kItems).size());
  return with_detail(std::move(out), std::move(all));
}

}  // namespace

Reply merge_replies(const CommandBody& body, std::vector<Reply>&& parts, const MergeSettings& settings) {
  assert(!parts.empty());
  const MergeKind merge = command_info(body).merge;
  const bool fan_out_filter = merge == MergeKind::kFollowUpPage || merge == MergeKind::kReleaseSummary;
  if (fan_out_filter && !drop_partial_not_found(parts)) return std::move(parts.front());
  for (Reply& r : parts)
    if (!r.ok()) return std::move(r);
  switch (merge) {
    case MergeKind::kSingle:
    case MergeKind::kAllAgree:
    case MergeKind::kFirstRefusal:
      return first_refusal(parts);
    case MergeKind::kCountSum: {
      int64_t sum = 0;
      for (const Reply& r : parts) sum += r.value;
      parts.front().value = sum;
      return std::move(parts.front());
    }
    case MergeKind::kFollowUpPage:
      return merge_pages(parts, follow_up_limit(std::get<QueryFollowUp>(body).limit));
    case MergeKind::kReleaseSummary:
      return merge_summaries(parts);
    case MergeKind::kOrderPage:
      return merge_order_pages(parts, std::get<ListOrders>(body).limit);
    case MergeKind::kCatalogExport:
      return merge_catalog_exports(parts);
    case MergeKind::kClientMarks:
      return merge_outbox<ClientMarks, &ClientMarks::marks>(parts);
    case MergeKind::kPromoReturns:
      return merge_outbox<PromoReturns, &PromoReturns::returns>(parts);
    case MergeKind::kCashbackReturns:
      return merge_outbox<CashbackReturns, &CashbackReturns::returns>(parts);
    case MergeKind::kTravelBookMails:
      return merge_outbox<TravelBookMails, &TravelBookMails::mails>(parts);
    case MergeKind::kContactActivity:
      return merge_contact_activity(parts, std::get<GetContactActivity>(body), settings.pmg_tiers);
    case MergeKind::kOutcomes:
      return merge_outcomes(parts, *selection_of(body));
    case MergeKind::kReminderOutcomes:
      return merge_batches(parts, selection_of(body));
    case MergeKind::kRunBatch:
      return merge_batches(parts, nullptr);  // every item: the server exports them
    case MergeKind::kRunList:
      return merge_run_lists(parts);
    case MergeKind::kPreRegPage: {
      // A list: its page. An integration: at most what one may name (each
      // shard sent its first pending parts by id, so these are the first).
      const auto* list = std::get_if<ListPreRegistrations>(&body);
      return merge_parts_by_id<PreRegPage>(parts, list ? list->limit : kPreRegBatchMax, combine_pre_registration);
    }
    case MergeKind::kPreRegResults:
      return merge_prereg_results(parts);
    case MergeKind::kLeadPage:
      return merge_parts_by_id<LeadPage>(parts, std::get<ListLeads>(body).limit, combine_lead);
    case MergeKind::kRunBatchTrimmed: {
      Reply out = merge_batches(parts, nullptr);
      trim_items(out);
      return out;
    }
  }
  assert(false && "unknown MergeKind");
  return first_refusal(parts);
}

}  // namespace tessera::engine
