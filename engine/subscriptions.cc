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

// `templates`: what the server's exporter fills the e-mails from (never on
// the wire), handed in here so the batch is built once.
Reply batch_reply(const ReminderRun& run, const DefineReminderFormat& format, std::vector<ReminderItem> items,
                  std::vector<DefineDocumentTemplate> templates = {}) {
  ReminderBatch batch;
  batch.templates = std::move(templates);
  batch.run = run.definition.run;
  batch.state = run.state;
  batch.format = format;
  batch.delivery = run.definition.delivery;
  batch.validation = run.definition.validation;
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

// The refusal of a run that is not on this shard (every shard holds every run).
Reply run_not_found(RunId run) { return refuse(ReplyCode::kNotFound, cat("run ", run, " not found")); }

// Refusal for a run command that needs the run open (selected or exported).
Reply check_open(const ReminderRun& run, const char* action) {
  if (run.state == RunState::kValidated)
    return refuse(ReplyCode::kInvalidState, cat("run ", run.definition.run, " is already validated: cannot ", action));
  if (run.state == RunState::kCancelled)
    return refuse(ReplyCode::kInvalidState, cat("run ", run.definition.run, " is cancelled: cannot ", action));
  return Reply{};
}

}  // namespace

const DefineReminderFormat& default_order_reminder_format() {
  using F = ReminderField;
  static const DefineReminderFormat kDefault{
      0,
      "Rappel d'options/réservations",
      FormatType::kReminder,
      ";",
      "csv",
      false,
      {F::kContactNumber, F::kLastName, F::kFirstName, F::kEmail, F::kOrderNumber, F::kFileNumber, F::kProduct,
       F::kPerformanceDate, F::kQuantity, F::kAmount, F::kDeadline, F::kReminderRank, F::kStreet, F::kPostcode,
       F::kCity, F::kCountry}};
  return kDefault;
}

Reply check_reminder_format(const DefineReminderFormat& c) {
  if (is_reserved_id(c.format)) return refuse(ReplyCode::kInvalidArgument, cat("format id ", c.format, " is reserved"));
  return check_reminder_format_layout(c);
}

Reply check_reminder_format_layout(const DefineReminderFormat& c) {
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

Reply check_template_text(std::string_view text, const char* part) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if ((ch == '{' || ch == '}') && i + 1 < text.size() && text[i + 1] == ch) {
      ++i;  // "{{" or "}}": a literal brace
      continue;
    }
    if (ch == '}') return refuse(ReplyCode::kInvalidArgument, cat("a lone '}' in the ", part, ": write '}}'"));
    if (ch != '{') continue;
    const size_t end = text.find('}', i);
    if (end == std::string_view::npos)
      return refuse(ReplyCode::kInvalidArgument, cat("an unclosed '{' in the ", part, ": write '{{' for a brace"));
    const std::string_view name = text.substr(i + 1, end - i - 1);
    if (std::find(std::begin(kTemplateFields), std::end(kTemplateFields), name) == std::end(kTemplateFields)) {
      std::string known;
      for (std::string_view f : kTemplateFields) known += cat(known.empty() ? "" : ", ", "{", f, "}");
      return refuse(ReplyCode::kInvalidArgument, cat("unknown field {", name, "} in the ", part, ": use ", known));
    }
    i = end;
  }
  return Reply{};
}

