// ContactIndex: the contact quick search of one directory partition —
// find contacts by a few letters of a name, a `*` pattern on the last name,
// "Name, First", a contact number or the start of an e-mail address.
//
// Owns only what the search needs: folded copies of the names (shared, in a
// NameDictionary), folded e-mails, and four ordered sequences of small
// entries (by last name, by first name, by number, by e-mail). The caller
// keeps the contact records and identifies each contact by a uint32 key.
// Deterministic: results depend only on the inserted contacts and the query
// (never on pointers, hash seeds or insertion order). No I/O, no threads.
//
// Query language (after folding: case and accents ignored, see
// text_fold.h; spaces trimmed, runs of spaces count as one):
//  * empty                  -> InvalidArgument.
//  * digits only            -> the contacts whose number equals it exactly
//                              (leading zeros ignored), in key order.
//  * contains '@'           -> the contacts whose folded e-mail starts with
//                              it, in (folded e-mail, key) order.
//  * contains ','           -> "Last, First": the part before the comma
//                              selects last names (a prefix, or a `*`
//                              pattern as below), the part after is a prefix
//                              of the first name; an empty part after the
//                              comma means the last name alone. An empty part
//                              before it, or a '*' after it, is
//                              InvalidArgument.
//  * contains '*'           -> a pattern on the last name as written,
//                              anchored at both ends, '*' = any run of
//                              characters ("*pont", "*pont*", "du*t"). Needs
//                              at least kPatternLiteralCharsMin characters
//                              other than '*', else InvalidArgument.
//  * otherwise              -> a prefix of the last name OR of the first
//                              name ("dup", "celine").
// Name results are ordered: contacts whose folded last name equals the typed
// last name first, then by (folded last name, folded first name, number,
// key). SearchPage::total counts each matching contact once.
// Names and e-mails are indexed on their first kIndexedTextBytesMax folded
// bytes.
// Thread-safety: none (owned by one partition thread); const members may run
// concurrently with each other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/status.h"

namespace tessera::directory {

inline constexpr uint32_t kSearchLimitMax = 100;      // keys per page
inline constexpr size_t kQueryBytesMax = 256;         // query text, before folding
inline constexpr size_t kPatternLiteralCharsMin = 3;  // non-'*' characters in a pattern
inline constexpr size_t kIndexedTextBytesMax = 255;   // folded name / e-mail bytes kept

struct IndexedContact {
  uint32_t key = 0;
  uint64_t number = 0;
  std::string_view last_name;
  std::string_view first_name;
  std::string_view email;
};

struct SearchPage {
  uint64_t total = 0;          // every matching contact, whatever the page
  std::vector<uint32_t> keys;  // the page, in result order
};

class ContactIndex {
 public:
  ContactIndex();
  ~ContactIndex();
  ContactIndex(const ContactIndex&) = delete;
  ContactIndex& operator=(const ContactIndex&) = delete;

  // REQUIRES no contact with c.key is present.
  void insert(const IndexedContact& c);
  // REQUIRES c carries the fields the contact was inserted with.
  void erase(const IndexedContact& c);

  // The page [offset, offset + limit) of the results of `query` (above).
  // limit is capped at kSearchLimitMax. Cost: a few binary searches plus the
  // page for most queries; a deep offset may walk the entries it skips.
  // Returns InvalidArgument (with a message for the user) for a bad query.
  Result<SearchPage> search(std::string_view query, uint32_t offset, uint32_t limit) const;

  // Every key search(query, ...) finds, in its order (the advanced search
  // filters them further). Cost: as search() with a page of every result.
  Result<std::vector<uint32_t>> search_all(std::string_view query) const;
  // Calls visit(key) for every contact in name order (folded last name,
  // first name, number, key) while it returns true.
  template <typename Visit>
  void for_each_in_name_order(Visit&& visit) const {
    for_each_key([](void* v, uint32_t key) { return (*static_cast<std::remove_reference_t<Visit>*>(v))(key); }, &visit);
  }

  // The key of a contact with this number (the lowest key if several).
  // Cost: a binary search.
  std::optional<uint32_t> find_number(uint64_t number) const;

  size_t size() const;
  // Bytes owned by the index (for the partition's memory counter).
  size_t memory_bytes() const;
  // Recounts every structure (tests; linear).
  void check_invariants() const;

 private:
  struct State;
  // The search behind search() and search_all(): the results [skip,
  // skip + want) into page.keys, and the total.
  Status run(std::string_view query, uint64_t skip, uint32_t want, SearchPage& page) const;
  void for_each_key(bool (*visit)(void*, uint32_t), void* context) const;
  std::unique_ptr<State> state_;
};

}  // namespace tessera::directory
