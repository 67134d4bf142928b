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
//
// The structs live in one header per area (commands_catalog.h, _orders,
// _seats, _back_office, _subscriptions); every command has a row in the
// registry (engine/command_list.h) that CommandBody is built from.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

#include "engine/command_list.h"
#include "engine/commands_back_office.h"
#include "engine/commands_batches.h"
#include "engine/commands_cashback.h"
#include "engine/commands_catalog.h"
#include "engine/commands_contacts.h"
#include "engine/commands_dossier.h"
#include "engine/commands_invoices.h"
#include "engine/commands_money.h"
#include "engine/commands_orders.h"
#include "engine/commands_preregistrations.h"
#include "engine/commands_principals.h"
#include "engine/commands_promo.h"
#include "engine/commands_seats.h"
#include "engine/commands_sponsorship.h"
#include "engine/commands_subscriptions.h"
#include "engine/commands_travel_book.h"
#include "engine/hold_token.h"
#include "engine/ids.h"
#include "engine/reply.h"

namespace tessera::engine {

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

// Engine rule versions. A command carries the version of the rules it was
// accepted under, logged with it, so a log written before a rule changed
// replays to the outcomes it had (records without the field read as 0):
//   0  before 2026-12-02
//   1  no new order (hold or booking) on a performance that has started; a
//      booking's deadline is not after its performances start (one derived
//      from an option lifetime stops at the start; an explicit one after it
//      is refused), unless the product allows it (DefineProduct::
//      deadline_after_start)
//   2  the definition of an existing contingent given again with another
//      name renames it (ContingentTree::rename)
//   3  a server's shard refuses an order or subscription naming a contact
//      it has never been handed (ContactBook::check_known)
//   4  RecordRunExport is recorded on a validated run too (a run exported
//      again after its validation); before, only on a selected or exported
//      one
//   5  RemindOrders selects only: the reminder (rank, time, workflow entry)
//      is recorded by RecordOrderReminders once the export delivered it;
//      before, RemindOrders recorded it before the export. RemindOrders
//      with format 0 uses the default document (before: not found)
//   6  DefineDeparture refuses a performance on another shard than its
//      product's other departures (Catalog::check_departure_shard), so
//      every departure change stays on one shard; before, departures of a
//      product could lie on several shards
inline constexpr uint8_t kRulesCurrent = 6;

// A command with its client request key: a key already applied returns the
// first reply and changes nothing (idempotent retries); and the principal
// that sent it (logged with it: "who did what, when").
struct Command {
  RequestKey key = 0;
  CommandBody body;
  PrincipalId principal = 0;
  // Set by the server for a web shop: order commands reach only the orders
  // this principal created; any other order answers NotFound.
  bool own_orders_only = false;
  // A web shop names an existing order with its hold token (checked by the
  // server before the command reaches a shard; not logged, not in fields()).
  HoldToken hold_token;
  // The rules it is applied under (kRulesCurrent above); 0 for a record
  // logged before the field existed.
  uint8_t rules = kRulesCurrent;
  static constexpr size_t kCodecV3Fields = 2;  // principal and scope came with codec v4 (docs/format.md, rule 4)
  auto fields() const { return std::tie(key, body, principal, own_orders_only, rules); }
  // The log codec: a record with only the first `present` fields.
  void fields_absent(size_t present) {
    if (present < 5) rules = 0;
  }
};

// Who sent a command, as the order commands need it, and under which rules.
struct Caller {
  PrincipalId principal = 0;
  bool own_orders_only = false;
  uint8_t rules = kRulesCurrent;
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
    kContacts,    // the contact directory partition
  } kind;
  uint32_t shard;  // kOneShard only
};
// REQUIRES shard_count in [1, kShardsMax]. Order-creating commands route by
// their first line's performance (an order lives on one shard).
Route command_route(const CommandBody& body, uint32_t shard_count);

}  // namespace tessera::engine
