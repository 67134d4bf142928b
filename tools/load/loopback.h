// The load generator's safety rule: it only ever targets this machine.
// Thread-safety: pure function.
#pragma once

#include <string_view>

namespace tessera::tools {

// True iff `host` is "localhost", an IPv4 address in 127.0.0.0/8 or "::1"
// (also "[::1]"). Names other than "localhost" are refused, not resolved.
bool is_loopback_host(std::string_view host);

}  // namespace tessera::tools
