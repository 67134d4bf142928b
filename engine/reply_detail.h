// Structured replies of back-office commands: follow-up rows, per-order
// outcomes of bulk actions, release summaries and reminder items.
//
// A shard answers with the part it owns; the runtime merges the parts of a
// fan-out (merge_details) into the one answer the client sees. Every list
// is bounded by a limit in engine/limits.h.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "engine/command.h"
#include "engine/contact_card.h"
#include "engine/order_record.h"

namespace tessera::engine {

// One row of the follow-up screen: an order's lines of one performance,
// category, tariff and contingent (seated lines of a block are one row).
struct FollowUpRow {
  int64_t due_ms = 0;
  OrderId order = 0;
  uint32_t line = 0;  // index of the row's first order line
  OrderState state = OrderState::kOption;
  ReleaseMark mark = ReleaseMark::kRelease;
  bool locked = false;
  uint64_t file_number = 0;
  ContactId contact = kNone;
  uint64_t contact_number = 0;
  std::string contact_name;  // "LAST First", empty for an unknown contact
  ChannelId channel = kNone;
  std::string channel_name;
  ProductId product = kNone;
  std::string product_name;
  PerformanceId performance = kNone;
  int64_t performance_starts_ms = 0;
  CategoryId category = kNone;
  std::string category_name;
  TariffId tariff = kNone;
  std::string tariff_name;
  ContingentId contingent = kNone;
  uint32_t quantity = 0;
  uint32_t reminder_rank = 0;
  int64_t reminded_ms = 0;
  std::string contingent_name;  // appended: empty = none, or an unnamed contingent
  uint32_t audience = 0;        // the contact's audience category ("CAT PUB"), from the directory; 0 = none
  std::string audience_name;
  static constexpr size_t kCodecV3Fields = 24;
  auto fields() const {
    return std::tie(due_ms, order, line, state, mark, locked, file_number, contact, contact_number, contact_name,
                    channel, channel_name, product, product_name, performance, performance_starts_ms, category,
                    category_name, tariff, tariff_name, contingent, quantity, reminder_rank, reminded_ms,
                    contingent_name, audience, audience_name);
  }
};

struct FollowUpPage {
  std::vector<FollowUpRow> rows;  // sorted by (due_ms, order, line)
  uint64_t total = 0;             // rows matching the filter (all pages)
  bool more = false;              // rows match after the last one returned
  auto fields() const { return std::tie(rows, total, more); }
};

// What a bulk command did to one of its orders.
enum class Outcome : uint8_t {
  kDone = 0,             // marked / locked / released / reminded
  kSkippedKept,          // release: marked keep
  kSkippedLocked,        // release: locked
  kSkippedState,         // wrong state (already confirmed, closed...)
  kNotFound,             // unknown order id
  kSkippedWorkflowFull,  // the order's workflow holds kOrderWorkflowMax entries (engine/limits.h)
};
std::string_view outcome_name(Outcome outcome);

struct OrderOutcome {
  OrderId order = 0;
  Outcome outcome = Outcome::kDone;
  OrderState state = OrderState::kOption;  // the order's state after the command
  auto fields() const { return std::tie(order, outcome, state); }
};

struct BulkOutcomes {
  std::vector<OrderOutcome> orders;  // in the order the command named them
  auto fields() const { return std::tie(orders); }
};

// Stock returned (or that would return) per performance and category.
struct ReleasedStock {
  PerformanceId performance = kNone;
  CategoryId category = kNone;
  uint32_t orders = 0;
  uint64_t units = 0;
  uint64_t seats = 0;
  auto fields() const { return std::tie(performance, category, orders, units, seats); }
};

// Why a release by filter left a matching order alone.
enum class SkipReason : uint8_t { kLocked = 0, kKept };
// A matching order a release by filter skipped (or would skip).
struct SkippedOrder {
  OrderId order = 0;
  SkipReason reason = SkipReason::kLocked;
  ContactId contact = kNone;
  uint64_t contact_number = 0;
  std::string contact_name;
  int64_t due_ms = 0;
  auto fields() const { return std::tie(order, reason, contact, contact_number, contact_name, due_ms); }
};

// ReleaseAll's answer and PreviewRelease's forecast.
struct ReleaseSummary {
  uint64_t released = 0;             // orders (would be) released
  uint64_t kept = 0;                 // matching orders skipped: marked keep
  uint64_t locked = 0;               // matching orders skipped: locked
  uint64_t units = 0;                // units returned (seats included)
  uint64_t seats = 0;                // of which named seats
  std::vector<ReleasedStock> stock;  // sorted by (performance, category)
  // The skipped orders by order id after PreviewRelease's skipped_after
  // (from the first for ReleaseAll), at most kSkippedOrdersPage of them;
  // skipped_next: the cursor of the next page (0: this is the last).
  std::vector<SkippedOrder> skipped;
  OrderId skipped_next = 0;
  auto fields() const { return std::tie(released, kept, locked, units, seats, stock, skipped, skipped_next); }
};

// One reminder to send: an order (RemindOrders) or a subscription
// (StartReminderRun). Fields that do not apply stay empty.
struct ReminderItem {
  ContactId contact = kNone;
  uint64_t contact_number = 0;
  std::string last_name;
  std::string first_name;
  std::string email;
  ContactId payer = kNone;
  uint64_t payer_number = 0;
  std::string payer_name;
  std::string payer_email;
  uint32_t reminder_rank = 0;  // the rank this reminder carries (1 = first)
  // Orders.
  OrderId order = 0;
  uint64_t file_number = 0;
  int64_t due_ms = 0;
  int64_t amount_cents = 0;
  std::string product_name;
  int64_t performance_starts_ms = 0;
  uint32_t quantity = 0;
  // Subscriptions.
  SubscriptionId subscription = kNone;
  std::string series_name;
  int64_t ends_ms = 0;
  std::string last_issue_name;
  std::string language;  // the recipient's communication language ("fr"; "" = the organisation's)
  // The recipient's postal address (the payer of a third-party
  // subscription, else the contact), filled from the contact directory.
  std::string street;  // the main address's lines, ", " between them
  std::string postcode;
  std::string city;
  std::string country;
  auto fields() const {
    return std::tie(contact, contact_number, last_name, first_name, email, payer, payer_number, payer_name, payer_email,
                    reminder_rank, order, file_number, due_ms, amount_cents, product_name, performance_starts_ms,
                    quantity, subscription, series_name, ends_ms, last_issue_name, language, street, postcode, city,
                    country);
  }
};

enum class RunState : uint8_t { kSelected = 0, kExported, kValidated, kCancelled };
std::string_view run_state_name(RunState state);

// Reminders to export with a format: RemindOrders, StartReminderRun and
// GetReminderRun answer with this (items sorted by contact number, then
// order / subscription).
// How many reminders of a batch carry one rank (the review of a run).
struct RankCount {
  uint32_t rank = 0;
  uint32_t count = 0;
  auto fields() const { return std::tie(rank, count); }
  bool operator==(const RankCount&) const = default;
};

struct ReminderBatch {
  RunId run = 0;  // 0 for order reminders
  RunState state = RunState::kSelected;
  DefineReminderFormat format;
  Delivery delivery = Delivery::kFile;  // a run's: its last export's (kReview until exported)
  uint32_t delivered = 0;
  uint32_t failed = 0;
  std::string destination;
  std::vector<ReminderItem> items;
  std::vector<OrderOutcome> outcomes;  // RemindOrders: per order named
  // Appended. Every item's rank counted (by rank), also when `items` is
  // cut to kReminderItemsInReplyMax; a run's validation option.
  std::vector<RankCount> rank_counts;
  bool validation = true;
  // The document templates of the batch's kinds (the server's mailer reads
  // them; never sent to a client).
  std::vector<DefineDocumentTemplate> templates;
  auto fields() const {
    return std::tie(run, state, format, delivery, delivered, failed, destination, items, outcomes, rank_counts,
                    validation, templates);
  }
};

// One reminder run as ListReminderRuns shows it: what it selected and how
// far its export went. An export is under way (or was cut short by a
// restart: export the run again) while export_requested_ms > exported_ms.
struct ReminderRunSummary {
  RunId run = 0;
  SeriesId series = kNone;
  std::string series_name;
  RunState state = RunState::kSelected;
  uint32_t format = 0;
  Delivery delivery = Delivery::kReview;
  Audience audience = Audience::kDirect;
  bool validation = true;
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  uint32_t issues = 0;  // issues named
  int64_t started_ms = 0;
  int64_t export_requested_ms = 0;  // 0: never asked to export
  int64_t exported_ms = 0;          // 0: no export recorded
  uint32_t selected = 0;            // reminders in the run, every shard
  uint32_t delivered = 0;           // by its last export
  uint32_t failed = 0;
  std::string destination;
  auto fields() const {
    return std::tie(run, series, series_name, state, format, delivery, audience, validation, from_ms, to_ms, issues,
                    started_ms, export_requested_ms, exported_ms, selected, delivered, failed, destination);
  }
};

// ReadRunFile: a chunk of the file a run's export wrote. The engine answers
// with `name` = the recorded path and no content; the server reads the
// file (reminders::prepare_run_file_read) and answers with its file name.
// `content` ends on a UTF-8 character boundary; next_offset 0: the end.
struct RunFile {
  RunId run = 0;
  std::string name;
  uint64_t offset = 0;
  uint64_t total_bytes = 0;
  uint64_t next_offset = 0;
  std::string content;
  auto fields() const { return std::tie(run, name, offset, total_bytes, next_offset, content); }
};

// ListReminderRuns: a page of runs, newest first; `total` runs match.
struct ReminderRuns {
  std::vector<ReminderRunSummary> runs;
  uint32_t total = 0;
  RunId next_before = 0;  // the cursor of the next page (0: none)
  auto fields() const { return std::tie(runs, total, next_before); }
};

// One principal as ListPrincipals shows it. token_hash only in the list the
// server reads for itself at start-up (net never sends it to a client).
struct PrincipalRecord {
  PrincipalId principal = 0;
  std::string name;
  Role role = Role::kWebshop;
  std::vector<ChannelId> channels;
  bool revoked = false;
  int64_t created_ms = 0;
  int64_t revoked_ms = 0;
  std::string token_hash;
  auto fields() const { return std::tie(principal, name, role, channels, revoked, created_ms, revoked_ms, token_hash); }
};

struct PrincipalList {
  std::vector<PrincipalRecord> principals;  // by id
  auto fields() const { return std::tie(principals); }
};

// DefinePrincipal's answer as the server completes it: the token it
// generated, shown this once (the engine and the log hold only its hash).
struct IssuedToken {
  PrincipalId principal = 0;
  std::string token;
  auto fields() const { return std::tie(principal, token); }
};

// ExportCatalog's answer: the set-up commands that recreate the catalog, in
// canonical order (engine/commands_catalog.h), and a hash of them: two
// servers with the same catalog answer the same hash, whatever the order
// their catalogs were defined in.
struct CatalogExport {
  std::vector<Command> commands;
  uint64_t catalog_hash = 0;
  auto fields() const { return std::tie(commands, catalog_hash); }
};

// ListDocumentTemplates: the templates defined, by document then language.
struct DocumentTemplates {
  std::vector<DefineDocumentTemplate> templates;  // `remove` false
  auto fields() const { return std::tie(templates); }
};

// ListPayers: the third-party payers, by id.
struct Payers {
  std::vector<DefinePayer> payers;
  auto fields() const { return std::tie(payers); }
};

// ListReminderFormats: the formats that can be used, by id.
struct ReminderFormats {
  std::vector<DefineReminderFormat> formats;  // `replace` false
  auto fields() const { return std::tie(formats); }
};

struct ReplyDetail {
  std::variant<FollowUpPage, BulkOutcomes, ReleaseSummary, ReminderBatch, PrincipalList, IssuedToken, OrderRecord,
               OrderPage, StockSummary, CatalogExport, ContactCard, ContactSearchPage, ContactCards,
               ContactImportReport, ContactLists, ContactFindPage, ClientMarks, ContactActivity, ReminderFormats,
               ReminderRuns, RunFile, DocumentTemplates, Payers, Invoices, Promo, PromoCodes, PromoReturns,
               PaymentBatch, FrozenPayments, PaymentBatches, CashbackAccount, CashbackUse, CashbackReturns, SponsorUse,
               PreRegPage, PreRegResults, PreRegMatches, LeadPage, PerformanceCard, DocumentFile, AddOnStock,
               DepartureChange, TravelBookMails>
      value;
};

}  // namespace tessera::engine
