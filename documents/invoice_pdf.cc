// Invoices and credit notes as PDF (see invoice_pdf.h).
//
// The page is laid out top-down with a cursor: the first page carries the
// organisation, the title and the details; the table of lines runs on from
// page to page (a continuation page repeats the title and the table's
// header); the totals follow the last row, on a new page when they do not
// fit; each page gets its footer ("Page 2 / 3") once the count is known
// (libharu keeps every page's content stream open until the document is
// saved, so a page can be written to after the next one was added).
//
// libharu reports failures to an error handler; the first one is recorded,
// the writer stops at its next check, and the document is freed by its
// owner on every path.
#include "documents/invoice_pdf.h"

#include <hpdf.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tessera::documents {
namespace {

// ---- Text: UTF-8 to WinAnsiEncoding ----------------------------------------
//
// WinAnsiEncoding is Windows-1252: Latin-1 plus the 27 characters below in
// 0x80..0x9F (euro sign, typographic quotes and dashes, Œ œ Š š Ž ž Ÿ ƒ).
// A table rather than iconv("WINDOWS-1252//TRANSLIT"): glibc transliterates
// the characters 1252 lacks by the process's LC_CTYPE ("ő" is "?" in the C
// locale, "o" in fr_FR.UTF-8), so two servers would render one document to
// different bytes; the table is the same everywhere, needs no iconv_t per
// call and treats malformed UTF-8 the way it treats a missing character.

struct WinAnsiExtra {
  char32_t code_point;
  unsigned char byte;
};
constexpr WinAnsiExtra kWinAnsiExtras[] = {
    {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85}, {0x2020, 0x86}, {0x2021, 0x87},
    {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A}, {0x2039, 0x8B}, {0x0152, 0x8C}, {0x017D, 0x8E}, {0x2018, 0x91},
    {0x2019, 0x92}, {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95}, {0x2013, 0x96}, {0x2014, 0x97}, {0x02DC, 0x98},
    {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B}, {0x0153, 0x9C}, {0x017E, 0x9E}, {0x0178, 0x9F},
};
constexpr char kEllipsis = '\x85';           // "…" in WinAnsiEncoding
constexpr char32_t kMalformed = 0xFFFFFFFF;  // not a character: printed as '?'

// The character at the front of `utf8`, consumed; kMalformed for a byte
// that does not start a well-formed sequence (overlong forms and surrogates
// included).
char32_t take_code_point(std::string_view& utf8) {
  const auto lead = static_cast<unsigned char>(utf8[0]);
  const size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || utf8.size() < length) {
    utf8.remove_prefix(1);
    return kMalformed;
  }
  char32_t code_point = length == 1 ? lead : lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(utf8[i]);
    if ((next & 0xC0) != 0x80) {
      utf8.remove_prefix(1);
      return kMalformed;
    }
    code_point = (code_point << 6) | (next & 0x3F);
  }
  utf8.remove_prefix(length);
  constexpr char32_t kShortestForm[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kShortestForm[length] || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return kMalformed;
  }
  return code_point;
}

char win_ansi_byte(char32_t code_point) {
  // Controls (tabs, line breaks, NUL...) are spacing, never a glyph, and no
  // NUL reaches libharu's C strings.
  if (code_point < 0x20 || code_point == 0x7F) return ' ';
  if (code_point < 0x7F || (code_point >= 0xA0 && code_point <= 0xFF)) return static_cast<char>(code_point);
  for (const WinAnsiExtra& extra : kWinAnsiExtras) {
    if (extra.code_point == code_point) return static_cast<char>(extra.byte);
  }
  // Unicode's other spaces (thin, narrow no-break as in French "12 €"...)
  // print as a space rather than as '?'.
  if ((code_point >= 0x2000 && code_point <= 0x200A) || code_point == 0x202F || code_point == 0x205F ||
      code_point == 0x3000) {
    return ' ';
  }
  return '?';
}

std::string win_ansi(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  while (!utf8.empty()) out += win_ansi_byte(take_code_point(utf8));
  return out;
}

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

