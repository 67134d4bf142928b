// Invoices through the real server process on its RocksDB data directory:
// numbers gap-free and never repeated while 4 clients invoice at once on
// orders of both shards, and across a SIGKILL in the middle of it; the PDF
// written once the invoice is durable, whose text (pdftotext) carries the
// number, the lines, the totals, the client and the organisation; a
// credit note; "Re-générer" giving the same bytes; the lock on an invoiced
// order; a web shop refused; a validated order cancelled by the client and
// by the organiser, with its credit note, cancellation and commission
// invoices.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
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
namespace tessera::server::invoice_test {
namespace {

using namespace tessera::engine;
using testing::now_ms;
using testing_support::pdf_text;
using testing_support::ServerProcess;

constexpr int64_t kDayMs = 86'400'000;

net::ClientReply one(net::Client& c, CommandBody body) { return testing::one(c, Command{0, std::move(body)}); }

const InvoiceDocument& document_of(const net::ClientReply& r) {
  static const InvoiceDocument kNone{};
  const auto* list = r.ok() && r.detail ? std::get_if<Invoices>(&r.detail->value) : nullptr;
  return list && !list->documents.empty() ? list->documents.front() : kNone;
}

std::string file_of(const net::ClientReply& r) {
  const auto* list = r.ok() && r.detail ? std::get_if<Invoices>(&r.detail->value) : nullptr;
  return list ? list->file : std::string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class InvoiceServer : public ::testing::Test {
 protected:
  std::vector<std::string> flags() const {
    return {"--token",
            "a:admin",
            "--token",
            "w:webshop",
            "--time-zone",
            "Europe/Paris",
            "--organisation-name",
            "Vackelys Voyages",
            "--organisation-address",
            "12 quai Rambaud | 69002 Lyon",
            "--organisation-legal",
            "SIRET 123 456 789 00012",
            "--export-dir",
            dir_.path() + "/exports"};
  }
  void start() {
    server_ = std::make_unique<ServerProcess>(data(), flags());
    ASSERT_NE(server_->port(), 0) << "server did not start";
    office_ = server_->client("t");
    ASSERT_TRUE(office_);
  }
  std::string data() const { return dir_.path() + "/data"; }
  // A confirmed order of `units` × 60.00 on `performance` (1000: shard 0's, 2000: shard 1's).
  OrderId confirmed(net::Client& c, PerformanceId performance, uint32_t units, ContactId contact = 7) {
    const Reply r = one(c, Book{BookingKind::kOption,
                                contact,
                                workload::kBoxOffice,
                                {workload::demo_line(performance, performance.value() / 1000, 1, units)},
                                now_ms() + 10 * kDayMs});
    EXPECT_TRUE(r.ok()) << r.message;
    EXPECT_TRUE(one(c, Confirm{r.order, {}}).ok());
    return r.order;
  }
  std::vector<InvoiceDocument> register_of(net::Client& c) {
    const Reply r = one(c, ListInvoices{InvoiceKind::kInvoice, 0, OrderId{0}, 0, 0});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? std::get<Invoices>(r.detail->value).documents : std::vector<InvoiceDocument>{};
  }

  testing_support::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<net::Client> office_;
};

TEST_F(InvoiceServer, AnInvoiceIsNumberedRenderedAsPdfAndRegeneratedByteForByte) {
  start();
  net::Client& c = *office_;
  const OrderId id = confirmed(c, 1000, 2);
  ASSERT_TRUE(one(c, SetCashDiscount{id, 1500}).ok());
  const net::ClientReply issued = one(c, IssueInvoice{id});
  ASSERT_TRUE(issued.ok()) << issued.message;
  const InvoiceDocument& inv = document_of(issued);
  EXPECT_EQ(inv.number, 1u);
  EXPECT_EQ(issued.value, 1);
  EXPECT_EQ(inv.total_cents, 10500);
  EXPECT_NE(inv.billed_to.find("\n"), std::string::npos) << "name and address from the directory: " << inv.billed_to;
  EXPECT_NE(inv.contact_number, 0u);
  const std::string path = file_of(issued);
  ASSERT_FALSE(path.empty()) << issued.message;
  EXPECT_EQ(std::filesystem::path(path).filename().string(), "invoice-" + std::to_string(inv.year) + "-000001.pdf");
  const std::string bytes = read_file(path);
  ASSERT_EQ(bytes.substr(0, 5), "%PDF-");

  const std::string text = pdf_text(path);
  for (const std::string& expected :
       {std::to_string(inv.year) + "-000001", std::string("Vackelys Voyages"), std::string("12 quai Rambaud"),
        std::string("69002 Lyon"), std::string("SIRET 123 456 789 00012"), inv.lines.at(0).label, std::string("120"),
        std::string("105"), std::string("15")})
    EXPECT_NE(text.find(expected), std::string::npos) << "the PDF's text lacks \"" << expected << "\":\n" << text;
  const std::string first_billed_line = inv.billed_to.substr(0, inv.billed_to.find('\n'));
  EXPECT_NE(text.find(first_billed_line), std::string::npos) << text;

  // "Re-générer": the file gone, rendered again from the logged document: the same bytes.
  std::filesystem::remove(path);
  const net::ClientReply again = one(c, RenderInvoice{InvoiceKind::kInvoice, inv.year, 1});
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(std::get<Invoices>(again.detail->value).pdf, bytes);
  EXPECT_EQ(read_file(path), bytes);

  // Locked while invoiced; de-invoiced by a credit note, then invoiced again as 2.
  EXPECT_EQ(one(c, SetCashDiscount{id, 0}).code, ReplyCode::kInvalidState);
  const net::ClientReply credit = one(c, CancelInvoice{id, "changement de date"});
  ASSERT_TRUE(credit.ok()) << credit.message;
  EXPECT_EQ(document_of(credit).kind, InvoiceKind::kCreditNote);
  EXPECT_EQ(document_of(credit).number, 1u);
  const std::string credit_text = pdf_text(file_of(credit));
  EXPECT_NE(credit_text.find("changement de date"), std::string::npos) << credit_text;
  EXPECT_NE(credit_text.find(std::to_string(inv.year) + "-000001"), std::string::npos) << credit_text;
  ASSERT_TRUE(one(c, SetCashDiscount{id, 0}).ok());
  const net::ClientReply second = one(c, IssueInvoice{id});
  EXPECT_EQ(document_of(second).number, 2u);
  EXPECT_EQ(document_of(second).total_cents, 12000);

  // A web shop invoices nothing; an unknown document is NotFound.
  auto shop = server_->client("w");
  ASSERT_TRUE(shop);
  EXPECT_EQ(one(*shop, IssueInvoice{id}).code, net::kForbidden);
  EXPECT_EQ(one(c, RenderInvoice{InvoiceKind::kInvoice, inv.year, 99}).code, ReplyCode::kNotFound);
}

std::vector<std::string> files_of(const net::ClientReply& r) {
  const auto* list = r.ok() && r.detail ? std::get_if<Invoices>(&r.detail->value) : nullptr;
  return list ? list->files : std::vector<std::string>{};
}

TEST_F(InvoiceServer, ACancellationIssuesItsCreditNoteAndInvoicesAsPdfs_AndTheBalanceSaysWhatIsOwed) {
  start();
  auto admin = server_->client("a");
  ASSERT_TRUE(admin);
  net::Client& c = *office_;
  // Every product's terms. The demo performances start years ahead: the 30-day step, 10 %.
  ASSERT_TRUE(
      one(*admin,
          SetCancellationTerms{kNone, {{30, 10}, {0, 100}}, 8, "Voyages Lumière\n12 quai du Port\n13002 Marseille"})
          .ok());
  auto shop = server_->client("w");
  ASSERT_TRUE(shop);
  EXPECT_EQ(one(*shop, SetCancellationTerms{kNone, {}, 0, {}}).code, net::kForbidden);

  // By the client: an invoiced order, 50.00 paid.
  const OrderId id = confirmed(c, 1000, 2);
  ASSERT_TRUE(one(c, AddPayment{id, PaymentMode::kCheque, 5000, 0, kNone, kNone, {}, {}, {}}).ok());
  const InvoiceDocument invoice = document_of(one(c, IssueInvoice{id}));
  ASSERT_EQ(invoice.number, 1u);
  EXPECT_EQ(one(*shop, CancelValidated{id, CancelledBy::kClient, "x"}).code, net::kForbidden);
  const net::ClientReply cancelled = one(c, CancelValidated{id, CancelledBy::kClient, "raisons de santé"});
  ASSERT_TRUE(cancelled.ok()) << cancelled.message;
  const auto& docs = std::get<Invoices>(cancelled.detail->value).documents;
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].kind, InvoiceKind::kCreditNote);
  EXPECT_EQ(docs[0].number, 1u);
  EXPECT_EQ(docs[1].kind, InvoiceKind::kCancellationInvoice);
  EXPECT_EQ(docs[1].number, 1u);
  EXPECT_EQ(docs[1].total_cents, 1200);
  EXPECT_EQ(docs[1].billed_to, invoice.billed_to) << "the client, from the directory";
  const std::vector<std::string> files = files_of(cancelled);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(std::filesystem::path(files[1]).filename().string(),
            "cancellation-invoice-" + std::to_string(docs[1].year) + "-000001.pdf");
  const std::string fee_text = pdf_text(files[1]);
  for (const std::string expected : {"CANCELLATION INVOICE", "raisons de sant", "12.00", "Vackelys Voyages"})
    EXPECT_NE(fee_text.find(expected), std::string::npos) << "lacks \"" << expected << "\":\n" << fee_text;
  EXPECT_NE(pdf_text(files[0]).find("CREDIT NOTE"), std::string::npos);
  Reply page = one(c, GetOrderRecord{id});
  ASSERT_TRUE(page.ok()) << page.message;
  OrderRecord rec = std::get<OrderRecord>(page.detail->value);
  EXPECT_EQ(rec.state, OrderState::kCancelled);
  EXPECT_EQ(rec.to_pay_cents, 1200);
  EXPECT_EQ(rec.balance_cents, -3800) << "38.00 owed to the client";
  EXPECT_FALSE(rec.invoiced);
  EXPECT_EQ(rec.invoices.size(), 3u);
  // Again: already done.
  EXPECT_EQ(one(c, CancelValidated{id, CancelledBy::kClient, "raisons de santé"}).code, ReplyCode::kDuplicate);
  // The refund it owes, on the closed order.
  ASSERT_TRUE(one(c, AddPayment{id, PaymentMode::kTransfer, -3800, 0, kNone, kNone, {}, {}, "annulation"}).ok());
  page = one(c, GetOrderRecord{id});
  EXPECT_EQ(std::get<OrderRecord>(page.detail->value).balance_cents, 0);

