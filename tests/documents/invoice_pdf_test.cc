// Invoices and credit notes as PDF: what a reader sees (the text poppler's
// pdftotext extracts: number, lines, totals, organisation, client, the
// cancelled invoice), French labels, the same bytes for the same document
// whatever the clock or the process's time zone, pagination of long
// invoices, and fields no one should type (5,000 characters, control bytes,
// malformed UTF-8, characters Windows-1252 lacks).
#include "documents/invoice_pdf.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "engine/ids.h"
#include "tests/storage/temp_dir.h"

// Not an anonymous namespace: the unity builds compile test files together.
namespace tessera::documents::pdf_test {

using engine::InvoiceDocument;
using engine::InvoiceKind;
using engine::InvoiceLine;

constexpr int64_t kIssuedMs = 1'552'552'200'000;  // 2019-03-14 09:30 in Paris (08:30 UTC)
constexpr char kPdfToText[] = "/usr/bin/pdftotext";
constexpr char kPdfInfo[] = "/usr/bin/pdfinfo";

Organisation organisation() {
  return {"Théâtre des Arènes", "2 bis boulevard des Arènes\n30000 Nîmes",
          "SIRET 123 456 789 00012 — TVA FR12 123456789"};
}

InvoiceDocument invoice() {
  InvoiceDocument doc;
  doc.kind = InvoiceKind::kInvoice;
  doc.year = 2019;
  doc.number = 17;
  doc.order = engine::make_order_id(1, 3, 345);
  doc.attempt = 1;
  doc.issued_ms = kIssuedMs;
  doc.contact = 77;
  doc.contact_number = 4242;
  doc.billed_to = "Marie-Hélène Dupont\n12 rue de la Madeleine\n30000 Nîmes";
  doc.lines = {
      {"Séjour à Nîmes — été", 2, 12'500, 25'000},
      {"Concert — 14.06.2019 — Parterre — Plein tarif", 3, 4'250, 12'750},
      {"Abonnement « Saison » — Réduit", 1, 9'900, 9'900},
  };
  doc.package_cents = 47'650;
  doc.cash_discount_cents = 1'650;
  doc.total_cents = 46'000;
  doc.paid_cents = 10'000;
  return doc;
}

InvoiceDocument credit_note() {
  InvoiceDocument doc = invoice();
  doc.kind = InvoiceKind::kCreditNote;
  doc.number = 3;
  doc.cancels_year = 2019;
  doc.cancels_number = 17;
  doc.reason = "Spectacle annulé — remboursement intégral";
  return doc;
}

LocalTime local_time(std::string_view language) {
  auto local = LocalTime::make("Europe/Paris", language);
  EXPECT_TRUE(local.is_ok()) << local.status().to_string();
  return local.is_ok() ? *local : LocalTime{};
}

std::string render(const InvoiceDocument& doc, const LocalTime& local) {
  auto pdf = render_invoice_pdf(doc, organisation(), local);
  EXPECT_TRUE(pdf.is_ok()) << pdf.status().to_string();
  return pdf.is_ok() ? *pdf : std::string();
}

bool has_poppler() { return std::filesystem::exists(kPdfToText) && std::filesystem::exists(kPdfInfo); }

// The standard output of `command` run on `pdf` written to a file.
std::string run_on_pdf(const std::string& command, const std::string& pdf) {
  testing_support::TempDir dir;
  const std::string path = dir.path() + "/document.pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  std::string output;
  FILE* pipe = ::popen((command + " '" + path + "'" + (command.starts_with(kPdfToText) ? " -" : "")).c_str(), "r");
  if (pipe == nullptr) return output;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) output.append(buf, n);
  EXPECT_EQ(::pclose(pipe), 0) << command;
  return output;
}

std::string pdf_text(const std::string& pdf) {
  // Built by append: GCC 12 misreads operator+ on a short temporary string
  // as out of bounds (-Warray-bounds).
  std::string command(kPdfToText);
  command.append(" -layout -enc UTF-8");
  return run_on_pdf(command, pdf);
}

int page_count(const std::string& pdf) {
  const std::string info = run_on_pdf(kPdfInfo, pdf);
  const size_t at = info.find("Pages:");
  return at == std::string::npos ? 0 : std::atoi(info.c_str() + at + 6);
}

