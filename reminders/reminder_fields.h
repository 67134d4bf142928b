// Reminder fields as text: the column names and the value of each
// engine::ReminderField for one reminder item, shared by the reminder file
// and the table inside reminder emails.
//
// Dates, performance dates and amounts as the organisation reads them
// (base/local_time.h: its zone and language: "2024-03-14" or "14.03.2024",
// "12.50" or "12,50"); ids are decimal. A field that does not apply to an
// item (an order field of a subscription reminder, a payer of a direct
// subscriber, a zero id or time) is the empty string.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/local_time.h"
#include "engine/reply_detail.h"

namespace tessera::reminders {

// The column name of a field in file headers and email tables ("deadline").
std::string_view reminder_field_name(engine::ReminderField field);

// The text of `field` for `item` (unescaped; the caller quotes it).
std::string reminder_field_value(const engine::ReminderItem& item, engine::ReminderField field,
                                 const LocalTime& local = {});

// True iff the item reminds a subscription (else an order).
inline bool is_subscription_item(const engine::ReminderItem& item) { return item.subscription != engine::kNone; }

}  // namespace tessera::reminders
