// OrderDesk's promo-code commands (engine/commands_promo.h): the claim an
// order takes (step 1), the register's answer noted (step 3), removal, and
// the outbox of uses given back.
#include <algorithm>

#include "engine/hash.h"
#include "engine/limits.h"
#include "engine/order_desk.h"
#include "engine/outbox_page.h"
#include "engine/promo_register.h"
#include "engine/reduction_claims.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

Reply reductions_fixed_refusal(OrderId id, const Order& o, const char* what) {
  if (o.state == OrderState::kConfirmed)
    return wrong_state(id, o, cat(what, ": a validated order keeps its reductions (a new order takes others)").c_str());
  return Reply{};
}

Reply OrderDesk::promo_reply(const PromoClaim& claim, PromoState state, const Order* o) const {
  Promo p;
  p.claim = claim;
  p.state = state;
  if (const OrderMoney* m = o != nullptr ? money_of(*o) : nullptr) {
    p.amount_cents = m->promo_amount_cents;
    p.percent = m->promo_percent;
  }
  return claim_reply(std::move(p), o, o != nullptr ? sums_of(*o) : MoneySums{});
}

const PromoClaim* OrderDesk::pending_claim(OrderId id) const { return pending_claim_of(promo_.pending, id); }

void OrderDesk::give_back(OrderId order, uint32_t attempt, const std::string& code) {
  promo_.returns.push_back(PromoReturn{book_.table().shard(), promo_.returns.size() + 1, order, attempt, code});
}

Reply OrderDesk::on(const ApplyPromoCode& c, const Caller& who) {
  const std::string code = normal_promo_code(c.code);
  if (code.empty())
    return refuse(ReplyCode::kInvalidArgument,
                  cat("a promo code is 1 to ", kPromoCodeBytesMax, " letters, digits, '-' or '_'"));
  Order* o = nullptr;
  if (Reply bad = find_live(c.order, who, &o); !bad.ok()) return bad;
  if (Reply bad = reductions_fixed_refusal(c.order, *o, "a promo code is applied"); !bad.ok()) return bad;
  if (const PromoClaim* p = pending_claim(c.order)) {
    if (p->code == code) return promo_reply(*p, PromoState::kPending, o);  // a retry completes it
    return refuse(ReplyCode::kBusy, cat("order ", c.order, "'s promo code ", p->code, " is being claimed: retry"));
  }
  const OrderMoney* money = money_of(*o);
  if (money && !money->promo_code.empty()) {
    if (money->promo_code == code)
      return promo_reply(PromoClaim{c.order, money->promo_claims, code, kNone, package_of(*o), now_ms_, who.principal},
                         PromoState::kApplied, o);
    return refuse(ReplyCode::kDuplicate, cat("order ", c.order, " has promo code ", money->promo_code,
                                             ": one code per order (RemovePromoCode first)"));
  }
  if (Reply invoiced = invoiced_refusal(*o, c.order, "its promo code changes"); !invoiced.ok()) return invoiced;
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  if (money && money->promo_claims >= kOrderPromoClaimsMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("order ", c.order, " has claimed promo codes ", kOrderPromoClaimsMax, " times, the most"));
  const auto& performances = stock_.performances().items();
  const ProductId product =
      o->lines.empty() ? kNone : performances[o->lines.front().performance_index].definition.product;
  OrderMoney& m = open_money(*o);
  PromoClaim claim{c.order, ++m.promo_claims, code, product, package_of(*o), now_ms_, who.principal};
  promo_.pending.push_back(claim);
  return promo_reply(claim, PromoState::kPending, o);
}

