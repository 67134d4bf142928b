// Subscription commands (seed 002): series and issues, subscriptions and
// their renewal, and reminder runs (select, record the export, validate,
// cancel, read back).
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/commands_back_office.h"

namespace tessera::engine {

// ---- Subscriptions (seed 002) ------------------------------------------------

// A publication title or a series of performances (every shard).
struct DefineSeries {
  SeriesId series;
  std::string name;
  auto fields() const { return std::tie(series, name); }
};
// One issue (or dated performance) of a series (every shard).
struct DefineIssue {
  SeriesId series;
  IssueId issue;
  int64_t date_ms;
  std::string name;
  auto fields() const { return std::tie(series, issue, date_ms, name); }
};
// A contact subscribed to a series until ends_ms; payer kNone = a direct
// subscriber, else the third party who pays. Placed on a shard by id.
struct Subscribe {
  SubscriptionId subscription;
  SeriesId series;
  ContactId subscriber;
  ContactId payer;
  int64_t ends_ms;
  auto fields() const { return std::tie(subscription, series, subscriber, payer, ends_ms); }
};
// Extends a subscription (after a reminder worked): its rank returns to 0.
struct RenewSubscription {
  SubscriptionId subscription;
  int64_t ends_ms;
  auto fields() const { return std::tie(subscription, ends_ms); }
};
enum class Audience : uint8_t { kDirect = 0, kThirdParty };
// Selects the subscriptions of `series` whose last issue is one of `issues`
// (direct subscribers or third-party payers) into run `run`; changes no rank.
struct StartReminderRun {
  RunId run;
  SeriesId series;
  std::vector<IssueId> issues;
  Audience audience;
  uint32_t format;
  Delivery delivery;
  auto fields() const { return std::tie(run, series, issues, audience, format, delivery); }
};
// Records the export of a run (by the server, once the file is written or
// the emails are sent): progress visible in GetReminderRun.
struct RecordRunExport {
  RunId run;
  uint32_t delivered;
  uint32_t failed;
  std::string destination;  // file path or "smtp://host:port"
  auto fields() const { return std::tie(run, delivered, failed, destination); }
};
// Raises the reminder rank of every subscription in the run (once).
struct ValidateReminderRun {
  RunId run;
  auto fields() const { return std::tie(run); }
};
// Abandons a run that is not validated: no rank changes.
struct CancelReminderRun {
  RunId run;
  auto fields() const { return std::tie(run); }
};
struct GetReminderRun {
  RunId run;
  auto fields() const { return std::tie(run); }
};

}  // namespace tessera::engine
