// The import wizard's step the CLI composes from several commands.
//
// `tessera prereg new-contact ID --civility C`: the pending pre-registration's
// requester as typed (names, e-mail, phone, birth date, address) becomes a new
// contact (CreateContact: the next free id and number), then the request's
// match (SetPreRegistrationMatch, by hand). Exit 0 when both are done, 1
// when the server refuses one (the contact, once created, stays: the
// message names it), 3 when the server cannot be reached.
// Thread-safety: blocks its caller on the client.
#pragma once

#include <ostream>

#include "net/client.h"
#include "tools/cli/cli_args.h"

namespace tessera::tools {

int run_prereg_new_contact(net::Client& client, const CliArgs& args, std::ostream& out, std::ostream& err);

}  // namespace tessera::tools
