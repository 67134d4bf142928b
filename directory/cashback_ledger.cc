// CashbackLedger: credits, claims, returns, merges, snapshots.
#include "directory/cashback_ledger.h"

#include <algorithm>

#include "engine/hash.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::directory {

using engine::ContactId;
using engine::refuse;
using engine::Reply;
using engine::ReplyCode;

namespace {

template <typename T>
Reply detail_reply(T out, int64_t value) {
  Reply r;
  r.value = value;
  r.detail = std::make_shared<const engine::ReplyDetail>(engine::ReplyDetail{std::move(out)});
  return r;
}

}  // namespace

CashbackWallet& CashbackLedger::wallet(ContactId contact) {
  CashbackWallet& w = wallets_[contact.value()];
  w.contact = contact;
  return w;
}

void CashbackLedger::record(CashbackWallet& w, engine::CashbackMovement m) {
  if (w.movements.size() >= engine::kCashbackMovementsKept) w.movements.erase(w.movements.begin());
  w.movements.push_back(std::move(m));
}

int64_t CashbackLedger::balance(ContactId contact) const {
  auto it = wallets_.find(contact.value());
  return it == wallets_.end() ? 0 : it->second.balance_cents;
}

Reply CashbackLedger::credit(const engine::CreditCashback& c, engine::PrincipalId by, int64_t now_ms) {
  if (c.amount_cents == 0 || c.amount_cents < -engine::kPaymentCentsMax || c.amount_cents > engine::kPaymentCentsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a cashback credit is in [-", engine::kPaymentCentsMax, ", ",
                                                   engine::kPaymentCentsMax, "] cents, not 0"));
  if (c.label.size() > engine::kCashbackLabelBytesMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("a cashback credit's label has at most ", engine::kCashbackLabelBytesMax, " bytes"));
  const int64_t has = balance(c.contact);
  if (c.amount_cents < 0 && -c.amount_cents > has)
    return refuse(ReplyCode::kInvalidState, cat("contact ", c.contact, " has ", has,
                                                " cents of cashback: ", -c.amount_cents, " cannot be taken back"));
  if (c.amount_cents > 0 && has > engine::kPaymentCentsMax * 1'000 - c.amount_cents)
    return refuse(ReplyCode::kLimitExceeded, cat("contact ", c.contact, "'s cashback would pass its maximum"));
  CashbackWallet& w = wallet(c.contact);
  w.balance_cents += c.amount_cents;
  w.credited_cents += c.amount_cents;
  record(w, engine::CashbackMovement{now_ms, c.amount_cents, engine::OrderId{0}, by, c.label});
  return account(c.contact);
}

Reply CashbackLedger::account(ContactId contact) const {
  engine::CashbackAccount out;
  out.contact = contact;
  if (auto it = wallets_.find(contact.value()); it != wallets_.end()) {
    const CashbackWallet& w = it->second;
    out.balance_cents = w.balance_cents;
    out.credited_cents = w.credited_cents;
    out.spent_cents = w.spent_cents;
    out.movements = w.movements;
  }
  const int64_t balance = out.balance_cents;
  return detail_reply(std::move(out), balance);
}

Reply CashbackLedger::claim(const engine::ClaimCashback& c, ContactId contact, int64_t now_ms) {
  const engine::CashbackClaim& claim = c.claim;
  if (claim.order.value() == 0 || claim.attempt == 0 || claim.attempt > engine::kOrderCashbackClaimsMax ||
      claim.contact == engine::kNone || claim.amount_cents <= 0 || claim.amount_cents > engine::kPaymentCentsMax)
    return refuse(ReplyCode::kInvalidArgument, "a cashback claim names its order, attempt, contact and amount");
  engine::CashbackUse granted{claim, engine::PromoState::kApplied, 0, 0, 0};
  if (auto seen = held_.find({claim.order.value(), claim.attempt}); seen != held_.end()) {
    // The same step again (a retry, or the completion after a crash).
    if (seen->second.amount_cents != claim.amount_cents || seen->second.contact != claim.contact)
      return refuse(ReplyCode::kDuplicate, cat("order ", claim.order, "'s cashback claim ", claim.attempt, " was for ",
                                               seen->second.amount_cents, " cents"));
    granted.balance_cents = balance(contact);
    return detail_reply(std::move(granted), granted.balance_cents);
  }
  if (contact == engine::kNone)
    return refuse(ReplyCode::kNotFound, cat("contact ", claim.contact, " is gone: no cashback to take"));
  const int64_t has = balance(contact);
  if (has < claim.amount_cents)
    return refuse(ReplyCode::kSoldOut,
                  cat("contact ", contact, " has ", has, " cents of cashback, not ", claim.amount_cents));
  CashbackWallet& w = wallet(contact);
  w.balance_cents -= claim.amount_cents;
  w.spent_cents += claim.amount_cents;
  record(w, engine::CashbackMovement{now_ms, -claim.amount_cents, claim.order, claim.principal, {}});
  held_.emplace(std::pair{claim.order.value(), claim.attempt},
                CashbackHeld{claim.order, claim.attempt, claim.contact, claim.amount_cents});
  granted.balance_cents = w.balance_cents;
  return detail_reply(std::move(granted), granted.balance_cents);
}

Reply CashbackLedger::give_back(const engine::ReturnCashback& c, const Resolve& resolve, int64_t now_ms) {
  for (const engine::CashbackReturn& r : c.returns)
    if (r.shard >= engine::kShardsMax || r.seq == 0)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("a cashback return names a shard below ", engine::kShardsMax, " and a seq from 1"));
  int64_t given_back = 0;
  for (const engine::CashbackReturn& r : c.returns) {
    if (r.shard >= taken_.size()) taken_.resize(r.shard + 1, 0);
    if (r.seq <= taken_[r.shard]) continue;  // taken already
    taken_[r.shard] = r.seq;
    if (r.sponsor != engine::kNone) {
      reward_sponsor(r, resolve(r.sponsor), now_ms);
      continue;
    }
    auto held = held_.find({r.order.value(), r.attempt});
    if (held == held_.end()) continue;  // the claim was refused: nothing was taken
    const ContactId to = resolve(held->second.contact);
    // A contact deleted since keeps its wallet (unreachable): the cents stay counted.
    CashbackWallet& w = wallet(to != engine::kNone ? to : held->second.contact);
    w.balance_cents += held->second.amount_cents;
    w.spent_cents -= held->second.amount_cents;
    record(w, engine::CashbackMovement{now_ms, held->second.amount_cents, r.order, 0, {}});
    given_back += held->second.amount_cents;
    held_.erase(held);
  }
  Reply out;
  out.value = given_back;
  return out;
}

