// FollowUpDesk: the follow-up query, the release preview and ReleaseAll
// (see follow_up_desk.h).
#include "engine/follow_up_desk.h"

#include <algorithm>
#include <cassert>
#include <queue>

#include "engine/limits.h"

namespace tessera::engine {

struct FollowUpDesk::FollowUpScope {
  const FollowUpFilter* filter = nullptr;
  std::vector<uint32_t> performances;  // indexes, ascending
  bool row_filters = false;            // a filter on the rows' own columns is set
  FollowUpEntry until{};               // sorts after every row due by the deadline
};

namespace {

template <typename Ids, typename Known>
Reply check_ids(const Ids& ids, const char* what, Known&& known) {
  if (ids.size() > kFilterListMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", kFilterListMax, " ", what, "s in a filter"));
  for (const auto id : ids)
    if (!known(id)) return refuse(ReplyCode::kNotFound, cat(what, " ", id, " not found"));
  return Reply{};
}

template <typename Id>
bool contains(const std::vector<Id>& ids, Id id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

// Validates the filter and lists the performances it covers on this shard.
Reply FollowUpDesk::follow_up_scope(const FollowUpFilter& f, FollowUpScope* scope) const {
  if (f.due_until_ms <= 0)
    return refuse(ReplyCode::kInvalidArgument, "the deadline filter (due_until_ms) is mandatory");
  if (f.season == kNone) return refuse(ReplyCode::kInvalidArgument, "the season filter is mandatory");
  if (f.family == kNone) return refuse(ReplyCode::kInvalidArgument, "the product family filter is mandatory");
  if (f.kind > BookingKind::kReservation)
    return refuse(ReplyCode::kInvalidArgument, "order type must be option or reservation");
  if (!catalog_.has_season(f.season)) return refuse(ReplyCode::kNotFound, cat("season ", f.season, " not found"));
  if (!catalog_.has_family(f.family))
    return refuse(ReplyCode::kNotFound, cat("product family ", f.family, " not found"));
  if ((f.contact_types & ~kContactTypesAll) != 0)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown contact type bits ", f.contact_types & ~kContactTypesAll));
  auto in_scope = [&](const DefineProduct& p) { return p.season == f.season && p.family == f.family; };
  if (f.product != kNone) {
    const Product* p = catalog_.product(f.product);
    if (!p) return refuse(ReplyCode::kNotFound, cat("product ", f.product, " not found"));
    if (!in_scope(p->definition))
      return refuse(ReplyCode::kInvalidArgument,
                    cat("product ", f.product, " is not in season ", f.season, " and family ", f.family));
  }
  Reply r = check_ids(f.tariffs, "tariff", [this](TariffId id) { return catalog_.tariff(id) != nullptr; });
  if (r.ok()) r = check_ids(f.categories, "category", [this](CategoryId id) { return catalog_.has_category(id); });
  if (!r.ok()) return r;
  if (f.channel != kNone && !catalog_.has_channel(f.channel))
    return refuse(ReplyCode::kNotFound, cat("channel ", f.channel, " not found"));
  if (f.contingent != kNone) {
    const Contingent* k = stock_.contingents().find(f.contingent);
    if (!k) return refuse(ReplyCode::kNotFound, cat("contingent ", f.contingent, " not found"));
  }
  scope->filter = &f;
  scope->row_filters = f.contingent != kNone || !f.tariffs.empty() || f.contact != kNone || f.contact_types != 0 ||
                       !f.categories.empty() || f.channel != kNone;
  scope->until = follow_up_key_after_day(f.due_until_ms);
  if (f.performance != kNone) {
    const Performance* p = stock_.performances().find(f.performance);
    if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", f.performance, " not found"));
    const DefineProduct& product = catalog_.product(p->definition.product)->definition;
    if (!in_scope(product) || (f.product != kNone && product.product != f.product))
      return refuse(ReplyCode::kInvalidArgument,
                    cat("performance ", f.performance, " is not in the season, family or product filtered on"));
    scope->performances.push_back(static_cast<uint32_t>(p - stock_.performances().items().data()));
    return Reply{};
  }
  const std::vector<Performance>& all = stock_.performances().items();
  for (uint32_t i = 0; i < all.size(); ++i) {
    const DefineProduct& product = catalog_.product(all[i].definition.product)->definition;
    if (in_scope(product) && (f.product == kNone || product.product == f.product)) scope->performances.push_back(i);
  }
  return Reply{};
}

bool FollowUpDesk::row_matches(const FollowUpScope& scope, const FollowUpEntry& e) const {
  if (!scope.row_filters) return true;
  const FollowUpFilter& f = *scope.filter;
  if (f.contingent != kNone && e.contingent != f.contingent) return false;
  if (f.channel != kNone && e.channel != f.channel) return false;
  if (f.contact != kNone && e.contact != f.contact) return false;
  if (!f.tariffs.empty() && !contains(f.tariffs, e.tariff)) return false;
  if (!f.categories.empty() && !contains(f.categories, e.category)) return false;
  if (f.contact_types != 0) {
    const Contact* c = contacts_.find(e.contact);
    if (!c || (c->record.types & f.contact_types) == 0) return false;
  }
  return true;
}

// Rows in scope due by the deadline (the total), and in the same pass how
// many of them sort before `cursor` (when given): one scan, not two, for a
// filtered page.
uint64_t FollowUpDesk::count_rows(const FollowUpScope& scope, const FollowUpEntry* cursor, uint64_t* before) const {
  uint64_t total = 0;
  uint64_t ahead = 0;
  for (uint32_t pi : scope.performances) {
    const FollowUpIndex::Bucket* b = book_.follow_up().find(pi, scope.filter->kind);
    if (!b || b->empty()) continue;
    if (!scope.row_filters) {
      total += b->count_less(scope.until);
      if (cursor) ahead += b->count_less(*cursor);
      continue;
    }
    b->for_each_before(scope.until, [&](const FollowUpEntry& e) {
      if (!row_matches(scope, e)) return;
      ++total;
      if (cursor && FollowUpEntryLess{}(e, *cursor)) ++ahead;
    });
  }
  if (before) *before = std::min(ahead, total);
  return total;
}

FollowUpRow FollowUpDesk::follow_up_row(const FollowUpEntry& e) const {
  const Order* o = book_.table().find(e.order);
  assert(o && is_booking(o->state));
  const OrderLine& line = o->lines[e.line];
  const Performance& p = stock_.performances().items()[line.performance_index];
  const Product* product = catalog_.product(p.definition.product);
  const Tariff* tariff = catalog_.tariff(line.tariff);
  const Contact* contact = contacts_.find(o->contact);
  FollowUpRow row;
  row.due_ms = e.due_ms;
  row.order = e.order;
  row.line = e.line;
  row.state = o->state;
  row.mark = o->mark;
  row.locked = o->locked;
  row.file_number = o->file_number;
  row.contact = o->contact;
  if (contact) {
    row.contact_number = contact->record.number;
    row.contact_name = contact->display_name();
  }
  row.channel = o->channel;
  row.channel_name = catalog_.channel_name(o->channel);
  row.product = p.definition.product;
  row.product_name = product->definition.name;
  row.performance = line.performance;
  row.performance_starts_ms = p.definition.starts_at_ms;
  row.category = line.category;
  row.category_name = catalog_.category_name(line.category);
  row.tariff = line.tariff;
  row.tariff_name = tariff ? tariff->name : std::string();
  row.contingent = line.contingent;
  row.quantity = e.quantity;
  row.reminder_rank = o->reminder_rank;
  row.reminded_ms = o->reminded_ms;
  return row;
}

Reply FollowUpDesk::on(const QueryFollowUp& c) const {
  const uint32_t limit = follow_up_limit(c.limit);
  if (limit > kFollowUpRowsMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("limit must be in [1, ", kFollowUpRowsMax, "], or 0 for ", kFollowUpRowsDefault));
  FollowUpScope scope;
  Reply r = follow_up_scope(c.filter, &scope);
  if (!r.ok()) return r;
  const bool paged = c.after.order != 0;
  const FollowUpEntry after_next = follow_up_key(c.after.due_ms, c.after.order, c.after.line + 1);

  // Merge the buckets' runs in key order.
  using Bucket = FollowUpIndex::Bucket;
  struct Head {
    const Bucket* bucket;
    Bucket::Position at;
  };
  auto later = [](const Head& a, const Head& b) {
    return FollowUpEntryLess{}(b.bucket->get(b.at), a.bucket->get(a.at));
  };
  std::priority_queue<Head, std::vector<Head>, decltype(later)> heads(later);
  for (uint32_t pi : scope.performances) {
    const Bucket* b = book_.follow_up().find(pi, c.filter.kind);
    if (!b || b->empty()) continue;
    Head h{b, paged ? b->lower_bound(after_next) : b->begin()};
    if (!b->at_end(h.at) && FollowUpEntryLess{}(b->get(h.at), scope.until)) heads.push(h);
  }
  FollowUpPage page;
  while (!heads.empty() && page.rows.size() < limit) {
    Head h = heads.top();
    heads.pop();
    const FollowUpEntry& e = h.bucket->get(h.at);
    if (row_matches(scope, e)) page.rows.push_back(follow_up_row(e));
    h.bucket->advance(h.at);
    if (!h.bucket->at_end(h.at) && FollowUpEntryLess{}(h.bucket->get(h.at), scope.until)) heads.push(h);
  }
  uint64_t before = 0;
  page.total = count_rows(scope, paged ? &after_next : nullptr, &before);
  page.more = page.total - before > page.rows.size();
  r.value = static_cast<int64_t>(page.total);
  r.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(page)});
  return r;
}

// Adds an order's lines to the per-(performance, category) stock summary.
// Stock (to be) released, per performance and category.
struct FollowUpDesk::StockTally {
  ReleaseSummary summary;
  FlatMap<uint64_t, uint32_t> entry_of;  // (performance << 32 | category) -> summary.stock index
  std::vector<OrderId> last_order;       // per entry: the last order counted in it
};

void FollowUpDesk::add_released_stock(const Order& o, OrderId id, StockTally* tally) const {
  ReleaseSummary& summary = tally->summary;
  for (const OrderLine& line : o.lines) {
    const uint64_t key = (uint64_t{line.performance.value()} << 32) | line.category.value();
    uint32_t at;
    if (const uint32_t* found = tally->entry_of.find(key)) {
      at = *found;
    } else {
      at = static_cast<uint32_t>(summary.stock.size());
      tally->entry_of.insert(key, at);
      summary.stock.push_back(ReleasedStock{line.performance, line.category, 0, 0, 0});
      tally->last_order.push_back(0);
    }
    ReleasedStock& s = summary.stock[at];
    if (tally->last_order[at] != id) {  // an order counts once per performance and category
      tally->last_order[at] = id;
      ++s.orders;
    }
    s.units += line.quantity;
    summary.units += line.quantity;
    if (line.seat != kNoSeat) {
      s.seats += line.quantity;
      summary.seats += line.quantity;
    }
  }
}

namespace {

void finish_summary(ReleaseSummary& s) {
  std::sort(s.stock.begin(), s.stock.end(), [](const ReleasedStock& a, const ReleasedStock& b) {
    return a.performance != b.performance ? a.performance < b.performance : a.category < b.category;
  });
}

}  // namespace

// Which orders a release by filter touches, decided from the index alone
// (rows carry the lock and the release mark): one bit per order slot, so
// each order counts once however many rows it has, and the release then
// walks the order table in slot order (sequential memory) instead of in
// deadline order (a cache miss per order).
struct FollowUpDesk::ReleasePlan {
  std::vector<uint64_t> release, kept, locked;  // bitsets over order slots
  // Per performance in scope: every row due was marked for release, so the
  // bucket's due prefix can be dropped whole instead of filtered.
  std::vector<bool> whole_prefix;

