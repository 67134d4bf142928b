// Commands a shard applies, and the Reply each one gets.
//
// A Command is a plain value: the same sequence of (command, time) pairs
// applied to a fresh Shard always gives the same state, which is what the
// command log replays. Every struct exposes `fields()` (a std::tie of its
// members) so hashing, printing and encoding stay generic.
//
// Routing (who applies what): catalog definitions (seasons, families,
// products, channels, categories, tariffs, policies, venue layouts) go to
// every shard; performance-scoped set-up (seat maps, contingents, blocks)
// and new orders (seated or not) go to the shard of their
// performance (ids.h: shard_of_performance); commands on an existing order
// go to the shard in its id (ids.h: order_shard). See command_route().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "engine/command_list.h"
#include "engine/ids.h"

namespace tessera::engine {

// ---- Outcomes -------------------------------------------------------------

// Business outcomes and refusals. Sold out is an outcome, not an error; a
// command that does not return kOk changed nothing.
enum class ReplyCode : uint8_t {
  kOk = 0,
  kSoldOut,          // not enough stock under one of the quotas
  kNotFound,         // unknown id (or an order id whose slot was reused)
  kInvalidState,     // the order's state does not allow the command
  kLocked,           // the order is locked against release
  kLimitExceeded,    // a named limit or policy (quantity, extensions, per-contact limit)
  kInvalidArgument,  // malformed command (zero quantity, bad deadline, wrong channel...)
  kDuplicate,        // id already defined, or request key reused for another command
  kBusy,             // shard inbox full: retry later (runtime only)
  kUnavailable,      // storage failed: the command was not acknowledged (runtime only)
};
std::string_view reply_code_name(ReplyCode code);

enum class OrderState : uint8_t {
  kHeld = 0,      // web cart, expires at its TTL
  kOption,        // held without payment until a deadline
  kReservation,   // booked, awaiting confirmation/payment by a deadline
  kOverdue,       // option/reservation past its deadline, in its grace period ("annulable")
  kConfirmed,     // sold (validated)
  // Closed states: stock has returned.
  kReleased,      // released by hand (hold, option or reservation)
  kExpired,       // hold TTL ran out
  kArchived,      // option/reservation expired or archived by an operator
  kCancelled,     // confirmed order cancelled
};
std::string_view order_state_name(OrderState state);
inline bool is_closed(OrderState s) { return s >= OrderState::kReleased; }
// Options and reservations, plain or overdue: what the follow-up screen shows.
inline bool is_booking(OrderState s) {
  return s == OrderState::kOption || s == OrderState::kReservation || s == OrderState::kOverdue;
}

// What happens when an option or reservation reaches its deadline.
enum class ExpiryPolicy : uint8_t {
  kReleaseAtDeadline = 0,  // archived at the deadline, stock returns
  kOverdueThenArchive,     // overdue for a grace period, then archived
  kKeepUntilReleased,      // stays until released by hand (follow-up screen)
};

enum class ReleaseMark : uint8_t { kRelease = 0, kKeep };
enum class BookingKind : uint8_t { kOption = 0, kReservation };

struct ReplyDetail;  // engine/reply_detail.h: rows, per-order outcomes, summaries

struct Reply {
  // Declared so that the small fields share one word: a Reply is built on
  // every command, and over 80 bytes GCC clears it with a slow `rep stos`.
  ReplyCode code = ReplyCode::kOk;
  OrderState state = OrderState::kHeld;
  uint32_t seat_count = 0;  // seats of a seated order (its runs: value + seat_count, or the message)
  OrderId order = 0;
  // The legacy scalar answer, kept for protocol v1 clients; its meaning per
  // command is the command's ReplyKind (engine/command_registry.h).
  int64_t value = 0;
  // An order's hold expiry or deadline (0 = none: confirmed or closed).
  // Not part of fields() (nor seat_count): the log, hashes and snapshots keep
  // the scalar reply, which a retried command answers again.
  int64_t due_ms = 0;
  std::string message;
  // Structured answer of back-office commands (nullptr for the others).
  // Not part of fields(): hashes, the idempotency table and snapshots keep
  // the scalar reply only, so a retried bulk command answers its counts.
  std::shared_ptr<const ReplyDetail> detail;

