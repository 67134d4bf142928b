// OrderDesk's cashback commands (engine/commands_cashback.h): the claim an
// order takes (step 1), the directory's answer noted (step 3), removal, and
// the outbox of claims given back.
#include <algorithm>

#include "engine/hash.h"
#include "engine/limits.h"
#include "engine/order_desk.h"
#include "engine/outbox_page.h"
#include "engine/reduction_claims.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

Reply OrderDesk::cashback_reply(const CashbackClaim& claim, PromoState state, const Order* o) const {
  CashbackUse u;
  u.claim = claim;
  u.state = state;
  return claim_reply(std::move(u), o, o != nullptr ? sums_of(*o) : MoneySums{});
}

const CashbackClaim* OrderDesk::pending_cashback(OrderId id) const { return pending_claim_of(cashback_.pending, id); }

void OrderDesk::give_back_cashback(OrderId order, uint32_t attempt, int64_t cents) {
  cashback_.returns.push_back(
      CashbackReturn{book_.table().shard(), cashback_.returns.size() + 1, order, attempt, cents});
}

Reply OrderDesk::on(const ApplyCashback& c, const Caller& who) {
  if (c.amount_cents <= 0 || c.amount_cents > kPaymentCentsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a cashback amount is in [1, ", kPaymentCentsMax, "] cents"));
  Order* o = nullptr;
  if (Reply bad = find_live(c.order, who, &o); !bad.ok()) return bad;
  if (Reply bad = reductions_fixed_refusal(c.order, *o, "cashback is applied"); !bad.ok()) return bad;
  if (const CashbackClaim* p = pending_cashback(c.order)) {
    if (p->amount_cents == c.amount_cents) return cashback_reply(*p, PromoState::kPending, o);  // a retry completes it
    return refuse(ReplyCode::kBusy,
                  cat("order ", c.order, "'s cashback of ", p->amount_cents, " cents is being claimed: retry"));
  }
  const OrderMoney* money = money_of(*o);
  if (money && money->cashback_cents != 0) {
    if (money->cashback_cents == c.amount_cents)
      return cashback_reply(
          CashbackClaim{c.order, money->cashback_claims, o->contact, c.amount_cents, now_ms_, who.principal},
          PromoState::kApplied, o);
    return refuse(ReplyCode::kDuplicate, cat("order ", c.order, " takes ", money->cashback_cents,
                                             " cents of cashback already (RemoveCashback first)"));
  }
  if (o->contact == kNone)
    return refuse(ReplyCode::kInvalidState, cat("order ", c.order, " names no contact: no cashback to take"));
  if (Reply invoiced = invoiced_refusal(*o, c.order, "its cashback changes"); !invoiced.ok()) return invoiced;
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  const int64_t room = sums_of(*o).to_pay_cents;
  if (c.amount_cents > room)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("order ", c.order, " leaves ", room, " cents to pay: it takes at most that much cashback"));
  if (money && money->cashback_claims >= kOrderCashbackClaimsMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("order ", c.order, " has claimed cashback ", kOrderCashbackClaimsMax, " times, the most"));
  OrderMoney& m = open_money(*o);
  CashbackClaim claim{c.order, ++m.cashback_claims, o->contact, c.amount_cents, now_ms_, who.principal};
  cashback_.pending.push_back(claim);
  return cashback_reply(claim, PromoState::kPending, o);
}

Reply OrderDesk::on(const NoteCashbackClaim& c, const Caller&) {
  auto it = std::find_if(cashback_.pending.begin(), cashback_.pending.end(),
                         [&](const CashbackClaim& p) { return p.order == c.order && p.attempt == c.attempt; });
  Order* o = book_.find(c.order);
  if (it == cashback_.pending.end()) {
    // Noted already (a retry, or the start's completion): what the order has.
    const OrderMoney* m = o ? money_of(*o) : nullptr;
    const bool applied = m && m->cashback_claims == c.attempt && m->cashback_cents != 0;
    return cashback_reply(
        CashbackClaim{c.order, c.attempt, o ? o->contact : kNone, applied ? m->cashback_cents : 0, 0, 0},
        applied ? PromoState::kApplied : PromoState::kRefused, o);
  }
  const CashbackClaim claim = *it;
  cashback_.pending.erase(it);
  if (!c.granted) return cashback_reply(claim, PromoState::kRefused, o);
  if (o == nullptr || !o->live() || o->state == OrderState::kConfirmed || !invoiced_refusal(*o, c.order, "").ok()) {
    // The order closed (or was validated or invoiced) while the directory
    // paid the claim: the cashback goes back.
    give_back_cashback(claim.order, claim.attempt, claim.amount_cents);
    Reply r = cashback_reply(claim, PromoState::kRefused, o);
    r.message = cat("order ", c.order, " is ", o ? order_state_name(o->state) : "gone", " now: its cashback of ",
                    claim.amount_cents, " cents was not applied and goes back to the contact");
    return r;
  }
  const MoneySums before = sums_of(*o);
  OrderMoney& m = open_money(*o);
  m.cashback_cents = claim.amount_cents;
  if (!OrderBook::workflow_full(*o))
    book_.record(*o, WorkflowAction::kModified, claim.principal, WorkflowDetail::kCashbackApplied,
                 static_cast<uint64_t>(claim.amount_cents));
  after_money_change(*o, c.order, before, claim.principal, false, false);
  return cashback_reply(claim, PromoState::kApplied, o);
}

