// Principals through the real server on loopback: an admin adds a web shop
// and gets its token once; the web shop authenticates with it, holds on its
// own channel only, and is locked out once revoked; every logged command
// carries the principal that sent it, also after a restart. In
// server_tests: the last test reads the command log (RocksDB).
#include <gtest/gtest.h>

#include "net/hold_tokens.h"
#include "net/principal_directory.h"
#include "storage/command_log.h"
#include "tests/net/net_test_support.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace tessera::net {
namespace {

using namespace tessera::engine;
using testing::connect_client;
using testing::eventually;
using testing::one;
using testing::start_server;
using testing::with_token;

// Adds a principal as the admin; returns its id and token.
std::pair<PrincipalId, std::string> add_principal(Client& admin, std::string name, Role role,
                                                  std::vector<ChannelId> channels) {
  const Reply r = one(admin, Command{0, DefinePrincipal{std::move(name), role, std::move(channels), ""}});
  EXPECT_TRUE(r.ok()) << r.message;
  if (!r.ok() || !r.detail) return {0, ""};
  const IssuedToken& issued = std::get<IssuedToken>(r.detail->value);
  EXPECT_EQ(issued.principal, r.value);
  return {issued.principal, issued.token};
}

std::unique_ptr<Client> connect_as(const server::ServerApp& app, const std::string& token) {
  ClientOptions o;
  o.port = app.port();
  o.token = token;
  o.reconnect = false;
  auto c = Client::connect(o);
  return c.is_ok() ? std::move(c.value()) : nullptr;
}

using testing::now_ms;

uint32_t web_available(Client& c, PerformanceId p) {
  return static_cast<uint32_t>(one(c, Command{0, GetAvailability{p, 1, kNone, workload::kWeb, kNone}}).value);
}

TEST(Principals, AnAddedWebShopAuthenticatesWithItsTokenAndSellsOnItsChannelOnly) {
  auto app = start_server();
  auto admin = connect_client(*app, testing::kAdminToken);
  ASSERT_TRUE(admin);
  const auto [id, token] = add_principal(*admin, "shop-a", Role::kWebshop, {workload::kWeb});
  ASSERT_GT(id, 0u);
  EXPECT_EQ(token.rfind("tsk_", 0), 0u) << token;
  EXPECT_EQ(token.size(), 4u + 64);

  auto shop = connect_as(*app, token);
  ASSERT_TRUE(shop) << "the new token authenticates at once";
  const uint32_t before = web_available(*shop, 1000);
  EXPECT_TRUE(one(*shop, testing::web_hold(1000, 2)).ok());
  EXPECT_EQ(web_available(*shop, 1000), before - 2);

  // Another channel: Forbidden, and nothing is taken.
  const Reply elsewhere =
      one(*shop, Command{0, Hold{1, workload::kBoxOffice, {workload::demo_line(1000, 1, 1, 2)}, 60'000}});
  EXPECT_EQ(elsewhere.code, kForbidden) << elsewhere.message;
  EXPECT_NE(elsewhere.message.find("does not sell on channel"), std::string::npos) << elsewhere.message;
  EXPECT_EQ(web_available(*shop, 1000), before - 2);
  EXPECT_EQ(one(*shop, Command{0, GetAvailability{1000, 1, kNone, workload::kBoxOffice, kNone}}).code, kForbidden);

  // A web shop may not manage principals.
  EXPECT_EQ(one(*shop, Command{0, ListPrincipals{}}).code, kForbidden);
  // The list shows it, without any token or hash.
  const Reply list = one(*admin, Command{0, ListPrincipals{}});
  ASSERT_TRUE(list.ok() && list.detail);
  const auto& all = std::get<PrincipalList>(list.detail->value).principals;
  const auto it =
      std::find_if(all.begin(), all.end(), [added = id](const PrincipalRecord& p) { return p.principal == added; });
  ASSERT_NE(it, all.end());
  EXPECT_EQ(it->name, "shop-a");
  EXPECT_EQ(it->role, Role::kWebshop);
  EXPECT_EQ(it->channels, std::vector<ChannelId>{workload::kWeb});
  EXPECT_FALSE(it->revoked);
  EXPECT_TRUE(it->token_hash.empty()) << "token hashes never leave the server";
}

TEST(Principals, BadDefinitionsAreRefusedAndAddNothing) {
  auto app = start_server();
  auto admin = connect_client(*app, testing::kAdminToken);
  ASSERT_TRUE(admin);
  const size_t before = app->principals().size();
  const auto refused = [&](DefinePrincipal d, RequestKey key = 0) {
    const Reply r = one(*admin, Command{key, std::move(d)});
    EXPECT_FALSE(r.ok());
    return r.message;
  };
  EXPECT_NE(refused({"", Role::kWebshop, {workload::kWeb}, ""}).find("name"), std::string::npos);
  EXPECT_NE(refused({"shop", Role::kBackoffice, {workload::kWeb}, ""}).find("only a web shop"), std::string::npos);
  EXPECT_NE(refused({"shop", Role::kWebshop, {999}, ""}).find("channel 999 not found"), std::string::npos);
  EXPECT_NE(refused({"shop", Role::kWebshop, {workload::kWeb}, ""}, 77).find("no request key"), std::string::npos);
  EXPECT_NE(refused({"shop", Role::kInternal, {}, ""}).find("role"), std::string::npos);
  add_principal(*admin, "twice", Role::kBackoffice, {});
  EXPECT_NE(refused({"twice", Role::kBackoffice, {}, ""}).find("exists"), std::string::npos);
  EXPECT_EQ(app->principals().size(), before + 1);
  // Only an admin adds principals.
  auto office = connect_client(*app, testing::kBackofficeToken);
  ASSERT_TRUE(office);
  EXPECT_EQ(one(*office, Command{0, DefinePrincipal{"x", Role::kAdmin, {}, ""}}).code, kForbidden);
  EXPECT_EQ(one(*office, Command{0, RevokePrincipal{1}}).code, kForbidden);
  EXPECT_EQ(one(*admin, Command{0, RevokePrincipal{4'000'000}}).code, ReplyCode::kNotFound);
}

TEST(Principals, ARevokedTokenIsRefusedOnItsNextRequestAndOnNewConnections) {
  auto app = start_server();
  auto admin = connect_client(*app, testing::kAdminToken);
  ASSERT_TRUE(admin);
  const auto [id, token] = add_principal(*admin, "shop-b", Role::kWebshop, {workload::kWeb});
  auto shop = connect_as(*app, token);
  ASSERT_TRUE(shop);
  ASSERT_TRUE(one(*shop, testing::web_hold(1000, 1)).ok());

  ASSERT_TRUE(one(*admin, Command{0, RevokePrincipal{id}}).ok());
  auto next = shop->call({testing::web_hold(1000, 1)});
  ASSERT_FALSE(next.is_ok()) << "the open connection's next request is refused";
  EXPECT_NE(next.status().message().find("revoked"), std::string::npos) << next.status().to_string();
  EXPECT_EQ(connect_as(*app, token), nullptr) << "a new connection with the revoked token";
  EXPECT_EQ(one(*admin, Command{0, RevokePrincipal{id}}).code, ReplyCode::kInvalidState);

  testing::RawConnection raw(app->port());
  ASSERT_TRUE(raw.send_frame(hello_frame(kProtocolVersion, token, "raw")));
  EXPECT_EQ(raw.read_error(), wire::ErrorCode::Unauthorized);
}

TEST(Principals, EveryLoggedCommandCarriesItsPrincipalAfterARestart) {
  testing_support::TempDir dir;
  server::ServerConfig config = testing::test_config();
  config.durability = server::Durability::kSync;
  config.data_dir = dir.path() + "/data";
  PrincipalId shop_id = 0;
  std::string token;
  {
    auto app = start_server(config);
    auto admin = connect_client(*app, testing::kAdminToken);
    ASSERT_TRUE(admin);
    std::tie(shop_id, token) = add_principal(*admin, "shop-c", Role::kWebshop, {workload::kWeb});
    auto shop = connect_as(*app, token);
    ASSERT_TRUE(shop);
    ASSERT_TRUE(one(*shop, testing::web_hold(1000, 3)).ok());
    app->stop();
  }
  {
    // The principal survives the restart: its token still works.
    auto app = start_server(config);
    auto shop = connect_as(*app, token);
    ASSERT_TRUE(shop) << "principals are durable";
    EXPECT_TRUE(one(*shop, testing::web_hold(1000, 1)).ok());
    app->stop();
  }
  struct Seen final : storage::CommandLog::EntryObserver {
    std::vector<std::pair<std::string, PrincipalId>> entries;
    std::vector<std::string> token_hashes;
    void on_entry(uint64_t, const runtime::LogEntry& e) override {
      entries.emplace_back(std::string(command_name(e.command.body)), e.command.principal);
      if (const auto* d = std::get_if<DefinePrincipal>(&e.command.body)) token_hashes.push_back(d->token_hash);
    }
  };
  auto log = storage::CommandLog::open(storage::LogOptions{config.data_dir, storage::Durability::kSync, config.shards});
  ASSERT_TRUE(log.is_ok()) << log.status().to_string();
  Seen seen;
  for (uint32_t s = 0; s < config.shards; ++s) ASSERT_TRUE(log.value()->recover(s, &seen).is_ok());
  int holds = 0;
  for (const auto& [name, principal] : seen.entries)
    if (name == "Hold") {
      ++holds;
      EXPECT_EQ(principal, shop_id) << "a web shop's hold is logged with its principal";
    }
  EXPECT_EQ(holds, 2);
  EXPECT_NE(std::find(seen.token_hashes.begin(), seen.token_hashes.end(), PrincipalDirectory::hash_token(token)),
            seen.token_hashes.end());
  for (const std::string& h : seen.token_hashes) EXPECT_EQ(h.find("tsk_"), std::string::npos) << "never the token";
}

// Web shop B (and the configured web shop) cannot read or change web shop
// A's orders or the back office's, by id or by the ids next to their own;
// the back office can. Ownership survives a snapshot and a restart.
TEST(Principals, AWebShopReachesOnlyItsOwnOrdersAlsoAfterARestart) {
  testing_support::TempDir dir;
  server::ServerConfig config = testing::test_config();
  config.durability = server::Durability::kSync;
  config.data_dir = dir.path() + "/data";
  std::string token_a, token_b;
  ClientReply held, booked;
  // An outsider naming `order` by id alone, or with a token that is not the
  // order's, is Forbidden; with the order's real token (leaked to it) the
  // order is still not its own: NotFound.
  const auto outsider_is_refused = [](Client& c, const ClientReply& order, HoldToken wrong) {
    const OrderId id = order.order;
    for (const CommandBody& body : {CommandBody{GetOrder{id}}, CommandBody{ExtendHold{id, 60'000}},
                                    CommandBody{Confirm{id, {}}}, CommandBody{Release{id}}}) {
      const std::string name(command_name(body));
      const ClientReply by_id = one(c, Command{0, body});
      EXPECT_EQ(by_id.code, kForbidden) << name << ": " << by_id.message;
      EXPECT_TRUE(by_id.hold_token.empty()) << name;
      Command guessed{0, body};
      guessed.hold_token = wrong;
      EXPECT_EQ(one(c, guessed).code, kForbidden) << name;
      const ClientReply leaked = one(c, with_token(order, body));
      EXPECT_EQ(leaked.code, ReplyCode::kNotFound) << name << ": " << leaked.message;
      EXPECT_TRUE(leaked.hold_token.empty()) << name;
    }
  };
  {
    auto app = start_server(config);
    auto admin = connect_client(*app, testing::kAdminToken);
    auto office = connect_client(*app, testing::kBackofficeToken);
    ASSERT_TRUE(admin && office);
    token_a = add_principal(*admin, "shop-a", Role::kWebshop, {workload::kWeb}).second;
    token_b = add_principal(*admin, "shop-b", Role::kWebshop, {workload::kWeb}).second;
    auto a = connect_as(*app, token_a);
    auto b = connect_as(*app, token_b);
    auto configured = connect_client(*app, testing::kWebshopToken);
    ASSERT_TRUE(a && b && configured);
    held = one(*a, testing::web_hold(1000, 2));
    ASSERT_TRUE(held.ok()) << held.message;
    ASSERT_FALSE(held.hold_token.empty()) << "a hold answers its token";
    const ClientReply b_own = one(*b, testing::web_hold(1000, 1));
    ASSERT_TRUE(b_own.ok()) << b_own.message;
    booked = one(*office, Command{0, Book{BookingKind::kOption,
                                          1,
                                          workload::kBoxOffice,
                                          {workload::demo_line(1000, 1, 1, 1)},
                                          now_ms() + 86'400'000}});
    ASSERT_TRUE(booked.ok()) << booked.message;
    EXPECT_TRUE(booked.hold_token.empty()) << "the back office gets no token: it needs none";
    // The token of the back office's order, as if leaked from the server's key.
    auto key = HoldTokens::open(config.data_dir);
    ASSERT_TRUE(key.is_ok()) << key.status().to_string();
    booked.hold_token = key->token_for(booked.order);
    EXPECT_NE(booked.hold_token, held.hold_token);

    outsider_is_refused(*b, held, b_own.hold_token);
    outsider_is_refused(*configured, held, b_own.hold_token);
    outsider_is_refused(*a, booked, held.hold_token);
    ClientReply next = held;  // the id after it: predictable, its token is not
    next.order = held.order.value() + 1;
    EXPECT_EQ(one(*a, Command{0, GetOrder{next.order}}).code, kForbidden);
    EXPECT_EQ(one(*a, with_token(held, GetOrder{next.order})).code, kForbidden);
    const ClientReply again = one(*a, with_token(held, GetOrder{held.order}));
    EXPECT_EQ(again.state, OrderState::kHeld) << "outsiders changed nothing";
    EXPECT_EQ(again.hold_token, held.hold_token) << "an order keeps its token";
    EXPECT_EQ(one(*office, Command{0, GetOrder{booked.order}}).state, OrderState::kOption)
        << "the back office needs no token";
    EXPECT_TRUE(admin->admin(wire::AdminAction::Snapshot).is_ok());
    EXPECT_TRUE(eventually([&] { return app->engine().log->stats().snapshots >= 2; }));
    app->stop();
  }
  auto app = start_server(config);
  auto a = connect_as(*app, token_a);
  auto b = connect_as(*app, token_b);
  ASSERT_TRUE(a && b);
  outsider_is_refused(*b, held, booked.hold_token);
  EXPECT_EQ(one(*a, with_token(held, GetOrder{held.order})).state, OrderState::kHeld);
  EXPECT_TRUE(one(*a, with_token(held, Confirm{held.order, {}})).ok())
      << "its creator still reaches it: the token key is kept in the data directory";
}

}  // namespace
}  // namespace tessera::net
