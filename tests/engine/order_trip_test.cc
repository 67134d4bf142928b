// Departures, add-ons and the return city on one shard (seed 003, "Onglet
// Commande", engine/commands_dossier.h): a departure change moves the
// order's stock all or nothing and lists the add-ons left behind, a full
// add-on cannot be selected again, the return city is one the same stay
// serves the same day and is priced by the rule, each is refused while
// invoiced, each change is in the workflow, and a snapshot keeps it all.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/limits.h"
#include "engine/order_dossier.h"
#include "engine/reply_detail.h"
#include "tests/engine/shard_fixture.h"

// A namespace of its own: unity builds compile this file with the other
// order tests, whose anonymous namespaces hold the same helper names.
namespace tessera::engine::trip_test {
namespace {

constexpr PrincipalId kClerk = 14;
constexpr ContactId kAda{21}, kBen{22}, kCleo{23};
constexpr PerformanceId kLyon = kPerfRelease, kToulouse{1001};
constexpr PerformanceId kAvignon{1500}, kMarseilleLater{1600};  // departures without a performance here
constexpr AddOnId kCanoe{1}, kHorse{2};
constexpr uint32_t kDay20330520 = 20330520;

class OrderTripTest : public ShardTest {
 protected:
  OrderTripTest() {
    const ProductId stay = workload::kProductRelease;
    for (const Command& c :
         {Command{0, DefineDeparture{kLyon, stay, "Lyon", kDay20330520, 5'000}},
          Command{0, DefineDeparture{kToulouse, stay, "Toulouse", kDay20330520, 2'000}},
          Command{0, DefineDeparture{kAvignon, stay, "Avignon", kDay20330520, 3'000}},
          Command{0, DefineDeparture{kMarseilleLater, stay, "Marseille", 20330527, 1'000}},
          Command{0, SetReturnCityRule{stay, 2000}}, Command{0, DefineAddOn{kCanoe, stay, "Canoë", 3'500}},
          Command{0, DefineAddOn{kHorse, stay, "Équitation", 4'000}}})
      must_apply(c);
  }
  // An option of two units of category 1 of the Lyon departure (60.00
  // each), with Ada and Ben named.
  OrderId trip() {
    const Reply r = book(kLyon, 1, 2, now_ + 10 * kDay);
    EXPECT_TRUE(r.ok()) << r.message;
    EXPECT_TRUE(run_as(kClerk, AddParticipant{r.order, kAda, kNone, 0}).ok());
    EXPECT_TRUE(run_as(kClerk, AddParticipant{r.order, kBen, kNone, 0}).ok());
    return r.order;
  }
  AddOnStockRow add_on_stock(PerformanceId p, AddOnId a) {
    const Reply r = run(GetAddOnStock{p});
    EXPECT_TRUE(r.ok()) << r.message;
    for (const AddOnStockRow& row : std::get<AddOnStock>(r.detail->value).rows)
      if (row.addon == a) return row;
    return AddOnStockRow{};
  }
  bool workflow_says(OrderId id, std::string_view detail) {
    const OrderRecord r = record(id);
    return std::any_of(r.workflow.begin(), r.workflow.end(),
                       [&](const WorkflowEntry& e) { return e.detail == detail; });
  }
};

TEST_F(OrderTripTest, AFullAddOnCannotBeSelectedAgain) {
  ASSERT_TRUE(run(SetAddOnQuota{kLyon, kCanoe, 1}).ok());
  const OrderId id = trip();
  const Reply taken = run_as(kClerk, AddAddOn{id, kAda, kCanoe, -1});
  ASSERT_TRUE(taken.ok()) << taken.message;
  OrderRecord r = record(id);
  ASSERT_EQ(r.participants[0].add_ons.size(), 1u);
  EXPECT_EQ(r.participants[0].add_ons[0].name, "Canoë");
  EXPECT_EQ(r.participants[0].add_ons[0].price_cents, 3'500) << "the catalog's price";
  EXPECT_EQ(r.add_ons_cents, 3'500);
  EXPECT_EQ(r.total_cents, 15'500u) << "2 x 60.00 + the canoe";
  EXPECT_EQ(r.to_pay_cents, 15'500);
  EXPECT_EQ(r.participants[0].share_cents, 9'500) << "a participant's share carries its add-ons";
  EXPECT_EQ(r.participants[1].share_cents, 6'000);

  expect_refused_as(kClerk, AddAddOn{id, kBen, kCanoe, -1}, ReplyCode::kSoldOut, "full");
  expect_refused_as(kClerk, AddAddOn{id, kBen, kHorse, -1}, ReplyCode::kNotFound, "no quota");
  expect_refused_as(kClerk, AddAddOn{id, kCleo, kCanoe, -1}, ReplyCode::kNotFound, "no participant");
  expect_refused_as(kClerk, AddAddOn{id, kBen, AddOnId{9}, -1}, ReplyCode::kNotFound);
  expect_refused_as(kClerk, RemoveAddOn{id, kBen, kCanoe}, ReplyCode::kNotFound);
  expect_refused_as(kClerk, SetAddOnQuota{kLyon, kCanoe, 0}, ReplyCode::kInvalidState, "selected 1");

  ASSERT_TRUE(run_as(kClerk, AddAddOn{id, kAda, kCanoe, 3'000}).ok()) << "selected already: its price";
  EXPECT_EQ(record(id).add_ons_cents, 3'000);
  EXPECT_EQ(add_on_stock(kLyon, kCanoe).selected, 1u) << "a price change takes no more of the quota";

  ASSERT_TRUE(run_as(kClerk, RemoveAddOn{id, kAda, kCanoe}).ok());
  EXPECT_EQ(add_on_stock(kLyon, kCanoe).selected, 0u);
  ASSERT_TRUE(run_as(kClerk, AddAddOn{id, kBen, kCanoe, -1}).ok()) << "room again";
  expect_refused_as(kClerk, AddAddOn{id, kAda, kCanoe, -1}, ReplyCode::kSoldOut);
  EXPECT_TRUE(workflow_says(id, "participant 21: add-on 1 added"));
  EXPECT_TRUE(workflow_says(id, "participant 21: add-on 1 removed"));
  EXPECT_TRUE(workflow_says(id, "participant 21: add-on 1 price changed"));

  // A participant removed, or the order released, gives its add-ons back.
  ASSERT_TRUE(run_as(kClerk, AddParticipant{id, kCleo, kNone, 0}).ok());
  ASSERT_TRUE(run_as(kClerk, RemoveParticipant{id, kBen}).ok());
  EXPECT_EQ(add_on_stock(kLyon, kCanoe).selected, 0u);
  ASSERT_TRUE(run_as(kClerk, AddAddOn{id, kCleo, kCanoe, -1}).ok());
  ASSERT_TRUE(run(Release{id}).ok());
  EXPECT_EQ(add_on_stock(kLyon, kCanoe).selected, 0u);
}

TEST_F(OrderTripTest, ADepartureChangeMovesEveryUnit_AndListsTheAddOnsLeftBehind) {
  ASSERT_TRUE(run(SetAddOnQuota{kLyon, kCanoe, 5}).ok());
  ASSERT_TRUE(run(SetAddOnQuota{kToulouse, kCanoe, 1}).ok());
  ASSERT_TRUE(run(SetAddOnQuota{kLyon, kHorse, 5}).ok());
  const OrderId id = trip();
  ASSERT_TRUE(run_as(kClerk, AddAddOn{id, kAda, kCanoe, -1}).ok());
  ASSERT_TRUE(run_as(kClerk, AddAddOn{id, kBen, kCanoe, 3'000}).ok());
  ASSERT_TRUE(run_as(kClerk, AddAddOn{id, kBen, kHorse, -1}).ok());
  ASSERT_TRUE(run_as(kClerk, SetReturnCity{id, kAvignon}).ok());
  ASSERT_TRUE(run_as(kClerk, SetLinePrice{id, 0, 5'500}).ok());
  const int64_t lyon = available(kLyon, 1), toulouse = available(kToulouse, 1);

  const Reply moved = run_as(kClerk, ChangeDeparture{id, kToulouse});
  ASSERT_TRUE(moved.ok()) << moved.message;
  const DepartureChange& change = std::get<DepartureChange>(moved.detail->value);
  EXPECT_EQ(change.from, kLyon);
  EXPECT_EQ(change.to, kToulouse);
  ASSERT_EQ(change.dropped.size(), 2u) << "Toulouse has one canoe and no horse riding";
  EXPECT_EQ(moved.value, 2);
  EXPECT_EQ(change.dropped[0].participant, kBen);
  EXPECT_EQ(change.dropped[0].addon, kCanoe);
  EXPECT_EQ(change.dropped[0].price_cents, 3'000);
  EXPECT_EQ(change.dropped[1].addon, kHorse);
  EXPECT_EQ(change.dropped[1].name, "Équitation");

  EXPECT_EQ(available(kLyon, 1), lyon + 2) << "both units left Lyon";
  EXPECT_EQ(available(kToulouse, 1), toulouse - 2) << "and both are taken in Toulouse";
  EXPECT_EQ(add_on_stock(kLyon, kCanoe).selected, 0u);
  EXPECT_EQ(add_on_stock(kLyon, kHorse).selected, 0u);
  EXPECT_EQ(add_on_stock(kToulouse, kCanoe).selected, 1u);
  const OrderRecord r = record(id);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0].performance, kToulouse);
  EXPECT_EQ(r.lines[0].unit_price_cents, 5'500u) << "the line keeps the price the operator set";
  EXPECT_EQ(r.departure_city, "Toulouse");
  EXPECT_EQ(r.return_departure, PerformanceId{kNone}) << "back to a same-city round trip";
  EXPECT_EQ(r.return_supplement_cents, 0);
  EXPECT_EQ(r.total_cents, 2 * 5'500u + 3'500u) << "the total is recomputed";
  EXPECT_EQ(r.participants[0].add_ons.size(), 1u);
  EXPECT_TRUE(r.participants[1].add_ons.empty());
  EXPECT_TRUE(workflow_says(id, "departure changed from performance 1000 to 1001"));
  EXPECT_TRUE(workflow_says(id, "2 add-ons dropped (no room on the new departure)"));
  EXPECT_TRUE(workflow_says(id, "return to the departure's own city"));
}

TEST_F(OrderTripTest, ADepartureChangeThatCannotTakeEveryUnitChangesNothing) {
  const OrderId id = trip();
  const int64_t free = available(kToulouse, 1);
  ASSERT_TRUE(hold(kToulouse, 1, static_cast<uint32_t>(free - 1)).ok());
  expect_refused_as(kClerk, ChangeDeparture{id, kToulouse}, ReplyCode::kSoldOut);
  EXPECT_EQ(available(kToulouse, 1), 1) << "the one unit it could take went back";
  EXPECT_EQ(record(id).lines[0].performance, kLyon);

  expect_refused_as(kClerk, ChangeDeparture{id, kLyon}, ReplyCode::kInvalidArgument, "already");
  expect_refused_as(kClerk, ChangeDeparture{id, kAvignon}, ReplyCode::kInvalidState, "not on order");
  expect_refused_as(kClerk, ChangeDeparture{id, kPerfOverdue}, ReplyCode::kInvalidArgument, "stay never changes");
  expect_refused_as(kClerk, ChangeDeparture{id, PerformanceId{4242}}, ReplyCode::kNotFound);
}

TEST_F(OrderTripTest, TheReturnCityIsOneTheStayServesTheSameDay_PricedByTheRule) {
  const OrderId id = trip();
  // Lyon 50.00, Toulouse 20.00, rule 20 %: (50 + 20) / 2 x 1.2 = 42.00, so
  // each unit's round trip costs 8.00 less.
  ASSERT_TRUE(run_as(kClerk, SetReturnCity{id, kToulouse}).ok());
  OrderRecord r = record(id);
  EXPECT_EQ(r.departure_city, "Lyon");
  EXPECT_EQ(r.return_city, "Toulouse");
  EXPECT_EQ(r.return_supplement_cents, -800);
  EXPECT_EQ(r.total_cents, 2 * (6'000u - 800u));
  EXPECT_EQ(r.to_pay_cents, 2 * (6'000 - 800));
  EXPECT_EQ(r.participants[0].share_cents + r.participants[1].share_cents, r.to_pay_cents);

  // Avignon 30.00: (50 + 30) / 2 x 1.2 = 48.00, a departure of another shard.
  ASSERT_TRUE(run_as(kClerk, SetReturnCity{id, kAvignon}).ok());
  EXPECT_EQ(record(id).return_supplement_cents, -200);
  EXPECT_TRUE(workflow_says(id, "return to the city of departure 1500"));

  expect_refused_as(kClerk, SetReturnCity{id, kMarseilleLater}, ReplyCode::kInvalidArgument, "same day");
  expect_refused_as(kClerk, SetReturnCity{id, kLyon}, ReplyCode::kInvalidArgument, "own city");
  expect_refused_as(kClerk, SetReturnCity{id, PerformanceId{4242}}, ReplyCode::kNotFound);

  ASSERT_TRUE(run_as(kClerk, SetReturnCity{id, kNone}).ok());
  r = record(id);
  EXPECT_EQ(r.return_city, "");
  EXPECT_EQ(r.total_cents, 12'000u);

  // An order on a performance that is no defined departure has no return city.
  const Reply other = book(kPerfOverdue, 1, 1, now_ + 10 * kDay);
  ASSERT_TRUE(other.ok()) << other.message;
  expect_refused_as(kClerk, SetReturnCity{other.order, kToulouse}, ReplyCode::kInvalidState, "DefineDeparture");
}

TEST_F(OrderTripTest, AnInvoicedOrdersTripStays_UntilItIsDeInvoiced) {
  ASSERT_TRUE(run(SetAddOnQuota{kLyon, kCanoe, 5}).ok());
  const OrderId id = trip();
  ASSERT_TRUE(run(Confirm{id, {}}).ok());
  invoice_step(kClerk, IssueInvoice{id});
  expect_refused_as(kClerk, ChangeDeparture{id, kToulouse}, ReplyCode::kInvalidState, "invoiced");
  expect_refused_as(kClerk, AddAddOn{id, kAda, kCanoe, -1}, ReplyCode::kInvalidState, "invoiced");
  expect_refused_as(kClerk, SetReturnCity{id, kToulouse}, ReplyCode::kInvalidState, "invoiced");
  invoice_step(kClerk, CancelInvoice{id, "changement de départ"});
  ASSERT_TRUE(run_as(kClerk, AddAddOn{id, kAda, kCanoe, -1}).ok());
  ASSERT_TRUE(run_as(kClerk, SetReturnCity{id, kToulouse}).ok());
  const Reply moved = run_as(kClerk, ChangeDeparture{id, kToulouse});
  ASSERT_TRUE(moved.ok()) << moved.message;
  EXPECT_EQ(std::get<DepartureChange>(moved.detail->value).dropped.size(), 1u) << "Toulouse offers no canoe";

  // The invoice of the changed order lists its lines as they are now.
  ASSERT_TRUE(run(SetAddOnQuota{kToulouse, kHorse, 2}).ok());
  ASSERT_TRUE(run_as(kClerk, AddAddOn{id, kBen, kHorse, -1}).ok());
  const Reply issued = run_as(kClerk, IssueInvoice{id});
  ASSERT_TRUE(issued.ok()) << issued.message;
  const InvoiceDocument& d = std::get<Invoices>(issued.detail->value).documents.front();
  ASSERT_EQ(d.lines.size(), 2u);
  EXPECT_EQ(d.lines[1].label, "Équitation");
  EXPECT_EQ(d.lines[1].amount_cents, 4'000);
  EXPECT_EQ(d.total_cents, 12'000 + 4'000);
}

TEST_F(OrderTripTest, ASnapshotKeepsDeparturesAddOnsAndQuotas) {
  ASSERT_TRUE(run(SetAddOnQuota{kLyon, kCanoe, 3}).ok());
  const OrderId id = trip();
  ASSERT_TRUE(run_as(kClerk, AddAddOn{id, kAda, kCanoe, -1}).ok());
  ASSERT_TRUE(run_as(kClerk, SetReturnCity{id, kToulouse}).ok());
  std::unique_ptr<Shard> loaded = reloaded(shard_);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->state_hash(), shard_.state_hash());
  EXPECT_TRUE(loaded->check_invariants().is_ok());
  const Reply r = loaded->apply(Command{0, GetOrderRecord{id}}, now_);
  ASSERT_TRUE(r.ok()) << r.message;
  const OrderRecord& rec = std::get<OrderRecord>(r.detail->value);
  EXPECT_EQ(rec.return_city, "Toulouse");
  EXPECT_EQ(rec.add_ons_cents, 3'500);
  const Reply stock = loaded->apply(Command{0, GetAddOnStock{kLyon}}, now_);
  ASSERT_TRUE(stock.ok());
  EXPECT_EQ(std::get<AddOnStock>(stock.detail->value).rows.at(0).selected, 1u);
}

TEST_F(OrderTripTest, CatalogRefusesDeparturesAndAddOnsThatMakeNoSense) {
  EXPECT_EQ(run(DefineDeparture{kLyon, workload::kProductRelease, "Lyon", 20330231, 5'000}).code,
            ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(DefineDeparture{kLyon, workload::kProductOverdue, "Lyon", kDay20330520, 5'000}).code,
            ReplyCode::kInvalidArgument)
      << "a departure keeps its product";
  EXPECT_EQ(run(DefineDeparture{kLyon, ProductId{77}, "Lyon", kDay20330520, 5'000}).code, ReplyCode::kNotFound);
  EXPECT_EQ(run(DefineDeparture{kLyon, workload::kProductRelease, "", kDay20330520, 5'000}).code,
            ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(DefineDeparture{kLyon, workload::kProductRelease, "Lyon", kDay20330520, -1}).code,
            ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(DefineAddOn{AddOnId{kNone}, workload::kProductRelease, "x", 1}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(DefineAddOn{kCanoe, workload::kProductOverdue, "Canoë", 1}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(SetAddOnQuota{kPerfOverdue, kCanoe, 3}).code, ReplyCode::kInvalidArgument) << "another product's";
  EXPECT_EQ(run(SetAddOnQuota{PerformanceId{4242}, kCanoe, 3}).code, ReplyCode::kNotFound);
  EXPECT_EQ(run(SetAddOnQuota{kLyon, AddOnId{9}, 3}).code, ReplyCode::kNotFound);
}

// On two shards (1000 and 1002 lie on shard 1, 1001 on shard 0: engine/ids.h)
// a product's departures share the shard of its first one, so a departure
// change never has to move stock between shard threads.
TEST(DeparturePlacement, AProductsDeparturesShareOneShard_AnotherProductsMayLieElsewhere) {
  ASSERT_EQ(shard_of_performance(PerformanceId{1000}, 2), 1u);
  ASSERT_EQ(shard_of_performance(PerformanceId{1001}, 2), 0u);
  ASSERT_EQ(shard_of_performance(PerformanceId{1002}, 2), 1u);
  Shard two(0, 2, kT0);
  for (const Command& c : workload::demo_catalog()) ASSERT_TRUE(two.apply(c, kT0).ok()) << command_name(c.body);
  const ProductId stay = workload::kProductRelease;
  ASSERT_TRUE(two.apply(Command{0, DefineDeparture{PerformanceId{1000}, stay, "Lyon", kDay20330520, 5'000}}, kT0).ok());

  const uint64_t before = two.state_hash();
  const Reply apart =
      two.apply(Command{0, DefineDeparture{PerformanceId{1001}, stay, "Toulouse", kDay20330520, 2'000}}, kT0);
  EXPECT_EQ(apart.code, ReplyCode::kInvalidArgument) << apart.message;
  EXPECT_NE(apart.message.find("performance 1002, for one, lies on shard 1"), std::string::npos) << apart.message;
  EXPECT_EQ(two.state_hash(), before) << "a refused departure is not defined";

  EXPECT_TRUE(
      two.apply(Command{0, DefineDeparture{PerformanceId{1002}, stay, "Toulouse", kDay20330520, 2'000}}, kT0).ok());
  EXPECT_TRUE(two.apply(Command{0, DefineDeparture{PerformanceId{1000}, stay, "Lyon", kDay20330520, 4'500}}, kT0).ok())
      << "defined again on its own shard";
  EXPECT_TRUE(two.apply(Command{0, DefineDeparture{PerformanceId{1001}, workload::kProductOverdue, "Nîmes",
                                                   kDay20330520, 1'000}},
                        kT0)
                  .ok())
      << "another product's departures start on a shard of their own";

  Command logged_before{0, DefineDeparture{PerformanceId{1003}, stay, "Avignon", kDay20330520, 3'000}};
  logged_before.rules = 5;  // a record logged under rules 5 replays as it was accepted then
  EXPECT_TRUE(two.apply(logged_before, kT0).ok());
}

}  // namespace
}  // namespace tessera::engine::trip_test
