// Catalog files: a venue's set-up (seasons, products, channels, categories,
// tariffs and prices, expiry policies, seat plans, performances with their
// general admission, channel caps and contingents) as one TOML file a person
// writes, reviews and keeps in version control. `tessera apply FILE` reads
// one into engine commands; `tessera export-catalog` writes one from them.
// The format, key by key, is docs/catalog.md.
//
// Key design choices: date-times in the file are local times of the file's
// `time_zone` (TOML local date-times, converted with the OS tz database);
// the command list a file gives is always in canonical order (sort_canonical),
// whatever the order of its tables, so write then parse gives back the same
// list. This library checks the file on its own (syntax, keys, types,
// ranges, duplicate ids, contingent parents); whether product 1 exists on
// the server is the engine's to say when the commands run.
//
// Thread-safety: free functions on values, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "engine/command.h"

namespace tessera::catalog {

// One command of a catalog file and where it comes from.
struct CatalogEntry {
  engine::Command command;  // request key 0, principal 0
  // 1-based line of the table or inline table it comes from; for
  // AssignLayout and SetContingentReleaseBack, the line of their key
  // (`layout = ...`, `release_back = ...`).
  uint32_t line;
};

struct CatalogFile {
  std::string time_zone;              // IANA name from the file; "UTC" when absent
  std::vector<CatalogEntry> entries;  // in canonical order (sort_canonical)
};

// Largest catalog file read (a 200,000-seat layout with explicit ranks
// stays well below).
inline constexpr size_t kCatalogFileBytesMax = 64u << 20;

// Parses a catalog. Errors: Status::invalid_argument("SOURCE:LINE: message"),
// the first error found, naming its line.
Result<CatalogFile> parse_catalog(std::string_view text, std::string_view source_name);

// Reads and parses a file. Errors: those of parse_catalog, with the path as
// source name, or "PATH: cannot read: ..." (missing, unreadable, larger
// than kCatalogFileBytesMax).
Result<CatalogFile> read_catalog(const std::string& path);

// The commands as a catalog file whose date-times are local times of
// `time_zone` (an IANA name). Commands may come in any order; only request
// bodies are written (keys and principals are not part of a catalog).
// Errors (invalid_argument): an invalid zone; a command of a kind a catalog
// does not hold; a setting whose owner is not among the commands (a price
// without its DefineTariff, a GA capacity without its DefinePerformance, a
// sub-contingent without its parent); the same id defined twice or the same
// setting given twice; a value the file cannot hold (id 0, empty name).
// Returns a text such that parse_catalog gives back exactly the commands in
// canonical order.
Result<std::string> write_catalog(const std::vector<engine::Command>& commands, std::string_view time_zone);

// Sorts commands into canonical order (stable): DefineSeason,
// DefineProductFamily, DefineChannel, DefineCategory by id; each product by
// id with its expiry overrides (by channel) and option lifetimes (by
// channel, kind); each tariff by id with its prices (by category, channel);
// DefineVenueLayout by id; each performance by id with its GA areas (by
// category), AssignLayout, channel caps (by channel), contingent trees
// (roots by id, each followed depth first by its sub-contingents, children by
// id) and release-back dates (by contingent). A setting whose owner is not
// in the list follows all owners of its group, by owner then key; commands
// of other kinds come last, in their order.
void sort_canonical(std::vector<engine::Command>* commands);

}  // namespace tessera::catalog