Reply SubscriptionBook::check(const DefineDocumentTemplate& c) const {
  if (static_cast<uint8_t>(c.document) > kDocumentKindLast)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown document ", c.document));
  const bool iso639 = c.language.size() == 2 &&
                      std::all_of(c.language.begin(), c.language.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; });
  if (!iso639) return refuse(ReplyCode::kInvalidArgument, "language must be two lowercase letters (ISO 639-1: \"fr\")");
  const auto at = std::find_if(templates_.begin(), templates_.end(), [&](const DefineDocumentTemplate& t) {
    return t.document == c.document && t.language == c.language;
  });
  if (c.remove) {
    if (at == templates_.end())
      return refuse(ReplyCode::kNotFound, cat("no template of document ", c.document, " in language ", c.language));
    return Reply{};
  }
  if (c.subject.empty() || c.subject.size() > kTemplateSubjectBytesMax ||
      c.subject.find_first_of("\r\n") != std::string::npos)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("the subject must have 1 to ", kTemplateSubjectBytesMax, " bytes on one line"));
  if (c.body.empty() || c.body.size() > kTemplateBodyBytesMax)
    return refuse(ReplyCode::kInvalidArgument, cat("the body must have 1 to ", kTemplateBodyBytesMax, " bytes"));
  if (Reply r = check_template_text(c.subject, "subject"); !r.ok()) return r;
  if (c.subject.find("{items}") != std::string::npos || c.subject.find("{table}") != std::string::npos)
    return refuse(ReplyCode::kInvalidArgument, "{items} and {table} are for the body: the subject is one line");
  if (Reply r = check_template_text(c.body, "body"); !r.ok()) return r;
  if (at == templates_.end() && templates_.size() >= kDocumentTemplatesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", kDocumentTemplatesMax, " document templates"));
  return Reply{};
}

Reply SubscriptionBook::define(const DefineDocumentTemplate& c) {
  Reply r = check(c);
  if (!r.ok()) return r;
  auto less = [](const DefineDocumentTemplate& a, const DefineDocumentTemplate& b) {
    return std::tie(a.document, a.language) < std::tie(b.document, b.language);
  };
  auto at = std::lower_bound(templates_.begin(), templates_.end(), c, less);
  const bool exists = at != templates_.end() && at->document == c.document && at->language == c.language;
  if (c.remove) {
    templates_.erase(at);
  } else if (exists) {
    *at = c;
  } else {
    templates_.insert(at, c);
  }
  return r;
}

Reply SubscriptionBook::query(const ListDocumentTemplates&, const ContactBook&) const {
  DocumentTemplates out{templates_};
  Reply r;
  r.value = static_cast<int64_t>(out.templates.size());
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(out)});
  return r;
}

