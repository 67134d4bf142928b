// An accounting export as CSV (engine/commands_batches.h): one line per
// payment the export froze, then one per invoice or credit note it took, in
// the register's order. A function of the logged batch only, so the file
// written again is the same bytes.
//
// RFC 4180 with ';' between fields (what French accounting software and
// spreadsheets read), CRLF line ends, a header line; a field holding ';',
// '"', CR or LF is quoted with its '"' doubled. Amounts are in the
// currency's units with two decimals and a '.' ("-12.50"), dates are the
// organisation's local date and time ("2026-12-05 14:03"), modes and kinds
// their English names (the quoting: base/csv.h).
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "base/local_time.h"
#include "engine/commands_batches.h"

namespace tessera::documents {

std::string accounting_csv(const engine::PaymentBatch& batch, const LocalTime& local);

// "accounting-export-000012.csv" (the number on 6 digits).
std::string accounting_csv_name(const engine::PaymentBatch& batch);

}  // namespace tessera::documents