// A4 portrait, in points (HPDF_PAGE_SIZE_A4).
constexpr float kPageWidth = 595.276f;
constexpr float kPageHeight = 841.89f;
constexpr float kMargin = 50;
constexpr float kRight = kPageWidth - kMargin;
constexpr float kContentBottom = 64;  // the lowest baseline above the footer
constexpr float kFooterBaseline = 32;
constexpr float kBilledToX = kPageWidth / 2 + 20;
// The table: the label column, then three right-aligned columns.
constexpr float kAmountRight = kRight;
constexpr float kUnitPriceRight = kRight - 90;
constexpr float kQuantityRight = kRight - 180;
constexpr float kLabelWidth = kQuantityRight - 50 - kMargin;
constexpr float kTotalsLabelX = kRight - 250;
constexpr size_t kOrganisationNameLinesMax = 2;  // in the title's size: more would crowd the page

struct Style {
  bool bold;
  float size;
  float leading() const { return size * 1.35f; }
};
constexpr Style kOrgName{true, 14};
constexpr Style kAddress{false, 9};
constexpr Style kLegal{false, 8};
constexpr Style kTitle{true, 18};
constexpr Style kBody{false, 10};
constexpr Style kBodyBold{true, 10};
constexpr Style kCell{false, 9};
constexpr Style kCellBold{true, 9};
constexpr Style kFooter{false, 8};

// ---- libharu -----------------------------------------------------------------

// The first error libharu reports. Later calls on a failed document are
// harmless (libharu checks its handles) and their errors are not kept.
struct HaruError {
  HPDF_STATUS error_no = HPDF_OK;
  HPDF_STATUS detail_no = 0;
};

void record_haru_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void* user_data) {
  auto* error = static_cast<HaruError*>(user_data);
  if (error->error_no == HPDF_OK) *error = {error_no, detail_no};
}

struct HaruDocFree {
  void operator()(HPDF_Doc pdf) const { HPDF_Free(pdf); }
};
using HaruDoc = std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, HaruDocFree>;

Status haru_failure(const HaruError& error, std::string_view what, const engine::InvoiceDocument& doc) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "libharu error 0x%04X (detail %u)", static_cast<unsigned>(error.error_no),
                static_cast<unsigned>(error.detail_no));
  return Status::internal(std::string(what) + " of document " + document_number(doc.year, doc.number) + ": " + buf);
}

// ---- The writer --------------------------------------------------------------

// Writes one document's pages into a fresh libharu document. Single use.
class InvoiceWriter {
 public:
  InvoiceWriter(HPDF_Doc pdf, const HaruError& error, const engine::InvoiceDocument& doc, const Organisation& org,
                const LocalTime& local)
      : pdf_(pdf),
        error_(error),
        doc_(doc),
        org_(org),
        local_(local),
        labels_(local.language() == Language::kFrench ? kFrench : kEnglish) {}

  // False iff libharu failed (error_ says how).
  bool write();

 private:
  bool failed() const { return error_.error_no != HPDF_OK; }
  HPDF_Font font(Style style) const { return style.bold ? bold_ : regular_; }
  std::string heading() const;  // "INVOICE No 2026-000017" (WinAnsi)

  void add_page();
  void ensure_room(float height, bool with_table_header);
  void organisation_block();
  void title_and_details();
  void cancellation_block();
  void table_header();
  void table_row(const engine::InvoiceLine& line);
  void totals();
  void footers();

  // Drawing, text in WinAnsiEncoding at baseline y.
  void text(float x, float y, Style style, const std::string& win_ansi_text);
  void text_right(float right, float y, Style style, const std::string& win_ansi_text);
  float text_width(Style style, std::string_view win_ansi_text) const;
  void rule(float y);
  // Lines down from the cursor (the first baseline one leading below it).
  void lines_at(float x, Style style, const std::vector<std::string>& lines);

  // Appends `win_ansi_text` to `lines` broken at spaces (inside a word wider
  // than `width`), up to `lines_max` lines in all; false iff some did not
  // fit, the last line then ending in "…".
  bool wrap_into(std::vector<std::string>& lines, Style style, float width, std::string_view win_ansi_text,
                 size_t lines_max) const;
  // A UTF-8 field of lines ('\n' between them, blank ones skipped), wrapped.
  std::vector<std::string> block(Style style, float width, std::string_view utf8, size_t lines_max) const;
  void end_with_ellipsis(std::string& line, Style style, float width) const;

