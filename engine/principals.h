// PrincipalBook: the principals of the deployment (commands_principals.h),
// kept by shard 0. Ids are assigned in order from 1; a revoked principal
// keeps its id and name (logged commands still name it), and its name may
// be reused by a new principal.
//
// Invariants (check_invariants): ids are 1..n in order; no two principals
// share a token hash; no two live principals share a name; operators have
// no channels.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/hash.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

class PrincipalBook {
 public:
  PrincipalBook(const Catalog& catalog, const int64_t& now_ms) : catalog_(catalog), now_ms_(now_ms) {}

  Reply on(const DefinePrincipal& c);
  Reply on(const RevokePrincipal& c);
  Reply on(const ListPrincipals& c) const;

  const std::vector<PrincipalRecord>& all() const { return principals_; }
  std::vector<PrincipalRecord>& all() { return principals_; }  // snapshot loading
  bool empty() const { return principals_.empty(); }
  void hash_into(Hasher& h) const;
  Status check_invariants() const;

 private:
  const Catalog& catalog_;
  const int64_t& now_ms_;
  std::vector<PrincipalRecord> principals_;  // principals_[i].principal == i + 1
};

}  // namespace tessera::engine
