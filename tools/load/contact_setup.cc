// The search mix's contacts: generated a command at a time (a large count
// never sits in memory whole) and imported with a few commands in flight.
#include "tools/load/contact_setup.h"

#include <algorithm>
#include <deque>
#include <future>
#include <variant>

#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "net/result_code.h"
#include "workload/french_contacts.h"

namespace tessera::tools {

using namespace tessera::engine;

namespace {

constexpr uint32_t kImportColumns = kColumnTypes | kColumnCivility | kColumnLastName | kColumnFirstName | kColumnEmail |
                                    kColumnPostcode | kColumnCity | kColumnCountry;

ContactImportRow import_row(const workload::FrenchContact& c) {
  ContactImportRow row;
  row.file_row = c.key + 1;  // no header: rows counted from 1
  row.number = c.number;
  row.record.types = kContactIndividual;
  // The generator gives no sex; an individual only needs a civility.
  row.record.civility = c.key % 2 ? "Mme" : "M.";
  row.record.last_name = c.last_name;
  row.record.first_name = c.first_name;
  row.record.email = c.email;
  row.record.addresses.push_back(ContactAddress{AddressKind::kMain, "", "75012", "PARIS", "", "", "FR"});
  return row;
}

Command import_command(workload::FrenchContacts& contacts, uint32_t rows) {
  ImportContacts import{kImportColumns, {}};
  import.rows.reserve(rows);
  for (uint32_t i = 0; i < rows; ++i) import.rows.push_back(import_row(contacts.next()));
  return Command{0, std::move(import)};
}

// Waits for the oldest import in flight and adds its report to `counts`.
Status take_reply(std::deque<std::future<Result<net::Client::Replies>>>& in_flight, ContactImportCounts& counts,
                  std::vector<ContactId>* ids) {
  Result<net::Client::Replies> replies = in_flight.front().get();
  in_flight.pop_front();
  if (!replies.is_ok()) return replies.status();
  const net::ClientReply& r = replies->front();
  if (!r.ok())
    return Status::failed_precondition(cat("ImportContacts refused: ", net::result_code_name(r.code), ": ", r.message));
  if (!r.detail || !std::holds_alternative<ContactImportReport>(r.detail->value))
    return Status::failed_precondition(
        "the server answered ImportContacts without an import report (an older server?)");
  const auto& report = std::get<ContactImportReport>(r.detail->value);
  for (const ContactImportResult& row : report.rows)
    if (row.outcome == ImportOutcome::kRefused)
      return Status::failed_precondition(cat("ImportContacts row ", row.file_row, " refused: ", row.reason));
  if (ids)
    for (const ContactImportResult& row : report.rows) ids->push_back(row.contact);
  counts.created += report.created;
  counts.updated += report.updated;
  counts.unchanged += report.unchanged;
  return Status::ok();
}

}  // namespace

Result<ContactImportCounts> import_load_contacts(net::Client& client, uint32_t count, std::vector<ContactId>* ids) {
  workload::FrenchContacts contacts(kLoadContactsSeed);
  std::deque<std::future<Result<net::Client::Replies>>> in_flight;
  ContactImportCounts counts;
  for (uint32_t first = 0; first < count; first += kContactImportRowsMax) {
    if (in_flight.size() == kContactImportRequestsInFlight)
      if (Status s = take_reply(in_flight, counts, ids); !s.is_ok()) return s;
    in_flight.push_back(client.send({import_command(contacts, std::min(count - first, kContactImportRowsMax))}));
  }
  while (!in_flight.empty())
    if (Status s = take_reply(in_flight, counts, ids); !s.is_ok()) return s;
  return counts;
}

}  // namespace tessera::tools