  HPDF_Doc pdf_;
  const HaruError& error_;
  const engine::InvoiceDocument& doc_;
  const Organisation& org_;
  const LocalTime& local_;
  const Labels& labels_;
  HPDF_Font regular_ = nullptr;
  HPDF_Font bold_ = nullptr;
  HPDF_Page page_ = nullptr;
  std::vector<HPDF_Page> pages_;
  float y_ = 0;  // the cursor: the bottom of what is written on page_
};

bool InvoiceWriter::write() {
  regular_ = HPDF_GetFont(pdf_, "Helvetica", "WinAnsiEncoding");
  bold_ = HPDF_GetFont(pdf_, "Helvetica-Bold", "WinAnsiEncoding");
  if (failed()) return false;
  add_page();
  organisation_block();
  title_and_details();
  cancellation_block();
  ensure_room(2 * kCell.leading() + 8, false);
  table_header();
  for (const engine::InvoiceLine& line : doc_.lines) {
    if (failed()) return false;
    table_row(line);
  }
  totals();
  footers();
  return !failed();
}

std::string InvoiceWriter::heading() const {
  const std::string_view title = doc_.kind == engine::InvoiceKind::kCreditNote            ? labels_.credit_note
                                 : doc_.kind == engine::InvoiceKind::kCancellationInvoice ? labels_.cancellation_invoice
                                 : doc_.kind == engine::InvoiceKind::kCommissionInvoice   ? labels_.commission_invoice
                                                                                          : labels_.invoice;
  return win_ansi(std::string(title) + " " + std::string(labels_.number) + " " +
                  document_number(doc_.year, doc_.number));
}

