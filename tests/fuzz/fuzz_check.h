// fuzz_check: the fuzz targets' assertion. It stays on in every build and
// aborts, so libFuzzer records the input that broke a property.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace tessera::fuzz {

// Prints `what` and aborts unless `ok`.
inline void fuzz_check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  std::abort();
}

}  // namespace tessera::fuzz
