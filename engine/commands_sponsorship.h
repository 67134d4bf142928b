// Sponsorship ("parrainage", seed 003: the order page's action bar offers
// "le parrainage", and the order summary's reduction "prend en compte les
// réductions liées au cashback, aux codes promo, fratrie et parrainage"):
// a client brings a new client. The new client's order takes a reduction,
// and once that order is validated the sponsor is rewarded with cashback
// (engine/commands_cashback.h) for a later order of theirs.
//
// The terms are a product's (SetSponsorshipRule: the product of the order's
// first line decides, product kNone is every other product's default).
// Naming the sponsor of an order takes three steps, as a cashback claim does,
// because what makes a sponsor is known to the contact directory only:
//   1. SetSponsor, on the order's shard: the order takes a pending claim
//      (sponsor, its client, the terms then in force, an attempt number),
//      logged.
//   2. CheckSponsor, on the directory (the server sends it once 1 is
//      durable): the sponsor exists and is a client (a confirmed order), the
//      order's client is someone else and not a client yet (a sponsorship
//      brings a new client), both through merges. A query: it changes
//      nothing, and the same claim checked again answers the same unless a
//      contact changed in between.
//   3. NoteSponsor, on the order's shard: the reduction is on the order (or,
//      refused, the claim is gone; the client gets the directory's refusal).
// A kill -9 anywhere leaves a pending claim the next start completes.
//
// The reward: when the order is validated (its first confirmation) the
// shard puts the sponsor's reward in its cashback outbox (a CashbackReturn
// naming the sponsor), and the pump credits it to the sponsor's cashback on
// the directory (ReturnCashback, once per (shard, seq)), within about
// kClientPumpIntervalMs. Cancelling the validated order (CancelValidated)
// takes the reward back the same way, never below the sponsor's balance
// (what they spent of it stays spent). The terms are the order's from step
// 1: a later SetSponsorshipRule changes later orders only.
//
// Sums (engine/order_money.h): the reduction adds the sponsorship's to the
// promo code's and the cashback, together at most what package + fees −
// cash discount leaves. As promo codes and cashback, the sponsor of a
// validated or invoiced order never changes (seed 003).
#pragma once

#include <cstdint>
#include <tuple>

#include "engine/commands_promo.h"
#include "engine/ids.h"

namespace tessera::engine {

// The sponsorship terms of a product's orders (product kNone: the default of
// every product without its own). Without any, an order takes no sponsor.
// Both amounts 0: the product's orders take no sponsor.
struct SetSponsorshipRule {
  ProductId product;
  int64_t reduction_cents;  // off the sponsored order, [0, kPaymentCentsMax]
  int64_t reward_cents;     // the sponsor's cashback once it is validated, [0, kPaymentCentsMax]
  auto fields() const { return std::tie(product, reduction_cents, reward_cents); }
  bool operator==(const SetSponsorshipRule&) const = default;
};

// What an order's shard asks the directory (step 2).
struct SponsorClaim {
  OrderId order = 0;
  uint32_t attempt = 0;       // the order's n-th sponsor claim: with the order, what names the claim
  ContactId sponsor = kNone;  // who brought the client
  ContactId client = kNone;   // the order's contact
  int64_t reduction_cents = 0;
  int64_t reward_cents = 0;
  int64_t at_ms = 0;
  PrincipalId principal = 0;  // who named the sponsor
  auto fields() const {
    return std::tie(order, attempt, sponsor, client, reduction_cents, reward_cents, at_ms, principal);
  }
  bool operator==(const SponsorClaim&) const = default;
};

// Names `sponsor` as the one who brought the order's client (reply:
// SponsorUse, once the directory agreed). Only a cart, option or
// reservation not validated nor invoiced, with a contact, whose product has
// sponsorship terms, takes a sponsor, once: RemoveSponsor first to change
// it. The same sponsor again: the same answer (a pending claim is
// completed).
struct SetSponsor {
  OrderId order;
  ContactId sponsor;
  auto fields() const { return std::tie(order, sponsor); }
};

// Removes the order's sponsor and its reduction (same states).
struct RemoveSponsor {
  OrderId order;
  auto fields() const { return std::tie(order); }
};

// Internal query (the server, step 2): the directory's answer to the claim.
struct CheckSponsor {
  SponsorClaim claim;
  auto fields() const { return std::tie(claim); }
};

// Internal (the server, step 3): the directory's answer to claim `attempt`.
// Again after that: nothing changes.
struct NoteSponsor {
  OrderId order;
  uint32_t attempt;
  bool granted;
  auto fields() const { return std::tie(order, attempt, granted); }
};

// SetSponsor's answer (and its steps'): state as a promo code's.
struct SponsorUse {
  SponsorClaim claim;
  PromoState state = PromoState::kPending;
  int64_t reduction_cents = 0;  // the order's reduction now (promo code + cashback + sponsorship)
  int64_t to_pay_cents = 0;     // the order's total to pay now
  auto fields() const { return std::tie(claim, state, reduction_cents, to_pay_cents); }
  bool operator==(const SponsorUse&) const = default;
};

}  // namespace tessera::engine
