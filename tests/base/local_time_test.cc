// LocalTime: the organisation's day boundaries around midnight in Paris in
// winter and summer and at the clock changes, its formats in French, and
// the refusals (a local time the clocks skip or repeat, an unknown zone).
#include "base/local_time.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

constexpr int64_t kHourMs = 3'600'000;

// ms since the epoch of a UTC date and time (days_from_civil, H. Hinnant).
int64_t utc_ms(int y, unsigned m, unsigned d, unsigned h = 0, unsigned min = 0) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = int64_t{era} * 146097 + static_cast<int64_t>(doe) - 719468;
  return (days * 24 + h) * kHourMs + int64_t{min} * 60'000;
}

LocalTime paris() {
  auto p = LocalTime::make("Europe/Paris", "fr");
  EXPECT_TRUE(p.is_ok()) << p.status().to_string();
  return p.is_ok() ? *p : LocalTime{};
}

TEST(LocalTime, ADayEndsAtMidnightInParisNotInUtc) {
  const LocalTime fr = paris();
  // Winter (UTC+1): "on or before 11.03" ends at 23:00 UTC on the 11th, so
  // an option due at 00:30 Paris time on the 12th is not in it.
  auto end = fr.day_ms("due", "2026-03-11", DayPart::kEnd);
  ASSERT_TRUE(end.is_ok());
  EXPECT_EQ(*end, utc_ms(2026, 3, 11, 23) - 1);
  EXPECT_GT(utc_ms(2026, 3, 11, 23, 30), *end) << "00:30 on the 12th in Paris";
  EXPECT_EQ(*fr.day_ms("due", "11.03.2026", DayPart::kEnd), *end) << "the French way of typing it";
  EXPECT_EQ(*fr.day_ms("from", "2026-03-11", DayPart::kStart), utc_ms(2026, 3, 10, 23));
  // Summer (UTC+2).
  EXPECT_EQ(*fr.day_ms("due", "2026-07-11", DayPart::kEnd), utc_ms(2026, 7, 11, 22) - 1);
  // The day the clocks go forward has 23 hours, the day they go back 25.
  const int64_t spring = *fr.day_ms("d", "2026-03-29", DayPart::kEnd) - *fr.day_ms("d", "2026-03-29", DayPart::kStart);
  const int64_t autumn = *fr.day_ms("d", "2026-10-25", DayPart::kEnd) - *fr.day_ms("d", "2026-10-25", DayPart::kStart);
  EXPECT_EQ(spring + 1, 23 * kHourMs);
  EXPECT_EQ(autumn + 1, 25 * kHourMs);
  // UTC is as before.
  EXPECT_EQ(*LocalTime{}.day_ms("due", "2026-03-11", DayPart::kEnd), utc_ms(2026, 3, 12) - 1);
  EXPECT_FALSE(fr.day_ms("due", "2026-02-30", DayPart::kEnd).is_ok());
  EXPECT_FALSE(fr.day_ms("due", "11/03/2026", DayPart::kEnd).is_ok());
}

TEST(LocalTime, FrenchFormatsInTheOrganisationsZone) {
  const LocalTime fr = paris();
  EXPECT_EQ(fr.date_time(utc_ms(2018, 3, 12, 14)), "12.03.2018 15:00");
  EXPECT_EQ(fr.date_time(utc_ms(2018, 7, 12, 13)), "12.07.2018 15:00");
  EXPECT_EQ(fr.date(utc_ms(2026, 3, 11, 23, 30)), "12.03.2026") << "already the 12th in Paris";
  EXPECT_EQ(fr.money(2500), "25,00 €");
  EXPECT_EQ(fr.amount(-5), "-0,05");
  EXPECT_EQ(LocalTime{}.date_time(utc_ms(2018, 3, 12, 14)), "2018-03-12 14:00");
  EXPECT_EQ(LocalTime{}.money(2500), "25.00");
}

TEST(LocalTime, LocalTimesTheClocksSkipOrRepeatAreRefused) {
  const LocalTime fr = paris();
  EXPECT_EQ(*fr.time_ms("starts", "2027-03-27T20:30"), utc_ms(2027, 3, 27, 19, 30));
  EXPECT_EQ(*fr.time_ms("starts", "2027-03-28 20:30:00"), utc_ms(2027, 3, 28, 18, 30));
  const auto skipped = fr.time_ms("starts", "2027-03-28T02:30");
  ASSERT_FALSE(skipped.is_ok());
  EXPECT_NE(skipped.status().message().find("does not exist"), std::string::npos);
  const auto twice = fr.time_ms("starts", "2026-10-25T02:30");
  ASSERT_FALSE(twice.is_ok());
  EXPECT_NE(twice.status().message().find("happens twice"), std::string::npos);
  EXPECT_FALSE(LocalTime::make("Europe/Pariss").is_ok());
  EXPECT_FALSE(LocalTime::make("UTC", "de").is_ok());
  EXPECT_TRUE(LocalTime::make("UTC").is_ok());
}

}  // namespace
}  // namespace tessera
