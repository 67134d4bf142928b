// PrincipalDirectory: tokens, their hashes, and lookups (see the header).
// SHA-256 and the random bytes come from OpenSSL's libcrypto, which the
// server links for TLS anyway.
#include "net/principal_directory.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <mutex>

#include "base/check.h"
#include "base/hex.h"

namespace tessera::net {

bool Principal::sells_on(engine::ChannelId channel) const {
  return role != engine::Role::kWebshop || channels.empty() ||
         std::find(channels.begin(), channels.end(), channel) != channels.end();
}

std::string PrincipalDirectory::new_token() {
  unsigned char bytes[32];
  TESSERA_CHECK_MSG(RAND_bytes(bytes, sizeof bytes) == 1, "the system's random source failed");
  return "tsk_" + to_hex(bytes);
}

std::string PrincipalDirectory::hash_token(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  TESSERA_CHECK(EVP_Digest(token.data(), token.size(), digest, &n, EVP_sha256(), nullptr) == 1 && n == 32);
  return to_hex(std::span<const uint8_t>(digest, n));
}

void PrincipalDirectory::put(const engine::PrincipalRecord& record) {
  auto p = std::make_shared<Principal>();
  p->id = record.principal;
  p->name = record.name;
  p->role = record.role;
  p->channels = record.channels;
  p->revoked.store(record.revoked);
  std::unique_lock lock(mutex_);
  if (auto old = by_id_.find(record.principal); old != by_id_.end()) old->second->revoked.store(true);
  by_id_[record.principal] = p;
  by_hash_[record.token_hash] = std::move(p);
}

void PrincipalDirectory::revoke(engine::PrincipalId id) {
  std::shared_lock lock(mutex_);
  if (auto it = by_id_.find(id); it != by_id_.end()) it->second->revoked.store(true);
}

std::shared_ptr<const Principal> PrincipalDirectory::authenticate(std::string_view token) const {
  const std::string hash = hash_token(token);
  std::shared_lock lock(mutex_);
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end() || it->second->revoked.load()) return nullptr;
  return it->second;
}

bool PrincipalDirectory::has_token_hash(const std::string& token_hash) const {
  std::shared_lock lock(mutex_);
  return by_hash_.count(token_hash) != 0;
}

size_t PrincipalDirectory::size() const {
  std::shared_lock lock(mutex_);
  return by_id_.size();
}

std::string PrincipalDirectory::name_of(engine::PrincipalId id) const {
  std::shared_lock lock(mutex_);
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? std::string() : it->second->name;
}

}  // namespace tessera::net
