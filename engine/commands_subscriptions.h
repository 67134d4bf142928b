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
// Selects the subscriptions of `series` (direct subscribers or third-party
// payers) whose last issue is one of `issues` or is dated within
// [from_ms, to_ms] (to_ms 0: no date range) into run `run`; changes no
// rank. Delivery kReview selects only: the operator reviews the selection
// (count, ranks) and exports it with ExportReminderRun. `validation` true:
// ranks rise when ValidateReminderRun is sent; false: they rise when the
// export is recorded, for the reminders it delivered.
struct StartReminderRun {
  RunId run;
  SeriesId series;
  std::vector<IssueId> issues;
  Audience audience;
  uint32_t format;
  Delivery delivery;
  int64_t from_ms = 0;  // appended: the date range of the last issues to remind
  int64_t to_ms = 0;
  bool validation = true;  // appended: older runs waited for ValidateReminderRun
  auto fields() const { return std::tie(run, series, issues, audience, format, delivery, from_ms, to_ms, validation); }
  static constexpr size_t kCodecV3Fields = 6;
  static constexpr size_t kHashedAlways = 6;  // engine/hash.h
};
// Exports a run's selection (again) through `delivery` (kFile or kEmail):
// after a review, or to write the file or send the e-mails once more. Any
// run but a cancelled one; changes no rank by itself.
struct ExportReminderRun {
  RunId run;
  Delivery delivery;
  auto fields() const { return std::tie(run, delivery); }
};
// Records the export of a run (by the server, once the file is written or
// the emails are sent): progress visible in GetReminderRun and
// ListReminderRuns. `failed_subscriptions` were not reminded (their e-mail
// failed): a run without validation raises the others' ranks.
struct RecordRunExport {
  RunId run;
  uint32_t delivered;
  uint32_t failed;
  std::string destination;                           // file path or "smtp://host:port"
  std::vector<SubscriptionId> failed_subscriptions;  // appended
  auto fields() const { return std::tie(run, delivered, failed, destination, failed_subscriptions); }
  static constexpr size_t kCodecV3Fields = 4;
};
// The runs, newest (highest id) first, a page of kRunsInReplyMax: of one
// series (0: all), before run `before` (0: from the newest).
struct ListReminderRuns {
  SeriesId series;
  RunId before;
  auto fields() const { return std::tie(series, before); }
};
// Reads the file a run's last export wrote (Delivery::kFile), from byte
// `offset`: a chunk of at most kRunFileChunkBytes a reply (RunFile).
struct ReadRunFile {
  RunId run;
  uint64_t offset = 0;
  auto fields() const { return std::tie(run, offset); }
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
