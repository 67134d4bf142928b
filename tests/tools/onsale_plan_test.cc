// OnSalePlan: the on-sale draws shared by tessera-load and the peer clients.
#include "tools/load/onsale_plan.h"

#include <gtest/gtest.h>

namespace tessera::tools {
namespace {

TEST(OnSalePlan, DrawsStayInsideTheVenue) {
  OnSalePlan plan(7);
  for (int i = 0; i < 100'000; ++i) {
    const OnSaleHold h = plan.next();
    ASSERT_GE(h.quantity, 1u);
    ASSERT_LE(h.quantity, kOnSaleQuantityMax);
    if (h.seated) {
      ASSERT_EQ(h.category, kVenueSeatCategory);
    } else {
      ASSERT_GE(h.category, 1u);
      ASSERT_LE(h.category, kVenueGaCategories);
    }
    ASSERT_GT(venue_capacity(h.category), 0u);
  }
}

TEST(OnSalePlan, SharesMatchTheStatedPercentages) {
  OnSalePlan plan(11);
  constexpr int kDraws = 200'000;
  int seated = 0, confirm = 0, release = 0, expire = 0;
  for (int i = 0; i < kDraws; ++i) {
    const OnSaleHold h = plan.next();
    seated += h.seated;
    confirm += h.follow_up == FollowUp::kConfirm;
    release += h.follow_up == FollowUp::kRelease;
    expire += h.follow_up == FollowUp::kExpire;
  }
  auto percent = [](int n) { return 100.0 * n / kDraws; };
  EXPECT_NEAR(percent(seated), kOnSaleSeatedPercent, 0.5);
  EXPECT_NEAR(percent(confirm), kOnSaleConfirmPercent, 0.5);
  EXPECT_NEAR(percent(release), kOnSaleReleasePercent, 0.5);
  EXPECT_NEAR(percent(expire), 100 - kOnSaleConfirmPercent - kOnSaleReleasePercent, 0.5);
}

TEST(OnSalePlan, SameSeedSameDraws) {
  OnSalePlan a(42), b(42);
  for (int i = 0; i < 1000; ++i) {
    const OnSaleHold x = a.next(), y = b.next();
    ASSERT_EQ(x.seated, y.seated);
    ASSERT_EQ(x.category, y.category);
    ASSERT_EQ(x.quantity, y.quantity);
    ASSERT_EQ(x.follow_up, y.follow_up);
  }
}

TEST(OnSalePlan, VenueCapacities) {
  uint32_t ga = 0;
  for (uint32_t c = 1; c <= kVenueGaCategories; ++c) ga += venue_capacity(c);
  EXPECT_EQ(ga, 50'000u);
  EXPECT_EQ(venue_capacity(kVenueSeatCategory), 20'000u);
  EXPECT_EQ(venue_capacity(0), 0u);
  EXPECT_EQ(venue_capacity(kRushCategory), 0u);
  EXPECT_EQ(kVenueSeats % kVenueSeatRows, 0u);
}

}  // namespace
}  // namespace tessera::tools
