// Promo-code uses across threads and stops, on the real RocksDB log with
// two shards (engine/commands_promo.h): many orders on both shards claiming
// one code at once never use it beyond its limit; a claim taken but not
// counted is completed by the next start; a claim counted but not noted is
// noted without a second use; uses given back reach the register through
// the pump, also after a restart.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "engine/reply_detail.h"
#include "tests/storage/money_engine_fixture.h"

namespace tessera::storage::promo_recovery_test {
namespace {

using namespace tessera::engine;

const Promo* promo_of(const Reply& r) { return r.detail ? std::get_if<Promo>(&r.detail->value) : nullptr; }

class PromoRecovery : public MoneyEngineTest {
 protected:
  void set_up(DurableEngine& e, uint32_t max_uses) {
    load_demo(e);
    const Reply r = e.shards->call(Command{0, DefinePromoCode{"RUSH", 1000, 0, 0, 0, max_uses, kNone, 0}});
    ASSERT_TRUE(r.ok()) << r.message;
  }
  OrderId option(DurableEngine& e, PerformanceId performance) {
    const Reply r = e.shards->call(Command{0, Book{BookingKind::kOption,
                                                   7,
                                                   workload::kBoxOffice,
                                                   {workload::demo_line(performance, workload::kProductRelease, 1, 1)},
                                                   clock_.now_ms() + 5 * kDay}});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  // ApplyPromoCode and the server's chain after it.
  static Reply apply(DurableEngine& e, OrderId order) {
    runtime::WaitableCompletion done;
    e.shards->claim_promo_of(e.shards->call(Command{0, ApplyPromoCode{order, "RUSH"}}), &done);
    return std::move(done.wait());
  }
  static uint32_t uses(DurableEngine& e) {
    const Reply r = e.shards->call(Command{0, ListPromoCodes{"", 0}});
    EXPECT_TRUE(r.ok()) << r.message;
    const auto& codes = std::get<PromoCodes>(r.detail->value).codes;
    return codes.empty() ? 0 : codes[0].uses;
  }
};

TEST_F(PromoRecovery, ManyOrdersOnBothShardsClaimingAtOnceNeverPassTheLimit) {
  constexpr uint32_t kLimit = 10, kOrders = 48, kThreads = 4;
  DurableEngine e = open();
  set_up(e, kLimit);
  std::vector<OrderId> orders;
  for (uint32_t i = 0; i < kOrders; ++i) orders.push_back(option(e, i % 2 == 0 ? 1000 : 1001));
  std::vector<Reply> replies(kOrders);
  std::atomic<uint32_t> next{0};
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (uint32_t i; (i = next.fetch_add(1)) < kOrders;) replies[i] = apply(e, orders[i]);
    });
  for (std::thread& t : threads) t.join();

  uint32_t applied = 0, sold_out = 0;
  std::vector<OrderId> holding;
  for (uint32_t i = 0; i < kOrders; ++i) {
    if (replies[i].ok()) {
      ++applied;
      holding.push_back(orders[i]);
      EXPECT_EQ(record(e, orders[i]).reduction_cents, 1000);
    } else {
      EXPECT_EQ(replies[i].code, ReplyCode::kSoldOut) << replies[i].message;
      ++sold_out;
      EXPECT_EQ(record(e, orders[i]).promo_code, "");
    }
  }
  EXPECT_EQ(applied, kLimit);
  EXPECT_EQ(sold_out, kOrders - kLimit);
  EXPECT_EQ(uses(e), kLimit);

  // Released, the holders give their uses back through the pump.
  for (OrderId id : holding) ASSERT_TRUE(e.shards->call(Command{0, Release{id}}).ok());
  const Reply pumped = e.shards->pump_promo_returns();
  ASSERT_TRUE(pumped.ok()) << pumped.message;
  EXPECT_EQ(uses(e), 0u);
  const OrderId later = option(e, 1001);
  EXPECT_TRUE(apply(e, later).ok());
  EXPECT_EQ(uses(e), 1u);
}

TEST_F(PromoRecovery, AClaimTakenButNotCountedIsCompletedByTheNextStart) {
  OrderId id;
  {
    DurableEngine e = open();
    set_up(e, 1);
    id = option(e, 1001);
    // Step 1 only: the stop comes before the server sends the claim.
    const Reply taken = e.shards->call(Command{0, ApplyPromoCode{id, "rush"}});
    ASSERT_TRUE(taken.ok()) << taken.message;
    ASSERT_EQ(promo_of(taken)->state, PromoState::kPending);
    EXPECT_TRUE(record(e, id).promo_pending);
  }
  DurableEngine e = open();
  const OrderRecord r = record(e, id);
  EXPECT_FALSE(r.promo_pending);
  EXPECT_EQ(r.promo_code, "RUSH") << "the start counted and noted the claim";
  EXPECT_EQ(r.reduction_cents, 1000);
  EXPECT_EQ(uses(e), 1u);
}

TEST_F(PromoRecovery, AClaimCountedButNotNotedIsNotedWithoutASecondUse) {
  OrderId id, other;
  {
    DurableEngine e = open();
    set_up(e, 1);
    id = option(e, 1000);
    other = option(e, 1001);
    const Reply taken = e.shards->call(Command{0, ApplyPromoCode{id, "RUSH"}});
    ASSERT_TRUE(taken.ok()) << taken.message;
    const Reply counted = e.shards->call(Command{0, ClaimPromoUse{promo_of(taken)->claim}});
    ASSERT_TRUE(counted.ok()) << counted.message;
    EXPECT_EQ(uses(e), 1u);
  }
  DurableEngine e = open();
  EXPECT_EQ(record(e, id).promo_code, "RUSH");
  EXPECT_EQ(uses(e), 1u) << "counted once, before the stop";
  const Reply r = apply(e, other);
  EXPECT_EQ(r.code, ReplyCode::kSoldOut) << r.message;
}

TEST_F(PromoRecovery, AUseGivenBackBeforeAStopReachesTheRegisterAfterIt) {
  OrderId id;
  {
    DurableEngine e = open();
    set_up(e, 1);
    id = option(e, 1001);
    ASSERT_TRUE(apply(e, id).ok());
    ASSERT_TRUE(e.shards->call(Command{0, Release{id}}).ok());
    // The stop comes before the pump's next pass (it runs every 250 ms):
    // the return waits in shard 1's outbox, logged with the release.
  }
  DurableEngine e = open();
  const Reply pumped = e.shards->pump_promo_returns();
  ASSERT_TRUE(pumped.ok()) << pumped.message;
  EXPECT_EQ(uses(e), 0u);
  EXPECT_EQ(e.shards->pump_promo_returns().value, 0) << "taken once";
  EXPECT_TRUE(apply(e, option(e, 1000)).ok());
}

}  // namespace
}  // namespace tessera::storage::promo_recovery_test
