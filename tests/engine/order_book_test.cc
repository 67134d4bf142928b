// OrderBook on its own (wired to the stock owners and timers as in Shard):
// placing orders all or nothing, a timer armed exactly for the states that
// expire (none for locked or keep-until-released orders), expire_if_due,
// close returning stock and dropping follow-up rows, slot reuse, and
// check_invariants() catching a missing timer or follow-up row.
#include "engine/order_book.h"

#include <gtest/gtest.h>

#include "tests/engine/owners_fixture.h"

namespace tessera::engine {
namespace {

using namespace owners_test;

class OrderBookTest : public testing::Test {
 protected:
  OrderBookTest() {
    o_.define_catalog();
    o_.define_performances(kPerfRelease, workload::kProductRelease);
    o_.define_performances(kPerfOverdue, workload::kProductOverdue);
    o_.define_performances(kPerfKeep, workload::kProductKeep);
  }
  OrderBook& book() { return o_.orders; }
  Reply place(PerformanceId p, uint32_t n, OrderState state, int64_t deadline, CategoryId c = 1) {
    Reply r = book().place_lines({line(p, c, n)}, {0, 7, kBoxOffice, state, deadline});
    EXPECT_TRUE(r.ok()) << r.message;
    return r;
  }
  Order& order(OrderId id) { return *book().find(id); }
  bool timed(OrderId id) { return order(id).timer.valid(); }
  void expect_invariants() {
    const Status s = o_.check();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
  }

