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
  // Appended. Positions (into `subscriptions`, ascending) the last export
  // did not reach: validation leaves their ranks alone. The times an export
  // was last asked for and last recorded (0: never).
  std::vector<uint32_t> undelivered;
  int64_t export_requested_ms = 0;
  int64_t exported_ms = 0;
  auto fields() const {
    return std::tie(definition, state, started_ms, delivered, failed, destination, subscriptions, ranks, ends_ms,
                    undelivered, export_requested_ms, exported_ms);
  }
  static constexpr size_t kCodecV3Fields = 9;
  static constexpr size_t kHashedAlways = 9;  // engine/hash.h
};

class SubscriptionBook {
 public:
  // Catalog (every shard).
  // check(c): the reply define(c) would give, changing nothing.
  Reply check(const DefineSeries& c) const;
  Reply check(const DefineIssue& c) const;
  Reply check(const DefineReminderFormat& c) const;
  Reply check(const DeleteReminderFormat& c) const;
  Reply check(const DefineDocumentTemplate& c) const;
  Reply define(const DefineDocumentTemplate& c);  // defines, replaces or (remove) deletes
  Reply query(const ListDocumentTemplates& c, const ContactBook& contacts) const;
  // The templates of `document`, every language.
  std::vector<DefineDocumentTemplate> templates_of(DocumentKind document) const;
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
  Reply apply(const ExportReminderRun& c, const ContactBook& contacts, int64_t now_ms);
  // track_undelivered false (records of rules 3 and older): validation
  // raises every rank, as it did then.
  Reply apply(const RecordRunExport& c, int64_t now_ms, bool track_undelivered = true);
  Reply apply(const ValidateReminderRun& c, int64_t now_ms);
  Reply apply(const CancelReminderRun& c);
  Reply query(const GetReminderRun& c, const ContactBook& contacts) const;
  // The recorded path of the run's file (RunFile.name), to be read by the
  // server; refused when the run wrote none.
  Reply query(const ReadRunFile& c, const ContactBook& contacts) const;
  // NotFound, or InvalidState unless the run is selected or exported.
  Reply check_run_open(RunId run, const char* action) const;
  // This shard's part of the page: `selected` counts its subscriptions.
  Reply query(const ListReminderRuns& c, const ContactBook& contacts) const;

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
  auto fields() const { return std::tie(series_, formats_, subscriptions_, runs_, deleted_formats_, templates_); }
  static constexpr size_t kCodecV3Fields = 4;  // deleted_formats_ came later
  [[nodiscard]] bool rebuild_indexes();
  // Every run's subscriptions exist and belong to its series; ranks are
  // consistent with the validated runs that name them.
  Status check_invariants() const;

 private:
  Reply check_run(const StartReminderRun& c) const;
  Reply check_issues(const StartReminderRun& c, const Series& series) const;
  // The templates of the document a run of this audience sends.
  std::vector<DefineDocumentTemplate> run_templates(Audience audience) const {
    return templates_of(audience == Audience::kThirdParty ? DocumentKind::kThirdPartyReminder
                                                          : DocumentKind::kSubscriptionReminder);
  }
  // Raises the ranks of the run's reminders that reached their recipient
  // (not renewed since) and marks the run validated.
  void raise_ranks(ReminderRun& run, int64_t now_ms);
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
  // Document templates, sorted by (document, language), `remove` false.
  std::vector<DefineDocumentTemplate> templates_;
};

// The format of order reminders sent without one (RemindOrders format 0):
// the default document "Rappel d'options/réservations", every order field
// and the postal address, ";"-separated.
const DefineReminderFormat& default_order_reminder_format();

// The fields a document template may name in braces, and whether `text`
// names only those (with "{{" / "}}" for literal braces): the refusal
// names the first unknown one.
inline constexpr std::string_view kTemplateFields[] = {"name",  "first_name", "last_name", "contact_number", "items",
                                                       "table", "total",      "count",     "series"};
Reply check_template_text(std::string_view text, const char* part);

// Checks a reminder format on its own (id, name, separator, extension,
// fields).
Reply check_reminder_format(const DefineReminderFormat& c);
// The same but the id (the default document's is 0): what a file needs.
Reply check_reminder_format_layout(const DefineReminderFormat& c);

}  // namespace tessera::engine
