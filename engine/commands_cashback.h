// Cashback (seed 003, the order summary's "réduction": "les réductions liées
// au cashback, aux codes promo, fratrie et parrainage. Un seul code
// promotionnel peut être appliqué sur une commande, il peut venir s'ajouter
// au cashback"): a contact's credit in cents, which an order of theirs may
// take off what it costs, on top of its promo code.
//
// A contact's cashback has one owner, the contact directory partition
// (directory/cashback_ledger.h): the back office credits it (CreditCashback:
// loyalty, a goodwill gesture; a negative amount takes credit back, never
// below 0), and an order takes some by logged intent, as a promo code's use
// is taken (engine/commands_promo.h):
//   1. ApplyCashback, on the order's shard: the order takes a pending claim
//      (its contact, the amount, an attempt number), logged.
//   2. ClaimCashback, on the directory (the server sends it once 1 is
//      durable): the contact's balance pays the amount, logged; the same
//      (order, attempt) again answers the same. The directory is the only
//      writer of balances: two orders never spend the same cent, whatever
//      the concurrency.
//   3. NoteCashbackClaim, on the order's shard: the amount is on the order
//      (or, refused, the claim is gone; the client gets the directory's
//      refusal).
// A kill -9 anywhere leaves a pending claim the next start completes.
//
// The amount goes back to the contact when the order closes without a sale
// (released, expired, archived or cancelled) or its cashback is removed:
// the shard keeps the return in an outbox (seq 1, 2, ...), and the server's
// pump reads the returns the directory has not taken (GetCashbackReturns)
// and logs them there (ReturnCashback, idempotent by (shard, seq)), within
// about kClientPumpIntervalMs. A validated order keeps its cashback (seed
// 003: reductions never change once validated).
//
// Sums (engine/order_money.h): the order's reduction is the promo code's
// share plus the cashback, together at most what package + fees − cash
// discount leaves. ApplyCashback refuses more than that leaves after the
// promo code, so what a contact spends is what their order saves; should
// the order shrink later (lines leaving), the reduction stops at 0 to pay
// and the cashback stays spent, as taken.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/commands_promo.h"
#include "engine/ids.h"

