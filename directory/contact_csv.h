// ContactCsvReader: an external contact file (CSV, RFC 4180, UTF-8) read
// into ImportContacts rows, a chunk at a time (a file of a million rows
// never sits in memory as rows).
//
// The header row names the columns. Each header is matched, case, accents,
// spaces and punctuation ignored, against the field names and their French
// labels (contact_csv.cc, kFieldNames: "Nom", "Prénom", "Code postal",
// "E-mail", ...); `mapping` overrides a header ("Société=name") or skips a
// column ("Remarque=-"). A header that names no field, or two columns naming
// one field, fail the whole file before any row: nothing is silently
// dropped. The delimiter is ',' ';' or tab, taken from the header row unless
// given. Rows are numbered from the header (row 1), one per record (a
// quoted cell may hold line breaks); empty lines are skipped, not counted.
// A row whose cells cannot be read (a number that is not one, a date that
// is not a date, more cells than headers, invalid UTF-8) comes out with an
// error instead of a row; the directory checks everything else.
//
// Uses libcsv (Debian libcsv-dev) for the quoting rules. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "engine/commands_contacts.h"

namespace tessera::directory {

struct ContactCsvOptions {
  char delimiter = 0;                                        // 0: from the header row
  std::vector<std::pair<std::string, std::string>> mapping;  // header -> field name, or "-" to skip
};

// One data row: the row to import, or why it cannot be.
struct ContactCsvRow {
  engine::ContactImportRow row;  // row.file_row is set either way
  std::string error;             // not empty: the row is refused before it is sent
};

class ContactCsvReader {
 public:
  using Sink = std::function<void(ContactCsvRow&&)>;

  explicit ContactCsvReader(ContactCsvOptions options);
  ~ContactCsvReader();
  ContactCsvReader(const ContactCsvReader&) = delete;
  ContactCsvReader& operator=(const ContactCsvReader&) = delete;

  // Feeds the next bytes of the file; every complete row goes to `sink`.
  // An error (bad header, malformed CSV) is final: later calls repeat it.
  Status feed(std::string_view bytes, const Sink& sink);
  // The end of the file: its last row, if not ended by a newline.
  Status finish(const Sink& sink);
  // Feeds all of `in` a chunk at a time, then finishes; stops early (without
  // finishing) once `keep_going` returns false.
  Status read_all(std::istream& in, const Sink& sink, const std::function<bool()>& keep_going = nullptr);

  // ContactColumn bits the header maps (valid once a row has come out).
  uint32_t columns() const;
  // The field names a header may use (for error messages and --help).
  static std::string field_names();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tessera::directory
