// Back-office commands: contacts, order files, the follow-up screen's
// query, preview and mass release, selections of orders (mark, lock,
// release, remind) and reminder file formats.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/reply.h"

namespace tessera::engine {

// ---- Back office: contacts, follow-up, mass release, reminders --------------
//
// Contacts, reminder formats, series and issues are catalog-level (every
// shard keeps a copy). Commands naming orders (MarkOrders...) are split by
// the runtime into one command per shard holding some of the orders; the
// follow-up query, its release preview and ReleaseAll fan out to every
// shard and their answers are merged (engine/reply_detail.h).

enum ContactType : uint8_t {
  kContactIndividual = 1,
  kContactOrganisation = 2,
  kContactGuide = 4,
  kContactSupplier = 8,
  kContactPartner = 16,
  kContactProducer = 32,
  kContactSupport = 64,
};
inline constexpr uint8_t kContactTypesAll = 127;

// Creates a contact (refused if the id exists). Exactly one of individual /
// organisation; the other types are roles it may add.
struct DefineContact {
  ContactId contact;
  uint64_t number;  // the contact number shown to users (e.g. 100000002951)
  std::string last_name;
  std::string first_name;
  std::string email;
  uint8_t types;  // ContactType bits
  auto fields() const { return std::tie(contact, number, last_name, first_name, email, types); }
};
// Replaces every field of an existing contact.
struct UpdateContact {
  ContactId contact;
  uint64_t number;
  std::string last_name;
  std::string first_name;
  std::string email;
  uint8_t types;
  auto fields() const { return std::tie(contact, number, last_name, first_name, email, types); }
};

// Files an option or reservation under a file (dossier) number.
struct SetOrderFile {
  OrderId order;
  uint64_t file_number;
#ifdef TESSERA_LOG_EVOLUTION_TEST
  // A field a later build appends: only tests/storage/log_evolution_test.cc
  // is built with it, to open data directories written without it.
  std::string file_label = "unlabelled";
  static constexpr size_t kCodecV3Fields = 2;  // docs/format.md, rule 4
  auto fields() const { return std::tie(order, file_number, file_label); }
#else
  auto fields() const { return std::tie(order, file_number); }
#endif
};

// The follow-up screen's filters. The first four are mandatory (a query
// without a season, a family or a deadline is refused); 0 / empty = any.
// Performance, contingent, channel and contact take several values: the
// single field and its list are one set (a row matches any value of it),
// so a client written before the lists still filters on one. A contingent
// matches its sub-contingents' rows too.
struct FollowUpFilter {
  BookingKind kind = BookingKind::kOption;
  int64_t due_until_ms = 0;  // deadline on or before (end of the chosen day)
  SeasonId season = kNone;
  ProductFamilyId family = kNone;
  ProductId product = kNone;
  PerformanceId performance = kNone;
  ContingentId contingent = kNone;
  std::vector<TariffId> tariffs;
  ContactId contact = kNone;
  uint8_t contact_types = 0;  // ContactType bits: the contact has at least one of them
  std::vector<CategoryId> categories;
  ChannelId channel = kNone;
  std::vector<PerformanceId> performances;  // appended (docs/format.md, rule 4): empty = as before
  std::vector<ContingentId> contingents;
  std::vector<ChannelId> channels;
  std::vector<ContactId> contacts;
  // Products of these types ("Type de produit"); kNone in the list = the
  // products without a type ("Sans type"). Empty = any.
  std::vector<ProductTypeId> product_types;
  static constexpr size_t kCodecV3Fields = 12;
  auto fields() const {
    return std::tie(kind, due_until_ms, season, family, product, performance, contingent, tariffs, contact,
                    contact_types, categories, channel, performances, contingents, channels, contacts, product_types);
  }
};
// Rows are ordered by (deadline, order, line); a page starts after `after`
// (order 0 = from the start).
struct FollowUpCursor {
  int64_t due_ms = 0;
  OrderId order = 0;
  uint32_t line = 0;
  auto fields() const { return std::tie(due_ms, order, line); }
};
// Query: at most `limit` rows (<= kFollowUpRowsMax) after the cursor, the
// total count of matching rows, and whether more follow.
struct QueryFollowUp {
  FollowUpFilter filter;
  FollowUpCursor after;
  uint32_t limit;
  auto fields() const { return std::tie(filter, after, limit); }
};
// Query: what ReleaseAll with this filter would do now, changing nothing.
// skipped_after pages the skipped orders it names (0: from the first).
struct PreviewRelease {
  FollowUpFilter filter;
  OrderId skipped_after = 0;  // appended (docs/format.md, rule 4)
  static constexpr size_t kCodecV3Fields = 1;
  auto fields() const { return std::tie(filter, skipped_after); }
};
// Releases every order matching the filter that is marked release and not
// locked, beyond the first page too; one logged command per shard.
struct ReleaseAll {
  FollowUpFilter filter;
  auto fields() const { return std::tie(filter); }
};
struct MarkOrders {
  std::vector<OrderId> orders;
  ReleaseMark mark;
  auto fields() const { return std::tie(orders, mark); }
};
struct LockOrders {
  std::vector<OrderId> orders;
  bool locked;
  auto fields() const { return std::tie(orders, locked); }
};
// Releases the selected orders that are marked release; per-order outcome.
struct ReleaseOrders {
  std::vector<OrderId> orders;
  auto fields() const { return std::tie(orders); }
};

// kReview: a reminder run that only selects; ExportReminderRun exports it
// later (RemindOrders takes kFile or kEmail only).
enum class Delivery : uint8_t { kFile = 0, kEmail, kReview };

// Selects the options/reservations to remind and returns what the reminder
// documents need (each item carries the order's rank + 1); the server
// exports them with `format` through `delivery`, then records the
// reminders it delivered (RecordOrderReminders). Under rules 4 and older
// the reminder (time, rank + 1, workflow entry) was recorded here, before
// the export.
struct RemindOrders {
  std::vector<OrderId> orders;
  uint32_t format;
  Delivery delivery;
  auto fields() const { return std::tie(orders, format, delivery); }
};

// Internal: the order reminders an export delivered (a written file, or an
// e-mail the relay accepted): each order's rank rises by one, its reminder
// time is now and its workflow notes the e-mail or the letter. Split by the
// shard of each order; an order closed since is skipped.
struct RecordOrderReminders {
  std::vector<OrderId> orders;
  uint32_t format;
  Delivery delivery;
  auto fields() const { return std::tie(orders, format, delivery); }
};

// Fields a reminder format may export, in the order it lists them.
enum class ReminderField : uint8_t {
  kContactNumber = 0,
  kLastName,
  kFirstName,
  kEmail,
  kPayerNumber,  // third party who pays (subscriptions)
  kPayerName,
  kSeries,  // title of the publication / series
  kSubscription,
  kEndDate,
  kLastIssue,
  kReminderRank,
  kOrderNumber,
  kFileNumber,
  kDeadline,
  kAmount,
  kProduct,
  kPerformanceDate,
  kQuantity,
  kStreet,  // the recipient's postal address: the payer of a third-party subscription, else the contact
  kPostcode,
  kCity,
  kCountry,
};
inline constexpr uint8_t kReminderFieldCount = 22;
enum class FormatType : uint8_t { kReminder = 0 };

// A reminder file format (configuration, every shard). With `replace` it
// changes the existing format of that id instead (refused while an
// unfinished reminder run uses it).
struct DefineReminderFormat {
  uint32_t format;
  std::string name;
  FormatType type;
  std::string separator;               // 1 to 4 characters, e.g. ";" or "\t"
  std::string extension;               // e.g. "csv"
  bool title_in_file_name;             // file name = name + "_" + series title
  std::vector<ReminderField> columns;  // the chosen fields, in file order
  bool replace = false;
  auto fields() const {
    return std::tie(format, name, type, separator, extension, title_in_file_name, columns, replace);
  }
  static constexpr size_t kCodecV3Fields = 7;
  static constexpr size_t kHashedAlways = 7;  // engine/hash.h: `replace` counts when set
};

// Deletes a reminder format: no new run or order reminder may use it, and
// it is no longer listed; the runs made with it keep it for their exports.
// Refused while an unfinished run (selected or exported, not validated or
// cancelled) uses it. Its id is not reused.
struct DeleteReminderFormat {
  uint32_t format;
  auto fields() const { return std::tie(format); }
};

// The reminder formats that can be used, by id (ReminderFormats).
struct ListReminderFormats {
  auto fields() const { return std::tie(); }
};

// The documents the server e-mails, each with its built-in French text
// until the back office defines a template for it.
enum class DocumentKind : uint8_t {
  kOrderReminder = 0,     // "Rappel d'options/réservations" (RemindOrders)
  kSubscriptionReminder,  // a subscriber's renewal reminder (reminder runs, direct)
  kThirdPartyReminder,    // a third party's reminder of the subscriptions it pays
};
inline constexpr uint8_t kDocumentKindLast = 2;

// A document template (configuration, every shard): the subject and body
// of one kind of document in one language (ISO 639-1, "fr"), with fields in
// braces ({name}, {items}, ... docs/protocol.md, "Document templates";
// "{{" and "}}" are literal braces). Defining one that exists replaces it;
// `remove` deletes it (the built-in text is used again).
struct DefineDocumentTemplate {
  DocumentKind document = DocumentKind::kOrderReminder;
  std::string language;
  std::string subject;
  std::string body;
  bool remove = false;
  auto fields() const { return std::tie(document, language, subject, body, remove); }
  bool operator==(const DefineDocumentTemplate&) const = default;
};

// The templates defined, by document then language (DocumentTemplates).
struct ListDocumentTemplates {
  auto fields() const { return std::tie(); }
};

}  // namespace tessera::engine
