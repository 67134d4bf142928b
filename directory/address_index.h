// AddressIndex: the city and the postcode of each contact's main address,
// for the advanced search (FindContacts), which otherwise reads every
// record to check them. Each distinct text is kept once, in a dictionary;
// each contact holds two dictionary ids in arrays indexed by its key, its
// slot in the directory (dense; never the id, which a client may choose) (8
// bytes a contact). A query first marks the dictionary's texts that start
// with its prefix (tens of thousands of cities at most), then reads the
// arrays: a scan of a million contacts is two sequential passes over 4 MB,
// not a million record decodes.
//
// set() takes the texts as written; they are folded as the search compares
// them (city_key, postcode_key: case and accents ignored, postcodes without
// spaces) once per distinct spelling, which is then remembered: an import
// of a million rows folds a few thousand texts, not two million. The
// query's prefixes come folded. The empty text is id
// 0: no main address, or no city / postcode in it; it never matches a
// non-empty prefix, as the record check it replaces would not.
// Derived state (rebuilt with the other indexes), deterministic: a text's
// id depends only on the order texts were first seen. A text no contact
// uses any more keeps its id.
// Thread-safety: none (owned by the directory's thread).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::directory {

class AddressIndex {
 public:
  // The key's main address now has this city and postcode (as written).
  void set(uint32_t key, std::string_view city, std::string_view postcode);
  // The key is no longer indexed (as if it had no main address).
  void clear(uint32_t key);

  // The texts a query's prefixes select ("" = no condition on that field).
  class Match {
   public:
    bool any_city() const { return city_.empty(); }
    bool any_postcode() const { return postcode_.empty(); }

   private:
    friend class AddressIndex;
    std::vector<bool> city_, postcode_;  // by dictionary id; empty = any
  };
  Match match(std::string_view city_prefix, std::string_view postcode_prefix) const;
  // Whether the key's address passes `m`.
  bool matches(const Match& m, uint32_t key) const;
  // Calls visit(key) for each key whose address passes `m`, in key order.
  // REQUIRES !m.any_city() || !m.any_postcode() (else every key would do).
  template <typename Visit>
  void for_each_match(const Match& m, Visit&& visit) const {
    for (uint32_t key = 0; key < city_of_.size(); ++key)
      if (matches(m, key)) visit(key);  // a key never set has id 0 on both: no match
  }

  // Bytes owned (the directory's memory counter).
  size_t memory_bytes() const;

 private:
  // Texts and their ids in an open-addressing table of ids (no node per
  // text: an import looks two texts up per row).
  class TextTable {
   public:
    // The id of `text` among `texts` (by id), or 0 when absent.
    uint32_t find(std::string_view text, const std::vector<std::string>& texts) const;
    // REQUIRES find(text, texts) == 0 and texts[id] == text.
    void add(std::string_view text, uint32_t id, const std::vector<std::string>& texts);
    size_t memory_bytes() const { return slots_.capacity() * sizeof(uint32_t); }

   private:
    size_t home(std::string_view text) const { return std::hash<std::string_view>{}(text) & (slots_.size() - 1); }
    std::vector<uint32_t> slots_ = std::vector<uint32_t>(64, 0);  // ids; 0 = empty
    size_t used_ = 0;
  };
  struct Dictionary {
    std::vector<std::string> texts{std::string()};      // folded, by id; 0 = ""
    TextTable ids;                                      // folded text -> id
    std::vector<std::string> spellings{std::string()};  // texts as written, by spelling id
    std::vector<uint32_t> spelling_ids{0};              // spelling id -> id of its folded form
    TextTable spelling_table;                           // text as written -> spelling id
    // The id of `written`'s folded form (fold(written)), added if new.
    uint32_t id_of(std::string_view written, std::string (*fold)(std::string_view));
    std::vector<bool> starting_with(std::string_view prefix) const;
    size_t memory_bytes() const;
  };

  Dictionary cities_, postcodes_;
  // By key: the dictionary ids of the main address's city and postcode.
  std::vector<uint32_t> city_of_, postcode_of_;
};

}  // namespace tessera::directory
