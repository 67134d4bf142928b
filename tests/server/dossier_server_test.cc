// Participants and the administrative file through the real server process
// on its RocksDB data directory: documents stored by digest under
// <data>/documents before the command is logged, read back byte for byte,
// the client's alert, over-limit refusals that store nothing, the file
// complete once checked, and all of it identical after SIGKILL and
// restart; a file a crash left with no acknowledged command naming it is
// removed by the next start.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/durable_file.h"
#include "engine/reply_detail.h"
#include "net/client.h"
#include "server/document_store.h"
#include "tests/net/net_test_support.h"
#include "tests/server/server_process.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

// A namespace of its own: unity builds compile this file with the other
// server tests, whose anonymous namespaces hold the same helper names.
namespace tessera::server::dossier_test {
namespace {

using namespace tessera::engine;
using testing::now_ms;
using testing_support::ServerProcess;
namespace fs = std::filesystem;

constexpr ContactId kClient = 7, kAda = 21, kBen = 22;
constexpr DocumentTypeId kHealthForm = 1;
constexpr int64_t kDayMs = 86'400'000;

net::ClientReply one(net::Client& c, CommandBody body) { return testing::one(c, Command{0, std::move(body)}); }

OrderRecord record(net::Client& c, OrderId order) { return testing::order_record(c, order); }

// A PDF-like document with every byte value in it.
std::string document_bytes(size_t n, char seed) {
  std::string out = "%PDF-1.4\n";
  for (size_t i = 0; out.size() < n; ++i) out.push_back(static_cast<char>(seed + i * 7));
  return out;
}

class DossierServer : public ::testing::Test {
 protected:
  void SetUp() override { start(); }
  void start(std::vector<std::string> extra = {}) {
    std::vector<std::string> flags = {"--token", "a:admin", "--token", "w:webshop"};
    flags.insert(flags.end(), extra.begin(), extra.end());
    server_ = std::make_unique<ServerProcess>(data(), flags, 32);
    ASSERT_NE(server_->port(), 0) << "server did not start";
    admin_ = server_->client("a");
    office_ = server_->client("t");
    shop_ = server_->client("w");
    ASSERT_TRUE(admin_ && office_ && shop_);
  }
  void restart(std::vector<std::string> extra = {}) {
    admin_.reset(), office_.reset(), shop_.reset();
    server_->stop(SIGKILL);
    server_.reset();
    start(std::move(extra));
  }
  std::string data() const { return dir_.path() + "/data"; }
  std::string documents() const { return data() + "/documents"; }
  OrderId option(uint32_t units) {
    const Reply r = one(*office_, Book{BookingKind::kOption,
                                       kClient,
                                       workload::kBoxOffice,
                                       {workload::demo_line(1000, 1, 1, units)},
                                       now_ms() + 10 * kDayMs});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.order;
  }
  size_t stored_files() const {
    size_t n = 0;
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(documents(), ec)) n += e.is_regular_file();
    return n;
  }

