// Payment batches through the real server process on its RocksDB data
// directory: a cheque deposit over orders of both shards answers settled
// with what it took and refused; a frozen payment cannot change; an
// accounting export writes its CSV (exact lines, the organisation's local
// time, French decimals left to the CLI) and the next one takes only what
// is new; after a SIGKILL the batches, their numbers and the frozen
// payments are all there, and a missing CSV is written again at start.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/reply_detail.h"
#include "net/client.h"
#include "tests/net/net_test_support.h"
#include "tests/server/server_process.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

// A namespace of its own: unity builds compile this file with the other
// server tests, whose anonymous namespaces hold the same helper names.
namespace tessera::server::batch_test {
namespace {

using namespace tessera::engine;
using testing::now_ms;
using testing_support::ServerProcess;

constexpr int64_t kDayMs = 86'400'000;

net::ClientReply one(net::Client& c, CommandBody body) { return testing::one(c, Command{0, std::move(body)}); }

const PaymentBatch* batch_of(const Reply& r) {
  return r.ok() && r.detail ? std::get_if<PaymentBatch>(&r.detail->value) : nullptr;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class BatchServer : public ::testing::Test {
 protected:
  void start() {
    server_ = std::make_unique<ServerProcess>(
        dir_.path() + "/data", std::vector<std::string>{"--time-zone", "Europe/Paris", "--language", "fr",
                                                        "--export-dir", dir_.path() + "/exports"});
    ASSERT_NE(server_->port(), 0) << "server did not start";
    office_ = server_->client("t");
    ASSERT_TRUE(office_);
  }
  // An option of 2 × 60.00 on `performance` (1001: shard 0's, 2000: shard 1's), paid by `payments`.
  OrderId paid(PerformanceId performance, std::vector<std::pair<PaymentMode, int64_t>> payments) {
    const Reply r = one(*office_, Book{BookingKind::kOption,
                                       7,
                                       workload::kBoxOffice,
                                       {workload::demo_line(performance, performance.value() / 1000, 1, 2)},
                                       now_ms() + 10 * kDayMs});
    EXPECT_TRUE(r.ok()) << r.message;
    for (const auto& [mode, amount] : payments)
      EXPECT_TRUE(one(*office_, AddPayment{r.order, mode, amount, 0, kNone, kNone, "M. DURAND; fils", "BNP", ""}).ok());
    return r.order;
  }
  OrderRecord record(OrderId id) {
    const Reply r = one(*office_, GetOrderRecord{id});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? std::get<OrderRecord>(r.detail->value) : OrderRecord{};
  }

  testing_support::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<net::Client> office_;
};

TEST_F(BatchServer, ADepositSpansShards_AnExportWritesItsCsv_AndBothSurviveASigkill) {
  start();
  const OrderId a = paid(1001, {{PaymentMode::kCheque, 4'000}, {PaymentMode::kCard, 1'050}});
  const OrderId b = paid(2000, {{PaymentMode::kCheque, 7'550}});
  ASSERT_NE(order_shard(a), order_shard(b));

  const Reply deposit =
      one(*office_, MakePaymentBatch{BatchKind::kChequeDeposit, 0, "Crédit Agricole", "", {{a, 1}, {a, 2}, {b, 1}}});
  ASSERT_TRUE(deposit.ok()) << deposit.message;
  const PaymentBatch* d = batch_of(deposit);
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->settled) << "the answer comes once the batch is settled";
  EXPECT_EQ(d->number, 1u);
  EXPECT_EQ(d->frozen.size(), 2u);
  EXPECT_EQ(d->total_cents, 11'550);
  ASSERT_EQ(d->refused.size(), 1u);
  EXPECT_EQ(d->refused[0].reason, "not a cheque");

  const Reply change =
      one(*office_, ChangePayment{b, 1, PaymentMode::kCheque, 7'000, 0, kNone, kNone, "DURAND", "BNP", ""});
  EXPECT_EQ(change.code, ReplyCode::kInvalidState);
  EXPECT_NE(change.message.find("cheque deposit 1"), std::string::npos) << change.message;

  const Reply exported = one(*office_, MakePaymentBatch{BatchKind::kAccountingExport, 0, "", "", {}});
  ASSERT_TRUE(exported.ok()) << exported.message;
  const PaymentBatch* x = batch_of(exported);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->frozen.size(), 3u);
  const std::string path = dir_.path() + "/exports/accounting/accounting-export-000001.csv";
  EXPECT_EQ(x->file, path);
  const std::string csv = read_file(path);
  std::vector<std::string> lines;
  for (size_t at = 0, end; (end = csv.find("\r\n", at)) != std::string::npos; at = end + 2)
    lines.push_back(csv.substr(at, end - at));
  ASSERT_EQ(lines.size(), 4u) << csv;
  EXPECT_EQ(lines[0], "export;record;order;number;date;mode;amount;contact;payer;label;bank;collected");
  // Shard 0's payments first (by slot, then number), each with its quoted label.
  EXPECT_EQ(lines[1].substr(0, lines[1].find(';', 10)), "1;payment;" + std::to_string(a.value()));
  EXPECT_NE(lines[1].find(";cheque;40.00;7;;\"M. DURAND; fils\";BNP;"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find(";card;10.50;"), std::string::npos) << lines[2];
  EXPECT_NE(lines[3].find(";cheque;75.50;"), std::string::npos) << lines[3];

  const Reply nothing_new = one(*office_, MakePaymentBatch{BatchKind::kAccountingExport, 0, "", "", {}});
  ASSERT_TRUE(nothing_new.ok());
  EXPECT_EQ(batch_of(nothing_new)->number, 2u);
  EXPECT_TRUE(batch_of(nothing_new)->frozen.empty());

  // SIGKILL; the first export's file goes missing: the start writes it again, the same bytes.
  server_->stop(SIGKILL);
  server_.reset();
  std::filesystem::remove(path);
  start();
  const Reply deposits = one(*office_, ListPaymentBatches{BatchKind::kChequeDeposit, 0, 0});
  ASSERT_TRUE(deposits.ok()) << deposits.message;
  const PaymentBatches& list = std::get<PaymentBatches>(deposits.detail->value);
  ASSERT_EQ(list.total, 1u);
  EXPECT_EQ(list.batches[0].frozen, d->frozen);
  EXPECT_EQ(record(a).payments[0].deposit, 1u);
  EXPECT_EQ(record(a).payments[1].exported, 1u);
  bool rewritten = false;
  for (int i = 0; i < 100 && !rewritten; ++i) {
    rewritten = std::filesystem::exists(path);
    if (!rewritten) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(rewritten) << "the start writes a missing export";
  EXPECT_EQ(read_file(path), csv);
  EXPECT_EQ(batch_of(one(*office_, MakePaymentBatch{BatchKind::kPayout, 0, "Mairie", "", {{a, 2}}}))->number, 1u);
}

}  // namespace
}  // namespace tessera::server::batch_test