  // By the organiser: nothing owed; the commission billed to the organiser.
  const OrderId other = confirmed(c, 2000, 1);
  const net::ClientReply by_organiser = one(c, CancelValidated{other, CancelledBy::kOrganiser, "départ annulé"});
  ASSERT_TRUE(by_organiser.ok()) << by_organiser.message;
  const auto& two = std::get<Invoices>(by_organiser.detail->value).documents;
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].kind, InvoiceKind::kCancellationInvoice);
  EXPECT_EQ(two[0].number, 2u) << "the sequence goes on across shards";
  EXPECT_EQ(two[1].kind, InvoiceKind::kCommissionInvoice);
  EXPECT_EQ(two[1].total_cents, 480);
  const std::string commission = pdf_text(files_of(by_organiser).at(1));
  for (const std::string expected : {"COMMISSION INVOICE", "Voyages Lumi", "13002 Marseille", "4.80"})
    EXPECT_NE(commission.find(expected), std::string::npos) << "lacks \"" << expected << "\":\n" << commission;
  const Reply listed = one(c, ListInvoices{InvoiceKind::kCancellationInvoice, 0, OrderId{0}, 0, 0});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(std::get<Invoices>(listed.detail->value).total, 2u);
  // Re-rendered from the register: the same bytes.
  const net::ClientReply again = one(c, RenderInvoice{InvoiceKind::kCommissionInvoice, two[1].year, 1});
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(std::get<Invoices>(again.detail->value).pdf, read_file(files_of(by_organiser).at(1)));
}

