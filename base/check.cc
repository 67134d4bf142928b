// check_failed: the out-of-line failure path of TESSERA_CHECK.
#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace tessera {

void check_failed(const char* condition, const char* file, int line, const char* detail) {
  std::fprintf(stderr, "%s:%d: check failed: %s%s%s%s\n", file, line, condition, detail ? " (" : "",
               detail ? detail : "", detail ? ")" : "");
  std::fflush(stderr);
  std::abort();
}

}  // namespace tessera
