// Reminder field names and values (see reminder_fields.h).
#include "reminders/reminder_fields.h"

#include <cstdio>

namespace tessera::reminders {
namespace {

using engine::ReminderField;
using engine::ReminderItem;

std::string id_text(uint64_t id) { return id == 0 ? std::string() : std::to_string(id); }
std::string date_text(int64_t ms, const LocalTime& local) { return ms == 0 ? std::string() : local.date(ms); }

std::string order_field(const ReminderItem& item, ReminderField field, const LocalTime& local) {
  if (item.order == 0) return {};
  switch (field) {
    case ReminderField::kOrderNumber:
      return to_string(item.order);
    case ReminderField::kFileNumber:
      return id_text(item.file_number);
    case ReminderField::kDeadline:
      return date_text(item.due_ms, local);
    case ReminderField::kAmount:
      return local.amount(item.amount_cents);
    case ReminderField::kProduct:
      return item.product_name;
    case ReminderField::kPerformanceDate:
      return item.performance_starts_ms == 0 ? std::string() : local.date_time(item.performance_starts_ms);
    case ReminderField::kQuantity:
      return std::to_string(item.quantity);
    default:
      return {};
  }
}

std::string subscription_field(const ReminderItem& item, ReminderField field, const LocalTime& local) {
  if (!is_subscription_item(item)) return {};
  switch (field) {
    case ReminderField::kSeries:
      return item.series_name;
    case ReminderField::kSubscription:
      return to_string(item.subscription);
    case ReminderField::kEndDate:
      return date_text(item.ends_ms, local);
    case ReminderField::kLastIssue:
      return item.last_issue_name;
    default:
      return {};
  }
}

}  // namespace

std::string_view reminder_field_name(ReminderField field) {
  switch (field) {
    case ReminderField::kContactNumber:
      return "contact_number";
    case ReminderField::kLastName:
      return "last_name";
    case ReminderField::kFirstName:
      return "first_name";
    case ReminderField::kEmail:
      return "email";
    case ReminderField::kPayerNumber:
      return "payer_number";
    case ReminderField::kPayerName:
      return "payer_name";
    case ReminderField::kSeries:
      return "series";
    case ReminderField::kSubscription:
      return "subscription";
    case ReminderField::kEndDate:
      return "end_date";
    case ReminderField::kLastIssue:
      return "last_issue";
    case ReminderField::kReminderRank:
      return "reminder_rank";
    case ReminderField::kOrderNumber:
      return "order_number";
    case ReminderField::kFileNumber:
      return "file_number";
    case ReminderField::kDeadline:
      return "deadline";
    case ReminderField::kAmount:
      return "amount";
    case ReminderField::kProduct:
      return "product";
    case ReminderField::kPerformanceDate:
      return "performance_date";
    case ReminderField::kQuantity:
      return "quantity";
    case ReminderField::kStreet:
      return "street";
    case ReminderField::kPostcode:
      return "postcode";
    case ReminderField::kCity:
      return "city";
    case ReminderField::kCountry:
      return "country";
  }
  return "unknown";
}

std::string reminder_field_value(const ReminderItem& item, ReminderField field, const LocalTime& local) {
  switch (field) {
    case ReminderField::kContactNumber:
      return id_text(item.contact_number);
    case ReminderField::kLastName:
      return item.last_name;
    case ReminderField::kFirstName:
      return item.first_name;
    case ReminderField::kEmail:
      return item.email;
    case ReminderField::kPayerNumber:
      return id_text(item.payer_number);
    case ReminderField::kPayerName:
      return item.payer == engine::kNone ? std::string() : item.payer_name;
    case ReminderField::kReminderRank:
      return std::to_string(item.reminder_rank);
    case ReminderField::kStreet:
      return item.street;
    case ReminderField::kPostcode:
      return item.postcode;
    case ReminderField::kCity:
      return item.city;
    case ReminderField::kCountry:
      return item.country;
    case ReminderField::kSeries:
    case ReminderField::kSubscription:
    case ReminderField::kEndDate:
    case ReminderField::kLastIssue:
      return subscription_field(item, field, local);
    default:
      return order_field(item, field, local);
  }
}

}  // namespace tessera::reminders
