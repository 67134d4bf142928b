// FollowUpDesk: the follow-up query, the release preview and ReleaseAll
// (see follow_up_desk.h).
#include "engine/follow_up_desk.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <queue>

#include "engine/limits.h"

namespace tessera::engine {

struct FollowUpDesk::FollowUpScope {
  const FollowUpFilter* filter = nullptr;
  std::vector<uint32_t> performances;  // indexes, ascending
  std::vector<bool> in_scope;          // by performance index
  bool row_filters = false;            // a filter on the rows' own columns is set
  FollowUpEntry until{};               // sorts after every row due by the deadline
  // The row filters as sorted sets of id values (empty = any): a single
  // field and its list together, a contingent with its sub-contingents.
  std::vector<uint32_t> channels, tariffs, contingents, contacts, categories;
};

// Where the rows a filter may match come from: every row due (kScan), the
// runs of one indexed column's values, or the contacts' lists.
struct FollowUpDesk::Driver {
  enum Source : uint8_t { kScan, kColumn, kContacts } source = kScan;
  FollowUpColumn column = FollowUpColumn::kChannel;
  const std::vector<uint32_t>* values = nullptr;
  uint64_t due = 0;    // candidate rows due by the deadline
  bool exact = false;  // its column is the only row filter: every candidate matches
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

// The values of `one` (unless none) and `list`, sorted, without repeats.
template <typename Id>
std::vector<uint32_t> id_set(Id one, const std::vector<Id>& list) {
  std::vector<uint32_t> out;
  out.reserve(list.size() + 1);
  if (one != kNone) out.push_back(one.value());
  for (const Id id : list) out.push_back(id.value());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool in_set(const std::vector<uint32_t>& set, uint32_t value) {
  return set.empty() || std::binary_search(set.begin(), set.end(), value);
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
  if (Reply bad = check_ids(f.product_types, "product type",
                            [this](ProductTypeId id) { return id == kNone || catalog_.has_product_type(id); });
      !bad.ok())
    return bad;
  const std::vector<uint32_t> types = id_set(ProductTypeId{kNone}, f.product_types);
  const bool untyped = std::find(f.product_types.begin(), f.product_types.end(), ProductTypeId{kNone}) !=
                       f.product_types.end();  // "Sans type"
  auto in_scope = [&](const DefineProduct& p) {
    if (p.season != f.season || p.family != f.family) return false;
    if (f.product_types.empty()) return true;
    return p.type == kNone ? untyped : std::binary_search(types.begin(), types.end(), p.type.value());
  };
  if (f.product != kNone) {
    const Product* p = catalog_.product(f.product);
    if (!p) return refuse(ReplyCode::kNotFound, cat("product ", f.product, " not found"));
    if (!in_scope(p->definition))
      return refuse(ReplyCode::kInvalidArgument,
                    cat("product ", f.product, " is not in season ", f.season, ", family ", f.family,
                        f.product_types.empty() ? "" : " and the product types filtered on"));
  }
  Reply r = check_ids(f.tariffs, "tariff", [this](TariffId id) { return catalog_.tariff(id) != nullptr; });
  if (r.ok()) r = check_ids(f.categories, "category", [this](CategoryId id) { return catalog_.has_category(id); });
  if (r.ok())
    r = check_ids(f.channels, "channel", [this](ChannelId id) { return id != kNone && catalog_.has_channel(id); });
  if (r.ok())
    r = check_ids(f.contingents, "contingent",
                  [this](ContingentId id) { return stock_.contingents().find(id) != nullptr; });
  if (r.ok())
    r = check_ids(f.performances, "performance",
                  [this](PerformanceId id) { return stock_.performances().find(id) != nullptr; });
  if (r.ok() && f.contacts.size() > kFilterListMax)
    r = refuse(ReplyCode::kLimitExceeded, cat("at most ", kFilterListMax, " contacts in a filter"));
  if (!r.ok()) return r;
  if (f.channel != kNone && !catalog_.has_channel(f.channel))
    return refuse(ReplyCode::kNotFound, cat("channel ", f.channel, " not found"));
  if (f.contingent != kNone && !stock_.contingents().find(f.contingent))
    return refuse(ReplyCode::kNotFound, cat("contingent ", f.contingent, " not found"));
  if (f.performance != kNone && !stock_.performances().find(f.performance))
    return refuse(ReplyCode::kNotFound, cat("performance ", f.performance, " not found"));

  scope->filter = &f;
  scope->channels = id_set(f.channel, f.channels);
  scope->tariffs = id_set(TariffId{kNone}, f.tariffs);
  scope->categories = id_set(CategoryId{kNone}, f.categories);
  scope->contacts = id_set(f.contact, f.contacts);
  scope->contingents = id_set(f.contingent, f.contingents);
  if (!scope->contingents.empty()) {  // with their sub-contingents (a parent's index is below its children's)
    const std::vector<Contingent>& all = stock_.contingents().items();
    std::vector<bool> chosen(all.size(), false);
    for (uint32_t i = 0; i < all.size(); ++i) {
      chosen[i] = std::binary_search(scope->contingents.begin(), scope->contingents.end(), all[i].id.value()) ||
                  (all[i].parent != kNoContingent && chosen[all[i].parent]);
      if (chosen[i]) scope->contingents.push_back(all[i].id.value());
    }
    std::sort(scope->contingents.begin(), scope->contingents.end());
    scope->contingents.erase(std::unique(scope->contingents.begin(), scope->contingents.end()),
                             scope->contingents.end());
  }
  scope->row_filters = !scope->contingents.empty() || !scope->tariffs.empty() || !scope->contacts.empty() ||
                       f.contact_types != 0 || !scope->categories.empty() || !scope->channels.empty();
  scope->until = follow_up_key_after_day(f.due_until_ms);

  const std::vector<uint32_t> performances = id_set(f.performance, f.performances);
  const std::vector<Performance>& all = stock_.performances().items();
  scope->in_scope.assign(all.size(), false);
  if (!performances.empty()) {
    for (const uint32_t id : performances) {
      const Performance* p = stock_.performances().find(PerformanceId{id});
      const DefineProduct& product = catalog_.product(p->definition.product)->definition;
      if (!in_scope(product) || (f.product != kNone && product.product != f.product))
        return refuse(ReplyCode::kInvalidArgument,
                      cat("performance ", id, " is not in the season, family, product or product types filtered on"));
      scope->performances.push_back(static_cast<uint32_t>(p - all.data()));
    }
    std::sort(scope->performances.begin(), scope->performances.end());
  } else {
    for (uint32_t i = 0; i < all.size(); ++i) {
      const DefineProduct& product = catalog_.product(all[i].definition.product)->definition;
      if (in_scope(product) && (f.product == kNone || product.product == f.product)) scope->performances.push_back(i);
    }
  }
  for (const uint32_t pi : scope->performances) scope->in_scope[pi] = true;
  return Reply{};
}

bool FollowUpDesk::row_matches(const FollowUpScope& scope, const FollowUpEntry& e) const {
  if (!scope.row_filters) return true;
  if (!in_set(scope.contingents, e.contingent.value()) || !in_set(scope.channels, e.channel.value()) ||
      !in_set(scope.contacts, e.contact.value()) || !in_set(scope.tariffs, e.tariff.value()) ||
      !in_set(scope.categories, e.category.value()))
    return false;
  if (scope.filter->contact_types != 0) {
    const Contact* c = contacts_.find(e.contact);
    if (!c || (c->record.types & scope.filter->contact_types) == 0) return false;
  }
  return true;
}

// Rows in scope due by the deadline (the total), and in the same pass how
// many of them sort before `cursor` (when given): one scan, not two, for a
// filtered page the indexed columns cannot answer.
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

// Candidate rows of a driver that sort before `limit` (its runs' or lists'
// positions summed: no row is read).
uint64_t FollowUpDesk::count_candidates(const FollowUpScope& scope, const Driver& d, const FollowUpKey& limit) const {
  const FollowUpIndex& index = book_.follow_up();
  uint64_t n = 0;
  if (d.source == Driver::kContacts) {
    for (const uint32_t contact : *d.values) {
      const FollowUpIndex::ContactRun* rows = index.contact_rows(scope.filter->kind, ContactId{contact});
      if (!rows) continue;
      rows->for_each_before(FollowUpContactRow{limit, 0},
                            [&](const FollowUpContactRow& r) { n += scope.in_scope[r.performance_index] ? 1 : 0; });
    }
    return n;
  }
  for (const uint32_t pi : scope.performances) {
    const FollowUpIndex::ValueRuns* runs = index.runs(pi, scope.filter->kind, d.column);
    if (!runs) continue;
    for (const uint32_t value : *d.values)
      if (const FollowUpIndex::KeyRun* run = FollowUpIndex::run(*runs, value)) n += run->count_less(limit);
  }
  return n;
}

// The most selective indexed column set in the filter (fewest candidate
// rows due), or kScan when none of channel, tariff, contingent or contact
// is filtered on.
FollowUpDesk::Driver FollowUpDesk::choose_driver(const FollowUpScope& scope) const {
  Driver best;
  if (!scope.row_filters) return best;
  const FollowUpIndex& index = book_.follow_up();
  if (!scope.contacts.empty()) index.refresh_contacts(scope.filter->kind);
  if (!scope.channels.empty() || !scope.tariffs.empty() || !scope.contingents.empty())
    for (const uint32_t pi : scope.performances) index.refresh_runs(pi, scope.filter->kind);
  const FollowUpKey until = key_of(scope.until);
  const struct {
    Driver::Source source;
    FollowUpColumn column;
    const std::vector<uint32_t>* values;
  } options[] = {{Driver::kContacts, FollowUpColumn::kChannel, &scope.contacts},
                 {Driver::kColumn, FollowUpColumn::kContingent, &scope.contingents},
                 {Driver::kColumn, FollowUpColumn::kTariff, &scope.tariffs},
                 {Driver::kColumn, FollowUpColumn::kChannel, &scope.channels}};
  for (const auto& o : options) {
    if (o.values->empty()) continue;
    Driver d{o.source, o.column, o.values, 0, false};
    d.due = count_candidates(scope, d, until);
    if (best.source == Driver::kScan || d.due < best.due) best = d;
  }
  if (best.source != Driver::kScan) {
    const size_t sets = !scope.contacts.empty() + !scope.contingents.empty() + !scope.tariffs.empty() +
                        !scope.channels.empty() + !scope.categories.empty();
    best.exact = sets == 1 && scope.filter->contact_types == 0;
  }
  return best;
}

// Calls f(row) for the driver's candidate rows from `from` (inclusive)
// until the deadline, in key order, until f returns false.
template <typename F>
void FollowUpDesk::for_each_candidate(const FollowUpScope& scope, const Driver& d, const FollowUpKey& from,
                                      F&& f) const {
  const FollowUpIndex& index = book_.follow_up();
  const BookingKind kind = scope.filter->kind;
  const FollowUpKey until = key_of(scope.until);
  const auto row_of = [&](uint32_t pi, const FollowUpKey& k) -> const FollowUpEntry& {
    const FollowUpIndex::Bucket* b = index.find(pi, kind);
    const auto at = b->lower_bound(entry_key(k));
    assert(!b->at_end(at) && b->get(at).order == k.order && b->get(at).line == k.line);
    return b->get(at);
  };
  if (d.source == Driver::kContacts) {  // the contacts' lists merged in key order
    using ContactRun = FollowUpIndex::ContactRun;
    struct Head {
      const ContactRun* run;
      ContactRun::Position at;
    };
    auto later = [](const Head& a, const Head& b) {
      return FollowUpKeyLess{}(b.run->get(b.at).key, a.run->get(a.at).key);
    };
    std::priority_queue<Head, std::vector<Head>, decltype(later)> heads(later);
    for (const uint32_t contact : *d.values) {
      const ContactRun* run = index.contact_rows(kind, ContactId{contact});
      if (!run) continue;
      Head h{run, run->lower_bound(FollowUpContactRow{from, 0})};
      if (!run->at_end(h.at) && FollowUpKeyLess{}(run->get(h.at).key, until)) heads.push(h);
    }
    while (!heads.empty()) {
      Head h = heads.top();
      heads.pop();
      const FollowUpContactRow& r = h.run->get(h.at);
      if (scope.in_scope[r.performance_index] && !f(row_of(r.performance_index, r.key))) return;
      h.run->advance(h.at);
      if (!h.run->at_end(h.at) && FollowUpKeyLess{}(h.run->get(h.at).key, until)) heads.push(h);
    }
    return;
  }
  using KeyRun = FollowUpIndex::KeyRun;
  struct Head {
    const KeyRun* run;
    KeyRun::Position at;
    uint32_t pi;
  };
  auto later = [](const Head& a, const Head& b) { return FollowUpKeyLess{}(b.run->get(b.at), a.run->get(a.at)); };
  std::priority_queue<Head, std::vector<Head>, decltype(later)> heads(later);
  for (const uint32_t pi : scope.performances) {
    const FollowUpIndex::ValueRuns* runs = index.runs(pi, kind, d.column);
    if (!runs) continue;
    for (const uint32_t value : *d.values) {
      const KeyRun* run = FollowUpIndex::run(*runs, value);
      if (!run) continue;
      Head h{run, run->lower_bound(from), pi};
      if (!run->at_end(h.at) && FollowUpKeyLess{}(run->get(h.at), until)) heads.push(h);
    }
  }
  while (!heads.empty()) {
    Head h = heads.top();
    heads.pop();
    if (!f(row_of(h.pi, h.run->get(h.at)))) return;
    h.run->advance(h.at);
    if (!h.run->at_end(h.at) && FollowUpKeyLess{}(h.run->get(h.at), until)) heads.push(h);
  }
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
  if (line.contingent != kNone)
    if (const Contingent* k = stock_.contingents().find(line.contingent)) row.contingent_name = k->name;
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
  FollowUpPage page;
  const Driver driver = choose_driver(scope);
  if (driver.source != Driver::kScan) {
    const FollowUpKey from = paged ? key_of(after_next) : FollowUpKey{std::numeric_limits<int64_t>::min(), 0, 0};
    uint64_t before = 0;
    if (driver.exact) {  // counted from the runs; read only the page's rows
      page.total = driver.due;
      before = paged ? count_candidates(scope, driver, from) : 0;
      for_each_candidate(scope, driver, from, [&](const FollowUpEntry& e) {
        page.rows.push_back(follow_up_row(e));
        return page.rows.size() < limit;
      });
    } else {  // read the driver's candidates, test the other filters
      for_each_candidate(scope, driver, FollowUpKey{std::numeric_limits<int64_t>::min(), 0, 0},
                         [&](const FollowUpEntry& e) {
                           if (!row_matches(scope, e)) return true;
                           ++page.total;
                           if (paged && FollowUpEntryLess{}(e, after_next)) {
                             ++before;
                           } else if (page.rows.size() < limit) {
                             page.rows.push_back(follow_up_row(e));
                           }
                           return true;
                         });
    }
    page.more = page.total - std::min(before, page.total) > page.rows.size();
    r.value = static_cast<int64_t>(page.total);
    r.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(page)});
    return r;
  }

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

// The skipped orders (locked or kept) after `after` by order id, one page,
// named as the screen shows them.
void FollowUpDesk::name_skipped(const ReleasePlan& plan, OrderId after, ReleaseSummary* summary) const {
  struct Skip {
    OrderId order;
    uint32_t slot;
    SkipReason reason;
  };
  std::vector<Skip> skips;
  const OrderTable& table = book_.table();
  const auto collect = [&](const std::vector<uint64_t>& bits, SkipReason reason) {
    ReleasePlan::for_each(bits, [&](uint32_t slot) {
      if (const OrderId id = table.id_of(slot); id > after) skips.push_back(Skip{id, slot, reason});
    });
  };
  collect(plan.locked, SkipReason::kLocked);
  collect(plan.kept, SkipReason::kKept);
  const auto by_order = [](const Skip& a, const Skip& b) { return a.order < b.order; };
  const bool more = skips.size() > kSkippedOrdersPage;
  if (more) {
    std::nth_element(skips.begin(), skips.begin() + kSkippedOrdersPage, skips.end(), by_order);
    skips.resize(kSkippedOrdersPage);
  }
  std::sort(skips.begin(), skips.end(), by_order);
  for (const Skip& skip : skips) {
    const Order& o = table.at(skip.slot);
    SkippedOrder row{skip.order, skip.reason, o.contact, 0, {}, o.due_ms};
    if (const Contact* contact = contacts_.find(o.contact)) {
      row.contact_number = contact->record.number;
      row.contact_name = contact->display_name();
    }
    summary->skipped.push_back(std::move(row));
  }
  summary->skipped_next = more ? skips.back().order : OrderId{0};
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
  name_skipped(plan, c.skipped_after, &summary);
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
  FollowUpIndex& index = book_.follow_up();
  FollowUpBulk bulk;
  bulk.performances = scope.in_scope;
  // The contacts' rows: rebuilt at the next read that needs them when many
  // orders go, else each order's own removed (a search in its contact's list).
  bulk.contacts = ReleasePlan::count(plan.release) * 8 > index.contact_row_count(c.filter.kind);
  StockTally tally;
  ReleasePlan::for_each(plan.release, [&](uint32_t slot) {
    Order& o = book_.table().at(slot);
    const OrderId id = book_.table().id_of(slot);
    TESSERA_CHECK(o.live() && is_booking(o.state) && !o.locked);
    add_released_stock(o, id, &tally);
    book_.close(o, id, OrderState::kReleased, who.principal, &bulk);
  });
  const auto released = [&](OrderId order) { return ReleasePlan::test(plan.release, order_slot(order)); };
  for (size_t i = 0; i < scope.performances.size(); ++i)
    index.compact(scope.performances[i], c.filter.kind, scope.until, plan.whole_prefix[i], released);
  if (bulk.contacts) index.contacts_went_stale(c.filter.kind);
  ReleaseSummary& summary = tally.summary;
  plan.count_into(summary);
  finish_summary(summary);
  name_skipped(plan, OrderId{0}, &summary);
  r.value = static_cast<int64_t>(summary.released);
  r.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(summary)});
  return r;
}

}  // namespace tessera::engine
