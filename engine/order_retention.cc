// Confirmed orders of past performances leaving memory: archiving and the
// sweep of the order slots.
#include "engine/order_retention.h"

#include <algorithm>
#include <limits>

#include "engine/limits.h"

namespace tessera::engine {

namespace {

// Orders retired in one slice at most: each builds its history record
// (about 1 µs), so a slice pauses the shard about 2 ms, not the 19 ms that
// 16,384 retirements took (bench/orders_bench.cc, BM_RetentionSweep).
constexpr uint32_t kRetireOrdersPerSliceMax = 2'048;

}  // namespace

Reply OrderRetention::check(const SetOrderRetention& c) const {
  if (c.retain_ms != 0 && (c.retain_ms < kOrderRetentionMsMin || c.retain_ms > kOrderRetentionMsMax))
    return refuse(ReplyCode::kInvalidArgument,
                  cat("order retention ", c.retain_ms, " ms must be 0 (keep confirmed orders in memory) or from ",
                      kOrderRetentionMsMin, " ms (an hour) to ", kOrderRetentionMsMax, " ms (ten years)"));
  return Reply{};
}

Reply OrderRetention::on(const SetOrderRetention& c) {
  Reply r = check(c);
  if (!r.ok()) return r;
  state_.retain_ms = c.retain_ms;
  next_due_known_ = false;
  return r;
}

int64_t OrderRetention::next_due() {
  if (next_due_known_) return next_due_;
  next_due_ = std::numeric_limits<int64_t>::max();
  if (state_.retain_ms != 0) {
    const auto& performances = stock_.performances().items();
    for (uint32_t pi = 0; pi < performances.size(); ++pi) {
      const int64_t start = performances[pi].definition.starts_at_ms;
      if (start != 0 && !stock_.archived(pi)) next_due_ = std::min(next_due_, start + state_.retain_ms);
    }
  }
  next_due_known_ = true;
  return next_due_;
}

bool OrderRetention::retirable(const Order& order) const {
  if (order.state != OrderState::kConfirmed || order.lines.empty()) return false;
  return std::all_of(order.lines.begin(), order.lines.end(),
                     [this](const OrderLine& l) { return stock_.archived(l.performance_index); });
}

uint32_t OrderRetention::advance(uint32_t budget) {
  budget = std::min(budget, kRetireOrdersPerSliceMax);
  uint32_t work = 0;
  if (state_.retain_ms != 0 && next_due() <= now_ms_) {
    const auto& performances = stock_.performances().items();
    for (uint32_t pi = 0; pi < performances.size(); ++pi) {
      const int64_t start = performances[pi].definition.starts_at_ms;
      if (start == 0 || stock_.archived(pi) || start + state_.retain_ms > now_ms_) continue;
      stock_.archive(pi);
      state_.archived.push_back(pi);
      ++work;
    }
    next_due_known_ = false;
    // Orders of the newly archived performances may sit anywhere, behind
    // the cursor of a sweep already running too: start again from slot 0.
    state_.sweeping = true;
    state_.sweep_next = 0;
  }
  if (!state_.sweeping || work >= budget) return std::min(work, budget);
  OrderTable& table = book_.table();
  const uint32_t end = std::min<uint64_t>(table.slot_count(), uint64_t{state_.sweep_next} + kRetireSlotsPerSlice);
  uint32_t slot = state_.sweep_next;
  for (; slot < end && work < budget; ++slot)
    if (retirable(table.at(slot))) {
      book_.retire(slot);
      ++work;
    }
  state_.sweep_next = slot;
  if (slot >= table.slot_count()) {
    state_.sweeping = false;
    state_.sweep_next = 0;
  }
  // A slice that only moved the cursor still changed the state: it counts,
  // so the runner logs it and replay repeats it.
  return std::max<uint32_t>(work, 1);
}

Status OrderRetention::restore(RetentionState state) {
  if (state.retain_ms != 0 && (state.retain_ms < kOrderRetentionMsMin || state.retain_ms > kOrderRetentionMsMax))
    return Status::invalid_argument("snapshot has an order retention out of range");
  for (uint32_t pi : state.archived)
    if (pi >= stock_.performances().size() || stock_.archived(pi))
      return Status::invalid_argument("snapshot archives an unknown performance, or one twice");
  if (state.sweeping && state.sweep_next > book_.table().slot_count())
    return Status::invalid_argument("snapshot has a retention sweep past the order slots");
  for (uint32_t pi : state.archived) stock_.archive(pi);
  state_ = std::move(state);
  next_due_known_ = false;
  return Status();
}

}  // namespace tessera::engine
