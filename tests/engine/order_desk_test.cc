// OrderDesk on its own (over an OrderBook wired as in Shard): every refusal
// of an order command leaves the owners' state exactly as it was; a hold
// takes the strictest limits of its products; partial confirmation,
// confirmation of a locked option, conversion and reinstatement.
#include "engine/order_desk.h"

#include <gtest/gtest.h>

#include "tests/engine/owners_fixture.h"

namespace tessera::engine {
namespace {

using namespace owners_test;

class OrderDeskTest : public testing::Test {
 protected:
  OrderDeskTest() {
    o_.define_catalog();
    o_.define_performances(kPerfRelease, workload::kProductRelease);
    o_.define_performances(kPerfOverdue, workload::kProductOverdue);
    o_.define_performances(kPerfKeep, workload::kProductKeep);
  }
  OrderDesk& desk() { return o_.desk; }
  template <typename C>
  Reply run(const C& c, const Caller& who = Caller{}) {
    Reply r = desk().on(c, who);
    const Status s = o_.check();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    return r;
  }
  OrderId hold(PerformanceId p, uint32_t n, int64_t ttl = 10 * kMinute) {
    const Reply r = run(Hold{7, kWeb, {line(p, 1, n)}, ttl});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  OrderId book(PerformanceId p, uint32_t n, int64_t deadline, BookingKind kind = BookingKind::kOption) {
    const Reply r = run(Book{kind, 7, kBoxOffice, {line(p, 1, n)}, deadline});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  const Order& order(OrderId id) { return *o_.orders.find(id); }

  Owners o_;
};

TEST_F(OrderDeskTest, Refusals_LeaveEveryOwnerAsItWas) {
  const OrderId overdue = book(kPerfOverdue, 1, kT0 + kMinute);
  o_.advance_to(kT0 + kMinute);
  ASSERT_EQ(order(overdue).state, OrderState::kOverdue);
  const OrderId held = hold(kPerfRelease, 2);
  const OrderId extended = hold(kPerfRelease, 1, kMinute);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(run(ExtendHold{extended, kMinute}).ok());
  const OrderId option = book(kPerfRelease, 2, kT0 + kDay);
  const OrderId locked = book(kPerfRelease, 1, kT0 + kDay);
  ASSERT_TRUE(run(SetLock{locked, true}).ok());
  const OrderId confirmed = hold(kPerfRelease, 1);
  ASSERT_TRUE(run(Confirm{confirmed, {}}).ok());
  const int64_t now = o_.now_ms;

  struct Case {
    CommandBody body;
    ReplyCode code;
    OrderId order;  // the order a wrong-state refusal names (0: none)
  };
  SeatRequest seats{kPerfRelease, 1, workload::demo_tariff(1, 1), kNone, 2, {}, 0};
  const Case cases[] = {
      {ExtendHold{option, kMinute}, ReplyCode::kInvalidState, option},
      {ExtendHold{held, 10}, ReplyCode::kInvalidArgument, 0},
      {ExtendHold{held, 31 * kMinute}, ReplyCode::kLimitExceeded, 0},
      {ExtendHold{extended, kMinute}, ReplyCode::kLimitExceeded, 0},
      {ConvertHold{held, BookingKind::kOption, now}, ReplyCode::kInvalidArgument, 0},
      {ConvertHold{option, BookingKind::kOption, now + kDay}, ReplyCode::kInvalidState, option},
      {Confirm{option, {1, 1}}, ReplyCode::kInvalidArgument, 0},
      {Confirm{option, {3}}, ReplyCode::kInvalidArgument, 0},
      {Confirm{option, {0}}, ReplyCode::kInvalidArgument, 0},
      {Confirm{confirmed, {}}, ReplyCode::kInvalidState, confirmed},
      {Release{confirmed}, ReplyCode::kInvalidState, confirmed},
      {Release{locked}, ReplyCode::kLocked, locked},
      {Cancel{held}, ReplyCode::kInvalidState, held},
      {Archive{held}, ReplyCode::kInvalidState, held},
      {Archive{locked}, ReplyCode::kLocked, locked},
      {Reinstate{option, now + kDay}, ReplyCode::kInvalidState, option},
      {Reinstate{overdue, now}, ReplyCode::kInvalidArgument, 0},
      {SetReleaseMark{held, ReleaseMark::kKeep}, ReplyCode::kInvalidState, held},
      {SetLock{held, true}, ReplyCode::kInvalidState, held},
      {SetLock{confirmed, true}, ReplyCode::kInvalidState, confirmed},
      {Release{make_order_id(0, 9, 999)}, ReplyCode::kNotFound, 0},
      {Release{make_order_id(1, 1, 0)}, ReplyCode::kNotFound, 0},
      {Hold{7, kWeb, {line(kPerfRelease, 1, 1)}, 31 * kMinute}, ReplyCode::kLimitExceeded, 0},
      {Hold{7, kWeb, {line(kPerfRelease, 1, 451)}, kMinute}, ReplyCode::kSoldOut, 0},
      {Book{BookingKind::kOption, 7, kBoxOffice, {line(kPerfRelease, 1, 1)}, now}, ReplyCode::kInvalidArgument, 0},
      {HoldSeats{7, kWeb, seats, kMinute}, ReplyCode::kInvalidArgument, 0},
      {BookSeats{BookingKind::kOption, 7, kWeb, seats, now + kDay}, ReplyCode::kInvalidArgument, 0},
  };
  for (const Case& c : cases) {
    const uint64_t before = o_.hash();
    const Reply r = std::visit(
        [&](const auto& body) -> Reply {
          if constexpr (requires { desk().on(body, Caller{}); }) {
            return run(body);
          } else {
            ADD_FAILURE() << command_name(c.body) << " is not an order command";
            return Reply{};
          }
        },
        c.body);
    EXPECT_EQ(r.code, c.code) << command_name(c.body) << ": " << r.message;
    EXPECT_FALSE(r.message.empty()) << command_name(c.body);
    EXPECT_EQ(o_.hash(), before) << command_name(c.body) << " changed the state: " << r.message;
    if (c.order != 0) {
      EXPECT_EQ(r.order, c.order) << command_name(c.body);
      EXPECT_EQ(r.state, order(c.order).state) << command_name(c.body);
    }
  }
}

TEST_F(OrderDeskTest, Hold_TakesTheStrictestLifetimeAndExtensionsOfItsProducts) {
  DefineProduct strict{4, 1, 1, "Visite guidée"};
  strict.hold_lifetime_max_ms = 10 * kMinute;
  strict.hold_extensions_max = 1;
  ASSERT_TRUE(o_.set_up(strict).ok());
  ASSERT_TRUE(o_.set_up(DefineTariff{workload::demo_tariff(4, 1), 4, "Plein tarif"}).ok());
  ASSERT_TRUE(o_.set_up(SetTariffPrice{workload::demo_tariff(4, 1), 1, kNone, 1500}).ok());
  ASSERT_TRUE(o_.set_up(DefinePerformance{4000, 4, kT0 + 10 * kDay, 0, 0}).ok());
  ASSERT_TRUE(o_.set_up(SetGeneralAdmission{4000, 1, 100}).ok());

  const std::vector<LineRequest> cart = {line(kPerfRelease, 1, 1), line(4000, 1, 2)};
  EXPECT_EQ(run(Hold{7, kWeb, cart, 11 * kMinute}).code, ReplyCode::kLimitExceeded);
  const Reply r = run(Hold{7, kWeb, cart, 4 * kMinute});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(order(r.order).hold_until_max_ms, kT0 + 10 * kMinute);
  EXPECT_EQ(order(r.order).extensions_max, 1u);
  // Without the strict product, the cart keeps the demo product's limits.
  const OrderId plain = hold(kPerfRelease, 1, 4 * kMinute);
  EXPECT_EQ(order(plain).hold_until_max_ms, kT0 + 30 * kMinute);
  EXPECT_EQ(order(plain).extensions_max, 3u);

  o_.now_ms += 2 * kMinute;
  EXPECT_EQ(run(ExtendHold{r.order, 9 * kMinute}).code, ReplyCode::kLimitExceeded);  // past 10 minutes
  ASSERT_TRUE(run(ExtendHold{r.order, 8 * kMinute}).ok());
  EXPECT_EQ(order(r.order).deadline_ms, kT0 + 10 * kMinute);
  EXPECT_EQ(run(ExtendHold{r.order, kMinute}).code, ReplyCode::kLimitExceeded);  // one extension only
}

TEST_F(OrderDeskTest, Confirm_PartialReturnsWhatIsNotKeptAndDropsEmptyLines) {
  const Reply r = run(
      Book{BookingKind::kReservation, 7, kBoxOffice, {line(kPerfRelease, 1, 3), line(kPerfRelease, 2, 2)}, kT0 + kDay});
  ASSERT_TRUE(r.ok());
  const Reply c = run(Confirm{r.order, {2, 0}});
  ASSERT_TRUE(c.ok()) << c.message;
  EXPECT_EQ(c.state, OrderState::kConfirmed);
  EXPECT_EQ(c.due_ms, 0);
  const Order& o = order(r.order);
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(o.lines[0].quantity, 2u);
  EXPECT_EQ(o.lines[0].category, 1u);
  EXPECT_FALSE(o.timer.valid());
  EXPECT_EQ(o_.orders.follow_up().size(), 0u);
  EXPECT_EQ(o_.available(kPerfRelease, 1), 448);
  EXPECT_EQ(o_.available(kPerfRelease, 2), 300);
  ASSERT_TRUE(run(Cancel{r.order}).ok());
  EXPECT_EQ(o_.available(kPerfRelease, 1), 450);
}

TEST_F(OrderDeskTest, Confirm_OfALockedOptionClearsTheLock) {
  const OrderId id = book(kPerfRelease, 2, kT0 + kDay);
  ASSERT_TRUE(run(SetLock{id, true}).ok());
  ASSERT_TRUE(run(Confirm{id, {}}).ok());
  EXPECT_FALSE(order(id).locked);
  EXPECT_EQ(order(id).state, OrderState::kConfirmed);
  ASSERT_TRUE(run(Cancel{id}).ok());
  EXPECT_EQ(o_.available(kPerfRelease, 1), 450);
}

TEST_F(OrderDeskTest, ConvertHold_TakesTheExpiryPolicyOfTheProduct) {
  const OrderId keep = hold(kPerfKeep, 1);
  const OrderId overdue = hold(kPerfOverdue, 1);
  const Reply k = run(ConvertHold{keep, BookingKind::kOption, kT0 + kDay});
  ASSERT_TRUE(k.ok()) << k.message;
  EXPECT_EQ(order(keep).policy, ExpiryPolicy::kKeepUntilReleased);
  EXPECT_FALSE(order(keep).timer.valid());
  EXPECT_EQ(order(keep).due_ms, kT0 + kDay);
  const Reply v = run(ConvertHold{overdue, BookingKind::kReservation, kT0 + kDay});
  ASSERT_TRUE(v.ok()) << v.message;
  EXPECT_EQ(v.state, OrderState::kReservation);
  EXPECT_EQ(order(overdue).kind, BookingKind::kReservation);
  EXPECT_EQ(order(overdue).overdue_grace_ms, workload::kOverdueGraceMs);
  EXPECT_TRUE(order(overdue).timer.valid());
  EXPECT_EQ(o_.orders.follow_up().size(), 2u);
  o_.advance_to(kT0 + 2 * kDay - 1);  // the reservation's grace ends at kT0 + 2 days
  EXPECT_EQ(order(keep).state, OrderState::kOption);
  EXPECT_EQ(order(overdue).state, OrderState::kOverdue);
}

TEST_F(OrderDeskTest, Reinstate_PutsAnOverdueOrderBackWithItsNewDeadline) {
  const OrderId id = book(kPerfOverdue, 2, kT0 + kHour, BookingKind::kReservation);
  o_.advance_to(kT0 + kHour);
  ASSERT_EQ(order(id).state, OrderState::kOverdue);
  const Reply r = run(Reinstate{id, kT0 + 3 * kDay});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.state, OrderState::kReservation);
  EXPECT_EQ(order(id).deadline_ms, kT0 + 3 * kDay);
  EXPECT_EQ(order(id).due_ms, kT0 + 3 * kDay);
  EXPECT_EQ(o_.timers.wheel().due_ms(order(id).timer), kT0 + 3 * kDay);
  EXPECT_EQ(o_.orders.follow_up().size(), 1u);
}

TEST_F(OrderDeskTest, GetOrder_AnswersClosedOrdersUntilTheirSlotIsReused) {
  const OrderId id = hold(kPerfRelease, 1);
  ASSERT_TRUE(run(Release{id}).ok());
  const Reply r = desk().on(GetOrder{id}, Caller{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.state, OrderState::kReleased);
  EXPECT_EQ(r.due_ms, 0);
  hold(kPerfRelease, 1);  // takes the slot
  EXPECT_EQ(desk().on(GetOrder{id}, Caller{}).code, ReplyCode::kNotFound);
}

// An unknown release mark is refused and changes nothing (a snapshot holding
// one would not load). The wire decoder range-checks enums; in-process
// callers (tools, tests, replay) reach the desk directly.
TEST_F(OrderDeskTest, SetReleaseMark_RefusesAnUnknownMark) {
  const OrderId id = book(kPerfRelease, 1, kT0 + kDay);
  const uint64_t before = o_.hash();
  const Reply r = run(SetReleaseMark{id, static_cast<ReleaseMark>(2)});
  EXPECT_EQ(r.code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(o_.hash(), before);
}

// An unknown booking kind is refused before it reaches the order (the
// follow-up index has one bucket per kind: it would index out of bounds).
TEST_F(OrderDeskTest, ConvertHold_RefusesAnUnknownBookingKind) {
  const OrderId id = hold(kPerfRelease, 1);
  const uint64_t before = o_.hash();
  const Reply r = run(ConvertHold{id, static_cast<BookingKind>(2), kT0 + kDay});
  EXPECT_EQ(r.code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(o_.hash(), before);
}

// A web shop (own_orders_only) reaches only the orders it created: any
// other, another shop's or the back office's, is "not found" and unchanged;
// the back office reaches every order.
TEST_F(OrderDeskTest, AWebShopReachesOnlyTheOrdersItCreated) {
  const Caller shop_a{11, true}, shop_b{12, true}, office{3, false};
  const Reply h = run(Hold{7, kWeb, {line(kPerfRelease, 1, 2)}, 10 * kMinute}, shop_a);
  ASSERT_TRUE(h.ok()) << h.message;
  EXPECT_EQ(order(h.order).principal, 11u);
  EXPECT_TRUE(desk().on(GetOrder{h.order}, shop_a).ok());
  const Reply booked = run(Book{BookingKind::kOption, 7, kBoxOffice, {line(kPerfRelease, 1, 1)}, kT0 + kDay}, office);
  ASSERT_TRUE(booked.ok()) << booked.message;

  const uint64_t before = o_.hash();
  for (const OrderId id : {h.order, booked.order}) {
    const Caller& outsider = id == h.order ? shop_b : shop_a;
    EXPECT_EQ(desk().on(GetOrder{id}, outsider).code, ReplyCode::kNotFound);
    EXPECT_EQ(run(ExtendHold{id, kMinute}, outsider).code, ReplyCode::kNotFound);
    EXPECT_EQ(run(ConvertHold{id, BookingKind::kOption, kT0 + kDay}, outsider).code, ReplyCode::kNotFound);
    EXPECT_EQ(run(Confirm{id, {}}, outsider).code, ReplyCode::kNotFound);
    EXPECT_EQ(run(Release{id}, outsider).code, ReplyCode::kNotFound);
    EXPECT_EQ(run(Cancel{id}, outsider).code, ReplyCode::kNotFound);
  }
  EXPECT_EQ(o_.hash(), before) << "an outsider's commands change nothing";
  // Ids next to one's own are no way in either.
  EXPECT_EQ(desk().on(GetOrder{h.order.value() + 1}, shop_a).code, ReplyCode::kNotFound);
  // The owner and the back office act on it.
  EXPECT_TRUE(run(ExtendHold{h.order, 5 * kMinute}, shop_a).ok());
  EXPECT_TRUE(run(Confirm{h.order, {}}, office).ok());
  EXPECT_EQ(order(h.order).state, OrderState::kConfirmed);
}

}  // namespace
}  // namespace tessera::engine
