// Subscriptions and their reminder runs (seed 002), and reminder formats.
//
// Series (publication titles or series of performances), their issues and
// reminder formats are catalog-level: every shard holds the same copy.
// Subscriptions are placed on a shard by id. A reminder run is broadcast:
// each shard selects its own subscriptions into the run and keeps the list,
// so validating the run (also broadcast) raises exactly the ranks of the
// subscriptions that were reminded, and a run that is cancelled or never
// validated changes no rank.
//
// Selection: a subscription of the run's series, of the run's audience
// (direct: no payer; third party: a payer), whose last issue — the latest
// issue of the series dated on or before its end — is one of the issues the
// run names.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "base/status.h"
#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/contacts.h"
#include "engine/flat_map.h"
#include "engine/hash.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

struct Series {
  DefineSeries definition;
  std::vector<DefineIssue> issues;  // sorted by (date_ms, issue)
  auto fields() const { return std::tie(definition, issues); }
};

struct SubscriptionRecord {
  Subscribe definition;  // ends_ms updated by renewals
  uint32_t reminder_rank = 0;
  int64_t reminded_ms = 0;
  auto fields() const { return std::tie(definition, reminder_rank, reminded_ms); }
};

struct ReminderRun {
  StartReminderRun definition;
  RunState state = RunState::kSelected;
  int64_t started_ms = 0;
  uint32_t delivered = 0;
  uint32_t failed = 0;
  std::string destination;
  std::vector<uint32_t> subscriptions;  // indexes into the subscription table
  std::vector<uint32_t> ranks;          // rank each one carries in this run
  // Each one's end at selection: a renewal moves it, so validation can tell
  // a subscription renewed since the run (whose rank it leaves alone).
  std::vector<int64_t> ends_ms;
  auto fields() const {
    return std::tie(definition, state, started_ms, delivered, failed, destination, subscriptions, ranks, ends_ms);
  }
};

class SubscriptionBook {
 public:
  // Catalog (every shard).
  // check(c): the reply define(c) would give, changing nothing.
  Reply check(const DefineSeries& c) const;
  Reply check(const DefineIssue& c) const;
  Reply check(const DefineReminderFormat& c) const;
  Reply check(const DeleteReminderFormat& c) const;
  Reply define(const DefineSeries& c);
  Reply define(const DefineIssue& c);
  Reply define(const DefineReminderFormat& c);  // `replace`: changes it
  Reply define(const DeleteReminderFormat& c);
  // A format new runs and order reminders may use (nullptr: unknown or
  // deleted).
  const DefineReminderFormat* format(uint32_t id) const { return deleted_format(id) ? nullptr : formats_.find(id); }
  Reply query(const ListReminderFormats& c, const ContactBook& contacts) const;

  // Subscriptions placed on this shard.
  Reply apply(const Subscribe& c, const ContactBook& contacts);
  Reply apply(const RenewSubscription& c);

  // Runs (every shard). StartReminderRun answers a ReminderBatch detail with
  // this shard's items; the others answer the run's state in `value`.
  Reply apply(const StartReminderRun& c, const ContactBook& contacts, int64_t now_ms);
  Reply apply(const RecordRunExport& c);
  Reply apply(const ValidateReminderRun& c, int64_t now_ms);
  Reply apply(const CancelReminderRun& c);
  Reply query(const GetReminderRun& c, const ContactBook& contacts) const;

  const SubscriptionRecord* subscription(SubscriptionId id) const { return subscriptions_.find(id); }
  // Subscriptions not yet ended at now_ms whose subscriber or payer is
  // `contact` (a linear scan: for DeleteContact).
  uint32_t running_of(ContactId contact, int64_t now_ms) const;
  // GetContactActivity: the subscriptions of which `contact` is the
  // subscriber running at now_ms (count, latest end) into `out`, and into
  // `mailings` (when given) a row for each reminder an exported run sent it
  // (to the payer of a third-party subscription, else to the subscriber).
  void activity_of(ContactId contact, int64_t now_ms, ContactActivity& out, std::vector<ActivityRow>* mailings) const;
  // MergeContacts: `from` as subscriber or payer becomes `to` (a payer that
  // becomes the subscriber is no third party any more: payer kNone).
  void reassign_contact(ContactId from, ContactId to);

  void hash_into(Hasher& h) const;
  auto fields() const { return std::tie(series_, formats_, subscriptions_, runs_, deleted_formats_); }
  static constexpr size_t kCodecV3Fields = 4;  // deleted_formats_ came later
  [[nodiscard]] bool rebuild_indexes();
  // Every run's subscriptions exist and belong to its series; ranks are
  // consistent with the validated runs that name them.
  Status check_invariants() const;

 private:
  Reply check_run(const StartReminderRun& c) const;
  bool deleted_format(uint32_t id) const {
    return std::binary_search(deleted_formats_.begin(), deleted_formats_.end(), id);
  }
  // The refusal of changing or deleting a format an unfinished run uses.
  Reply check_format_unused(uint32_t format, const char* action) const;
  Status check_catalog() const;
  Status check_run_lists(const ReminderRun& run) const;

  EntityTable<SeriesId, Series> series_;
  EntityTable<uint32_t, DefineReminderFormat> formats_;
  EntityTable<SubscriptionId, SubscriptionRecord> subscriptions_;
  EntityTable<RunId, ReminderRun> runs_;
  // Deleted formats, sorted: their definitions stay in formats_ for the
  // runs made with them (GetReminderRun), unusable and unlisted.
  std::vector<uint32_t> deleted_formats_;
};

// Checks a reminder format on its own (name, separator, extension, fields).
Reply check_reminder_format(const DefineReminderFormat& c);

}  // namespace tessera::engine
