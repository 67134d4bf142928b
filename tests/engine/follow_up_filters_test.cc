// Follow-up filters with several values (issue 21): performances,
// contingents (with their sub-contingents), channels and contacts; the
// counts from the index's runs agree with a model of the options under
// random bookings, releases and bulk releases.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "engine/reply_merge.h"
#include "tests/engine/shard_fixture.h"

namespace tessera::engine {
namespace {

using workload::kBoxOffice;
using workload::kPartner;
using workload::kWeb;

constexpr ContingentId kSub = 90001, kSubSub = 90002;

class FollowUpFiltersTest : public ShardTest {
 protected:
  FollowUpFiltersTest() {
    for (ContactId c : {ContactId{7}, ContactId{8}, ContactId{9}})
      must_apply(
          Command{0, DefineContact{c, uint64_t{100000000000} + c.value(), "CONTACT", "", "", kContactIndividual}});
    // The demo partner contingent of kPerfKeep, a sub-contingent and its own sub.
    must_apply(Command{0, DefineSubContingent{kSub, kPerfKeep, workload::demo_partner_contingent(kPerfKeep), 4, {}}});
    must_apply(Command{0, DefineSubContingent{kSubSub, kPerfKeep, kSub, 2, {}}});
  }

  static FollowUpFilter filter(int64_t due_until = kT0 + 30 * kDay) {
    FollowUpFilter f;
    f.kind = BookingKind::kOption;
    f.due_until_ms = due_until;
    f.season = 1;
    f.family = 1;
    return f;
  }
  OrderId option(ContactId contact, PerformanceId p, ChannelId ch, int64_t deadline, ContingentId k = kNone,
                 uint32_t tariff = 1) {
    const Reply r = run(Book{BookingKind::kOption,
                             contact,
                             ch,
                             {LineRequest{p, 1, workload::demo_tariff(product_of(p), tariff), 1, k}},
                             deadline});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  // Every row of every page, and the totals each page gave.
  std::set<OrderId> orders(const FollowUpFilter& f, uint64_t* total = nullptr, uint32_t limit = 3) {
    std::set<OrderId> out;
    FollowUpCursor after{};
    for (;;) {
      const Reply r = run(QueryFollowUp{f, after, limit});
      EXPECT_TRUE(r.ok()) << r.message;
      if (!r.ok()) return out;
      const FollowUpPage& page = std::get<FollowUpPage>(r.detail->value);
      if (total) *total = page.total;
      for (const FollowUpRow& row : page.rows) {
        EXPECT_TRUE(std::tie(after.due_ms, after.order, after.line) < std::tie(row.due_ms, row.order, row.line))
            << "rows out of order";
        EXPECT_TRUE(out.insert(row.order).second) << "order " << row.order << " twice";
        after = FollowUpCursor{row.due_ms, row.order, row.line};
      }
      if (!page.more) return out;
    }
  }
};

TEST_F(FollowUpFiltersTest, SeveralChannelsContactsAndPerformances_MatchAnyOfTheirValues) {
  const OrderId web7 = option(7, kPerfKeep, kWeb, kT0 + kDay);
  const OrderId box8 = option(8, kPerfKeep, kBoxOffice, kT0 + 2 * kDay);
  const OrderId box9 = option(9, kPerfKeep.value() + 1, kBoxOffice, kT0 + 3 * kDay);
  FollowUpFilter f = filter();
  f.channels = {kWeb, kBoxOffice};
  EXPECT_EQ(orders(f), (std::set<OrderId>{web7, box8, box9}));
  f = filter();
  f.channel = kWeb;  // the single field and the list are one set
  f.channels = {kBoxOffice};
  EXPECT_EQ(orders(f), (std::set<OrderId>{web7, box8, box9}));
  f = filter();
  f.contacts = {7, 9};
  EXPECT_EQ(orders(f), (std::set<OrderId>{web7, box9}));
  f = filter();
  f.performances = {kPerfKeep.value() + 1};
  EXPECT_EQ(orders(f), (std::set<OrderId>{box9}));
  f.performances = {kPerfKeep, kPerfKeep.value() + 1};
  EXPECT_EQ(orders(f), (std::set<OrderId>{web7, box8, box9}));
  f = filter();
  f.contacts = {8, 9};
  f.channels = {kBoxOffice};
  f.performances = {kPerfKeep};
  uint64_t total = 0;
  EXPECT_EQ(orders(f, &total), (std::set<OrderId>{box8}));
  EXPECT_EQ(total, 1u);
}

TEST_F(FollowUpFiltersTest, AContingent_IncludesItsSubContingentsRows) {
  const ContingentId top = workload::demo_partner_contingent(kPerfKeep);
  const OrderId in_top = option(7, kPerfKeep, kPartner, kT0 + kDay, top);
  const OrderId in_sub = option(8, kPerfKeep, kPartner, kT0 + kDay, kSub);
  const OrderId in_sub_sub = option(9, kPerfKeep, kPartner, kT0 + kDay, kSubSub);
  option(7, kPerfKeep, kBoxOffice, kT0 + kDay);  // open sale
  FollowUpFilter f = filter();
  f.contingent = top;
  uint64_t total = 0;
  EXPECT_EQ(orders(f, &total), (std::set<OrderId>{in_top, in_sub, in_sub_sub}));
  EXPECT_EQ(total, 3u);
  f = filter();
  f.contingents = {kSub};
  EXPECT_EQ(orders(f), (std::set<OrderId>{in_sub, in_sub_sub}));
  f.contacts = {9};
  EXPECT_EQ(orders(f), (std::set<OrderId>{in_sub_sub}));
  // ReleaseAll by the same filter releases the sub-contingents' options too.
  f = filter();
  f.contingents = {top};
  const Reply released = run(ReleaseAll{f});
  ASSERT_TRUE(released.ok()) << released.message;
  EXPECT_EQ(released.value, 3);
  EXPECT_EQ(state(in_sub_sub), OrderState::kReleased);
  EXPECT_TRUE(orders(f).empty());
}

TEST_F(FollowUpFiltersTest, ProductTypes_KeepTheirProducts_AndZeroIsSansType) {
  // Product 9 of type 1 ("Jeune public"), one performance; the demo products have no type.
  ASSERT_TRUE(run(DefineProductType{1, "Jeune public"}).ok());
  DefineProduct typed{9, 1, 1, "Contes du mercredi"};
  typed.type = 1;
  ASSERT_TRUE(run(typed).ok());
  ASSERT_TRUE(run(DefineTariff{901, 9, "Enfant"}).ok());
  ASSERT_TRUE(run(SetTariffPrice{901, 1, kNone, 800}).ok());
  ASSERT_TRUE(run(DefinePerformance{9001, 9, kT0 + 40 * kDay, 0, 0}).ok());
  ASSERT_TRUE(run(SetGeneralAdmission{9001, 1, 20}).ok());
  const Reply r = run(Book{BookingKind::kOption, 7, kBoxOffice, {LineRequest{9001, 1, 901, 1, kNone}}, kT0 + kDay});
  ASSERT_TRUE(r.ok()) << r.message;
  const OrderId untyped = option(8, kPerfKeep, kBoxOffice, kT0 + kDay);

  FollowUpFilter f = filter();
  f.product_types = {1};
  EXPECT_EQ(orders(f), (std::set<OrderId>{r.order}));
  f.product_types = {ProductTypeId{kNone}};
  EXPECT_EQ(orders(f), (std::set<OrderId>{untyped}));
  f.product_types = {ProductTypeId{kNone}, 1};
  EXPECT_EQ(orders(f), (std::set<OrderId>{r.order, untyped}));

  f.product_types = {2};
  const Reply unknown = run(QueryFollowUp{f, {}, 10});
  EXPECT_EQ(unknown.code, ReplyCode::kNotFound);
  EXPECT_NE(unknown.message.find("product type 2"), std::string::npos) << unknown.message;
  // A product of an unknown type, or a type defined twice, is refused.
  DefineProduct bad{10, 1, 1, "Sans catalogue"};
  bad.type = 2;
  EXPECT_EQ(run(bad).code, ReplyCode::kNotFound);
  EXPECT_EQ(run(DefineProductType{1, "Encore"}).code, ReplyCode::kDuplicate);
  // A filter on the product's own type and another product is InvalidArgument.
  f = filter();
  f.product = workload::kProductKeep;
  f.product_types = {1};
  EXPECT_EQ(run(QueryFollowUp{f, {}, 10}).code, ReplyCode::kInvalidArgument);
}

TEST_F(FollowUpFiltersTest, RowsNameTheirContingent_AndTheDefinitionAgainRenamesIt) {
  const ContingentId top = workload::demo_partner_contingent(kPerfKeep);
  ASSERT_TRUE(run(DefineSubContingent{90003, kPerfKeep, top, 1, {}, "Comité d'entreprise"}).ok());
  option(7, kPerfKeep, kPartner, kT0 + kDay, 90003);
  option(8, kPerfKeep, kPartner, kT0 + 2 * kDay, kSub);
  const auto names = [&] {
    const Reply page = run(QueryFollowUp{filter(), {}, 10});
    std::vector<std::string> out;
    for (const FollowUpRow& row : std::get<FollowUpPage>(page.detail->value).rows) out.push_back(row.contingent_name);
    return out;
  };
  EXPECT_EQ(names(), (std::vector<std::string>{"Comité d'entreprise", ""}));

  // kSub, defined unnamed: the same definition with a name renames it.
  DefineSubContingent again{kSub, kPerfKeep, top, 4, {}, "Partenaire presse"};
  const uint64_t before = shard_.state_hash();
  ASSERT_TRUE(run(again).ok());
  EXPECT_NE(shard_.state_hash(), before);
  EXPECT_EQ(names(), (std::vector<std::string>{"Comité d'entreprise", "Partenaire presse"}));
  // Any other difference is still a duplicate; so is a rename logged under rules 1.
  DefineSubContingent bigger = again;
  bigger.allotment = 5;
  bigger.name = "Autre";
  EXPECT_EQ(run(bigger).code, ReplyCode::kDuplicate);
  Command old_rules{0, DefineSubContingent{kSub, kPerfKeep, top, 4, {}, "Ancien"}};
  old_rules.rules = 1;
  EXPECT_EQ(shard_.apply(old_rules, now_).code, ReplyCode::kDuplicate);
  EXPECT_EQ(run(DefineSubContingent{90004, kPerfKeep, top, 1, {}, std::string(kNameLengthMax + 1, 'x')}).code,
            ReplyCode::kInvalidArgument);

  // The export gives the names back, and a snapshot keeps them.
  std::string image;
  shard_.save(&image);
  Result<std::unique_ptr<Shard>> loaded = Shard::load(image);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->state_hash(), shard_.state_hash());
  const Reply exported = (*loaded)->apply(Command{0, ExportCatalog{}}, now_);
  ASSERT_TRUE(exported.ok()) << exported.message;
  std::string exported_name = "(absent)";
  for (const Command& c : std::get<CatalogExport>(exported.detail->value).commands)
    if (const auto* d = std::get_if<DefineSubContingent>(&c.body); d && d->contingent == kSub) exported_name = d->name;
  EXPECT_EQ(exported_name, "Partenaire presse");
}

TEST_F(FollowUpFiltersTest, BadValues_AreRefusedByName) {
  FollowUpFilter f = filter();
  f.contingents = {424242};
  Reply r = run(QueryFollowUp{f, {}, 10});
  EXPECT_EQ(r.code, ReplyCode::kNotFound);
  EXPECT_NE(r.message.find("contingent 424242"), std::string::npos) << r.message;
  f = filter();
  f.channels = {kNone};
  EXPECT_EQ(run(QueryFollowUp{f, {}, 10}).code, ReplyCode::kNotFound);
  f = filter();
  f.performances = {424242};
  EXPECT_EQ(run(PreviewRelease{f}).code, ReplyCode::kNotFound);
  f = filter();
  for (uint32_t c = 1; c <= kFilterListMax + 1; ++c) f.contacts.push_back(c);
  EXPECT_EQ(run(ReleaseAll{f}).code, ReplyCode::kLimitExceeded);
}

TEST_F(FollowUpFiltersTest, ReleaseAll_NamesTheOrdersItSkipped_WithTheirReason_ByPages) {
  std::vector<OrderId> locked, kept;
  for (int i = 0; i < 150; ++i) (i % 3 == 0 ? kept : locked).push_back(option(8, kPerfKeep, kBoxOffice, kT0 + kDay));
  const OrderId plain = option(7, kPerfKeep, kBoxOffice, kT0 + kDay);
  ASSERT_TRUE(run(LockOrders{locked, true}).ok());
  ASSERT_TRUE(run(MarkOrders{kept, ReleaseMark::kKeep}).ok());
  const Reply r = run(ReleaseAll{filter()});
  ASSERT_TRUE(r.ok()) << r.message;
  const ReleaseSummary& first = std::get<ReleaseSummary>(r.detail->value);
  EXPECT_EQ(first.released, 1u);
  EXPECT_EQ(state(plain), OrderState::kReleased);
  EXPECT_EQ(first.locked, 100u);
  EXPECT_EQ(first.kept, 50u);
  ASSERT_EQ(first.skipped.size(), kSkippedOrdersPage);
  EXPECT_EQ(first.skipped.front().contact_number, 100000000008u);
  EXPECT_EQ(first.skipped.front().due_ms, kT0 + kDay);
  std::map<OrderId, SkipReason> named;
  for (const SkippedOrder& o : first.skipped) named[o.order] = o.reason;
  EXPECT_EQ(first.skipped_next, first.skipped.back().order);
  // The next page, from the preview (the skipped orders are still there).
  const Reply next = run(PreviewRelease{filter(), first.skipped_next});
  ASSERT_TRUE(next.ok()) << next.message;
  const ReleaseSummary& second = std::get<ReleaseSummary>(next.detail->value);
  EXPECT_EQ(second.released, 0u);
  EXPECT_EQ(second.skipped_next, OrderId{0});
  for (const SkippedOrder& o : second.skipped) {
    EXPECT_GT(o.order, first.skipped_next);
    EXPECT_TRUE(named.emplace(o.order, o.reason).second);
  }
  ASSERT_EQ(named.size(), 150u);
  for (OrderId id : locked) EXPECT_EQ(named[id], SkipReason::kLocked);
  for (OrderId id : kept) EXPECT_EQ(named[id], SkipReason::kKept);
}

// Two shards' pages of skipped orders merge into the first page of their
// union, with the cursor of the next.
TEST(ReleaseSummaryMerge, SkippedOrdersOfTwoShards_OnePageByOrderId) {
  auto part = [](uint64_t first, uint64_t step, bool more) {
    ReleaseSummary s;
    for (uint64_t id = first; s.skipped.size() < kSkippedOrdersPage; id += step)
      s.skipped.push_back(SkippedOrder{id, SkipReason::kLocked, 7, 0, {}, 0});
    s.locked = more ? 500 : kSkippedOrdersPage;
    s.skipped_next = more ? s.skipped.back().order : OrderId{0};
    Reply r;
    r.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(s)});
    return r;
  };
  std::vector<Reply> parts;
  parts.push_back(part(1, 2, true));   // 1, 3, ..., 199
  parts.push_back(part(2, 4, false));  // 2, 6, ..., 398
  const Reply merged = merge_replies(PreviewRelease{}, std::move(parts));
  const ReleaseSummary& s = std::get<ReleaseSummary>(merged.detail->value);
  EXPECT_EQ(s.locked, 600u);
  ASSERT_EQ(s.skipped.size(), kSkippedOrdersPage);
  for (size_t i = 1; i < s.skipped.size(); ++i) EXPECT_LT(s.skipped[i - 1].order, s.skipped[i].order);
  EXPECT_EQ(s.skipped.back().order, s.skipped_next);
  EXPECT_EQ(s.skipped_next, OrderId{133});  // 67 odd ids up to 133 and 33 of 2, 6, ..., 130
}