std::vector<DefineDocumentTemplate> SubscriptionBook::templates_of(DocumentKind document) const {
  std::vector<DefineDocumentTemplate> out;
  for (const DefineDocumentTemplate& t : templates_)
    if (t.document == document) out.push_back(t);
  return out;
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
    for (uint32_t i = 0; i < run.subscriptions.size(); ++i) {
      if (std::binary_search(run.undelivered.begin(), run.undelivered.end(), i)) continue;  // never reached
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
  if (Reply r = check_issues(c, *series); !r.ok()) return r;
  if (!format(c.format)) return refuse(ReplyCode::kNotFound, cat("format ", c.format, " not found"));
  if (c.audience != Audience::kDirect && c.audience != Audience::kThirdParty)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown audience ", c.audience));
  if (c.delivery != Delivery::kFile && c.delivery != Delivery::kEmail && c.delivery != Delivery::kReview)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown delivery ", c.delivery, ": file, email or review"));
  return Reply{};
}

// The issues a run names and its date range: at least one of the two.
Reply SubscriptionBook::check_issues(const StartReminderRun& c, const Series& series) const {
  const bool ranged = c.from_ms != 0 || c.to_ms != 0;
  if (c.issues.empty() && !ranged)
    return refuse(ReplyCode::kInvalidArgument, "choose at least one issue or a date range to remind");
  if (ranged && (c.from_ms < 0 || c.to_ms <= 0 || c.to_ms > kTimeMsMax))
    return refuse(ReplyCode::kInvalidArgument, cat("a date range ends after its start, within (0, ", kTimeMsMax, "]"));
  if (ranged && c.from_ms > c.to_ms)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("the date range ends (", c.to_ms, ") before it starts (", c.from_ms, ")"));
  if (c.issues.size() > kRunIssuesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a run names at most ", kRunIssuesMax, " issues"));
  // Sorted copies: up to kRunIssuesMax names checked against up to
  // kIssuesPerSeriesMax issues without a quadratic scan.
  std::vector<IssueId> known;
  known.reserve(series.issues.size());
  for (const DefineIssue& i : series.issues) known.push_back(i.issue);
  std::sort(known.begin(), known.end());
  for (IssueId id : c.issues)
    if (!std::binary_search(known.begin(), known.end(), id))
      return refuse(ReplyCode::kNotFound, cat("issue ", id, " of series ", c.series, " not found"));
  std::vector<IssueId> named = c.issues;
  std::sort(named.begin(), named.end());
  const auto twice = std::adjacent_find(named.begin(), named.end());
  if (twice != named.end()) return refuse(ReplyCode::kInvalidArgument, cat("issue ", *twice, " is named twice"));
  return Reply{};
}

Reply SubscriptionBook::apply(const StartReminderRun& c, const ContactBook& contacts, int64_t now_ms) {
  assert(now_ms >= 0);
  Reply r = check_run(c);
  if (!r.ok()) return r;
  const Series& series = *series_.find(c.series);
  std::vector<IssueId> chosen = c.issues;
  std::sort(chosen.begin(), chosen.end());

  const bool ranged = c.to_ms != 0;
  ReminderRun run;
  run.definition = c;
  run.started_ms = now_ms;
  run.export_requested_ms = c.delivery == Delivery::kReview ? 0 : now_ms;
  const std::vector<SubscriptionRecord>& subscriptions = subscriptions_.items();
  for (uint32_t i = 0; i < subscriptions.size(); ++i) {
    const SubscriptionRecord& s = subscriptions[i];
    if (s.definition.series != c.series) continue;
    if ((s.definition.payer != kNone) != (c.audience == Audience::kThirdParty)) continue;
    const DefineIssue* last = last_issue(series, s.definition.ends_ms);
    if (!last) continue;
    const bool in_range = ranged && last->date_ms >= c.from_ms && last->date_ms <= c.to_ms;
    if (!in_range && !std::binary_search(chosen.begin(), chosen.end(), last->issue)) continue;
    if (run.subscriptions.size() >= kRunItemsMax)
      return refuse(ReplyCode::kLimitExceeded, cat("a run reminds at most ", kRunItemsMax, " subscriptions per shard"));
    assert(s.reminder_rank < std::numeric_limits<uint32_t>::max());
    run.subscriptions.push_back(i);
    run.ranks.push_back(s.reminder_rank + 1);
    run.ends_ms.push_back(s.definition.ends_ms);
  }
  const ReminderRun& added = runs_.add(c.run, std::move(run));
  return batch_reply(added, *formats_.find(c.format), run_items(added, series, subscriptions, contacts),
                     run_templates(c.audience));
}

Reply SubscriptionBook::apply(const ExportReminderRun& c, const ContactBook& contacts, int64_t now_ms) {
  ReminderRun* run = runs_.find(c.run);
  if (!run) return run_not_found(c.run);
  if (run->state == RunState::kCancelled)
    return refuse(ReplyCode::kInvalidState, cat("run ", c.run, " is cancelled: cannot export it"));
  if (c.delivery != Delivery::kFile && c.delivery != Delivery::kEmail)
    return refuse(ReplyCode::kInvalidArgument, "export a run by file or email");
  const Series* series = series_.find(run->definition.series);
  const DefineReminderFormat* format = formats_.find(run->definition.format);
  assert(series && format);               // catalog entries are never removed (a deleted format is kept for its runs)
  run->definition.delivery = c.delivery;  // the run's delivery is its last export's
  run->export_requested_ms = now_ms;
  return batch_reply(*run, *format, run_items(*run, *series, subscriptions_.items(), contacts),
                     run_templates(run->definition.audience));
}

Reply SubscriptionBook::apply(const RecordRunExport& c, int64_t now_ms, bool track_undelivered) {
  ReminderRun* run = runs_.find(c.run);
  if (!run) return run_not_found(c.run);
  if (run->state == RunState::kCancelled)
    return refuse(ReplyCode::kInvalidState, cat("run ", c.run, " is cancelled: cannot record an export"));
  if (c.destination.empty() || c.destination.size() > kRunDestinationLengthMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("export destination must have 1 to ", kRunDestinationLengthMax, " bytes"));
  run->delivered = c.delivered;
  run->failed = c.failed;
  run->destination = c.destination;
  run->exported_ms = now_ms;
  run->undelivered.clear();
  std::vector<SubscriptionId> failed = c.failed_subscriptions;
  std::sort(failed.begin(), failed.end());
  for (uint32_t k = 0; k < run->subscriptions.size(); ++k) {
    const SubscriptionId id = subscriptions_.items()[run->subscriptions[k]].definition.subscription;
    // Nothing delivered: the file was not written or no e-mail left.
    if (track_undelivered && (c.delivered == 0 || std::binary_search(failed.begin(), failed.end(), id)))
      run->undelivered.push_back(k);
  }
  if (run->state == RunState::kSelected) run->state = RunState::kExported;
  if (!run->definition.validation && run->state == RunState::kExported && c.delivered > 0) raise_ranks(*run, now_ms);
  return state_reply(run->state);
}

void SubscriptionBook::raise_ranks(ReminderRun& run, int64_t now_ms) {
  assert(now_ms >= 0);
  std::vector<SubscriptionRecord>& subscriptions = subscriptions_.items();
  auto undelivered = run.undelivered.begin();
  for (uint32_t k = 0; k < run.subscriptions.size(); ++k) {
    if (undelivered != run.undelivered.end() && *undelivered == k) {
      ++undelivered;  // not reminded: its rank stays
      continue;
    }
    SubscriptionRecord& s = subscriptions[run.subscriptions[k]];
    if (s.definition.ends_ms != run.ends_ms[k]) {
      // Renewed since the run (renewals only move the end later): the
      // renewal reset its rank and the reminder is moot.
      assert(s.definition.ends_ms > run.ends_ms[k]);
      continue;
    }
    s.reminder_rank = std::max(s.reminder_rank, run.ranks[k]);
    s.reminded_ms = now_ms;
  }
  run.state = RunState::kValidated;
}

Reply SubscriptionBook::check_run_open(RunId id, const char* action) const {
  const ReminderRun* run = runs_.find(id);
  return run ? check_open(*run, action) : run_not_found(id);
}

Reply SubscriptionBook::apply(const ValidateReminderRun& c, int64_t now_ms) {
  ReminderRun* run = runs_.find(c.run);
  if (!run) return run_not_found(c.run);
  Reply r = check_open(*run, "validate it");
  if (!r.ok()) return r;
  raise_ranks(*run, now_ms);
  return state_reply(run->state);
}

Reply SubscriptionBook::apply(const CancelReminderRun& c) {
  ReminderRun* run = runs_.find(c.run);
  if (!run) return run_not_found(c.run);
  Reply r = check_open(*run, "cancel it");
  if (!r.ok()) return r;
  run->state = RunState::kCancelled;
  return state_reply(run->state);
}

Reply SubscriptionBook::query(const GetReminderRun& c, const ContactBook& contacts) const {
  const ReminderRun* run = runs_.find(c.run);
  if (!run) return run_not_found(c.run);
  const Series* series = series_.find(run->definition.series);
  const DefineReminderFormat* format = formats_.find(run->definition.format);
  assert(series && format);  // catalog entries are never removed (a deleted format is kept for its runs)
  return batch_reply(*run, *format, run_items(*run, *series, subscriptions_.items(), contacts));
}

Reply SubscriptionBook::query(const ReadRunFile& c, const ContactBook&) const {
  const ReminderRun* run = runs_.find(c.run);
  if (!run) return run_not_found(c.run);
  if (run->exported_ms == 0 && run->destination.empty())
    return refuse(ReplyCode::kInvalidState,
                  cat("run ", c.run, " has no file yet: export it by file (ExportReminderRun) first"));
  if (run->definition.delivery != Delivery::kFile)
    return refuse(ReplyCode::kInvalidState,
                  cat("run ", c.run, " was last exported by e-mail: export it by file to get a file"));
  if (run->delivered == 0)
    return refuse(ReplyCode::kInvalidState,
                  cat("run ", c.run, "'s file was not written (", run->destination, "): export it again"));
  RunFile file;
  file.run = c.run;
  file.name = run->destination;
  file.offset = c.offset;
  Reply r;
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(file)});
  return r;
}

