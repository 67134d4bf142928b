// History checker (sim/history_checker.h): hand-written histories for each
// rule of the quota model and of real-time order, outcome-unknown operations,
// malformed input, the search bound, and randomized histories played from a
// real concurrent execution (which must pass) with one reply mutated (checked
// against a brute-force search over every order of at most 7 operations).
#include "sim/history_checker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace tessera::sim {
namespace {

constexpr uint64_t kKey = 1;

Operation hold(uint32_t client, int64_t call, int64_t ret, uint32_t quantity, uint64_t id, bool ok,
               uint64_t key = kKey) {
  return {.client = client,
          .key = key,
          .kind = OpKind::kHold,
          .call = call,
          .ret = ret,
          .quantity = quantity,
          .hold = id,
          .ok = ok};
}
Operation release(uint32_t client, int64_t call, int64_t ret, uint32_t quantity, uint64_t id, bool ok,
                  uint64_t key = kKey) {
  return {.client = client,
          .key = key,
          .kind = OpKind::kRelease,
          .call = call,
          .ret = ret,
          .quantity = quantity,
          .hold = id,
          .ok = ok};
}
Operation read(uint32_t client, int64_t call, int64_t ret, int64_t value, uint64_t key = kKey) {
  return {.client = client, .key = key, .kind = OpKind::kRead, .call = call, .ret = ret, .value = value};
}

CheckResult check(int64_t capacity, std::vector<Operation> ops) {
  return check_quota_history({{kKey, capacity}}, std::move(ops));
}
bool proven_violation(const CheckResult& r) { return !r.linearizable && !r.gave_up && !r.malformed; }

// ---------------------------------------------------------------------------
// Hand-written histories

TEST(HistoryChecker, EmptyAndSequentialHistories_Pass) {
  EXPECT_TRUE(check(5, {}).linearizable);
  const CheckResult r = check(5, {hold(1, 0, 1, 2, 10, true), read(2, 2, 3, 3), hold(1, 4, 5, 3, 11, true),
                                  hold(2, 6, 7, 1, 12, false), release(1, 8, 9, 2, 10, true), read(1, 10, 11, 2),
                                  release(2, 12, 13, 2, 10, false), hold(2, 14, 15, 2, 13, true)});
  EXPECT_TRUE(r.linearizable) << r.explanation;
  EXPECT_FALSE(r.gave_up);
  EXPECT_GT(r.states_visited, 0u);
}

TEST(HistoryChecker, HoldAfterStockExhaustedByCompletedHolds_Fails) {
  const CheckResult r = check(3, {hold(1, 0, 1, 2, 10, true), hold(2, 2, 3, 1, 11, true), hold(3, 4, 5, 1, 12, true)});
  EXPECT_TRUE(proven_violation(r));
  EXPECT_EQ(r.key, kKey);
  EXPECT_NE(r.explanation.find("key 1"), std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("hold by client 3 [4, 5] #12 of 1 -> held"), std::string::npos) << r.explanation;
  EXPECT_NE(r.explanation.find("available when it was due: 0"), std::string::npos) << r.explanation;
}

TEST(HistoryChecker, OverlappingHolds_EitherOrderWorks_Pass) {
  // Both fit together in either order.
  EXPECT_TRUE(check(3, {hold(1, 0, 10, 2, 10, true), hold(2, 1, 5, 1, 11, true), read(3, 11, 12, 0)}).linearizable);
  // Only one fits: whichever got it, the other was refused.
  EXPECT_TRUE(check(2, {hold(1, 0, 10, 2, 10, true), hold(2, 1, 5, 2, 11, false)}).linearizable);
  EXPECT_TRUE(check(2, {hold(1, 0, 10, 2, 10, false), hold(2, 1, 5, 2, 11, true)}).linearizable);
  // But not both.
  EXPECT_TRUE(proven_violation(check(2, {hold(1, 0, 10, 2, 10, true), hold(2, 1, 5, 2, 11, true)})));
}

TEST(HistoryChecker, RefusedHoldWithStockAndNoOverlap_Fails) {
  const CheckResult r = check(5, {hold(1, 0, 1, 2, 10, true), hold(2, 2, 3, 1, 11, false)});
  EXPECT_TRUE(proven_violation(r));
  EXPECT_NE(r.explanation.find("#11 of 1 -> refused"), std::string::npos) << r.explanation;
  // Refused before anything was taken.
  EXPECT_TRUE(proven_violation(check(2, {hold(2, 0, 1, 1, 11, false), hold(1, 2, 3, 2, 10, true)})));
}

TEST(HistoryChecker, RefusedHoldConcurrentWithHoldThatTookTheStock_Passes) {
  EXPECT_TRUE(check(2, {hold(1, 0, 10, 2, 10, true), hold(2, 5, 6, 1, 11, false)}).linearizable);
  // A read inside the same window that saw the stock still there is fine too.
  EXPECT_TRUE(check(2, {hold(1, 0, 10, 2, 10, true), read(3, 1, 2, 2), hold(2, 5, 6, 1, 11, false)}).linearizable);
  // Not if the read came after the refusal.
  EXPECT_TRUE(proven_violation(check(2, {hold(1, 0, 10, 2, 10, true), hold(2, 5, 6, 1, 11, false), read(3, 7, 8, 2)})));
}

TEST(HistoryChecker, TouchingIntervals_AreConcurrent) {
  // Calls sort before returns at equal times: the read at [5, 6] may precede the hold returning at 5.
  EXPECT_TRUE(check(1, {hold(1, 0, 5, 1, 10, true), read(2, 5, 6, 1)}).linearizable);
  EXPECT_TRUE(proven_violation(check(1, {hold(1, 0, 5, 1, 10, true), read(2, 6, 7, 1)})));
  // Instantaneous operations are fine.
  EXPECT_TRUE(check(1, {hold(1, 3, 3, 1, 10, true), read(2, 3, 3, 0)}).linearizable);
}

TEST(HistoryChecker, UnknownHold_ReadsSeeEitherValue_Pass) {
  const Operation maybe = hold(1, 0, kNever, 2, 10, false);
  EXPECT_TRUE(check(5, {maybe, read(2, 10, 11, 5)}).linearizable);                      // not (yet) applied
  EXPECT_TRUE(check(5, {maybe, read(2, 10, 11, 3)}).linearizable);                      // applied
  EXPECT_TRUE(check(5, {maybe, read(2, 10, 11, 5), read(2, 12, 13, 3)}).linearizable);  // applied late
  // Once applied it stays applied.
  EXPECT_TRUE(proven_violation(check(5, {maybe, read(2, 10, 11, 3), read(2, 12, 13, 5)})));
  // It cannot apply before it was sent.
  EXPECT_TRUE(proven_violation(check(5, {read(2, 0, 1, 3), hold(1, 2, kNever, 2, 10, true)})));
}

TEST(HistoryChecker, UnknownHolds_ReadThatNoSubsetExplains_Fails) {
  // Holds of 1 and 3 from 7, outcomes unknown: a later read may see 7, 6, 4 or 3, nothing else.
  const std::vector<Operation> maybe = {hold(1, 0, kNever, 1, 10, false), hold(2, 1, kNever, 3, 11, false)};
  for (int64_t seen : {7, 6, 4, 3}) {
    std::vector<Operation> ops = maybe;
    ops.push_back(read(3, 10, 11, seen));
    const CheckResult r = check(7, ops);
    EXPECT_TRUE(r.linearizable) << seen << ": " << r.explanation;
  }
  for (int64_t seen : {8, 5, 2, 0, -1}) {
    std::vector<Operation> ops = maybe;
    ops.push_back(read(3, 10, 11, seen));
    const CheckResult r = check(7, ops);
    EXPECT_TRUE(proven_violation(r)) << seen;
    EXPECT_NE(r.explanation.find("read by client 3 [10, 11] -> " + std::to_string(seen)), std::string::npos)
        << r.explanation;
  }
  // Reads over time: each value must follow from the last by holds applying.
  std::vector<Operation> ops = maybe;
  ops.push_back(read(3, 10, 11, 6));
  ops.push_back(read(3, 12, 13, 3));
  EXPECT_TRUE(check(7, ops).linearizable);
  ops.back().value = 4;  // 6 -> 4 would need the 1 to unapply
  EXPECT_TRUE(proven_violation(check(7, ops)));
}

TEST(HistoryChecker, EffectDeadline_BoundsWhenAnUnknownOpCanApply) {
  Operation maybe = hold(1, 0, kNever, 2, 10, false);
  const std::vector<Operation> late = {read(2, 20, 21, 5), read(2, 30, 31, 3)};  // applied between 21 and 30
  std::vector<Operation> ops = late;
  ops.push_back(maybe);
  EXPECT_TRUE(check(5, ops).linearizable);
  maybe.effect_deadline = 25;
  ops.back() = maybe;
  EXPECT_TRUE(check(5, ops).linearizable);
  maybe.effect_deadline = 10;
  ops.back() = maybe;
  const CheckResult r = check(5, ops);
  EXPECT_TRUE(proven_violation(r));
  EXPECT_NE(r.explanation.find("read by client 2 [30, 31] -> 3"), std::string::npos) << r.explanation;
  // Calls before deadlines at equal times: it may apply at 30.
  maybe.effect_deadline = 30;
  ops.back() = maybe;
  EXPECT_TRUE(check(5, ops).linearizable);
  // Never applying is still allowed.
  EXPECT_TRUE(check(5, {maybe, read(2, 40, 41, 5)}).linearizable);
  EXPECT_TRUE(check(5, {maybe, read(2, 40, 41, 3)}).linearizable);
  // Dropped at its deadline, it cannot be released later.
  EXPECT_TRUE(
      proven_violation(check(5, {maybe, read(2, 1, 2, 5), read(2, 40, 41, 5), release(1, 50, 51, 2, 10, true)})));
  EXPECT_NE(to_string(maybe).find("[0, never, effect by 30]"), std::string::npos) << to_string(maybe);
}

TEST(HistoryChecker, ReleaseOfLiveHold_RestoresStock) {
  const std::vector<Operation> base = {hold(1, 0, 1, 3, 10, true), read(2, 2, 3, 2), release(1, 4, 5, 3, 10, true),
                                       read(2, 6, 7, 5)};
  EXPECT_TRUE(check(5, base).linearizable);
  std::vector<Operation> wrong_between = base;
  wrong_between[1].value = 5;
  EXPECT_TRUE(proven_violation(check(5, wrong_between)));
  std::vector<Operation> wrong_after = base;
  wrong_after[3].value = 2;
  EXPECT_TRUE(proven_violation(check(5, wrong_after)));
  // A read overlapping the release may see either side.
  EXPECT_TRUE(check(5, {hold(1, 0, 1, 3, 10, true), release(1, 4, 9, 3, 10, true), read(2, 5, 6, 2)}).linearizable);
  EXPECT_TRUE(check(5, {hold(1, 0, 1, 3, 10, true), release(1, 4, 9, 3, 10, true), read(2, 5, 6, 5)}).linearizable);
}

TEST(HistoryChecker, ReleaseOutcomes_MustMatchLiveness) {
  // Releasing a hold that never held, or twice, fails; refusing to release a live hold fails.
  EXPECT_TRUE(proven_violation(check(5, {hold(1, 0, 1, 9, 10, false), release(1, 2, 3, 9, 10, true)})));
  EXPECT_TRUE(proven_violation(check(5, {release(1, 2, 3, 1, 99, true)})));
  EXPECT_TRUE(proven_violation(
      check(5, {hold(1, 0, 1, 2, 10, true), release(1, 2, 3, 2, 10, true), release(2, 4, 5, 2, 10, true)})));
  EXPECT_TRUE(proven_violation(check(5, {hold(1, 0, 1, 2, 10, true), release(1, 2, 3, 2, 10, false)})));
  // Two concurrent releases of one hold: exactly one succeeds.
  EXPECT_TRUE(check(5, {hold(1, 0, 1, 2, 10, true), release(1, 2, 6, 2, 10, true), release(2, 3, 5, 2, 10, false)})
                  .linearizable);
  EXPECT_TRUE(proven_violation(
      check(5, {hold(1, 0, 1, 2, 10, true), release(1, 2, 6, 2, 10, false), release(2, 3, 5, 2, 10, false)})));
  // A release sent before its hold was answered may come first and fail.
  EXPECT_TRUE(check(5, {hold(1, 0, 4, 2, 10, true), release(1, 1, 2, 2, 10, false), read(2, 5, 6, 3)}).linearizable);
}

TEST(HistoryChecker, ReleaseOfUnknownHold_TheModelDecides) {
  const Operation maybe = hold(1, 0, kNever, 2, 10, false);
  // Released: the hold must have applied first; then the stock is back.
  EXPECT_TRUE(check(5, {maybe, release(1, 5, 6, 2, 10, true), read(2, 7, 8, 5)}).linearizable);
  EXPECT_TRUE(proven_violation(check(5, {maybe, release(1, 5, 6, 2, 10, true), read(2, 7, 8, 3)})));
  // It may apply after a read that did not see it, but not after a successful release of it.
  EXPECT_TRUE(check(5, {maybe, read(2, 1, 2, 5), release(1, 5, 6, 2, 10, true), read(2, 7, 8, 5)}).linearizable);
  EXPECT_TRUE(proven_violation(check(5, {hold(1, 7, kNever, 2, 10, false), release(1, 5, 6, 2, 10, true)})));
  // Not released: it had not applied yet (and may apply later) or never.
  EXPECT_TRUE(check(5, {maybe, release(1, 5, 6, 2, 10, false), read(2, 7, 8, 5)}).linearizable);
  EXPECT_TRUE(check(5, {maybe, release(1, 5, 6, 2, 10, false), read(2, 7, 8, 3)}).linearizable);
  // A release whose outcome is unknown of a known hold: stock back or not, nothing in between.
  const std::vector<Operation> base = {hold(1, 0, 1, 2, 10, true), release(1, 2, kNever, 2, 10, false)};
  for (int64_t seen : {3, 5}) {
    std::vector<Operation> ops = base;
    ops.push_back(read(2, 5, 6, seen));
    EXPECT_TRUE(check(5, ops).linearizable) << seen;
  }
  std::vector<Operation> ops = base;
  ops.push_back(read(2, 5, 6, 4));
  EXPECT_TRUE(proven_violation(check(5, ops)));
  // Unknown hold and unknown release: applied-and-released, applied, or not.
  for (int64_t seen : {5, 3}) {
    EXPECT_TRUE(check(5, {maybe, release(1, 1, kNever, 2, 10, false), read(2, 5, 6, seen)}).linearizable) << seen;
  }
}

TEST(HistoryChecker, KeysAreIndependent) {
  const std::map<uint64_t, int64_t> capacity = {{1, 2}, {2, 2}};
  EXPECT_TRUE(check_quota_history(capacity, {hold(1, 0, 1, 2, 10, true, 1), hold(2, 2, 3, 2, 11, true, 2),
                                             read(3, 4, 5, 0, 1), read(3, 4, 5, 0, 2)})
                  .linearizable);
  const CheckResult r = check_quota_history(
      capacity, {hold(1, 0, 1, 2, 10, true, 1), hold(2, 2, 3, 1, 11, true, 2), read(3, 4, 5, 0, 2)});
  EXPECT_TRUE(proven_violation(r));
  EXPECT_EQ(r.key, 2u);
  EXPECT_NE(r.explanation.find("key 2"), std::string::npos) << r.explanation;
}

TEST(HistoryChecker, MalformedHistories_AreReportedNotSearched) {
  auto expect_malformed = [](const std::map<uint64_t, int64_t>& capacity, std::vector<Operation> ops) {
    const CheckResult r = check_quota_history(capacity, std::move(ops));
    EXPECT_TRUE(r.malformed) << r.explanation;
    EXPECT_FALSE(r.linearizable);
    EXPECT_NE(r.explanation.find("malformed"), std::string::npos);
  };
  expect_malformed({{kKey, 5}}, {hold(1, 0, 1, 1, 10, true), hold(2, 2, 3, 1, 10, true)});  // id reused
  expect_malformed({{kKey, 5}}, {hold(1, 5, 4, 1, 10, true)});                              // returns before call
  expect_malformed({{kKey, 5}}, {hold(1, kNever, kNever, 1, 10, true)});
  Operation deadline_before_call = hold(1, 5, kNever, 1, 10, true);
  deadline_before_call.effect_deadline = 4;
  expect_malformed({{kKey, 5}}, {deadline_before_call});
  expect_malformed({{kKey, 5}}, {hold(1, 0, 1, 2, 10, true), release(1, 2, 3, 1, 10, true)});  // quantity differs
  expect_malformed({{1, 5}, {2, 5}}, {hold(1, 0, 1, 2, 10, true, 1), release(1, 2, 3, 2, 10, true, 2)});
  expect_malformed({{kKey, 5}}, {hold(1, 0, 1, 2, 10, true, 7)});  // no capacity
}

// 14 concurrent holds of 1 that all succeed, then a read no subset explains:
// the search must visit every subset of the holds to prove it.
std::vector<Operation> wide_violation(uint64_t key) {
  std::vector<Operation> ops;
  for (uint32_t i = 0; i < 14; ++i) ops.push_back(hold(i, i, 100, 1, key * 100 + i, true, key));
  ops.push_back(read(20, 200, 201, 7, key));
  return ops;
}

TEST(HistoryChecker, BoundReached_GivesUpWithoutVerdict) {
  const CheckResult limited = check_quota_history({{kKey, 20}}, wide_violation(kKey), 1'000);
  EXPECT_TRUE(limited.gave_up);
  EXPECT_FALSE(limited.linearizable);
  EXPECT_FALSE(limited.malformed);
  EXPECT_NE(limited.explanation.find("gave up"), std::string::npos);
  const CheckResult full = check_quota_history({{kKey, 20}}, wide_violation(kKey));
  EXPECT_TRUE(proven_violation(full)) << full.explanation;
  EXPECT_EQ(full.states_visited, (uint64_t{1} << 14) - 1);  // every nonempty subset
  EXPECT_NE(full.explanation.find("read by client 20 [200, 201] -> 7"), std::string::npos) << full.explanation;
  EXPECT_NE(full.explanation.find("available when it was due: 6"), std::string::npos) << full.explanation;
  // A proven violation on one key wins over a give-up on another.
  std::vector<Operation> ops = wide_violation(1);
  ops.push_back(hold(1, 0, 1, 5, 999, true, 2));
  const CheckResult both = check_quota_history({{1, 20}, {2, 3}}, ops, 1'000);
  EXPECT_TRUE(proven_violation(both)) << both.explanation;
  EXPECT_EQ(both.key, 2u);
  // A pass within the bound is a pass.
  EXPECT_TRUE(check_quota_history({{kKey, 20}}, {hold(1, 0, 1, 1, 10, true)}, 1).linearizable);
}

// ---------------------------------------------------------------------------
// Randomized histories

// Small histories per brute-force comparison test.
constexpr uint64_t kSeeds = 1'500;

struct History {
  std::map<uint64_t, int64_t> capacity;
  std::vector<Operation> ops;
};

struct ExecutionShape {
  int ops = 7;
  int keys = 1;
  int clients = 3;
  int64_t capacity_min = 0, capacity_max = 4;
  double unknown_rate = 0.15;
  double deadline_rate = 0.5;  // of outcome-unknown ops, those that carry their effect deadline
  int64_t duration_max = 8;
};

// Plays a real concurrent execution: each operation takes effect at one
// random instant inside its interval (an outcome-unknown one at a random
// instant up to its effect deadline, or never), in instant order against the sequential
// model, and records what its client saw. Such a history is linearizable.
History play_execution(uint64_t seed, const ExecutionShape& shape) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  History h;
  for (int k = 1; k <= shape.keys; ++k) h.capacity[k] = uniform(shape.capacity_min, shape.capacity_max);
  std::vector<int64_t> next_call(static_cast<size_t>(shape.clients), 0);
  std::vector<std::pair<int64_t, size_t>> effects;  // (instant, op index)
  std::vector<size_t> holds;
  for (int i = 0; i < shape.ops; ++i) {
    Operation op;
    op.client = static_cast<uint32_t>(uniform(0, shape.clients - 1));
    op.key = static_cast<uint64_t>(uniform(1, shape.keys));
    op.call = next_call[op.client] + uniform(0, 3);
    const int64_t roll = uniform(0, 9);
    if (roll < 5 || holds.empty()) {
      op.kind = OpKind::kHold;
      op.quantity = static_cast<uint32_t>(uniform(1, 3));
      op.hold = 1000 + static_cast<uint64_t>(i);
      holds.push_back(h.ops.size());
    } else if (roll < 8) {
      const Operation& target = h.ops[holds[static_cast<size_t>(uniform(0, static_cast<int64_t>(holds.size()) - 1))]];
      op.kind = OpKind::kRelease;
      op.key = target.key;
      op.quantity = target.quantity;
      op.hold = target.hold;
    } else {
      op.kind = OpKind::kRead;
    }
    if (uniform(0, 999) >= static_cast<int64_t>(shape.unknown_rate * 1000)) {
      const int64_t duration = uniform(0, shape.duration_max);
      op.ret = op.call + duration;
      effects.emplace_back(op.call + uniform(0, duration), h.ops.size());
      next_call[op.client] = op.ret;
    } else {
      op.ret = kNever;
      if (uniform(0, 999) < static_cast<int64_t>(shape.deadline_rate * 1000)) {
        op.effect_deadline = op.call + 4 * shape.duration_max;
      }
      if (uniform(0, 1) == 0) effects.emplace_back(op.call + uniform(0, 4 * shape.duration_max), h.ops.size());
      next_call[op.client] = op.call + uniform(0, shape.duration_max);
    }
    h.ops.push_back(op);
  }
  std::sort(effects.begin(), effects.end());
  std::map<uint64_t, int64_t> available = h.capacity;
  std::map<uint64_t, uint32_t> live;  // hold id -> quantity
  for (const auto& [instant, index] : effects) {
    Operation& op = h.ops[index];
    int64_t& avail = available[op.key];
    switch (op.kind) {
      case OpKind::kHold:
        op.ok = avail >= op.quantity;
        if (op.ok) avail -= op.quantity, live[op.hold] = op.quantity;
        break;
      case OpKind::kRelease:
        op.ok = live.erase(op.hold) == 1;
        if (op.ok) avail += op.quantity;
        break;
      case OpKind::kRead:
        op.value = avail;
        break;
    }
    if (op.ret == kNever) op.ok = false, op.value = 0;  // the client never saw it
  }
  std::shuffle(h.ops.begin(), h.ops.end(), rng);
  return h;
}

// Whether `order` (indexes into ops, one key) respects real time and gives every known reply.
bool order_explains(const std::vector<Operation>& ops, const std::vector<size_t>& order, int64_t capacity) {
  // The latest instant each op can take effect: its reply, or its effect deadline.
  auto latest = [](const Operation& op) { return op.ret != kNever ? op.ret : op.effect_deadline; };
  for (size_t i = 0; i < order.size(); ++i) {
    for (size_t j = i + 1; j < order.size(); ++j) {
      if (latest(ops[order[j]]) < ops[order[i]].call) return false;
    }
  }
  int64_t avail = capacity;
  std::map<uint64_t, uint32_t> live;
  std::map<uint64_t, uint32_t> quantity_of;
  for (const Operation& op : ops) {
    if (op.kind == OpKind::kHold) quantity_of[op.hold] = op.quantity;
  }
  for (size_t index : order) {
    const Operation& op = ops[index];
    const bool known = op.ret != kNever;
    switch (op.kind) {
      case OpKind::kHold: {
        const bool fits = avail >= op.quantity;
        if (known && fits != op.ok) return false;
        if (fits) avail -= op.quantity, live[op.hold] = op.quantity;
        break;
      }
      case OpKind::kRelease: {
        const bool was_live = live.erase(op.hold) == 1;
        if (known && was_live != op.ok) return false;
        if (was_live) avail += quantity_of[op.hold];
        break;
      }
      case OpKind::kRead:
        if (known && avail != op.value) return false;
        break;
    }
  }
  return true;
}

// Tries every order of the known operations plus every subset of the unknown ones.
bool brute_force_linearizable(const History& h) {
  std::map<uint64_t, std::vector<Operation>> by_key;
  for (const Operation& op : h.ops) by_key[op.key].push_back(op);
  for (const auto& [key, ops] : by_key) {
    std::vector<size_t> known, unknown;
    for (size_t i = 0; i < ops.size(); ++i) (ops[i].ret == kNever ? unknown : known).push_back(i);
    bool found = false;
    for (uint32_t mask = 0; mask < (1u << unknown.size()) && !found; ++mask) {
      std::vector<size_t> order = known;
      for (size_t u = 0; u < unknown.size(); ++u) {
        if (mask & (1u << u)) order.push_back(unknown[u]);
      }
      std::sort(order.begin(), order.end());
      do {
        found = order_explains(ops, order, h.capacity.at(key));
      } while (!found && std::next_permutation(order.begin(), order.end()));
    }
    if (!found) return false;
  }
  return true;
}

// Changes one known reply: flips a hold's or release's outcome, or makes a read see another value.
void mutate_one_reply(History& h, std::mt19937_64& rng) {
  std::vector<size_t> known;
  for (size_t i = 0; i < h.ops.size(); ++i) {
    if (h.ops[i].ret != kNever) known.push_back(i);
  }
  if (known.empty()) return;
  Operation& op = h.ops[known[std::uniform_int_distribution<size_t>(0, known.size() - 1)(rng)]];
  if (op.kind != OpKind::kRead) {
    op.ok = !op.ok;
    return;
  }
  const int64_t was = op.value;
  while (op.value == was) op.value = std::uniform_int_distribution<int64_t>(-1, h.capacity.at(op.key) + 3)(rng);
}

std::string dump(const History& h) {
  std::string s;
  for (const auto& [key, cap] : h.capacity) s += "capacity " + std::to_string(key) + " = " + std::to_string(cap) + "\n";
  for (const Operation& op : h.ops) s += "key " + std::to_string(op.key) + ": " + to_string(op) + "\n";
  return s;
}

TEST(HistoryChecker, RandomRealExecutions_Pass) {
  const ExecutionShape shape{.ops = 60, .keys = 2, .clients = 5, .capacity_min = 2, .capacity_max = 10};
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    const History h = play_execution(seed, shape);
    const CheckResult r = check_quota_history(h.capacity, h.ops);
    ASSERT_TRUE(r.linearizable) << "seed " << seed << ": " << r.explanation << "\n" << dump(h);
  }
}

TEST(HistoryChecker, RandomSmallHistoriesWithOneMutatedReply_AgreeWithBruteForce) {
  int caught = 0, survived = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const ExecutionShape shape{.ops = static_cast<int>(3 + seed % 5), .clients = static_cast<int>(2 + seed % 3)};
    History h = play_execution(seed, shape);
    ASSERT_TRUE(check_quota_history(h.capacity, h.ops).linearizable) << "seed " << seed << "\n" << dump(h);
    std::mt19937_64 rng(seed);
    mutate_one_reply(h, rng);
    const bool expected = brute_force_linearizable(h);
    const CheckResult r = check_quota_history(h.capacity, h.ops);
    ASSERT_FALSE(r.gave_up || r.malformed) << "seed " << seed << ": " << r.explanation;
    ASSERT_EQ(r.linearizable, expected) << "seed " << seed << ": " << r.explanation << "\n" << dump(h);
    (expected ? survived : caught) += 1;
  }
  // The mutations must mostly make histories impossible, or this test proves little.
  EXPECT_GT(caught, 500);
  EXPECT_GT(survived, 20);
}

