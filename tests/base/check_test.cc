// TESSERA_CHECK stays on in every build and stops the process with the
// condition and its place; the order lifecycle it guards allows exactly the
// documented transitions.
#include "base/check.h"

#include <gtest/gtest.h>

#include "engine/order.h"

namespace tessera {
namespace {

using engine::OrderState;

TEST(Check, PassingCheckDoesNothing) {
  int calls = 0;
  TESSERA_CHECK(++calls == 1);
  EXPECT_EQ(calls, 1) << "the condition is evaluated once";
}

TEST(CheckDeathTest, FailingCheckAbortsNamingTheConditionAndDetail) {
  EXPECT_DEATH(TESSERA_CHECK_MSG(1 + 1 == 3, "arithmetic"), "check failed: 1 \\+ 1 == 3 \\(arithmetic\\)");
}

TEST(OrderLifecycle, AllowsTheDocumentedTransitionsOnly) {
  const OrderState all[] = {OrderState::kHeld,    OrderState::kOption,    OrderState::kReservation,
                            OrderState::kOverdue, OrderState::kConfirmed, OrderState::kReleased,
                            OrderState::kExpired, OrderState::kArchived,  OrderState::kCancelled};
  int legal = 0;
  for (OrderState from : all)
    for (OrderState to : all) legal += engine::is_legal_transition(from, to);
  EXPECT_EQ(legal, 5 + 5 + 4 + 5 + 1) << "held 5, option 5, reservation 4, overdue 5, confirmed 1";
  EXPECT_TRUE(engine::is_legal_transition(OrderState::kOption, OrderState::kReservation)) << "pre-registration";
  EXPECT_FALSE(engine::is_legal_transition(OrderState::kReservation, OrderState::kOption));
  EXPECT_TRUE(engine::is_legal_transition(OrderState::kHeld, OrderState::kConfirmed));
  EXPECT_TRUE(engine::is_legal_transition(OrderState::kOverdue, OrderState::kOption)) << "reinstated";
  EXPECT_FALSE(engine::is_legal_transition(OrderState::kConfirmed, OrderState::kReleased)) << "cancel instead";
  EXPECT_FALSE(engine::is_legal_transition(OrderState::kHeld, OrderState::kArchived));
  EXPECT_FALSE(engine::is_legal_transition(OrderState::kHeld, OrderState::kOverdue));
  for (OrderState to : all) EXPECT_FALSE(engine::is_legal_transition(OrderState::kCancelled, to)) << "final";
  EXPECT_TRUE(engine::is_initial_state(OrderState::kReservation));
  EXPECT_FALSE(engine::is_initial_state(OrderState::kConfirmed));
}

}  // namespace
}  // namespace tessera