  testing_support::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<net::Client> admin_, office_, shop_;
};

TEST_F(DossierServer, DocumentsAreStoredByDigestReadBackAndCompleteTheFile_AndSurviveSigkill) {
  ASSERT_TRUE(one(*admin_, DefineDocumentType{kHealthForm, "Fiche sanitaire", {ProductId{1}}}).ok());
  const OrderId id = option(2);
  ASSERT_TRUE(one(*office_, AddParticipant{id, kAda, kNone, 0}).ok());
  ASSERT_TRUE(one(*office_, AddParticipant{id, kBen, ContactId{8}, 0}).ok());
  EXPECT_FALSE(record(*office_, id).file_complete);

  const std::string ada = document_bytes(300'000, 1), ben = document_bytes(1'000, 2);
  const Reply first = one(*office_, AttachDocument{id, kAda, kHealthForm, "fiche-ada.pdf", {}, 0, ada});
  ASSERT_TRUE(first.ok()) << first.message;
  EXPECT_EQ(first.value, 1) << "its number on the order";
  const std::string sha = DocumentStore::sha256_hex(ada);
  Result<std::string> on_disk = read_whole_file(documents() + "/" + sha);
  ASSERT_TRUE(on_disk.is_ok()) << "stored under its digest";
  EXPECT_EQ(*on_disk, ada);
  ASSERT_TRUE(one(*office_, AttachDocument{id, kBen, kHealthForm, "fiche-ben.pdf", {}, 0, ben}).ok());
  // The same bytes again (another order): stored once.
  const OrderId other = option(1);
  ASSERT_TRUE(one(*office_, AttachDocument{other, kNone, kNone, "copie.pdf", {}, 0, ada}).ok());
  EXPECT_EQ(stored_files(), 2u);

  OrderRecord r = record(*office_, id);
  ASSERT_EQ(r.documents.size(), 2u);
  EXPECT_EQ(r.documents[0].sha256, sha);
  EXPECT_EQ(r.documents[0].size, ada.size());
  EXPECT_EQ(r.documents[0].name, "fiche-ada.pdf");
  EXPECT_FALSE(r.documents[0].by_client);
  const Reply got = one(*office_, GetDocument{id, 1});
  ASSERT_TRUE(got.ok()) << got.message;
  EXPECT_EQ(std::get<DocumentFile>(got.detail->value).content, ada) << "byte for byte";

  ASSERT_TRUE(one(*office_, CheckDocument{id, 1, true}).ok());
  ASSERT_TRUE(one(*office_, CheckDocument{id, 2, true}).ok());
  r = record(*office_, id);
  EXPECT_TRUE(r.file_complete);
  ASSERT_EQ(r.participants.size(), 2u);
  EXPECT_EQ(r.participants[1].legal_representative, ContactId{8});

  restart();
  EXPECT_TRUE(testing::deep_equal(record(*office_, id), r)) << "the order page after SIGKILL and restart";
  const Reply again = one(*office_, GetDocument{id, 2});
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(std::get<DocumentFile>(again.detail->value).content, ben);
  EXPECT_EQ(stored_files(), 2u) << "a start removes no document an order names";
}

TEST_F(DossierServer, TheClientsDocumentRaisesAnAlert_AndBadDocumentsAreRefusedStoringNothing) {
  const net::ClientReply held =
      one(*shop_, Hold{kClient, workload::kWeb, {workload::demo_line(1000, 1, 1, 1)}, 10 * 60'000});
  ASSERT_TRUE(held.ok()) << held.message;
  const Reply sent = testing::one(
      *shop_, testing::with_token(held, AttachDocument{held.order, kNone, kNone, "attestation.pdf", {}, 0, "%PDF"}));
  ASSERT_TRUE(sent.ok()) << sent.message;
  const Reply alerts = one(*office_, ListOrders{kNone, kNone, 0, 0, 100, true});
  ASSERT_TRUE(alerts.ok()) << alerts.message;
  ASSERT_EQ(std::get<OrderPage>(alerts.detail->value).total, 1u);
  EXPECT_EQ(std::get<OrderPage>(alerts.detail->value).orders[0].order, held.order);
  ASSERT_TRUE(one(*office_, CheckDocument{held.order, 1, true}).ok());
  EXPECT_EQ(std::get<OrderPage>(one(*office_, ListOrders{kNone, kNone, 0, 0, 100, true}).detail->value).total, 0u);

  const OrderId id = option(1);
  const size_t files = stored_files();
  // Refused by the shard (no such participant): the bytes were stored
  // first; the next start removes them.
  const Reply unknown = one(*office_, AttachDocument{id, kBen, kHealthForm, "x.pdf", {}, 0, document_bytes(500, 3)});
  EXPECT_EQ(unknown.code, ReplyCode::kNotFound) << unknown.message;
  EXPECT_EQ(one(*office_, AttachDocument{id, kNone, kNone, "vide.pdf", {}, 0, {}}).code, ReplyCode::kInvalidArgument);
  EXPECT_EQ(record(*office_, id).documents.size(), 0u);
  restart({"--document-bytes-max", "1000"});
  EXPECT_EQ(stored_files(), files) << "the refused document's file is gone";
  const Reply big = one(*office_, AttachDocument{id, kNone, kNone, "gros.pdf", {}, 0, document_bytes(1'001, 4)});
  EXPECT_EQ(big.code, ReplyCode::kInvalidArgument);
  EXPECT_NE(big.message.find("document_bytes_max"), std::string::npos) << big.message;
  EXPECT_EQ(stored_files(), files);
  EXPECT_TRUE(one(*office_, AttachDocument{id, kNone, kNone, "petit.pdf", {}, 0, document_bytes(1'000, 4)}).ok());
}

TEST_F(DossierServer, AStartRemovesTheContentACrashLeftBeforeItsCommandWasLogged) {
  const OrderId id = option(1);
  const std::string kept = document_bytes(2'000, 5);
  ASSERT_TRUE(one(*office_, AttachDocument{id, kNone, kNone, "garde.pdf", {}, 0, kept}).ok());
  restart();
  // What a kill -9 between storing and logging leaves: the content and its
  // mark, no command. And a mark whose command was logged (the order names
  // the content) but not yet settled.
  const std::string orphan = document_bytes(3'000, 6), orphan_sha = DocumentStore::sha256_hex(orphan);
  const std::string kept_sha = DocumentStore::sha256_hex(kept);
  {
    std::ofstream(documents() + "/" + orphan_sha, std::ios::binary) << orphan;
    std::ofstream(cat(documents(), "/pending/", orphan_sha, ".", id.value(), ".new"));
    std::ofstream(cat(documents(), "/pending/", kept_sha, ".", id.value(), ".new"));
  }
  restart();
  EXPECT_FALSE(fs::exists(documents() + "/" + orphan_sha)) << "no order names it";
  EXPECT_TRUE(fs::exists(documents() + "/" + kept_sha)) << "order " << id << " names it";
  EXPECT_TRUE(fs::is_empty(documents() + "/pending"));
  const Reply got = one(*office_, GetDocument{id, 1});
  ASSERT_TRUE(got.ok()) << got.message;
  EXPECT_EQ(std::get<DocumentFile>(got.detail->value).content, kept);
}

}  // namespace
}  // namespace tessera::server::dossier_test