TEST(HistoryChecker, RandomArbitrarySmallHistories_AgreeWithBruteForce) {
  int linearizable = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    std::mt19937_64 rng(seed);
    auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    History h;
    h.capacity[kKey] = uniform(0, 4);
    const int64_t count = uniform(1, 7);
    std::vector<uint32_t> quantity;  // of the hold each op index would be
    for (int64_t i = 0; i < count; ++i) quantity.push_back(static_cast<uint32_t>(uniform(1, 3)));
    for (int64_t i = 0; i < count; ++i) {
      const int64_t call = uniform(0, 12);
      const int64_t ret = uniform(0, 4) == 0 ? kNever : call + uniform(0, 6);
      Operation op;
      switch (uniform(0, 2)) {
        case 0:
          op = hold(1, call, ret, quantity[static_cast<size_t>(i)], static_cast<uint64_t>(10 + i), uniform(0, 1));
          break;
        case 1: {  // names the hold of any op index: maybe not a hold at all
          const int64_t target = uniform(0, count - 1);
          op = release(2, call, ret, quantity[static_cast<size_t>(target)], static_cast<uint64_t>(10 + target),
                       uniform(0, 1));
          break;
        }
        default:
          op = read(3, call, ret, uniform(-1, 4));
      }
      if (ret == kNever && uniform(0, 1) == 0) op.effect_deadline = call + uniform(0, 8);
      h.ops.push_back(op);
    }
    const bool expected = brute_force_linearizable(h);
    const CheckResult r = check_quota_history(h.capacity, h.ops);
    ASSERT_FALSE(r.gave_up || r.malformed) << "seed " << seed << ": " << r.explanation;
    ASSERT_EQ(r.linearizable, expected) << "seed " << seed << ": " << r.explanation << "\n" << dump(h);
    linearizable += expected ? 1 : 0;
  }
  EXPECT_GT(linearizable, 100);
}