::testing::AssertionResult has_text(const std::string& text, const std::string& needle) {
  if (text.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no \"" << needle << "\" in\n" << text;
}

TEST(InvoicePdf, Invoice_TextCarriesNumberLinesTotalsOrganisationAndClient) {
  const LocalTime local = local_time("en");
  const InvoiceDocument doc = invoice();
  const std::string pdf = render(doc, local);
  ASSERT_TRUE(pdf.starts_with("%PDF-"));
  if (!has_poppler()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const std::string text = pdf_text(pdf);
  EXPECT_TRUE(has_text(text, "INVOICE No 2019-000017"));
  EXPECT_TRUE(has_text(text, "Date: " + local.date(kIssuedMs)));
  EXPECT_TRUE(has_text(text, "Order: " + to_string(doc.order)));
  EXPECT_TRUE(has_text(text, "Client no.: 4242"));
  for (const InvoiceLine& line : doc.lines) {
    EXPECT_TRUE(has_text(text, line.label));
    EXPECT_TRUE(has_text(text, local.money(line.unit_cents)));
    EXPECT_TRUE(has_text(text, local.money(line.amount_cents)));
  }
  EXPECT_TRUE(has_text(text, "Package total"));
  EXPECT_TRUE(has_text(text, local.money(doc.package_cents)));
  EXPECT_TRUE(has_text(text, "Cash discount"));
  EXPECT_TRUE(has_text(text, local.money(-doc.cash_discount_cents)));
  EXPECT_TRUE(has_text(text, local.money(doc.total_cents)));
  EXPECT_TRUE(has_text(text, local.money(doc.paid_cents)));
  for (const char* needle : {"Théâtre des Arènes", "2 bis boulevard des Arènes", "30000 Nîmes",
                             "SIRET 123 456 789 00012 — TVA FR12 123456789", "Billed to", "Marie-Hélène Dupont",
                             "12 rue de la Madeleine", "Page 1 / 1"}) {
    EXPECT_TRUE(has_text(text, needle));
  }
  EXPECT_EQ(text.find("Cancels"), std::string::npos);
  EXPECT_EQ(page_count(pdf), 1);
}

TEST(InvoicePdf, Invoice_NoCashDiscountLineWhenThereIsNone) {
  InvoiceDocument doc = invoice();
  doc.cash_discount_cents = 0;
  doc.total_cents = doc.package_cents;
  const std::string pdf = render(doc, local_time("en"));
  if (!has_poppler()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const std::string text = pdf_text(pdf);
  EXPECT_EQ(text.find("Cash discount"), std::string::npos) << text;
  EXPECT_TRUE(has_text(text, "Package total"));
}

TEST(InvoicePdf, CreditNote_NamesTheInvoiceItCancelsAndWhy) {
  const LocalTime local = local_time("en");
  const std::string pdf = render(credit_note(), local);
  if (!has_poppler()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const std::string text = pdf_text(pdf);
  EXPECT_TRUE(has_text(text, "CREDIT NOTE No 2019-000003"));
  EXPECT_TRUE(has_text(text, "Cancels invoice No 2019-000017"));
  EXPECT_TRUE(has_text(text, "Reason: Spectacle annulé — remboursement intégral"));
  EXPECT_TRUE(has_text(text, local.money(46'000)));
}

TEST(InvoicePdf, French_LabelsDatesAndAmountsInFrench) {
  const LocalTime local = local_time("fr");
  const InvoiceDocument doc = invoice();
  const std::string invoice_pdf = render(doc, local);
  const std::string credit_pdf = render(credit_note(), local);
  if (!has_poppler()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const std::string text = pdf_text(invoice_pdf);
  for (const char* needle :
       {"FACTURE N° 2019-000017", "Date : 14.03.2019", "Commande :", "N° client : 4242", "Facturé à", "Désignation",
        "Qté", "Prix unitaire", "Montant", "Total brut", "Remise", "Déjà payé", "125,00 €", "-16,50 €", "460,00 €"}) {
    EXPECT_TRUE(has_text(text, needle));
  }
  EXPECT_EQ(text.find("INVOICE"), std::string::npos);
  const std::string credit = pdf_text(credit_pdf);
  EXPECT_TRUE(has_text(credit, "AVOIR N° 2019-000003"));
  EXPECT_TRUE(has_text(credit, "Annule la facture N° 2019-000017"));
  EXPECT_TRUE(has_text(credit, "Motif : Spectacle annulé"));
}

// A 4-digit `year` standing alone in `bytes` (not inside a longer number,
// such as the cross-reference table's 10-digit offsets).
bool has_year_token(const std::string& bytes, const std::string& year) {
  auto digit = [&](size_t i) { return i < bytes.size() && bytes[i] >= '0' && bytes[i] <= '9'; };
  for (size_t at = bytes.find(year); at != std::string::npos; at = bytes.find(year, at + 1)) {
    if ((at == 0 || !digit(at - 1)) && !digit(at + year.size())) return true;
  }
  return false;
}

TEST(InvoicePdf, SameDocument_SameBytes_NothingFromTheClockOrTheProcessZone) {
  const LocalTime local = local_time("fr");
  const std::string first = render(invoice(), local);
  EXPECT_EQ(render(invoice(), local), first);
  // Later (another second of the clock) and in a process in another zone.
  std::this_thread::sleep_until(std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::now()) +
                                std::chrono::milliseconds(20));
  const char* zone = std::getenv("TZ");
  const std::string saved_zone = zone != nullptr ? zone : "";
  ::setenv("TZ", "Pacific/Kiritimati", 1);
  ::tzset();
  const std::string later = render(invoice(), local);
  if (zone != nullptr) {
    ::setenv("TZ", saved_zone.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
  EXPECT_EQ(later, first);

  EXPECT_NE(first.find("/CreationDate (D:20190314093000+01'00')"), std::string::npos) << "issue time, Paris";
  EXPECT_EQ(first.find("/ID"), std::string::npos) << "no time-based document id";
  EXPECT_EQ(first.find("/ModDate"), std::string::npos);
  const auto today =
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
  const std::string this_year = std::to_string(static_cast<int>(today.year()));
  if (this_year != "2019") {
    EXPECT_EQ(first.find("(D:" + this_year), std::string::npos);
    EXPECT_FALSE(has_year_token(first, this_year)) << "the current year is in the bytes";
  }
}

TEST(InvoicePdf, ManyLines_ContinueOnFurtherPages) {
  InvoiceDocument doc = invoice();
  doc.lines.clear();
  doc.package_cents = 0;
  for (int i = 1; i <= 120; ++i) {
    char label[64];
    std::snprintf(label, sizeof label, "Représentation n°%03d — Parterre — Plein tarif", i);
    doc.lines.push_back({label, 1, 1'000 + i, 1'000 + i});
    doc.package_cents += 1'000 + i;
  }
  doc.cash_discount_cents = 0;
  doc.total_cents = doc.package_cents;
  const LocalTime local = local_time("en");
  const std::string pdf = render(doc, local);
  if (!has_poppler()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const int pages = page_count(pdf);
  EXPECT_GT(pages, 1);
  const std::string text = pdf_text(pdf);
  for (const InvoiceLine& line : doc.lines) EXPECT_TRUE(has_text(text, line.label));
  EXPECT_TRUE(has_text(text, "INVOICE No 2019-000017 (continued)"));
  EXPECT_TRUE(has_text(text, local.money(doc.total_cents)));
  EXPECT_TRUE(has_text(text, "Page " + std::to_string(pages) + " / " + std::to_string(pages)));
}

TEST(InvoicePdf, HostileFields_RenderWithoutCrashing) {
  InvoiceDocument doc = invoice();
  std::string words;
  while (words.size() < 5'000) words += "abcdefghij ";
  doc.billed_to = words;
  doc.lines[0].label = std::string(5'000, 'W');  // one word wider than the column
  doc.lines[1].label = std::string("Tab\there\x01\x02\x7f nul") + '\0' + "end";
  doc.lines[2].label = "Bad \xff\xfe bytes, 日本, ő";
  doc.kind = InvoiceKind::kCreditNote;
  doc.reason = words + "\n\n" + words;
  Organisation org = organisation();
  org.name = std::string(5'000, 'N');
  org.address.assign(200, '\n').append("\r\n\r\nlast");
  auto pdf = render_invoice_pdf(doc, org, local_time("en"));
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().to_string();
  ASSERT_TRUE(pdf->starts_with("%PDF-"));
  if (!has_poppler()) GTEST_SKIP() << kPdfToText << " is missing (poppler-utils)";
  const std::string text = pdf_text(*pdf);
  EXPECT_TRUE(has_text(text, "…")) << "what does not fit ends with an ellipsis";
  EXPECT_TRUE(has_text(text, "Tab here"));
  EXPECT_TRUE(has_text(text, "Bad ?? bytes, ??, ?"));
  EXPECT_TRUE(has_text(text, "last"));
  EXPECT_TRUE(has_text(text, "CREDIT NOTE No 2019-000017"));
}

TEST(InvoicePdf, IssueTimeOutOfRange_InvalidArgument) {
  InvoiceDocument doc = invoice();
  doc.issued_ms = -1;
  auto pdf = render_invoice_pdf(doc, organisation(), local_time("en"));
  ASSERT_FALSE(pdf.is_ok());
  EXPECT_EQ(pdf.status().code(), StatusCode::kInvalidArgument);
  doc.issued_ms = INT64_MAX;
  EXPECT_EQ(render_invoice_pdf(doc, organisation(), local_time("en")).status().code(), StatusCode::kInvalidArgument);
}

TEST(InvoicePdf, FileName_KindYearAndSixDigitNumber) {
  EXPECT_EQ(invoice_file_name(invoice()), "invoice-2019-000017.pdf");
  InvoiceDocument doc = credit_note();
  doc.year = 2026;
  EXPECT_EQ(invoice_file_name(doc), "credit-note-2026-000003.pdf");
}

}  // namespace tessera::documents::pdf_test
