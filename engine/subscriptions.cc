// Series, issues, reminder formats, subscriptions and reminder runs.
//
// A run keeps, for each subscription it selected, the rank the reminder
// carries (current rank + 1) and the subscription's end at selection. Only
// validation touches ranks: it raises each one to the recorded rank (never
// lowers it, so two runs reminding the same subscription at the same rank
// count once) and skips subscriptions renewed since the run — a renewal
// moves the end and resets the rank, and a reminder sent before it is moot.
#include "engine/subscriptions.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <memory>
#include <utility>

#include "engine/limits.h"

namespace tessera::engine {

namespace {

bool issue_before(const DefineIssue& a, const DefineIssue& b) {
  return a.date_ms != b.date_ms ? a.date_ms < b.date_ms : a.issue < b.issue;
}

const DefineIssue* find_issue(const Series& series, IssueId id) {
  for (const DefineIssue& i : series.issues)
    if (i.issue == id) return &i;
  return nullptr;
}

// The latest issue of the series dated on or before ends_ms, or nullptr when
// the subscription ends before the first issue.
const DefineIssue* last_issue(const Series& series, int64_t ends_ms) {
  const auto it = std::upper_bound(series.issues.begin(), series.issues.end(), ends_ms,
                                   [](int64_t t, const DefineIssue& i) { return t < i.date_ms; });
  return it == series.issues.begin() ? nullptr : &*(it - 1);
}

bool valid_separator(const std::string& s) {
  return !s.empty() && s.size() <= 4 && s.find_first_of("\n\r\"") == std::string::npos;
}

bool valid_extension(const std::string& s) {
  if (s.empty() || s.size() > 16) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
  });
}

Reply check_columns(const std::vector<ReminderField>& columns) {
  if (columns.empty())
    return refuse(ReplyCode::kInvalidArgument, "a format with no fields exports nothing: choose at least one field");
  if (columns.size() > kReminderColumnsMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a format has at most ", kReminderColumnsMax, " fields"));
  uint32_t seen = 0;  // one bit per ReminderField
  static_assert(kReminderFieldCount <= 32);
  for (ReminderField f : columns) {
    const auto v = static_cast<uint8_t>(f);
    if (v >= kReminderFieldCount) return refuse(ReplyCode::kInvalidArgument, cat("unknown reminder field ", v));
    if (seen & (1u << v)) return refuse(ReplyCode::kInvalidArgument, cat("reminder field ", v, " is listed twice"));
    seen |= 1u << v;
  }
  return Reply{};
}

void fill_contact(const ContactBook& contacts, ContactId id, ReminderItem& item) {
  item.contact = id;
  const Contact* c = contacts.find(id);
  if (!c) return;  // no record: the item shows no name
  item.contact_number = c->record.number;
  item.last_name = c->record.last_name;
  item.first_name = c->record.first_name;
  item.email = c->record.email;
}

void fill_payer(const ContactBook& contacts, ContactId id, ReminderItem& item) {
  item.payer = id;
  if (id == kNone) return;
  const Contact* c = contacts.find(id);
  if (!c) return;
  item.payer_number = c->record.number;
  item.payer_name = c->display_name();
  item.payer_email = c->record.email;
}

// The run's items as the reminder documents need them: current contact
// data; the end, last issue and rank as they were at selection.
std::vector<ReminderItem> run_items(const ReminderRun& run, const Series& series,
                                    const std::vector<SubscriptionRecord>& subscriptions, const ContactBook& contacts) {
  assert(run.subscriptions.size() == run.ranks.size() && run.ranks.size() == run.ends_ms.size());
  std::vector<ReminderItem> items;
  items.reserve(run.subscriptions.size());
  for (size_t k = 0; k < run.subscriptions.size(); ++k) {
    assert(run.subscriptions[k] < subscriptions.size());
    const Subscribe& s = subscriptions[run.subscriptions[k]].definition;
    assert(s.series == series.definition.series);
    ReminderItem item;
    fill_contact(contacts, s.subscriber, item);
    fill_payer(contacts, s.payer, item);
    item.reminder_rank = run.ranks[k];
    item.subscription = s.subscription;
    item.series_name = series.definition.name;
    item.ends_ms = run.ends_ms[k];
    const DefineIssue* last = last_issue(series, run.ends_ms[k]);
    if (last) item.last_issue_name = last->name;
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(), [](const ReminderItem& a, const ReminderItem& b) {
    return a.contact_number != b.contact_number ? a.contact_number < b.contact_number : a.subscription < b.subscription;
  });
  return items;
}

Reply batch_reply(const ReminderRun& run, const DefineReminderFormat& format, std::vector<ReminderItem> items) {
  ReminderBatch batch;
  batch.run = run.definition.run;
  batch.state = run.state;
  batch.format = format;
  batch.delivery = run.definition.delivery;
  batch.delivered = run.delivered;
  batch.failed = run.failed;
  batch.destination = run.destination;
  batch.items = std::move(items);
  Reply r;
  r.value = static_cast<int64_t>(batch.items.size());
  r.detail = std::make_shared<ReplyDetail>(ReplyDetail{std::move(batch)});
  return r;
}

Reply state_reply(RunState state) {
  Reply r;
  r.value = static_cast<int64_t>(state);
  return r;
}

// Refusal for a run command that needs the run open (selected or exported).
Reply check_open(const ReminderRun& run, const char* action) {
  if (run.state == RunState::kValidated)
    return refuse(ReplyCode::kInvalidState, cat("run ", run.definition.run, " is already validated: cannot ", action));
  if (run.state == RunState::kCancelled)
    return refuse(ReplyCode::kInvalidState, cat("run ", run.definition.run, " is cancelled: cannot ", action));
  return Reply{};
}

}  // namespace