TEST_F(InvoiceServer, NumbersStayGapFreeUnderConcurrentClientsAndAcrossSigkill) {
  start();
  // Orders on both shards, invoiced by 4 clients at once.
  std::vector<OrderId> orders;
  for (int i = 0; i < 40; ++i) orders.push_back(confirmed(*office_, i % 2 == 0 ? 1000 : 2000, 1, 1 + i % 8));
  std::atomic<size_t> next{0};
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> clients;
  const auto invoice_all = [&](ServerProcess& server, size_t stop_at) {
    net::ClientOptions o;  // not server.client(): a connection may meet the kill
    o.port = server.port();
    o.token = "t";
    auto connected = net::Client::connect(o);
    if (!connected.is_ok()) return;
    auto c = std::move(connected.value());
    for (size_t i = next++; i < stop_at; i = next++) {
      auto replies = c->call({Command{0, IssueInvoice{orders[i]}}});
      if (replies.is_ok() && replies->front().ok()) ++acknowledged;
    }
  };
  for (int t = 0; t < 4; ++t) clients.emplace_back([&] { invoice_all(*server_, 20); });
  for (std::thread& t : clients) t.join();
  clients.clear();
  ASSERT_EQ(acknowledged.load(), 20);
  // Ten more, and a SIGKILL while they run.
  next = 20;
  for (int t = 0; t < 4; ++t) clients.emplace_back([&] { invoice_all(*server_, 30); });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server_->stop(SIGKILL);
  for (std::thread& t : clients) t.join();
  clients.clear();

  server_ = std::make_unique<ServerProcess>(data(), flags());
  ASSERT_NE(server_->port(), 0) << "server did not recover";
  office_ = server_->client("t");
  ASSERT_TRUE(office_);
  next = 30;
  for (int t = 0; t < 4; ++t) clients.emplace_back([&] { invoice_all(*server_, 40); });
  for (std::thread& t : clients) t.join();

  // Every order invoiced at most once; numbers exactly 1..N; each order's
  // page names the number the register gave it.
  const std::vector<InvoiceDocument> documents = register_of(*office_);
  std::set<uint64_t> invoiced_orders;
  for (size_t i = 0; i < documents.size(); ++i) {
    EXPECT_EQ(documents[i].number, i + 1) << "a gap or a repeat";
    EXPECT_TRUE(invoiced_orders.insert(documents[i].order.value()).second) << "order invoiced twice";
    const Reply page = one(*office_, GetOrderRecord{documents[i].order});
    ASSERT_TRUE(page.ok()) << page.message;
    const OrderRecord& r = std::get<OrderRecord>(page.detail->value);
    EXPECT_TRUE(r.invoiced) << "order " << r.order.value() << " numbered but not noted after the restart";
    ASSERT_FALSE(r.invoices.empty());
    EXPECT_EQ(r.invoices.back().number, documents[i].number);
  }
  EXPECT_GE(documents.size(), 30u) << "the 20 acknowledged before the kill and the 10 after are there";
  // An order the kill interrupted is either invoiced or can be now, under the next number.
  for (OrderId id : orders) {
    if (invoiced_orders.contains(id.value())) continue;
    const net::ClientReply r = one(*office_, IssueInvoice{id});
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(document_of(r).number, register_of(*office_).size());
  }
  EXPECT_EQ(register_of(*office_).size(), orders.size());
  // Every document has its PDF: those the kill caught between number and
  // rendering were written again at the start (on the worker: waited for).
  for (const InvoiceDocument& d : register_of(*office_)) {
    char name[64];
    std::snprintf(name, sizeof name, "invoice-%u-%06u.pdf", d.year, d.number);
    const std::string path = dir_.path() + "/exports/invoices/" + name;
    for (int tries = 0; tries < 100 && !std::filesystem::exists(path); ++tries)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(std::filesystem::exists(path)) << path;
  }
}

