// A pre-registration integration's report as PDF (see integration_report_pdf.h).
//
// Laid out like an invoice with documents/pdf_writer.h: the first page
// carries the organisation, the title, the details of the integration and
// the summary; the table of results runs on from page to page (a
// continuation page repeats the heading and the table's header); each page
// gets its footer once the count is known. A row is as tall as its tallest
// cell, every cell drawn down from the row's top.
#include "documents/integration_report_pdf.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "documents/pdf_writer.h"

namespace tessera::documents {
namespace {

using engine::PreRegOutcome;
using engine::PreRegResult;
using engine::PreRegRow;

// ---- Labels ------------------------------------------------------------------

// Named apart from invoice_pdf.cc's Labels: a unity build compiles the two together.
struct ReportLabels {  // UTF-8
  std::string_view title, info_title, date, operator_name, method, level, sales_rep, contact, sector, keep_option;
  std::array<std::string_view, 3> methods;  // IntegrationMethod 1, 2, 3
  std::array<std::string_view, 3> levels;   // IntegrationLevel, and a booked order's state
  std::string_view yes, no, colon;
  std::string_view requests, booked_count, filed_count, refused_count;
  std::string_view request, requester, sessions, outcome;
  std::string_view signed_in, performance;
  std::string_view booked, order, filed, lead, option, kept, refused, not_found, wrong_status, done;
  std::string_view continued, page;
};
constexpr ReportLabels kReportEnglish{
    .title = "PRE-REGISTRATION INTEGRATION REPORT",
    .info_title = "Pre-registration integration report",
    .date = "Date:",
    .operator_name = "Operator:",
    .method = "Method:",
    .level = "Confirmation level:",
    .sales_rep = "Sales representative:",
    .contact = "contact",
    .sector = "Sector:",
    .keep_option = "Filed requests keep their option:",
    .methods = {"every request filed as a sales follow-up file", "identified clients booked, the others filed",
                "authenticated clients booked, the others filed"},
    .levels = {"option", "reservation", "confirmed"},
    .yes = "yes",
    .no = "no",
    .colon = ": ",
    .requests = "requests:",
    .booked_count = "booked",
    .filed_count = "filed",
    .refused_count = "refused",
    .request = "Request",
    .requester = "Requester",
    .sessions = "Sessions",
    .outcome = "Outcome",
    .signed_in = "(signed in)",
    .performance = "performance",
    .booked = "booked",
    .order = "order",
    .filed = "filed",
    .lead = "lead",
    .option = "option",
    .kept = "kept",
    .refused = "refused",
    .not_found = "not found",
    .wrong_status = "already handled",
    .done = "done",
    .continued = "(continued)",
    .page = "Page",
};
// The seed's words: "dossiers commerciaux", "suivi commercial", "clients
// IDENTIFIES / AUTHENTIFIES", "niveau de confirmation", "commercial en
// charge", "rattach secteur".
constexpr ReportLabels kReportFrench{
    .title = "RAPPORT D'INTÉGRATION DES PRÉ-INSCRIPTIONS",
    .info_title = "Rapport d'integration des pre-inscriptions",  // ASCII (pdf_writer.h)
    .date = "Date :",
    .operator_name = "Opérateur :",
    .method = "Méthode :",
    .level = "Niveau de confirmation :",
    .sales_rep = "Commercial en charge :",
    .contact = "contact",
    .sector = "Secteur :",
    .keep_option = "Les demandes versées au suivi commercial gardent leur option :",
    .methods = {"génération des dossiers commerciaux pour toutes les demandes",
                "inscription dans les sessions pour les clients identifiés, les autres demandes dans le suivi "
                "commercial",
                "inscription dans les sessions pour les clients authentifiés, les autres demandes dans le suivi "
                "commercial"},
    .levels = {"option", "réservation", "confirmée"},
    .yes = "oui",
    .no = "non",
    .colon = " : ",
    .requests = "demandes :",
    .booked_count = "inscrites",
    .filed_count = "versées au suivi commercial",
    .refused_count = "refusées",
    .request = "Demande",
    .requester = "Demandeur",
    .sessions = "Séances",
    .outcome = "Résultat",
    .signed_in = "(authentifié)",
    .performance = "séance",
    .booked = "inscrite",
    .order = "commande",
    .filed = "versée au suivi commercial",
    .lead = "dossier",
    .option = "option",
    .kept = "conservée",
    .refused = "refusée",
    .not_found = "introuvable",
    .wrong_status = "déjà traitée",
    .done = "traitée",
    .continued = "(suite)",
    .page = "Page",
};

// ---- Layout ------------------------------------------------------------------

// The table: four columns of wrapped cells, a gap between them. A row is
// at most kIntegrationReportCellLinesMax lines, so a page holds at least 13
// and kIntegrationReportRowsMax rows make at most about 7,700 pages: within
// libharu's page tree (32,767 kids), measured at 7,273 pages and 66 MB.
constexpr float kColumnGap = 8;
constexpr float kRowGap = 4;  // below each row
constexpr float kRequestX = kPdfMargin;
constexpr float kRequesterX = kRequestX + 104 + kColumnGap;  // an id of 20 digits fits on its line
constexpr float kSessionsX = kRequesterX + 112 + kColumnGap;
constexpr float kOutcomeX = kSessionsX + 100 + kColumnGap;
constexpr std::array<float, 4> kColumnX{kRequestX, kRequesterX, kSessionsX, kOutcomeX};
constexpr std::array<float, 4> kColumnWidth{kRequesterX - kColumnGap - kRequestX, kSessionsX - kColumnGap - kRequesterX,
                                            kOutcomeX - kColumnGap - kSessionsX, kPdfRight - kOutcomeX};
constexpr size_t kDetailLinesMax = 3;  // printed lines of one detail (operator, method, sector)
// The sessions text stops growing past this: more lines than its cell
// shows, so what is cut still ends in "…".
constexpr size_t kSessionsTextBytesMax = 1'000;

// ---- The writer --------------------------------------------------------------

using ReportCell = std::vector<std::string>;  // WinAnsi lines

// Writes one report's pages into an open PdfDocument. Single use.
class ReportWriter {
 public:
  ReportWriter(PdfDocument& pdf, const IntegrationReport& report, const Organisation& org, const LocalTime& local)
      : pdf_(pdf),
        report_(report),
        org_(org),
        local_(local),
        labels_(local.language() == Language::kFrench ? kReportFrench : kReportEnglish) {}