void InvoiceWriter::add_page() {
  page_ = HPDF_AddPage(pdf_);
  HPDF_Page_SetSize(page_, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
  HPDF_Page_SetLineWidth(page_, 0.5f);
  pages_.push_back(page_);
  y_ = kPageHeight - kMargin;
}

// A new page unless `height` fits above the footer: it opens with the
// heading, "(continued)", and the table's header when the table goes on.
void InvoiceWriter::ensure_room(float height, bool with_table_header) {
  if (y_ - height >= kContentBottom) return;
  add_page();
  y_ -= kBodyBold.leading();
  text(kMargin, y_, kBodyBold, heading() + " " + win_ansi(labels_.continued));
  y_ -= 6;
  rule(y_);
  y_ -= 10;
  if (with_table_header) table_header();
}

void InvoiceWriter::organisation_block() {
  const float width = kRight - kMargin;
  lines_at(kMargin, kOrgName, block(kOrgName, width, org_.name, kOrganisationNameLinesMax));
  lines_at(kMargin, kAddress, block(kAddress, width, org_.address, kInvoicePdfBlockLinesMax));
  lines_at(kMargin, kLegal, block(kLegal, width, org_.legal, kInvoicePdfBlockLinesMax));
  y_ -= 8;
  rule(y_);
}

// The title with the number, then two columns: the details on the left,
// the client billed on the right.
void InvoiceWriter::title_and_details() {
  y_ -= 12 + kTitle.leading();
  text(kMargin, y_, kTitle, heading());
  y_ -= 10;
  const float top = y_;
  auto detail = [&](std::string_view label, const std::string& value) {
    y_ -= kBody.leading();
    text(kMargin, y_, kBody, win_ansi(std::string(label) + " " + value));
  };
  detail(labels_.date, local_.date(doc_.issued_ms));
  detail(labels_.order, to_string(doc_.order));
  detail(labels_.client, std::to_string(doc_.contact_number));
  const float details_bottom = y_;
  y_ = top;
  lines_at(kBilledToX, kBodyBold, {win_ansi(labels_.billed_to)});
  lines_at(kBilledToX, kBody, block(kBody, kRight - kBilledToX, doc_.billed_to, kInvoicePdfBlockLinesMax));
  y_ = std::min(y_, details_bottom) - 18;
}

void InvoiceWriter::cancellation_block() {
  if (doc_.kind == engine::InvoiceKind::kInvoice) return;
  if (doc_.kind == engine::InvoiceKind::kCreditNote) {
    const std::string cancels = std::string(labels_.cancels) + " " + std::string(labels_.number) + " " +
                                document_number(doc_.cancels_year, doc_.cancels_number);
    lines_at(kMargin, kBodyBold, {win_ansi(cancels)});
  }
  const std::string reason = std::string(labels_.reason) + " " + doc_.reason;
  lines_at(kMargin, kBody, block(kBody, kRight - kMargin, reason, kInvoicePdfBlockLinesMax));
  y_ -= 18;
}

void InvoiceWriter::table_header() {
  y_ -= kCellBold.leading();
  text(kMargin, y_, kCellBold, win_ansi(labels_.description));
  text_right(kQuantityRight, y_, kCellBold, win_ansi(labels_.quantity));
  text_right(kUnitPriceRight, y_, kCellBold, win_ansi(labels_.unit_price));
  text_right(kAmountRight, y_, kCellBold, win_ansi(labels_.amount));
  y_ -= 5;
  rule(y_);
  y_ -= 2;
}

void InvoiceWriter::table_row(const engine::InvoiceLine& line) {
  std::vector<std::string> label;
  // The performance's date and time after its label, in the organisation's zone.
  const std::string text = line.starts_ms > 0 ? line.label + " - " + local_.date_time(line.starts_ms) : line.label;
  wrap_into(label, kCell, kLabelWidth, win_ansi(text), kInvoicePdfLabelLinesMax);
  if (label.empty()) label.emplace_back();
  ensure_room(static_cast<float>(label.size()) * kCell.leading() + 2, true);
  const float first_baseline = y_ - kCell.leading();
  text_right(kQuantityRight, first_baseline, kCell, std::to_string(line.quantity));
  text_right(kUnitPriceRight, first_baseline, kCell, win_ansi(local_.money(line.unit_cents)));
  text_right(kAmountRight, first_baseline, kCell, win_ansi(local_.money(line.amount_cents)));
  lines_at(kMargin, kCell, label);
  y_ -= 2;
}

void InvoiceWriter::totals() {
  struct Row {
    std::string label;
    int64_t cents;
    Style style;
  };
  std::vector<Row> rows{{std::string(labels_.package), doc_.package_cents, kBody}};
  if (doc_.cash_discount_cents != 0)
    rows.push_back({std::string(labels_.cash_discount), -doc_.cash_discount_cents, kBody});
  // The promo code's share, then the cashback's and the sponsorship's (a
  // document from before them has none: its rows, and so its bytes, stay
  // as they were).
  if (const int64_t promo = doc_.reduction_cents - doc_.cashback_cents - doc_.sponsorship_cents; promo != 0)
    rows.push_back({std::string(labels_.reduction) + " " + doc_.promo_code, -promo, kBody});
  if (doc_.cashback_cents != 0) rows.push_back({std::string(labels_.cashback), -doc_.cashback_cents, kBody});
  if (doc_.sponsorship_cents != 0) rows.push_back({std::string(labels_.sponsorship), -doc_.sponsorship_cents, kBody});
  rows.push_back({std::string(labels_.total), doc_.total_cents, kBodyBold});
  if (doc_.paid_cents != 0) rows.push_back({std::string(labels_.paid), doc_.paid_cents, kBody});
  ensure_room(static_cast<float>(rows.size()) * kBody.leading() + 12, false);
  rule(y_);
  y_ -= 6;
  for (const Row& row : rows) {
    y_ -= row.style.leading();
    text(kTotalsLabelX, y_, row.style, win_ansi(row.label));
    text_right(kAmountRight, y_, row.style, win_ansi(local_.money(row.cents)));
  }
}

void InvoiceWriter::footers() {
  const std::string page_label = win_ansi(labels_.page);
  const std::string count = std::to_string(pages_.size());
  const std::string left = heading();
  for (size_t i = 0; i < pages_.size() && !failed(); ++i) {
    page_ = pages_[i];
    rule(kFooterBaseline + 12);
    text(kMargin, kFooterBaseline, kFooter, left);
    text_right(kRight, kFooterBaseline, kFooter, page_label + " " + std::to_string(i + 1) + " / " + count);
  }
}

void InvoiceWriter::text(float x, float y, Style style, const std::string& win_ansi_text) {
  HPDF_Page_BeginText(page_);
  HPDF_Page_SetFontAndSize(page_, font(style), style.size);
  HPDF_Page_TextOut(page_, x, y, win_ansi_text.c_str());
  HPDF_Page_EndText(page_);
}

void InvoiceWriter::text_right(float right, float y, Style style, const std::string& win_ansi_text) {
  text(right - text_width(style, win_ansi_text), y, style, win_ansi_text);
}

float InvoiceWriter::text_width(Style style, std::string_view win_ansi_text) const {
  const HPDF_TextWidth width =
      HPDF_Font_TextWidth(font(style), reinterpret_cast<const HPDF_BYTE*>(win_ansi_text.data()),
                          static_cast<HPDF_UINT>(win_ansi_text.size()));
  return static_cast<float>(width.width) * style.size / 1000;
}

void InvoiceWriter::rule(float y) {
  HPDF_Page_MoveTo(page_, kMargin, y);
  HPDF_Page_LineTo(page_, kRight, y);
  HPDF_Page_Stroke(page_);
}

void InvoiceWriter::lines_at(float x, Style style, const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    y_ -= style.leading();
    text(x, y_, style, line);
  }
}

