// What the reductions an order takes by a claim to another partition share
// (promo codes: engine/commands_promo.h, cashback:
// engine/commands_cashback.h, sponsorship: engine/commands_sponsorship.h):
// the order's pending claim, and the answer showing the claim with the
// order's sums.
#pragma once

#include <algorithm>
#include <memory>
#include <vector>

#include "engine/order.h"
#include "engine/order_money.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

// The claim of `order` among a shard's pending ones (nullptr: none).
template <typename Claim>
const Claim* pending_claim_of(const std::vector<Claim>& pending, OrderId order) {
  auto it = std::find_if(pending.begin(), pending.end(), [&](const Claim& c) { return c.order == order; });
  return it == pending.end() ? nullptr : &*it;
}

// `use` (its claim and state set) with the order's reduction and total to
// pay now, as the order's reply (o nullptr: the order is gone; value = the
// reduction).
template <typename Use>
Reply claim_reply(Use use, const Order* o, const MoneySums& sums) {
  if (o != nullptr) {
    use.reduction_cents = sums.reduction_cents;
    use.to_pay_cents = sums.to_pay_cents;
  }
  Reply r = o != nullptr ? order_reply(use.claim.order, *o) : Reply{};
  r.value = use.reduction_cents;
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(use)});
  return r;
}

}  // namespace tessera::engine
