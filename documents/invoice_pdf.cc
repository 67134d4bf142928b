// Invoices and credit notes as PDF (see invoice_pdf.h).
//
// The page is laid out top-down with documents/pdf_writer.h's cursor: the
// first page carries the organisation, the title and the details; the table
// of lines runs on from page to page (a continuation page repeats the title
// and the table's header); the totals follow the last row, on a new page
// when they do not fit; each page gets its footer ("Page 2 / 3") once the
// count is known.
#include "documents/invoice_pdf.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <vector>

#include "documents/pdf_writer.h"

namespace tessera::documents {
namespace {

// ---- Labels ------------------------------------------------------------------

struct Labels {  // UTF-8
  std::string_view invoice, credit_note, cancellation_invoice, commission_invoice, number;
  std::string_view date, order, client, billed_to;
  std::string_view description, quantity, unit_price, amount;
  std::string_view package, cash_discount, reduction, cashback, sponsorship, total, paid;
  std::string_view cancels, reason, continued, page;
};
constexpr Labels kEnglish{
    .invoice = "INVOICE",
    .credit_note = "CREDIT NOTE",
    .cancellation_invoice = "CANCELLATION INVOICE",
    .commission_invoice = "COMMISSION INVOICE",
    .number = "No",
    .date = "Date:",
    .order = "Order:",
    .client = "Client no.:",
    .billed_to = "Billed to",
    .description = "Description",
    .quantity = "Qty",
    .unit_price = "Unit price",
    .amount = "Amount",
    .package = "Package total",
    .cash_discount = "Cash discount",
    .reduction = "Promo code",
    .cashback = "Cashback",
    .sponsorship = "Sponsorship",
    .total = "Total",
    .paid = "Paid",
    .cancels = "Cancels invoice",
    .reason = "Reason:",
    .continued = "(continued)",
    .page = "Page",
};
constexpr Labels kFrench{
    .invoice = "FACTURE",
    .credit_note = "AVOIR",
    .cancellation_invoice = "FACTURE D'ANNULATION",
    .commission_invoice = "FACTURE DE COMMISSION",
    .number = "N°",
    .date = "Date :",
    .order = "Commande :",
    .client = "N° client :",
    .billed_to = "Facturé à",
    .description = "Désignation",
    .quantity = "Qté",
    .unit_price = "Prix unitaire",
    .amount = "Montant",
    .package = "Total brut",
    .cash_discount = "Remise",    // seed 003's "remise en numéraire"
    .reduction = "Code promo",    // seed 003's "réduction ... codes promo"
    .cashback = "Cashback",       // seed 003's "réductions liées au cashback"
    .sponsorship = "Parrainage",  // seed 003's "réductions liées ... au parrainage"
    .total = "Total",
    .paid = "Déjà payé",
    .cancels = "Annule la facture",
    .reason = "Motif :",
    .continued = "(suite)",
    .page = "Page",
};

std::string document_number(uint32_t year, uint32_t number) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04u-%06u", year, number);
  return buf;
}

// ---- Layout ------------------------------------------------------------------

static_assert(kInvoicePdfBlockLinesMax == kPdfBlockLinesMax, "the organisation's address is a block too");

constexpr float kBilledToX = kPdfPageWidth / 2 + 20;

// ---- The writer --------------------------------------------------------------

// Writes one document's pages into an open PdfDocument. Single use.
class InvoiceWriter {
 public:
  InvoiceWriter(PdfDocument& pdf, const engine::InvoiceDocument& doc, const Organisation& org, const LocalTime& local)
      : pdf_(pdf),
        doc_(doc),
        org_(org),
        local_(local),
        labels_(local.language() == Language::kFrench ? kFrench : kEnglish) {}

  // False iff libharu failed (pdf_.failure() says how).
  bool write();

 private:
  std::string heading() const;  // "INVOICE No 2026-000017" (WinAnsi)

  void ensure_room(float height, bool with_table_header);
  void title_and_details();
  void cancellation_block();
  void table_header();
  void table_row(const engine::InvoiceLine& line);
  void totals();