  Owners o_;
};

TEST_F(OrderBookTest, PlaceLines_ARefusalTakesNoSlotNoStockAndNoTimer) {
  const uint64_t before = o_.hash();
  EXPECT_EQ(book().place_lines({line(kPerfRelease, 3, 201)}, {0, 7, kWeb, OrderState::kHeld, kT0 + kMinute}).code,
            ReplyCode::kSoldOut);
  EXPECT_EQ(book()
                .place_lines({line(kPerfRelease, 1, 2), line(kPerfRelease, 3, 201)},
                             {0, 7, kWeb, OrderState::kOption, kT0 + kDay})
                .code,
            ReplyCode::kSoldOut);
  EXPECT_EQ(book().place_lines({}, {0, 7, kWeb, OrderState::kHeld, kT0 + kMinute}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(book().place_lines({line(kPerfRelease, 1, 1)}, {0, 7, 99, OrderState::kHeld, kT0 + kMinute}).code,
            ReplyCode::kNotFound);
  EXPECT_EQ(o_.hash(), before);
  EXPECT_EQ(book().table().slot_count(), 0u);
  EXPECT_EQ(book().table().live_count(), 0u);
  EXPECT_EQ(o_.timers.wheel().size(), 0u);

  const Reply r = place(kPerfRelease, 2, OrderState::kHeld, kT0 + kMinute);
  EXPECT_EQ(order_slot(r.order), 0u);
  EXPECT_EQ(r.state, OrderState::kHeld);
  EXPECT_EQ(r.due_ms, kT0 + kMinute);
  EXPECT_EQ(o_.available(kPerfRelease, 1), 448);
  expect_invariants();
}

TEST_F(OrderBookTest, Timers_AreArmedExactlyForTheStatesThatExpire) {
  const OrderId held = place(kPerfRelease, 1, OrderState::kHeld, kT0 + kMinute).order;
  const OrderId option = place(kPerfRelease, 1, OrderState::kOption, kT0 + kDay).order;
  const OrderId reservation = place(kPerfOverdue, 1, OrderState::kReservation, kT0 + kDay).order;
  const OrderId kept = place(kPerfKeep, 1, OrderState::kOption, kT0 + kDay).order;
  EXPECT_TRUE(timed(held));
  EXPECT_TRUE(timed(option));
  EXPECT_TRUE(timed(reservation));
  EXPECT_FALSE(timed(kept)) << "keep-until-released options never expire";
  EXPECT_EQ(order(kept).policy, ExpiryPolicy::kKeepUntilReleased);
  EXPECT_EQ(order(reservation).policy, ExpiryPolicy::kOverdueThenArchive);
  EXPECT_EQ(o_.timers.wheel().size(), 3u);
  EXPECT_EQ(o_.timers.wheel().due_ms(order(option).timer), kT0 + kDay);
  EXPECT_EQ(book().follow_up().size(), 3u);  // the bookings, not the hold
  expect_invariants();

  book().set_locked(order(option), option, true, kSystem);
  EXPECT_FALSE(timed(option)) << "a locked order has no running timer";
  EXPECT_EQ(o_.timers.wheel().size(), 2u);
  expect_invariants();
  book().set_locked(order(option), option, false, kSystem);
  ASSERT_TRUE(timed(option));
  EXPECT_EQ(o_.timers.wheel().due_ms(order(option).timer), kT0 + kDay);
  expect_invariants();
}

TEST_F(OrderBookTest, Timers_SameDueFireInTheOrderTheyWereArmed) {
  const OrderId a = place(kPerfRelease, 1, OrderState::kHeld, kT0 + kMinute).order;
  const OrderId b = place(kPerfRelease, 1, OrderState::kHeld, kT0 + 2 * kMinute).order;
  book().set_deadline(order(a), a, kT0 + 2 * kMinute);  // re-armed after b
  EXPECT_LT(order(b).timer_seq, order(a).timer_seq);
  std::vector<uint64_t> fired;
  o_.timers.wheel().advance(kT0 + 2 * kMinute, 10, [&](TimerId, uint64_t payload, int64_t) {
    fired.push_back(payload);
    book().on_deadline(OrderId{payload});
  });
  EXPECT_EQ(fired, (std::vector<uint64_t>{b.value(), a.value()}));
  EXPECT_EQ(order(a).state, OrderState::kExpired);
  expect_invariants();
}

TEST_F(OrderBookTest, Lock_PastTheDeadlineThenUnlock_ExpiresAtTheNextTick) {
  const OrderId id = place(kPerfRelease, 4, OrderState::kOption, kT0 + kHour).order;
  book().set_locked(order(id), id, true, kSystem);
  EXPECT_EQ(o_.advance_to(kT0 + 2 * kHour), 0u);
  EXPECT_EQ(order(id).state, OrderState::kOption);
  EXPECT_EQ(o_.available(kPerfRelease, 1), 446);
  book().set_locked(order(id), id, false, kSystem);
  ASSERT_TRUE(timed(id));
  expect_invariants();
  book().expire_if_due(order(id), id);
  EXPECT_EQ(order(id).state, OrderState::kArchived);
  EXPECT_EQ(o_.available(kPerfRelease, 1), 450);
  EXPECT_EQ(o_.timers.wheel().size(), 0u);
  expect_invariants();
}

TEST_F(OrderBookTest, ExpireIfDue_AtTheDeadlineAnOverdueOptionGetsItsGracePeriod) {
  const OrderId id = place(kPerfOverdue, 2, OrderState::kOption, kT0 + kHour).order;
  o_.now_ms = kT0 + kHour - 1;
  book().expire_if_due(order(id), id);
  EXPECT_EQ(order(id).state, OrderState::kOption);
  o_.now_ms = kT0 + kHour;  // the timer has not fired: the command finds it due
  book().expire_if_due(order(id), id);
  EXPECT_EQ(order(id).state, OrderState::kOverdue);
  EXPECT_EQ(order(id).deadline_ms, kT0 + kHour + workload::kOverdueGraceMs);
  EXPECT_EQ(order(id).due_ms, kT0 + kHour) << "the follow-up screen keeps the booking's deadline";
  ASSERT_TRUE(timed(id));
  EXPECT_EQ(o_.timers.wheel().due_ms(order(id).timer), kT0 + kHour + workload::kOverdueGraceMs);
  expect_invariants();
}

TEST_F(OrderBookTest, FindLive_PastDeadlineAndGraceArchivesInOneCall) {
  const OrderId id = place(kPerfOverdue, 2, OrderState::kReservation, kT0 + kHour).order;
  o_.now_ms = kT0 + kHour + workload::kOverdueGraceMs;
  Order* live = nullptr;
  const Reply r = book().find_live(id, &live);
  EXPECT_EQ(r.code, ReplyCode::kInvalidState);
  EXPECT_EQ(r.state, OrderState::kArchived);
  EXPECT_EQ(live, nullptr);
  EXPECT_EQ(o_.available(kPerfOverdue, 1), 450);
  EXPECT_EQ(book().follow_up().size(), 0u);
  expect_invariants();
  EXPECT_EQ(book().find_live(make_order_id(0, 1, 77), &live).code, ReplyCode::kNotFound);
}

TEST_F(OrderBookTest, Close_ReturnsStockDropsRowsAndTimer_TheSlotIsReusedFirstInFirstOut) {
  const Reply a = book().place_lines({line(kPerfRelease, 1, 2), line(kPerfRelease, 2, 3)},
                                     {0, 7, kBoxOffice, OrderState::kOption, kT0 + kDay});
  ASSERT_TRUE(a.ok());
  const OrderId b = place(kPerfRelease, 1, OrderState::kHeld, kT0 + kMinute).order;
  book().close(order(a.order), a.order, OrderState::kReleased, kSystem);
  EXPECT_EQ(o_.available(kPerfRelease, 1), 449);
  EXPECT_EQ(o_.available(kPerfRelease, 2), 300);
  EXPECT_EQ(book().follow_up().size(), 0u);
  EXPECT_EQ(o_.timers.wheel().size(), 1u);
  EXPECT_EQ(book().table().live_count(), 1u);
  ASSERT_NE(book().find(a.order), nullptr) << "a closed order stays readable until its slot is reused";
  EXPECT_EQ(book().find(a.order)->state, OrderState::kReleased);
  expect_invariants();
  book().close(order(b), b, OrderState::kReleased, kSystem);

  const OrderId c = place(kPerfRelease, 1, OrderState::kHeld, kT0 + kMinute).order;
  const OrderId d = place(kPerfRelease, 1, OrderState::kHeld, kT0 + kMinute).order;
  EXPECT_EQ(order_slot(c), order_slot(a.order));
  EXPECT_EQ(order_slot(d), order_slot(b));
  EXPECT_EQ(book().find(a.order), nullptr) << "the old id names no order once its slot is reused";
  expect_invariants();
}

TEST_F(OrderBookTest, Close_AContingentLineAfterReleaseBack_FlowsOnToTheOpenSale) {
  constexpr ContingentId kPartnerContingent = 10001;
  const Reply r = book().place_lines({line(kPerfRelease, 1, 5, kPartnerContingent)},
                                     {0, 7, kPartner, OrderState::kReservation, kT0 + kDay});
  ASSERT_TRUE(r.ok()) << r.message;
  ASSERT_TRUE(o_.contingents.on(SetContingentReleaseBack{kPerfRelease, kPartnerContingent, kT0 + kHour}).ok());
  o_.advance_to(kT0 + kHour);
  EXPECT_EQ(o_.available(kPerfRelease, 1), 495);
  book().close(order(r.order), r.order, OrderState::kReleased, kSystem);
  EXPECT_EQ(o_.available(kPerfRelease, 1), 500);
  EXPECT_EQ(o_.stock.performances().find(kPerfRelease)->area(1)->allotted, 0u);
  expect_invariants();
}

TEST_F(OrderBookTest, OnDeadline_HoldExpiresAndOptionIsArchived_StockReturns) {
  const OrderId hold = place(kPerfRelease, 3, OrderState::kHeld, kT0 + kMinute).order;
  const OrderId option = place(kPerfRelease, 4, OrderState::kOption, kT0 + kHour).order;
  EXPECT_EQ(o_.advance_to(kT0 + kMinute), 1u);
  EXPECT_EQ(order(hold).state, OrderState::kExpired);
  EXPECT_EQ(order(option).state, OrderState::kOption);
  EXPECT_EQ(order_reply(hold, order(hold)).due_ms, 0);
  EXPECT_EQ(o_.advance_to(kT0 + kHour), 1u);
  EXPECT_EQ(order(option).state, OrderState::kArchived);
  EXPECT_EQ(o_.available(kPerfRelease, 1), 450);
  expect_invariants();
}

TEST_F(OrderBookTest, CheckInvariants_CatchesAMissingTimer) {
  const OrderId id = place(kPerfRelease, 1, OrderState::kHeld, kT0 + kMinute).order;
  book().disarm_timer(order(id));
  uint32_t timed_count = 0;
  const Status s = book().check_invariants(&timed_count);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.to_string().find("timer missing"), std::string::npos) << s.to_string();
}

TEST_F(OrderBookTest, CheckInvariants_CatchesATimerOnAKeepUntilReleasedOption) {
  const OrderId id = place(kPerfKeep, 1, OrderState::kOption, kT0 + kDay).order;
  order(id).timer = o_.timers.arm(kT0 + kDay, id.value(), &order(id).timer_seq);
  uint32_t timed_count = 0;
  EXPECT_FALSE(book().check_invariants(&timed_count).is_ok());
}

TEST_F(OrderBookTest, CheckInvariants_CatchesFollowUpRowsThatDoNotMatchTheBookings) {
  const OrderId id = place(kPerfRelease, 1, OrderState::kOption, kT0 + kDay).order;
  uint32_t timed_count = 0;
  ASSERT_TRUE(book().check_invariants(&timed_count).is_ok());
  book().follow_up().remove(order(id), id);
  Status s = book().check_invariants(&timed_count);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.to_string().find("missing from the follow-up index"), std::string::npos) << s.to_string();
  book().follow_up().add(order(id), id);
  ASSERT_TRUE(book().check_invariants(&timed_count).is_ok());
  // A row of an order that is not a booking.
  const OrderId hold = place(kPerfRelease, 1, OrderState::kHeld, kT0 + kMinute).order;
  order(hold).kind = BookingKind::kOption;
  book().follow_up().add(order(hold), hold);
  s = book().check_invariants(&timed_count);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.to_string().find("rows, recount"), std::string::npos) << s.to_string();
}

TEST_F(OrderBookTest, Transition_IsWrittenToTheWorkflowWithWhoAndWhen) {
  const OrderId id = place(kPerfRelease, 2, OrderState::kOption, kT0 + kDay).order;
  book().transition(order(id), OrderState::kConfirmed, 42);
  const std::vector<WorkflowEvent>& log = book().cold(order(id)).workflow;
  ASSERT_EQ(log.size(), 1u) << "the creation is the order's own fields, not an entry";
  EXPECT_EQ(log[0].action, WorkflowAction::kStateChanged);
  EXPECT_EQ(log[0].from, OrderState::kOption);
  EXPECT_EQ(log[0].to, OrderState::kConfirmed);
  EXPECT_EQ(log[0].principal, 42u);
  EXPECT_EQ(log[0].at_ms, kT0);
}

using OrderBookDeathTest = OrderBookTest;

TEST_F(OrderBookDeathTest, Transition_AnIllegalTransitionStopsTheProcess) {
  const OrderId id = place(kPerfRelease, 1, OrderState::kOption, kT0 + kDay).order;
  book().transition(order(id), OrderState::kConfirmed, kSystem);
  EXPECT_EQ(order(id).state, OrderState::kConfirmed);
  EXPECT_DEATH(book().transition(order(id), OrderState::kHeld, kSystem), "confirmed");
  book().close(order(id), id, OrderState::kCancelled, kSystem);
  EXPECT_DEATH(book().transition(order(id), OrderState::kOption, kSystem), "cancelled");
}

}  // namespace
}  // namespace tessera::engine
