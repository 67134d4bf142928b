// NameDictionary: the distinct folded names (last and first names share it)
// of a contact index, in byte order, with what the quick search needs to
// answer per name range without touching contacts:
//  - an order label per name (uint64, strictly increasing with the name's
//    byte order), so contact entries compare by integers, not strings;
//  - per name, how many contacts carry it as last name, as first name, and,
//    as last name, how many of those have a first name sharing at least k
//    leading bytes with it (k = 1..kSharedPrefixTracked), kept summed per
//    chunk of names so that a prefix range is counted in O(chunks);
//  - a trigram index over the names used as last names, for `*` patterns.
//
// Names are never removed: a name whose counts drop to zero stays (a few
// bytes each, bounded by the distinct names ever inserted) and matches no
// contact. Labels are assigned between neighbours and all names are
// relabelled, keeping their order, when two neighbours leave no gap.
// Invariants: chunks non-empty and sorted by name bytes; labels strictly
// increasing along that order; chunk sums equal the sums of their names.
// Thread-safety: none; const members may run concurrently with each other.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tessera::directory {

using NameId = uint32_t;

// Shared-prefix lengths (in folded bytes) counted exactly per name; longer
// prefix queries count their last-and-first overlap by scanning.
inline constexpr size_t kSharedPrefixTracked = 8;

class NameDictionary {
 public:
  NameDictionary();
  ~NameDictionary();
  NameDictionary(const NameDictionary&) = delete;
  NameDictionary& operator=(const NameDictionary&) = delete;

  // Returns the id of `folded`, adding it if new (may relabel every name).
  NameId intern(std::string_view folded);
  std::optional<NameId> find(std::string_view folded) const;
  std::string_view text(NameId id) const { return names_[id].text; }
  uint64_t label(NameId id) const { return labels_[id]; }
  // Labels indexed by NameId (valid until the next intern()).
  const uint64_t* labels() const { return labels_.data(); }
  size_t size() const { return names_.size(); }

  // shared_prefix_bytes: common leading bytes of the folded last and first name.
  void add_last(NameId id, size_t shared_prefix_bytes);
  void remove_last(NameId id, size_t shared_prefix_bytes);
  void add_first(NameId id);
  void remove_first(NameId id);
  uint32_t last_count(NameId id) const { return names_[id].last_count; }
  uint32_t first_count(NameId id) const { return names_[id].first_count; }

  // The names starting with a byte prefix: positions [begin, end) in name order.
  struct Range {
    size_t begin_chunk = 0, begin_index = 0, end_chunk = 0, end_index = 0;
  };
  Range prefix_range(std::string_view prefix) const;
  bool empty(const Range& r) const { return r.begin_chunk == r.end_chunk && r.begin_index == r.end_index; }
  // Label interval [low, high] of a non-empty range.
  uint64_t first_label(const Range& r) const;
  uint64_t last_label(const Range& r) const;

  struct Sums {
    uint64_t last = 0;         // contacts whose last name is in the range
    uint64_t first = 0;        // contacts whose first name is in the range
    uint64_t shared = 0;       // contacts of `last` whose first name shares >= shared_prefix_min bytes with it
    uint64_t last_names = 0;   // names of the range in use as last names
    uint64_t first_names = 0;  // names of the range in use as first names
  };
  // REQUIRES 1 <= shared_prefix_min <= kSharedPrefixTracked.
  Sums sums(const Range& r, size_t shared_prefix_min) const;

  // Calls f(id) for each name of the range, in order.
  template <typename F>
  void for_each(const Range& r, F&& f) const {
    size_t c = r.begin_chunk, i = r.begin_index;
    while (c < r.end_chunk || (c == r.end_chunk && i < r.end_index)) {
      f(chunks_[c]->ids[i]);
      if (++i == chunks_[c]->ids.size()) {
        ++c;
        i = 0;
      }
    }
  }

  // The names in use as last names (last_count > 0) that match `pattern`
  // anchored at both ends, '*' standing for any run of bytes; ordered by
  // label.
  std::vector<NameId> last_names_matching(std::string_view pattern) const;

  size_t memory_bytes() const;
  // Recounts the chunk sums and checks the order (tests).
  void check_invariants() const;

 private:
  struct Chunk;
  struct Name {
    std::string text;
    uint32_t last_count = 0;
    uint32_t first_count = 0;
    std::array<uint32_t, kSharedPrefixTracked> shared_at_least{};  // [k-1]: shared prefix >= k bytes
    bool in_trigrams = false;
    Chunk* chunk = nullptr;  // the chunk holding the name
  };
  // What a name adds to its chunk's totals.
  struct Totals {
    uint64_t last = 0;
    uint64_t first = 0;
    uint64_t last_names = 0;
    uint64_t first_names = 0;
    std::array<uint64_t, kSharedPrefixTracked> shared{};
    void add(const Name& n, int sign);
    bool operator==(const Totals&) const = default;
  };
  struct Chunk {
    std::vector<NameId> ids;
    Totals totals;
  };

  Chunk& chunk_of(NameId id) const;
  void assign_label(size_t chunk, size_t index);
  void relabel_all();
  void split(size_t c);
  void index_trigrams(NameId id);
  void change_last(NameId id, size_t shared_prefix_bytes, int delta);
  void change_first(NameId id, int delta);

  std::vector<Name> names_;
  std::vector<uint64_t> labels_;
  std::vector<std::unique_ptr<Chunk>> chunks_;
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, NameId, TextHash, std::equal_to<>> ids_by_text_;
  std::unordered_map<uint32_t, std::vector<NameId>> trigram_postings_;
};

// True iff text matches pattern anchored at both ends, '*' = any run of bytes.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace tessera::directory
