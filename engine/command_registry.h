// Command registry: the properties of every command, derived from its one
// row in engine/command_list.h.
//
// `command_info(body)` is a table lookup by the variant index (O(1), no
// branch per command); `CommandSpec<T>` gives the same row at compile time,
// and is only defined for registered commands, so code that names a command
// without a row does not compile. The checks at the bottom prove the table
// and the variant agree (tag == index + 1, one row per alternative) and that
// each row's properties fit together (a one-shard route merges nothing, a
// catalog command is a write merged by agreement, a selection merges
// outcomes).
// Thread-safety: constants and pure functions.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <variant>

#include "engine/command.h"

namespace tessera::engine {

enum class RouteKind : uint8_t {
  kCatalog,
  kFanOut,
  kPerformance,
  kSeatRequest,
  kFirstLine,
  kOrder,
  kSelection,
  kSubscription,
  kDirectory,  // shard 0: principals
  kContacts,   // the contact directory partition (directory/contact_directory.h)
  kShard,      // the shard its `shard` names (the server's own steps)
};

enum class Access : uint8_t { kQuery, kWrite };

enum class MergeKind : uint8_t {
  kSingle,            // one shard: its reply as is
  kAllAgree,          // catalog: every shard answered the same (prepared first)
  kFirstRefusal,      // fan-out: the first refusal, else the first reply
  kCountSum,          // fan-out: the first refusal, else the first reply with the values summed
  kFollowUpPage,      // rows merged by key and cut to the limit, totals summed
  kReleaseSummary,    // counts summed, stock lines merged
  kOutcomes,          // per-order outcomes in the client's order
  kReminderOutcomes,  // reminder items merged, outcomes in the client's order
  kRunBatch,          // a run's items merged (every item: the server exports them)
  kRunBatchTrimmed,   // a run's items merged, at most kReminderItemsInReplyMax
  kOrderPage,         // orders merged by id and cut to the limit, totals summed
  kCatalogExport,     // shard 0's catalog, then every shard's performances by id; hashed
  kClientMarks,       // every shard's client marks together, by (shard, seq)
  kContactActivity,   // indicators summed, history rows merged newest first and cut to the page
  kRunList,           // runs merged by id (selections summed), newest first, cut to the page
  kPromoReturns,      // every shard's promo returns together, by (shard, seq)
  kTravelBookMails,   // every shard's travel-book mails together, by (shard, seq)
  kCashbackReturns,   // every shard's cashback returns together, by (shard, seq)
  kPreRegPage,        // pre-registration parts merged by id (one row per request), cut to the limit
  kPreRegResults,     // per request, the home shard's result (another shard's where it has none)
  kLeadPage,          // lead parts merged by id, cut to the limit
};

// What a command answers (the wire reply table of the same name; protocol v1
// clients read the legacy `value` noted here instead).
enum class ReplyKind : uint8_t {
  kAck,                // nothing beyond the code and message (value 0)
  kOrder,              // order id, state, due_ms (value = due_ms)
  kSeatOrder,          // order id, state, due_ms, seat runs (value = first seat)
  kAvailability,       // units one more line could take now (value = units)
  kCount,              // seats defined / changed, expiries fired (value = count)
  kReleaseBack,        // the contingent's release-back time (value = time)
  kRunState,           // the reminder run's state (value = RunState)
  kFollowUpPage,       // detail: FollowUpPage (value = total)
  kBulkOutcomes,       // detail: BulkOutcomes (value = orders done)
  kReleaseSummary,     // detail: ReleaseSummary (value = orders released)
  kReminderBatch,      // detail: ReminderBatch (value = items)
  kPrincipal,          // the new principal's id and its token, shown once (value = id)
  kPrincipals,         // detail: PrincipalList (value = principals)
  kOrderRecord,        // detail: OrderRecord (value = the order's deadline, as GetOrder)
  kOrderPage,          // detail: OrderPage (value = total)
  kStockSummary,       // detail: StockSummary (value = free units)
  kCatalogExport,      // detail: CatalogExport (value = commands)
  kContact,            // detail: ContactCard (value = the contact's number)
  kContactSearch,      // detail: ContactSearchPage (value = total)
  kContactCards,       // detail: ContactCards (value = cards)
  kContactImport,      // detail: ContactImportReport (value = rows refused)
  kContactLists,       // detail: ContactLists (value = entries)
  kContactFind,        // detail: ContactFindPage (value = total)
  kClientMarks,        // detail: ClientMarks (value = marks)
  kContactActivity,    // detail: ContactActivity (value = the history's total)
  kReminderFormats,    // detail: ReminderFormats (value = formats)
  kReminderRuns,       // detail: ReminderRuns (value = total)
  kRunFile,            // detail: RunFile (value = bytes in this chunk)
  kDocumentTemplates,  // detail: DocumentTemplates (value = templates)
  kPayers,             // detail: Payers (value = payers)
  kInvoices,           // detail: Invoices (value = the first document's number, or the total listed)
  kPromo,              // detail: Promo (value = the reduction in cents)
  kPromoCodes,         // detail: PromoCodes (value = codes listed)
  kPromoReturns,       // detail: PromoReturns (value = returns)
  kPaymentBatch,       // detail: PaymentBatch (value = its number)
  kFrozenPayments,     // detail: FrozenPayments (value = payments frozen)
  kPaymentBatches,     // detail: PaymentBatches (value = batches of the kind)
  kCashbackAccount,    // detail: CashbackAccount (value = the balance in cents)
  kCashbackUse,        // detail: CashbackUse (value = the order's reduction in cents)
  kCashbackReturns,    // detail: CashbackReturns (value = returns)
  kSponsorUse,         // detail: SponsorUse (value = the order's reduction in cents)
  kPreRegistrations,   // detail: PreRegPage (value = the total, or the new pre-registration's id)
  kPreRegResults,      // detail: PreRegResults (value = requests answered)
  kPreRegMatches,      // detail: PreRegMatches (value = requests matched)
  kLeads,              // detail: LeadPage (value = total)
  kPerformanceCard,    // detail: PerformanceCard (value = the start time)
  kDocumentFile,       // detail: DocumentFile (value = the document's size)
  kAddOnStock,         // detail: AddOnStock (value = add-ons offered)
  kDepartureChange,    // detail: DepartureChange (value = add-ons dropped)
  kTravelBookMails,    // detail: TravelBookMails (value = mails)
};

// Side effect the server runs after the command is durable (net/session.cc).
enum class Effect : uint8_t {
  kNoEffect,
  kExportReminders,
  kPrincipals,
  kReadRunFile,
  kNumberInvoice,
  kRenderInvoice,
  kClaimPromo,
  kSettleBatch,
  kClaimCashback,
  kClaimSponsor,
  kPlacePreRegistration,
  kMatchPreRegistrations,
  kIntegratePreRegistrations,
  kStoreDocument,
  kReadDocument,
  kOrderPdf,
};

struct CommandInfo {
  uint16_t tag;
  std::string_view name;
  RouteKind route;
  Role least_role;
  Access access;
  MergeKind merge;
  ReplyKind reply;
  Effect effect;
};

// clang-format off
#define TESSERA_COMMAND_INFO(tag, Name, route, role, access, merge, reply, effect)                       \
  CommandInfo{tag, #Name, RouteKind::route, Role::role, Access::access, MergeKind::merge, ReplyKind::reply, \
              Effect::effect},
inline constexpr CommandInfo kCommandInfo[] = {TESSERA_COMMANDS(TESSERA_COMMAND_INFO)};
#undef TESSERA_COMMAND_INFO
// clang-format on

inline constexpr size_t kCommandCount = std::size(kCommandInfo);

inline const CommandInfo& command_info(const CommandBody& body) { return kCommandInfo[body.index()]; }

// The registry row of command type T; undefined for a type without a row.
template <typename T>
struct CommandSpec;

namespace detail {
template <typename T, typename Variant>
struct AlternativeIndex;
template <typename T, typename... Ts>
struct AlternativeIndex<T, std::variant<Ts...>> {
  static constexpr size_t value = [] {
    size_t i = 0;
    ((std::is_same_v<T, Ts> ? false : (++i, true)) && ...);
    return i;
  }();
};
}  // namespace detail

#define TESSERA_COMMAND_SPEC(tag_value, Name, ...)                                                   \
  template <>                                                                                        \
  struct CommandSpec<Name> {                                                                         \
    static constexpr size_t index = detail::AlternativeIndex<Name, CommandBody>::value;              \
    static constexpr const CommandInfo& info = kCommandInfo[index];                                  \
    static_assert(info.tag == tag_value && info.tag == index + 1, "command_list.h is in tag order"); \
  };
TESSERA_COMMANDS(TESSERA_COMMAND_SPEC)
#undef TESSERA_COMMAND_SPEC

// The command type of tag `tag` (1-based), for code that dispatches on tags.
template <uint16_t tag>
using CommandOfTag = std::variant_alternative_t<tag - 1, CommandBody>;

// Every row fits together.
constexpr bool registry_is_consistent() {
  if (kCommandCount != std::variant_size_v<CommandBody>) return false;
  for (size_t i = 0; i < kCommandCount; ++i) {
    const CommandInfo& c = kCommandInfo[i];
    if (c.tag != i + 1) return false;
    const bool one_shard =
        c.route != RouteKind::kCatalog && c.route != RouteKind::kFanOut && c.route != RouteKind::kSelection;
    if (one_shard != (c.merge == MergeKind::kSingle)) return false;
    if ((c.route == RouteKind::kCatalog) != (c.merge == MergeKind::kAllAgree)) return false;
    if (c.route == RouteKind::kCatalog && c.access != Access::kWrite) return false;
    if (c.route == RouteKind::kSelection && c.merge != MergeKind::kOutcomes && c.merge != MergeKind::kReminderOutcomes)
      return false;
    if (c.effect == Effect::kExportReminders && c.reply != ReplyKind::kReminderBatch) return false;
    if (c.effect == Effect::kPrincipals && c.route != RouteKind::kDirectory) return false;
    if ((c.effect == Effect::kNumberInvoice || c.effect == Effect::kRenderInvoice) && c.reply != ReplyKind::kInvoices)
      return false;
    if (c.effect == Effect::kClaimPromo && (c.reply != ReplyKind::kPromo || c.route != RouteKind::kOrder)) return false;
    if (c.effect == Effect::kOrderPdf && c.route != RouteKind::kOrder) return false;  // the PDF names the order
    if (c.effect == Effect::kClaimCashback && (c.reply != ReplyKind::kCashbackUse || c.route != RouteKind::kOrder))
      return false;
    if (c.effect == Effect::kClaimSponsor && (c.reply != ReplyKind::kSponsorUse || c.route != RouteKind::kOrder))
      return false;
    if ((c.effect == Effect::kPlacePreRegistration || c.effect == Effect::kMatchPreRegistrations) &&
        c.reply != ReplyKind::kPreRegistrations)
      return false;
    if (c.effect == Effect::kIntegratePreRegistrations &&
        (c.reply != ReplyKind::kPreRegResults || c.merge != MergeKind::kPreRegPage))
      return false;
    if (c.effect == Effect::kSettleBatch && (c.reply != ReplyKind::kPaymentBatch || c.route != RouteKind::kDirectory))
      return false;
  }
  return true;
}
static_assert(registry_is_consistent(), "engine/command_list.h: a row's properties do not fit together");

// ---- Routing -------------------------------------------------------------------

inline Route one_shard(uint32_t shard) { return Route{Route::kOneShard, shard}; }

inline Route route_lines(const std::vector<LineRequest>& lines, uint32_t shard_count) {
  // An order with no lines is refused by whichever shard sees it.
  return one_shard(lines.empty() ? 0 : shard_of_performance(lines.front().performance, shard_count));
}

template <typename>
inline constexpr bool kUnhandledRoute = false;

// The route of one command, from its registry row. A row whose route needs
// a field the struct lacks fails to compile here.
template <typename T>
Route route_of(const T& c, uint32_t shard_count) {
  constexpr RouteKind kind = CommandSpec<T>::info.route;
  if constexpr (kind == RouteKind::kCatalog) {
    return Route{Route::kCatalog, 0};
  } else if constexpr (kind == RouteKind::kFanOut) {
    return Route{Route::kEveryShard, 0};
  } else if constexpr (kind == RouteKind::kPerformance) {
    return one_shard(shard_of_performance(c.performance, shard_count));
  } else if constexpr (kind == RouteKind::kSeatRequest) {
    return one_shard(shard_of_performance(c.request.performance, shard_count));
  } else if constexpr (kind == RouteKind::kFirstLine) {
    return route_lines(c.lines, shard_count);
  } else if constexpr (kind == RouteKind::kOrder) {
    return one_shard(order_shard(c.order) % shard_count);
  } else if constexpr (kind == RouteKind::kSelection) {
    static_assert(std::is_same_v<decltype(T::orders), std::vector<OrderId>>);
    return Route{Route::kByOrder, 0};
  } else if constexpr (kind == RouteKind::kSubscription) {
    return one_shard(shard_of_subscription(c.subscription, shard_count));
  } else if constexpr (kind == RouteKind::kDirectory) {
    return one_shard(0);
  } else if constexpr (kind == RouteKind::kContacts) {
    return Route{Route::kContacts, 0};
  } else if constexpr (kind == RouteKind::kShard) {
    return one_shard(c.shard % shard_count);
  } else {
    static_assert(kUnhandledRoute<T>, "a RouteKind without its routing");
  }
}

}  // namespace tessera::engine
