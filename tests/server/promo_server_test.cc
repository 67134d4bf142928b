// Promo codes through the real server process on its RocksDB data
// directory: 4 back-office clients and a web shop applying one code with a
// limit to orders of both shards at once use it exactly up to its limit;
// the reduction is on the order page to the cent and printed on the
// invoice's PDF; a released order's use comes back within the pump's
// interval and survives a SIGKILL; a web shop needs its hold token and
// cannot define codes.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "engine/reply_detail.h"
#include "net/client.h"
#include "net/result_code.h"
#include "tests/net/net_test_support.h"
#include "tests/server/pdf_text.h"
#include "tests/server/server_process.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

// A namespace of its own: unity builds compile this file with the other
// server tests, whose anonymous namespaces hold the same helper names.
namespace tessera::server::promo_test {
namespace {

using namespace tessera::engine;
using testing::now_ms;
using testing_support::pdf_text;
using testing_support::ServerProcess;

constexpr int64_t kDayMs = 86'400'000;

net::ClientReply one(net::Client& c, CommandBody body, HoldToken token = {}) {
  Command command{0, std::move(body)};
  command.hold_token = token;
  return testing::one(c, std::move(command));
}

const Promo* promo_of(const Reply& r) { return r.detail ? std::get_if<Promo>(&r.detail->value) : nullptr; }

class PromoServer : public ::testing::Test {
 protected:
  void start() {
    server_ = std::make_unique<ServerProcess>(
        dir_.path() + "/data", std::vector<std::string>{"--token", "w:webshop", "--time-zone", "Europe/Paris",
                                                        "--language", "fr", "--export-dir", dir_.path() + "/exports"});
    ASSERT_NE(server_->port(), 0) << "server did not start";
    office_ = server_->client("t");
    ASSERT_TRUE(office_);
  }
  // An option of `units` × 60.00 on `performance` (1001: shard 0's, 2000: shard 1's).
  OrderId option(net::Client& c, PerformanceId performance, uint32_t units = 2) {
    const Reply r = one(c, Book{BookingKind::kOption,
                                7,
                                workload::kBoxOffice,
                                {workload::demo_line(performance, performance.value() / 1000, 1, units)},
                                now_ms() + 10 * kDayMs});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  uint32_t uses(const std::string& code) {
    const Reply r = one(*office_, ListPromoCodes{"", 0});
    EXPECT_TRUE(r.ok()) << r.message;
    for (const PromoCodeUses& c : std::get<PromoCodes>(r.detail->value).codes)
      if (c.definition.code == code) return c.uses;
    return 0;
  }
  OrderRecord record(OrderId id) {
    const Reply r = one(*office_, GetOrderRecord{id});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? std::get<OrderRecord>(r.detail->value) : OrderRecord{};
  }
  // Waits (at most 5 s) for the code's uses to reach `expected`.
  bool uses_become(const std::string& code, uint32_t expected) {
    for (int i = 0; i < 100; ++i) {
      if (uses(code) == expected) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  testing_support::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<net::Client> office_;
};

TEST_F(PromoServer, ClientsApplyingOneCodeAtOnceUseItUpToItsLimit_AndAReleasedOrderGivesItsUseBack) {
  start();
  constexpr uint32_t kLimit = 12, kOrders = 40, kClients = 4;
  ASSERT_TRUE(one(*office_, DefinePromoCode{"rush-2027", 0, 10, 0, 0, kLimit, kNone, 0}).ok());
  std::vector<OrderId> orders;
  for (uint32_t i = 0; i < kOrders; ++i) orders.push_back(option(*office_, i % 2 == 0 ? 1001 : 2000));

  std::vector<Reply> replies(kOrders);
  std::atomic<uint32_t> next{0};
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kClients; ++t)
    threads.emplace_back([&] {
      auto c = server_->client("t");
      ASSERT_TRUE(c);
      for (uint32_t i; (i = next.fetch_add(1)) < kOrders;) replies[i] = one(*c, ApplyPromoCode{orders[i], "RUSH-2027"});
    });
  for (std::thread& t : threads) t.join();
  std::vector<OrderId> holding;
  for (uint32_t i = 0; i < kOrders; ++i) {
    if (replies[i].ok()) {
      holding.push_back(orders[i]);
      ASSERT_NE(promo_of(replies[i]), nullptr);
      EXPECT_EQ(promo_of(replies[i])->state, PromoState::kApplied);
      EXPECT_EQ(promo_of(replies[i])->reduction_cents, 1200);
      EXPECT_EQ(promo_of(replies[i])->to_pay_cents, 10800);
    } else {
      EXPECT_EQ(replies[i].code, ReplyCode::kSoldOut) << replies[i].message;
    }
  }
  EXPECT_EQ(holding.size(), kLimit);
  EXPECT_EQ(uses("RUSH-2027"), kLimit);
  const OrderRecord rec = record(holding.front());
  EXPECT_EQ(rec.promo_code, "RUSH-2027");
  EXPECT_EQ(rec.reduction_cents, 1200);
  EXPECT_EQ(rec.to_pay_cents, 10800);

  // Released, two holders give their uses back through the pump.
  ASSERT_TRUE(one(*office_, Release{holding[0]}).ok());
  ASSERT_TRUE(one(*office_, Release{holding[1]}).ok());
  EXPECT_TRUE(uses_become("RUSH-2027", kLimit - 2)) << uses("RUSH-2027");

  // The count survives a SIGKILL: the two free uses are taken again, no more.
  server_->stop(SIGKILL);
  server_.reset();
  start();
  EXPECT_EQ(uses("RUSH-2027"), kLimit - 2);
  uint32_t applied = 0;
  for (OrderId id : orders) applied += one(*office_, ApplyPromoCode{id, "RUSH-2027"}).ok();
  EXPECT_EQ(applied, kLimit) << "the 10 live holders answer again (the same code), and two more take the free uses";
  EXPECT_EQ(uses("RUSH-2027"), kLimit);
}

TEST_F(PromoServer, TheInvoiceShowsTheReduction_AndAWebShopAppliesCodesToItsOwnCartsOnly) {
  start();
  ASSERT_TRUE(one(*office_, DefinePromoCode{"MOINS20", 2000, 0, 0, 0, 0, kNone, 0}).ok());
  const OrderId id = option(*office_, 1000, 2);
  const net::ClientReply applied = one(*office_, ApplyPromoCode{id, "moins20"});
  ASSERT_TRUE(applied.ok()) << applied.message;
  ASSERT_TRUE(one(*office_, AddPayment{id, PaymentMode::kCard, 10000, 0, kNone, kNone, {}, {}, {}}).ok());
  const net::ClientReply issued = one(*office_, IssueInvoice{id});
  ASSERT_TRUE(issued.ok()) << issued.message;
  const Invoices& inv = std::get<Invoices>(issued.detail->value);
  ASSERT_EQ(inv.documents.size(), 1u);
  EXPECT_EQ(inv.documents[0].reduction_cents, 2000);
  EXPECT_EQ(inv.documents[0].total_cents, 10000);
  const std::string text = pdf_text(inv.file);
  for (const std::string expected : {"Code promo MOINS20", "-20,00", "100,00", "120,00"})
    EXPECT_NE(text.find(expected), std::string::npos) << "lacks \"" << expected << "\":\n" << text;

  auto shop = server_->client("w");
  ASSERT_TRUE(shop);
  EXPECT_EQ(one(*shop, DefinePromoCode{"SHOP", 100, 0, 0, 0, 0, kNone, 0}).code, net::kForbidden);
  const net::ClientReply cart = one(*shop, Hold{7, workload::kWeb, {workload::demo_line(2000, 2, 1, 1)}, 600'000});
  ASSERT_TRUE(cart.ok()) << cart.message;
  EXPECT_NE(one(*shop, ApplyPromoCode{cart.order, "MOINS20"}).code, ReplyCode::kOk) << "no hold token";
  const net::ClientReply own = one(*shop, ApplyPromoCode{cart.order, "MOINS20"}, cart.hold_token);
  ASSERT_TRUE(own.ok()) << own.message;
  EXPECT_EQ(promo_of(own)->reduction_cents, 2000);
  EXPECT_EQ(promo_of(own)->to_pay_cents, static_cast<int64_t>(record(cart.order).total_cents) - 2000);
  EXPECT_NE(one(*shop, ApplyPromoCode{id, "MOINS20"}).code, ReplyCode::kOk) << "another's order";
}

}  // namespace
}  // namespace tessera::server::promo_test
