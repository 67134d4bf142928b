// OrderDesk's sponsorship commands (engine/commands_sponsorship.h): the
// claim an order takes (step 1), the directory's answer noted (step 3),
// removal, and the sponsor's reward put in the cashback outbox when the order
// is validated, taken back when it is cancelled.
#include <algorithm>

#include "engine/limits.h"
#include "engine/order_desk.h"
#include "engine/reduction_claims.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

Reply OrderDesk::sponsor_reply(const SponsorClaim& claim, PromoState state, const Order* o) const {
  SponsorUse u;
  u.claim = claim;
  u.state = state;
  return claim_reply(std::move(u), o, o != nullptr ? sums_of(*o) : MoneySums{});
}

const SponsorClaim* OrderDesk::pending_sponsor(OrderId id) const {
  return pending_claim_of(cashback_.sponsor_pending, id);
}

Reply OrderDesk::on(const SetSponsor& c, const Caller& who) {
  if (c.sponsor == kNone) return refuse(ReplyCode::kInvalidArgument, "a sponsor is a contact id");
  Order* o = nullptr;
  if (Reply bad = find_live(c.order, who, &o); !bad.ok()) return bad;
  if (Reply bad = reductions_fixed_refusal(c.order, *o, "its sponsor is set"); !bad.ok()) return bad;
  if (const SponsorClaim* p = pending_sponsor(c.order)) {
    if (p->sponsor == c.sponsor) return sponsor_reply(*p, PromoState::kPending, o);  // a retry completes it
    return refuse(ReplyCode::kBusy, cat("order ", c.order, "'s sponsor ", p->sponsor, " is being checked: retry"));
  }
  const OrderMoney* money = money_of(*o);
  if (money && money->sponsor != kNone) {
    if (money->sponsor == c.sponsor)
      return sponsor_reply(
          SponsorClaim{c.order, money->sponsor_claims, c.sponsor, o->contact, money->sponsor_reduction_cents,
                       money->sponsor_reward_cents, now_ms_, who.principal},
          PromoState::kApplied, o);
    return refuse(ReplyCode::kDuplicate, cat("order ", c.order, " is sponsored by contact ", money->sponsor,
                                             " already (RemoveSponsor first)"));
  }
  if (o->contact == kNone)
    return refuse(ReplyCode::kInvalidState, cat("order ", c.order, " names no contact: nobody to sponsor"));
  if (c.sponsor == o->contact)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("contact ", c.sponsor, " is the order's client: a client does not sponsor themselves"));
  const SetSponsorshipRule terms = catalog_.sponsorship_rule(product_of(*o));
  if (terms.reduction_cents == 0 && terms.reward_cents == 0)
    return refuse(ReplyCode::kInvalidState,
                  cat("order ", c.order, "'s product has no sponsorship terms (SetSponsorshipRule)"));
  if (Reply invoiced = invoiced_refusal(*o, c.order, "its sponsor changes"); !invoiced.ok()) return invoiced;
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  if (money && money->sponsor_claims >= kOrderSponsorClaimsMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("order ", c.order, " has named a sponsor ", kOrderSponsorClaimsMax, " times, the most"));
  OrderMoney& m = open_money(*o);
  SponsorClaim claim{c.order, ++m.sponsor_claims, c.sponsor, o->contact, terms.reduction_cents, terms.reward_cents,
                     now_ms_, who.principal};
  cashback_.sponsor_pending.push_back(claim);
  return sponsor_reply(claim, PromoState::kPending, o);
}