  explicit ReleasePlan(uint32_t slots)
      : release((slots + 63) / 64), kept((slots + 63) / 64), locked((slots + 63) / 64) {}
  static void set(std::vector<uint64_t>& bits, uint32_t slot) { bits[slot / 64] |= uint64_t{1} << (slot % 64); }
  static bool test(const std::vector<uint64_t>& bits, uint32_t slot) { return bits[slot / 64] >> (slot % 64) & 1; }
  static uint64_t count(const std::vector<uint64_t>& bits) {
    uint64_t n = 0;
    for (uint64_t w : bits) n += static_cast<uint64_t>(__builtin_popcountll(w));
    return n;
  }
  void count_into(ReleaseSummary& s) const {
    s.released = count(release);
    s.kept = count(kept);
    s.locked = count(locked);
  }
  template <typename F>
  static void for_each(const std::vector<uint64_t>& bits, F&& f) {
    for (size_t i = 0; i < bits.size(); ++i)
      for (uint64_t w = bits[i]; w != 0; w &= w - 1) f(static_cast<uint32_t>(i * 64 + __builtin_ctzll(w)));
  }
};

void FollowUpDesk::plan_release(const FollowUpScope& scope, ReleasePlan* plan) const {
  plan->whole_prefix.assign(scope.performances.size(), false);
  for (size_t i = 0; i < scope.performances.size(); ++i) {
    const FollowUpIndex::Bucket* b = book_.follow_up().find(scope.performances[i], scope.filter->kind);
    if (!b) continue;
    bool all_released = true;
    b->for_each_before(scope.until, [&](const FollowUpEntry& e) {
      if (!row_matches(scope, e)) {
        all_released = false;
        return;
      }
      const uint32_t slot = order_slot(e.order);
      if (e.flags & kRowLocked) {
        ReleasePlan::set(plan->locked, slot);
        all_released = false;
      } else if (e.flags & kRowKept) {
        ReleasePlan::set(plan->kept, slot);
        all_released = false;
      } else {
        ReleasePlan::set(plan->release, slot);
      }
    });
    plan->whole_prefix[i] = all_released;
  }
}

Reply FollowUpDesk::on(const PreviewRelease& c) const {
  FollowUpScope scope;
  Reply r = follow_up_scope(c.filter, &scope);
  if (!r.ok()) return r;
  ReleasePlan plan(book_.table().slot_count());
  plan_release(scope, &plan);
  StockTally tally;
  ReleasePlan::for_each(plan.release, [&](uint32_t slot) {
    add_released_stock(book_.table().at(slot), book_.table().id_of(slot), &tally);
  });
  ReleaseSummary& summary = tally.summary;
  plan.count_into(summary);
  finish_summary(summary);
  r.value = static_cast<int64_t>(summary.released);
  r.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(summary)});
  return r;
}

