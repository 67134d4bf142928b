// Invoices and credit notes as PDF (libharu): one A4 document per
// engine::InvoiceDocument, in the organisation's language, time zone and
// money format (LocalTime).
//
// The PDF is a function of its inputs only, so a document rendered again
// from its logged content ("Re-générer") gives the bytes it had when issued:
// the creation date is the issue time in the organisation's zone, the
// trailer has no /ID (libharu writes a time-based one only for encryption
// and PDF/A, neither of which is used), nothing reads the clock, the
// process's locale or time zone, and the content streams are not
// compressed (the bytes do not depend on zlib's version either).
//
// Drawn with documents/pdf_writer.h: Helvetica (a standard font, not
// embedded) in WinAnsiEncoding, UTF-8 fields converted to Windows-1252, a
// character it lacks printed as '?'. Every field is bounded on the page: a
// table label wraps onto at most kInvoicePdfLabelLinesMax lines, a block
// (address, billed-to, reason) onto at most kInvoicePdfBlockLinesMax, and
// what does not fit ends in "…"; the table continues on further pages as
// needed.
// Thread-safety: pure functions; each call has its own libharu document.
#pragma once

#include <cstddef>
#include <string>

#include "base/local_time.h"
#include "base/status.h"
#include "documents/organisation.h"
#include "engine/commands_invoices.h"

namespace tessera::documents {

inline constexpr size_t kInvoicePdfLabelLinesMax = 4;   // printed lines of one table label
inline constexpr size_t kInvoicePdfBlockLinesMax = 10;  // printed lines of an address, billed-to block or reason

// The PDF of an invoice or credit note, from its logged content only: the
// same (doc, org, local) gives the same bytes, in any process, at any time.
// Labels are French when local.language() is French, English otherwise.
// Returns internal when libharu fails (the message names its error code),
// invalid_argument when doc.issued_ms is outside the years 1..9999.
Result<std::string> render_invoice_pdf(const engine::InvoiceDocument& doc, const Organisation& org,
                                       const LocalTime& local);

// The document's file name: "invoice-2026-000017.pdf",
// "credit-note-2026-000003.pdf" (year, then the number on 6 digits).
std::string invoice_file_name(const engine::InvoiceDocument& doc);

}  // namespace tessera::documents
