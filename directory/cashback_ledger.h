// CashbackLedger: every contact's cashback, kept by the contact directory
// partition, its one owner (engine/commands_cashback.h states the three
// steps of a claim and the returns).
//
// ClaimCashback checks the balance and takes the amount in one logged
// command; the directory is the only writer of balances, so two orders on
// any shards never spend the same cent. The same (order, attempt) claimed
// again answers the same, so a step repeated after a crash takes nothing
// new; a return is taken once per (shard, seq).
//
// A claim names the contact it debited: a return credits that contact, or
// the contact it was merged into (the ContactDirectory resolves ids: the
// ledger is handed contacts that exist). A merge moves the duplicate's
// wallet into the survivor's.
//
// A return naming a sponsor (engine/commands_sponsorship.h) credits the
// sponsor's reward, or takes it back down to a balance of 0 at most.
//
// Invariants: every balance >= 0; a contact's spent_cents is the sum of
// the claims it holds (resolved through merges).
// Thread-safety: none; owned by the directory's runner thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "base/status.h"
#include "engine/commands_cashback.h"
#include "engine/reply.h"

namespace tessera::engine {
class Hasher;
}

namespace tessera::directory {

// One contact's cashback (a snapshot row).
struct CashbackWallet {
  engine::ContactId contact = engine::kNone;
  int64_t balance_cents = 0;
  int64_t credited_cents = 0;
  int64_t spent_cents = 0;
  std::vector<engine::CashbackMovement> movements;  // the latest kCashbackMovementsKept, oldest first
  auto fields() const { return std::tie(contact, balance_cents, credited_cents, spent_cents, movements); }
  bool operator==(const CashbackWallet&) const = default;
};

// A claim paid and not given back (a snapshot row).
struct CashbackHeld {
  engine::OrderId order = 0;
  uint32_t attempt = 0;
  engine::ContactId contact = engine::kNone;  // as claimed (resolved through merges when it returns)
  int64_t amount_cents = 0;
  auto fields() const { return std::tie(order, attempt, contact, amount_cents); }
  bool operator==(const CashbackHeld&) const = default;
};

class CashbackLedger {
 public:
  // The contact a claim or a return credits now: itself, or the contact it
  // was merged into (kNone: deleted, or unknown).
  using Resolve = std::function<engine::ContactId(engine::ContactId)>;

  // `contact` exists (the directory checked it).
  engine::Reply credit(const engine::CreditCashback& c, engine::PrincipalId by, int64_t now_ms);
  engine::Reply account(engine::ContactId contact) const;
  // `contact`: the claim's contact resolved (kNone: refused as gone).
  engine::Reply claim(const engine::ClaimCashback& c, engine::ContactId contact, int64_t now_ms);
  engine::Reply give_back(const engine::ReturnCashback& c, const Resolve& resolve, int64_t now_ms);
  // MergeContacts: the duplicate's wallet goes into the survivor's.
  void merge(engine::ContactId duplicate, engine::ContactId survivor, int64_t now_ms);
  // The balance `contact` has (0: none).
  int64_t balance(engine::ContactId contact) const;

  bool empty() const { return wallets_.empty() && held_.empty() && taken_.empty(); }
  // Snapshot support: wallets by contact, held claims by (order, attempt),
  // the last return taken per shard.
  struct State {
    std::vector<CashbackWallet> wallets;
    std::vector<CashbackHeld> held;
    std::vector<uint64_t> returns_taken;
    auto fields() const { return std::tie(wallets, held, returns_taken); }
  };
  State state() const;
  Status restore(State state, const Resolve& resolve);
  Status check_invariants(const Resolve& resolve) const;
  void hash_into(engine::Hasher& h) const;
  // The last return taken from each shard (the pump starts from there).
  const std::vector<uint64_t>& returns_taken() const { return taken_; }

 private:
  CashbackWallet& wallet(engine::ContactId contact);
  static void record(CashbackWallet& w, engine::CashbackMovement m);
  void reward_sponsor(const engine::CashbackReturn& r, engine::ContactId sponsor, int64_t now_ms);

  std::map<uint32_t, CashbackWallet> wallets_;                  // by contact id
  std::map<std::pair<uint64_t, uint32_t>, CashbackHeld> held_;  // by (order, attempt)
  std::vector<uint64_t> taken_;                                 // by shard: the last return taken
};

}  // namespace tessera::directory