// A sponsor's reward credited, or taken back (never below the balance: what
// they spent of it stays spent). A sponsor deleted since gets nothing.
void CashbackLedger::reward_sponsor(const engine::CashbackReturn& r, ContactId sponsor, int64_t now_ms) {
  if (sponsor == engine::kNone || r.amount_cents == 0 || r.amount_cents < -engine::kPaymentCentsMax ||
      r.amount_cents > engine::kPaymentCentsMax)
    return;
  CashbackWallet& w = wallet(sponsor);
  const int64_t cents = r.amount_cents > 0 ? r.amount_cents : -std::min(-r.amount_cents, w.balance_cents);
  if (cents == 0) return;
  w.balance_cents += cents;
  w.credited_cents += cents;
  record(w, engine::CashbackMovement{now_ms, cents, r.order, 0,
                                     cents > 0 ? "sponsorship reward" : "sponsorship reward taken back"});
}

void CashbackLedger::merge(ContactId duplicate, ContactId survivor, int64_t now_ms) {
  auto it = wallets_.find(duplicate.value());
  if (it == wallets_.end()) return;
  const CashbackWallet gone = std::move(it->second);
  wallets_.erase(it);
  CashbackWallet& w = wallet(survivor);
  w.balance_cents += gone.balance_cents;
  w.credited_cents += gone.credited_cents;
  w.spent_cents += gone.spent_cents;
  if (gone.balance_cents != 0)
    record(w, engine::CashbackMovement{now_ms, gone.balance_cents, engine::OrderId{0}, 0,
                                       cat("merged from contact ", duplicate)});
}

CashbackLedger::State CashbackLedger::state() const {
  State s;
  for (const auto& [contact, w] : wallets_) s.wallets.push_back(w);
  for (const auto& [key, h] : held_) s.held.push_back(h);
  s.returns_taken = taken_;
  return s;
}

Status CashbackLedger::restore(State state, const Resolve& resolve) {
  wallets_.clear();
  held_.clear();
  taken_ = std::move(state.returns_taken);
  if (taken_.size() > engine::kShardsMax) return Status::invalid_argument("snapshot's cashback is of too many shards");
  for (CashbackWallet& w : state.wallets) {
    if (w.contact == engine::kNone || w.movements.size() > engine::kCashbackMovementsKept)
      return Status::invalid_argument("snapshot's cashback has a wallet out of range");
    const uint32_t id = w.contact.value();
    if (!wallets_.emplace(id, std::move(w)).second)
      return Status::invalid_argument("snapshot's cashback repeats a wallet");
  }
  for (const CashbackHeld& h : state.held)
    if (h.order.value() == 0 || h.attempt == 0 || h.amount_cents <= 0 ||
        !held_.emplace(std::pair{h.order.value(), h.attempt}, h).second)
      return Status::invalid_argument("snapshot's cashback holds a claim out of range, or one twice");
  return check_invariants(resolve);
}

Status CashbackLedger::check_invariants(const Resolve& resolve) const {
  std::map<uint32_t, int64_t> spent;
  for (const auto& [key, h] : held_) {
    const ContactId to = resolve(h.contact);
    spent[(to != engine::kNone ? to : h.contact).value()] += h.amount_cents;
  }
  for (const auto& [id, w] : wallets_) {
    if (w.balance_cents < 0) return Status::internal(cat("contact ", w.contact, "'s cashback is below 0"));
    const int64_t held = spent.contains(id) ? spent.at(id) : 0;
    if (w.spent_cents != held)
      return Status::internal(
          cat("contact ", w.contact, "'s cashback counts ", w.spent_cents, " cents spent, its claims hold ", held));
    spent.erase(id);
  }
  if (!spent.empty()) return Status::internal("a cashback claim belongs to no wallet");
  return Status::ok();
}

void CashbackLedger::hash_into(engine::Hasher& h) const {
  if (!empty()) h.add(state());  // absent before cashback existed
}

}  // namespace tessera::directory