// Random options, releases, locks and bulk releases; after each step every
// filter set's total and pages equal a recount of a model (and the shard's
// invariants, which compare the runs with the rows, hold).
TEST_F(FollowUpFiltersTest, CountsFromTheRuns_EqualARecountUnderRandomChanges) {
  struct Live {
    ContactId contact;
    PerformanceId performance;
    ChannelId channel;
    ContingentId contingent;
    uint32_t tariff;
    int64_t due;
  };
  std::map<OrderId, Live> live;
  std::mt19937 rng(21);
  const auto pick = [&rng](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
  const ContingentId top = workload::demo_partner_contingent(kPerfKeep);
  const ContingentId contingents[] = {kNone, top, kSub, kSubSub};
  auto random_filter = [&] {
    FollowUpFilter f = filter(kT0 + static_cast<int64_t>(1 + pick(10)) * kDay);
    if (pick(2)) f.channels = {pick(2) ? kWeb : kBoxOffice};
    if (pick(3) == 0) f.contacts = {ContactId{7 + pick(3)}, ContactId{7 + pick(3)}};
    if (pick(3) == 0) f.tariffs = {workload::demo_tariff(3, 1 + pick(2))};
    if (pick(4) == 0) f.contingents = {pick(2) ? top : kSub};
    if (pick(4) == 0) f.performances = {kPerfKeep.value() + pick(2)};
    return f;
  };
  auto under = [&](ContingentId row, const std::vector<ContingentId>& chosen) {
    for (ContingentId k : chosen) {
      if (row == k) return true;
      if (k == top && (row == kSub || row == kSubSub)) return true;
      if (k == kSub && row == kSubSub) return true;
    }
    return false;
  };
  auto expected = [&](const FollowUpFilter& f) {
    std::set<OrderId> out;
    for (const auto& [id, o] : live) {
      auto has = [](const auto& list, auto v) {
        return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
      };
      if (o.due > f.due_until_ms || !has(f.channels, o.channel) || !has(f.contacts, o.contact) ||
          !has(f.tariffs, TariffId{workload::demo_tariff(3, o.tariff)}) || !has(f.performances, o.performance) ||
          (!f.contingents.empty() && !under(o.contingent, f.contingents)))
        continue;
      out.insert(id);
    }
    return out;
  };
  for (int step = 0; step < 300; ++step) {
    const uint32_t what = pick(10);
    if (what < 6 || live.empty()) {
      const ContingentId k = contingents[pick(4)];
      const PerformanceId p = k == kNone ? PerformanceId{kPerfKeep.value() + pick(2)} : kPerfKeep;
      const ChannelId ch = k == kNone ? (pick(2) ? kWeb : kBoxOffice) : kPartner;
      const ContactId contact = 7 + pick(3);
      const uint32_t tariff = 1 + pick(2);
      const int64_t due = kT0 + static_cast<int64_t>(1 + pick(9)) * kDay + static_cast<int64_t>(pick(1000));
      const Reply r = run(
          Book{BookingKind::kOption, contact, ch, {LineRequest{p, 1, workload::demo_tariff(3, tariff), 1, k}}, due});
      if (r.ok()) live[r.order] = Live{contact, p, ch, k, tariff, due};
    } else if (what < 8) {
      auto it = live.begin();
      std::advance(it, rng() % live.size());
      ASSERT_TRUE(run(Release{it->first}).ok());
      live.erase(it);
    } else {
      const FollowUpFilter f = random_filter();
      const std::set<OrderId> going = expected(f);
      const Reply r = run(ReleaseAll{f});
      ASSERT_TRUE(r.ok()) << r.message;
      EXPECT_EQ(static_cast<size_t>(r.value), going.size());
      for (OrderId id : going) live.erase(id);
    }
    const FollowUpFilter f = random_filter();
    uint64_t total = 0;
    const std::set<OrderId> want = expected(f);
    EXPECT_EQ(orders(f, &total, 1 + pick(7)), want) << "step " << step;
    EXPECT_EQ(total, want.size()) << "step " << step;
  }
}

}  // namespace
}  // namespace tessera::engine
