// Money on orders through the real server process on its RocksDB data
// directory: third-party payers and the validation rule set by the back
// office; a payment validating an option and the balance in exact cents;
// a deposit rule; refunds on a released order (its history record too);
// a web shop refused; and everything identical after SIGKILL and restart.
#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <vector>

#include "engine/reply_detail.h"
#include "net/client.h"
#include "net/result_code.h"
#include "tests/net/net_test_support.h"
#include "tests/server/server_process.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

// A namespace of its own: unity builds compile this file with the order
// page's server test, whose anonymous namespace holds the same helper names.
namespace tessera::server::money_test {
namespace {

using namespace tessera::engine;
using testing::now_ms;
using testing_support::ServerProcess;

constexpr ContactId kContact = 7;
constexpr PayerId kCaf = 3;
constexpr int64_t kDayMs = 86'400'000;

net::ClientReply one(net::Client& c, CommandBody body) { return testing::one(c, Command{0, std::move(body)}); }

OrderRecord record(net::Client& c, OrderId order) { return testing::order_record(c, order); }

AddPayment pay(OrderId order, PaymentMode mode, int64_t cents) {
  return AddPayment{order, mode, cents, 0, kNone, kNone, {}, {}, {}};
}

class MoneyServer : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(data(), std::vector<std::string>{"--token", "a:admin"});
    ASSERT_NE(server_->port(), 0) << "server did not start";
    admin_ = server_->client("a");
    office_ = server_->client("t");
    ASSERT_TRUE(admin_ && office_);
  }
  std::string data() const { return dir_.path() + "/data"; }
  // An option at the box office: `units` of category 1 of performance
  // `performance` (60.00 each).
  OrderId option(PerformanceId performance, uint32_t units) {
    const Reply r = one(*office_, Book{BookingKind::kOption,
                                       kContact,
                                       workload::kBoxOffice,
                                       {workload::demo_line(performance, performance.value() / 1000, 1, units)},
                                       now_ms() + 10 * kDayMs});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }

  testing_support::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<net::Client> admin_, office_;
};

