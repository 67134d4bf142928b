// ShardSet and the owners of reductions: steps 2 and 3 of applying a promo
// code (engine/commands_promo.h: the promo register, shard 0), cashback
// (engine/commands_cashback.h: the contact directory) or a sponsor
// (engine/commands_sponsorship.h: the directory checks) once the order's
// shard took its claim, the completion at start of the claims a stop or a
// crash left pending, and the pumps of what orders give back.
#include <algorithm>
#include <cstdio>

#include "engine/reply_detail.h"
#include "runtime/internal_submit.h"
#include "runtime/outbox_pump.h"
#include "runtime/shard_set.h"

namespace tessera::runtime {

namespace {

// What differs between the two claims: the owner's step, the order's note.
struct PromoSteps {
  using Claim = engine::PromoClaim;
  using Detail = engine::Promo;
  static constexpr const char* kWhat = "promo claim";
  static engine::CommandBody take(const Claim& c) { return engine::ClaimPromoUse{c}; }
  static engine::CommandBody note(const Claim& c, const Detail* granted) {
    return engine::NotePromoClaim{c.order, c.attempt, granted != nullptr, granted ? granted->amount_cents : 0,
                                  granted ? granted->percent : 0};
  }
  static engine::Reply answer(engine::Reply&& noted, const Detail&) { return std::move(noted); }
};

struct CashbackSteps {
  using Claim = engine::CashbackClaim;
  using Detail = engine::CashbackUse;
  static constexpr const char* kWhat = "cashback claim";
  static engine::CommandBody take(const Claim& c) { return engine::ClaimCashback{c}; }
  static engine::CommandBody note(const Claim& c, const Detail* granted) {
    return engine::NoteCashbackClaim{c.order, c.attempt, granted != nullptr};
  }
  // The order's answer, with the contact's balance the directory left.
  static engine::Reply answer(engine::Reply&& noted, const Detail& granted) {
    const auto* use = noted.detail ? std::get_if<Detail>(&noted.detail->value) : nullptr;
    if (use == nullptr) return std::move(noted);
    Detail out = *use;
    out.balance_cents = granted.balance_cents;
    noted.detail = std::make_shared<const engine::ReplyDetail>(engine::ReplyDetail{std::move(out)});
    return std::move(noted);
  }
};

struct SponsorSteps {
  using Claim = engine::SponsorClaim;
  using Detail = engine::SponsorUse;
  static constexpr const char* kWhat = "sponsor claim";
  static engine::CommandBody take(const Claim& c) { return engine::CheckSponsor{c}; }
  static engine::CommandBody note(const Claim& c, const Detail* granted) {
    return engine::NoteSponsor{c.order, c.attempt, granted != nullptr};
  }
  static engine::Reply answer(engine::Reply&& noted, const Detail&) { return std::move(noted); }
};

template <typename Steps>
const typename Steps::Detail* detail_of(const engine::Reply& r) {
  return r.ok() && r.detail ? std::get_if<typename Steps::Detail>(&r.detail->value) : nullptr;
}

// The owner's step, then the note on the order's shard; `done` gets the
// owner's refusal, or the order's reply with the reduction applied. Each
// step runs on the thread completing the one before.
template <typename Steps>
class ClaimChain final : public Completion {
 public:
  ClaimChain(ShardSet& set, typename Steps::Claim claim, Completion* done)
      : set_(set), claim_(std::move(claim)), done_(done) {}

  void start() {
    const engine::Command c{0, Steps::take(claim_), claim_.principal};
    if (!submit_internal(set_, c, this))
      finish(engine::refuse(engine::ReplyCode::kUnavailable,
                            cat("stopping: the ", Steps::kWhat, " stays pending until the next start")));
  }

  void complete(engine::Reply&& reply) override {
    if (step_ == Step::kClaim) {
      step_ = Step::kNote;
      const typename Steps::Detail* granted = detail_of<Steps>(reply);
      // An owner's refusal the client must see; kBusy/kUnavailable: the
      // claim stays pending (a retry or the next start completes it).
      const bool transient = reply.code == engine::ReplyCode::kBusy || reply.code == engine::ReplyCode::kUnavailable;
      if (transient) return finish(std::move(reply));
      if (granted == nullptr) {
        refusal_ = std::move(reply);
      } else {
        granted_ = *granted;
      }
      const engine::Command c{0, Steps::note(claim_, granted), claim_.principal};
      if (!submit_internal(set_, c, this))
        finish(engine::refuse(engine::ReplyCode::kUnavailable,
                              cat("stopping: the ", Steps::kWhat, " is noted on the order at the next start")));
      return;
    }
    if (!refusal_.ok()) return finish(std::move(refusal_));
    const typename Steps::Detail* noted = detail_of<Steps>(reply);
    if (noted != nullptr && noted->state != engine::PromoState::kApplied)
      return finish(engine::refuse(engine::ReplyCode::kInvalidState, reply.message));
    finish(Steps::answer(std::move(reply), granted_));
  }