bool InvoiceWriter::wrap_into(std::vector<std::string>& lines, Style style, float width, std::string_view rest,
                              size_t lines_max) const {
  auto trim_front = [](std::string_view& s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  };
  auto fitting = [&](bool at_spaces) -> size_t {
    return HPDF_Font_MeasureText(font(style), reinterpret_cast<const HPDF_BYTE*>(rest.data()),
                                 static_cast<HPDF_UINT>(std::min<size_t>(rest.size(), UINT32_MAX)), width, style.size,
                                 0, 0, at_spaces ? HPDF_TRUE : HPDF_FALSE, nullptr);
  };
  trim_front(rest);
  while (!rest.empty() && lines.size() < lines_max) {
    size_t n = fitting(true);
    if (n == 0) n = fitting(false);  // one word wider than the column: cut inside it
    if (n == 0) n = 1;               // not even one character fits: progress anyway
    std::string_view line = rest.substr(0, std::min(n, rest.size()));
    rest.remove_prefix(line.size());
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    lines.emplace_back(line);
    trim_front(rest);
  }
  if (rest.empty()) return true;
  if (!lines.empty()) end_with_ellipsis(lines.back(), style, width);
  return false;
}

std::vector<std::string> InvoiceWriter::block(Style style, float width, std::string_view utf8, size_t lines_max) const {
  std::vector<std::string> lines;
  while (!utf8.empty()) {
    const size_t end = std::min(utf8.find('\n'), utf8.size());
    const std::string line = win_ansi(utf8.substr(0, end));
    utf8.remove_prefix(std::min(end + 1, utf8.size()));
    if (line.find_first_not_of(' ') == std::string::npos) continue;
    if (lines.size() == lines_max) {  // more text than room
      end_with_ellipsis(lines.back(), style, width);
      break;
    }
    if (!wrap_into(lines, style, width, line, lines_max)) break;
  }
  return lines;
}

void InvoiceWriter::end_with_ellipsis(std::string& line, Style style, float width) const {
  while (!line.empty() && text_width(style, line + kEllipsis) > width) line.pop_back();
  line += kEllipsis;
}

// ---- Document properties -------------------------------------------------------

// Issue times from 1970 to 9999-12-30 (UTC): a year of four digits in any zone.
constexpr int64_t kIssuedMsMax = 253'402'214'400'000;

