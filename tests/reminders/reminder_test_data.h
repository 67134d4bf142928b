// Reminder batches shared by the reminder export suites: order reminders
// (seed 000: "Rappel d'options/réservations") and subscription reminders
// (seed 002: direct subscribers and third-party payers).
#pragma once

#include "engine/reply_detail.h"

namespace tessera::testing_support {

using engine::ReminderField;

inline constexpr int64_t kDeadline20180311Ms = 1520726400000;     // 2018-03-11 00:00 UTC
inline constexpr int64_t kPerformance20180312Ms = 1520866800000;  // 2018-03-12 15:00 UTC
inline constexpr int64_t kNow20240314Ms = 1710408600000;          // 2024-03-14 09:30:00 UTC (a Thursday)
inline constexpr int64_t kEnds20240630Ms = 1719705600000;         // 2024-06-30 00:00 UTC

inline engine::ReminderItem order_item(engine::ContactId contact, uint64_t number, std::string last, std::string first,
                                       std::string email, engine::OrderId order, std::string product,
                                       int64_t amount_cents) {
  engine::ReminderItem item;
  item.contact = contact;
  item.contact_number = number;
  item.last_name = std::move(last);
  item.first_name = std::move(first);
  item.email = std::move(email);
  item.reminder_rank = 1;
  item.order = order;
  item.file_number = 10000000399;
  item.due_ms = kDeadline20180311Ms;
  item.amount_cents = amount_cents;
  item.product_name = std::move(product);
  item.performance_starts_ms = kPerformance20180312Ms;
  item.quantity = 1;
  return item;
}

inline engine::ReminderItem subscription_item(engine::ContactId contact, uint64_t number, std::string last,
                                              std::string email, engine::SubscriptionId subscription,
                                              engine::ContactId payer = engine::kNone, std::string payer_email = "") {
  engine::ReminderItem item;
  item.contact = contact;
  item.contact_number = number;
  item.last_name = std::move(last);
  item.first_name = "Anne";
  item.email = std::move(email);
  if (payer != engine::kNone) {
    item.payer = payer;
    item.payer_number = 900 + payer.value();
    item.payer_name = "Bibliothèque municipale";
    item.payer_email = std::move(payer_email);
  }
  item.reminder_rank = 2;
  item.subscription = subscription;
  item.series_name = "Le Monde diplomatique";
  item.ends_ms = kEnds20240630Ms;
  item.last_issue_name = "N° 840";
  return item;
}

inline engine::DefineReminderFormat order_format(std::string separator) {
  return {7,
          "Relance",
          engine::FormatType::kReminder,
          std::move(separator),
          "csv",
          false,
          {ReminderField::kContactNumber, ReminderField::kLastName, ReminderField::kFirstName,
           ReminderField::kOrderNumber, ReminderField::kDeadline, ReminderField::kAmount, ReminderField::kProduct,
           ReminderField::kPerformanceDate, ReminderField::kQuantity}};
}

inline engine::ReminderBatch order_batch(engine::Delivery delivery = engine::Delivery::kFile) {
  engine::ReminderBatch batch;
  batch.format = order_format(";");
  batch.delivery = delivery;
  batch.items = {
      order_item(1, 100000002951, "BOSCHE", "Lennart", "lennart@example.org", 11000314222, "Entrée au Théâtre", 2500),
      order_item(1, 100000002951, "BOSCHE", "Lennart", "lennart@example.org", 11000314223, "Le Cid", 5000),
      order_item(2, 100000003000, "DUPONT", "Céline", "celine@example.org", 11000314300, "Le Cid", 1250),
  };
  return batch;
}

// Run 42: a direct subscriber, and two subscribers whose library pays.
inline engine::ReminderBatch subscription_batch(engine::Delivery delivery = engine::Delivery::kFile) {
  engine::ReminderBatch batch;
  batch.run = 42;
  batch.delivery = delivery;
  batch.format = {
      9,
      "Relance abonnés",
      engine::FormatType::kReminder,
      "\t",
      "txt",
      true,
      {ReminderField::kSubscription, ReminderField::kLastName, ReminderField::kPayerName, ReminderField::kSeries,
       ReminderField::kEndDate, ReminderField::kLastIssue, ReminderField::kReminderRank}};
  batch.items = {
      subscription_item(10, 5001, "MARTIN", "anne.martin@example.org", 77),
      subscription_item(11, 5002, "DURAND", "anne.durand@example.org", 78, 3, "bib@example.org"),
      subscription_item(12, 5003, "PETIT", "", 79, 3, "bib@example.org"),
  };
  return batch;
}

}  // namespace tessera::testing_support
