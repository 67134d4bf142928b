// One CSV field (RFC 4180 quoting), for every file Tessera writes as CSV
// (reminder exports, accounting exports): a value holding the separator,
// '"', CR or LF is quoted with its '"' doubled. Written by hand: it is ten
// lines (Debian has no C++ CSV writer worth a dependency).
#pragma once

#include <string>
#include <string_view>

namespace tessera {

inline void append_csv_field(std::string& out, std::string_view value, std::string_view separator) {
  const bool quote =
      value.find(separator) != std::string_view::npos || value.find_first_of("\"\r\n") != std::string_view::npos;
  if (!quote) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace tessera
