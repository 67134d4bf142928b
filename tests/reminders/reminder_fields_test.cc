// Reminder fields as text: dates, amounts and ids, in UTC and English by
// default, and as a French organisation in Paris reads them.
#include "reminders/reminder_fields.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "reminders/reminder_export.h"
#include "tests/reminders/reminder_test_data.h"

namespace tessera::reminders {
namespace {

using namespace tessera::testing_support;

TEST(ReminderFields, DatesAmountsAndIds) {
  const LocalTime utc;
  EXPECT_EQ(utc.date(kDeadline20180311Ms), "2018-03-11");
  EXPECT_EQ(utc.date_time(kPerformance20180312Ms), "2018-03-12 15:00");
  EXPECT_EQ(utc.date(-1), "1969-12-31");
  EXPECT_EQ(utc.amount(1250), "12.50");
  EXPECT_EQ(utc.amount(5), "0.05");
  EXPECT_EQ(utc.amount(-5), "-0.05");
  EXPECT_EQ(utc.amount(INT64_MIN), "-92233720368547758.08");
  const engine::ReminderItem item =
      order_item(1, 100000002951, "BOSCHE", "Lennart", "l@example.org", 11000314222, "Le Cid", 2500);
  EXPECT_EQ(reminder_field_value(item, engine::ReminderField::kDeadline), "2018-03-11");
  EXPECT_EQ(reminder_field_value(item, engine::ReminderField::kAmount), "25.00");
}

TEST(ReminderFields, AFrenchOrganisationInParisReadsItsOwnFormats) {
  auto paris = LocalTime::make("Europe/Paris", "fr");
  ASSERT_TRUE(paris.is_ok()) << paris.status().to_string();
  const engine::ReminderItem item =
      order_item(1, 100000002951, "BOSCHE", "Lennart", "l@example.org", 11000314222, "Le Cid", 2500);
  // 2018-03-11 00:00 UTC is 01:00 in Paris (winter, UTC+1); 15:00 UTC is 16:00.
  EXPECT_EQ(reminder_field_value(item, engine::ReminderField::kDeadline, *paris), "11.03.2018");
  EXPECT_EQ(reminder_field_value(item, engine::ReminderField::kPerformanceDate, *paris), "12.03.2018 16:00");
  EXPECT_EQ(reminder_field_value(item, engine::ReminderField::kAmount, *paris), "25,00");
  EXPECT_EQ(render_reminder_file(order_batch(), *paris),
            "contact_number;last_name;first_name;order_number;deadline;amount;product;performance_date;quantity\n"
            "100000002951;BOSCHE;Lennart;11000314222;11.03.2018;25,00;Entrée au Théâtre;12.03.2018 16:00;1\n"
            "100000002951;BOSCHE;Lennart;11000314223;11.03.2018;50,00;Le Cid;12.03.2018 16:00;1\n"
            "100000003000;DUPONT;Céline;11000314300;11.03.2018;12,50;Le Cid;12.03.2018 16:00;1\n");
}

}  // namespace
}  // namespace tessera::reminders
