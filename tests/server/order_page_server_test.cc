// The order page (seed 003) through the real server process on its RocksDB
// data directory: every field of held, optioned, seated, mixed and
// confirmed orders read back with GetOrderRecord; notes, the client's
// information and the workflow with who and when; a closed order still
// readable; a contact's orders listed; and all of it identical after
// SIGKILL and restart.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <vector>

#include "engine/reply_detail.h"
#include "net/client.h"
#include "net/hold_tokens.h"
#include "net/result_code.h"
#include "tests/net/net_test_support.h"
#include "tests/server/server_process.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace tessera::server {
namespace {

using namespace tessera::engine;
using testing_support::ServerProcess;

constexpr PerformanceId kSeated = 1500;
constexpr ContactId kContact = 77;

using testing::now_ms;

// hold_token: a web shop names its order with it.
net::ClientReply one(net::Client& c, CommandBody body, HoldToken hold_token = {}) {
  Command command{0, std::move(body)};
  command.hold_token = hold_token;
  auto r = c.call({std::move(command)});
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? (*r)[0] : net::ClientReply{};
}

OrderRecord record(net::Client& c, OrderId order, HoldToken hold_token = {}) {
  const Reply r = one(c, GetOrderRecord{order}, hold_token);
  EXPECT_TRUE(r.ok()) << r.message;
  EXPECT_TRUE(r.detail && std::holds_alternative<OrderRecord>(r.detail->value)) << "no OrderRecord";
  return r.detail && std::holds_alternative<OrderRecord>(r.detail->value) ? std::get<OrderRecord>(r.detail->value)
                                                                          : OrderRecord{};
}

OrderPage page(net::Client& c, ListOrders q) {
  const Reply r = one(c, q);
  EXPECT_TRUE(r.ok()) << r.message;
  return r.detail && std::holds_alternative<OrderPage>(r.detail->value) ? std::get<OrderPage>(r.detail->value)
                                                                        : OrderPage{};
}

std::vector<std::pair<WorkflowAction, OrderState>> steps(const OrderRecord& r) {
  std::vector<std::pair<WorkflowAction, OrderState>> out;
  for (const WorkflowEntry& e : r.workflow) out.emplace_back(e.action, e.to);
  return out;
}

class OrderPageServer : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(dir_.path() + "/data", std::vector<std::string>{"--token", "a:admin"});
    ASSERT_NE(server_->port(), 0) << "server did not start";
    admin_ = server_->client("a");
    office_ = server_->client("t");
    ASSERT_TRUE(admin_ && office_);
    workload::GridLayout grid;
    grid.layout = 5, grid.rows = 4, grid.seats = 10, grid.categories = {1, 2};  // category 3: general admission
    for (CommandBody c :
         {CommandBody{workload::grid_layout(grid)},
          CommandBody{DefinePerformance{kSeated, workload::kProductOverdue, now_ms() + 60 * 86'400'000LL, 0, 0}},
          CommandBody{AssignLayout{kSeated, 5}}, CommandBody{SetGeneralAdmission{kSeated, 3, 50}},
          CommandBody{
              DefineContact{kContact, 100000000077, "DUPONT", "Anne", "anne@example.org", kContactIndividual}}}) {
      const Reply r = one(*admin_, c);
      ASSERT_TRUE(r.ok()) << command_name(c) << ": " << r.message;
    }
  }

  testing_support::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<net::Client> admin_, office_;
};

