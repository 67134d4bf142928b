// Cashback across threads and stops, on the real RocksDB log with two shards
// and the contact directory (engine/commands_cashback.h): many orders on both
// shards spending one contact's cashback at once never spend more than it
// has; a claim taken but not paid is completed by the next start; a claim
// paid but not noted is noted without paying twice; cashback given back
// reaches the contact through the pump, also after a restart.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "engine/reply_detail.h"
#include "tests/storage/money_engine_fixture.h"

namespace tessera::storage::cashback_recovery_test {
namespace {

using namespace tessera::engine;

const CashbackUse* use_of(const Reply& r) { return r.detail ? std::get_if<CashbackUse>(&r.detail->value) : nullptr; }

class CashbackRecovery : public MoneyEngineTest {
 protected:
  void set_up(DurableEngine& e, int64_t credit_cents) {
    load_demo(e);
    const Reply r = e.shards->call(Command{0, CreditCashback{ContactId{7}, credit_cents, "welcome"}});
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
  // ApplyCashback and the server's chain after it.
  static Reply apply(DurableEngine& e, OrderId order, int64_t cents) {
    runtime::WaitableCompletion done;
    e.shards->claim_cashback_of(e.shards->call(Command{0, ApplyCashback{order, cents}}), &done);
    return std::move(done.wait());
  }
  static CashbackAccount account(DurableEngine& e) {
    const Reply r = e.shards->call(Command{0, GetCashback{ContactId{7}}});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? std::get<CashbackAccount>(r.detail->value) : CashbackAccount{};
  }
};

TEST_F(CashbackRecovery, ManyOrdersOnBothShardsSpendingAtOnceNeverSpendMoreThanTheContactHas) {
  constexpr uint32_t kOrders = 48, kThreads = 4;
  DurableEngine e = open();
  set_up(e, 10 * 1000);  // ten claims of 10.00
  std::vector<OrderId> orders;
  for (uint32_t i = 0; i < kOrders; ++i) orders.push_back(option(e, i % 2 == 0 ? 1000 : 1001));
  std::vector<Reply> replies(kOrders);
  std::atomic<uint32_t> next{0};
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (uint32_t i; (i = next.fetch_add(1)) < kOrders;) replies[i] = apply(e, orders[i], 1000);
    });
  for (std::thread& t : threads) t.join();

  uint32_t applied = 0;
  std::vector<OrderId> holding;
  for (uint32_t i = 0; i < kOrders; ++i) {
    if (replies[i].ok()) {
      ++applied;
      holding.push_back(orders[i]);
      EXPECT_EQ(record(e, orders[i]).cashback_cents, 1000);
    } else {
      EXPECT_EQ(replies[i].code, ReplyCode::kSoldOut) << replies[i].message;
      EXPECT_EQ(record(e, orders[i]).cashback_cents, 0);
      EXPECT_FALSE(record(e, orders[i]).cashback_pending);
    }
  }
  EXPECT_EQ(applied, 10u);
  CashbackAccount a = account(e);
  EXPECT_EQ(a.balance_cents, 0);
  EXPECT_EQ(a.spent_cents, 10 * 1000);

  // Released, the holders give their cashback back through the pump.
  for (OrderId id : holding) ASSERT_TRUE(e.shards->call(Command{0, Release{id}}).ok());
  const Reply pumped = e.shards->pump_cashback_returns();
  ASSERT_TRUE(pumped.ok()) << pumped.message;  // (the server's own pump may have taken some first)
  a = account(e);
  EXPECT_EQ(a.balance_cents, 10 * 1000);
  EXPECT_EQ(a.spent_cents, 0);
  const Reply again = apply(e, option(e, 1001), 2500);
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(use_of(again)->balance_cents, 7500) << "the client's answer says what the contact has left";
  EXPECT_EQ(account(e).balance_cents, 7500);
}

TEST_F(CashbackRecovery, AClaimTakenButNotPaidIsCompletedByTheNextStart) {
  OrderId id;
  {
    DurableEngine e = open();
    set_up(e, 3000);
    id = option(e, 1001);
    // Step 1 only: the stop comes before the server sends the claim.
    const Reply taken = e.shards->call(Command{0, ApplyCashback{id, 1200}});
    ASSERT_TRUE(taken.ok()) << taken.message;
    ASSERT_EQ(use_of(taken)->state, PromoState::kPending);
    EXPECT_TRUE(record(e, id).cashback_pending);
  }
  DurableEngine e = open();
  const OrderRecord r = record(e, id);
  EXPECT_FALSE(r.cashback_pending);
  EXPECT_EQ(r.cashback_cents, 1200) << "the start paid and noted the claim";
  EXPECT_EQ(r.to_pay_cents, 6000 - 1200);
  EXPECT_EQ(account(e).balance_cents, 1800);
}

TEST_F(CashbackRecovery, AClaimPaidButNotNotedIsNotedWithoutPayingTwice) {
  OrderId id;
  {
    DurableEngine e = open();
    set_up(e, 3000);
    id = option(e, 1000);
    const Reply taken = e.shards->call(Command{0, ApplyCashback{id, 2000}});
    ASSERT_TRUE(taken.ok()) << taken.message;
    const Reply paid = e.shards->call(Command{0, ClaimCashback{use_of(taken)->claim}});
    ASSERT_TRUE(paid.ok()) << paid.message;
    EXPECT_EQ(account(e).balance_cents, 1000);
  }
  DurableEngine e = open();
  EXPECT_EQ(record(e, id).cashback_cents, 2000);
  const CashbackAccount a = account(e);
  EXPECT_EQ(a.balance_cents, 1000) << "paid once, before the stop";
  EXPECT_EQ(a.spent_cents, 2000);
  EXPECT_EQ(apply(e, option(e, 1001), 1001).code, ReplyCode::kSoldOut);
}

TEST_F(CashbackRecovery, CashbackGivenBackBeforeAStopReachesTheContactAfterIt) {
  OrderId id;
  {
    DurableEngine e = open();
    set_up(e, 3000);
    id = option(e, 1001);
    ASSERT_TRUE(apply(e, id, 3000).ok());
    ASSERT_TRUE(e.shards->call(Command{0, Release{id}}).ok());
    // The stop comes before the pump's next pass (it runs every 250 ms):
    // the return waits in shard 1's outbox, logged with the release.
  }
  DurableEngine e = open();
  const Reply pumped = e.shards->pump_cashback_returns();
  ASSERT_TRUE(pumped.ok()) << pumped.message;
  EXPECT_EQ(account(e).balance_cents, 3000);
  EXPECT_EQ(e.shards->pump_cashback_returns().value, 0) << "taken once";
  EXPECT_TRUE(apply(e, option(e, 1000), 3000).ok());
}

}  // namespace
}  // namespace tessera::storage::cashback_recovery_test
