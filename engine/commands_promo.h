// Promo codes (seed 003, the order summary's "réduction": "Un seul code
// promotionnel peut être appliqué sur une commande"). The back office
// defines a code with its reduction, validity, product and use limit; a web
// shop or an operator applies one code to an order.
//
// A code's use count has one owner, the promo register on shard 0, and a
// use is taken by logged intent, as invoice numbers are
// (engine/commands_invoices.h):
//   1. ApplyPromoCode, on the order's shard: the order takes a pending claim
//      (the code, an attempt number, the order's product and package),
//      logged.
//   2. ClaimPromoUse, on shard 0 (the server sends it once 1 is durable):
//      the register checks the code (known, valid at the claim's time, its
//      product, the order's minimum package) and counts one use, logged;
//      the same (order, attempt) again answers the same. The register is
//      the only writer of the count: a code is never used beyond its limit,
//      whatever the concurrency.
//   3. NotePromoClaim, on the order's shard: the code and its terms are on
//      the order (or, refused, the claim is gone; the client gets the
//      register's refusal).
// A kill -9 anywhere leaves a pending claim the next start completes.
//
// A use is given back when the order closes without a sale (released,
// expired, archived or cancelled) or the code is removed: the shard keeps
// the return in an outbox (seq 1, 2, ...), and the server's pump reads the
// returns the register has not taken (GetPromoReturns) and logs them there
// (ReturnPromoUses, idempotent by (shard, seq)), within about
// kClientPumpIntervalMs.
//
// Rounding: a percent code takes percent × package / 100, half up to the
// cent (percent_of_cents); an amount code takes its amount; either stops at
// what the package less the cash discount leaves (the total to pay never
// goes below 0).
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/ids.h"

namespace tessera::engine {

// ---- The register (shard 0) --------------------------------------------------

// Defines a promo code, or redefines it (its uses so far are kept; a limit
// below them lets no new use in).
struct DefinePromoCode {
  std::string code;           // 1..kPromoCodeBytesMax of A-Z, 0-9, '-', '_' (a-z are taken as A-Z)
  int64_t amount_cents;       // off the package (1..kPaymentCentsMax), or 0 with a percent
  uint32_t percent;           // of the package (1..100), or 0 with an amount
  int64_t valid_from_ms;      // first instant it may be applied (0: no start)
  int64_t valid_until_ms;     // the instant it stops (0: no end; else after valid_from_ms)
  uint32_t max_uses;          // orders that may use it at once or ever sold (0: no limit)
  ProductId product;          // only orders of this product (the first line's; kNone: every product)
  int64_t min_package_cents;  // only orders whose package reaches it (0: any)
  auto fields() const {
    return std::tie(code, amount_cents, percent, valid_from_ms, valid_until_ms, max_uses, product, min_package_cents);
  }
  bool operator==(const DefinePromoCode&) const = default;
};

// Query: the codes in code order after `after` ("" from the first), at most
// `limit` (0: kPromoCodesPageMax), with their uses (PromoCodes).
struct ListPromoCodes {
  std::string after;
  uint32_t limit;
  auto fields() const { return std::tie(after, limit); }
};

// What an order's shard asks the register (step 2).
struct PromoClaim {
  OrderId order = 0;
  uint32_t attempt = 0;  // the order's n-th claim: with the order, what makes claiming idempotent
  std::string code;
  ProductId product = kNone;  // of the order's first line
  int64_t package_cents = 0;  // Σ quantity × unit price when applied
  int64_t at_ms = 0;          // when it was applied: the validity is checked then
  PrincipalId principal = 0;  // who applied it
  auto fields() const { return std::tie(order, attempt, code, product, package_cents, at_ms, principal); }
  bool operator==(const PromoClaim&) const = default;
};

// Internal (the server, step 2): counts one use of the claim's code.
struct ClaimPromoUse {
  PromoClaim claim;
  auto fields() const { return std::tie(claim); }
};

// A use an order's shard gives back (its outbox), numbered per shard.
struct PromoReturn {
  uint32_t shard = 0;
  uint64_t seq = 0;  // 1, 2, ... per shard
  OrderId order = 0;
  uint32_t attempt = 0;
  std::string code;
  auto fields() const { return std::tie(shard, seq, order, attempt, code); }
  bool operator==(const PromoReturn&) const = default;
};

// Internal query, every shard: its returns after `after[shard]` (a missing
// entry is 0), at most kPromoReturnsPerReplyMax (PromoReturns).
struct GetPromoReturns {
  std::vector<uint64_t> after;
  auto fields() const { return std::tie(after); }
};

// Internal, logged by the register: the uses given back (the returns
// GetPromoReturns read). The register keeps, per shard, the last seq it
// took, so a return sent twice changes nothing (reply: value = uses given
// back).
struct ReturnPromoUses {
  std::vector<PromoReturn> returns;
  auto fields() const { return std::tie(returns); }
};

// ---- On an order (its shard) -------------------------------------------------

// Applies promo code `code` to the order (reply: Promo, once the register
// counted the use). Only a cart, option or reservation (plain or overdue)
// not invoiced takes one, and only one: a validated order keeps its
// reductions (seed 003: changing them needs a new order). The same code
// again: the same answer (a pending claim is completed).
struct ApplyPromoCode {
  OrderId order;
  std::string code;
  auto fields() const { return std::tie(order, code); }
};

// Removes the order's promo code (same states), giving its use back.
struct RemovePromoCode {
  OrderId order;
  auto fields() const { return std::tie(order); }
};

// Internal (the server, step 3): the register's answer to claim `attempt`.
// Again after that: nothing changes.
struct NotePromoClaim {
  OrderId order;
  uint32_t attempt;
  bool granted;
  int64_t amount_cents;  // the code's terms, when granted
  uint32_t percent;
  auto fields() const { return std::tie(order, attempt, granted, amount_cents, percent); }
};

// ---- Replies -----------------------------------------------------------------

enum class PromoState : uint8_t {
  kPending = 0,  // claimed, the register has not answered yet (a retry or the next start completes it)
  kApplied,      // on the order
  kRefused,      // the register refused it (the reply is that refusal)
};

// ApplyPromoCode's answer (and its steps').
struct Promo {
  PromoClaim claim;
  PromoState state = PromoState::kPending;
  int64_t amount_cents = 0;  // the code's terms
  uint32_t percent = 0;
  int64_t reduction_cents = 0;  // what it takes off this order now
  int64_t to_pay_cents = 0;     // the order's total to pay now
  auto fields() const { return std::tie(claim, state, amount_cents, percent, reduction_cents, to_pay_cents); }
  bool operator==(const Promo&) const = default;
};

// One code as ListPromoCodes shows it.
struct PromoCodeUses {
  DefinePromoCode definition;
  uint32_t uses = 0;  // orders holding a use now (live, or sold)
  auto fields() const { return std::tie(definition, uses); }
  bool operator==(const PromoCodeUses&) const = default;
};

struct PromoCodes {
  std::vector<PromoCodeUses> codes;
  uint32_t total = 0;  // codes defined
  auto fields() const { return std::tie(codes, total); }
  bool operator==(const PromoCodes&) const = default;
};

struct PromoReturns {
  std::vector<PromoReturn> returns;
  auto fields() const { return std::tie(returns); }
  bool operator==(const PromoReturns&) const = default;
};

}  // namespace tessera::engine
