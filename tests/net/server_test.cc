// The protocol server end to end, on loopback with real sockets: every
// command kind through the client, pipelining, cross-shard batches, roles,
// every kind of bad input (with another client still served), limits and
// graceful stop.
#include "net/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>

#include "engine/ids.h"
#include "net/result_code.h"
#include "runtime/clock.h"
#include "server/demo_loader.h"
#include "tests/net/net_test_support.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace tessera::net {
namespace {

using namespace tessera::engine;
using testing::connect_client;
using testing::eventually;
using testing::RawConnection;
using testing::start_server;
using testing::test_config;

int64_t now_ms() { return runtime::SystemClock().now_ms(); }
constexpr int64_t kDay = 24LL * 3600 * 1000;

using testing::one;
using testing::with_token;
Command hold(PerformanceId p, uint32_t quantity, ContactId contact = 1) {
  return testing::web_hold(p, quantity, contact);
}

// Parks a shard thread inside a completion until released (no command on
// that shard completes meanwhile).
// Parks a shard's runner inside a completion until open(). Declare it after
// the server: a test that returns early (a failed ASSERT) then opens it, and
// waits for the runner to leave, before the server is stopped.
class ShardGate final : public runtime::Completion {
 public:
  ShardGate() = default;
  ShardGate(const ShardGate&) = delete;
  ShardGate& operator=(const ShardGate&) = delete;
  ~ShardGate() override {
    open();
    while (entered_.load() && !left_.load()) std::this_thread::yield();
  }
  void complete(Reply&&) override {
    entered_.store(true);
    open_.wait(false);
    left_.store(true);
  }
  void park(runtime::ShardRunner& runner) {
    ASSERT_TRUE(runner.submit(Command{0, GetOrder{0}}, this));
    ASSERT_TRUE(eventually([&] { return entered_.load(); }));
  }
  void open() {
    open_.store(true);
    open_.notify_all();
  }