Reply OrderDesk::on(const NotePromoClaim& c, const Caller&) {
  auto it = std::find_if(promo_.pending.begin(), promo_.pending.end(),
                         [&](const PromoClaim& p) { return p.order == c.order && p.attempt == c.attempt; });
  Order* o = book_.find(c.order);
  if (it == promo_.pending.end()) {
    // Noted already (a retry, or the start's completion): what the order has.
    const OrderMoney* m = o ? money_of(*o) : nullptr;
    const bool applied = m && m->promo_claims == c.attempt && !m->promo_code.empty();
    return promo_reply(PromoClaim{c.order, c.attempt, applied ? m->promo_code : std::string(), kNone, 0, 0, 0},
                       applied ? PromoState::kApplied : PromoState::kRefused, o);
  }
  if (c.granted && (c.percent > 100 || c.amount_cents < 0 || c.amount_cents > kPaymentCentsMax ||
                    (c.amount_cents == 0) == (c.percent == 0)))
    return refuse(ReplyCode::kInvalidArgument, "a granted promo claim carries an amount or a percent");
  const PromoClaim claim = *it;
  promo_.pending.erase(it);
  if (!c.granted) return promo_reply(claim, PromoState::kRefused, o);
  if (o == nullptr || !o->live() || !invoiced_refusal(*o, c.order, "").ok()) {
    // The order closed (or was invoiced) while the register counted the
    // use: it goes back.
    give_back(claim.order, claim.attempt, claim.code);
    Reply r = promo_reply(claim, PromoState::kRefused, o);
    r.message = cat("order ", c.order, " is ", o ? order_state_name(o->state) : "gone", " now: promo code ", claim.code,
                    " was not applied and its use is given back");
    return r;
  }
  const MoneySums before = sums_of(*o);
  OrderMoney& m = open_money(*o);
  m.promo_code = claim.code;
  m.promo_amount_cents = c.amount_cents;
  m.promo_percent = c.percent;
  const MoneySums after = sums_of(*o);
  if (!OrderBook::workflow_full(*o))
    book_.record(*o, WorkflowAction::kModified, claim.principal, WorkflowDetail::kPromoApplied,
                 static_cast<uint64_t>(after.reduction_cents));
  after_money_change(*o, c.order, before, claim.principal, false, false);
  return promo_reply(claim, PromoState::kApplied, o);
}

Reply OrderDesk::on(const RemovePromoCode& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = find_live(c.order, who, &o); !bad.ok()) return bad;
  if (Reply bad = reductions_fixed_refusal(c.order, *o, "a promo code is removed"); !bad.ok()) return bad;
  if (const PromoClaim* p = pending_claim(c.order))
    return refuse(ReplyCode::kBusy, cat("order ", c.order, "'s promo code ", p->code, " is being claimed: retry"));
  const OrderMoney* money = money_of(*o);
  if (!money || money->promo_code.empty())
    return refuse(ReplyCode::kInvalidState, cat("order ", c.order, " has no promo code"));
  if (Reply invoiced = invoiced_refusal(*o, c.order, "its promo code changes"); !invoiced.ok()) return invoiced;
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  const MoneySums before = sums_of(*o);
  OrderMoney& m = open_money(*o);
  give_back(c.order, m.promo_claims, m.promo_code);
  m.promo_code.clear();
  m.promo_amount_cents = 0;
  m.promo_percent = 0;
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kPromoRemoved, m.promo_claims);
  after_money_change(*o, c.order, before, who.principal, false, false);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const GetPromoReturns& c, const Caller&) const {
  return outbox_page<PromoReturns, kPromoReturnsPerReplyMax>("GetPromoReturns", c.after, book_.table().shard(),
                                                             promo_.returns);
}

// A closed order gives its code's use back (a retired one was sold: it
// keeps it), and no longer shows the code: reinstated, it takes one again.
void OrderDesk::promo_closed(const Order& order, OrderId id) {
  if (order.live()) return;
  const uint32_t slot = book_.table().slot_of(order);
  OrderMoney* m = money_.find_mutable(slot, id);
  if (m == nullptr || m->promo_code.empty()) return;
  give_back(id, m->promo_claims, m->promo_code);
  m->promo_code.clear();
  m->promo_amount_cents = 0;
  m->promo_percent = 0;
}

Status OrderDesk::restore_promo(PromoOutbox outbox) {
  const uint32_t shard = book_.table().shard();
  for (size_t i = 0; i < outbox.returns.size(); ++i) {
    const PromoReturn& r = outbox.returns[i];
    if (r.shard != shard || r.seq != i + 1 || r.attempt == 0 || normal_promo_code(r.code) != r.code)
      return Status::invalid_argument("snapshot's promo returns are out of order or out of range");
  }
  for (size_t i = 0; i < outbox.pending.size(); ++i) {
    const PromoClaim& p = outbox.pending[i];
    if (order_shard(p.order) != shard || p.attempt == 0 || p.attempt > kOrderPromoClaimsMax ||
        normal_promo_code(p.code) != p.code ||
        std::count_if(outbox.pending.begin(), outbox.pending.end(),
                      [&](const PromoClaim& q) { return q.order == p.order; }) != 1)
      return Status::invalid_argument("snapshot's pending promo claims are out of range or repeated");
  }
  promo_ = std::move(outbox);
  return Status::ok();
}

void OrderDesk::hash_promo(Hasher& h) const {
  if (!promo_.empty()) h.add(promo_);  // absent before promo codes existed
}

}  // namespace tessera::engine