// The issue time in the organisation's zone, with its offset from UTC, as
// the PDF's creation date.
HPDF_Date creation_date(int64_t issued_ms, const LocalTime& local) {
  namespace chrono = std::chrono;
  const LocalTime::Civil civil = local.civil(issued_ms);
  const chrono::sys_days day = chrono::year{civil.year} / chrono::month{civil.month} / chrono::day{civil.day};
  const int64_t local_s = chrono::duration_cast<chrono::seconds>(day.time_since_epoch()).count() +
                          int64_t{civil.hour} * 3600 + int64_t{civil.minute} * 60 + civil.second;
  const int64_t utc_s = chrono::floor<chrono::seconds>(chrono::milliseconds{issued_ms}).count();
  const int64_t offset_min = (local_s - utc_s) / 60;
  const int64_t offset_abs = offset_min < 0 ? -offset_min : offset_min;
  HPDF_Date date{};
  date.year = civil.year;
  date.month = static_cast<HPDF_INT>(civil.month);
  date.day = static_cast<HPDF_INT>(civil.day);
  date.hour = static_cast<HPDF_INT>(civil.hour);
  date.minutes = static_cast<HPDF_INT>(civil.minute);
  date.seconds = static_cast<HPDF_INT>(std::min(civil.second, 59u));
  date.ind = offset_min == 0 ? 'Z' : offset_min > 0 ? '+' : '-';
  date.off_hour = static_cast<HPDF_INT>(offset_abs / 60);
  date.off_minutes = static_cast<HPDF_INT>(offset_abs % 60);
  return date;
}

void set_properties(HPDF_Doc pdf, const engine::InvoiceDocument& doc, const LocalTime& local) {
  // Plain ASCII: libharu writes information strings without an encoder.
  const bool french = local.language() == Language::kFrench;
  static constexpr std::array<std::array<const char*, 2>, 4> kTitles{{{"Invoice", "Facture"},
                                                                      {"Credit note", "Avoir"},
                                                                      {"Cancellation invoice", "Facture d'annulation"},
                                                                      {"Commission invoice", "Facture de commission"}}};
  const size_t kind = std::min<size_t>(static_cast<size_t>(doc.kind), kTitles.size() - 1);
  const std::string title = std::string(kTitles[kind][french ? 1 : 0]) + " " + document_number(doc.year, doc.number);
  HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, title.c_str());
  HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "Tessera");
  HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, creation_date(doc.issued_ms, local));
}

// The saved document's bytes, read back from libharu's memory stream.
Result<std::string> saved_bytes(HPDF_Doc pdf, const HaruError& error, const engine::InvoiceDocument& doc) {
  if (HPDF_SaveToStream(pdf) != HPDF_OK || error.error_no != HPDF_OK) return haru_failure(error, "saving", doc);
  const HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
  std::string bytes(size, '\0');
  HPDF_UINT32 read = 0;
  while (read < size) {
    HPDF_UINT32 n = size - read;
    HPDF_ReadFromStream(pdf, reinterpret_cast<HPDF_BYTE*>(bytes.data() + read), &n);
    if (n == 0 || error.error_no != HPDF_OK) return haru_failure(error, "reading", doc);
    read += n;
  }
  if (size == 0) return haru_failure(error, "saving (empty)", doc);
  return bytes;
}

}  // namespace

Result<std::string> render_invoice_pdf(const engine::InvoiceDocument& doc, const Organisation& org,
                                       const LocalTime& local) {
  if (doc.issued_ms < 0 || doc.issued_ms >= kIssuedMsMax) {
    return Status::invalid_argument("document " + document_number(doc.year, doc.number) +
                                    ": issue time out of range (" + std::to_string(doc.issued_ms) + " ms)");
  }
  HaruError error;  // outlives the document: its handler may report while freeing
  const HaruDoc pdf(HPDF_New(record_haru_error, &error));
  if (!pdf) return Status::internal("libharu: cannot create a document (out of memory)");
  // Uncompressed content: the bytes depend on no zlib version (a page of
  // text is a few kilobytes).
  HPDF_SetCompressionMode(pdf.get(), HPDF_COMP_NONE);
  set_properties(pdf.get(), doc, local);
  if (error.error_no != HPDF_OK) return haru_failure(error, "setting up", doc);
  InvoiceWriter writer(pdf.get(), error, doc, org, local);
  if (!writer.write()) return haru_failure(error, "writing", doc);
  return saved_bytes(pdf.get(), error, doc);
}

std::string invoice_file_name(const engine::InvoiceDocument& doc) {
  return std::string(engine::invoice_kind_slug(doc.kind)) + "-" + document_number(doc.year, doc.number) + ".pdf";
}

}  // namespace tessera::documents