 private:
  std::atomic<bool> entered_{false}, open_{false}, left_{false};
};

using testing::expect_other_client_served;

// ---- Commands ----------------------------------------------------------------

TEST(Server, EveryCommandKindGoesThroughTheClient) {
  auto app = start_server();
  auto admin = connect_client(*app, testing::kAdminToken);
  auto shop = connect_client(*app, testing::kWebshopToken);
  auto office = connect_client(*app, testing::kBackofficeToken);
  ASSERT_TRUE(admin && shop && office);
  EXPECT_EQ(admin->server_info().role, Role::kAdmin);
  EXPECT_EQ(admin->server_info().shard_count, 2u);
  // The engine's bounds come with the HelloReply, so clients need not hard-code them.
  EXPECT_EQ(shop->server_info().hold_ttl_ms_min, engine::kHoldTtlMsMin);
  EXPECT_EQ(shop->server_info().hold_ttl_ms_max, engine::kHoldTtlMsMax);
  EXPECT_EQ(shop->server_info().follow_up_rows_max, engine::kFollowUpRowsMax);
  EXPECT_EQ(shop->server_info().order_list_rows_max, engine::kOrderListRowsMax);
  EXPECT_EQ(shop->server_info().bulk_orders_max, engine::kBulkOrdersMax);
  EXPECT_EQ(shop->server_info().order_lines_max, engine::kOrderLinesMax);

  // Catalog and performance set-up in one batch: broadcasts stay in order
  // with the performance commands that depend on them.
  const int64_t t = now_ms();
  auto setup = admin->call({
      Command{0, DefineSeason{9, "Saison 9"}},
      Command{0, DefineProductFamily{9, "Famille 9"}},
      Command{0, DefineProduct{9, 9, 9, "Produit 9"}},
      Command{0, DefineChannel{9, "Canal 9"}},
      Command{0, DefineCategory{9, "Cat 9"}},
      Command{0, DefineTariff{91, 9, "Plein"}},
      Command{0, SetTariffPrice{91, 1, kNone, 1000}},
      Command{0, SetChannelExpiryPolicy{9, 9, ExpiryPolicy::kOverdueThenArchive, kDay}},
      Command{0, DefinePerformance{9000, 9, t + 30 * kDay, 100, 0}},
      Command{0, SetGeneralAdmission{9000, 1, 100}},
      Command{0, DefineContingent{90001, 9000, 1, 5, {9}}},
      Command{0, SetChannelCap{9000, 9, 50}},
  });
  ASSERT_TRUE(setup.is_ok()) << setup.status().to_string();
  for (size_t i = 0; i < setup->size(); ++i) EXPECT_TRUE((*setup)[i].ok()) << i << ": " << (*setup)[i].message;

  const ClientReply avail = one(*shop, Command{0, GetAvailability{9000, 1, kNone, 9, kNone}});
  EXPECT_TRUE(avail.ok()) << avail.message;
  EXPECT_EQ(avail.value, 50) << "the channel cap is the tightest quota";

  // The cart flow (webshop).
  const ClientReply h = one(*shop, Command{0, Hold{5, 9, {LineRequest{9000, 1, 91, 2, kNone}}, 60'000}});
  ASSERT_TRUE(h.ok()) << h.message;
  EXPECT_EQ(h.state, OrderState::kHeld);
  EXPECT_EQ(order_shard(h.order), shard_of_performance(9000, 2));
  EXPECT_TRUE(one(*shop, with_token(h, ExtendHold{h.order, 120'000})).ok());
  EXPECT_EQ(one(*shop, with_token(h, GetOrder{h.order})).state, OrderState::kHeld);
  const ClientReply opt = one(*shop, with_token(h, ConvertHold{h.order, BookingKind::kOption, t + kDay}));
  EXPECT_TRUE(opt.ok()) << opt.message;
  EXPECT_EQ(one(*shop, with_token(h, GetOrder{h.order})).state, OrderState::kOption);

  // Follow-up (back office).
  EXPECT_TRUE(one(*office, Command{0, SetReleaseMark{h.order, ReleaseMark::kKeep}}).ok());
  EXPECT_TRUE(one(*office, Command{0, SetLock{h.order, true}}).ok());
  EXPECT_TRUE(one(*office, Command{0, SetLock{h.order, false}}).ok());
  EXPECT_EQ(one(*office, Command{0, Reinstate{h.order, t + 2 * kDay}}).code, ReplyCode::kInvalidState)
      << "only an overdue order is reinstated";
  EXPECT_TRUE(one(*office, Command{0, Archive{h.order}}).ok());
  EXPECT_EQ(one(*shop, with_token(h, GetOrder{h.order})).state, OrderState::kArchived);

  // Direct booking, confirmation, cancellation, release.
  const ClientReply b =
      one(*shop, Command{0, Book{BookingKind::kReservation, 6, 9, {LineRequest{9000, 1, 91, 3, kNone}}, t + kDay}});
  ASSERT_TRUE(b.ok()) << b.message;
  EXPECT_EQ(b.state, OrderState::kReservation);
  EXPECT_TRUE(one(*shop, with_token(b, Confirm{b.order, {}})).ok());
  EXPECT_EQ(one(*shop, with_token(b, Cancel{b.order})).code, kForbidden) << "cancelling is an operator's act";
  EXPECT_EQ(one(*shop, with_token(b, GetOrder{b.order})).state, OrderState::kConfirmed);
  EXPECT_TRUE(one(*office, Command{0, Cancel{b.order}}).ok());
  EXPECT_EQ(one(*shop, with_token(b, GetOrder{b.order})).state, OrderState::kCancelled);
  const ClientReply h2 = one(*shop, hold(1000, 1));
  ASSERT_TRUE(h2.ok()) << h2.message;
  EXPECT_TRUE(one(*shop, with_token(h2, Release{h2.order})).ok());
  EXPECT_EQ(one(*shop, with_token(h2, GetOrder{h2.order})).state, OrderState::kReleased);

  // Advance is never accepted from a client, not even from admin.
  EXPECT_EQ(one(*admin, Command{0, Advance{10}}).code, kForbidden);
}

TEST(Server, SeatedCommandsGoThroughTheClient) {
  auto app = start_server();
  auto admin = connect_client(*app, testing::kAdminToken);
  auto shop = connect_client(*app, testing::kWebshopToken);
  ASSERT_TRUE(admin && shop);
  std::vector<LayoutSeat> row(10, LayoutSeat{0, 0, 1});
  const int64_t t = now_ms();
  auto setup = admin->call({
      Command{0, DefineVenueLayout{5, "Petite salle", {1}, {LayoutSection{"Parterre", {LayoutRow{1, 1, row}}}}}},
      Command{0, DefinePerformance{9100, 1, t + 30 * kDay, 0, 0}},
      Command{0, AssignLayout{9100, 5}},
  });
  ASSERT_TRUE(setup.is_ok()) << setup.status().to_string();
  for (size_t i = 0; i < setup->size(); ++i) ASSERT_TRUE((*setup)[i].ok()) << i << ": " << (*setup)[i].message;
  EXPECT_EQ((*setup)[0].value, 10) << "reply value = seats in the layout";

  const TariffId tariff = workload::demo_tariff(1, 1);
  const ClientReply best =
      one(*shop, Command{0, HoldSeats{1, workload::kWeb, SeatRequest{9100, 1, tariff, kNone, 2, {}, 0}, 60'000}});
  ASSERT_TRUE(best.ok()) << best.message;
  const ClientReply chosen =
      one(*shop, Command{0, BookSeats{BookingKind::kOption, 2, workload::kWeb,
                                      SeatRequest{9100, 1, tariff, kNone, 2, {8, 9}, 0}, t + kDay}});
  ASSERT_TRUE(chosen.ok()) << chosen.message;
  EXPECT_TRUE(one(*admin, Command{0, BlockSeats{9100, {5}}}).ok());
  EXPECT_TRUE(one(*admin, Command{0, UnblockSeats{9100, {5}}}).ok());
  EXPECT_EQ(one(*shop, Command{0, BlockSeats{9100, {6}}}).code, kForbidden);
  // Contingent commands reach the engine (its answer, not a protocol refusal).
  for (const Command& c :
       {Command{0, MoveSeatsToContingent{9100, 91001, {6}}}, Command{0, DefineSubContingent{91002, 9100, 91001, 1, {}}},
        Command{0, SetContingentReleaseBack{9100, 91001, t + kDay}}}) {
    const Reply r = one(*admin, c);
    EXPECT_NE(r.code, kForbidden) << command_name(c.body);
    EXPECT_NE(r.code, kMalformed) << command_name(c.body) << ": " << r.message;
  }
}

TEST(Server, RequestKeysMakeRetriesIdempotent) {
  auto app = start_server();
  auto shop = connect_client(*app, testing::kWebshopToken);
  ASSERT_TRUE(shop);
  Command c = hold(1001, 2);
  c.key = 0xC0FFEE;
  const ClientReply first = one(*shop, c);
  const ClientReply again = one(*shop, c);
  ASSERT_TRUE(first.ok()) << first.message;
  EXPECT_EQ(again.order, first.order);
}

// ---- Pipelining and ordering ----------------------------------------------------

TEST(Server, PipelinedRequestsAreAnsweredAndMatchedById) {
  auto app = start_server();
  auto shop = connect_client(*app, testing::kWebshopToken);
  ASSERT_TRUE(shop);
  std::vector<ClientReply> orders;
  for (PerformanceId p : {1000u, 1001u, 2000u, 2001u, 3000u, 3003u}) {
    orders.push_back(one(*shop, hold(p, 1)));
    ASSERT_TRUE(orders.back().ok()) << orders.back().message;
  }
  constexpr size_t kRequests = 2'000;  // far more than requests_in_flight_max: the client queues
  std::vector<std::future<Result<Client::Replies>>> futures;
  for (size_t i = 0; i < kRequests; ++i) {
    std::vector<Command> batch;
    for (size_t k = 0; k <= i % 3; ++k) {
      const ClientReply& held = orders[(i + k) % orders.size()];
      batch.push_back(with_token(held, GetOrder{held.order}));
    }
    futures.push_back(shop->send(std::move(batch)));
  }
  for (size_t i = 0; i < kRequests; ++i) {
    auto r = futures[i].get();
    ASSERT_TRUE(r.is_ok()) << i << ": " << r.status().to_string();
    ASSERT_EQ(r->size(), i % 3 + 1);
    for (size_t k = 0; k < r->size(); ++k) EXPECT_EQ((*r)[k].order, orders[(i + k) % orders.size()].order);
  }
}

TEST(Server, BatchSpanningBothShardsComesBackInCommandOrder) {
  auto app = start_server(testing::test_config(), 50);  // a contact per round
  auto shop = connect_client(*app, testing::kWebshopToken);
  ASSERT_TRUE(shop);
  std::vector<Command> batch;
  std::vector<PerformanceId> perfs;
  for (int round = 0; round < 50; ++round)
    for (PerformanceId p : {1000u, 1001u, 1002u, 1003u, 2000u, 2001u, 2002u, 2003u}) {
      batch.push_back(hold(p, 1, static_cast<ContactId>(round + 1)));
      perfs.push_back(p);
    }
  std::set<uint32_t> shards_seen;
  auto r = shop->call(batch);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), batch.size());
  for (size_t i = 0; i < r->size(); ++i) {
    ASSERT_TRUE((*r)[i].ok()) << i << ": " << (*r)[i].message;
    EXPECT_EQ(order_shard((*r)[i].order), shard_of_performance(perfs[i], 2)) << i;
    shards_seen.insert(order_shard((*r)[i].order));
  }
  EXPECT_EQ(shards_seen.size(), 2u);
}

// ---- Roles -----------------------------------------------------------------------

TEST(Server, WebshopTokenIsRefusedSetLockAndDefinePerformance_RestOfBatchRuns) {
  auto app = start_server();
  auto shop = connect_client(*app, testing::kWebshopToken);
  auto admin = connect_client(*app, testing::kAdminToken);
  ASSERT_TRUE(shop && admin);
  const ClientReply h = one(
      *shop,
      Command{0, Book{BookingKind::kOption, 3, workload::kWeb, {workload::demo_line(1000, 1, 1, 2)}, now_ms() + kDay}});
  ASSERT_TRUE(h.ok()) << h.message;
  auto r =
      shop->call({with_token(h, SetLock{h.order, true}), Command{0, DefinePerformance{7777, 1, now_ms() + kDay, 10, 0}},
                  with_token(h, GetOrder{h.order})});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ((*r)[0].code, kForbidden);
  EXPECT_NE((*r)[0].message.find("SetLock"), std::string::npos) << (*r)[0].message;
  EXPECT_EQ((*r)[1].code, kForbidden);
  EXPECT_TRUE((*r)[2].ok());
  // Nothing changed: the performance does not exist.
  EXPECT_EQ(one(*admin, Command{0, GetAvailability{7777, 1, kNone, kNone, kNone}}).code, ReplyCode::kNotFound);
  // Back office may lock but not define the catalog; admin frames are admin only.
  auto office = connect_client(*app, testing::kBackofficeToken);
  ASSERT_TRUE(office);
  EXPECT_TRUE(one(*office, Command{0, SetLock{h.order, true}}).ok());
  EXPECT_EQ(one(*office, Command{0, DefineSeason{5, "x"}}).code, kForbidden);
  EXPECT_EQ(shop->admin(wire::AdminAction::Shutdown).code(), StatusCode::kFailedPrecondition);
  const auto set_lock = static_cast<uint32_t>(CommandBody(SetLock{}).index());
  EXPECT_EQ(app->metrics().commands_total(set_lock, kForbidden), 1u);
}

TEST(Server, UnknownTokenIsRefusedAtHello) {
  auto app = start_server();
  ClientOptions o;
  o.port = app->port();
  o.token = "guess";
  auto c = Client::connect(o);
  ASSERT_FALSE(c.is_ok());
  EXPECT_EQ(c.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(c.status().message().find("Unauthorized"), std::string::npos) << c.status().message();
  expect_other_client_served(*app);
}

// ---- Bad input ---------------------------------------------------------------------

TEST(Server, OversizedFrameGetsFrameTooLargeAndClose) {
  auto cfg = test_config();
  cfg.limits.frame_bytes_max = 4096;
  auto app = start_server(std::move(cfg));
  RawConnection raw(app->port());
  ASSERT_TRUE(raw.hello());
  uint8_t header[4];
  put_frame_length(header, 4097);
  ASSERT_TRUE(raw.send_bytes(header));
  EXPECT_EQ(raw.read_error(), wire::ErrorCode::FrameTooLarge);
  EXPECT_TRUE(raw.closed_by_server());
  expect_other_client_served(*app);
}

TEST(Server, GarbageFailingVerificationGetsBadFrameAndClose) {
  auto app = start_server();
  for (bool after_hello : {false, true}) {
    RawConnection raw(app->port());
    if (after_hello) {
      ASSERT_TRUE(raw.hello());
    }
    std::vector<uint8_t> garbage = {64, 0, 0, 0};
    for (int i = 0; i < 64; ++i) garbage.push_back(static_cast<uint8_t>(0xA5 ^ (i * 37)));
    ASSERT_TRUE(raw.send_bytes(garbage));
    EXPECT_EQ(raw.read_error(), wire::ErrorCode::BadFrame) << "after_hello " << after_hello;
    EXPECT_TRUE(raw.closed_by_server());
  }
  expect_other_client_served(*app);
}

TEST(Server, MalformedCommandIsRefusedAlone_BatchRuns) {
  auto app = start_server();
  RawConnection raw(app->port());
  ASSERT_TRUE(raw.hello(testing::kWebshopToken));
  flatbuffers::FlatBufferBuilder fbb;
  const auto bad = wire::CreateHold(fbb, 1, 2, 0, 60'000);  // Hold without lines
  const auto good = wire::CreateGetAvailability(fbb, 1000, 1, 0, 2, 0);
  std::vector<flatbuffers::Offset<wire::Command>> commands = {
      wire::CreateCommand(fbb, 0, wire::CommandBody::Hold, bad.Union()),
      wire::CreateCommand(fbb, 0, wire::CommandBody::NONE, 0),
      wire::CreateCommand(fbb, 0, wire::CommandBody::GetAvailability, good.Union())};
  const auto request = wire::CreateRequest(fbb, 77, fbb.CreateVector(commands));
  fbb.Finish(wire::CreateClientFrame(fbb, wire::ClientMessage::Request, request.Union()));
  ASSERT_TRUE(raw.send_frame(finish_frame(fbb)));
  ASSERT_TRUE(raw.read_frame());
  const auto* response = raw.verify()->message_as_Response();
  ASSERT_NE(response, nullptr);
  EXPECT_EQ(response->request_id(), 77u);
  ASSERT_EQ(response->results()->size(), 3u);
  EXPECT_EQ(response->results()->Get(0)->code(), wire::ResultCode::Malformed);
  EXPECT_EQ(response->results()->Get(1)->code(), wire::ResultCode::Malformed);
  EXPECT_EQ(response->results()->Get(2)->code(), wire::ResultCode::Ok);
}

TEST(Server, TooManyCommandsInOneRequestIsRefusedAsAWhole) {
  auto cfg = test_config();
  cfg.limits.commands_per_request_max = 10;
  auto app = start_server(std::move(cfg));
  RawConnection raw(app->port());
  ASSERT_TRUE(raw.hello());
  ASSERT_TRUE(raw.send_frame(request_frame(5, std::vector<Command>(11, Command{0, GetOrder{1}}))));
  ASSERT_TRUE(raw.read_frame());
  const auto* response = raw.verify()->message_as_Response();
  ASSERT_NE(response, nullptr);
  EXPECT_EQ(response->status(), wire::RequestStatus::Malformed);
  // The connection stays usable.
  ASSERT_TRUE(raw.send_frame(request_frame(6, std::vector<Command>(10, Command{0, GetOrder{1}}))));
  ASSERT_TRUE(raw.read_frame());
  EXPECT_EQ(raw.verify()->message_as_Response()->results()->size(), 10u);
}

TEST(Server, WrongProtocolVersionGetsVersionMismatchAndClose) {
  auto app = start_server();
  RawConnection raw(app->port());
  ASSERT_TRUE(raw.send_frame(hello_frame(kProtocolVersion + 1, testing::kAdminToken, "future")));
  EXPECT_EQ(raw.read_error(), wire::ErrorCode::VersionMismatch);
  EXPECT_TRUE(raw.closed_by_server());
  expect_other_client_served(*app);
}

// Sends `commands` in one request on a connection of `protocol_version`;
// returns the response (owned by raw's last frame).
const wire::Response* roundtrip(RawConnection& raw, uint64_t id, const std::vector<Command>& commands) {
  if (!raw.send_frame(request_frame(id, commands)) || !raw.read_frame()) return nullptr;
  return raw.verify()->message_as_Response();
}

std::vector<Command> typed_reply_setup(int64_t t) {
  return {Command{0, DefineSeason{8, "Saison 8"}},        Command{0, DefineProductFamily{8, "Famille 8"}},
          Command{0, DefineProduct{8, 8, 8, "P 8"}},      Command{0, DefineChannel{8, "Canal 8"}},
          Command{0, DefineCategory{8, "Cat 8"}},         Command{0, DefineTariff{81, 8, "Plein"}},
          Command{0, SetTariffPrice{81, 8, kNone, 1000}}, Command{0, DefinePerformance{8000, 8, t + 30 * kDay, 0, 0}},
          Command{0, SetGeneralAdmission{8000, 8, 40}}};
}

TEST(Server, ProtocolV2_EachCommandAnswersWithItsRegistryReplyTable) {
  auto app = start_server();
  RawConnection raw(app->port());
  ASSERT_TRUE(raw.hello(testing::kAdminToken, 2));
  const int64_t t = now_ms();
  const wire::Response* setup = roundtrip(raw, 1, typed_reply_setup(t));
  ASSERT_NE(setup, nullptr);
  for (const wire::Result* r : *setup->results()) {
    EXPECT_EQ(r->code(), wire::ResultCode::Ok);
    EXPECT_EQ(r->detail_type(), wire::ResultDetail::NONE) << "set-up commands are acknowledged (Ack)";
  }
  const wire::Response* r =
      roundtrip(raw, 2,
                {Command{0, GetAvailability{8000, 8, kNone, 8, kNone}},
                 Command{0, Hold{5, 8, {LineRequest{8000, 8, 81, 3, kNone}}, 60'000}}, Command{0, GetOrder{424242}}});
  ASSERT_NE(r, nullptr);
  const wire::Result* avail = r->results()->Get(0);
  ASSERT_EQ(avail->detail_type(), wire::ResultDetail::AvailabilityReply);
  EXPECT_EQ(avail->detail_as_AvailabilityReply()->available(), 40u);
  EXPECT_EQ(avail->value(), 40) << "the v1 scalar stays filled";
  const wire::Result* hold = r->results()->Get(1);
  ASSERT_EQ(hold->code(), wire::ResultCode::Ok);
  ASSERT_EQ(hold->detail_type(), wire::ResultDetail::OrderReply);
  const wire::OrderReply* order = hold->detail_as_OrderReply();
  EXPECT_EQ(order->order(), hold->order());
  EXPECT_EQ(order->state(), wire::OrderState::Held);
  EXPECT_GE(order->due_ms(), t + 60'000);
  EXPECT_LE(order->due_ms(), now_ms() + 60'000);
  EXPECT_EQ(order->due_ms(), hold->value());
  const wire::Result* missing = r->results()->Get(2);
  EXPECT_EQ(missing->code(), wire::ResultCode::NotFound);
  EXPECT_EQ(missing->detail_type(), wire::ResultDetail::NONE) << "a refusal carries no reply table";
}

TEST(Server, ProtocolV1Client_GetsTheLegacyScalarsOnly) {
  auto app = start_server();
  RawConnection raw(app->port());
  ASSERT_TRUE(raw.hello(testing::kAdminToken, 1));
  const int64_t t = now_ms();
  ASSERT_NE(roundtrip(raw, 1, typed_reply_setup(t)), nullptr);
  const wire::Response* r = roundtrip(raw, 2, {Command{0, Hold{5, 8, {LineRequest{8000, 8, 81, 3, kNone}}, 60'000}}});
  ASSERT_NE(r, nullptr);
  const wire::Result* hold = r->results()->Get(0);
  ASSERT_EQ(hold->code(), wire::ResultCode::Ok);
  EXPECT_EQ(hold->detail_type(), wire::ResultDetail::NONE) << "a v1 client does not know OrderReply";
  EXPECT_EQ(hold->state(), wire::OrderState::Held);
  EXPECT_GE(hold->value(), t + 60'000) << "v1: value = the hold's expiry";
}

TEST(Server, ProtocolVersionBelowTheServedMinimum_IsRefusedWithAClearMessage) {
  auto cfg = test_config();
  cfg.limits.protocol_version_min = kProtocolVersion;
  auto app = start_server(std::move(cfg));
  RawConnection old_client(app->port());
  ASSERT_TRUE(old_client.send_frame(hello_frame(1, testing::kAdminToken, "old")));
  ASSERT_TRUE(old_client.read_frame());
  const wire::Error* error = old_client.verify()->message_as_Error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code(), wire::ErrorCode::VersionMismatch);
  EXPECT_NE(error->message()->str().find("upgrade the client"), std::string::npos) << error->message()->str();
  RawConnection current(app->port());
  EXPECT_TRUE(current.hello(testing::kAdminToken, kProtocolVersion));
}

TEST(Server, RequestBeforeHelloGetsHelloRequiredAndClose) {
  auto app = start_server();
  RawConnection raw(app->port());
  ASSERT_TRUE(raw.send_frame(request_frame(1, {Command{0, GetOrder{1}}})));
  EXPECT_EQ(raw.read_error(), wire::ErrorCode::HelloRequired);
  EXPECT_TRUE(raw.closed_by_server());
  RawConnection twice(app->port());
  ASSERT_TRUE(twice.hello());
  ASSERT_TRUE(twice.send_frame(hello_frame(kProtocolVersion, testing::kAdminToken, "again")));
  EXPECT_EQ(twice.read_error(), wire::ErrorCode::HelloRequired);
  expect_other_client_served(*app);
}

TEST(Server, StalledHalfFrameIsClosedAfterTheReadDeadline) {
  auto cfg = test_config();
  // Short enough to keep the test quick, long enough that a well-behaved
  // client (which sends whole frames at once) never meets them.
  cfg.limits.frame_read_deadline_ms = 300;
  cfg.limits.hello_deadline_ms = 1'000;
  auto app = start_server(std::move(cfg));
  RawConnection slow(app->port());
  ASSERT_TRUE(slow.hello());
  const OutFrame f = request_frame(1, {Command{0, GetOrder{1}}});
  ASSERT_TRUE(slow.send_bytes(f.header));
  ASSERT_TRUE(slow.send_bytes({f.body.data(), f.body.size() / 2}));  // and stall
  RawConnection silent(app->port());                                 // never says Hello
  expect_other_client_served(*app);
  EXPECT_EQ(slow.read_error(), wire::ErrorCode::ReadTimeout);
  EXPECT_TRUE(slow.closed_by_server());
  EXPECT_EQ(silent.read_error(), wire::ErrorCode::ReadTimeout);
  EXPECT_TRUE(silent.closed_by_server());
}

TEST(Server, ConnectionsOverTheLimitAreRefused_OthersKeepWorking) {
  auto cfg = test_config();
  cfg.limits.connections_max = 2;
  auto app = start_server(std::move(cfg));
  auto a = connect_client(*app, testing::kWebshopToken);
  auto b = connect_client(*app, testing::kWebshopToken);
  ASSERT_TRUE(a && b);
  RawConnection third(app->port());
  EXPECT_EQ(third.read_error(), wire::ErrorCode::TooManyConnections);
  EXPECT_TRUE(third.closed_by_server());
  EXPECT_TRUE(one(*a, Command{0, GetAvailability{1000, 1, kNone, workload::kWeb, kNone}}).ok());
  EXPECT_TRUE(one(*b, Command{0, GetAvailability{2000, 1, kNone, workload::kWeb, kNone}}).ok());
  a->close();
  EXPECT_TRUE(eventually([&] { return app->metrics().connections_open() == 1; }));
  expect_other_client_served(*app);
}

// Both ways of serving connections (ServerOptions::io_threads): on the
// shards' threads (0, the default) and on I/O threads of their own.
constexpr uint32_t kIoModes[] = {0, 2};

// The requests below wait on shard 1 (performances 1000 and 1002), parked,
// while the connection is served elsewhere: on an I/O thread, or (io_threads
// 0) on shard 0's thread — a server's first connection goes to shard 0's loop.
constexpr PerformanceId kOnShard1[] = {1000, 1002};

TEST(Server, TooManyRequestsInFlightGetsAnErrorAfterTheAnswersInFlight) {
  for (const uint32_t io_threads : kIoModes) {
    SCOPED_TRACE(cat("io_threads ", io_threads));
    auto cfg = test_config();
    cfg.limits.requests_in_flight_max = 4;
    cfg.io_threads = io_threads;
    auto app = start_server(std::move(cfg));
    RawConnection raw(app->port());
    ASSERT_TRUE(raw.hello(testing::kWebshopToken));
    ShardGate gate;
    gate.park(app->shards().runner(1));
    for (uint64_t id = 1; id <= 5; ++id)
      ASSERT_TRUE(raw.send_frame(request_frame(id, {Command{0, GetAvailability{kOnShard1[0], 1, kNone, 2, kNone}}})));
    ASSERT_TRUE(eventually([&] { return app->metrics().protocol_errors(wire::ErrorCode::TooManyInFlight) == 1; }));
    gate.open();
    for (uint64_t id = 1; id <= 4; ++id) {
      ASSERT_TRUE(raw.read_frame());
      const auto* response = raw.verify()->message_as_Response();
      ASSERT_NE(response, nullptr);
      EXPECT_EQ(response->request_id(), id);
    }
    EXPECT_EQ(raw.read_error(), wire::ErrorCode::TooManyInFlight);
    EXPECT_TRUE(raw.closed_by_server());
    expect_other_client_served(*app);
  }
}

// ---- Stop ---------------------------------------------------------------------------

TEST(Server, GracefulStopFinishesRequestsInFlightThenCloses) {
  for (const uint32_t io_threads : kIoModes) {
    SCOPED_TRACE(cat("io_threads ", io_threads));
    auto cfg = test_config();
    cfg.io_threads = io_threads;
    auto app = start_server(std::move(cfg));
    auto shop = connect_client(*app, testing::kWebshopToken, /*reconnect=*/false);
    ASSERT_TRUE(shop);
    ShardGate gate;
    gate.park(app->shards().runner(1));
    std::vector<std::future<Result<Client::Replies>>> futures;
    for (int i = 0; i < 20; ++i)
      futures.push_back(shop->send({hold(kOnShard1[i % 2], 1), hold(1001 + 2 * (i % 2), 1), hold(2000 + i % 4, 1)}));
    // At least: the server's own jobs (the client-marks pump, the start-up
    // check of invoice PDFs) may have queued a command of theirs too.
    ASSERT_TRUE(eventually([&] { return app->shards().runner(1).inbox_depth() >= 20; }));
    std::thread stopper([&] { app->stop(); });  // SIGTERM does the same via ServerApp::request_stop
    gate.open();
    for (auto& f : futures) {
      auto r = f.get();
      ASSERT_TRUE(r.is_ok()) << r.status().to_string();
      for (const Reply& reply : *r) EXPECT_TRUE(reply.ok()) << reply.message;
    }
    stopper.join();
    auto after = shop->call({hold(1000, 1)});
    EXPECT_FALSE(after.is_ok());
    EXPECT_EQ(after.status().code(), StatusCode::kUnavailable);
  }
}

TEST(Server, AdminShutdownFrameStopsTheServer) {
  auto app = start_server();
  auto admin = connect_client(*app, testing::kAdminToken);
  ASSERT_TRUE(admin);
  EXPECT_FALSE(admin->admin(wire::AdminAction::Snapshot).is_ok()) << "durability none: no command log to snapshot";
  EXPECT_TRUE(admin->admin(wire::AdminAction::Shutdown).is_ok());
  app->wait();  // returns because the frame asked for a stop
  app->stop();
}

// ---- Admin HTTP ---------------------------------------------------------------------

std::string http_get(uint16_t port, const std::string& target) {
  RawConnection raw(port);
  const std::string request = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
  EXPECT_TRUE(raw.send_bytes({reinterpret_cast<const uint8_t*>(request.data()), request.size()}));
  return raw.read_until_closed();
}

TEST(Server, HealthAndMetricsAnswerOnTheAdminPort) {
  auto app = start_server();
  auto shop = connect_client(*app, testing::kWebshopToken);
  ASSERT_TRUE(shop);
  ASSERT_TRUE(one(*shop, hold(1000, 2)).ok());
  const server::HttpAnswer health = app->health();
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(health.body, "ok\n");
  // Shard gauges are published by each shard thread about once a second.
  const std::string holds = "tessera_holds{shard=\"" + std::to_string(shard_of_performance(1000, 2)) + "\"} 1";
  EXPECT_TRUE(eventually([&] { return app->render_metrics().body.find(holds) != std::string::npos; }))
      << app->render_metrics().body;
  const server::HttpAnswer metrics = app->render_metrics();
  EXPECT_NE(metrics.body.find("tessera_commands_total{type=\"Hold\",code=\"Ok\"} 1"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("tessera_connections_open 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("tessera_request_latency_us_bucket{le=\"+Inf\"}"), std::string::npos);
  EXPECT_NE(metrics.body.find("tessera_shard_inbox_depth{shard=\"1\"}"), std::string::npos);
  EXPECT_NE(metrics.body.find("tessera_pre_registrations_pending 0\n"), std::string::npos) << metrics.body;
  // The same over HTTP on the admin port.
  const std::string h = http_get(app->admin_port(), "/health");
  EXPECT_EQ(h.rfind("HTTP/1.1 200", 0), 0u) << h;
  EXPECT_NE(h.find("\r\n\r\nok\n"), std::string::npos) << h;
  const std::string m = http_get(app->admin_port(), "/metrics");
  EXPECT_NE(m.find("tessera_commands_total{type=\"Hold\",code=\"Ok\"} 1"), std::string::npos) << m;
  EXPECT_EQ(http_get(app->admin_port(), "/nope").rfind("HTTP/1.1 404", 0), 0u);
}

}  // namespace
}  // namespace tessera::net
