// ShardSet and the batch register: steps 2 and 3 of a payment batch
// (engine/commands_batches.h) once the register opened it, and the
// completion at start of the batches a stop or a crash left open.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <map>
#include <string>
#include <utility>

#include "engine/reply_detail.h"
#include "runtime/internal_submit.h"
#include "runtime/shard_set.h"

namespace tessera::runtime {

namespace {

const engine::PaymentBatch* batch_of(const engine::Reply& r) {
  return r.ok() && r.detail ? std::get_if<engine::PaymentBatch>(&r.detail->value) : nullptr;
}

// FreezePayments on every shard holding some of the batch's payments (an
// export: on every shard) at once, then SettlePaymentBatch on shard 0 with
// what they froze and refused; `done` gets the register's reply (the
// settled batch). The parts complete on their shards' threads; the last
// one settles.
class BatchChain final : public Completion {
 public:
  BatchChain(ShardSet& set, engine::PaymentBatch batch, Completion* done)
      : set_(set), batch_(std::move(batch)), done_(done) {}

  void start() {
    const uint32_t shards = set_.size();
    if (batch_.kind == engine::BatchKind::kAccountingExport) {
      for (uint32_t s = 0; s < shards; ++s) add_part(s);
    } else {
      std::map<uint32_t, size_t> part_of;
      for (const engine::BatchItem& item : batch_.items) {
        const uint32_t s = engine::order_shard(item.order) % shards;
        auto [it, fresh] = part_of.emplace(s, parts_.size());
        if (fresh) add_part(s);
        parts_[it->second].freeze.items.push_back(item);
      }
    }
    pending_.store(parts_.size(), std::memory_order_relaxed);
    // Once the last part is submitted, this chain may already be deleted by
    // the last completion: nothing after the loop touches it.
    const size_t count = parts_.size();
    for (size_t i = 0; i < count; ++i) {
      Part& part = parts_[i];
      const engine::Command c{0, part.freeze, batch_.principal};
      if (!submit_internal(set_, c, &part))
        part.complete(
            engine::refuse(engine::ReplyCode::kUnavailable, "stopping: the batch stays open until the next start"));
    }
  }

  // Step 3's reply.
  void complete(engine::Reply&& reply) override {
    done_->complete(std::move(reply));
    delete this;
  }

 private:
  struct Part final : Completion {
    BatchChain* chain = nullptr;
    engine::FreezePayments freeze;
    engine::Reply reply;
    void complete(engine::Reply&& r) override {
      reply = std::move(r);
      chain->part_done();
    }
  };

  void add_part(uint32_t shard) {
    Part& p = parts_.emplace_back();
    p.chain = this;
    p.freeze = engine::FreezePayments{shard, batch_.kind, batch_.number, batch_.at_ms, {}};
  }

  void part_done() {
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) settle();
  }

  void settle() {
    engine::SettlePaymentBatch settle{batch_.kind, batch_.number, {}, {}};
    for (Part& p : parts_) {
      const engine::Reply& r = p.reply;
      if (r.code == engine::ReplyCode::kBusy || r.code == engine::ReplyCode::kUnavailable)
        return complete(engine::Reply(r));  // the batch stays open: the next start completes it
      const auto* got = r.ok() && r.detail ? std::get_if<engine::FrozenPayments>(&r.detail->value) : nullptr;
      if (got == nullptr) {
        for (const engine::BatchItem& i : p.freeze.items)
          settle.refused.push_back(engine::RefusedPayment{i.order, i.payment, r.message});
        continue;
      }
      settle.frozen.insert(settle.frozen.end(), got->frozen.begin(), got->frozen.end());
      settle.refused.insert(settle.refused.end(), got->refused.begin(), got->refused.end());
    }
    if (batch_.kind != engine::BatchKind::kAccountingExport) in_items_order(settle);
    const engine::Command c{0, std::move(settle), batch_.principal};
    if (!submit_internal(set_, c, this))
      complete(engine::refuse(engine::ReplyCode::kUnavailable, "stopping: the batch stays open until the next start"));
  }

  // A deposit's or payout's payments in the order the batch named them.
  void in_items_order(engine::SettlePaymentBatch& s) const {
    std::map<std::pair<uint64_t, uint32_t>, size_t> at;
    for (size_t i = 0; i < batch_.items.size(); ++i) at[{batch_.items[i].order.value(), batch_.items[i].payment}] = i;
    auto rank = [&](engine::OrderId order, uint32_t payment) { return at[{order.value(), payment}]; };
    std::stable_sort(s.frozen.begin(), s.frozen.end(),
                     [&](const auto& a, const auto& b) { return rank(a.order, a.payment) < rank(b.order, b.payment); });
    std::stable_sort(s.refused.begin(), s.refused.end(),
                     [&](const auto& a, const auto& b) { return rank(a.order, a.payment) < rank(b.order, b.payment); });
  }

  ShardSet& set_;
  engine::PaymentBatch batch_;
  Completion* done_;
  std::deque<Part> parts_;  // stable addresses: each part is its own completion
  std::atomic<size_t> pending_{0};
};

}  // namespace

void ShardSet::settle_batch(engine::PaymentBatch batch, Completion* done) {
  (new BatchChain(*this, std::move(batch), done))->start();
}

void ShardSet::settle_batch_of(engine::Reply&& created, Completion* done) {
  const engine::PaymentBatch* b = batch_of(created);
  if (b == nullptr || b->settled) {
    done->complete(std::move(created));
    return;
  }
  settle_batch(*b, done);
}

// Runs before any runner starts (shard 0's state is read directly).
std::vector<engine::PaymentBatch> ShardSet::open_batches() {
  std::vector<engine::PaymentBatch> out = runners_[0]->shard().open_batches();
  if (!out.empty()) std::fprintf(stderr, "tessera: %zu payment batches open at the stop: settling them\n", out.size());
  return out;
}

void ShardSet::complete_open_batches(std::vector<engine::PaymentBatch> open) {
  for (engine::PaymentBatch& b : open) {
    const std::string what = engine::cat(engine::batch_kind_name(b.kind), " ", b.number);
    WaitableCompletion done;
    settle_batch(std::move(b), &done);
    const engine::Reply& r = await(done);
    const engine::PaymentBatch* settled = batch_of(r);
    if (settled == nullptr || !settled->settled)
      std::fprintf(stderr, "tessera: %s not settled: %s\n", what.c_str(), r.message.c_str());
  }
}

}  // namespace tessera::runtime
