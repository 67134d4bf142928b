// Calendar days written YYYYMMDD (a birth date, a departure's date).
#pragma once

#include <cstdint>

namespace tessera {

// True iff `d` is a real day of the Gregorian calendar from 1850 on.
constexpr bool valid_civil_date(uint32_t d) {
  const uint32_t y = d / 10000, m = d / 100 % 100, day = d % 100;
  if (y < 1850 || m < 1 || m > 12 || day < 1) return false;
  constexpr uint8_t kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return day <= (m == 2 ? (leap ? 29u : 28u) : kDays[m - 1]);
}
static_assert(valid_civil_date(20240229) && !valid_civil_date(20230229) && !valid_civil_date(20240431));

}  // namespace tessera