Reply check_reminder_format(const DefineReminderFormat& c) {
  if (is_reserved_id(c.format)) return refuse(ReplyCode::kInvalidArgument, cat("format id ", c.format, " is reserved"));
  if (!valid_name(c.name))
    return refuse(ReplyCode::kInvalidArgument, cat("format name must have 1 to ", kNameLengthMax, " bytes"));
  if (c.type != FormatType::kReminder) return refuse(ReplyCode::kInvalidArgument, cat("unknown format type ", c.type));
  if (!valid_separator(c.separator))
    return refuse(ReplyCode::kInvalidArgument, "separator must have 1 to 4 bytes, none of them a newline or '\"'");
  if (!valid_extension(c.extension))
    return refuse(ReplyCode::kInvalidArgument, "extension must have 1 to 16 letters or digits (e.g. \"csv\")");
  return check_columns(c.columns);
}

// ---- Catalog ------------------------------------------------------------------

Reply SubscriptionBook::check(const DefineSeries& c) const {
  if (is_reserved_id(c.series)) return refuse(ReplyCode::kInvalidArgument, cat("series id ", c.series, " is reserved"));
  if (series_.find(c.series)) return refuse(ReplyCode::kDuplicate, cat("series ", c.series, " is already defined"));
  if (!valid_name(c.name))
    return refuse(ReplyCode::kInvalidArgument, cat("series name must have 1 to ", kNameLengthMax, " bytes"));
  if (series_.size() >= kSeriesMax) return refuse(ReplyCode::kLimitExceeded, cat("at most ", kSeriesMax, " series"));
  return Reply{};
}

