// Trip changes through the real server process on its RocksDB data
// directory (engine/commands_dossier.h): a departure change between two
// departures of one shard with an add-on left behind, the return city
// priced by the rule, a departure on the other shard refused (a product's
// departures share one shard), all of it identical after SIGKILL and
// restart; the order page flags a client the contact directory marks
// litigious; and each saved modification has its order PDF.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "documents/order_pdf.h"
#include "engine/contact_card.h"
#include "engine/reply_detail.h"
#include "net/client.h"
#include "tests/net/net_test_support.h"
#include "tests/server/pdf_text.h"
#include "tests/server/server_process.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

// A namespace of its own: unity builds compile this file with the other
// server tests, whose anonymous namespaces hold the same helper names.
namespace tessera::server::trip_test {
namespace {

using namespace tessera::engine;
using testing::now_ms;
using testing_support::pdf_text;
using testing_support::ServerProcess;
using testing_support::TempDir;

constexpr ContactId kClient = 7, kOther = 8, kAda = 21, kBen = 22;
constexpr AddOnId kCanoe = 1;
constexpr int64_t kDayMs = 86'400'000;
constexpr uint32_t kShards = 2;  // ServerProcess's

net::ClientReply one(net::Client& c, CommandBody body) { return testing::one(c, Command{0, std::move(body)}); }

class TripServer : public ::testing::Test {
 protected:
  void SetUp() override {
    start();
    // The demo's product 1 has departures 1000..1003: Lyon is 1000, the
    // other city one on the same shard, and a third on the other shard.
    for (uint32_t p = 1001; p <= 1003; ++p) {
      const bool same = shard_of_performance(p, kShards) == shard_of_performance(1000, kShards);
      if (same && !same_shard_) same_shard_ = PerformanceId{p};
      if (!same && !other_shard_) other_shard_ = PerformanceId{p};
    }
    ASSERT_TRUE(same_shard_ && other_shard_) << "the demo's departures lie on both shards";
  }
  void start() {
    server_ = std::make_unique<ServerProcess>(dir_.path() + "/data", std::vector<std::string>{"--token", "a:admin"});
    ASSERT_NE(server_->port(), 0) << "server did not start";
    admin_ = server_->client("a");
    office_ = server_->client("t");
    ASSERT_TRUE(admin_ && office_);
  }
  void restart() {
    admin_.reset(), office_.reset();
    server_->stop(SIGKILL);
    server_.reset();
    start();
  }
  void must(net::Client& c, CommandBody body) {
    const net::ClientReply r = one(c, std::move(body));
    ASSERT_TRUE(r.ok()) << r.message;
  }
  OrderId option(ContactId contact, uint32_t units) {
    const Reply r = one(*office_, Book{BookingKind::kOption,
                                       contact,
                                       workload::kBoxOffice,
                                       {workload::demo_line(1000, 1, 1, units)},
                                       now_ms() + 10 * kDayMs});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  uint32_t canoes_selected(PerformanceId p) {
    const net::ClientReply r = one(*office_, GetAddOnStock{p});
    EXPECT_TRUE(r.ok()) << r.message;
    for (const AddOnStockRow& row : std::get<AddOnStock>(r.detail->value).rows)
      if (row.addon == kCanoe) return row.selected;
    return 0;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<net::Client> admin_, office_;
  std::optional<PerformanceId> same_shard_, other_shard_;
};

TEST_F(TripServer, ADepartureChangeAndTheReturnCitySurviveSigkill) {
  const PerformanceId lyon = 1000, toulouse = *same_shard_, avignon = *other_shard_;
  const ProductId stay = workload::kProductRelease;
  must(*admin_, DefineDeparture{lyon, stay, "Lyon", 20330520, 5'000});
  must(*admin_, DefineDeparture{toulouse, stay, "Toulouse", 20330520, 2'000});
  // A product's departures share one shard: the other shard's performance is
  // refused, and the message names one that fits.
  const net::ClientReply apart = one(*admin_, DefineDeparture{avignon, stay, "Avignon", 20330520, 3'000});
  EXPECT_EQ(apart.code, ReplyCode::kInvalidArgument) << apart.message;
  EXPECT_NE(apart.message.find("share one shard"), std::string::npos) << apart.message;
  must(*admin_, SetReturnCityRule{stay, 2000});
  must(*admin_, DefineAddOn{kCanoe, stay, "Canoë", 3'500});
  must(*admin_, SetAddOnQuota{lyon, kCanoe, 2});
  must(*admin_, SetAddOnQuota{toulouse, kCanoe, 1});

  const OrderId id = option(kClient, 2);
  must(*office_, AddParticipant{id, kAda, kNone, 0});
  must(*office_, AddParticipant{id, kBen, kNone, 0});
  must(*office_, AddAddOn{id, kAda, kCanoe, -1});
  must(*office_, AddAddOn{id, kBen, kCanoe, -1});
  const net::ClientReply elsewhere = one(*office_, ChangeDeparture{id, avignon});
  EXPECT_EQ(elsewhere.code, ReplyCode::kNotFound) << "not on the order's shard: " << elsewhere.message;

  const net::ClientReply moved = one(*office_, ChangeDeparture{id, toulouse});
  ASSERT_TRUE(moved.ok()) << moved.message;
  const DepartureChange& change = std::get<DepartureChange>(moved.detail->value);
  ASSERT_EQ(change.dropped.size(), 1u) << "Toulouse has one canoe";
  EXPECT_EQ(change.dropped[0].participant, kBen);
  EXPECT_EQ(change.dropped[0].name, "Canoë");
  // Toulouse 20.00, back to Lyon 50.00 (the same day): (20 + 50) / 2 x 1.2
  // = 42.00, 22.00 more per unit.
  must(*office_, SetReturnCity{id, lyon});
  const OrderRecord before = testing::order_record(*office_, id);
  EXPECT_EQ(before.lines.at(0).performance, toulouse);
  EXPECT_EQ(before.departure_city, "Toulouse");
  EXPECT_EQ(before.return_city, "Lyon");
  EXPECT_EQ(before.return_supplement_cents, 2'200);
  EXPECT_EQ(before.total_cents, 2 * (6'000u + 2'200u) + 3'500u);

  restart();
  const OrderRecord after = testing::order_record(*office_, id);
  EXPECT_TRUE(testing::deep_equal(after, before)) << "the order page after SIGKILL and restart";
  EXPECT_EQ(canoes_selected(lyon), 0u);
  EXPECT_EQ(canoes_selected(toulouse), 1u);
  const net::ClientReply full = one(*office_, AddAddOn{id, kBen, kCanoe, -1});
  EXPECT_EQ(full.code, ReplyCode::kSoldOut) << "still full after the restart: " << full.message;
}

TEST_F(TripServer, TheOrderPageFlagsALitigiousClient) {
  const net::ClientReply card = one(*office_, GetContact{kClient, 0});
  ASSERT_TRUE(card.ok()) << card.message;
  ContactFields fields = std::get<ContactCard>(card.detail->value).record;
  fields.flags |= kContactLitigious;
  must(*office_, ChangeContact{kClient, fields});

  const OrderRecord flagged = testing::order_record(*office_, option(kClient, 1));
  EXPECT_TRUE(flagged.client_litigious);
  EXPECT_FALSE(flagged.client_name.empty());
  EXPECT_NE(flagged.client_name.find(fields.last_name), std::string::npos) << flagged.client_name;
  const OrderRecord plain = testing::order_record(*office_, option(kOther, 1));
  EXPECT_FALSE(plain.client_litigious);
  EXPECT_FALSE(plain.client_name.empty());
}

// The file the server writes for the order as `page` shows it, once it is
// there (the reply does not wait for it): its bytes, or empty after 20 s.
std::string order_pdf(const std::string& orders_dir, const OrderRecord& page) {
  const std::string path = orders_dir + "/" + documents::order_pdf_file_name(page);
  for (int i = 0; i < 400 && !std::filesystem::exists(path); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

size_t files_of(const std::string& orders_dir, OrderId id) {
  const std::string prefix = "order-" + std::to_string(id.value()) + "-";
  size_t n = 0;
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(orders_dir, ec))
    n += f.path().filename().string().rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

TEST_F(TripServer, EachSavedModificationWritesTheOrdersPdf_RenderOrderPdfWritesItAgain) {
  const PerformanceId lyon = 1000, toulouse = *same_shard_;
  const ProductId stay = workload::kProductRelease;
  must(*admin_, DefineDeparture{lyon, stay, "Lyon", 20330520, 5'000});
  must(*admin_, DefineDeparture{toulouse, stay, "Toulouse", 20330520, 2'000});
  const std::string orders = dir_.path() + "/data/exports/orders";
  const OrderId id = option(kClient, 2);

  must(*office_, AddParticipant{id, kAda, kNone, 0});
  const OrderRecord first = testing::order_record(*office_, id);
  const std::string first_pdf = order_pdf(orders, first);
  ASSERT_EQ(first_pdf.rfind("%PDF-", 0), 0u) << "no " << documents::order_pdf_file_name(first) << " in " << orders;

  const net::ClientReply moved = one(*office_, ChangeDeparture{id, toulouse});
  ASSERT_TRUE(moved.ok()) << moved.message;
  const OrderRecord second = testing::order_record(*office_, id);
  ASSERT_GT(second.workflow.size(), first.workflow.size());
  ASSERT_EQ(order_pdf(orders, second).rfind("%PDF-", 0), 0u) << "a new PDF for the departure change";
  // A refused modification writes none.
  EXPECT_EQ(one(*office_, ChangeDeparture{id, toulouse}).code, ReplyCode::kInvalidArgument);
  const net::ClientReply again = one(*office_, RenderOrderPdf{id});  // a query: the workflow does not grow
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(files_of(orders, id), 2u) << "one per saved modification: the option's creation wrote none";

  const std::string first_path = orders + "/" + documents::order_pdf_file_name(first);
  const std::string second_path = orders + "/" + documents::order_pdf_file_name(second);
  const std::string first_text = pdf_text(first_path), second_text = pdf_text(second_path);
  EXPECT_NE(first_text.find("Lyon"), std::string::npos) << first_text;
  EXPECT_EQ(first_text.find("Toulouse"), std::string::npos) << "the first revision left from Lyon";
  EXPECT_NE(second_text.find("Toulouse"), std::string::npos) << second_text;
  EXPECT_NE(second_text.find(std::to_string(id.value())), std::string::npos) << second_text;

  // "Re-générer": a lost file written again, the same bytes, its path answered.
  const std::string second_pdf = order_pdf(orders, second);
  std::filesystem::remove(second_path);
  const net::ClientReply rendered = one(*office_, RenderOrderPdf{id});
  ASSERT_TRUE(rendered.ok()) << rendered.message;
  EXPECT_EQ(rendered.message, second_path);
  EXPECT_EQ(order_pdf(orders, second), second_pdf);
  EXPECT_EQ(one(*office_, RenderOrderPdf{make_order_id(0, 9, 999)}).code, ReplyCode::kNotFound);
}

}  // namespace
}  // namespace tessera::server::trip_test
