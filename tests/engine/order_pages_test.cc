// The order page on one shard: the workflow names who acted and when (the
// system for deadlines), keeps the state history across overdue and
// reinstatement, survives a snapshot with the same state hash, refuses
// operators' actions once full; ListOrders filters, pages and merges across
// shards by order id.
#include <gtest/gtest.h>

#include "engine/reply_detail.h"
#include "engine/reply_merge.h"
#include "tests/engine/shard_fixture.h"

namespace tessera::engine {
namespace {

constexpr PrincipalId kClerk = 12;

class OrderPagesTest : public ShardTest {
 protected:
  Reply as_clerk(CommandBody body) { return run_as(kClerk, std::move(body)); }
  OrderPage list(ListOrders q) {
    const Reply r = run(q);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.detail ? std::get<OrderPage>(r.detail->value) : OrderPage{};
  }
};

TEST_F(OrderPagesTest, Workflow_NamesTheClerkAndTheSystem_ThroughOverdueAndReinstate) {
  const Reply booked = as_clerk(Book{
      BookingKind::kReservation, 7, workload::kBoxOffice, {workload::demo_line(kPerfOverdue, 2, 1, 2)}, kT0 + kDay});
  ASSERT_TRUE(booked.ok()) << booked.message;
  advance_to(kT0 + kDay);  // the deadline: overdue (the system's act)
  ASSERT_TRUE(as_clerk(Reinstate{booked.order, kT0 + 3 * kDay}).ok());
  now_ += kMinute;
  ASSERT_TRUE(as_clerk(Confirm{booked.order, {}}).ok());

  const OrderRecord r = record(booked.order);
  ASSERT_EQ(r.workflow.size(), 4u);
  const WorkflowEntry& created = r.workflow[0];
  EXPECT_EQ(created.action, WorkflowAction::kCreated);
  EXPECT_EQ(created.principal, kClerk);
  EXPECT_EQ(created.at_ms, kT0);
  EXPECT_EQ(created.to, OrderState::kReservation);
  const WorkflowEntry& overdue = r.workflow[1];
  EXPECT_EQ(overdue.action, WorkflowAction::kStateChanged);
  EXPECT_EQ(overdue.principal, kSystem);
  EXPECT_EQ(overdue.at_ms, kT0 + kDay);
  EXPECT_EQ(overdue.from, OrderState::kReservation);
  EXPECT_EQ(overdue.to, OrderState::kOverdue);
  EXPECT_EQ(r.workflow[2].principal, kClerk);
  EXPECT_EQ(r.workflow[2].to, OrderState::kReservation);
  EXPECT_EQ(r.workflow[3].to, OrderState::kConfirmed);
  EXPECT_EQ(r.workflow[3].at_ms, kT0 + kDay + kMinute);
  EXPECT_EQ(r.status, "validée");
  EXPECT_EQ(r.principal, kClerk);
}

TEST_F(OrderPagesTest, ExpiredHoldAndArchivedOption_AreTheSystemsActs) {
  const OrderId cart = hold(kPerfRelease, 1, 1, kMinute).order;
  const OrderId option = book(kPerfRelease, 1, 1, kT0 + kDay).order;
  advance_to(kT0 + 2 * kDay);  // both deadlines passed while the clock stood still
  EXPECT_EQ(record(cart).status, "expirée");
  EXPECT_EQ(record(cart).workflow.back().principal, kSystem);
  EXPECT_EQ(record(option).status, "archivée");
  EXPECT_EQ(record(option).workflow.back().to, OrderState::kArchived);
  EXPECT_EQ(record(option).workflow.back().at_ms, kT0 + 2 * kDay) << "when the engine's clock reached it";
}

TEST_F(OrderPagesTest, TheClosingStandsBetweenTheActsBeforeAndTheNotesAfter_AcrossASnapshot) {
  const OrderId option = book(kPerfKeep, 1, 2, kT0 + kDay).order;
  ASSERT_TRUE(as_clerk(AddOrderNote{option, "avant"}).ok());
  now_ += kMinute;
  ASSERT_TRUE(as_clerk(Release{option}).ok());
  ASSERT_TRUE(as_clerk(AddOrderNote{option, "après"}).ok());  // the same millisecond as the release
  std::string bytes;
  shard_.save(&bytes);
  auto loaded = Shard::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->state_hash(), shard_.state_hash());
  for (Shard* shard : {&shard_, loaded->get()}) {
    const Reply r = shard->apply(Command{0, GetOrderRecord{option}}, now_);
    ASSERT_TRUE(r.ok() && r.detail) << r.message;
    const OrderRecord& record = std::get<OrderRecord>(r.detail->value);
    ASSERT_EQ(record.workflow.size(), 4u);
    EXPECT_EQ(record.workflow[0].action, WorkflowAction::kCreated);
    EXPECT_EQ(record.workflow[0].to, OrderState::kOption);
    EXPECT_EQ(record.workflow[1].detail, workflow_detail_text(WorkflowDetail::kNoteAdded, 0));
    const WorkflowEntry& closing = record.workflow[2];
    EXPECT_EQ(closing.action, WorkflowAction::kStateChanged);
    EXPECT_EQ(closing.from, OrderState::kOption);
    EXPECT_EQ(closing.to, OrderState::kReleased);
    EXPECT_EQ(closing.principal, kClerk);
    EXPECT_EQ(closing.at_ms, kT0 + kMinute);
    EXPECT_EQ(record.workflow[3].detail, workflow_detail_text(WorkflowDetail::kNoteAdded, 0));
    EXPECT_EQ(record.notes.size(), 2u);
  }
}

TEST_F(OrderPagesTest, SnapshotKeepsNotesInformationAndWorkflow_WithTheSameHash) {
  const OrderId option = book(kPerfOverdue, 1, 2, kT0 + kDay).order;
  ASSERT_TRUE(as_clerk(AddOrderNote{option, "Rappelée le 3"}).ok());
  ASSERT_TRUE(as_clerk(SetOrderInfo{option, "Place à l'avant"}).ok());
  const OrderId released = hold(kPerfRelease, 1, 1).order;
  ASSERT_TRUE(as_clerk(Release{released}).ok());
  std::string bytes;
  shard_.save(&bytes);
  auto loaded = Shard::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->state_hash(), shard_.state_hash());
  for (OrderId id : {option, released}) {
    const Reply a = shard_.apply(Command{0, GetOrderRecord{id}}, now_);
    const Reply b = (*loaded)->apply(Command{0, GetOrderRecord{id}}, now_);
    ASSERT_TRUE(a.detail && b.detail);
    const auto& ra = std::get<OrderRecord>(a.detail->value);
    const auto& rb = std::get<OrderRecord>(b.detail->value);
    EXPECT_EQ(rb.notes.size(), ra.notes.size());
    EXPECT_EQ(rb.client_info, ra.client_info);
    ASSERT_EQ(rb.workflow.size(), ra.workflow.size());
    for (size_t i = 0; i < ra.workflow.size(); ++i) {
      EXPECT_EQ(rb.workflow[i].at_ms, ra.workflow[i].at_ms);
      EXPECT_EQ(rb.workflow[i].principal, ra.workflow[i].principal);
      EXPECT_EQ(rb.workflow[i].detail, ra.workflow[i].detail);
    }
  }
  EXPECT_NE(shard_.state_hash(), shard_.state_hash_before_order_pages()) << "the pages are hashed";
  ASSERT_TRUE(as_clerk(AddOrderNote{option, "encore"}).ok());
  EXPECT_NE((*loaded)->state_hash(), shard_.state_hash()) << "a note changes the hash";
}