Reply SubscriptionBook::check(const DefineIssue& c) const {
  const Series* series = series_.find(c.series);
  if (!series) return refuse(ReplyCode::kNotFound, cat("series ", c.series, " not found"));
  if (is_reserved_id(c.issue)) return refuse(ReplyCode::kInvalidArgument, cat("issue id ", c.issue, " is reserved"));
  if (find_issue(*series, c.issue))
    return refuse(ReplyCode::kDuplicate, cat("issue ", c.issue, " of series ", c.series, " is already defined"));
  if (c.date_ms < 0 || c.date_ms > kTimeMsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("issue date must be in [0, ", kTimeMsMax, "]"));
  if (!valid_name(c.name))
    return refuse(ReplyCode::kInvalidArgument, cat("issue name must have 1 to ", kNameLengthMax, " bytes"));
  if (series->issues.size() >= kIssuesPerSeriesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("series ", c.series, " has ", kIssuesPerSeriesMax, " issues already"));
  return Reply{};
}

Reply SubscriptionBook::check(const DefineReminderFormat& c) const {
  Reply r = check_reminder_format(c);
  if (!r.ok()) return r;
  if (deleted_format(c.format))
    return refuse(c.replace ? ReplyCode::kNotFound : ReplyCode::kDuplicate,
                  cat("format ", c.format, " was deleted; its id is not reused"));
  if (c.replace) {
    if (!formats_.find(c.format)) return refuse(ReplyCode::kNotFound, cat("format ", c.format, " not found"));
    return check_format_unused(c.format, "change");
  }
  if (formats_.find(c.format))
    return refuse(ReplyCode::kDuplicate, cat("format ", c.format, " is already defined (replace = true changes it)"));
  if (formats_.size() >= kReminderFormatsMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", kReminderFormatsMax, " reminder formats"));
  return r;
}

Reply SubscriptionBook::check(const DeleteReminderFormat& c) const {
  if (!format(c.format)) return refuse(ReplyCode::kNotFound, cat("format ", c.format, " not found"));
  return check_format_unused(c.format, "delete");
}

Reply SubscriptionBook::check_format_unused(uint32_t format, const char* action) const {
  for (const ReminderRun& run : runs_.items())
    if (run.definition.format == format && (run.state == RunState::kSelected || run.state == RunState::kExported))
      return refuse(ReplyCode::kInvalidState, cat("cannot ", action, " format ", format, ": run ", run.definition.run,
                                                  " uses it (validate or cancel the run first)"));
  return Reply{};
}

Reply SubscriptionBook::define(const DefineSeries& c) {
  Reply r = check(c);
  if (r.ok()) series_.add(c.series, Series{c, {}});
  return r;
}

Reply SubscriptionBook::define(const DefineIssue& c) {
  Reply r = check(c);
  if (!r.ok()) return r;
  auto& issues = series_.find(c.series)->issues;
  issues.insert(std::upper_bound(issues.begin(), issues.end(), c, issue_before), c);
  assert(std::is_sorted(issues.begin(), issues.end(), issue_before));
  return r;
}

Reply SubscriptionBook::define(const DefineReminderFormat& c) {
  Reply r = check(c);
  if (!r.ok()) return r;
  DefineReminderFormat kept = c;
  kept.replace = false;  // what is kept is the format, not the request
  if (DefineReminderFormat* existing = formats_.find(c.format)) {
    *existing = std::move(kept);
  } else {
    formats_.add(c.format, std::move(kept));
  }
  return r;
}

Reply SubscriptionBook::define(const DeleteReminderFormat& c) {
  Reply r = check(c);
  if (r.ok())
    deleted_formats_.insert(std::upper_bound(deleted_formats_.begin(), deleted_formats_.end(), c.format), c.format);
  return r;
}

Reply SubscriptionBook::query(const ListReminderFormats&, const ContactBook&) const {
  ReminderFormats out;
  for (const DefineReminderFormat& f : formats_.items())
    if (!deleted_format(f.format)) out.formats.push_back(f);
  std::sort(out.formats.begin(), out.formats.end(),
            [](const DefineReminderFormat& a, const DefineReminderFormat& b) { return a.format < b.format; });
  Reply r;
  r.value = static_cast<int64_t>(out.formats.size());
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(out)});
  return r;
}

