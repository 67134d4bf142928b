// PrincipalDirectory: the server's read copy of the principals that shard 0
// keeps (engine/principals.h), for authenticating connections.
//
// A token is 32 random bytes shown as 64 hex digits behind a "tsk_" prefix;
// the directory (like the log) knows only its SHA-256. Authentication looks
// the hash up; a revoked principal's entry stays (sessions holding it see
// `revoked` on their next request) but no longer authenticates.
//
// The directory is filled at start-up from the shard (ListPrincipals) and
// updated once a DefinePrincipal or RevokePrincipal is durable, so a
// principal added on one connection authenticates on the next.
// Thread-safety: every member function may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/reply_detail.h"

namespace tessera::net {

struct Principal {
  engine::PrincipalId id = 0;
  std::string name;
  engine::Role role = engine::Role::kWebshop;
  std::vector<engine::ChannelId> channels;  // web shop: empty = every channel
  std::atomic<bool> revoked{false};

  // A web shop may sell on `channel`; operators on any.
  bool sells_on(engine::ChannelId channel) const;
};

class PrincipalDirectory {
 public:
  // A new random token ("tsk_" + 64 hex digits) and the hash to store.
  static std::string new_token();
  // SHA-256 of the token, 64 lowercase hex digits.
  static std::string hash_token(std::string_view token);

  // Adds or replaces a principal (revoked ones are kept but never match).
  void put(const engine::PrincipalRecord& record);
  void revoke(engine::PrincipalId id);
  // The live principal whose token this is, else nullptr.
  std::shared_ptr<const Principal> authenticate(std::string_view token) const;
  bool has_token_hash(const std::string& token_hash) const;
  size_t size() const;
  // The principal's name (revoked ones too), "" when unknown.
  std::string name_of(engine::PrincipalId id) const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Principal>> by_hash_;
  std::unordered_map<engine::PrincipalId, std::shared_ptr<Principal>> by_id_;
};

}  // namespace tessera::net
