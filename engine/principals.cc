// PrincipalBook: adding, revoking and listing principals (see principals.h).
#include "engine/principals.h"

#include <algorithm>

#include "engine/limits.h"

namespace tessera::engine {

namespace {

bool is_sha256_hex(const std::string& s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

Reply PrincipalBook::on(const DefinePrincipal& c) {
  if (c.name.empty() || c.name.size() > kNameLengthMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a principal's name has 1 to ", kNameLengthMax, " bytes"));
  if (c.role != Role::kWebshop && c.role != Role::kBackoffice && c.role != Role::kAdmin)
    return refuse(ReplyCode::kInvalidArgument, "role must be webshop, backoffice or admin");
  if (c.role != Role::kWebshop && !c.channels.empty())
    return refuse(ReplyCode::kInvalidArgument, "only a web shop is bound to sales channels");
  if (c.channels.size() > kPrincipalChannelsMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a web shop sells on at most ", kPrincipalChannelsMax, " channels"));
  for (size_t i = 0; i < c.channels.size(); ++i) {
    if (!catalog_.has_channel(c.channels[i]))
      return refuse(ReplyCode::kNotFound, cat("channel ", c.channels[i], " not found"));
    if (std::find(c.channels.begin(), c.channels.begin() + i, c.channels[i]) != c.channels.begin() + i)
      return refuse(ReplyCode::kInvalidArgument, cat("channel ", c.channels[i], " is named twice"));
  }
  if (!is_sha256_hex(c.token_hash))
    return refuse(ReplyCode::kInvalidArgument, "token_hash must be 64 lowercase hex digits (a SHA-256)");
  for (const PrincipalRecord& p : principals_) {
    if (!p.revoked && p.name == c.name)
      return refuse(ReplyCode::kDuplicate, cat("principal '", c.name, "' exists (id ", p.principal, ")"));
    if (p.token_hash == c.token_hash) return refuse(ReplyCode::kDuplicate, "this token is already issued");
  }
  if (principals_.size() >= kPrincipalsMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", kPrincipalsMax, " principals"));
  PrincipalRecord p;
  p.principal = static_cast<PrincipalId>(principals_.size() + 1);
  p.name = c.name;
  p.role = c.role;
  p.channels = c.channels;
  std::sort(p.channels.begin(), p.channels.end());
  p.created_ms = now_ms_;
  p.token_hash = c.token_hash;
  principals_.push_back(std::move(p));
  Reply r;
  r.value = principals_.back().principal.value();
  return r;
}

Reply PrincipalBook::on(const RevokePrincipal& c) {
  if (c.principal == kSystem || c.principal.value() > principals_.size())
    return refuse(ReplyCode::kNotFound, cat("principal ", c.principal, " not found"));
  PrincipalRecord& p = principals_[c.principal.value() - 1];
  if (p.revoked) return refuse(ReplyCode::kInvalidState, cat("principal ", c.principal, " is already revoked"));
  p.revoked = true;
  p.revoked_ms = now_ms_;
  Reply r;
  r.value = c.principal.value();
  return r;
}

Reply PrincipalBook::on(const ListPrincipals&) const {
  Reply r;
  r.value = static_cast<int64_t>(principals_.size());
  r.detail = std::make_shared<ReplyDetail>(ReplyDetail{PrincipalList{principals_}});
  return r;
}

void PrincipalBook::hash_into(Hasher& h) const {
  if (!principals_.empty()) h.add(principals_);  // absent before principals existed: old hashes stay valid
}

Status PrincipalBook::check_invariants() const {
  for (size_t i = 0; i < principals_.size(); ++i) {
    const PrincipalRecord& p = principals_[i];
    if (p.principal != i + 1) return Status::internal(cat("principal at ", i, " has id ", p.principal));
    if (p.role != Role::kWebshop && !p.channels.empty())
      return Status::internal(cat("operator ", p.principal, " has sales channels"));
  }
  std::vector<std::string_view> hashes, live_names;
  for (const PrincipalRecord& p : principals_) {
    hashes.push_back(p.token_hash);
    if (!p.revoked) live_names.push_back(p.name);
  }
  std::sort(hashes.begin(), hashes.end());
  std::sort(live_names.begin(), live_names.end());
  if (std::adjacent_find(hashes.begin(), hashes.end()) != hashes.end())
    return Status::internal("two principals share a token");
  if (std::adjacent_find(live_names.begin(), live_names.end()) != live_names.end())
    return Status::internal("two live principals share a name");
  return Status();
}

}  // namespace tessera::engine
