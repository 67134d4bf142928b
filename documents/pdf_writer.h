// PdfDocument: one A4 portrait PDF written top-down with a cursor, over
// libharu, for every document Tessera renders (invoices, integration
// reports, orders). It owns the libharu document, its two fonts, its pages
// and the cursor, and draws text, rules, wrapped blocks, table rows, sums,
// continuation pages and the "Page i / n" footers; what a document says and
// where is its own file's.
//
// Deterministic: the PDF is a function of what is drawn only. The creation
// date is a time the caller gives (in the organisation's zone), the trailer
// has no /ID (libharu writes a time-based one only for encryption and
// PDF/A, neither of which is used), nothing reads the clock, the process's
// locale or time zone, and content streams are not compressed (the bytes do
// not depend on zlib's version either).
//
// Text is Helvetica (a standard font, not embedded) in WinAnsiEncoding:
// UTF-8 is converted by win_ansi(), a character Windows-1252 lacks printed
// as '?'. The drawing calls take WinAnsi text; block() takes UTF-8.
//
// Failures: libharu reports them to a handler; the first is recorded, later
// calls on a failed document are harmless (libharu checks its handles), and
// the writer's caller checks failed() at its loops and failure() at the end.
// The header does not include <hpdf.h>: libharu's handles live in the .cc.
// Thread-safety: a PdfDocument is used by one thread; separate documents
// are independent.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/local_time.h"
#include "base/status.h"
#include "documents/organisation.h"

namespace tessera::documents {

// ---- Text ----------------------------------------------------------------------

inline constexpr char kWinAnsiEllipsis = '\x85';  // "…" in WinAnsiEncoding

// `utf8` in WinAnsiEncoding (Windows-1252), one byte per character:
// controls print as spaces, Unicode's other spaces as a space, a character
// 1252 lacks and malformed UTF-8 as '?'. The same everywhere (no locale).
std::string win_ansi(std::string_view utf8);

// ---- Page geometry and styles --------------------------------------------------

// A4 portrait, in points (HPDF_PAGE_SIZE_A4).
inline constexpr float kPdfPageWidth = 595.276f;
inline constexpr float kPdfPageHeight = 841.89f;
inline constexpr float kPdfMargin = 50;
inline constexpr float kPdfRight = kPdfPageWidth - kPdfMargin;
inline constexpr float kPdfContentBottom = 64;  // the lowest baseline above the footer
inline constexpr float kPdfFooterBaseline = 32;

inline constexpr size_t kPdfBlockLinesMax = 10;                   // printed lines of an address or a free-text block
inline constexpr size_t kPdfOrganisationNameLinesMax = 2;         // in the title's size: more would crowd the page
inline constexpr int64_t kPdfCreatedMsMax = 253'402'214'400'000;  // 9999-12-30 UTC: four-digit years in any zone

struct PdfStyle {
  bool bold;
  float size;
  float leading() const { return size * 1.35f; }
};
inline constexpr PdfStyle kPdfOrgName{true, 14};
inline constexpr PdfStyle kPdfAddress{false, 9};
inline constexpr PdfStyle kPdfLegal{false, 8};
inline constexpr PdfStyle kPdfTitle{true, 18};
inline constexpr PdfStyle kPdfBody{false, 10};
inline constexpr PdfStyle kPdfBodyBold{true, 10};
inline constexpr PdfStyle kPdfCell{false, 9};
inline constexpr PdfStyle kPdfCellBold{true, 9};
inline constexpr PdfStyle kPdfFooter{false, 8};

// ---- Tables and sums -----------------------------------------------------------

// The money columns a table of lines ends with, right-aligned on these
// edges (quantity, unit price, amount), the label column before them, and
// the sums' labels under them.
inline constexpr float kPdfAmountRight = kPdfRight;
inline constexpr float kPdfUnitPriceRight = kPdfRight - 90;
inline constexpr float kPdfQuantityRight = kPdfRight - 180;
inline constexpr float kPdfLabelWidth = kPdfQuantityRight - 50 - kPdfMargin;
inline constexpr float kPdfSumsLabelX = kPdfRight - 250;
inline constexpr float kPdfRowGap = 2;  // below each table row

// A table's column: its cells drawn from `x` on, or right-aligned on `x`.
struct PdfColumn {
  float x;
  bool right_aligned;
};
// A label (wrapped within kPdfLabelWidth), then the money columns: an
// invoice's lines, an order's annex fees.
inline constexpr std::array<PdfColumn, 4> kPdfLabelMoneyColumns{
    {{kPdfMargin, false}, {kPdfQuantityRight, true}, {kPdfUnitPriceRight, true}, {kPdfAmountRight, true}}};
// A table cell: WinAnsi lines already wrapped to its column; a
// right-aligned cell has at most one.
using PdfCell = std::vector<std::string>;
// How far down a row of `cells` in `style` takes the cursor: its tallest
// cell (at least one line) and the gap below it.
float pdf_row_height(const std::vector<PdfCell>& cells, PdfStyle style);

// One line of a document's sums: a UTF-8 label and its amount.
struct PdfSumRow {
  std::string label;
  int64_t cents;
  PdfStyle style;  // kPdfBody or kPdfBodyBold (the same leading)
};
// How far down PdfDocument::sums() takes the cursor for `count` rows.
inline float pdf_sums_height(size_t count) { return static_cast<float>(count) * kPdfBody.leading() + 12; }

// ---- The document ----------------------------------------------------------------

// One PDF being written. Single use: open(), draw pages, footers(), save().
// Not copied (it owns the libharu document).
class PdfDocument {
 public:
  // `name` names the document in failure messages ("document 2026-000017").
  explicit PdfDocument(std::string name);
  ~PdfDocument();
  PdfDocument(const PdfDocument&) = delete;
  PdfDocument& operator=(const PdfDocument&) = delete;

