// Reminder fields as text: dates (UTC), amounts and ids.
#include "reminders/reminder_fields.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "tests/reminders/reminder_test_data.h"

namespace tessera::reminders {
namespace {

using namespace tessera::testing_support;

TEST(ReminderFields, DatesAmountsAndIds) {
  EXPECT_EQ(format_date_utc(kDeadline20180311Ms), "2018-03-11");
  EXPECT_EQ(format_date_time_utc(kPerformance20180312Ms), "2018-03-12 15:00");
  EXPECT_EQ(format_date_utc(-1), "1969-12-31");
  EXPECT_EQ(format_amount(1250), "12.50");
  EXPECT_EQ(format_amount(5), "0.05");
  EXPECT_EQ(format_amount(-5), "-0.05");
  EXPECT_EQ(format_amount(INT64_MIN), "-92233720368547758.08");
}

}  // namespace
}  // namespace tessera::reminders
