// Principal commands (ARCHITECTURE.md, "Principals and roles"): who may
// connect, and as what. A principal is a named operator (back office,
// admin) or a web shop bound to the sales channels it sells on. It proves
// who it is with a token that the server generates, shows once, and keeps
// only as a SHA-256 hash: the log and snapshots never hold a token.
//
// Principals live on shard 0 (route kDirectory); the server keeps a read
// copy for authentication (net/principal_directory.h), loaded at start-up
// and updated as these commands are acknowledged.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/ids.h"

namespace tessera::engine {

// The least role that may send a command, and a principal's role; roles are
// ordered, each allowed what the ones below it are. kInternal: no
// connection, only the server itself.
enum class Role : uint8_t { kWebshop = 1, kBackoffice = 2, kAdmin = 3, kInternal = 255 };

// Adds a principal; the reply's value is its id (assigned in order from 1).
// channels: a web shop's sales channels (empty = every channel, for
// development seeds only: `tessera principal add` asks for at least one);
// operators have none. token_hash: 64 lowercase hex digits, the SHA-256 of
// the token — the server generates the token and fills this in.
struct DefinePrincipal {
  std::string name;
  Role role = Role::kWebshop;
  std::vector<ChannelId> channels;
  std::string token_hash;
  auto fields() const { return std::tie(name, role, channels, token_hash); }
};
// Revokes a principal: its token is refused on its next request.
struct RevokePrincipal {
  PrincipalId principal;
  auto fields() const { return std::tie(principal); }
};
// Lists every principal (revoked ones too), without token hashes unless the
// server asks for itself.
struct ListPrincipals {
  auto fields() const { return std::tie(); }
};

}  // namespace tessera::engine
