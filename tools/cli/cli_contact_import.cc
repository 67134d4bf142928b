// contact import over a client connection.
#include "tools/cli/cli_contact_import.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "directory/contact_csv.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "net/result_code.h"
#include "tools/cli/cli_commands.h"

namespace tessera::tools {

using namespace tessera::engine;

namespace {

std::string_view outcome_name(ImportOutcome o) {
  switch (o) {
    case ImportOutcome::kCreated:
      return "created";
    case ImportOutcome::kUpdated:
      return "updated";
    case ImportOutcome::kUnchanged:
      return "unchanged";
    case ImportOutcome::kRefused:
      break;
  }
  return "refused";
}

class Importer {
 public:
  Importer(net::Client& client, const CliArgs& a, std::ostream& out) : client_(client), a_(a), out_(out) {}

  // Takes one row of the file; sends a full batch.
  void take(directory::ContactCsvRow&& row) {
    if (!failure_.is_ok()) return;
    if (!row.error.empty()) {
      ContactImportResult refused;
      refused.file_row = row.row.file_row;
      refused.reason = std::move(row.error);
      if (batch_.empty()) return report(refused);
      held_.push_back(std::move(refused));  // printed after the rows before it
      return;
    }
    batch_bytes_ += bytes_of(row.row.record);
    batch_.push_back(std::move(row.row));
    if (batch_.size() == kContactImportRowsMax || batch_bytes_ >= kBatchBytesMax)
      (void)send();  // a failure is kept and reported at the end
  }

  Status send() {
    if (!failure_.is_ok() || batch_.empty()) return failure_;
    ImportContacts command{columns, std::move(batch_)};
    batch_.clear();
    batch_bytes_ = 0;
    auto replies = client_.call({Command{0, std::move(command)}});
    if (!replies.is_ok()) return fail(kExitServer, replies.status());
    const net::ClientReply& r = replies->front();
    if (!r.ok())
      return fail(exit_code_of(*replies),
                  Status::failed_precondition(cat(net::result_code_name(r.code), ": ", r.message)));
    if (!r.detail || !std::holds_alternative<ContactImportReport>(r.detail->value))
      return fail(kExitServer, Status::unavailable("the server answered without an import report (an older server?)"));
    std::vector<ContactImportResult> rows;
    const auto& answered = std::get<ContactImportReport>(r.detail->value).rows;
    std::merge(answered.begin(), answered.end(), held_.begin(), held_.end(), std::back_inserter(rows),
               [](const auto& a, const auto& b) { return a.file_row < b.file_row; });
    held_.clear();
    for (const ContactImportResult& row : rows) report(row);
    return failure_;
  }

  void summary() const {
    out_ << counts_[0] << " created, " << counts_[1] << " updated, " << counts_[2] << " unchanged, " << counts_[3]
         << " refused\n";
  }
  bool any_refused() const { return counts_[3] != 0; }
  bool ok() const { return failure_.is_ok(); }
  int exit_code() const { return exit_; }

  uint32_t columns = 0;

 private:
  void report(const ContactImportResult& row) {
    ++counts_[static_cast<size_t>(row.outcome)];
    if (a_.refused_only && row.outcome != ImportOutcome::kRefused) return;
    out_ << "row " << row.file_row << ": " << outcome_name(row.outcome);
    if (row.outcome == ImportOutcome::kRefused) {
      out_ << ": " << row.reason << '\n';
    } else {
      out_ << " contact " << row.contact << " number " << row.number << '\n';
    }
  }

  net::Client& client_;
  const CliArgs& a_;
  std::ostream& out_;
  // A batch stays well inside the server's default frame (16 MiB) whatever
  // its rows hold.
  static constexpr size_t kBatchBytesMax = 1 << 20;
  static size_t bytes_of(const ContactFields& f) {
    size_t n = 64;
    for (const std::string* s : {&f.civility, &f.last_name, &f.first_name, &f.function, &f.mobile, &f.phone, &f.fax,
                                 &f.email, &f.language, &f.admin_number, &f.reference_code, &f.iban})
      n += s->size() + 8;
    for (const ContactAddress& a : f.addresses)
      n += a.lines.size() + a.postcode.size() + a.city.size() + a.department.size() + a.region.size() + 64;
    return n;
  }

  Status fail(int exit, Status s) {
    exit_ = exit;
    for (const ContactImportResult& row : held_) report(row);
    held_.clear();
    return failure_ = std::move(s);
  }

  std::vector<ContactImportRow> batch_;
  size_t batch_bytes_ = 0;
  std::vector<ContactImportResult> held_;  // rows the reader refused, after rows not yet answered
  int exit_ = kExitOk;
  Status failure_ = Status::ok();
  uint64_t counts_[4] = {0, 0, 0, 0};
};

}  // namespace

int run_contact_import(net::Client& client, const CliArgs& a, std::ostream& out, std::ostream& err) {
  std::ifstream file(a.import_file, std::ios::binary);
  if (!file) {
    err << "tessera: contact import: cannot read " << a.import_file << '\n';
    return kExitUsage;
  }
  directory::ContactCsvOptions options;
  if (!a.import_delimiter.empty()) options.delimiter = a.import_delimiter == "tab" ? '\t' : a.import_delimiter[0];
  for (const std::string& m : a.import_mapping) {
    const size_t eq = m.rfind('=');
    options.mapping.emplace_back(m.substr(0, eq), m.substr(eq + 1));
  }
  directory::ContactCsvReader reader(std::move(options));
  Importer importer(client, a, out);
  const directory::ContactCsvReader::Sink sink = [&](directory::ContactCsvRow&& row) {
    importer.columns = reader.columns();
    importer.take(std::move(row));
  };
  const Status read = reader.read_all(file, sink, [&importer] { return importer.ok(); });
  const Status sent = importer.send();
  importer.summary();
  if (!sent.is_ok()) {
    err << "tessera: contact import: " << sent.message() << " (rows before it are in; run the file again)\n";
    return importer.exit_code();
  }
  if (!read.is_ok()) {
    err << "tessera: contact import: " << a.import_file << ": " << read.message() << '\n';
    return kExitUsage;
  }
  return importer.any_refused() ? kExitRefused : kExitOk;
}

}  // namespace tessera::tools