  PdfDocument& pdf_;
  const engine::InvoiceDocument& doc_;
  const Organisation& org_;
  const LocalTime& local_;
  const Labels& labels_;
};

bool InvoiceWriter::write() {
  pdf_.add_page();
  pdf_.organisation_block(org_);
  title_and_details();
  cancellation_block();
  ensure_room(2 * kPdfCell.leading() + 8, false);
  table_header();
  for (const engine::InvoiceLine& line : doc_.lines) {
    if (pdf_.failed()) return false;
    table_row(line);
  }
  totals();
  pdf_.footers(heading(), win_ansi(labels_.page));
  return !pdf_.failed();
}

std::string InvoiceWriter::heading() const {
  const std::string_view title = doc_.kind == engine::InvoiceKind::kCreditNote            ? labels_.credit_note
                                 : doc_.kind == engine::InvoiceKind::kCancellationInvoice ? labels_.cancellation_invoice
                                 : doc_.kind == engine::InvoiceKind::kCommissionInvoice   ? labels_.commission_invoice
                                                                                          : labels_.invoice;
  return win_ansi(std::string(title) + " " + std::string(labels_.number) + " " +
                  document_number(doc_.year, doc_.number));
}

// A new page unless `height` fits above the footer: it opens with the
// heading, "(continued)", and the table's header when the table goes on.
void InvoiceWriter::ensure_room(float height, bool with_table_header) {
  if (pdf_.fits(height)) return;
  pdf_.add_continuation_page(heading() + " " + win_ansi(labels_.continued));
  if (with_table_header) table_header();
}

// The title with the number, then two columns: the details on the left,
// the client billed on the right.
void InvoiceWriter::title_and_details() {
  pdf_.down(12 + kPdfTitle.leading());
  pdf_.text(kPdfMargin, pdf_.cursor(), kPdfTitle, heading());
  pdf_.down(10);
  const float top = pdf_.cursor();
  auto detail = [&](std::string_view label, const std::string& value) {
    pdf_.down(kPdfBody.leading());
    pdf_.text(kPdfMargin, pdf_.cursor(), kPdfBody, win_ansi(std::string(label) + " " + value));
  };
  detail(labels_.date, local_.date(doc_.issued_ms));
  detail(labels_.order, to_string(doc_.order));
  detail(labels_.client, std::to_string(doc_.contact_number));
  const float details_bottom = pdf_.cursor();
  pdf_.set_cursor(top);
  pdf_.lines_at(kBilledToX, kPdfBodyBold, {win_ansi(labels_.billed_to)});
  pdf_.lines_at(kBilledToX, kPdfBody,
                pdf_.block(kPdfBody, kPdfRight - kBilledToX, doc_.billed_to, kInvoicePdfBlockLinesMax));
  pdf_.set_cursor(std::min(pdf_.cursor(), details_bottom) - 18);
}

void InvoiceWriter::cancellation_block() {
  if (doc_.kind == engine::InvoiceKind::kInvoice) return;
  if (doc_.kind == engine::InvoiceKind::kCreditNote) {
    const std::string cancels = std::string(labels_.cancels) + " " + std::string(labels_.number) + " " +
                                document_number(doc_.cancels_year, doc_.cancels_number);
    pdf_.lines_at(kPdfMargin, kPdfBodyBold, {win_ansi(cancels)});
  }
  const std::string reason = std::string(labels_.reason) + " " + doc_.reason;
  pdf_.lines_at(kPdfMargin, kPdfBody, pdf_.block(kPdfBody, kPdfRight - kPdfMargin, reason, kInvoicePdfBlockLinesMax));
  pdf_.down(18);
}

void InvoiceWriter::table_header() {
  pdf_.table_header(kPdfLabelMoneyColumns,
                    {win_ansi(labels_.description), win_ansi(labels_.quantity), win_ansi(labels_.unit_price),
                     win_ansi(labels_.amount)},
                    kPdfCellBold);
}

void InvoiceWriter::table_row(const engine::InvoiceLine& line) {
  std::vector<PdfCell> cells{{},
                             {std::to_string(line.quantity)},
                             {win_ansi(local_.money(line.unit_cents))},
                             {win_ansi(local_.money(line.amount_cents))}};
  // The performance's date and time after its label, in the organisation's zone.
  const std::string text = line.starts_ms > 0 ? line.label + " - " + local_.date_time(line.starts_ms) : line.label;
  pdf_.wrap_into(cells[0], kPdfCell, kPdfLabelWidth, win_ansi(text), kInvoicePdfLabelLinesMax);
  if (cells[0].empty()) cells[0].emplace_back();  // drawn empty, as it always was (the same bytes)
  ensure_room(pdf_row_height(cells, kPdfCell), true);
  pdf_.table_row(kPdfLabelMoneyColumns, cells, kPdfCell);
}

void InvoiceWriter::totals() {
  std::vector<PdfSumRow> rows{{std::string(labels_.package), doc_.package_cents, kPdfBody}};
  if (doc_.cash_discount_cents != 0)
    rows.push_back({std::string(labels_.cash_discount), -doc_.cash_discount_cents, kPdfBody});
  // The promo code's share, then the cashback's and the sponsorship's (a
  // document from before them has none: its rows, and so its bytes, stay
  // as they were).
  if (const int64_t promo = doc_.reduction_cents - doc_.cashback_cents - doc_.sponsorship_cents; promo != 0)
    rows.push_back({std::string(labels_.reduction) + " " + doc_.promo_code, -promo, kPdfBody});
  if (doc_.cashback_cents != 0) rows.push_back({std::string(labels_.cashback), -doc_.cashback_cents, kPdfBody});
  if (doc_.sponsorship_cents != 0)
    rows.push_back({std::string(labels_.sponsorship), -doc_.sponsorship_cents, kPdfBody});
  rows.push_back({std::string(labels_.total), doc_.total_cents, kPdfBodyBold});
  if (doc_.paid_cents != 0) rows.push_back({std::string(labels_.paid), doc_.paid_cents, kPdfBody});
  ensure_room(pdf_sums_height(rows.size()), false);
  pdf_.sums(kPdfSumsLabelX, rows, local_);
}

// The information dictionary's title (plain ASCII: libharu writes
// information strings without an encoder).
std::string info_title(const engine::InvoiceDocument& doc, const LocalTime& local) {
  const bool french = local.language() == Language::kFrench;
  static constexpr std::array<std::array<const char*, 2>, 4> kTitles{{{"Invoice", "Facture"},
                                                                      {"Credit note", "Avoir"},
                                                                      {"Cancellation invoice", "Facture d'annulation"},
                                                                      {"Commission invoice", "Facture de commission"}}};
  const size_t kind = std::min<size_t>(static_cast<size_t>(doc.kind), kTitles.size() - 1);
  return std::string(kTitles[kind][french ? 1 : 0]) + " " + document_number(doc.year, doc.number);
}

}  // namespace

Result<std::string> render_invoice_pdf(const engine::InvoiceDocument& doc, const Organisation& org,
                                       const LocalTime& local) {
  if (doc.issued_ms < 0 || doc.issued_ms >= kPdfCreatedMsMax) {
    return Status::invalid_argument("document " + document_number(doc.year, doc.number) +
                                    ": issue time out of range (" + std::to_string(doc.issued_ms) + " ms)");
  }
  PdfDocument pdf("document " + document_number(doc.year, doc.number));
  if (Status opened = pdf.open(info_title(doc, local), doc.issued_ms, local); !opened.is_ok()) return opened;
  InvoiceWriter writer(pdf, doc, org, local);
  if (!writer.write()) return pdf.failure("writing");
  return pdf.save();
}

std::string invoice_file_name(const engine::InvoiceDocument& doc) {
  return std::string(engine::invoice_kind_slug(doc.kind)) + "-" + document_number(doc.year, doc.number) + ".pdf";
}

}  // namespace tessera::documents
