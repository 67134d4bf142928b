// The text of a PDF file as pdftotext (poppler-utils) reads it, for the
// server tests that check the documents the server wrote.
#pragma once

#include <cstdio>
#include <string>

namespace tessera::testing_support {

inline std::string pdf_text(const std::string& path) {
  std::string out;
  FILE* p = ::popen(("pdftotext -layout '" + path + "' - 2>&1").c_str(), "r");
  if (p == nullptr) return out;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, p)) > 0) out.append(buffer, n);
  ::pclose(p);
  return out;
}

}  // namespace tessera::testing_support