Reply OrderDesk::on(const NoteSponsor& c, const Caller&) {
  auto it = std::find_if(cashback_.sponsor_pending.begin(), cashback_.sponsor_pending.end(),
                         [&](const SponsorClaim& p) { return p.order == c.order && p.attempt == c.attempt; });
  Order* o = book_.find(c.order);
  if (it == cashback_.sponsor_pending.end()) {
    // Noted already (a retry, or the start's completion): what the order has.
    const OrderMoney* m = o ? money_of(*o) : nullptr;
    const bool applied = m && m->sponsor_claims == c.attempt && m->sponsor != kNone;
    return sponsor_reply(applied ? SponsorClaim{c.order, c.attempt, m->sponsor, o->contact, m->sponsor_reduction_cents,
                                                m->sponsor_reward_cents, 0, 0}
                                 : SponsorClaim{c.order, c.attempt},
                         applied ? PromoState::kApplied : PromoState::kRefused, o);
  }
  const SponsorClaim claim = *it;
  cashback_.sponsor_pending.erase(it);
  if (!c.granted) return sponsor_reply(claim, PromoState::kRefused, o);
  if (o == nullptr || !o->live() || o->state == OrderState::kConfirmed || o->contact != claim.client ||
      !invoiced_refusal(*o, c.order, "").ok()) {
    // The order closed, was validated or invoiced, or changed client while
    // the directory checked: nothing is applied.
    Reply r = sponsor_reply(claim, PromoState::kRefused, o);
    r.message =
        cat("order ", c.order, " is ", o ? order_state_name(o->state) : "gone", " now: its sponsor was not applied");
    return r;
  }
  const MoneySums before = sums_of(*o);
  OrderMoney& m = open_money(*o);
  m.sponsor = claim.sponsor;
  m.sponsor_reduction_cents = claim.reduction_cents;
  m.sponsor_reward_cents = claim.reward_cents;
  m.sponsor_rewarded = false;
  if (!OrderBook::workflow_full(*o))
    book_.record(*o, WorkflowAction::kModified, claim.principal, WorkflowDetail::kSponsorSet,
                 static_cast<uint64_t>(claim.sponsor.value()));
  after_money_change(*o, c.order, before, claim.principal, false, false);
  return sponsor_reply(claim, PromoState::kApplied, o);
}

Reply OrderDesk::on(const RemoveSponsor& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = find_live(c.order, who, &o); !bad.ok()) return bad;
  if (Reply bad = reductions_fixed_refusal(c.order, *o, "its sponsor is removed"); !bad.ok()) return bad;
  if (const SponsorClaim* p = pending_sponsor(c.order))
    return refuse(ReplyCode::kBusy, cat("order ", c.order, "'s sponsor ", p->sponsor, " is being checked: retry"));
  const OrderMoney* money = money_of(*o);
  if (!money || money->sponsor == kNone)
    return refuse(ReplyCode::kInvalidState, cat("order ", c.order, " has no sponsor"));
  if (Reply invoiced = invoiced_refusal(*o, c.order, "its sponsor changes"); !invoiced.ok()) return invoiced;
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  const MoneySums before = sums_of(*o);
  OrderMoney& m = open_money(*o);
  const ContactId sponsor = m.sponsor;
  m.sponsor = kNone;
  m.sponsor_reduction_cents = 0;
  m.sponsor_reward_cents = 0;
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kSponsorRemoved,
               static_cast<uint64_t>(sponsor.value()));
  after_money_change(*o, c.order, before, who.principal, false, false);
  return order_reply(c.order, *o);
}

void OrderDesk::reward_sponsor(OrderId id, OrderMoney& m, int64_t cents) {
  cashback_.returns.push_back(
      CashbackReturn{book_.table().shard(), cashback_.returns.size() + 1, id, 0, cents, m.sponsor});
  m.sponsor_rewarded = cents > 0;
}

void OrderDesk::sponsor_validated(OrderId id) {
  Order* o = book_.find(id);
  if (o == nullptr || o->state != OrderState::kConfirmed) return;
  OrderMoney* m = money_.find_mutable(book_.table().slot_of(*o), id);
  if (m == nullptr || m->sponsor == kNone || m->sponsor_rewarded || m->sponsor_reward_cents == 0) return;
  reward_sponsor(id, *m, m->sponsor_reward_cents);
  if (!OrderBook::workflow_full(*o))
    book_.record(*o, WorkflowAction::kModified, 0, WorkflowDetail::kSponsorRewarded,
                 static_cast<uint64_t>(m->sponsor_reward_cents));
}

// A validated order cancelled takes its sponsor's reward back (a retired
// one was sold: the reward stays). The sponsor's cashback shows it; the
// order's workflow shows the cancellation.
void OrderDesk::sponsor_closed(const Order& order, OrderId id) {
  if (order.live()) return;
  OrderMoney* m = money_.find_mutable(book_.table().slot_of(order), id);
  if (m == nullptr || !m->sponsor_rewarded) return;
  reward_sponsor(id, *m, -m->sponsor_reward_cents);
}

}  // namespace tessera::engine