  // Creates the libharu document (uncompressed) with its information: the
  // title (ASCII: libharu writes information strings without an encoder),
  // creator "Tessera", and `created_ms` in `local`'s zone, with its offset
  // from UTC, as the creation date; then loads the fonts.
  // Returns invalid_argument when created_ms is outside [0, kPdfCreatedMsMax),
  // internal when libharu fails. REQUIRES: called once, before anything else.
  Status open(std::string_view title_ascii, int64_t created_ms, const LocalTime& local);

  // True iff libharu reported an error (the document is then abandoned).
  bool failed() const;
  // internal: "<what> of <name>: libharu error 0x1025 (detail 0)".
  Status failure(std::string_view what) const;
  // The saved document's bytes; internal when libharu fails (or failed).
  // REQUIRES: open() returned OK.
  Result<std::string> save();

  // ---- Pages and the cursor (the bottom of what is written on the page) ----
  // A new page (the current one from then on), the cursor at its top margin.
  // REQUIRES: open() returned OK.
  void add_page();
  // A new page that opens with `win_ansi_heading` in bold and a rule.
  void add_continuation_page(const std::string& win_ansi_heading);
  // True iff `height` fits between the cursor and the footer.
  bool fits(float height) const { return y_ - height >= kPdfContentBottom; }
  float cursor() const { return y_; }
  void set_cursor(float y) { y_ = y; }
  void down(float height) { y_ -= height; }
  size_t page_count() const;
  // Every page's footer, once the count is known (libharu keeps each page's
  // content open until saving): a rule, `win_ansi_left` on the left and
  // "<page_label> i / n" on the right. Leaves the last page current.
  void footers(const std::string& win_ansi_left, const std::string& win_ansi_page_label);

  // ---- Drawing, on the current page; text in WinAnsiEncoding ----
  void text(float x, float y, PdfStyle style, const std::string& win_ansi_text);
  void text_right(float right, float y, PdfStyle style, const std::string& win_ansi_text);
  float text_width(PdfStyle style, std::string_view win_ansi_text) const;
  void rule(float y);  // a horizontal line from margin to margin
  // Lines down from the cursor (the first baseline one leading below it).
  void lines_at(float x, PdfStyle style, const std::vector<std::string>& lines);
  // The organisation's name, address and legal line, then a rule.
  void organisation_block(const Organisation& org);
  // A table's header down from the cursor: each title (WinAnsi) in `style`
  // on its column, then a rule. REQUIRES: one title per column.
  void table_header(std::span<const PdfColumn> columns, const std::vector<std::string>& win_ansi_titles,
                    PdfStyle style);
  // A table row down from the cursor (pdf_row_height() tall): the
  // right-aligned cells on its first baseline, then the others down from
  // its top. REQUIRES: one cell per column.
  void table_row(std::span<const PdfColumn> columns, const std::vector<PdfCell>& cells, PdfStyle style);
  // A rule at the cursor, then each row (pdf_sums_height() in all): its
  // label from `label_x`, its amount (local.money) on kPdfAmountRight.
  void sums(float label_x, const std::vector<PdfSumRow>& rows, const LocalTime& local);

  // ---- Wrapping ----
  // Appends `win_ansi_text` to `lines` broken at spaces (inside a word wider
  // than `width`), up to `lines_max` lines in all; false iff some did not
  // fit, the last line then ending in "…".
  bool wrap_into(std::vector<std::string>& lines, PdfStyle style, float width, std::string_view win_ansi_text,
                 size_t lines_max) const;
  // A UTF-8 field of lines ('\n' between them, blank ones skipped), wrapped
  // into at most `lines_max` WinAnsi lines.
  std::vector<std::string> block(PdfStyle style, float width, std::string_view utf8, size_t lines_max) const;
  // Shortens `line` until it ends in "…" within `width`.
  void end_with_ellipsis(std::string& line, PdfStyle style, float width) const;

 private:
  struct Haru;  // libharu's document, fonts, pages and first error (pdf_writer.cc)

  std::string name_;
  std::unique_ptr<Haru> haru_;
  float y_ = 0;
};

}  // namespace tessera::documents