Reply OrderDesk::on(const RemoveCashback& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = find_live(c.order, who, &o); !bad.ok()) return bad;
  if (Reply bad = reductions_fixed_refusal(c.order, *o, "cashback is removed"); !bad.ok()) return bad;
  if (const CashbackClaim* p = pending_cashback(c.order))
    return refuse(ReplyCode::kBusy,
                  cat("order ", c.order, "'s cashback of ", p->amount_cents, " cents is being claimed: retry"));
  const OrderMoney* money = money_of(*o);
  if (!money || money->cashback_cents == 0)
    return refuse(ReplyCode::kInvalidState, cat("order ", c.order, " takes no cashback"));
  if (Reply invoiced = invoiced_refusal(*o, c.order, "its cashback changes"); !invoiced.ok()) return invoiced;
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  const MoneySums before = sums_of(*o);
  OrderMoney& m = open_money(*o);
  const int64_t cents = m.cashback_cents;
  give_back_cashback(c.order, m.cashback_claims, cents);
  m.cashback_cents = 0;
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kCashbackRemoved,
               static_cast<uint64_t>(cents));
  after_money_change(*o, c.order, before, who.principal, false, false);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const GetCashbackReturns& c, const Caller&) const {
  return outbox_page<CashbackReturns, kCashbackReturnsPerReplyMax>("GetCashbackReturns", c.after, book_.table().shard(),
                                                                   cashback_.returns);
}

// A closed order gives its cashback back (a retired one was sold: it keeps
// it), and no longer shows it: reinstated, it takes some again.
void OrderDesk::cashback_closed(const Order& order, OrderId id) {
  if (order.live()) return;
  const uint32_t slot = book_.table().slot_of(order);
  OrderMoney* m = money_.find_mutable(slot, id);
  if (m == nullptr || m->cashback_cents == 0) return;
  give_back_cashback(id, m->cashback_claims, m->cashback_cents);
  m->cashback_cents = 0;
}

Status OrderDesk::restore_cashback(CashbackOutbox outbox) {
  const uint32_t shard = book_.table().shard();
  for (size_t i = 0; i < outbox.returns.size(); ++i) {
    const CashbackReturn& r = outbox.returns[i];
    const bool reward = r.sponsor != kNone;  // a sponsor's reward, or its taking back
    if (r.shard != shard || r.seq != i + 1 || (r.attempt == 0) != reward || r.amount_cents > kPaymentCentsMax ||
        (reward ? r.amount_cents == 0 || r.amount_cents < -kPaymentCentsMax : r.amount_cents <= 0))
      return Status::invalid_argument("snapshot's cashback returns are out of order or out of range");
  }
  for (const CashbackClaim& p : outbox.pending)
    if (order_shard(p.order) != shard || p.attempt == 0 || p.attempt > kOrderCashbackClaimsMax || p.contact == kNone ||
        p.amount_cents <= 0 || p.amount_cents > kPaymentCentsMax ||
        std::count_if(outbox.pending.begin(), outbox.pending.end(),
                      [&](const CashbackClaim& q) { return q.order == p.order; }) != 1)
      return Status::invalid_argument("snapshot's pending cashback claims are out of range or repeated");
  for (const SponsorClaim& p : outbox.sponsor_pending)
    if (order_shard(p.order) != shard || p.attempt == 0 || p.attempt > kOrderSponsorClaimsMax || p.sponsor == kNone ||
        p.client == kNone || p.sponsor == p.client || p.reduction_cents < 0 || p.reduction_cents > kPaymentCentsMax ||
        p.reward_cents < 0 || p.reward_cents > kPaymentCentsMax ||
        std::count_if(outbox.sponsor_pending.begin(), outbox.sponsor_pending.end(),
                      [&](const SponsorClaim& q) { return q.order == p.order; }) != 1)
      return Status::invalid_argument("snapshot's pending sponsor claims are out of range or repeated");
  cashback_ = std::move(outbox);
  return Status::ok();
}

void OrderDesk::hash_cashback(Hasher& h) const {
  if (!cashback_.empty()) h.add(cashback_);  // absent before cashback existed
}

}  // namespace tessera::engine