TEST_F(OrderPagesTest, AFullWorkflowRefusesOperatorsActions_ButNotTheOrdersFate) {
  const OrderId option = book(kPerfRelease, 1, 1, kT0 + 5 * kDay).order;
  uint32_t entries = 0;  // stored ones: the creation is not
  while (entries < kOrderWorkflowMax) {
    ASSERT_TRUE(as_clerk(SetLock{option, entries % 2 == 0}).ok());
    ++entries;
  }
  const uint64_t hash = shard_.state_hash();
  EXPECT_EQ(as_clerk(SetLock{option, false}).code, ReplyCode::kLimitExceeded);
  EXPECT_EQ(as_clerk(AddOrderNote{option, "x"}).code, ReplyCode::kLimitExceeded);
  EXPECT_EQ(as_clerk(SetOrderFile{option, 3}).code, ReplyCode::kLimitExceeded);
  const Reply marked = as_clerk(MarkOrders{{option}, ReleaseMark::kKeep});
  ASSERT_TRUE(marked.ok());
  EXPECT_EQ(std::get<BulkOutcomes>(marked.detail->value).orders[0].outcome, Outcome::kSkippedWorkflowFull);
  EXPECT_EQ(shard_.state_hash(), hash) << "the refusals changed nothing";
  EXPECT_EQ(as_clerk(SetLock{option, true}).code, ReplyCode::kLimitExceeded);
  // An order's fate is never refused for room: the clerk still confirms it.
  EXPECT_TRUE(as_clerk(Confirm{option, {}}).ok());
  EXPECT_EQ(record(option).workflow.size(), kOrderWorkflowMax + 2) << "created, 1,024 toggles, confirmed";
}