// ---- Subscriptions --------------------------------------------------------------

// Under rules 3 a server's shard refuses a contact it does not know
// (Shard::on, ContactBook::check_known) before this runs; an older record
// may name one without a record: its reminder shows no name.
Reply SubscriptionBook::apply(const Subscribe& c, const ContactBook& contacts) {
  if (is_reserved_id(c.subscription))
    return refuse(ReplyCode::kInvalidArgument, cat("subscription id ", c.subscription, " is reserved"));
  if (subscriptions_.find(c.subscription))
    return refuse(ReplyCode::kDuplicate, cat("subscription ", c.subscription, " already exists"));
  if (!series_.find(c.series)) return refuse(ReplyCode::kNotFound, cat("series ", c.series, " not found"));
  if (c.subscriber == kNone) return refuse(ReplyCode::kInvalidArgument, "a subscription needs a subscriber");
  if (c.payer == c.subscriber)
    return refuse(ReplyCode::kInvalidArgument, "the payer is a third party: leave it 0 when the subscriber pays");
  for (ContactId named : {c.subscriber, c.payer})
    if (Reply closed = contacts.check_open(named); !closed.ok()) return closed;
  if (c.ends_ms <= 0 || c.ends_ms > kTimeMsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("subscription end must be in (0, ", kTimeMsMax, "]"));
  if (subscriptions_.size() >= kSubscriptionsPerShardMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", kSubscriptionsPerShardMax, " subscriptions per shard"));
  subscriptions_.add(c.subscription, SubscriptionRecord{c, 0, 0});
  return Reply{};
}

uint32_t SubscriptionBook::running_of(ContactId contact, int64_t now_ms) const {
  uint32_t n = 0;
  for (const SubscriptionRecord& s : subscriptions_.items())
    n += s.definition.ends_ms > now_ms && (s.definition.subscriber == contact || s.definition.payer == contact);
  return n;
}

void SubscriptionBook::activity_of(ContactId contact, int64_t now_ms, ContactActivity& out,
                                   std::vector<ActivityRow>* mailings) const {
  for (const SubscriptionRecord& s : subscriptions_.items()) {
    if (s.definition.subscriber != contact || s.definition.ends_ms <= now_ms) continue;
    ++out.subscriptions_running;
    out.subscribed_until_ms = std::max(out.subscribed_until_ms, s.definition.ends_ms);
  }
  if (!mailings) return;
  for (const ReminderRun& run : runs_.items()) {
    if (run.destination.empty()) continue;  // never exported: nothing was sent
    for (size_t i = 0; i < run.subscriptions.size(); ++i) {
      const Subscribe& d = subscriptions_.items()[run.subscriptions[i]].definition;
      if ((d.payer != kNone ? d.payer : d.subscriber) != contact) continue;
      ActivityRow row;
      row.at_ms = run.started_ms;
      row.item = uint64_t{run.definition.run.value()} << 32 | d.subscription.value();
      row.subscription = d.subscription;
      row.run = run.definition.run;
      row.rank = run.ranks[i];
      row.email = run.definition.delivery == Delivery::kEmail;
      row.detail = cat("subscription reminder ", row.rank, row.email ? "" : " in a letter file", " (run ", row.run,
                       ", format ", run.definition.format, ")");
      mailings->push_back(std::move(row));
    }
  }
}

void SubscriptionBook::reassign_contact(ContactId from, ContactId to) {
  for (SubscriptionRecord& s : subscriptions_.items()) {
    Subscribe& d = s.definition;
    if (d.subscriber == from) d.subscriber = to;
    if (d.payer == from) d.payer = to;
    if (d.payer == d.subscriber) d.payer = kNone;
  }
}

Reply SubscriptionBook::apply(const RenewSubscription& c) {
  SubscriptionRecord* s = subscriptions_.find(c.subscription);
  if (!s) return refuse(ReplyCode::kNotFound, cat("subscription ", c.subscription, " not found"));
  if (c.ends_ms <= s->definition.ends_ms)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("a renewal must end after the current end (", s->definition.ends_ms, ")"));
  if (c.ends_ms > kTimeMsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("subscription end must be at most ", kTimeMsMax));
  s->definition.ends_ms = c.ends_ms;
  s->reminder_rank = 0;
  return Reply{};
}