// Automatic invoicing (engine/auto_invoicing.h): an order validated and not
// invoiced is invoiced by the system when its performance starts, numbered
// and rendered without anyone asking; a performance that starts while the
// server is down invoices its orders at the next start; numbers stay 1, 2.
TEST_F(InvoiceServer, ValidatedOrdersAreInvoicedOnDeparture_AlsoWhenItCameWhileTheServerWasDown) {
  start();
  auto admin = server_->client("a");
  ASSERT_TRUE(admin);
  const int64_t t0 = now_ms();
  constexpr PerformanceId kFirst = 1900, kSecond = 1901;
  for (auto [p, start] : {std::pair{kFirst, t0 + 3'000}, std::pair{kSecond, t0 + 7'000}}) {
    ASSERT_TRUE(one(*admin, DefinePerformance{p, ProductId{1}, start, 0, 0}).ok());
    ASSERT_TRUE(one(*admin, SetGeneralAdmission{p, 1, 50}).ok());
  }
  EXPECT_EQ(one(*office_, SetAutoInvoicing{kNone, true}).code, net::kForbidden) << "an admin's setting";
  ASSERT_TRUE(one(*admin, SetAutoInvoicing{kNone, true}).ok());
  auto confirmed_on = [&](PerformanceId p, int64_t start, uint32_t units) {
    const Reply r = one(*office_, Book{BookingKind::kOption,
                                       7,
                                       workload::kBoxOffice,
                                       {workload::demo_line(p, ProductId{1}, 1, units)},
                                       start});  // an option lapses at the start at the latest
    EXPECT_TRUE(r.ok()) << r.message;
    EXPECT_TRUE(one(*office_, Confirm{r.order, {}}).ok());
    return r.order;
  };
  const OrderId first = confirmed_on(kFirst, t0 + 3'000, 2);
  const OrderId second = confirmed_on(kSecond, t0 + 7'000, 1);

  auto invoiced = [&](OrderId id) {
    for (int tries = 0; tries < 200; ++tries) {
      const Reply r = one(*office_, GetOrderRecord{id});
      if (r.ok() && std::get<OrderRecord>(r.detail->value).invoiced) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  auto pdf_of = [&](const InvoiceDocument& d) {
    char name[64];
    std::snprintf(name, sizeof name, "invoice-%u-%06u.pdf", d.year, d.number);
    const std::string path = dir_.path() + "/exports/invoices/" + name;
    for (int tries = 0; tries < 100 && !std::filesystem::exists(path); ++tries)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return path;
  };
  ASSERT_TRUE(invoiced(first)) << "invoiced on its departure";
  EXPECT_GE(now_ms(), t0 + 3'000) << "not before";
  {
    const Reply r = one(*office_, GetOrderRecord{second});
    EXPECT_FALSE(std::get<OrderRecord>(r.detail->value).invoiced) << "the second has not departed";
  }
  std::vector<InvoiceDocument> documents = register_of(*office_);
  ASSERT_EQ(documents.size(), 1u);
  EXPECT_EQ(documents[0].order, first);
  EXPECT_EQ(documents[0].number, 1u);
  EXPECT_EQ(documents[0].principal, kSystem);
  EXPECT_EQ(documents[0].total_cents, 12000);
  const std::string text = pdf_text(pdf_of(documents[0]));
  EXPECT_NE(text.find(std::to_string(documents[0].year) + "-000001"), std::string::npos) << text;
  EXPECT_NE(text.find("Vackelys Voyages"), std::string::npos) << text;

  // Down while the second departs: invoiced at the next start, as number 2.
  server_->stop(SIGKILL);
  while (now_ms() < t0 + 7'500) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  start();
  ASSERT_TRUE(invoiced(second)) << "invoiced at the start after its departure";
  documents = register_of(*office_);
  ASSERT_EQ(documents.size(), 2u) << "each order once, across the kill";
  EXPECT_EQ(documents[1].order, second);
  EXPECT_EQ(documents[1].number, 2u);
  EXPECT_TRUE(std::filesystem::exists(pdf_of(documents[1])));
  const Reply page = one(*office_, GetOrderRecord{second});
  const OrderRecord& rec = std::get<OrderRecord>(page.detail->value);
  ASSERT_FALSE(rec.workflow.empty());
  EXPECT_EQ(rec.workflow.back().action, WorkflowAction::kInvoicing);
  EXPECT_EQ(rec.workflow.back().principal, kSystem);
}

}  // namespace
}  // namespace tessera::server::invoice_test
