// Authentication and roles: which commands a connection may send.
//
// A client proves who it is with the token of a principal in its Hello
// (net/principal_directory.h); the principal has one role. TokenTable holds
// the development tokens of the configuration, which become principals at
// start-up. The least role of each command
// is its row in engine/command_list.h; in short:
//   webshop     queries and the cart/order flow (Hold, ExtendHold, Release,
//               ConvertHold, Book, Confirm, GetAvailability, GetOrder, and
//               their seated forms HoldSeats, BookSeats, HoldSeatsWithLines,
//               BookSeatsWithLines), on its own sales channels
//   backoffice  webshop + cancellation (seed 003: always an operator's act),
//               order follow-up (SetReleaseMark, SetLock, Archive,
//               Reinstate), contacts (DefineContact, UpdateContact), the
//               follow-up screen (SetOrderFile, QueryFollowUp, PreviewRelease,
//               ReleaseAll, MarkOrders, LockOrders, ReleaseOrders, RemindOrders),
//               subscriptions (Subscribe, RenewSubscription) and reminder runs
//               (StartReminderRun, ValidateReminderRun, CancelReminderRun,
//               GetReminderRun). The reminder formats, series and issues
//               (DefineReminderFormat, DefineSeries, DefineIssue) are
//               backoffice too: they are the back office's own configuration
//               screens, touch no stock and no order, unlike the catalog.
//   admin       everything: catalog and performance set-up, principals
//               (DefinePrincipal, RevokePrincipal, ListPrincipals), admin
//               frames, and RecordRunExport (the server records exports itself; a client
//               must not forge a run's export progress)
// Advance is refused for every role: shard runners tick by themselves.
// Thread-safety: TokenTable is immutable once the server starts; the
// functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "engine/command.h"
#include "engine/command_registry.h"

namespace tessera::net {

using engine::Role;  // kWebshop, kBackoffice, kAdmin = wire::Role; kInternal is no connection's

std::string_view role_name(Role role);
std::optional<Role> role_from_name(std::string_view name);

// True iff a connection of `role` may send `body`.
bool role_allows(Role role, const engine::CommandBody& body);

class TokenTable {
 public:
  // Adds `token` with `role`. Fails on an empty or over-long token, a token
  // already present, or more than kTokensMax tokens.
  Status add(std::string token, Role role);
  // Parses "token:role" (role: webshop | backoffice | admin) and adds it.
  Status add_spec(std::string_view spec);
  // The role of `token`, if known. Comparison takes time independent of
  // where the first difference is.
  std::optional<Role> find(std::string_view token) const;
  bool empty() const { return grants_.empty(); }
  size_t size() const { return grants_.size(); }

  struct Grant {
    std::string token;
    Role role;
  };
  const std::vector<Grant>& grants() const { return grants_; }

 private:
  std::vector<Grant> grants_;
};

}  // namespace tessera::net