// ---- Runs -----------------------------------------------------------------------

Reply SubscriptionBook::check_run(const StartReminderRun& c) const {
  if (is_reserved_id(c.run)) return refuse(ReplyCode::kInvalidArgument, cat("run id ", c.run, " is reserved"));
  if (runs_.find(c.run)) return refuse(ReplyCode::kDuplicate, cat("run ", c.run, " already exists"));
  if (runs_.size() >= kRunsMax) return refuse(ReplyCode::kLimitExceeded, cat("at most ", kRunsMax, " reminder runs"));
  const Series* series = series_.find(c.series);
  if (!series) return refuse(ReplyCode::kNotFound, cat("series ", c.series, " not found"));
  if (c.issues.empty()) return refuse(ReplyCode::kInvalidArgument, "choose at least one issue to remind");
  if (c.issues.size() > kRunIssuesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a run names at most ", kRunIssuesMax, " issues"));
  // Sorted copies: up to kRunIssuesMax names checked against up to
  // kIssuesPerSeriesMax issues without a quadratic scan.
  std::vector<IssueId> known;
  known.reserve(series->issues.size());
  for (const DefineIssue& i : series->issues) known.push_back(i.issue);
  std::sort(known.begin(), known.end());
  for (IssueId id : c.issues)
    if (!std::binary_search(known.begin(), known.end(), id))
      return refuse(ReplyCode::kNotFound, cat("issue ", id, " of series ", c.series, " not found"));
  std::vector<IssueId> named = c.issues;
  std::sort(named.begin(), named.end());
  const auto twice = std::adjacent_find(named.begin(), named.end());
  if (twice != named.end()) return refuse(ReplyCode::kInvalidArgument, cat("issue ", *twice, " is named twice"));
  if (!format(c.format)) return refuse(ReplyCode::kNotFound, cat("format ", c.format, " not found"));
  if (c.audience != Audience::kDirect && c.audience != Audience::kThirdParty)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown audience ", c.audience));
  if (c.delivery != Delivery::kFile && c.delivery != Delivery::kEmail)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown delivery ", c.delivery));
  return Reply{};
}

Reply SubscriptionBook::apply(const StartReminderRun& c, const ContactBook& contacts, int64_t now_ms) {
  assert(now_ms >= 0);
  Reply r = check_run(c);
  if (!r.ok()) return r;
  const Series& series = *series_.find(c.series);
  std::vector<IssueId> chosen = c.issues;
  std::sort(chosen.begin(), chosen.end());

  ReminderRun run{c, RunState::kSelected, now_ms, 0, 0, {}, {}, {}, {}};
  const std::vector<SubscriptionRecord>& subscriptions = subscriptions_.items();
  for (uint32_t i = 0; i < subscriptions.size(); ++i) {
    const SubscriptionRecord& s = subscriptions[i];
    if (s.definition.series != c.series) continue;
    if ((s.definition.payer != kNone) != (c.audience == Audience::kThirdParty)) continue;
    const DefineIssue* last = last_issue(series, s.definition.ends_ms);
    if (!last || !std::binary_search(chosen.begin(), chosen.end(), last->issue)) continue;
    if (run.subscriptions.size() >= kRunItemsMax)
      return refuse(ReplyCode::kLimitExceeded, cat("a run reminds at most ", kRunItemsMax, " subscriptions per shard"));
    assert(s.reminder_rank < std::numeric_limits<uint32_t>::max());
    run.subscriptions.push_back(i);
    run.ranks.push_back(s.reminder_rank + 1);
    run.ends_ms.push_back(s.definition.ends_ms);
  }
  const ReminderRun& added = runs_.add(c.run, std::move(run));
  return batch_reply(added, *formats_.find(c.format), run_items(added, series, subscriptions, contacts));
}

Reply SubscriptionBook::apply(const RecordRunExport& c) {
  ReminderRun* run = runs_.find(c.run);
  if (!run) return refuse(ReplyCode::kNotFound, cat("run ", c.run, " not found"));
  Reply r = check_open(*run, "record an export");
  if (!r.ok()) return r;
  if (c.destination.empty() || c.destination.size() > kRunDestinationLengthMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("export destination must have 1 to ", kRunDestinationLengthMax, " bytes"));
  run->delivered = c.delivered;
  run->failed = c.failed;
  run->destination = c.destination;
  run->state = RunState::kExported;
  return state_reply(run->state);
}

Reply SubscriptionBook::apply(const ValidateReminderRun& c, int64_t now_ms) {
  assert(now_ms >= 0);
  ReminderRun* run = runs_.find(c.run);
  if (!run) return refuse(ReplyCode::kNotFound, cat("run ", c.run, " not found"));
  Reply r = check_open(*run, "validate it");
  if (!r.ok()) return r;
  std::vector<SubscriptionRecord>& subscriptions = subscriptions_.items();
  for (size_t k = 0; k < run->subscriptions.size(); ++k) {
    SubscriptionRecord& s = subscriptions[run->subscriptions[k]];
    if (s.definition.ends_ms != run->ends_ms[k]) {
      // Renewed since the run (renewals only move the end later): the
      // renewal reset its rank and the reminder is moot.
      assert(s.definition.ends_ms > run->ends_ms[k]);
      continue;
    }
    s.reminder_rank = std::max(s.reminder_rank, run->ranks[k]);
    s.reminded_ms = now_ms;
  }
  run->state = RunState::kValidated;
  return state_reply(run->state);
}

Reply SubscriptionBook::apply(const CancelReminderRun& c) {
  ReminderRun* run = runs_.find(c.run);
  if (!run) return refuse(ReplyCode::kNotFound, cat("run ", c.run, " not found"));
  Reply r = check_open(*run, "cancel it");
  if (!r.ok()) return r;
  run->state = RunState::kCancelled;
  return state_reply(run->state);
}

Reply SubscriptionBook::query(const GetReminderRun& c, const ContactBook& contacts) const {
  const ReminderRun* run = runs_.find(c.run);
  if (!run) return refuse(ReplyCode::kNotFound, cat("run ", c.run, " not found"));
  const Series* series = series_.find(run->definition.series);
  const DefineReminderFormat* format = formats_.find(run->definition.format);
  assert(series && format);  // catalog entries are never removed (a deleted format is kept for its runs)
  return batch_reply(*run, *format, run_items(*run, *series, subscriptions_.items(), contacts));
}

// ---- State ----------------------------------------------------------------------

void SubscriptionBook::hash_into(Hasher& h) const {
  h.add(series_.items());
  h.add(formats_.items());
  h.add(subscriptions_.items());
  h.add(runs_.items());
  if (!deleted_formats_.empty()) h.add(deleted_formats_);  // hashed once there are some (older hashes stand)
}

bool SubscriptionBook::rebuild_indexes() {
  return series_.rebuild_index() && formats_.rebuild_index() && subscriptions_.rebuild_index() && runs_.rebuild_index();
}

Status SubscriptionBook::check_catalog() const {
  for (const Series& s : series_.items()) {
    if (series_.find(s.definition.series) != &s)
      return Status::internal(cat("series ", s.definition.series, " is not indexed"));
    if (!std::is_sorted(s.issues.begin(), s.issues.end(), issue_before))
      return Status::internal(cat("issues of series ", s.definition.series, " are not sorted"));
    for (size_t k = 0; k < s.issues.size(); ++k)
      if (s.issues[k].series != s.definition.series || find_issue(s, s.issues[k].issue) != &s.issues[k])
        return Status::internal(cat("issue ", s.issues[k].issue, " of series ", s.definition.series, " is misfiled"));
  }
  for (const DefineReminderFormat& f : formats_.items())
    if (formats_.find(f.format) != &f || f.replace)
      return Status::internal(cat("format ", f.format, " is not indexed or kept as a request"));
  if (!std::is_sorted(deleted_formats_.begin(), deleted_formats_.end()) ||
      std::adjacent_find(deleted_formats_.begin(), deleted_formats_.end()) != deleted_formats_.end())
    return Status::internal("deleted formats are not sorted and distinct");
  for (uint32_t id : deleted_formats_)
    if (!formats_.find(id)) return Status::internal(cat("deleted format ", id, " lost its definition"));
  for (const SubscriptionRecord& s : subscriptions_.items()) {
    const Subscribe& d = s.definition;
    if (subscriptions_.find(d.subscription) != &s)
      return Status::internal(cat("subscription ", d.subscription, " is not indexed"));
    if (!series_.find(d.series))
      return Status::internal(cat("subscription ", d.subscription, " names unknown series ", d.series));
  }
  return Status::ok();
}

Status SubscriptionBook::check_run_lists(const ReminderRun& run) const {
  const RunId id = run.definition.run;
  if (runs_.find(id) != &run) return Status::internal(cat("run ", id, " is not indexed"));
  if (!series_.find(run.definition.series) || !formats_.find(run.definition.format))
    return Status::internal(cat("run ", id, " names an unknown series or format"));
  if (run.ranks.size() != run.subscriptions.size() || run.ends_ms.size() != run.subscriptions.size())
    return Status::internal(cat("run ", id, " has lists of different lengths"));
  for (size_t k = 0; k < run.subscriptions.size(); ++k) {
    const uint32_t i = run.subscriptions[k];
    if (i >= subscriptions_.size()) return Status::internal(cat("run ", id, " names subscription slot ", i));
    if (k > 0 && i <= run.subscriptions[k - 1])
      return Status::internal(cat("run ", id, " lists its subscriptions out of order"));
    const SubscriptionRecord& s = subscriptions_.items()[i];
    if (s.definition.series != run.definition.series)
      return Status::internal(cat("run ", id, " names subscription ", s.definition.subscription, " of another series"));
    if (run.ranks[k] == 0) return Status::internal(cat("run ", id, " carries rank 0"));
    if (run.ends_ms[k] > s.definition.ends_ms)
      return Status::internal(cat("run ", id, " saw subscription ", s.definition.subscription, " end later than now"));
  }
  return Status::ok();
}

Status SubscriptionBook::check_invariants() const {
  Status st = check_catalog();
  if (!st.is_ok()) return st;
  // A subscription's rank is 0 (never reminded since subscribing or
  // renewing) or the rank a validated run recorded for it.
  std::vector<bool> rank_explained(subscriptions_.size(), false);
  for (const ReminderRun& run : runs_.items()) {
    st = check_run_lists(run);
    if (!st.is_ok()) return st;
    if (run.state != RunState::kValidated) continue;
    for (size_t k = 0; k < run.subscriptions.size(); ++k)
      if (subscriptions_.items()[run.subscriptions[k]].reminder_rank == run.ranks[k])
        rank_explained[run.subscriptions[k]] = true;
  }
  for (size_t i = 0; i < subscriptions_.size(); ++i) {
    const SubscriptionRecord& s = subscriptions_.items()[i];
    if (s.reminder_rank != 0 && !rank_explained[i])
      return Status::internal(cat("subscription ", s.definition.subscription, " has rank ", s.reminder_rank,
                                  " that no validated run gave it"));
  }
  return Status::ok();
}

}  // namespace tessera::engine
