// PromoRegister: the one owner of promo codes and their use counts, on
// shard 0 (engine/commands_promo.h states the three steps and the returns).
//
// ClaimPromoUse checks the code and counts the use in one logged command;
// the register is the only writer of the counts, so no code is used beyond
// its limit, however many orders on however many shards claim it at once.
// The same (order, attempt) claimed again answers the same, so a step
// repeated after a crash counts nothing new.
// Thread-safety: none; owned by shard 0's thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "base/status.h"
#include "engine/commands_promo.h"
#include "engine/reply.h"

namespace tessera::engine {

class Hasher;

// The code as it is kept ("ete-2027" is "ETE-2027"), or "" when it is not
// 1..kPromoCodeBytesMax of A-Z, a-z, 0-9, '-', '_'.
std::string normal_promo_code(std::string_view code);

class PromoRegister {
 public:
  Reply on(const DefinePromoCode& c);
  Reply on(const ListPromoCodes& c) const;
  Reply on(const ClaimPromoUse& c);
  Reply on(const ReturnPromoUses& c);

  bool empty() const { return codes_.empty() && claims_.empty() && taken_.empty(); }
  // Per shard, the last return taken (the pump starts from there).
  const std::vector<uint64_t>& returns_taken() const { return taken_; }

  // A live use: the order's claim `attempt` holds one use of `code`.
  struct Use {
    OrderId order = 0;
    uint32_t attempt = 0;
    std::string code;
    auto fields() const { return std::tie(order, attempt, code); }
    bool operator==(const Use&) const = default;
  };
  // Snapshot support: the codes in code order, the live uses in (order,
  // attempt) order, the returns taken per shard.
  struct State {
    std::vector<PromoCodeUses> codes;
    std::vector<Use> uses;
    std::vector<uint64_t> returns_taken;
    auto fields() const { return std::tie(codes, uses, returns_taken); }
  };
  State state() const;
  // Loads a snapshot's state (every count equal to its live uses).
  Status restore(State state);
  void hash_into(Hasher& h) const;

  // A definition's own checks (the code already normal).
  static Reply check(const DefinePromoCode& c);

 private:
  std::map<std::string, PromoCodeUses> codes_;
  std::map<std::pair<uint64_t, uint32_t>, std::string> claims_;  // (order, attempt) -> code: the live uses
  std::vector<uint64_t> taken_;                                  // by shard: the last return taken
};

}  // namespace tessera::engine