  bool ok() const { return code == ReplyCode::kOk; }
  auto fields() const { return std::tie(code, order, state, value, message); }
};
static_assert(sizeof(Reply) <= 80, "see the note on Reply's field order");

// ---- Catalog (applied on every shard) -------------------------------------

struct DefineSeason {
  SeasonId season;
  std::string name;
  auto fields() const { return std::tie(season, name); }
};
struct DefineProductFamily {
  ProductFamilyId family;
  std::string name;
  auto fields() const { return std::tie(family, name); }
};
struct DefineProduct {
  ProductId product;
  SeasonId season;
  ProductFamilyId family;
  std::string name;
  ExpiryPolicy expiry_policy = ExpiryPolicy::kReleaseAtDeadline;
  int64_t overdue_grace_ms = 0;            // kOverdueThenArchive only
  int64_t hold_lifetime_max_ms = 30 * 60 * 1000;  // a cart never outlives this
  uint32_t hold_extensions_max = 3;
  auto fields() const {
    return std::tie(product, season, family, name, expiry_policy, overdue_grace_ms,
                    hold_lifetime_max_ms, hold_extensions_max);
  }
};
struct DefineChannel {
  ChannelId channel;
  std::string name;
  auto fields() const { return std::tie(channel, name); }
};
struct DefineCategory {
  CategoryId category;
  std::string name;
  auto fields() const { return std::tie(category, name); }
};
struct DefineTariff {
  TariffId tariff;
  ProductId product;
  std::string name;
  auto fields() const { return std::tie(tariff, product, name); }
};
// Price of a tariff for a category; channel kNone = every channel without
// a price of its own.
struct SetTariffPrice {
  TariffId tariff;
  CategoryId category;
  ChannelId channel;
  uint32_t price_cents;
  auto fields() const { return std::tie(tariff, category, channel, price_cents); }
};
// Overrides a product's expiry policy for orders of one channel.
struct SetChannelExpiryPolicy {
  ProductId product;
  ChannelId channel;
  ExpiryPolicy expiry_policy;
  int64_t overdue_grace_ms;
  auto fields() const { return std::tie(product, channel, expiry_policy, overdue_grace_ms); }
};

// ---- Performance set-up (applied on the performance's shard) --------------

struct DefinePerformance {
  PerformanceId performance;
  ProductId product;
  int64_t starts_at_ms;
  uint32_t capacity;       // overall cap across categories; 0 = no cap beyond categories
  uint32_t contact_limit;  // units per contact; 0 = no limit
  auto fields() const { return std::tie(performance, product, starts_at_ms, capacity, contact_limit); }
};
// Creates or resizes the general-admission capacity of a category.
struct SetGeneralAdmission {
  PerformanceId performance;
  CategoryId category;
  uint32_t capacity;
  auto fields() const { return std::tie(performance, category, capacity); }
};
// An allotment of `allotment` units of a category reserved for the listed
// channels (empty = any channel, e.g. a partner's allotment sold by hand).
struct DefineContingent {
  ContingentId contingent;
  PerformanceId performance;
  CategoryId category;
  uint32_t allotment;
  std::vector<ChannelId> channels;
  auto fields() const { return std::tie(contingent, performance, category, allotment, channels); }
};
// Caps the units a channel may hold or sell for a performance.
struct SetChannelCap {
  PerformanceId performance;
  ChannelId channel;
  uint32_t cap;
  auto fields() const { return std::tie(performance, channel, cap); }
};

// ---- Orders ---------------------------------------------------------------

struct LineRequest {
  PerformanceId performance;
  CategoryId category;
  TariffId tariff;
  uint32_t quantity;
  ContingentId contingent = kNone;  // kNone = open sale
  auto fields() const { return std::tie(performance, category, tariff, quantity, contingent); }
};

// A web cart: all lines or nothing, expiring after ttl_ms.
struct Hold {
  ContactId contact;
  ChannelId channel;
  std::vector<LineRequest> lines;
  int64_t ttl_ms;
  auto fields() const { return std::tie(contact, channel, lines, ttl_ms); }
};
// An option or reservation placed directly (back office), all or nothing.
struct Book {
  BookingKind kind;
  ContactId contact;
  ChannelId channel;
  std::vector<LineRequest> lines;
  int64_t deadline_ms;
  auto fields() const { return std::tie(kind, contact, channel, lines, deadline_ms); }
};
struct ExtendHold {
  OrderId order;
  int64_t ttl_ms;
  auto fields() const { return std::tie(order, ttl_ms); }
};
struct ConvertHold {
  OrderId order;
  BookingKind kind;
  int64_t deadline_ms;
  auto fields() const { return std::tie(order, kind, deadline_ms); }
};
// Confirms an order. `keep` lists the quantity to keep per line (same length
// as the order's lines); empty = keep everything. What is not kept returns.
struct Confirm {
  OrderId order;
  std::vector<uint32_t> keep;
  auto fields() const { return std::tie(order, keep); }
};
// Releases a hold, option, reservation or overdue order by hand.
struct Release {
  OrderId order;
  auto fields() const { return std::tie(order); }
};
// Cancels a confirmed order; stock returns.
struct Cancel {
  OrderId order;
  auto fields() const { return std::tie(order); }
};
// Archives an option/reservation (plain or overdue) by hand; stock returns.
struct Archive {
  OrderId order;
  auto fields() const { return std::tie(order); }
};
// Puts an overdue order back to a plain option/reservation with a new deadline.
struct Reinstate {
  OrderId order;
  int64_t deadline_ms;
  auto fields() const { return std::tie(order, deadline_ms); }
};
struct SetReleaseMark {
  OrderId order;
  ReleaseMark mark;
  auto fields() const { return std::tie(order, mark); }
};
// A locked order is never released automatically or by a mass action.
struct SetLock {
  OrderId order;
  bool locked;
  auto fields() const { return std::tie(order, locked); }
};
// Processes expiries due at the command's time, at most `budget` of them.
struct Advance {
  uint32_t budget;
  auto fields() const { return std::tie(budget); }
};

// ---- Seated inventory -------------------------------------------------------
//
// A venue layout (seat plan) is catalog-level: defined once on every shard,
// shared by the performances assigned to it. Seats are named by their index
// in the layout (sections, then rows, then seats, in definition order); a
// row is a run of physically adjacent seats between two aisles or walls.
// Each performance keeps its own seat states. A seated category behaves like
// GA stock whose units are named seats: it has the same quotas (open sale or
// contingent, performance capacity, channel cap, per-contact limit).

enum SeatFlag : uint8_t {
  kSeatWheelchair = 1,        // a wheelchair space
  kSeatCompanion = 2,         // the seat of a wheelchair user's companion
  kSeatRestrictedView = 4,    // restricted or partial view: best available offers it only when allowed
  kSeatBlockedByDefault = 8,  // starts blocked on each performance (held back by the organiser)
};
inline constexpr uint8_t kSeatFlagsAll = 15;

struct LayoutSeat {
  uint8_t category_slot;  // index into DefineVenueLayout::categories
  uint8_t flags;          // SeatFlag bits
  uint16_t rank;          // quality: lower is better (closer rows and centre first)
  auto fields() const { return std::tie(category_slot, flags, rank); }
};
struct LayoutRow {
  uint32_t row_number;         // label printed on the ticket
  uint32_t first_seat_number;  // seats are numbered first, first + 1, ...
  std::vector<LayoutSeat> seats;
  auto fields() const { return std::tie(row_number, first_seat_number, seats); }
};
struct LayoutSection {
  std::string name;
  std::vector<LayoutRow> rows;
  auto fields() const { return std::tie(name, rows); }
};
// Catalog-level (every shard). Reply value = number of seats.
struct DefineVenueLayout {
  LayoutId layout;
  std::string name;
  std::vector<CategoryId> categories;  // seat categories, referred to by slot
  std::vector<LayoutSection> sections;
  auto fields() const { return std::tie(layout, name, categories, sections); }
};
// Gives a performance the seats of a layout: one seated area per category
// of the layout (none may already exist as GA on the performance).
struct AssignLayout {
  PerformanceId performance;
  LayoutId layout;
  auto fields() const { return std::tie(performance, layout); }
};

enum SeatOption : uint8_t {
  kSeatOptionAccessible = 1,  // wheelchair space(s) with companion seat(s), together
  kSeatOptionAllowSplit = 2,  // best available: split across rows when no block fits
  // Best available may offer restricted-view seats (the buyer accepted them).
  // Without it they are never chosen for the buyer, as at a box office; a
  // seat chosen on the map may be restricted-view (the map shows it).
  kSeatOptionAllowRestrictedView = 4,
};
inline constexpr uint8_t kSeatOptionsAll = 7;
// Seats for one order: either the `seats` chosen on a map (all or nothing;
// category may be kNone = any) or, when `seats` is empty, the best
// `quantity` adjacent seats of `category`. contingent kNone = open sale.
struct SeatRequest {
  PerformanceId performance;
  CategoryId category;
  TariffId tariff;
  ContingentId contingent;
  uint32_t quantity;
  std::vector<uint32_t> seats;
  uint8_t options = 0;  // SeatOption bits
  auto fields() const { return std::tie(performance, category, tariff, contingent, quantity, seats, options); }
};
// A web cart of seats, expiring after ttl_ms. Reply: the order; value = its
// first seat (a best-available block is value .. value + quantity - 1); a
// split lists its seat runs in the message ("first+count,...").
struct HoldSeats {
  ContactId contact;
  ChannelId channel;
  SeatRequest request;
  int64_t ttl_ms;
  auto fields() const { return std::tie(contact, channel, request, ttl_ms); }
};
// An option or reservation of seats placed directly (back office).
struct BookSeats {
  BookingKind kind;
  ContactId contact;
  ChannelId channel;
  SeatRequest request;
  int64_t deadline_ms;
  auto fields() const { return std::tie(kind, contact, channel, request, deadline_ms); }
};
// Takes seats off sale (or puts them back). All or nothing: refused, naming
// them, if any seat is taken. Already blocked (unblocked) seats are left as
// they are. Reply value = seats changed.
struct BlockSeats {
  PerformanceId performance;
  std::vector<uint32_t> seats;
  auto fields() const { return std::tie(performance, seats); }
};
struct UnblockSeats {
  PerformanceId performance;
  std::vector<uint32_t> seats;
  auto fields() const { return std::tie(performance, seats); }
};
// Moves free (or blocked) seats into a seated contingent, or back to open
// sale (contingent kNone). Refused, naming them, if any seat is taken, and
// if the move would exceed a planned quota of the contingent tree.
struct MoveSeatsToContingent {
  PerformanceId performance;
  ContingentId contingent;
  std::vector<uint32_t> seats;
  auto fields() const { return std::tie(performance, contingent, seats); }
};
// A sub-group of a contingent (same performance and category). GA: takes
// `allotment` units from the parent's unsold stock. Seated: `allotment` is
// the planned quota (a hard limit on seats it may hold); seats are moved in
// with MoveSeatsToContingent.
struct DefineSubContingent {
  ContingentId contingent;
  PerformanceId performance;
  ContingentId parent;
  uint32_t allotment;
  std::vector<ChannelId> channels;  // empty = any channel
  auto fields() const { return std::tie(contingent, performance, parent, allotment, channels); }
};
// At release_back_ms the contingent's unsold stock returns to its parent
// (or to the open sale) automatically, and stock its orders return later
// follows. 0 = no release-back date.
struct SetContingentReleaseBack {
  PerformanceId performance;
  ContingentId contingent;
  int64_t release_back_ms;
  auto fields() const { return std::tie(performance, contingent, release_back_ms); }
};


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
  auto fields() const {
    return std::tie(kind, due_until_ms, season, family, product, performance, contingent, tariffs, contact,
                    contact_types, categories, channel);
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
struct PreviewRelease {
  FollowUpFilter filter;
  auto fields() const { return std::tie(filter); }
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

enum class Delivery : uint8_t { kFile = 0, kEmail };

// Records a reminder (time, rank + 1) on each selected option/reservation
// and returns what the reminder documents need; the server exports them
// with `format` through `delivery`.
struct RemindOrders {
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
  kPayerNumber,     // third party who pays (subscriptions)
  kPayerName,
  kSeries,          // title of the publication / series
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
};
inline constexpr uint8_t kReminderFieldCount = 18;
enum class FormatType : uint8_t { kReminder = 0 };

// A reminder file format (configuration, every shard).
struct DefineReminderFormat {
  uint32_t format;
  std::string name;
  FormatType type;
  std::string separator;   // 1 to 4 characters, e.g. ";" or "\t"
  std::string extension;   // e.g. "csv"
  bool title_in_file_name;  // file name = name + "_" + series title
  std::vector<ReminderField> columns;  // the chosen fields, in file order
  auto fields() const { return std::tie(format, name, type, separator, extension, title_in_file_name, columns); }
};

// ---- Subscriptions (seed 002) ------------------------------------------------

using SeriesId = uint32_t;
using IssueId = uint32_t;
using SubscriptionId = uint32_t;
using RunId = uint32_t;

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

// ---- Queries (read-only; never logged) ------------------------------------

// Units one more line could hold now: minimum over every quota that applies.
struct GetAvailability {
  PerformanceId performance;
  CategoryId category;
  ContingentId contingent;
  ChannelId channel;
  ContactId contact;
  auto fields() const { return std::tie(performance, category, contingent, channel, contact); }
};
struct GetOrder {
  OrderId order;
  auto fields() const { return std::tie(order); }
};

// ---- One order mixing seats and general admission ----------------------------

// A web cart holding the seats of one SeatRequest (named or best available)
// and general-admission lines (standing area, parking...) of performances on
// the same shard: all or nothing, one order, one expiry, each unit under its
// usual quotas; release and expiry return seats and units together. Reply:
// as HoldSeats (value = first seat; a split lists its seat runs).
struct HoldSeatsWithLines {
  ContactId contact;
  ChannelId channel;
  SeatRequest request;
  std::vector<LineRequest> lines;  // GA lines only; 1 .. kOrderLinesMax in all with the seat runs
  int64_t ttl_ms;
  auto fields() const { return std::tie(contact, channel, request, lines, ttl_ms); }
};
// The same placed directly as an option or reservation (back office).
struct BookSeatsWithLines {
  BookingKind kind;
  ContactId contact;
  ChannelId channel;
  SeatRequest request;
  std::vector<LineRequest> lines;
  int64_t deadline_ms;
  auto fields() const { return std::tie(kind, contact, channel, request, lines, deadline_ms); }
};

// The variant of every command, in tag order (engine/command_list.h):
// alternative i is the command of tag i + 1.
template <typename... T>
struct CommandTypes {};
namespace detail {
template <typename List>
struct VariantOf;
template <typename... T>
struct VariantOf<CommandTypes<void, T...>> {
  using type = std::variant<T...>;
};
}  // namespace detail
#define TESSERA_COMMAND_TYPE(tag, Name, ...) , Name
using CommandBody = detail::VariantOf<CommandTypes<void TESSERA_COMMANDS(TESSERA_COMMAND_TYPE)>>::type;
#undef TESSERA_COMMAND_TYPE

// A command with its client request key: a key already applied returns the
// first reply and changes nothing (idempotent retries).
struct Command {
  RequestKey key = 0;
  CommandBody body;
  auto fields() const { return std::tie(key, body); }
};

std::string_view command_name(const CommandBody& body);
// True iff the command is read-only (never logged).
bool is_query(const CommandBody& body);
// The command's stable tag (engine/command_list.h).
uint16_t command_tag(const CommandBody& body);

// Where a command is applied.
struct Route {
  enum Kind : uint8_t {
    kOneShard,
    kEveryShard,  // fan-out: each shard applies its part, replies merged
    kCatalog,     // every shard, validated on all before any applies
    kByOrder,     // split by the shard in each of the command's `orders`
  } kind;
  uint32_t shard;  // kOneShard only
};
// REQUIRES shard_count in [1, kShardsMax]. Order-creating commands route by
// their first line's performance (an order lives on one shard).
Route command_route(const CommandBody& body, uint32_t shard_count);

}  // namespace tessera::engine

namespace tessera::engine {

// Builds a message from strings and numbers: cat("order ", id, " is locked").
template <typename... Args>
std::string cat(const Args&... args) {
  std::string out;
  auto append = [&out](const auto& a) {
    using A = std::decay_t<decltype(a)>;
    if constexpr (std::is_arithmetic_v<A>) {
      out += std::to_string(a);
    } else if constexpr (std::is_enum_v<A>) {
      out += std::to_string(static_cast<int64_t>(a));
    } else {
      out += a;
    }
  };
  (append(args), ...);
  return out;
}

inline Reply refuse(ReplyCode code, std::string message) {
  Reply r;
  r.code = code;
  r.message = std::move(message);
  return r;
}

}  // namespace tessera::engine