namespace tessera::engine {

// ---- The ledger (the contact directory) --------------------------------------

// Credits `amount_cents` to the contact's cashback (reply: CashbackAccount),
// or, negative, takes it back (at most the balance). The label says why
// ("fidélité 2026"), kept with the movement.
struct CreditCashback {
  ContactId contact;
  int64_t amount_cents;  // [-kPaymentCentsMax, kPaymentCentsMax], not 0
  std::string label;     // at most kCashbackLabelBytesMax
  auto fields() const { return std::tie(contact, amount_cents, label); }
};

// Query: the contact's cashback and its latest movements (CashbackAccount).
struct GetCashback {
  ContactId contact;
  auto fields() const { return std::tie(contact); }
};

// What an order's shard asks the directory (step 2).
struct CashbackClaim {
  OrderId order = 0;
  uint32_t attempt = 0;       // the order's n-th cashback claim: with the order, what makes claiming idempotent
  ContactId contact = kNone;  // the order's client
  int64_t amount_cents = 0;
  int64_t at_ms = 0;
  PrincipalId principal = 0;  // who applied it
  auto fields() const { return std::tie(order, attempt, contact, amount_cents, at_ms, principal); }
  bool operator==(const CashbackClaim&) const = default;
};

// Internal (the server, step 2): the contact's balance pays the claim.
struct ClaimCashback {
  CashbackClaim claim;
  auto fields() const { return std::tie(claim); }
};

// A claim an order's shard gives back (its outbox), numbered per shard; or
// (sponsor set, attempt 0) a sponsor's reward for the order's validation,
// or its taking back (amount < 0): engine/commands_sponsorship.h.
struct CashbackReturn {
  uint32_t shard = 0;
  uint64_t seq = 0;  // 1, 2, ... per shard
  OrderId order = 0;
  uint32_t attempt = 0;
  int64_t amount_cents = 0;  // as claimed (the directory gives back what it took)
  // Appended (docs/format.md, rule 1): sponsorship.
  ContactId sponsor = kNone;
  static constexpr size_t kHashedAlways = 5;  // engine/hash.h
  auto fields() const { return std::tie(shard, seq, order, attempt, amount_cents, sponsor); }
  bool operator==(const CashbackReturn&) const = default;
};

// Internal query, every shard: its returns after `after[shard]` (a missing
// entry is 0), at most kCashbackReturnsPerReplyMax (CashbackReturns).
struct GetCashbackReturns {
  std::vector<uint64_t> after;
  auto fields() const { return std::tie(after); }
};

// Internal, logged by the directory: the claims given back (the returns
// GetCashbackReturns read). The directory keeps, per shard, the last seq
// it took, so a return sent twice changes nothing (reply: value = cents
// given back).
struct ReturnCashback {
  std::vector<CashbackReturn> returns;
  auto fields() const { return std::tie(returns); }
};

// ---- On an order (its shard) -------------------------------------------------

// Takes `amount_cents` of the order's client's cashback off the order
// (reply: CashbackUse, once the directory paid it). Only a cart, option or
// reservation (plain or overdue) not invoiced, with a contact, takes some,
// once: RemoveCashback first to change the amount. The same amount again:
// the same answer (a pending claim is completed).
struct ApplyCashback {
  OrderId order;
  int64_t amount_cents;  // 1 .. what the order leaves to pay after its promo code
  auto fields() const { return std::tie(order, amount_cents); }
};

// Removes the order's cashback (same states), giving it back to the contact.
struct RemoveCashback {
  OrderId order;
  auto fields() const { return std::tie(order); }
};

// Internal (the server, step 3): the directory's answer to claim `attempt`.
// Again after that: nothing changes.
struct NoteCashbackClaim {
  OrderId order;
  uint32_t attempt;
  bool granted;
  auto fields() const { return std::tie(order, attempt, granted); }
};

// ---- Replies -----------------------------------------------------------------

// One change of a contact's cashback, newest last.
struct CashbackMovement {
  int64_t at_ms = 0;
  int64_t amount_cents = 0;  // > 0 credited (or given back), < 0 spent (or taken back)
  OrderId order = 0;         // the order that spent it or gave it back (0: CreditCashback)
  PrincipalId principal = 0;
  std::string label;  // CreditCashback's
  auto fields() const { return std::tie(at_ms, amount_cents, order, principal, label); }
  bool operator==(const CashbackMovement&) const = default;
};

// CreditCashback's and GetCashback's answer (value = the balance).
struct CashbackAccount {
  ContactId contact = kNone;
  int64_t balance_cents = 0;                // credited − spent
  int64_t credited_cents = 0;               // Σ credits (takes-back deducted; returns of spent cashback not counted)
  int64_t spent_cents = 0;                  // Σ held by orders now (claims paid less those given back)
  std::vector<CashbackMovement> movements;  // the latest kCashbackMovementsKept, oldest first
  auto fields() const { return std::tie(contact, balance_cents, credited_cents, spent_cents, movements); }
  bool operator==(const CashbackAccount&) const = default;
};

// ApplyCashback's answer (and its steps'): state as a promo code's.
struct CashbackUse {
  CashbackClaim claim;
  PromoState state = PromoState::kPending;
  int64_t balance_cents = 0;    // the contact's balance after the claim (the directory's step)
  int64_t reduction_cents = 0;  // the order's reduction now (promo code + cashback)
  int64_t to_pay_cents = 0;     // the order's total to pay now
  auto fields() const { return std::tie(claim, state, balance_cents, reduction_cents, to_pay_cents); }
  bool operator==(const CashbackUse&) const = default;
};

struct CashbackReturns {
  std::vector<CashbackReturn> returns;
  auto fields() const { return std::tie(returns); }
  bool operator==(const CashbackReturns&) const = default;
};

}  // namespace tessera::engine