TEST_F(MoneyServer, PaymentsValidateAndAddUpToTheCent_AndSurviveSigkill) {
  net::Client& c = *office_;
  ASSERT_TRUE(one(c, DefinePayer{kCaf, "CAF du Rhône"}).ok());
  ASSERT_TRUE(one(*admin_, SetValidationRule{workload::kProductOverdue, ValidateOnPayment::kDeposit, 30, false}).ok());
  EXPECT_EQ(one(c, SetValidationRule{kNone, ValidateOnPayment::kNever, 0, false}).code, net::kForbidden)
      << "validation rules are the admin's";
  const Reply payers = one(c, ListPayers{});
  ASSERT_TRUE(payers.ok()) << payers.message;
  ASSERT_EQ(std::get<Payers>(payers.detail->value).payers.size(), 1u);

  // Built-in rule (product 1): the first payment validates. 2 × 60.00.
  const OrderId first = option(1000, 2);
  AddPayment cheque = pay(first, PaymentMode::kCheque, 4000);
  cheque.bank = "Banque Populaire";
  const Reply paid = one(c, cheque);
  ASSERT_TRUE(paid.ok()) << paid.message;
  EXPECT_EQ(paid.state, OrderState::kConfirmed);
  AddPayment coverage = pay(first, PaymentMode::kThirdParty, 8000);
  coverage.payer = kCaf;
  ASSERT_TRUE(one(c, coverage).ok());
  OrderRecord r = record(c, first);
  EXPECT_EQ(r.total_cents, 12000u);
  EXPECT_EQ(r.paid_cents, 4000);
  EXPECT_EQ(r.deferred_cents, 8000);
  EXPECT_EQ(r.awaiting_collection_cents, 8000);
  EXPECT_EQ(r.balance_cents, 0);
  EXPECT_TRUE(r.fully_paid);
  ASSERT_TRUE(one(c, CollectPayment{first, 2, 0}).ok());

  // The deposit rule (product 2): 30 % of 3 × 60.00 − 0.05 = 179.95 → 53.985 → 53.99.
  const OrderId second = option(2000, 3);
  ASSERT_TRUE(one(c, SetCashDiscount{second, 5}).ok());
  EXPECT_EQ(one(c, pay(second, PaymentMode::kTransfer, 5398)).state, OrderState::kOption);
  EXPECT_EQ(one(c, pay(second, PaymentMode::kCash, 1)).state, OrderState::kConfirmed);
  EXPECT_EQ(record(c, second).balance_cents, 17995 - 5399);

  // A released option keeps its money; a refund reaches it, in memory and
  // in its history record.
  ASSERT_TRUE(one(*admin_, SetValidationRule{kNone, ValidateOnPayment::kNever, 0, true}).ok());
  const OrderId third = option(1000, 1);
  ASSERT_TRUE(one(c, pay(third, PaymentMode::kCard, 2000)).ok());
  EXPECT_EQ(record(c, third).state, OrderState::kOption) << "payments never validate product 1 now";
  ASSERT_TRUE(one(c, Release{third}).ok());
  EXPECT_EQ(one(c, pay(third, PaymentMode::kCard, 100)).code, ReplyCode::kInvalidState);
  AddPayment refund = pay(third, PaymentMode::kCard, -2000);
  refund.reason = "option libérée";
  ASSERT_TRUE(one(c, refund).ok());

  // Bad input changes nothing.
  EXPECT_EQ(one(c, pay(first, PaymentMode::kCard, 0)).code, ReplyCode::kInvalidArgument);
  AddPayment no_payer = pay(first, PaymentMode::kThirdParty, 100);
  no_payer.payer = 99;
  EXPECT_EQ(one(c, no_payer).code, ReplyCode::kNotFound);
  AddPayment unknown_contact = pay(first, PaymentMode::kCash, 100);
  unknown_contact.contact = 999'999;
  const Reply unknown = one(c, unknown_contact);
  EXPECT_EQ(unknown.code, ReplyCode::kNotFound) << unknown.message;
  EXPECT_NE(unknown.message.find("999999"), std::string::npos) << unknown.message;

  std::vector<OrderRecord> before;
  for (OrderId id : {first, second, third}) before.push_back(record(c, id));
  EXPECT_EQ(before[0].payments.size(), 2u);
  EXPECT_EQ(before[2].payments.size(), 2u);
  EXPECT_EQ(before[2].paid_cents, 0);
  server_->stop(SIGKILL);
  ServerProcess again(data(), {"--token", "a:admin"});
  ASSERT_NE(again.port(), 0) << "server did not recover";
  auto after = again.client("t");
  ASSERT_TRUE(after);
  size_t i = 0;
  for (OrderId id : {first, second, third}) {
    EXPECT_TRUE(testing::deep_equal(record(*after, id), before[i])) << "order " << id << " differs after the restart";
    ++i;
  }
  const Reply payers_after = one(*after, ListPayers{});
  ASSERT_TRUE(payers_after.ok());
  EXPECT_EQ(std::get<Payers>(payers_after.detail->value).payers[0].name, "CAF du Rhône");
  // The rule set before the kill still applies: a signed contract validates, payments do not.
  const Reply again_option = one(*after, Book{BookingKind::kOption,
                                              kContact,
                                              workload::kBoxOffice,
                                              {workload::demo_line(1000, 1, 1, 1)},
                                              now_ms() + 10 * kDayMs});
  ASSERT_TRUE(again_option.ok());
  EXPECT_EQ(one(*after, pay(again_option.order, PaymentMode::kCash, 6000)).state, OrderState::kOption);
  EXPECT_EQ(one(*after, SignContract{again_option.order, 0}).state, OrderState::kConfirmed);
}

TEST_F(MoneyServer, AWebShopRecordsNoPayment) {
  const Reply made = one(*admin_, DefinePrincipal{"shop-a", Role::kWebshop, {workload::kWeb}, ""});
  ASSERT_TRUE(made.ok()) << made.message;
  auto shop = server_->client(std::get<IssuedToken>(made.detail->value).token);
  ASSERT_TRUE(shop);
  const OrderId id = option(1000, 1);
  EXPECT_EQ(one(*shop, pay(id, PaymentMode::kCard, 6000)).code, net::kForbidden);
  EXPECT_EQ(one(*shop, SetCashDiscount{id, 100}).code, net::kForbidden);
  EXPECT_EQ(one(*shop, ListPayers{}).code, net::kForbidden);
  EXPECT_TRUE(record(*office_, id).payments.empty());
}

}  // namespace
}  // namespace tessera::server::money_test