TEST_F(OrderPageServer, EveryKindOfOrderReadsBackWhole_AndAfterSigkillAndRestart) {
  net::Client& c = *office_;
  const int64_t t0 = now_ms();
  const int64_t deadline = t0 + 10 * 86'400'000LL;
  const TariffId full = workload::demo_tariff(workload::kProductRelease, 1);
  const TariffId overdue_full = workload::demo_tariff(workload::kProductOverdue, 1);

  // A web cart of 3 units, category 2, on the web channel (price + web fee).
  const Reply held = one(c, Hold{kContact, workload::kWeb, {workload::demo_line(1000, 1, 2, 3)}, 600'000});
  ASSERT_TRUE(held.ok()) << held.message;
  OrderRecord r = record(c, held.order);
  EXPECT_EQ(r.order, held.order);
  EXPECT_EQ(r.state, OrderState::kHeld);
  EXPECT_EQ(r.status, "panier");
  EXPECT_EQ(r.contact, kContact);
  EXPECT_EQ(r.channel, workload::kWeb);
  EXPECT_NE(r.principal, 0u) << "the creator is the connection's principal";
  EXPECT_GE(r.created_ms, t0);
  EXPECT_EQ(r.hold_expires_ms, held.due_ms);
  EXPECT_EQ(r.deadline_ms, 0);
  EXPECT_GT(r.hold_until_max_ms, r.created_ms);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0].performance, 1000u);
  EXPECT_EQ(r.lines[0].category, 2u);
  EXPECT_EQ(r.lines[0].tariff, full);
  EXPECT_EQ(r.lines[0].contingent, kNone);
  EXPECT_EQ(r.lines[0].quantity, 3u);
  EXPECT_EQ(r.lines[0].unit_price_cents, 4500u + 200u) << "category 2 full price + web fee";
  EXPECT_EQ(r.lines[0].amount_cents, 3u * 4700u);
  EXPECT_TRUE(r.lines[0].seats.empty());
  EXPECT_EQ(r.quantity, 3u);
  EXPECT_EQ(r.total_cents, 3u * 4700u);
  EXPECT_EQ(steps(r),
            (std::vector<std::pair<WorkflowAction, OrderState>>{{WorkflowAction::kCreated, OrderState::kHeld}}));
  ASSERT_TRUE(one(c, ExtendHold{held.order, 900'000}).ok());
  ASSERT_TRUE(one(c, SetOrderInfo{held.order, "Mon fils part avec son copain"}).ok());

  // An option at the box office (overdue product), marked keep, locked, filed, noted.
  const Reply option = one(
      c,
      Book{BookingKind::kOption, kContact, workload::kBoxOffice, {LineRequest{1000 + 0, 1, full, 2, kNone}}, deadline});
  ASSERT_TRUE(option.ok()) << option.message;
  ASSERT_TRUE(one(c, SetReleaseMark{option.order, ReleaseMark::kKeep}).ok());
  ASSERT_TRUE(one(c, SetLock{option.order, true}).ok());
  ASSERT_TRUE(one(c, SetOrderFile{option.order, 7700}).ok());
  ASSERT_TRUE(one(c, AddOrderNote{option.order, "Rappelée le 3, attend le virement"}).ok());
  r = record(c, option.order);
  EXPECT_EQ(r.state, OrderState::kOption);
  EXPECT_EQ(r.status, "option");
  EXPECT_EQ(r.kind, BookingKind::kOption);
  EXPECT_EQ(r.deadline_ms, deadline);
  EXPECT_EQ(r.hold_expires_ms, 0);
  EXPECT_EQ(r.mark, ReleaseMark::kKeep);
  EXPECT_TRUE(r.locked);
  EXPECT_EQ(r.file_number, 7700u);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0].text, "Rappelée le 3, attend le virement");
  EXPECT_EQ(r.notes[0].principal, r.principal);
  EXPECT_EQ(r.lines[0].unit_price_cents, 6000u) << "box office: no web fee";
  ASSERT_EQ(r.workflow.size(), 5u);
  EXPECT_EQ(r.workflow[1].detail, "marked keep");
  EXPECT_EQ(r.workflow[2].detail, "locked");
  EXPECT_EQ(r.workflow[3].detail, "file 7700");
  EXPECT_EQ(r.workflow[4].detail, "note added");

  // Seats: 2 adjacent seats named by section, row and number, held then optioned.
  const Reply seated =
      one(c, HoldSeats{kContact, workload::kWeb, SeatRequest{kSeated, 1, overdue_full, kNone, 2, {}, 0}, 600'000});
  ASSERT_TRUE(seated.ok()) << seated.message;
  ASSERT_TRUE(one(c, ConvertHold{seated.order, BookingKind::kReservation, deadline}).ok());
  r = record(c, seated.order);
  EXPECT_EQ(r.state, OrderState::kReservation);
  EXPECT_EQ(r.status, "réservation");
  EXPECT_EQ(r.policy, ExpiryPolicy::kOverdueThenArchive);
  ASSERT_EQ(r.lines.size(), 1u);
  ASSERT_EQ(r.lines[0].seats.size(), 2u);
  for (const SeatPlace& p : r.lines[0].seats) {
    EXPECT_EQ(p.section, "Section 1");
    EXPECT_EQ(p.row, 1u) << "best available: the first row";
  }
  EXPECT_EQ(r.lines[0].seats[1].number, r.lines[0].seats[0].number + 1);
  EXPECT_EQ(r.lines[0].seats[0].seat, static_cast<uint32_t>(seated.value));
  EXPECT_EQ(steps(r), (std::vector<std::pair<WorkflowAction, OrderState>>{
                          {WorkflowAction::kCreated, OrderState::kHeld},
                          {WorkflowAction::kStateChanged, OrderState::kReservation}}));

  // Mixed: seats and a GA line, then confirmed keeping one seat and the GA line.
  const Reply mixed = one(c, HoldSeatsWithLines{kContact,
                                                workload::kWeb,
                                                SeatRequest{kSeated, 1, overdue_full, kNone, 2, {}, 0},
                                                {LineRequest{kSeated, 3, overdue_full, 1, kNone}},
                                                600'000});
  ASSERT_TRUE(mixed.ok()) << mixed.message;
  r = record(c, mixed.order);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0].seats.size(), 2u);
  EXPECT_TRUE(r.lines[1].seats.empty());
  EXPECT_EQ(r.quantity, 3u);
  ASSERT_TRUE(one(c, Confirm{mixed.order, {1, 1}}).ok());
  r = record(c, mixed.order);
  EXPECT_EQ(r.state, OrderState::kConfirmed);
  EXPECT_EQ(r.status, "validée");
  EXPECT_EQ(r.quantity, 2u);
  ASSERT_EQ(r.lines[0].seats.size(), 1u);
  EXPECT_EQ(r.total_cents, r.lines[0].amount_cents + r.lines[1].amount_cents);
  ASSERT_EQ(r.workflow.size(), 3u);
  EXPECT_EQ(r.workflow[1].detail, "partly confirmed: 2 of 3 units kept");
  EXPECT_EQ(r.workflow[2].from, OrderState::kHeld);
  EXPECT_EQ(r.workflow[2].to, OrderState::kConfirmed);

  // A released order stays readable, and is listed with the contact's others.
  const Reply gone = one(c, Hold{kContact, workload::kWeb, {workload::demo_line(1001, 1, 1, 1)}, 600'000});
  ASSERT_TRUE(one(c, Release{gone.order}).ok());
  r = record(c, gone.order);
  EXPECT_EQ(r.state, OrderState::kReleased);
  EXPECT_EQ(r.status, "libérée");
  EXPECT_EQ(r.workflow.back().from, OrderState::kHeld);
  EXPECT_EQ(r.workflow.back().to, OrderState::kReleased);
  EXPECT_EQ(r.lines[0].quantity, 1u) << "a closed order keeps its lines";

  const std::vector<OrderId> mine = {held.order, option.order, seated.order, mixed.order, gone.order};
  OrderPage all = page(c, ListOrders{kContact, kNone, 0, 0, 500});
  EXPECT_EQ(all.total, mine.size());
  ASSERT_EQ(all.orders.size(), mine.size());
  for (OrderId id : mine)
    EXPECT_TRUE(std::any_of(all.orders.begin(), all.orders.end(), [&](const OrderSummary& s) { return s.order == id; }))
        << id;
  EXPECT_TRUE(std::is_sorted(all.orders.begin(), all.orders.end(),
                             [](const OrderSummary& a, const OrderSummary& b) { return a.order < b.order; }));
  // Two at a time, across both shards, by the cursor: the same five.
  std::vector<OrderId> paged;
  OrderId after = 0;
  do {
    const OrderPage p = page(c, ListOrders{kContact, kNone, 0, after, 2});
    EXPECT_EQ(p.total, mine.size());
    for (const OrderSummary& s : p.orders) paged.push_back(s.order);
    after = p.next_after;
  } while (after != 0 && paged.size() < 10);
  ASSERT_EQ(paged.size(), mine.size());
  for (size_t i = 0; i < paged.size(); ++i) EXPECT_EQ(paged[i], all.orders[i].order);
  const uint16_t live = (1u << static_cast<unsigned>(OrderState::kHeld)) |
                        (1u << static_cast<unsigned>(OrderState::kOption)) |
                        (1u << static_cast<unsigned>(OrderState::kReservation));
  EXPECT_EQ(page(c, ListOrders{kContact, kNone, live, 0, 500}).total, 3u);
  EXPECT_EQ(page(c, ListOrders{kNone, kSeated, 0, 0, 500}).total, 2u) << "the seated and the mixed order";
  EXPECT_EQ(one(c, ListOrders{kContact, kNone, 0, 0, 501}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(one(c, ListOrders{kContact, kNone, 0x8000, 0, 10}).code, ReplyCode::kInvalidArgument);

  // The stock summary of the seated performance: seats by state, a GA category beside them.
  ASSERT_TRUE(one(*admin_, BlockSeats{kSeated, {17, 18, 19}}).ok());
  const Reply stock = one(c, GetStockSummary{kSeated});
  ASSERT_TRUE(stock.ok() && stock.detail) << stock.message;
  const StockSummary& summary = std::get<StockSummary>(stock.detail->value);
  ASSERT_EQ(summary.rows.size(), 3u);
  const StockRow& seats = summary.rows[0];
  EXPECT_TRUE(seats.seated);
  EXPECT_EQ(seats.capacity, 20u) << "rows 1 and 2 of 10 seats";
  EXPECT_EQ(seats.blocked, 3u);
  EXPECT_EQ(seats.reservation, 2u);
  EXPECT_EQ(seats.confirmed, 1u);
  EXPECT_EQ(seats.free, 14u);
  const StockRow& ga = summary.rows[2];
  EXPECT_FALSE(ga.seated);
  EXPECT_EQ(ga.capacity, 50u);
  EXPECT_EQ(ga.confirmed, 1u);
  EXPECT_EQ(ga.free, 49u);

  std::vector<OrderRecord> before;
  for (OrderId id : mine) before.push_back(record(c, id));
  server_->stop(SIGKILL);  // no flush, no goodbye
  ServerProcess again(dir_.path() + "/data", {"--token", "a:admin"});
  ASSERT_NE(again.port(), 0) << "server did not recover";
  auto after_restart = again.client("t");
  ASSERT_TRUE(after_restart);
  for (size_t i = 0; i < mine.size(); ++i) {
    const OrderRecord back = record(*after_restart, mine[i]);
    EXPECT_TRUE(testing::deep_equal(back, before[i])) << "order " << mine[i] << " differs after the restart";
  }
  EXPECT_EQ(page(*after_restart, ListOrders{kContact, kNone, 0, 0, 500}).total, mine.size());
  EXPECT_EQ(WEXITSTATUS(again.stop(SIGTERM)), 0);
}

TEST_F(OrderPageServer, AWebShopReadsAndAnnotatesOnlyItsOwnOrders_AndBadInputChangesNothing) {
  const Reply made = one(*admin_, DefinePrincipal{"shop-a", Role::kWebshop, {workload::kWeb}, ""});
  ASSERT_TRUE(made.ok()) << made.message;
  const std::string token = std::get<IssuedToken>(made.detail->value).token;
  auto shop = server_->client(token);
  ASSERT_TRUE(shop);
  const net::ClientReply own =
      one(*shop, Hold{kContact, workload::kWeb, {workload::demo_line(1000, 1, 1, 1)}, 600'000});
  ASSERT_TRUE(own.ok()) << own.message;
  const net::ClientReply office = one(*office_, Book{BookingKind::kOption,
                                                     kContact,
                                                     workload::kBoxOffice,
                                                     {workload::demo_line(1000, 1, 1, 1)},
                                                     now_ms() + 86'400'000});
  ASSERT_TRUE(office.ok());
  EXPECT_TRUE(office.hold_token.empty()) << "the back office gets no token";
  // The back office's order's token, as if leaked from the server's key.
  auto key = net::HoldTokens::open(dir_.path() + "/data");
  ASSERT_TRUE(key.is_ok()) << key.status().to_string();
  const HoldToken leaked = key->token_for(office.order);

  EXPECT_EQ(record(*shop, own.order, own.hold_token).principal, std::get<IssuedToken>(made.detail->value).principal);
  EXPECT_EQ(one(*shop, SetOrderInfo{own.order, "x"}).code, net::kForbidden) << "no hold token";
  ASSERT_TRUE(one(*shop, SetOrderInfo{own.order, "Place à l'avant, svp"}, own.hold_token).ok());
  EXPECT_EQ(record(*office_, own.order).client_info, "Place à l'avant, svp");
  EXPECT_EQ(one(*shop, GetOrderRecord{office.order}).code, net::kForbidden);
  EXPECT_EQ(one(*shop, GetOrderRecord{office.order}, leaked).code, ReplyCode::kNotFound);
  EXPECT_EQ(one(*shop, SetOrderInfo{office.order, "x"}, leaked).code, ReplyCode::kNotFound);
  EXPECT_EQ(one(*shop, AddOrderNote{own.order, "x"}, own.hold_token).code, net::kForbidden)
      << "notes are the operators'";
  EXPECT_EQ(one(*shop, ListOrders{kContact, kNone, 0, 0, 10}).code, net::kForbidden);

  const OrderRecord before = record(*office_, office.order);
  EXPECT_EQ(one(*office_, AddOrderNote{office.order, ""}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(one(*office_, AddOrderNote{make_order_id(1, 77, 77), "x"}).code, ReplyCode::kNotFound);
  EXPECT_EQ(one(*office_, GetOrderRecord{make_order_id(0, 77, 77)}).code, ReplyCode::kNotFound);
  EXPECT_TRUE(testing::deep_equal(record(*office_, office.order), before)) << "refusals changed the order";
}

// The history of closed orders through the real server: the release is
// acknowledged, the server is killed at once, and after the restart the
// released order is read from the history once its slot is reused, listed
// with its contact's orders, and out of another web shop's reach.
TEST_F(OrderPageServer, AClosedOrderSurvivesSigkillRightAfterItsRelease_AndOutlivesItsSlot) {
  const Reply made_a = one(*admin_, DefinePrincipal{"shop-a", Role::kWebshop, {workload::kWeb}, ""});
  const Reply made_b = one(*admin_, DefinePrincipal{"shop-b", Role::kWebshop, {workload::kWeb}, ""});
  ASSERT_TRUE(made_a.ok() && made_b.ok()) << made_a.message << made_b.message;
  const std::string token_a = std::get<IssuedToken>(made_a.detail->value).token;
  const std::string token_b = std::get<IssuedToken>(made_b.detail->value).token;
  auto shop = server_->client(token_a);
  ASSERT_TRUE(shop);
  const net::ClientReply own =
      one(*shop, Hold{kContact, workload::kWeb, {workload::demo_line(1001, 1, 1, 2)}, 600'000});
  ASSERT_TRUE(own.ok()) << own.message;
  ASSERT_TRUE(one(*shop, SetOrderInfo{own.order, "Une place à l'avant"}, own.hold_token).ok());
  const net::ClientReply gone =
      one(*office_, Hold{kContact, workload::kWeb, {workload::demo_line(1001, 1, 1, 1)}, 600'000});
  ASSERT_TRUE(gone.ok()) << gone.message;
  const OrderRecord before = record(*office_, gone.order);
  ASSERT_TRUE(one(*shop, Release{own.order}, own.hold_token).ok());
  ASSERT_TRUE(one(*office_, Release{gone.order}).ok());
  const OrderRecord released = record(*office_, gone.order);
  const OrderRecord released_own = record(*office_, own.order);
  server_->stop(SIGKILL);  // right after the acknowledgements

  ServerProcess again(dir_.path() + "/data", {"--token", "a:admin"});
  ASSERT_NE(again.port(), 0) << "server did not recover";
  auto office = again.client("t");
  ASSERT_TRUE(office);
  // Two new holds on the same performance take the two freed slots.
  std::vector<OrderId> reused;
  for (int i = 0; i < 2; ++i) {
    const Reply r = one(*office, Hold{ContactId{7}, workload::kWeb, {workload::demo_line(1001, 1, 1, 1)}, 600'000});
    ASSERT_TRUE(r.ok()) << r.message;
    reused.push_back(r.order);
  }
  const auto slot_taken = [&](OrderId id) {
    return std::any_of(reused.begin(), reused.end(), [&](OrderId r) { return order_slot(r) == order_slot(id); });
  };
  ASSERT_TRUE(slot_taken(gone.order) && slot_taken(own.order)) << "the freed slots were not reused";
  EXPECT_TRUE(testing::deep_equal(record(*office, gone.order), released)) << "read from the history";
  EXPECT_EQ(record(*office, gone.order).lines.size(), before.lines.size());
  EXPECT_TRUE(testing::deep_equal(record(*office, own.order), released_own));
  const OrderPage listed = page(*office, ListOrders{kContact, kNone, 0, 0, 500});
  EXPECT_EQ(listed.total, 2u);
  for (OrderId id : {gone.order, own.order})
    EXPECT_TRUE(std::any_of(listed.orders.begin(), listed.orders.end(), [&](const OrderSummary& s) {
      return s.order == id && s.state == OrderState::kReleased;
    })) << id;

  auto shop_a = again.client(token_a);
  auto shop_b = again.client(token_b);
  ASSERT_TRUE(shop_a && shop_b);
  EXPECT_EQ(record(*shop_a, own.order, own.hold_token).client_info, "Une place à l'avant");
  EXPECT_EQ(one(*shop_b, GetOrderRecord{own.order}, own.hold_token).code, ReplyCode::kNotFound)
      << "another shop's closed order, even with its token";
  EXPECT_EQ(WEXITSTATUS(again.stop(SIGTERM)), 0);
}

}  // namespace
}  // namespace tessera::server
