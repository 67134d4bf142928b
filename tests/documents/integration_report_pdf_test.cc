// A pre-registration integration's report as PDF: what a reader sees (the
// text poppler's pdftotext extracts: the integration's details, the counts,
// one row per request with its outcome) in English and French, methods 1
// and 2, the same bytes for the same report, a long report continued over
// pages with every request listed, accents kept, and its bounds.
#include "documents/integration_report_pdf.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_set>

#include "engine/ids.h"
#include "tests/server/pdf_text.h"
#include "tests/storage/temp_dir.h"

// Not an anonymous namespace: the unity builds compile test files together.
namespace tessera::documents::integration_report_test {

using engine::IntegrationLevel;
using engine::IntegrationMethod;
using engine::OrderState;
using engine::PreRegOutcome;
using engine::PreRegResult;
using engine::PreRegRow;

constexpr int64_t kIntegratedMs = 1'552'552'200'000;  // 2019-03-14 09:30 in Paris (08:30 UTC)
constexpr char kPdfToText[] = "/usr/bin/pdftotext";

Organisation organisation() {
  return {"Théâtre des Arènes", "2 bis boulevard des Arènes\n30000 Nîmes",
          "SIRET 123 456 789 00012 — TVA FR12 123456789"};
}

PreRegRow request(uint64_t id, std::string reference, std::string last_name, std::string first_name, std::string email,
                  bool authenticated) {
  PreRegRow row;
  row.id = id;
  row.reference = std::move(reference);
  row.requester.last_name = std::move(last_name);
  row.requester.first_name = std::move(first_name);
  row.requester.email = std::move(email);
  row.requester.authenticated = authenticated;
  row.lines = {{engine::PerformanceId{1000}, engine::CategoryId{1}, engine::TariffId{1}, 2},
               {engine::PerformanceId{1001}, engine::CategoryId{1}, engine::TariffId{2}, 1}};
  return row;
}

PreRegResult result(uint64_t id, PreRegOutcome outcome, std::string reason = "") {
  PreRegResult r;
  r.id = id;
  r.outcome = outcome;
  r.reason = std::move(reason);
  return r;
}

// One request of each outcome: booked (reservation, confirmed), filed (with
// and without its option kept), refused, not found (no row), already handled.
IntegrationReport every_outcome(IntegrationMethod method) {
  IntegrationReport report;
  report.integrated_ms = kIntegratedMs;
  report.operator_name = "Marie Curie";
  report.options.method = method;
  report.options.level = IntegrationLevel::kReservation;
  report.options.keep_option = true;
  report.requests = {request(101, "CART-0101", "Dupré", "Hélène", "helene@example.org", true),
                     request(102, "CART-0102", "Martin", "Paul", "paul@example.org", false),
                     request(103, "CART-0103", "Durand", "Léa", "lea@example.org", false),
                     request(104, "CART-0104", "Petit", "Jean", "jean@example.org", false),
                     request(105, "CART-0105", "Moreau", "Anne", "anne@example.org", false),
                     request(107, "CART-0107", "Roux", "Luc", "luc@example.org", false)};
  PreRegResult booked = result(101, PreRegOutcome::kBooked);
  booked.order = engine::OrderId{345};
  booked.state = OrderState::kReservation;
  PreRegResult confirmed = result(102, PreRegOutcome::kBooked);
  confirmed.order = engine::OrderId{346};
  confirmed.state = OrderState::kConfirmed;
  PreRegResult filed_kept = result(103, PreRegOutcome::kFiled);
  filed_kept.lead = 103;
  filed_kept.order = engine::OrderId{347};
  PreRegResult filed = result(104, PreRegOutcome::kFiled);
  filed.lead = 104;
  report.results = {booked,
                    confirmed,
                    filed_kept,
                    filed,
                    result(105, PreRegOutcome::kRefused, "sold out"),
                    result(106, PreRegOutcome::kNotFound, "unknown id"),
                    result(107, PreRegOutcome::kWrongStatus, "deleted")};
  return report;
}

LocalTime local_time(std::string_view language) {
  auto local = LocalTime::make("Europe/Paris", language);
  EXPECT_TRUE(local.is_ok()) << local.status().to_string();
  return local.is_ok() ? *local : LocalTime{};
}

std::string render(const IntegrationReport& report, const LocalTime& local) {
  auto pdf = render_integration_report_pdf(report, organisation(), local);
  EXPECT_TRUE(pdf.is_ok()) << pdf.status().to_string();
  return pdf.is_ok() ? *pdf : std::string();
}

bool has_poppler() { return std::filesystem::exists(kPdfToText); }

// The text pdftotext reads in `pdf` (tests/server/pdf_text.h's helper, on a file).
std::string text_of(const std::string& pdf) {
  testing_support::TempDir dir;
  const std::string path = dir.path() + "/report.pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  return testing_support::pdf_text(path);
}

::testing::AssertionResult has_text(const std::string& text, const std::string& needle) {
  if (text.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no \"" << needle << "\" in\n" << text;
}

TEST(IntegrationReportPdf, English_MethodTwo_DetailsCountsAndEveryOutcome) {
  const LocalTime local = local_time("en");
  const std::string pdf = render(every_outcome(IntegrationMethod::kIdentifiedBooked), local);
  ASSERT_TRUE(pdf.starts_with("%PDF-"));
  if (!has_poppler()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const std::string text = text_of(pdf);
  for (const char* needle : {"Théâtre des Arènes",
                             "30000 Nîmes",
                             "PRE-REGISTRATION INTEGRATION REPORT",
                             "Date: 2019-03-14 09:30",
                             "Operator: Marie Curie",
                             "Method: 2 - identified clients booked, the others filed",
                             "Confirmation level: reservation",
                             "Filed requests keep their option: yes",
                             "7 requests: 2 booked, 2 filed, 3 refused",
                             "Request",
                             "Requester",
                             "Sessions",
                             "Outcome",
                             "CART-0101",
                             "Dupré Hélène",
                             "helene@example.org",
                             "(signed in)",
                             "2 x performance 1000",
                             "1 x performance 1001",
                             "booked: order 345 (reservation)",
                             "booked: order 346 (confirmed)",
                             "filed: lead 103, option 347 kept",
                             "filed: lead 104",
                             "refused: sold out",
                             "not found: unknown id",
                             "already handled: deleted",
                             "Page 1 / 1"}) {
    EXPECT_TRUE(has_text(text, needle));
  }
  for (int id = 101; id <= 107; ++id) EXPECT_TRUE(has_text(text, std::to_string(id)));
  EXPECT_EQ(text.find("Sales representative"), std::string::npos) << "method 1 only";
  EXPECT_EQ(text.find("filed: lead 104,"), std::string::npos) << "no option kept";
  EXPECT_EQ(text.find("(signed in)", text.find("(signed in)") + 1), std::string::npos) << "one authenticated";
}

TEST(IntegrationReportPdf, French_MethodTwo_LabelsAndOutcomesInFrench) {
  const std::string pdf = render(every_outcome(IntegrationMethod::kIdentifiedBooked), local_time("fr"));
  if (!has_poppler()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const std::string text = text_of(pdf);
  for (const char* needle : {"RAPPORT D'INTÉGRATION",
                             "PRÉ-INSCRIPTIONS",
                             "Date : 14.03.2019 09:30",
                             "Opérateur : Marie Curie",
                             "Méthode : 2 - inscription dans les sessions pour les clients",
                             "Niveau de confirmation : réservation",
                             "gardent leur option : oui",
                             "7 demandes : 2 inscrites, 2 versées au suivi commercial, 3 refusées",
                             "Demande",
                             "Demandeur",
                             "Séances",
                             "Résultat",
                             "Dupré Hélène",
                             "(authentifié)",
                             "2 x séance 1000",
                             "1 x séance 1001",
                             "inscrite : commande 345",
                             "(réservation)",
                             "(confirmée)",
                             "versée au suivi commercial : dossier",
                             "option 347 conservée",
                             "refusée : sold out",
                             "introuvable : unknown id",
                             "déjà traitée : deleted",
                             "Page 1 / 1"}) {
    EXPECT_TRUE(has_text(text, needle));
  }
  EXPECT_EQ(text.find("REPORT"), std::string::npos);
  EXPECT_EQ(text.find("booked"), std::string::npos);
}

TEST(IntegrationReportPdf, MethodOne_SalesRepresentativeAndSectorNoLevel) {
  IntegrationReport report = every_outcome(IntegrationMethod::kAllFiled);
  report.options.sales_rep = engine::ContactId{12};
  report.options.sector = "Gard — Hérault";
  report.options.keep_option = false;
  report.operator_name.clear();
  {
    const std::string pdf = render(report, local_time("en"));
    if (!has_poppler()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
    const std::string text = text_of(pdf);
    for (const char* needle :
         {"Method: 1 - every request filed as a sales follow-up file", "Sales representative: contact 12",
          "Sector: Gard — Hérault", "Filed requests keep their option: no"}) {
      EXPECT_TRUE(has_text(text, needle));
    }
    EXPECT_EQ(text.find("Confirmation level"), std::string::npos) << "methods 2 and 3 only";
    EXPECT_EQ(text.find("Operator"), std::string::npos) << "no operator named";
  }
  const std::string text = text_of(render(report, local_time("fr")));
  for (const char* needle :
       {"Méthode : 1 - génération des dossiers commerciaux pour toutes les demandes",
        "Commercial en charge : contact 12", "Secteur : Gard — Hérault", "gardent leur option : non"}) {
    EXPECT_TRUE(has_text(text, needle));
  }
  EXPECT_EQ(text.find("Niveau de confirmation"), std::string::npos);
}

TEST(IntegrationReportPdf, SameReport_SameBytes_CreationDateFromTheIntegration) {
  const LocalTime local = local_time("fr");
  const IntegrationReport report = every_outcome(IntegrationMethod::kIdentifiedBooked);
  const std::string first = render(report, local);
  EXPECT_EQ(render(report, local), first);
  EXPECT_NE(first.find("/CreationDate (D:20190314093000+01'00')"), std::string::npos) << "integration time, Paris";
  EXPECT_EQ(first.find("/ID"), std::string::npos) << "no time-based document id";
  EXPECT_EQ(first.find("/ModDate"), std::string::npos);
  EXPECT_NE(render(report, local_time("en")), first);
}

// The whitespace-separated words of `text`.
std::unordered_set<std::string> words_of(const std::string& text) {
  std::unordered_set<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.insert(word);
  return words;
}

TEST(IntegrationReportPdf, ManyRows_ContinueOnPagesWithTheHeaderAndEveryRequest) {
  constexpr int kRows = 2'000;
  IntegrationReport report;
  report.integrated_ms = kIntegratedMs;
  report.options.method = IntegrationMethod::kAuthenticatedBooked;
  for (int i = 0; i < kRows; ++i) {
    const uint64_t id = engine::make_prereg_id(1 + i % 3, 1 + i);
    report.requests.push_back(
        request(id, "CART-" + std::to_string(1 + i), "Lefèvre", "Zoé", "zoe@example.org", i % 2 == 1));
    PreRegResult r = result(id, i % 2 ? PreRegOutcome::kBooked : PreRegOutcome::kFiled);
    r.order = i % 2 ? engine::make_order_id(1, 1, i) : engine::OrderId{};
    r.lead = i % 2 ? 0 : id;
    report.results.push_back(r);
  }
  // The rows in reverse: looked up by id, not by position.
  std::reverse(report.requests.begin(), report.requests.end());
  const std::string pdf = render(report, local_time("en"));
  if (!has_poppler()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const std::string text = text_of(pdf);
  const size_t first = text.find("Page 1 / ");
  ASSERT_NE(first, std::string::npos) << text.substr(0, 2'000);
  const int pages = std::atoi(text.c_str() + first + 9);
  EXPECT_GT(pages, 10);
  const std::string count = " / " + std::to_string(pages);
  EXPECT_TRUE(has_text(text, "Page " + std::to_string(pages) + count));
  EXPECT_EQ(text.find("Page " + std::to_string(pages + 1)), std::string::npos);
  EXPECT_TRUE(has_text(text, "PRE-REGISTRATION INTEGRATION REPORT — 2019-03-14 09:30 (continued)"));
  size_t headers = 0;
  for (size_t at = text.find("Requester"); at != std::string::npos; at = text.find("Requester", at + 1)) ++headers;
  EXPECT_EQ(headers, static_cast<size_t>(pages)) << "the table's header on every page";
  const std::unordered_set<std::string> words = words_of(text);
  int missing = 0;
  for (const PreRegResult& r : report.results) {
    const uint64_t seq = r.id & ((uint64_t{1} << 56) - 1);
    if (!words.contains(std::to_string(r.id)) || !words.contains("CART-" + std::to_string(seq))) {
      ++missing;
    }
  }
  EXPECT_EQ(missing, 0);
  EXPECT_TRUE(has_text(text, "Lefèvre Zoé"));
  EXPECT_TRUE(has_text(text, "2000 requests: 1000 booked, 1000 filed, 0 refused"));
}

TEST(IntegrationReportPdf, HostileFields_BoundedCellsAndUnknownRequests) {
  IntegrationReport report = every_outcome(IntegrationMethod::kIdentifiedBooked);
  std::string words;
  while (words.size() < 5'000) words += "abcdefghij ";
  report.requests[0].requester.last_name = words;
  report.requests[0].requester.email = std::string(5'000, 'e') + "@example.org";
  report.requests[0].reference = std::string(64, 'R');
  report.requests[1].lines.assign(10'000, report.requests[1].lines[0]);
  report.requests[2].requester.first_name = std::string("Tab\there\x01 nul") + '\0' + "end \xff\xfe";
  report.results[4].reason = words;
  report.operator_name = words;
  report.options.sector = words;
  report.results.push_back(result(999'999, PreRegOutcome::kRefused, "no row"));
  report.results.push_back(result(UINT64_MAX, PreRegOutcome::kNotFound));  // 20 digits
  const LocalTime local = local_time("en");
  auto pdf = render_integration_report_pdf(report, organisation(), local);
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().to_string();
  if (!has_poppler()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const std::string text = text_of(*pdf);
  EXPECT_TRUE(has_text(text, "…")) << "what does not fit ends with an ellipsis";
  EXPECT_TRUE(has_text(text, "(signed in)")) << "kept below a long name";
  EXPECT_TRUE(has_text(text, "Tab here"));
  EXPECT_TRUE(has_text(text, "999999"));
  EXPECT_TRUE(has_text(text, "refused: no row"));
  EXPECT_TRUE(has_text(text, "18446744073709551615 ")) << "the widest id on one line";
  EXPECT_TRUE(has_text(text, "Page 1 / 1")) << "every cell bounded: one page still";
}

TEST(IntegrationReportPdf, OutOfBounds_InvalidArgument) {
  const LocalTime local = local_time("en");
  IntegrationReport report = every_outcome(IntegrationMethod::kIdentifiedBooked);
  report.integrated_ms = -1;
  EXPECT_EQ(render_integration_report_pdf(report, organisation(), local).status().code(), StatusCode::kInvalidArgument);
  report.integrated_ms = INT64_MAX;
  EXPECT_EQ(render_integration_report_pdf(report, organisation(), local).status().code(), StatusCode::kInvalidArgument);
  report.integrated_ms = kIntegratedMs;
  report.results.assign(kIntegrationReportRowsMax + 1, result(1, PreRegOutcome::kRefused));
  EXPECT_EQ(render_integration_report_pdf(report, organisation(), local).status().code(), StatusCode::kInvalidArgument);
}

TEST(IntegrationReportPdf, FileName_KeyOrUtcTimeToTheMillisecond) {
  IntegrationReport report;
  report.integrated_ms = kIntegratedMs + 7;
  EXPECT_EQ(integration_report_file_name(report, 42), "integration-42.pdf");
  EXPECT_EQ(integration_report_file_name(report, 0), "integration-20190314-083000-007.pdf");
  report.integrated_ms = 0;
  EXPECT_EQ(integration_report_file_name(report, 0), "integration-19700101-000000-000.pdf");
}

}  // namespace tessera::documents::integration_report_test