  // False iff libharu failed (pdf_.failure() says how).
  bool write();

 private:
  std::string heading() const;  // "PRE-REGISTRATION INTEGRATION REPORT — 2019-03-14 09:30" (WinAnsi)

  void ensure_room(float height, bool with_table_header);
  void title_and_details();
  void detail(std::string_view label, std::string_view value);
  void summary();
  void table_header();
  void table_row(const PreRegResult& result);

  ReportCell request_cell(const PreRegResult& result, const PreRegRow* row) const;
  ReportCell requester_cell(const PreRegRow& row) const;
  ReportCell sessions_cell(const PreRegRow& row) const;
  ReportCell outcome_cell(const PreRegResult& result) const;
  // `text` (UTF-8) wrapped into a cell of column `column`.
  ReportCell wrapped(size_t column, std::string_view text) const;

  PdfDocument& pdf_;
  const IntegrationReport& report_;
  const Organisation& org_;
  const LocalTime& local_;
  const ReportLabels& labels_;
  std::unordered_map<uint64_t, const PreRegRow*> requests_;  // by id: the first row of each
};

bool ReportWriter::write() {
  requests_.reserve(report_.requests.size());
  for (const PreRegRow& row : report_.requests) requests_.try_emplace(row.id, &row);
  pdf_.add_page();
  pdf_.organisation_block(org_);
  title_and_details();
  summary();
  ensure_room(2 * kPdfCell.leading() + 8, false);
  table_header();
  for (const PreRegResult& result : report_.results) {
    if (pdf_.failed()) return false;
    table_row(result);
  }
  pdf_.footers(heading(), win_ansi(labels_.page));
  return !pdf_.failed();
}

std::string ReportWriter::heading() const {
  return win_ansi(std::string(labels_.title) + " — " + local_.date_time(report_.integrated_ms));
}

// A new page unless `height` fits above the footer: it opens with the
// heading, "(continued)", and the table's header when the table goes on.
void ReportWriter::ensure_room(float height, bool with_table_header) {
  if (pdf_.fits(height)) return;
  pdf_.add_continuation_page(heading() + " " + win_ansi(labels_.continued));
  if (with_table_header) table_header();
}

void ReportWriter::title_and_details() {
  const float width = kPdfRight - kPdfMargin;
  pdf_.down(12);
  pdf_.lines_at(kPdfMargin, kPdfTitle, pdf_.block(kPdfTitle, width, labels_.title, 2));
  pdf_.down(10);
  const engine::IntegrationOptions& options = report_.options;
  detail(labels_.date, local_.date_time(report_.integrated_ms));
  if (!report_.operator_name.empty()) detail(labels_.operator_name, report_.operator_name);
  const auto method = static_cast<size_t>(options.method);
  std::string method_text = std::to_string(method);
  if (method >= 1 && method <= labels_.methods.size()) method_text += " - " + std::string(labels_.methods[method - 1]);
  detail(labels_.method, method_text);
  if (options.method == engine::IntegrationMethod::kAllFiled) {
    if (options.sales_rep != engine::kNone) {
      detail(labels_.sales_rep, std::string(labels_.contact) + " " + to_string(options.sales_rep));
    }
    if (!options.sector.empty()) detail(labels_.sector, options.sector);
  } else {
    const auto level = static_cast<size_t>(options.level);
    detail(labels_.level, level < labels_.levels.size() ? std::string(labels_.levels[level]) : std::to_string(level));
  }
  detail(labels_.keep_option, options.keep_option ? labels_.yes : labels_.no);
}

void ReportWriter::detail(std::string_view label, std::string_view value) {
  const std::string line = std::string(label) + " " + std::string(value);
  pdf_.lines_at(kPdfMargin, kPdfBody, pdf_.block(kPdfBody, kPdfRight - kPdfMargin, line, kDetailLinesMax));
}

// "8 requests: 3 booked, 2 filed, 3 refused" (refused: not integrated for
// whatever reason, the request not found or already handled included).
void ReportWriter::summary() {
  size_t booked = 0;
  size_t filed = 0;
  size_t refused = 0;
  for (const PreRegResult& result : report_.results) {
    switch (result.outcome) {
      case PreRegOutcome::kBooked:
        ++booked;
        break;
      case PreRegOutcome::kFiled:
        ++filed;
        break;
      case PreRegOutcome::kRefused:
      case PreRegOutcome::kNotFound:
      case PreRegOutcome::kWrongStatus:
        ++refused;
        break;
      case PreRegOutcome::kDone:
        break;
    }
  }
  const std::string line = std::to_string(report_.results.size()) + " " + std::string(labels_.requests) + " " +
                           std::to_string(booked) + " " + std::string(labels_.booked_count) + ", " +
                           std::to_string(filed) + " " + std::string(labels_.filed_count) + ", " +
                           std::to_string(refused) + " " + std::string(labels_.refused_count);
  pdf_.down(8);
  pdf_.lines_at(kPdfMargin, kPdfBodyBold, pdf_.block(kPdfBodyBold, kPdfRight - kPdfMargin, line, kDetailLinesMax));
  pdf_.down(18);
}

void ReportWriter::table_header() {
  pdf_.down(kPdfCellBold.leading());
  const float y = pdf_.cursor();
  const std::array<std::string_view, 4> titles{labels_.request, labels_.requester, labels_.sessions, labels_.outcome};
  for (size_t i = 0; i < titles.size(); ++i) pdf_.text(kColumnX[i], y, kPdfCellBold, win_ansi(titles[i]));
  pdf_.down(5);
  pdf_.rule(pdf_.cursor());
  pdf_.down(2);
}

void ReportWriter::table_row(const PreRegResult& result) {
  const auto found = requests_.find(result.id);
  const PreRegRow* row = found == requests_.end() ? nullptr : found->second;
  std::array<ReportCell, 4> cells;
  cells[0] = request_cell(result, row);
  if (row != nullptr) {
    cells[1] = requester_cell(*row);
    cells[2] = sessions_cell(*row);
  }
  cells[3] = outcome_cell(result);
  size_t lines = 1;
  for (const ReportCell& cell : cells) lines = std::max(lines, cell.size());
  const float height = static_cast<float>(lines) * kPdfCell.leading();
  ensure_room(height + kRowGap, true);
  const float top = pdf_.cursor();
  for (size_t i = 0; i < cells.size(); ++i) {
    pdf_.set_cursor(top);
    pdf_.lines_at(kColumnX[i], kPdfCell, cells[i]);
  }
  pdf_.set_cursor(top - height - kRowGap);
}

// The id, then the shop's reference.
ReportCell ReportWriter::request_cell(const PreRegResult& result, const PreRegRow* row) const {
  ReportCell cell;
  pdf_.wrap_into(cell, kPdfCell, kColumnWidth[0], std::to_string(result.id), kIntegrationReportCellLinesMax);
  if (row != nullptr) {
    pdf_.wrap_into(cell, kPdfCell, kColumnWidth[0], win_ansi(row->reference), kIntegrationReportCellLinesMax);
  }
  return cell;
}

// "Last First", the e-mail, and "(signed in)" for an authenticated requester
// (kept: the name and e-mail give up their last line for it).
ReportCell ReportWriter::requester_cell(const PreRegRow& row) const {
  const engine::Requester& requester = row.requester;
  std::string name = requester.last_name;
  if (!name.empty() && !requester.first_name.empty()) name += ' ';
  name += requester.first_name;
  const size_t lines_max = kIntegrationReportCellLinesMax - (requester.authenticated ? 1 : 0);
  ReportCell cell = pdf_.block(kPdfCell, kColumnWidth[1], name + "\n" + requester.email, lines_max);
  if (requester.authenticated) cell.push_back(win_ansi(labels_.signed_in));
  return cell;
}

// "2 x performance 1000", a line per line of the request, in its order.
ReportCell ReportWriter::sessions_cell(const PreRegRow& row) const {
  std::string text;
  for (const engine::LineRequest& line : row.lines) {
    if (text.size() > kSessionsTextBytesMax) break;
    text += std::to_string(line.quantity) + " x " + std::string(labels_.performance) + " " +
            to_string(line.performance) + "\n";
  }
  return pdf_.block(kPdfCell, kColumnWidth[2], text, kIntegrationReportCellLinesMax);
}

// "booked: order 345 (reservation)", "filed: lead 12, option 345 kept",
// "refused: <reason>"...
ReportCell ReportWriter::outcome_cell(const PreRegResult& result) const {
  std::string text;
  auto with_reason = [&](std::string_view outcome) {
    text = outcome;
    if (!result.reason.empty()) text += std::string(labels_.colon) + result.reason;
  };
  switch (result.outcome) {
    case PreRegOutcome::kBooked: {
      text = std::string(labels_.booked) + std::string(labels_.colon) + std::string(labels_.order) + " " +
             to_string(result.order);
      const auto state = static_cast<size_t>(result.state);
      const auto level = state == static_cast<size_t>(engine::OrderState::kOption)        ? size_t{0}
                         : state == static_cast<size_t>(engine::OrderState::kReservation) ? size_t{1}
                         : state == static_cast<size_t>(engine::OrderState::kConfirmed)   ? size_t{2}
                                                                                          : labels_.levels.size();
      if (level < labels_.levels.size()) text += " (" + std::string(labels_.levels[level]) + ")";
      break;
    }
    case PreRegOutcome::kFiled:
      text = std::string(labels_.filed) + std::string(labels_.colon) + std::string(labels_.lead) + " " +
             std::to_string(result.lead);
      if (result.order != engine::OrderId{}) {
        text += ", " + std::string(labels_.option) + " " + to_string(result.order) + " " + std::string(labels_.kept);
      }
      break;
    case PreRegOutcome::kRefused:
      with_reason(labels_.refused);
      break;
    case PreRegOutcome::kNotFound:
      with_reason(labels_.not_found);
      break;
    case PreRegOutcome::kWrongStatus:
      with_reason(labels_.wrong_status);
      break;
    case PreRegOutcome::kDone:
      with_reason(labels_.done);
      break;
  }
  return wrapped(3, text);
}

ReportCell ReportWriter::wrapped(size_t column, std::string_view text) const {
  ReportCell cell;
  pdf_.wrap_into(cell, kPdfCell, kColumnWidth[column], win_ansi(text), kIntegrationReportCellLinesMax);
  return cell;
}

}  // namespace

Result<std::string> render_integration_report_pdf(const IntegrationReport& report, const Organisation& org,
                                                  const LocalTime& local) {
  if (report.integrated_ms < 0 || report.integrated_ms >= kPdfCreatedMsMax) {
    return Status::invalid_argument("integration report: time out of range (" + std::to_string(report.integrated_ms) +
                                    " ms)");
  }
  if (report.results.size() > kIntegrationReportRowsMax || report.requests.size() > kIntegrationReportRowsMax) {
    return Status::invalid_argument("integration report: " + std::to_string(report.results.size()) + " results, " +
                                    std::to_string(report.requests.size()) + " requests; at most " +
                                    std::to_string(kIntegrationReportRowsMax) + " of each");
  }
  const ReportLabels& labels = local.language() == Language::kFrench ? kReportFrench : kReportEnglish;
  PdfDocument pdf("integration report");
  if (Status opened = pdf.open(labels.info_title, report.integrated_ms, local); !opened.is_ok()) return opened;
  ReportWriter writer(pdf, report, org, local);
  if (!writer.write()) return pdf.failure("writing");
  return pdf.save();
}

std::string integration_report_file_name(const IntegrationReport& report, uint64_t key) {
  if (key != 0) return "integration-" + std::to_string(key) + ".pdf";
  namespace chrono = std::chrono;
  const chrono::sys_time<chrono::milliseconds> time{chrono::milliseconds{report.integrated_ms}};
  const chrono::sys_days day = chrono::floor<chrono::days>(time);
  const chrono::year_month_day date{day};
  const chrono::hh_mm_ss clock{time - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "integration-%04d%02u%02u-%02d%02d%02d-%03d.pdf", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return buf;
}

}  // namespace tessera::documents
