// A4 documents as PDF over libharu (see pdf_writer.h).
//
// A page's content stream stays open until the document is saved, so a
// page can be written to after the next one was added: footers() writes
// every page's "Page i / n" once the count is known.
#include "documents/pdf_writer.h"

#include <hpdf.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <utility>

#include "base/check.h"

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

// `ms` in the zone of `local`, with its offset from UTC, as a PDF date.
HPDF_Date creation_date(int64_t ms, const LocalTime& local) {
  namespace chrono = std::chrono;
  const LocalTime::Civil civil = local.civil(ms);
  const chrono::sys_days day = chrono::year{civil.year} / chrono::month{civil.month} / chrono::day{civil.day};
  const int64_t local_s = chrono::duration_cast<chrono::seconds>(day.time_since_epoch()).count() +
                          int64_t{civil.hour} * 3600 + int64_t{civil.minute} * 60 + civil.second;
  const int64_t utc_s = chrono::floor<chrono::seconds>(chrono::milliseconds{ms}).count();
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

}  // namespace

std::string win_ansi(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  while (!utf8.empty()) out += win_ansi_byte(take_code_point(utf8));
  return out;
}

// ---- The document ------------------------------------------------------------------

struct PdfDocument::Haru {
  // The first error libharu reports. Later calls on a failed document are
  // harmless (libharu checks its handles) and their errors are not kept.
  HPDF_STATUS error_no = HPDF_OK;
  HPDF_STATUS detail_no = 0;
  HPDF_Doc pdf = nullptr;
  HPDF_Font regular = nullptr;
  HPDF_Font bold = nullptr;
  HPDF_Page page = nullptr;  // the current page
  std::vector<HPDF_Page> pages;

  Haru() = default;
  Haru(const Haru&) = delete;
  Haru& operator=(const Haru&) = delete;
  // The error fields outlive the document: the handler may report while it is freed.
  ~Haru() {
    if (pdf != nullptr) HPDF_Free(pdf);
  }
  HPDF_Font font(PdfStyle style) const { return style.bold ? bold : regular; }

  static void record_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void* user_data) {
    auto* haru = static_cast<Haru*>(user_data);
    if (haru->error_no == HPDF_OK) {
      haru->error_no = error_no;
      haru->detail_no = detail_no;
    }
  }
};

PdfDocument::PdfDocument(std::string name) : name_(std::move(name)), haru_(std::make_unique<Haru>()) {}

PdfDocument::~PdfDocument() = default;

bool PdfDocument::failed() const { return haru_->error_no != HPDF_OK; }

size_t PdfDocument::page_count() const { return haru_->pages.size(); }

Status PdfDocument::open(std::string_view title_ascii, int64_t created_ms, const LocalTime& local) {
  TESSERA_CHECK(haru_->pdf == nullptr);
  if (created_ms < 0 || created_ms >= kPdfCreatedMsMax) {
    return Status::invalid_argument(name_ + ": creation time out of range (" + std::to_string(created_ms) + " ms)");
  }
  HPDF_Doc pdf = HPDF_New(&Haru::record_error, haru_.get());
  if (pdf == nullptr) return Status::internal("libharu: cannot create a document (out of memory)");
  haru_->pdf = pdf;
  // Uncompressed content: the bytes depend on no zlib version (a page of
  // text is a few kilobytes).
  HPDF_SetCompressionMode(pdf, HPDF_COMP_NONE);
  const std::string title(title_ascii);
  HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, title.c_str());
  HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "Tessera");
  HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, creation_date(created_ms, local));
  if (failed()) return failure("setting up");
  haru_->regular = HPDF_GetFont(pdf, "Helvetica", "WinAnsiEncoding");
  haru_->bold = HPDF_GetFont(pdf, "Helvetica-Bold", "WinAnsiEncoding");
  if (failed()) return failure("loading the fonts");
  return Status::ok();
}

Status PdfDocument::failure(std::string_view what) const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "libharu error 0x%04X (detail %u)", static_cast<unsigned>(haru_->error_no),
                static_cast<unsigned>(haru_->detail_no));
  return Status::internal(std::string(what) + " of " + name_ + ": " + buf);
}

Result<std::string> PdfDocument::save() {
  const HPDF_Doc pdf = haru_->pdf;
  TESSERA_CHECK(pdf != nullptr);
  if (failed()) return failure("writing");
  if (HPDF_SaveToStream(pdf) != HPDF_OK || failed()) return failure("saving");
  const HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
  std::string bytes(size, '\0');
  HPDF_UINT32 read = 0;
  while (read < size) {
    HPDF_UINT32 n = size - read;
    HPDF_ReadFromStream(pdf, reinterpret_cast<HPDF_BYTE*>(bytes.data() + read), &n);
    if (n == 0 || failed()) return failure("reading");
    read += n;
  }
  if (size == 0) return failure("saving (empty)");
  return bytes;
}

void PdfDocument::add_page() {
  TESSERA_CHECK(haru_->regular != nullptr && haru_->bold != nullptr);
  const HPDF_Page page = HPDF_AddPage(haru_->pdf);
  HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
  HPDF_Page_SetLineWidth(page, 0.5f);
  haru_->page = page;
  haru_->pages.push_back(page);
  y_ = kPdfPageHeight - kPdfMargin;
}

void PdfDocument::add_continuation_page(const std::string& win_ansi_heading) {
  add_page();
  y_ -= kPdfBodyBold.leading();
  text(kPdfMargin, y_, kPdfBodyBold, win_ansi_heading);
  y_ -= 6;
  rule(y_);
  y_ -= 10;
}

