// Catalog files: reading from disk and the canonical order. Parsing is
// catalog_reader.cc, writing catalog_writer.cc.
#include "catalog/catalog_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "base/strings.h"
#include "catalog/catalog_order.h"

namespace tessera::catalog {

Result<CatalogFile> read_catalog(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid_argument(cat(path, ": cannot read: ", std::strerror(errno)));
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kCatalogFileBytesMax)
      return Status::invalid_argument(cat(path, ": cannot read: larger than ", kCatalogFileBytesMax, " bytes"));
  }
  if (in.bad()) return Status::invalid_argument(cat(path, ": cannot read: ", std::strerror(errno)));
  return parse_catalog(text, path);
}

void sort_canonical(std::vector<engine::Command>* commands) {
  std::vector<engine::Command> sorted;
  sorted.reserve(commands->size());
  for (size_t i : canonical_permutation(*commands)) sorted.push_back(std::move((*commands)[i]));
  *commands = std::move(sorted);
}

}  // namespace tessera::catalog