TEST_F(OrderPagesTest, ListOrders_FiltersByContactPerformanceAndState_PagesByCursor) {
  std::vector<OrderId> seven;
  for (int i = 0; i < 5; ++i) seven.push_back(hold(kPerfRelease, 1, 1).order);
  seven.push_back(book(kPerfOverdue, 1, 1, kT0 + kDay).order);
  const OrderId other = hold(kPerfRelease, 1, 1, 10 * kMinute, workload::kWeb, 8).order;
  ASSERT_TRUE(run(Release{seven[0]}).ok());

  EXPECT_EQ(list(ListOrders{7, kNone, 0, 0, 100}).total, 6u);
  EXPECT_EQ(list(ListOrders{8, kNone, 0, 0, 100}).orders.at(0).order, other);
  EXPECT_EQ(list(ListOrders{kNone, kPerfOverdue, 0, 0, 100}).total, 1u);
  const uint16_t held = 1u << static_cast<unsigned>(OrderState::kHeld);
  const uint16_t released = 1u << static_cast<unsigned>(OrderState::kReleased);
  EXPECT_EQ(list(ListOrders{7, kNone, held, 0, 100}).total, 4u);
  EXPECT_EQ(list(ListOrders{7, kNone, released, 0, 100}).orders.at(0).order, seven[0]);
  OrderPage first = list(ListOrders{7, kNone, 0, 0, 4});
  ASSERT_EQ(first.orders.size(), 4u);
  ASSERT_NE(first.next_after, 0u);
  OrderPage second = list(ListOrders{7, kNone, 0, first.next_after, 4});
  EXPECT_EQ(second.orders.size(), 2u);
  EXPECT_EQ(second.next_after, 0u);
  EXPECT_EQ(second.total, 6u);
  EXPECT_LT(first.orders.back().order, second.orders.front().order);
  const OrderSummary& s = second.orders.back();
  EXPECT_EQ(s.order, seven.back());
  EXPECT_EQ(s.state, OrderState::kOption);
  EXPECT_EQ(s.deadline_ms, kT0 + kDay);
  EXPECT_EQ(s.performance, kPerfOverdue);
  EXPECT_EQ(s.quantity, 1u);
  EXPECT_EQ(s.total_cents, 6000u);
  EXPECT_EQ(run(ListOrders{7, kNone, 0, 0, 0}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(run(ListOrders{7, kNone, 0x4000, 0, 10}).code, ReplyCode::kInvalidArgument);
}

TEST_F(OrderPagesTest, StockSummary_CountsUnitsByState_AndFreeEqualsWhatCanStillBeSold) {
  const OrderId confirmed = hold(kPerfOverdue, 1, 3).order;
  ASSERT_TRUE(run(Confirm{confirmed, {}}).ok());
  ASSERT_TRUE(book(kPerfOverdue, 1, 4, kT0 + 5 * kDay).ok());
  ASSERT_TRUE(book(kPerfOverdue, 2, 5, kT0 + kDay, BookingKind::kReservation).ok());
  ASSERT_TRUE(book(kPerfOverdue, 1, 6, kT0 + kDay).ok());
  ASSERT_TRUE(run(Book{BookingKind::kOption,
                       7,
                       workload::kPartner,
                       {LineRequest{kPerfOverdue, 1, workload::demo_tariff(2, 1), 7,
                                    workload::demo_partner_contingent(kPerfOverdue)}},
                       kT0 + 5 * kDay})
                  .ok());
  advance_to(kT0 + kDay);  // the reservation and the 6-unit option become overdue ("OD")
  ASSERT_TRUE(hold(kPerfOverdue, 1, 2).ok());

  const Reply r = run(GetStockSummary{kPerfOverdue});
  ASSERT_TRUE(r.ok()) << r.message;
  const StockSummary& s = std::get<StockSummary>(r.detail->value);
  ASSERT_EQ(s.rows.size(), 3u);
  const StockRow& cat1 = s.rows[0];
  EXPECT_EQ(cat1.category, 1u);
  EXPECT_EQ(cat1.capacity, 500u);
  EXPECT_EQ(cat1.held, 2u);
  EXPECT_EQ(cat1.confirmed, 3u);
  EXPECT_EQ(cat1.option, 4u + 7u);
  EXPECT_EQ(cat1.overdue, 6u);
  EXPECT_EQ(cat1.reservation, 0u);
  const StockRow& cat2 = s.rows[1];
  EXPECT_EQ(cat2.overdue, 5u);
  EXPECT_EQ(cat2.free, 300u - 5u);
  // Free = what the open sale and the partner contingent can still sell.
  const int64_t open = available(kPerfOverdue, 1, workload::kBoxOffice);
  const int64_t partner =
      available(kPerfOverdue, 1, workload::kPartner, workload::demo_partner_contingent(kPerfOverdue));
  EXPECT_EQ(int64_t{cat1.free}, open + partner);
  for (const StockRow& row : s.rows)
    EXPECT_EQ(row.capacity,
              row.free + row.blocked + row.held + row.option + row.overdue + row.reservation + row.confirmed);
  EXPECT_EQ(r.value, int64_t{s.rows[0].free} + s.rows[1].free + s.rows[2].free);
  EXPECT_EQ(run(GetStockSummary{4242}).code, ReplyCode::kNotFound);
}

TEST_F(OrderPagesTest, OptionLifetimeFromConfiguration_GivesTheDeadlineWhenNoneIsGiven) {
  const ProductId product = workload::kProductRelease;
  // None configured: a booking without a deadline is refused, naming the product.
  const Reply refused =
      run(Book{BookingKind::kOption, 7, workload::kBoxOffice, {workload::demo_line(kPerfRelease, 1, 1, 1)}, 0});
  EXPECT_EQ(refused.code, ReplyCode::kInvalidArgument);
  EXPECT_NE(refused.message.find("product 1 has no option lifetime"), std::string::npos) << refused.message;

  ASSERT_TRUE(run(SetOptionLifetime{product, kNone, BookingKind::kOption, 7 * kDay}).ok());
  ASSERT_TRUE(run(SetOptionLifetime{product, workload::kWeb, BookingKind::kOption, 2 * kDay}).ok());
  ASSERT_TRUE(run(SetOptionLifetime{product, kNone, BookingKind::kReservation, 3 * kDay}).ok());
  const Reply office =
      run(Book{BookingKind::kOption, 7, workload::kBoxOffice, {workload::demo_line(kPerfRelease, 1, 1, 1)}, 0});
  ASSERT_TRUE(office.ok()) << office.message;
  EXPECT_EQ(office.due_ms, kT0 + 7 * kDay) << "the product's lifetime";
  const Reply web = run(Book{BookingKind::kOption, 7, workload::kWeb, {workload::demo_line(kPerfRelease, 1, 1, 1)}, 0});
  EXPECT_EQ(web.due_ms, kT0 + 2 * kDay) << "the web channel's own";
  const OrderId cart = hold(kPerfRelease, 1, 1).order;
  const Reply converted = run(ConvertHold{cart, BookingKind::kReservation, 0});
  ASSERT_TRUE(converted.ok()) << converted.message;
  EXPECT_EQ(converted.due_ms, kT0 + 3 * kDay);
  const Reply given = run(
      Book{BookingKind::kOption, 7, workload::kBoxOffice, {workload::demo_line(kPerfRelease, 1, 1, 1)}, kT0 + kDay});
  EXPECT_EQ(given.due_ms, kT0 + kDay) << "an explicit deadline wins";
  ASSERT_TRUE(run(SetOptionLifetime{product, kNone, BookingKind::kOption, 5 * kDay}).ok());
  EXPECT_EQ(
      run(Book{BookingKind::kOption, 7, workload::kBoxOffice, {workload::demo_line(kPerfRelease, 1, 1, 1)}, 0}).due_ms,
      kT0 + 5 * kDay)
      << "set again: replaced";

  const uint64_t hash = shard_.state_hash();
  for (const SetOptionLifetime& bad : {SetOptionLifetime{99, kNone, BookingKind::kOption, kDay},
                                       SetOptionLifetime{product, 99, BookingKind::kOption, kDay},
                                       SetOptionLifetime{product, kNone, BookingKind::kOption, 1'000},
                                       SetOptionLifetime{product, kNone, static_cast<BookingKind>(5), kDay}})
    EXPECT_NE(run(bad).code, ReplyCode::kOk);
  EXPECT_EQ(shard_.state_hash(), hash) << "refusals changed nothing";

  std::string bytes;
  shard_.save(&bytes);
  auto loaded = Shard::load(bytes);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->state_hash(), shard_.state_hash());
  const Reply after = (*loaded)->apply(
      Command{0, Book{BookingKind::kOption, 7, workload::kWeb, {workload::demo_line(kPerfRelease, 1, 1, 1)}, 0}}, now_);
  EXPECT_EQ(after.due_ms, kT0 + 2 * kDay) << "the lifetimes survive a snapshot";
}

TEST_F(OrderPagesTest, AProductWithoutAnExpiryPolicy_KeepsItsOptionsPastTheirDeadline) {
  ASSERT_TRUE(run(DefineProduct{8, 1, 1, "Sans politique"}).ok());
  ASSERT_TRUE(run(DefinePerformance{8000, 8, kT0 + 30 * kDay, 100, 0}).ok());
  ASSERT_TRUE(run(SetGeneralAdmission{8000, 1, 100}).ok());
  ASSERT_TRUE(run(DefineTariff{81, 8, "Plein"}).ok());
  ASSERT_TRUE(run(SetTariffPrice{81, 1, kNone, 1000}).ok());
  const Reply option =
      run(Book{BookingKind::kOption, 7, workload::kBoxOffice, {LineRequest{8000, 1, 81, 2, kNone}}, kT0 + kDay});
  ASSERT_TRUE(option.ok()) << option.message;
  advance_to(kT0 + 3 * kDay);
  EXPECT_EQ(state(option.order), OrderState::kOption) << "not archived behind the clerk's back (seed 000)";
  EXPECT_EQ(record(option.order).policy, ExpiryPolicy::kKeepUntilReleased);
}

TEST(OrderPageMerge, ShardsPagesMergeByIdCutToTheLimit_WithTheTotalsSummed) {
  auto part = [](std::vector<OrderId> ids, uint64_t total, OrderId next) {
    OrderPage p;
    for (OrderId id : ids) p.orders.push_back(OrderSummary{id});
    p.total = total;
    p.next_after = next;
    Reply r;
    r.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(p)});
    return r;
  };
  const OrderId a1 = make_order_id(0, 1, 1), a2 = make_order_id(0, 1, 2), b1 = make_order_id(1, 1, 1);
  std::vector<Reply> parts = {part({a1, a2}, 2, 0), part({b1}, 7, b1)};
  const Reply merged = merge_replies(ListOrders{7, kNone, 0, 0, 2}, std::move(parts));
  const OrderPage& p = std::get<OrderPage>(merged.detail->value);
  ASSERT_EQ(p.orders.size(), 2u);
  EXPECT_EQ(p.orders[0].order, a1);
  EXPECT_EQ(p.orders[1].order, a2);
  EXPECT_EQ(p.total, 9u);
  EXPECT_EQ(p.next_after, a2) << "the cut dropped b1: more follow after a2";
  EXPECT_EQ(merged.value, 9);
  std::vector<Reply> last = {part({}, 2, 0), part({b1}, 7, 0)};
  const Reply tail = merge_replies(ListOrders{7, kNone, 0, a2, 2}, std::move(last));
  EXPECT_EQ(std::get<OrderPage>(tail.detail->value).next_after, 0u);
}

}  // namespace
}  // namespace tessera::engine