Reply SubscriptionBook::query(const ListReminderRuns& c, const ContactBook&) const {
  if (c.series != kNone && !series_.find(c.series))
    return refuse(ReplyCode::kNotFound, cat("series ", c.series, " not found"));
  std::vector<const ReminderRun*> matching;
  for (const ReminderRun& run : runs_.items())
    if ((c.series == kNone || run.definition.series == c.series) &&
        (c.before == kNone || run.definition.run < c.before))
      matching.push_back(&run);
  const size_t shown = std::min<size_t>(matching.size(), kRunsInReplyMax);
  std::partial_sort(matching.begin(), matching.begin() + static_cast<ptrdiff_t>(shown), matching.end(),
                    [](const ReminderRun* a, const ReminderRun* b) { return a->definition.run > b->definition.run; });
  ReminderRuns out;
  out.total = static_cast<uint32_t>(matching.size());
  for (size_t i = 0; i < shown; ++i) {
    const ReminderRun& run = *matching[i];
    const StartReminderRun& d = run.definition;
    ReminderRunSummary s;
    s.run = d.run;
    s.series = d.series;
    s.series_name = series_.find(d.series)->definition.name;
    s.state = run.state;
    s.format = d.format;
    s.delivery = d.delivery;
    s.audience = d.audience;
    s.validation = d.validation;
    s.from_ms = d.from_ms;
    s.to_ms = d.to_ms;
    s.issues = static_cast<uint32_t>(d.issues.size());
    s.started_ms = run.started_ms;
    s.export_requested_ms = run.export_requested_ms;
    s.exported_ms = run.exported_ms;
    s.selected = static_cast<uint32_t>(run.subscriptions.size());
    s.delivered = run.delivered;
    s.failed = run.failed;
    s.destination = run.destination;
    out.runs.push_back(std::move(s));
  }
  if (shown < matching.size()) out.next_before = out.runs.back().run;
  Reply r;
  r.value = out.total;
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(out)});
  return r;
}

// ---- State ----------------------------------------------------------------------

void SubscriptionBook::hash_into(Hasher& h) const {
  h.add(series_.items());
  h.add(formats_.items());
  h.add(subscriptions_.items());
  h.add(runs_.items());
  if (!deleted_formats_.empty()) h.add(deleted_formats_);  // hashed once there are some (older hashes stand)
  if (!templates_.empty()) h.add(templates_);
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
  for (size_t i = 0; i < templates_.size(); ++i) {
    const DefineDocumentTemplate& t = templates_[i];
    if (t.remove ||
        (i > 0 && std::tie(templates_[i - 1].document, templates_[i - 1].language) >= std::tie(t.document, t.language)))
      return Status::internal("document templates are not sorted, distinct and kept as definitions");
  }
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
  for (size_t j = 0; j < run.undelivered.size(); ++j)
    if (run.undelivered[j] >= run.subscriptions.size() || (j > 0 && run.undelivered[j] <= run.undelivered[j - 1]))
      return Status::internal(cat("run ", id, " lists its undelivered reminders out of order or range"));
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
