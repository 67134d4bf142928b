// ShardSet and the promo register: steps 2 and 3 of applying a promo code
// (engine/commands_promo.h) once the order's shard took its claim, the
// completion at start of the claims a stop or a crash left pending, and the
// pump of the uses orders give back.
#include <algorithm>
#include <cstdio>

#include "engine/reply_detail.h"
#include "runtime/internal_submit.h"
#include "runtime/outbox_pump.h"
#include "runtime/shard_set.h"

namespace tessera::runtime {

namespace {

const engine::Promo* promo_of(const engine::Reply& r) {
  return r.detail ? std::get_if<engine::Promo>(&r.detail->value) : nullptr;
}

// ClaimPromoUse on shard 0, then NotePromoClaim on the order's shard;
// `done` gets the register's refusal, or the order's reply with the code
// applied. Each step runs on the thread completing the one before.
class ClaimChain final : public Completion {
 public:
  ClaimChain(ShardSet& set, engine::PromoClaim claim, Completion* done)
      : set_(set), claim_(std::move(claim)), done_(done) {}

  void start() {
    const engine::Command c{0, engine::ClaimPromoUse{claim_}, claim_.principal};
    if (!submit_internal(set_, c, this))
      finish(engine::refuse(engine::ReplyCode::kUnavailable,
                            "stopping: the promo claim stays pending until the next start"));
  }

  void complete(engine::Reply&& reply) override {
    if (step_ == Step::kClaim) {
      step_ = Step::kNote;
      const engine::Promo* granted = reply.ok() ? promo_of(reply) : nullptr;
      // A register refusal the client must see; kBusy/kUnavailable: the
      // claim stays pending (a retry or the next start completes it).
      const bool transient = reply.code == engine::ReplyCode::kBusy || reply.code == engine::ReplyCode::kUnavailable;
      if (transient) return finish(std::move(reply));
      if (granted == nullptr) refusal_ = std::move(reply);
      const engine::Command c{
          0,
          engine::NotePromoClaim{claim_.order, claim_.attempt, granted != nullptr, granted ? granted->amount_cents : 0,
                                 granted ? granted->percent : 0},
          claim_.principal};
      if (!submit_internal(set_, c, this))
        finish(engine::refuse(engine::ReplyCode::kUnavailable,
                              "stopping: the promo claim is noted on the order at the next start"));
      return;
    }
    if (!refusal_.ok()) return finish(std::move(refusal_));
    const engine::Promo* noted = reply.ok() ? promo_of(reply) : nullptr;
    if (noted != nullptr && noted->state != engine::PromoState::kApplied)
      return finish(engine::refuse(engine::ReplyCode::kInvalidState, reply.message));
    finish(std::move(reply));
  }

 private:
  enum class Step { kClaim, kNote };

  void finish(engine::Reply&& reply) {
    done_->complete(std::move(reply));
    delete this;
  }

  ShardSet& set_;
  engine::PromoClaim claim_;
  Completion* done_;
  Step step_ = Step::kClaim;
  engine::Reply refusal_;  // ok: none
};

}  // namespace

void ShardSet::claim_promo(engine::PromoClaim claim, Completion* done) {
  (new ClaimChain(*this, std::move(claim), done))->start();
}

void ShardSet::claim_promo_of(engine::Reply&& taken, Completion* done) {
  const engine::Promo* p = taken.ok() ? promo_of(taken) : nullptr;
  if (p == nullptr || p->state != engine::PromoState::kPending) {
    done->complete(std::move(taken));
    return;
  }
  claim_promo(p->claim, done);
}

// Runs before any runner starts (their state is read directly).
std::vector<engine::PromoClaim> ShardSet::pending_promo_claims() {
  std::vector<engine::PromoClaim> out;
  for (auto& runner : runners_)
    for (engine::PromoClaim& c : runner->shard().pending_promo_claims()) out.push_back(std::move(c));
  if (!out.empty())
    std::fprintf(stderr, "tessera: %zu promo claims taken before the stop: completing them\n", out.size());
  return out;
}

void ShardSet::complete_pending_promo_claims(std::vector<engine::PromoClaim> pending) {
  for (engine::PromoClaim& c : pending) {
    const engine::OrderId order = c.order;
    WaitableCompletion done;
    claim_promo(std::move(c), &done);
    const engine::Reply& r = done.wait();
    if (r.code == engine::ReplyCode::kBusy || r.code == engine::ReplyCode::kUnavailable)
      std::fprintf(stderr, "tessera: order %llu's promo claim not completed: %s\n",
                   static_cast<unsigned long long>(order.value()), r.message.c_str());
  }
}

engine::Reply ShardSet::pump_promo_returns() {
  std::lock_guard lock(pump_mutex_);
  return pump_outbox<engine::GetPromoReturns, engine::PromoReturns, engine::ReturnPromoUses,
                     &engine::PromoReturns::returns, engine::kPromoReturnsPerReplyMax>(*this, promo_taken_);
}

}  // namespace tessera::runtime
