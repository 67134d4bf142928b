// An order as PDF at one revision: what a reader sees (the text poppler's
// pdftotext extracts: the number, the version with the time it was saved,
// the status, the client and its litigious mark, the trip, the lines, the
// annex fees, the participants with their add-ons, the sums and the flags),
// French labels, the blocks an order without them leaves out, the same
// bytes for the same record (the creation date from its last workflow
// entry), a long order continued over pages, the file name per revision,
// and its bounds.
#include "documents/order_pdf.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/ids.h"
#include "tests/server/pdf_text.h"
#include "tests/storage/temp_dir.h"

// Not an anonymous namespace: the unity builds compile test files together.
namespace tessera::documents::order_pdf_test {

using engine::OrderRecord;
using engine::OrderState;
using engine::WorkflowAction;

constexpr int64_t kCreatedMs = 1'552'465'800'000;  // 2019-03-13 09:30 in Paris (08:30 UTC)
constexpr int64_t kSavedMs = 1'552'552'200'000;    // 2019-03-14 09:30 in Paris (08:30 UTC)
constexpr char kPdfToText[] = "/usr/bin/pdftotext";

Organisation organisation() {
  return {"Voyages des Arènes", "2 bis boulevard des Arènes\n30000 Nîmes", "SIRET 123 456 789 00012"};
}

engine::OrderRecordLine record_line(uint32_t performance, uint32_t category, uint32_t tariff, uint32_t quantity,
                                    uint32_t unit_cents) {
  engine::OrderRecordLine line;
  line.performance = performance;
  line.category = category;
  line.tariff = tariff;
  line.quantity = quantity;
  line.unit_price_cents = unit_cents;
  line.amount_cents = uint64_t{quantity} * unit_cents;
  return line;
}

// A confirmed trip for three, saved three times (the last at kSavedMs), with
// a fee, two participants (one with an add-on), a return to another city, a
// reduction, a cash discount and a first payment, for a litigious client.
OrderRecord trip_order() {
  OrderRecord r;
  r.order = engine::make_order_id(1, 3, 345);
  r.state = OrderState::kConfirmed;
  r.status = std::string(engine::seed_status_name(r.state));
  r.contact = 77;
  r.created_ms = kCreatedMs;
  r.quantity = 3;
  r.lines = {record_line(1000, 1, 2, 2, 12'500), record_line(1000, 2, 1, 1, 9'900)};
  r.workflow = {
      {kCreatedMs, 1, WorkflowAction::kCreated, OrderState::kHeld, OrderState::kReservation, ""},
      {kCreatedMs + 60'000, 1, WorkflowAction::kModified, OrderState::kReservation, OrderState::kReservation, "lines"},
      {kSavedMs, 1, WorkflowAction::kStateChanged, OrderState::kReservation, OrderState::kConfirmed, ""}};
  r.fees = {{engine::AnnexFeeId{5}, "Frais de dossier", 1, 1'500, 1'500, true}};
  r.fees_cents = 1'500;
  engine::ParticipantLine first{};
  first.contact = 101;
  first.share_cents = 18'000;
  first.add_ons = {{engine::AddOnId{7}, "Dîner de gala", 4'500, 101}};
  engine::ParticipantLine second{};
  second.contact = 102;
  second.share_cents = 11'750;
  r.participants = {first, second};
  r.departure_city = "Nîmes";
  r.return_departure = 1001;
  r.return_city = "Lyon";
  r.return_supplement_cents = 1'000;  // per unit
  r.add_ons_cents = 4'500;
  r.total_cents = 25'000 + 9'900 + 4'500 + 3 * 1'000;
  r.reduction_cents = 2'000;
  r.cash_discount_cents = 400;
  r.to_pay_cents = 42'400 + 1'500 - 400 - 2'000;
  r.paid_cents = 10'000;
  r.balance_cents = r.to_pay_cents - r.paid_cents;
  r.invoiced = true;
  r.file_complete = true;
  r.client_name = "Marie-Hélène Dupont";
  r.client_litigious = true;
  return r;
}

LocalTime paris(std::string_view language) {
  auto local = LocalTime::make("Europe/Paris", language);
  EXPECT_TRUE(local.is_ok()) << local.status().to_string();
  return local.is_ok() ? *local : LocalTime{};
}

std::string render(const OrderRecord& record, const LocalTime& local) {
  auto pdf = render_order_pdf(record, organisation(), local);
  EXPECT_TRUE(pdf.is_ok()) << pdf.status().to_string();
  return pdf.is_ok() ? *pdf : std::string();
}

bool has_pdftotext() { return std::filesystem::exists(kPdfToText); }

// What pdftotext reads in `pdf`, written to a file for it.
std::string read_back(const std::string& pdf) {
  testing_support::TempDir dir;
  const std::string path = dir.path() + "/order.pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  return testing_support::pdf_text(path);
}

::testing::AssertionResult contains(const std::string& text, const std::string& needle) {
  if (text.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no \"" << needle << "\" in\n" << text;
}

// n in the first page's footer "Page 1 / n" (0 when there is none).
int pages_in_footer(const std::string& text) {
  const std::string first = "Page 1 / ";
  const size_t at = text.find(first);
  return at == std::string::npos ? 0 : std::atoi(text.c_str() + at + first.size());
}

TEST(OrderPdf, English_TitleVersionClientTripTablesSumsAndFlags) {
  const LocalTime local = paris("en");
  const OrderRecord record = trip_order();
  const std::string pdf = render(record, local);
  ASSERT_TRUE(pdf.starts_with("%PDF-"));
  if (!has_pdftotext()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const std::string text = read_back(pdf);
  const std::vector<std::string> needles{"Voyages des Arènes",
                                         "Order 72057606922830169",
                                         "Version 3 — " + local.date_time(kSavedMs),
                                         "Status: confirmed",
                                         "Marie-Hélène Dupont",
                                         "LITIGIOUS CLIENT",
                                         "Departure city: Nîmes",
                                         "Return city: Lyon",
                                         "Performance",
                                         "Unit price",
                                         local.money(12'500),
                                         local.money(25'000),
                                         "Annex fees",
                                         "Frais de dossier",
                                         "Participants",
                                         "contact 101",
                                         "Dîner de gala - " + local.money(4'500),
                                         "contact 102",
                                         local.money(11'750),
                                         "Package total",
                                         local.money(42'400),
                                         "incl. add-ons",
                                         "incl. return supplement",
                                         local.money(3'000),
                                         "Reductions",
                                         local.money(-2'000),
                                         "Cash discount",
                                         local.money(-400),
                                         "To pay",
                                         local.money(41'500),
                                         "Balance",
                                         local.money(31'500),
                                         "Invoiced: yes",
                                         "Fully paid: no",
                                         "File complete: yes",
                                         "Travel book attached: no",
                                         "Order 72057606922830169 — Version 3",  // the footer
                                         "Page 1 / 1"};
  for (const std::string& needle : needles) EXPECT_TRUE(contains(text, needle));
}

TEST(OrderPdf, NoTripNoNameNotLitigious_TheContactAndNoTripBlock) {
  OrderRecord record = trip_order();
  record.departure_city.clear();
  record.return_city.clear();
  record.client_name.clear();
  record.client_litigious = false;
  record.fees.clear();
  record.fees_cents = 0;
  record.participants.clear();
  const std::string pdf = render(record, paris("en"));
  if (!has_pdftotext()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const std::string text = read_back(pdf);
  EXPECT_TRUE(contains(text, "contact 77"));
  for (const char* absent : {"LITIGIOUS", "Departure city", "Return city", "Annex fees", "Participants"}) {
    EXPECT_EQ(text.find(absent), std::string::npos) << absent << " in\n" << text;
  }
}

TEST(OrderPdf, French_LabelsDatesAndAmountsInFrench) {
  const LocalTime local = paris("fr");
  const std::string pdf = render(trip_order(), local);
  if (!has_pdftotext()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const std::string text = read_back(pdf);
  for (const char* needle : {"Commande n° 72057606922830169",
                             "Version 3 — 14.03.2019 09:30",
                             "Statut : validée",
                             "CLIENT LITIGIEUX",
                             "Ville de départ : Nîmes",
                             "Ville de retour : Lyon",
                             "Séance",
                             "Catégorie",
                             "Tarif",
                             "Qté",
                             "Prix unitaire",
                             "Montant",
                             "Frais annexes",
                             "Désignation",
                             "Options",
                             "Quote-part",
                             "Dîner de gala - 45,00 €",
                             "Total brut",
                             "dont options",
                             "dont supplément retour",
                             "Réductions",
                             "Remise",
                             "À payer",
                             "415,00 €",
                             "Déjà payé",
                             "Solde",
                             "315,00 €",
                             "Facturée : oui",
                             "Soldée : non",
                             "Dossier complet : oui",
                             "Carnet de voyage joint : non",
                             "Page 1 / 1"}) {
    EXPECT_TRUE(contains(text, needle));
  }
  for (const char* english : {"Order ", "LITIGIOUS", "Balance", "Unit price"}) {
    EXPECT_EQ(text.find(english), std::string::npos) << english << " in\n" << text;
  }
}

TEST(OrderPdf, SameRecord_SameBytes_CreatedAtTheLastWorkflowEntry) {
  const LocalTime local = paris("fr");
  const std::string first = render(trip_order(), local);
  EXPECT_EQ(render(trip_order(), local), first);
  EXPECT_NE(first.find("/CreationDate (D:20190314093000+01'00')"), std::string::npos) << "last entry, Paris";
  EXPECT_EQ(first.find("/ID"), std::string::npos) << "no time-based document id";

  OrderRecord unsaved = trip_order();
  unsaved.workflow.clear();
  const std::string created = render(unsaved, local);
  EXPECT_NE(created.find("/CreationDate (D:20190313093000+01'00')"), std::string::npos) << "no entry: the creation";
}

TEST(OrderPdf, FileName_OrderIdAndRevisionOnFourDigits) {
  OrderRecord record = trip_order();
  EXPECT_EQ(order_pdf_file_name(record), "order-72057606922830169-0003.pdf");
  record.workflow.resize(12);
  EXPECT_EQ(order_pdf_file_name(record), "order-72057606922830169-0012.pdf");
  record.workflow.clear();
  record.order = 345;
  EXPECT_EQ(order_pdf_file_name(record), "order-345-0000.pdf");
}

TEST(OrderPdf, ManyLines_ContinueOnFurtherPages) {
  OrderRecord record = trip_order();
  record.lines.clear();
  for (uint32_t i = 1; i <= 200; ++i) record.lines.push_back(record_line(2000 + i, 1, 1, 1, 1'000 + i));
  const std::string pdf = render(record, paris("en"));
  if (!has_pdftotext()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const std::string text = read_back(pdf);
  const int pages = pages_in_footer(text);
  EXPECT_GT(pages, 1) << text;
  EXPECT_TRUE(contains(text, "Page " + std::to_string(pages) + " / " + std::to_string(pages)));
  EXPECT_TRUE(contains(text, "Order 72057606922830169 — Version 3 (continued)"));
  EXPECT_TRUE(contains(text, "2200"));  // the last line's performance
  EXPECT_TRUE(contains(text, "Balance"));
}

TEST(OrderPdf, HostileFields_BoundedWithAnEllipsis) {
  OrderRecord record = trip_order();
  std::string words;
  while (words.size() < 5'000) words += "abcdefghij ";
  record.client_name = words;
  record.departure_city = std::string(5'000, 'W');
  record.fees[0].name = "Bad \xff\xfe bytes, 日本";
  record.participants[0].add_ons.assign(20, {engine::AddOnId{7}, words, 100, 101});
  auto pdf = render_order_pdf(record, organisation(), paris("en"));
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().to_string();
  ASSERT_TRUE(pdf->starts_with("%PDF-"));
  if (!has_pdftotext()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const std::string text = read_back(*pdf);
  EXPECT_TRUE(contains(text, "…")) << "what does not fit ends with an ellipsis";
  EXPECT_TRUE(contains(text, "Bad ?? bytes, ??"));
  EXPECT_TRUE(contains(text, "LITIGIOUS CLIENT"));
}

TEST(OrderPdf, SavedTimeOutOfRange_InvalidArgument) {
  OrderRecord record = trip_order();
  record.workflow.back().at_ms = -1;
  EXPECT_EQ(render_order_pdf(record, organisation(), paris("en")).status().code(), StatusCode::kInvalidArgument);
  record.workflow.clear();
  record.created_ms = INT64_MAX;
  EXPECT_EQ(render_order_pdf(record, organisation(), paris("en")).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace tessera::documents::order_pdf_test
