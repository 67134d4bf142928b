// Set-up of the search mix through the protocol (backoffice or admin token):
// the contacts its quick searches look through.
//
// The rows are FrenchContacts (workload/french_contacts.h) of one fixed seed
// and carry their numbers, so the same count gives the same rows on every
// run and importing them again changes nothing (every row "unchanged"):
// runs against one server share its directory.
// Thread-safety: call from one thread (it waits on the client's replies).
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "engine/ids.h"
#include "net/client.h"

namespace tessera::tools {

inline constexpr uint64_t kLoadContactsSeed = 7;
inline constexpr uint32_t kContactImportRequestsInFlight = 8;  // ImportContacts pipelined on the connection

struct ContactImportCounts {
  uint64_t created = 0, updated = 0, unchanged = 0;
};

// Imports the first `count` contacts of FrenchContacts(kLoadContactsSeed)
// (numbers 100000..) as individuals living at 75012 PARIS, FR, in
// ImportContacts of at most engine::kContactImportRowsMax rows, pipelined.
// Fails (failed_precondition) on the first command or row refused, naming
// it; unavailable when the connection breaks. With `ids`, appends each
// row's contact id in row order (the order mixes book for them: a server
// takes orders only for contacts its directory created).
Result<ContactImportCounts> import_load_contacts(net::Client& client, uint32_t count,
                                                 std::vector<engine::ContactId>* ids = nullptr);

}  // namespace tessera::tools