// Plan from the index, release in slot order, then drop the released rows
// from the buckets in scope in one compaction pass each (rows of those
// orders in other performances' buckets are erased by OrderBook::close()).
Reply FollowUpDesk::on(const ReleaseAll& c, const Caller& who) {
  FollowUpScope scope;
  Reply r = follow_up_scope(c.filter, &scope);
  if (!r.ok()) return r;
  ReleasePlan plan(book_.table().slot_count());
  plan_release(scope, &plan);
  std::vector<bool> compacting(stock_.performances().size(), false);
  for (uint32_t pi : scope.performances) compacting[pi] = true;
  StockTally tally;
  ReleasePlan::for_each(plan.release, [&](uint32_t slot) {
    Order& o = book_.table().at(slot);
    const OrderId id = book_.table().id_of(slot);
    TESSERA_CHECK(o.live() && is_booking(o.state) && !o.locked);
    add_released_stock(o, id, &tally);
    book_.close(o, id, OrderState::kReleased, who.principal, &compacting);
  });
  for (size_t i = 0; i < scope.performances.size(); ++i) {
    FollowUpIndex::Bucket* b = book_.follow_up().find(scope.performances[i], c.filter.kind);
    if (!b || b->empty()) continue;
    if (plan.whole_prefix[i]) {
      b->erase_before(scope.until);
    } else {
      b->visit_and_remove_until(
          scope.until, [&](const FollowUpEntry& e) { return ReleasePlan::test(plan.release, order_slot(e.order)); });
    }
  }
  ReleaseSummary& summary = tally.summary;
  plan.count_into(summary);
  finish_summary(summary);
  r.value = static_cast<int64_t>(summary.released);
  r.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(summary)});
  return r;
}

}  // namespace tessera::engine