// Checks seeds 1..seeds of `shape` (all must pass) and prints each time.
void check_timed(const char* name, const ExecutionShape& shape, uint64_t seeds) {
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    const History h = play_execution(seed, shape);
    const auto start = std::chrono::steady_clock::now();
    const CheckResult r = check_quota_history(h.capacity, h.ops);
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(r.linearizable) << name << " seed " << seed << ": " << r.explanation;
    std::printf("%s, seed %llu: %.2f ms, %llu states\n", name, static_cast<unsigned long long>(seed), took.count(),
                static_cast<unsigned long long>(r.states_visited));
  }
}

TEST(HistoryChecker, TwoThousandOpsTenKeysEightClients_Pass) {
  check_timed("2,000 ops / 10 keys / 8 clients",
              {.ops = 2'000,
               .keys = 10,
               .clients = 8,
               .capacity_min = 5,
               .capacity_max = 30,
               .unknown_rate = 0.02,
               .duration_max = 20},
              5);
}

TEST(HistoryChecker, TwoThousandOpsOneHotKeyWithEffectDeadlines_Pass) {
  check_timed("2,000 ops / 1 key / 8 clients / 5% unknown with deadlines",
              {.ops = 2'000,
               .keys = 1,
               .clients = 8,
               .capacity_min = 5,
               .capacity_max = 30,
               .unknown_rate = 0.05,
               .deadline_rate = 1.0,
               .duration_max = 20},
              3);
}

}  // namespace
}  // namespace tessera::sim