 private:
  enum class Step { kClaim, kNote };

  void finish(engine::Reply&& reply) {
    done_->complete(std::move(reply));
    delete this;
  }

  ShardSet& set_;
  typename Steps::Claim claim_;
  Completion* done_;
  Step step_ = Step::kClaim;
  engine::Reply refusal_;           // ok: none
  typename Steps::Detail granted_;  // the owner's grant (step 2)
};

// The reply of the order's step (ApplyPromoCode, ApplyCashback): a pending
// claim goes on to the owner, any other reply is `done`'s as it is.
template <typename Steps>
void continue_claim(ShardSet& set, engine::Reply&& taken, Completion* done) {
  const typename Steps::Detail* p = detail_of<Steps>(taken);
  if (p == nullptr || p->state != engine::PromoState::kPending) {
    done->complete(std::move(taken));
    return;
  }
  (new ClaimChain<Steps>(set, p->claim, done))->start();
}

// Runs once everything runs: each claim completed one after the other.
template <typename Steps>
void complete_claims(ShardSet& set, std::vector<typename Steps::Claim> pending) {
  for (typename Steps::Claim& c : pending) {
    const engine::OrderId order = c.order;
    WaitableCompletion done;
    (new ClaimChain<Steps>(set, std::move(c), &done))->start();
    const engine::Reply& r = set.await(done);
    if (r.code == engine::ReplyCode::kBusy || r.code == engine::ReplyCode::kUnavailable)
      std::fprintf(stderr, "tessera: order %llu's %s not completed: %s\n",
                   static_cast<unsigned long long>(order.value()), Steps::kWhat, r.message.c_str());
  }
}

}  // namespace

void ShardSet::claim_promo(engine::PromoClaim claim, Completion* done) {
  (new ClaimChain<PromoSteps>(*this, std::move(claim), done))->start();
}

void ShardSet::claim_promo_of(engine::Reply&& taken, Completion* done) {
  continue_claim<PromoSteps>(*this, std::move(taken), done);
}

void ShardSet::claim_cashback_of(engine::Reply&& taken, Completion* done) {
  continue_claim<CashbackSteps>(*this, std::move(taken), done);
}

void ShardSet::claim_sponsor_of(engine::Reply&& taken, Completion* done) {
  continue_claim<SponsorSteps>(*this, std::move(taken), done);
}

// Runs before any runner starts (their state is read directly).
ShardSet::PendingClaims ShardSet::pending_claims() {
  PendingClaims out;
  for (auto& runner : runners_) {
    for (engine::PromoClaim& c : runner->shard().pending_promo_claims()) out.promo.push_back(std::move(c));
    for (engine::CashbackClaim& c : runner->shard().pending_cashback_claims()) out.cashback.push_back(std::move(c));
    for (engine::SponsorClaim& c : runner->shard().pending_sponsor_claims()) out.sponsor.push_back(std::move(c));
  }
  if (!out.promo.empty() || !out.cashback.empty() || !out.sponsor.empty())
    std::fprintf(stderr,
                 "tessera: %zu promo, %zu cashback and %zu sponsor claims taken before the stop: completing them\n",
                 out.promo.size(), out.cashback.size(), out.sponsor.size());
  return out;
}

void ShardSet::complete_pending_claims(PendingClaims pending) {
  complete_claims<PromoSteps>(*this, std::move(pending.promo));
  complete_claims<CashbackSteps>(*this, std::move(pending.cashback));
  complete_claims<SponsorSteps>(*this, std::move(pending.sponsor));
}

engine::Reply ShardSet::pump_promo_returns() {
  std::lock_guard lock(pump_mutex_);
  return pump_outbox<engine::GetPromoReturns, engine::PromoReturns, engine::ReturnPromoUses,
                     &engine::PromoReturns::returns, engine::kPromoReturnsPerReplyMax>(*this, promo_taken_);
}

engine::Reply ShardSet::pump_cashback_returns() {
  if (!directory_) return engine::refuse(engine::ReplyCode::kUnavailable, "this server runs no contact directory");
  std::lock_guard lock(pump_mutex_);
  return pump_outbox<engine::GetCashbackReturns, engine::CashbackReturns, engine::ReturnCashback,
                     &engine::CashbackReturns::returns, engine::kCashbackReturnsPerReplyMax>(*this, cashback_taken_);
}

}  // namespace tessera::runtime
