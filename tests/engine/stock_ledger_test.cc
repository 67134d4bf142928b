// StockLedger on its own: set-up of performances and their GA stock, the
// quotas a line resolves to, consume (every line or none, contact limits
// included), give_back, and check_invariants() catching counters that no
// longer match the live orders.
#include "engine/stock_ledger.h"

#include <gtest/gtest.h>

#include "tests/engine/owners_fixture.h"

namespace tessera::engine {
namespace {

using namespace owners_test;

constexpr PerformanceId kLedgerPerf = 1000;  // product 1, GA 500/300/200, capacity 1000

class StockLedgerTest : public testing::Test {
 protected:
  StockLedgerTest() {
    define_demo_catalog(ledger_.catalog);
    define_ga_performance(ledger_.stock, kLedgerPerf);
  }
  StockLedger& stock() { return ledger_.stock; }
  uint32_t open_used(CategoryId c) const { return ledger_.open_quota(kLedgerPerf, c).used; }
  uint32_t capacity_used() const {
    return ledger_.stock.quotas()[ledger_.stock.performances().find(kLedgerPerf)->capacity_quota].used;
  }
  void expect_invariants() {
    const Status s = ledger_.stock.check_invariants();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
  }

  Ledger ledger_;
};

TEST_F(StockLedgerTest, Consume_TakesEveryLineOrNone_AndClearsTheLinesOnRefusal) {
  Order order;
  order.channel = kWeb;
  order.contact = 7;
  ASSERT_TRUE(stock()
                  .validate_lines({line(kLedgerPerf, 1, 4), line(kLedgerPerf, 2, 5), line(kLedgerPerf, 3, 201)}, kWeb,
                                  7, &order.lines)
                  .ok());
  ASSERT_EQ(order.lines.size(), 3u);
  const uint64_t before = ledger_.hash();
  const Reply r = stock().consume(order);
  EXPECT_EQ(r.code, ReplyCode::kSoldOut);
  EXPECT_NE(r.message.find("200 available, 201 asked"), std::string::npos) << r.message;
  EXPECT_TRUE(order.lines.empty());
  EXPECT_EQ(ledger_.hash(), before) << "the first two lines were not given back";
  EXPECT_EQ(open_used(1), 0u);
  EXPECT_EQ(capacity_used(), 0u);
  expect_invariants();
}

TEST_F(StockLedgerTest, Consume_CountsALineUnderEveryQuotaThatApplies) {
  ASSERT_TRUE(stock().on(SetChannelCap{kLedgerPerf, kWeb, 10}).ok());
  const Reply r = ledger_.place({line(kLedgerPerf, 1, 4), line(kLedgerPerf, 3, 2)});
  ASSERT_TRUE(r.ok()) << r.message;
  const Order& o = *ledger_.table.find(r.order);
  const QuotaSet set = stock().quotas_of(o.lines[0], kWeb);
  EXPECT_EQ(set.count, 3u);  // open sale of category 1, performance capacity, web cap
  const Performance& p = *stock().performances().find(kLedgerPerf);
  EXPECT_EQ(open_used(1), 4u);
  EXPECT_EQ(open_used(3), 2u);
  EXPECT_EQ(capacity_used(), 6u);
  EXPECT_EQ(stock().quotas()[p.channel_quota(kWeb)].used, 6u);
  EXPECT_EQ(stock().quotas_of(o.lines[0], kBoxOffice).count, 2u);  // no cap on the box office
  // The web cap is now the tightest quota of a web line.
  EXPECT_EQ(ledger_.available(kLedgerPerf, 2, kWeb), 4);
  EXPECT_EQ(ledger_.available(kLedgerPerf, 2, kBoxOffice), 300);
  expect_invariants();
}

TEST_F(StockLedgerTest, Consume_ContactLimitRefusalGivesBackTheEarlierLinesAndTheirContactUnits) {
  constexpr PerformanceId kLimited = 1001;
  define_ga_performance(stock(), kLimited, 0, 5);
  ASSERT_TRUE(ledger_.place({line(kLimited, 1, 2)}, 7).ok());
  const uint32_t pi = stock().index_of(*stock().performances().find(kLimited));
  EXPECT_EQ(stock().contact_available(pi, 7), 3u);
  EXPECT_EQ(stock().contact_available(pi, 8), 5u);

  const uint64_t before = ledger_.hash();
  const Reply r = ledger_.place({line(kLimited, 2, 3), line(kLimited, 3, 1)}, 7);
  EXPECT_EQ(r.code, ReplyCode::kLimitExceeded) << r.message;
  EXPECT_EQ(ledger_.hash(), before);
  EXPECT_EQ(stock().contact_available(pi, 7), 3u) << "the first line's contact units were kept";
  expect_invariants();
  // Another contact is not limited by contact 7's units.
  EXPECT_TRUE(ledger_.place({line(kLimited, 2, 3), line(kLimited, 3, 1)}, 8).ok());
  EXPECT_EQ(stock().contact_available(pi, 8), 1u);
  expect_invariants();
}

TEST_F(StockLedgerTest, GiveBack_ReturnsUnitsToEveryQuotaAndTheContactCounter) {
  constexpr PerformanceId kLimited = 1001;
  define_ga_performance(stock(), kLimited, 900, 6);
  const Reply r = ledger_.place({line(kLimited, 1, 6)}, 7);
  ASSERT_TRUE(r.ok()) << r.message;
  Order& o = *ledger_.table.find(r.order);
  const uint32_t pi = o.lines[0].performance_index;
  EXPECT_EQ(stock().contact_available(pi, 7), 0u);
  stock().give_back(o, o.lines[0], 2);
  o.lines[0].quantity = 4;
  EXPECT_EQ(stock().contact_available(pi, 7), 2u);
  EXPECT_EQ(ledger_.open_quota(kLimited, 1).used, 4u);
  EXPECT_EQ(ledger_.available(kLimited, 1), 496);
  expect_invariants();
}

TEST_F(StockLedgerTest, ValidateLines_ResolvesIndexesAndChannelPricesAndTakesNothing) {
  define_ga_performance(stock(), 1001);
  OrderLines out;
  const uint64_t before = ledger_.hash();
  ASSERT_TRUE(stock().validate_lines({line(1001, 1, 2), line(kLedgerPerf, 2, 1)}, kWeb, 7, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].performance_index, 1u);
  EXPECT_EQ(out[1].performance_index, 0u);
  EXPECT_EQ(out[0].unit_price_cents, 6200u);  // category 1 full tariff, web fee
  EXPECT_EQ(out[1].unit_price_cents, 4700u);
  EXPECT_EQ(out[0].seat, kNoSeat);
  EXPECT_EQ(ledger_.hash(), before);

  out.clear();
  ASSERT_TRUE(stock().validate_lines({line(kLedgerPerf, 1, 2)}, kBoxOffice, 7, &out).ok());
  EXPECT_EQ(out[0].unit_price_cents, 6000u);
}

TEST_F(StockLedgerTest, ValidateLines_ContactLimitedPerformanceNeedsAContact) {
  define_ga_performance(stock(), 1001, 0, 4);
  OrderLines out;
  const Reply r = stock().validate_lines({line(kLedgerPerf, 1, 1), line(1001, 1, 1)}, kWeb, kNone, &out);
  EXPECT_EQ(r.code, ReplyCode::kInvalidArgument);
  EXPECT_NE(r.message.find("needs a contact"), std::string::npos) << r.message;
  EXPECT_TRUE(stock().validate_lines({line(kLedgerPerf, 1, 1)}, kWeb, kNone, &out).ok());
}

TEST_F(StockLedgerTest, ValidateLines_CapsTheOrderQuantityAcrossLines) {
  std::vector<LineRequest> lines(11, line(kLedgerPerf, 1, kLineQuantityMax));  // 11,000 units > 10,000
  OrderLines out;
  EXPECT_EQ(stock().validate_lines(lines, kWeb, 7, &out).code, ReplyCode::kLimitExceeded);
  lines.resize(10);
  out.clear();
  EXPECT_TRUE(stock().validate_lines(lines, kWeb, 7, &out).ok());
}

TEST_F(StockLedgerTest, SetGeneralAdmission_CannotShrinkBelowWhatIsHeld) {
  ASSERT_TRUE(ledger_.place({line(kLedgerPerf, 3, 10)}).ok());
  const uint64_t before = ledger_.hash();
  EXPECT_EQ(stock().on(SetGeneralAdmission{kLedgerPerf, 3, 9}).code, ReplyCode::kInvalidState);
  EXPECT_EQ(ledger_.hash(), before);
  ASSERT_TRUE(stock().on(SetGeneralAdmission{kLedgerPerf, 3, 10}).ok());
  EXPECT_EQ(ledger_.area(kLedgerPerf, 3).capacity, 10u);
  EXPECT_EQ(ledger_.open_quota(kLedgerPerf, 3).capacity, 10u);
  EXPECT_EQ(ledger_.available(kLedgerPerf, 3), 0);
  ASSERT_TRUE(stock().on(SetGeneralAdmission{kLedgerPerf, 3, 250}).ok());
  EXPECT_EQ(ledger_.available(kLedgerPerf, 3), 240);
  expect_invariants();
}

TEST_F(StockLedgerTest, SetChannelCap_ANewCapCountsWhatTheChannelAlreadyHolds) {
  ASSERT_TRUE(ledger_.place({line(kLedgerPerf, 1, 3), line(kLedgerPerf, 2, 2)}, 7, kWeb).ok());
  ASSERT_TRUE(ledger_.place({line(kLedgerPerf, 1, 9)}, 7, kBoxOffice).ok());
  const uint64_t before = ledger_.hash();
  EXPECT_EQ(stock().on(SetChannelCap{kLedgerPerf, kWeb, 4}).code, ReplyCode::kInvalidState);
  EXPECT_EQ(ledger_.hash(), before);
  ASSERT_TRUE(stock().on(SetChannelCap{kLedgerPerf, kWeb, 6}).ok());
  const Performance& p = *stock().performances().find(kLedgerPerf);
  EXPECT_EQ(stock().quotas()[p.channel_quota(kWeb)].used, 5u);
  expect_invariants();
  EXPECT_EQ(ledger_.place({line(kLedgerPerf, 3, 2)}, 7, kWeb).code, ReplyCode::kSoldOut);
  EXPECT_TRUE(ledger_.place({line(kLedgerPerf, 3, 1)}, 7, kWeb).ok());
  // Lowering an existing cap below its use is refused too.
  EXPECT_EQ(stock().on(SetChannelCap{kLedgerPerf, kWeb, 5}).code, ReplyCode::kInvalidState);
  expect_invariants();
}

TEST_F(StockLedgerTest, DefinePerformance_RefusalsDefineNothing) {
  const uint64_t before = ledger_.hash();
  EXPECT_EQ(stock().on(DefinePerformance{kNone, 1, kT0, 0, 0}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(stock().on(DefinePerformance{kLedgerPerf, 1, kT0, 0, 0}).code, ReplyCode::kDuplicate);
  EXPECT_EQ(stock().on(DefinePerformance{1002, 99, kT0, 0, 0}).code, ReplyCode::kNotFound);
  EXPECT_EQ(stock().on(DefinePerformance{1002, 1, -1, 0, 0}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(stock().on(SetGeneralAdmission{1002, 1, 10}).code, ReplyCode::kNotFound);
  EXPECT_EQ(stock().on(SetChannelCap{kLedgerPerf, 99, 10}).code, ReplyCode::kNotFound);
  EXPECT_EQ(ledger_.hash(), before);
  EXPECT_EQ(stock().performances().size(), 1u);
}

TEST_F(StockLedgerTest, CheckInvariants_CatchesACorruptedQuotaCounter) {
  ASSERT_TRUE(ledger_.place({line(kLedgerPerf, 1, 4)}).ok());
  expect_invariants();
  const QuotaIndex open = ledger_.area(kLedgerPerf, 1).open_quota;
  ++stock().quotas()[open].used;
  Status s = stock().check_invariants();
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.to_string().find("recount"), std::string::npos) << s.to_string();
  --stock().quotas()[open].used;
  expect_invariants();
  // A counter that matches the recount but exceeds its capacity is oversold.
  stock().quotas()[open].capacity = 3;
  s = stock().check_invariants();
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.to_string().find("oversold"), std::string::npos) << s.to_string();
}

TEST_F(StockLedgerTest, CheckInvariants_CatchesAQuotaCountingAClosedOrder) {
  const Reply r = ledger_.place({line(kLedgerPerf, 2, 3)});
  ASSERT_TRUE(r.ok());
  Order& o = *ledger_.table.find(r.order);
  o.state = OrderState::kReleased;  // closed without giving its units back
  ledger_.table.free(order_slot(r.order));
  EXPECT_FALSE(stock().check_invariants().is_ok());
}

TEST_F(StockLedgerTest, CheckInvariants_CatchesACorruptedContactCounter) {
  constexpr PerformanceId kLimited = 1001;
  define_ga_performance(stock(), kLimited, 0, 5);
  ASSERT_TRUE(ledger_.place({line(kLimited, 1, 2)}, 7).ok());
  expect_invariants();
  const uint32_t pi = stock().index_of(*stock().performances().find(kLimited));
  stock().count_contact(pi, 7, 1);  // one unit more than contact 7's orders
  EXPECT_FALSE(stock().check_invariants().is_ok());
  stock().count_contact(pi, 7, -1);
  expect_invariants();
  stock().count_contact(pi, 8, 1);  // a counter for a contact with no order
  EXPECT_FALSE(stock().check_invariants().is_ok());
  stock().count_contact(pi, 8, -1);
  expect_invariants();
}

TEST_F(StockLedgerTest, ContactCounters_AreKeptOnlyForLimitedPerformances) {
  ASSERT_TRUE(ledger_.place({line(kLedgerPerf, 1, 400)}, 7).ok());
  const uint32_t pi = stock().index_of(*stock().performances().find(kLedgerPerf));
  EXPECT_EQ(stock().contact_available(pi, 7), UINT32_MAX);
  stock().count_contact(pi, 7, 1);  // ignored: no limit
  expect_invariants();
}

}  // namespace
}  // namespace tessera::engine
