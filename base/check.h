// TESSERA_CHECK: an assertion that stays on in release builds.
//
// For preconditions, postconditions and state transitions whose failure
// means a bug, not a business outcome (those are ReplyCode values). Like
// TigerBeetle's shipped assertions: a broken invariant stops the process at
// the line that found it, before it can reach the log or a client. The check
// is one predictable branch; the failure path is out of line.
// `assert` stays for expensive checks that only debug and test builds run.
#pragma once

namespace tessera {

// Prints "file:line: check failed: condition (detail)" to stderr and aborts.
[[noreturn]] void check_failed(const char* condition, const char* file, int line, const char* detail = nullptr);

}  // namespace tessera

#define TESSERA_CHECK(condition) \
  ((condition) ? static_cast<void>(0) : ::tessera::check_failed(#condition, __FILE__, __LINE__))
#define TESSERA_CHECK_MSG(condition, detail) \
  ((condition) ? static_cast<void>(0) : ::tessera::check_failed(#condition, __FILE__, __LINE__, (detail)))
