// An order as PDF at one revision (seed 003: "À chaque modification de
// commande, un nouveau PDF de commande est généré"): the organisation, the
// order's number, revision and status, the client, the trip, its lines,
// annex fees and participants with their add-ons, the sums and the flags
// (invoiced, fully paid, file complete, travel book attached) — what the
// order page shows, as it stood after one saved modification.
//
// A revision is the number of entries in the order's workflow when drawn:
// every saved modification adds one, so each has its own file
// (order_pdf_file_name) and an older one is never replaced.
//
// Deterministic like invoices (documents/pdf_writer.h): the creation date
// is the time of the last workflow entry (the order's creation when it has
// none) in the organisation's zone, nothing reads the clock, content is not
// compressed; the same record gives the same bytes. Bounded like invoices:
// a table cell or a detail wraps onto at most kOrderPdfCellLinesMax lines,
// the client's name onto at most kOrderPdfBlockLinesMax, what does not fit
// ending in "…"; at most kOrderPdfRowsMax rows, the tables continuing on
// further pages with their header repeated.
// Thread-safety: pure functions; each call has its own libharu document.
#pragma once

#include <cstddef>
#include <string>

#include "base/local_time.h"
#include "base/status.h"
#include "documents/organisation.h"
#include "engine/order_record.h"

namespace tessera::documents {

inline constexpr size_t kOrderPdfCellLinesMax = 4;    // printed lines of a table cell, a detail or a city
inline constexpr size_t kOrderPdfBlockLinesMax = 10;  // printed lines of the client's name
// Lines, annex fees and participants one PDF lists (in all): each row is at
// most kOrderPdfCellLinesMax lines, so a page holds at least 13 and the
// pages stay within libharu's page tree (32,767) like integration reports.
inline constexpr size_t kOrderPdfRowsMax = 100'000;

// The order's PDF at one revision: `revision` is the number of entries in
// its workflow when drawn (record.workflow.size()), so each saved
// modification has its own file; `saved_ms` the time of the last workflow
// entry (record.created_ms when there is none): the PDF's creation date and
// the date of its "Version" line. The same (record, org, local) gives the
// same bytes, in any process, at any time. Labels are French when
// local.language() is French, English otherwise.
// Returns invalid_argument when saved_ms is outside the years 1970..9999 or the
// record has more than kOrderPdfRowsMax lines, fees and participants,
// internal when libharu fails (the message names its error code).
Result<std::string> render_order_pdf(const engine::OrderRecord& record, const Organisation& org,
                                     const LocalTime& local);

// The file of that revision: "order-<order id in decimal>-<revision on 4
// digits>.pdf" ("order-345-0003.pdf"), revision = record.workflow.size().
std::string order_pdf_file_name(const engine::OrderRecord& record);

}  // namespace tessera::documents