void PdfDocument::footers(const std::string& win_ansi_left, const std::string& win_ansi_page_label) {
  const std::string count = std::to_string(haru_->pages.size());
  for (size_t i = 0; i < haru_->pages.size() && !failed(); ++i) {
    haru_->page = haru_->pages[i];
    rule(kPdfFooterBaseline + 12);
    text(kPdfMargin, kPdfFooterBaseline, kPdfFooter, win_ansi_left);
    text_right(kPdfRight, kPdfFooterBaseline, kPdfFooter,
               win_ansi_page_label + " " + std::to_string(i + 1) + " / " + count);
  }
}

void PdfDocument::text(float x, float y, PdfStyle style, const std::string& win_ansi_text) {
  const HPDF_Page page = haru_->page;
  HPDF_Page_BeginText(page);
  HPDF_Page_SetFontAndSize(page, haru_->font(style), style.size);
  HPDF_Page_TextOut(page, x, y, win_ansi_text.c_str());
  HPDF_Page_EndText(page);
}

void PdfDocument::text_right(float right, float y, PdfStyle style, const std::string& win_ansi_text) {
  text(right - text_width(style, win_ansi_text), y, style, win_ansi_text);
}

float PdfDocument::text_width(PdfStyle style, std::string_view win_ansi_text) const {
  const HPDF_TextWidth width =
      HPDF_Font_TextWidth(haru_->font(style), reinterpret_cast<const HPDF_BYTE*>(win_ansi_text.data()),
                          static_cast<HPDF_UINT>(win_ansi_text.size()));
  return static_cast<float>(width.width) * style.size / 1000;
}

void PdfDocument::rule(float y) {
  const HPDF_Page page = haru_->page;
  HPDF_Page_MoveTo(page, kPdfMargin, y);
  HPDF_Page_LineTo(page, kPdfRight, y);
  HPDF_Page_Stroke(page);
}

void PdfDocument::lines_at(float x, PdfStyle style, const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    y_ -= style.leading();
    text(x, y_, style, line);
  }
}

void PdfDocument::organisation_block(const Organisation& org) {
  const float width = kPdfRight - kPdfMargin;
  lines_at(kPdfMargin, kPdfOrgName, block(kPdfOrgName, width, org.name, kPdfOrganisationNameLinesMax));
  lines_at(kPdfMargin, kPdfAddress, block(kPdfAddress, width, org.address, kPdfBlockLinesMax));
  lines_at(kPdfMargin, kPdfLegal, block(kPdfLegal, width, org.legal, kPdfBlockLinesMax));
  y_ -= 8;
  rule(y_);
}

float pdf_row_height(const std::vector<PdfCell>& cells, PdfStyle style) {
  size_t lines = 1;
  for (const PdfCell& cell : cells) lines = std::max(lines, cell.size());
  return static_cast<float>(lines) * style.leading() + kPdfRowGap;
}

void PdfDocument::table_header(std::span<const PdfColumn> columns, const std::vector<std::string>& win_ansi_titles,
                               PdfStyle style) {
  TESSERA_CHECK(win_ansi_titles.size() == columns.size());
  y_ -= style.leading();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].right_aligned) {
      text_right(columns[i].x, y_, style, win_ansi_titles[i]);
    } else {
      text(columns[i].x, y_, style, win_ansi_titles[i]);
    }
  }
  y_ -= 5;
  rule(y_);
  y_ -= 2;
}

void PdfDocument::table_row(std::span<const PdfColumn> columns, const std::vector<PdfCell>& cells, PdfStyle style) {
  TESSERA_CHECK(cells.size() == columns.size());
  const float top = y_;
  float bottom = top - style.leading();
  // The right-aligned cells first, then the others: the order in which an
  // invoice has always been drawn, so its bytes stay the same.
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!columns[i].right_aligned) continue;
    TESSERA_CHECK(cells[i].size() <= 1);
    if (!cells[i].empty()) text_right(columns[i].x, bottom, style, cells[i].front());
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].right_aligned) continue;
    y_ = top;
    lines_at(columns[i].x, style, cells[i]);
    bottom = std::min(bottom, y_);
  }
  y_ = bottom - kPdfRowGap;
}

void PdfDocument::sums(float label_x, const std::vector<PdfSumRow>& rows, const LocalTime& local) {
  rule(y_);
  y_ -= 6;
  for (const PdfSumRow& row : rows) {
    y_ -= row.style.leading();
    text(label_x, y_, row.style, win_ansi(row.label));
    text_right(kPdfAmountRight, y_, row.style, win_ansi(local.money(row.cents)));
  }
}

bool PdfDocument::wrap_into(std::vector<std::string>& lines, PdfStyle style, float width, std::string_view rest,
                            size_t lines_max) const {
  auto trim_front = [](std::string_view& s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  };
  auto fitting = [&](bool at_spaces) -> size_t {
    return HPDF_Font_MeasureText(haru_->font(style), reinterpret_cast<const HPDF_BYTE*>(rest.data()),
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

std::vector<std::string> PdfDocument::block(PdfStyle style, float width, std::string_view utf8,
                                            size_t lines_max) const {
  TESSERA_CHECK(lines_max > 0);
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

void PdfDocument::end_with_ellipsis(std::string& line, PdfStyle style, float width) const {
  while (!line.empty() && text_width(style, line + kWinAnsiEllipsis) > width) line.pop_back();
  line += kWinAnsiEllipsis;
}

}  // namespace tessera::documents
