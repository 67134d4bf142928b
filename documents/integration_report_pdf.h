// The validation report of a pre-registration integration (seed 004's
// "compte-rendu d'intégration") as PDF: who integrated when, by which
// method and options, the counts of requests booked, filed and refused,
// then one table row per request with its requester, its sessions and its
// outcome — the document an operator keeps or prints after the wizard.
//
// Deterministic like invoices (documents/pdf_writer.h): the creation date
// is the integration's time in the organisation's zone, nothing reads the
// clock, content is not compressed; the same report gives the same bytes.
// Bounded: at most kIntegrationReportRowsMax rows, each cell wrapped onto
// at most kIntegrationReportCellLinesMax lines ending in "…" when cut; the
// table continues on further pages with its header repeated. Rendering is
// linear in the rows (requests are looked up by id through a hash map).
// Thread-safety: pure functions; each call has its own libharu document.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/local_time.h"
#include "base/status.h"
#include "documents/organisation.h"
#include "engine/commands_preregistrations.h"

namespace tessera::documents {

inline constexpr size_t kIntegrationReportRowsMax = 100'000;  // results (and requests) one report lists
inline constexpr size_t kIntegrationReportCellLinesMax = 4;   // printed lines of one table cell

struct IntegrationReport {
  int64_t integrated_ms = 0;                  // when: the PDF's date and creation date (organisation's zone)
  std::string operator_name;                  // who integrated (principal's name; may be empty)
  engine::IntegrationOptions options;         // method 1/2/3, level, sales_rep, sector, keep_option
  std::vector<engine::PreRegResult> results;  // in the command's order
  // The requests as listed (requester, lines, reference), looked up by id;
  // a result whose id has no row prints its id only.
  std::vector<engine::PreRegRow> requests;
};

// The report as PDF. Labels are French when local.language() is French,
// English otherwise. Returns invalid_argument when report.integrated_ms is
// outside the years 1970..9999 or the report has more than
// kIntegrationReportRowsMax results or requests, internal when libharu
// fails.
Result<std::string> render_integration_report_pdf(const IntegrationReport& report, const Organisation& org,
                                                  const LocalTime& local);

// The report's file name: "integration-<key>.pdf" for the integration's
// request key (key != 0), else "integration-<YYYYMMDD-HHMMSS-mmm>.pdf" from
// integrated_ms in UTC.
std::string integration_report_file_name(const IntegrationReport& report, uint64_t key);

}  // namespace tessera::documents
