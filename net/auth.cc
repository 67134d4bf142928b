// Roles and tokens.
#include "net/auth.h"

#include "engine/command_registry.h"
#include "net/limits.h"

namespace tessera::net {

using namespace tessera::engine;

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kWebshop:
      return "webshop";
    case Role::kBackoffice:
      return "backoffice";
    case Role::kAdmin:
      return "admin";
    case Role::kInternal:
      return "internal";
  }
  return "unknown";
}

std::optional<Role> role_from_name(std::string_view name) {
  if (name == "webshop") return Role::kWebshop;
  if (name == "backoffice") return Role::kBackoffice;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

bool role_allows(Role role, const CommandBody& body) {
  const Role least = command_info(body).least_role;
  return least != Role::kInternal && static_cast<uint8_t>(role) >= static_cast<uint8_t>(least);
}

Status TokenTable::add(std::string token, Role role) {
  if (token.empty() || token.size() > kTokenBytesMax)
    return Status::invalid_argument(cat("a token has 1 to ", kTokenBytesMax, " bytes"));
  if (grants_.size() >= kTokensMax) return Status::resource_exhausted(cat("at most ", kTokensMax, " tokens"));
  if (find(token).has_value()) return Status::invalid_argument("token configured twice");
  grants_.push_back(Grant{std::move(token), role});
  return Status::ok();
}

Status TokenTable::add_spec(std::string_view spec) {
  const size_t colon = spec.rfind(':');
  if (colon == std::string_view::npos)
    return Status::invalid_argument("token must be written token:role (role = webshop, backoffice or admin)");
  const auto role = role_from_name(spec.substr(colon + 1));
  if (!role)
    return Status::invalid_argument(
        cat("unknown role '", std::string(spec.substr(colon + 1)), "' (webshop, backoffice or admin)"));
  return add(std::string(spec.substr(0, colon)), *role);
}

std::optional<Role> TokenTable::find(std::string_view token) const {
  std::optional<Role> found;
  for (const Grant& g : grants_) {
    // Constant-time over the candidate token's bytes (no early exit).
    uint8_t diff = g.token.size() == token.size() ? 0 : 1;
    for (size_t i = 0; i < g.token.size(); ++i)
      diff |= static_cast<uint8_t>(g.token[i] ^ (i < token.size() ? token[i] : 0));
    if (diff == 0) found = g.role;
  }
  return found;
}

}  // namespace tessera::net
