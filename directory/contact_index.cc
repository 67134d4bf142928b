// ContactIndex: query parsing and the search strategies over a
// NameDictionary and four ChunkedSequences.
//
// A name entry is (major name, minor name, number, key), ordered by the
// majors' labels, then the minors' labels, number and key: by_last_ has the
// last name as major, by_first_ the first name. A prefix p selects one label
// interval [low, high] of the dictionary, so "last starts with p" is
// "label(last) in [low, high]" — integer compares on the hot paths.
#include "directory/contact_index.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <tuple>

#include "base/check.h"
#include "base/strings.h"
#include "directory/chunked_sequence.h"
#include "directory/name_dictionary.h"
#include "directory/text_fold.h"

namespace tessera::directory {
namespace {

constexpr size_t kEntryChunkMax = 128;
// "Last, First" searches per name (two binary searches, about this many
// entry comparisons each) while that costs less than scanning contacts.
constexpr size_t kPerNameSearchSteps = 40;
// E-mail bytes left behind by erasures before the e-mail arena is compacted.
constexpr size_t kEmailGarbageBytesMin = 1 << 20;

struct NameEntry {
  NameId major = 0;
  NameId minor = 0;
  uint32_t number_low = 0;
  uint32_t number_high = 0;
  uint32_t key = 0;
  uint64_t number() const { return static_cast<uint64_t>(number_high) << 32 | number_low; }
};
static_assert(sizeof(NameEntry) == 20);

struct NumberEntry {
  uint32_t number_low = 0;
  uint32_t number_high = 0;
  uint32_t key = 0;
  uint64_t number() const { return static_cast<uint64_t>(number_high) << 32 | number_low; }
};
static_assert(sizeof(NumberEntry) == 12);

// An e-mail's first kEmailHeadBytes bytes live in the entry (big-endian,
// zero-padded), so most comparisons never read the arena; the arena keeps
// the length and the bytes after the head.
constexpr size_t kEmailHeadBytes = 16;
struct EmailHead {
  uint64_t high = 0;  // bytes 0-7
  uint64_t low = 0;   // bytes 8-15
  auto operator<=>(const EmailHead&) const = default;
};
struct EmailEntry {
  EmailHead head;
  uint32_t offset = 0;  // into the e-mail arena: the full length (one byte), then the bytes after the head
  uint32_t key = 0;
};
static_assert(sizeof(EmailEntry) == 24);

EmailHead email_head(std::string_view s) {
  EmailHead h;
  for (size_t i = 0; i < kEmailHeadBytes; ++i) {
    uint64_t& half = i < 8 ? h.high : h.low;
    half = half << 8 | (i < s.size() ? static_cast<unsigned char>(s[i]) : 0u);
  }
  return h;
}

// h with only its first `bytes` bytes kept.
EmailHead head_prefix(EmailHead h, size_t bytes) {
  auto keep = [](uint64_t half, size_t n) {
    return n == 0 ? 0 : n >= 8 ? half : half & (~uint64_t{0} << (8 * (8 - n)));
  };
  return {keep(h.high, std::min<size_t>(bytes, 8)), keep(h.low, bytes > 8 ? bytes - 8 : 0)};
}

// Append-only storage for the e-mail tails, in blocks of kArenaBlockBytes so
// that growing never copies (nor doubles) the whole arena.
class EmailArena {
 public:
  static constexpr size_t kBlockBits = 20;
  static constexpr size_t kBlockBytes = size_t{1} << kBlockBits;

  // Stores a length byte and tail; returns its offset.
  uint32_t append(uint8_t length, std::string_view tail) {
    TESSERA_CHECK(tail.size() + 1 <= kBlockBytes);
    if (blocks_.empty() || used_ + tail.size() + 1 > kBlockBytes) {
      TESSERA_CHECK(blocks_.size() < (size_t{1} << (32 - kBlockBits)));
      blocks_.push_back(std::make_unique<char[]>(kBlockBytes));
      used_ = 0;
    }
    char* at = blocks_.back().get() + used_;
    at[0] = static_cast<char>(length);
    std::copy(tail.begin(), tail.end(), at + 1);
    const auto offset = static_cast<uint32_t>((blocks_.size() - 1) << kBlockBits | used_);
    used_ += tail.size() + 1;
    bytes_ += tail.size() + 1;
    return offset;
  }
  const char* at(uint32_t offset) const { return blocks_[offset >> kBlockBits].get() + (offset & (kBlockBytes - 1)); }
  size_t bytes() const { return bytes_; }
  size_t memory_bytes() const { return blocks_.capacity() * sizeof(blocks_[0]) + blocks_.size() * kBlockBytes; }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = 0;
  size_t bytes_ = 0;
};

using NameSequence = ChunkedSequence<NameEntry, kEntryChunkMax>;
using NumberSequence = ChunkedSequence<NumberEntry, kEntryChunkMax>;
using EmailSequence = ChunkedSequence<EmailEntry, kEntryChunkMax>;

struct NameOrder {
  const uint64_t* labels;
  bool operator()(const NameEntry& a, const NameEntry& b) const {
    if (a.major != b.major) return labels[a.major] < labels[b.major];
    if (a.minor != b.minor) return labels[a.minor] < labels[b.minor];
    return std::pair(a.number(), a.key) < std::pair(b.number(), b.key);
  }
};

bool number_less(const NumberEntry& a, const NumberEntry& b) {
  return std::pair(a.number(), a.key) < std::pair(b.number(), b.key);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Drops the bytes of s from `bytes` on, stepping back to a UTF-8 boundary.
void truncate_utf8(std::string& s, size_t bytes) {
  if (s.size() <= bytes) return;
  while (bytes > 0 && (static_cast<unsigned char>(s[bytes]) & 0xC0) == 0x80) --bytes;
  s.resize(bytes);
}

// Folded, trimmed, runs of spaces as one space, at most kIndexedTextBytesMax bytes.
std::string normalize(std::string_view text) {
  const bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  // fold() of ASCII text only lowers A-Z: done here in the same pass.
  std::string folded;
  if (!ascii) {
    folded = fold(text);
    text = folded;
  }
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) {  // control characters are dropped
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      out.push_back(c);
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  truncate_utf8(out, kIndexedTextBytesMax);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

size_t shared_prefix_bytes(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

// Characters (UTF-8 code points) of a pattern other than '*'.
size_t pattern_literal_chars(std::string_view pattern) {
  size_t n = 0;
  for (const char c : pattern)
    if (c != '*' && (static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

// Collapses runs of '*' (the same language, one backtrack point per run).
std::string collapse_stars(std::string_view pattern) {
  std::string out;
  for (const char c : pattern)
    if (c != '*' || out.empty() || out.back() != '*') out.push_back(c);
  return out;
}

// Where the page stands while results are produced in order: `skip` results
// still to pass over, then `want` keys still to take.
struct PageCursor {
  uint64_t skip = 0;
  uint32_t want = 0;
  std::vector<uint32_t>* keys = nullptr;
  bool full() const { return want == 0; }
  void take(uint32_t key) {
    if (skip > 0) {
      --skip;
    } else if (want > 0) {
      keys->push_back(key);
      --want;
    }
  }
};

// A result gathered out of order, to be sorted into (last, first, number, key).
struct Candidate {
  uint64_t last_label = 0;
  uint64_t first_label = 0;
  uint64_t number = 0;
  uint32_t key = 0;
  bool operator<(const Candidate& o) const {
    return std::tie(last_label, first_label, number, key) < std::tie(o.last_label, o.first_label, o.number, o.key);
  }
};

// Offers `count` results that sit in order from `from`.
template <typename Seq>
void emit_run(const Seq& seq, typename Seq::Pos from, uint64_t count, PageCursor& cursor) {
  if (cursor.full() || count == 0) return;
  const uint64_t skipped = std::min(cursor.skip, count);
  cursor.skip -= skipped;
  count -= skipped;
  if (count == 0) return;
  seq.advance_by(from, skipped);
  for (; count > 0 && !cursor.full(); --count) {
    cursor.take(seq.get(from).key);
    seq.advance(from);
  }
}

// Offers the entries of [from, to) for which keep() holds, stopping when the
// page is full.
template <typename Seq, typename Keep>
void emit_filtered(const Seq& seq, typename Seq::Pos from, typename Seq::Pos to, Keep&& keep, PageCursor& cursor) {
  if (cursor.full()) return;
  seq.visit(from, to, [&](const auto& e) {
    if (keep(e)) cursor.take(e.key);
    return !cursor.full();
  });
}

// Offers candidates in sorted order, sorting only the part the page needs.
void emit_sorted(std::vector<Candidate>& candidates, PageCursor& cursor) {
  if (cursor.full()) return;
  if (cursor.skip >= candidates.size()) {
    cursor.skip -= candidates.size();
    return;
  }
  const size_t begin = static_cast<size_t>(cursor.skip);
  const size_t end = std::min(candidates.size(), begin + cursor.want);
  const auto first = candidates.begin();
  if (begin > 0) std::nth_element(first, first + static_cast<ptrdiff_t>(begin), candidates.end());
  std::partial_sort(first + static_cast<ptrdiff_t>(begin), first + static_cast<ptrdiff_t>(end), candidates.end());
  cursor.skip = 0;
  for (size_t i = begin; i < end; ++i) cursor.take(candidates[i].key);
}

}  // namespace

struct ContactIndex::State {
  NameDictionary names;
  NameSequence by_last;
  NameSequence by_first;
  NumberSequence by_number;
  EmailSequence by_email;
  EmailArena email_arena;
  size_t email_garbage_bytes = 0;

  // The bytes of e's e-mail after its head. Two e-mails with equal heads
  // (no NUL bytes: normalize drops them) are equal or both longer than the
  // head, so comparing tails then orders them.
  std::string_view email_tail(const EmailEntry& e) const {
    const char* at = email_arena.at(e.offset);
    const size_t length = static_cast<unsigned char>(at[0]);
    return {at + 1, length > kEmailHeadBytes ? length - kEmailHeadBytes : 0};
  }
  // (e-mail, key) of e against (head, tail, key): negative, zero or positive.
  int compare_email(const EmailEntry& e, const EmailHead& head, std::string_view tail, uint32_t key) const {
    if (e.head != head) return e.head < head ? -1 : 1;
    const int c = email_tail(e).compare(tail);
    if (c != 0) return c;
    return e.key < key ? -1 : (e.key > key ? 1 : 0);
  }
  // Negative if e's e-mail sorts before every e-mail starting with prefix,
  // zero if it starts with prefix, positive if after.
  int compare_email_prefix(const EmailEntry& e, std::string_view prefix) const {
    const size_t k = std::min(prefix.size(), kEmailHeadBytes);
    const EmailHead mine = head_prefix(e.head, k), theirs = email_head(prefix);
    if (mine != theirs) return mine < theirs ? -1 : 1;
    if (prefix.size() <= kEmailHeadBytes) return 0;
    const std::string_view rest = prefix.substr(kEmailHeadBytes), tail = email_tail(e);
    if (tail.starts_with(rest)) return 0;
    return tail < rest ? -1 : 1;
  }
  auto email_less() const {
    return
        [this](const EmailEntry& a, const EmailEntry& b) { return compare_email(a, b.head, email_tail(b), b.key) < 0; };
  }
  NameOrder name_order() const { return NameOrder{names.labels()}; }
  uint64_t label(NameId id) const { return names.label(id); }

  // Position of the first entry whose major label is >= low (or > high).
  NameSequence::Pos major_from(const NameSequence& seq, uint64_t low) const {
    const uint64_t* labels = names.labels();
    return seq.partition_point([&](const NameEntry& e) { return labels[e.major] < low; });
  }
  NameSequence::Pos major_after(const NameSequence& seq, uint64_t high) const {
    const uint64_t* labels = names.labels();
    return seq.partition_point([&](const NameEntry& e) { return labels[e.major] <= high; });
  }
  // The entries of seq with major name `major` and a minor label in [low, high]: a contiguous run.
  std::pair<NameSequence::Pos, size_t> sub_run(const NameSequence& seq, NameId major, uint64_t low,
                                               uint64_t high) const {
    const uint64_t* labels = names.labels();
    const uint64_t major_label = labels[major];
    const auto begin = seq.partition_point([&](const NameEntry& e) {
      return labels[e.major] < major_label || (labels[e.major] == major_label && labels[e.minor] < low);
    });
    const auto end = seq.partition_point([&](const NameEntry& e) {
      return labels[e.major] < major_label || (labels[e.major] == major_label && labels[e.minor] <= high);
    });
    return {begin, seq.distance(begin, end)};
  }
  // Contacts whose major label is in [low, high] and minor label in [minor_low, minor_high].
  uint64_t count_both(const NameSequence& seq, uint64_t low, uint64_t high, uint64_t minor_low,
                      uint64_t minor_high) const {
    const uint64_t* labels = names.labels();
    uint64_t n = 0;
    const auto end = major_after(seq, high);
    seq.visit(major_from(seq, low), end, [&](const NameEntry& e) {
      const uint64_t l = labels[e.minor];
      n += l >= minor_low && l <= minor_high;
      return true;
    });
    return n;
  }
  // Entries of seq with major label in [low, high] and minor label in
  // [minor_low, minor_high], as candidates in result order.
  std::vector<Candidate> collect(const NameSequence& seq, bool major_is_last, uint64_t low, uint64_t high,
                                 uint64_t minor_low, uint64_t minor_high) const;

  void search_number(uint64_t number, PageCursor& cursor, SearchPage& page) const;
  void search_email(std::string_view prefix, PageCursor& cursor, SearchPage& page) const;
  void search_last_or_first(std::string_view prefix, PageCursor& cursor, SearchPage& page) const;
  void search_last(std::string_view prefix, PageCursor& cursor, SearchPage& page) const;
  void search_last_and_first(std::string_view last, std::string_view first, PageCursor& cursor, SearchPage& page) const;
  void merge_first_name_runs(const NameDictionary::Range& first_range, uint64_t low, uint64_t high, PageCursor& cursor,
                             SearchPage& page) const;
  void search_pattern(std::string_view pattern, std::string_view first, PageCursor& cursor, SearchPage& page) const;
  void compact_emails();
};

std::vector<Candidate> ContactIndex::State::collect(const NameSequence& seq, bool major_is_last, uint64_t low,
                                                    uint64_t high, uint64_t minor_low, uint64_t minor_high) const {
  const uint64_t* labels = names.labels();
  std::vector<Candidate> out;
  const auto end = major_after(seq, high);
  seq.visit(major_from(seq, low), end, [&](const NameEntry& e) {
    const uint64_t minor = labels[e.minor];
    if (minor < minor_low || minor > minor_high) return true;
    const uint64_t major = labels[e.major];
    out.push_back(major_is_last ? Candidate{major, minor, e.number(), e.key}
                                : Candidate{minor, major, e.number(), e.key});
    return true;
  });
  return out;
}

void ContactIndex::State::search_number(uint64_t number, PageCursor& cursor, SearchPage& page) const {
  auto p = by_number.partition_point([&](const NumberEntry& e) { return e.number() < number; });
  for (; !by_number.at_end(p) && by_number.get(p).number() == number; by_number.advance(p)) {
    ++page.total;
    cursor.take(by_number.get(p).key);
  }
}

void ContactIndex::State::search_email(std::string_view prefix, PageCursor& cursor, SearchPage& page) const {
  const auto begin = by_email.partition_point([&](const EmailEntry& e) { return compare_email_prefix(e, prefix) < 0; });
  const auto end = by_email.partition_point([&](const EmailEntry& e) { return compare_email_prefix(e, prefix) <= 0; });
  page.total = by_email.distance(begin, end);
  emit_run(by_email, begin, page.total, cursor);
}

void ContactIndex::State::search_last(std::string_view prefix, PageCursor& cursor, SearchPage& page) const {
  const NameDictionary::Range r = names.prefix_range(prefix);
  if (names.empty(r)) return;
  page.total = names.sums(r, 1).last;
  emit_run(by_last, major_from(by_last, names.first_label(r)), page.total, cursor);
}

// Results: E (last == prefix: the head of the last-name range), then in
// order the first-name matches whose last name sorts before the range, the
// rest of the range, the first-name matches after it. The first-name
// matches outside the range are found by walking by_last when they are
// dense (a page needs few steps), else collected from by_first and sorted.
void ContactIndex::State::search_last_or_first(std::string_view prefix, PageCursor& cursor, SearchPage& page) const {
  const NameDictionary::Range r = names.prefix_range(prefix);
  if (names.empty(r)) return;
  const uint64_t low = names.first_label(r), high = names.last_label(r);
  const NameDictionary::Sums sums = names.sums(r, std::min(prefix.size(), kSharedPrefixTracked));
  uint64_t shared = sums.shared;
  if (prefix.size() > kSharedPrefixTracked) {
    shared = sums.last <= sums.first ? count_both(by_last, low, high, low, high)
                                     : count_both(by_first, low, high, low, high);
  }
  TESSERA_CHECK(shared <= sums.last && shared <= sums.first);
  page.total = sums.last + sums.first - shared;
  const std::optional<NameId> exact = names.find(prefix);
  const uint64_t exact_count = exact ? names.last_count(*exact) : 0;
  const uint64_t first_only = sums.first - shared;

  auto range_begin = major_from(by_last, low);
  emit_run(by_last, range_begin, exact_count, cursor);
  if (cursor.full()) return;
  auto rest = range_begin;
  by_last.advance_by(rest, exact_count);
  const uint64_t rest_count = sums.last - exact_count;
  if (first_only == 0) {
    emit_run(by_last, rest, rest_count, cursor);
    return;
  }
  const double walk_steps = static_cast<double>(cursor.skip + cursor.want) * static_cast<double>(by_last.size()) /
                            static_cast<double>(first_only);
  const double collect_steps = 3.0 * static_cast<double>(sums.first);
  if (walk_steps <= collect_steps) {
    const uint64_t* labels = names.labels();
    auto first_matches = [&](const NameEntry& e) { return labels[e.minor] >= low && labels[e.minor] <= high; };
    emit_filtered(by_last, by_last.begin(), range_begin, first_matches, cursor);
    emit_run(by_last, rest, rest_count, cursor);
    if (!cursor.full()) emit_filtered(by_last, major_after(by_last, high), by_last.end(), first_matches, cursor);
    return;
  }
  std::vector<Candidate> before = collect(by_first, false, low, high, 0, low - 1);
  emit_sorted(before, cursor);
  emit_run(by_last, rest, rest_count, cursor);
  if (cursor.full() || high == std::numeric_limits<uint64_t>::max()) return;
  std::vector<Candidate> after = collect(by_first, false, low, high, high + 1, std::numeric_limits<uint64_t>::max());
  emit_sorted(after, cursor);
}

void ContactIndex::State::search_last_and_first(std::string_view last, std::string_view first, PageCursor& cursor,
                                                SearchPage& page) const {
  const NameDictionary::Range r = names.prefix_range(last);
  const NameDictionary::Range rf = names.prefix_range(first);
  if (names.empty(r) || names.empty(rf)) return;
  const uint64_t low = names.first_label(r), high = names.last_label(r);
  const uint64_t first_low = names.first_label(rf), first_high = names.last_label(rf);
  // Per name: two binary searches for each name on the side with fewer
  // names; else a scan of the side with fewer contacts.
  const NameDictionary::Sums last_sums = names.sums(r, 1), first_sums = names.sums(rf, 1);
  const uint64_t last_names = last_sums.last_names, first_names = first_sums.first_names;
  const uint64_t last_contacts = last_sums.last, first_contacts = first_sums.first;
  if (kPerNameSearchSteps * std::min(last_names, first_names) <= std::min(last_contacts, first_contacts)) {
    if (last_names <= first_names) {
      // Runs of by_last in name order: already the result order (the exact
      // last name has the lowest label of the range).
      names.for_each(r, [&](NameId id) {
        if (names.last_count(id) == 0) return;
        const auto [begin, count] = sub_run(by_last, id, first_low, first_high);
        page.total += count;
        emit_run(by_last, begin, count, cursor);
      });
    } else {
      merge_first_name_runs(rf, low, high, cursor, page);
    }
    return;
  }
  if (last_contacts <= first_contacts) {
    const uint64_t* labels = names.labels();
    const auto end = major_after(by_last, high);
    by_last.visit(major_from(by_last, low), end, [&](const NameEntry& e) {
      const uint64_t l = labels[e.minor];
      if (l >= first_low && l <= first_high) {
        ++page.total;
        cursor.take(e.key);
      }
      return true;
    });
    return;
  }
  std::vector<Candidate> found = collect(by_first, false, first_low, first_high, low, high);
  page.total = found.size();
  emit_sorted(found, cursor);
}

// "Last, First" from the first-name side: for each first name of the range,
// the run of by_first whose last-name label is in [low, high]; the runs are
// merged into (last, first, number, key) order for the page.
void ContactIndex::State::merge_first_name_runs(const NameDictionary::Range& first_range, uint64_t low, uint64_t high,
                                                PageCursor& cursor, SearchPage& page) const {
  struct Run {
    NameSequence::Pos pos;
    uint64_t left = 0;
  };
  std::vector<Run> runs;
  names.for_each(first_range, [&](NameId id) {
    if (names.first_count(id) == 0) return;
    const auto [begin, count] = sub_run(by_first, id, low, high);
    page.total += count;
    if (count > 0) runs.push_back({begin, count});
  });
  const uint64_t* labels = names.labels();
  auto order_of = [&](const Run& run) {
    const NameEntry& e = by_first.get(run.pos);
    return std::tuple(labels[e.minor], labels[e.major], e.number(), e.key);
  };
  auto after = [&](const Run& a, const Run& b) { return order_of(a) > order_of(b); };
  std::make_heap(runs.begin(), runs.end(), after);
  while (!runs.empty() && !cursor.full()) {
    std::pop_heap(runs.begin(), runs.end(), after);
    Run& run = runs.back();
    cursor.take(by_first.get(run.pos).key);
    by_first.advance(run.pos);
    if (--run.left == 0) {
      runs.pop_back();
    } else {
      std::push_heap(runs.begin(), runs.end(), after);
    }
  }
}

void ContactIndex::State::search_pattern(std::string_view pattern, std::string_view first, PageCursor& cursor,
                                         SearchPage& page) const {
  const std::vector<NameId> matched = names.last_names_matching(pattern);
  if (first.empty()) {
    for (const NameId id : matched) {
      const uint64_t count = names.last_count(id);
      page.total += count;
      if (cursor.full()) continue;
      if (cursor.skip >= count) {
        cursor.skip -= count;
        continue;
      }
      emit_run(by_last, major_from(by_last, label(id)), count, cursor);
    }
    return;
  }
  const NameDictionary::Range rf = names.prefix_range(first);
  if (names.empty(rf)) return;
  const uint64_t first_low = names.first_label(rf), first_high = names.last_label(rf);
  for (const NameId id : matched) {
    const auto [begin, count] = sub_run(by_last, id, first_low, first_high);
    page.total += count;
    emit_run(by_last, begin, count, cursor);
  }
}

void ContactIndex::State::compact_emails() {
  EmailArena arena;
  by_email.for_each_mutable([&](EmailEntry& e) {
    e.offset = arena.append(static_cast<uint8_t>(email_arena.at(e.offset)[0]), email_tail(e));
  });
  email_arena = std::move(arena);
  email_garbage_bytes = 0;
}

ContactIndex::ContactIndex() : state_(std::make_unique<State>()) {}
ContactIndex::~ContactIndex() = default;

size_t ContactIndex::size() const { return state_->by_last.size(); }

void ContactIndex::insert(const IndexedContact& c) {
  State& s = *state_;
  const std::string last = normalize(c.last_name), first = normalize(c.first_name), email = normalize(c.email);
  const NameId last_id = s.names.intern(last);
  const NameId first_id = s.names.intern(first);
  s.names.add_last(last_id, shared_prefix_bytes(last, first));
  s.names.add_first(first_id);
  const auto number_low = static_cast<uint32_t>(c.number), number_high = static_cast<uint32_t>(c.number >> 32);
  s.by_last.insert(NameEntry{last_id, first_id, number_low, number_high, c.key}, s.name_order());
  s.by_first.insert(NameEntry{first_id, last_id, number_low, number_high, c.key}, s.name_order());
  s.by_number.insert(NumberEntry{number_low, number_high, c.key}, number_less);

  const std::string_view tail = email.size() > kEmailHeadBytes ? std::string_view(email).substr(kEmailHeadBytes) : "";
  const uint32_t offset = s.email_arena.append(static_cast<uint8_t>(email.size()), tail);
  s.by_email.insert(EmailEntry{email_head(email), offset, c.key}, s.email_less());
  TESSERA_CHECK(s.by_last.size() == s.by_email.size());
}

void ContactIndex::erase(const IndexedContact& c) {
  State& s = *state_;
  const std::string last = normalize(c.last_name), first = normalize(c.first_name), email = normalize(c.email);
  const std::optional<NameId> last_id = s.names.find(last), first_id = s.names.find(first);
  TESSERA_CHECK_MSG(last_id && first_id, "erase of a contact that was not inserted");
  const auto number_low = static_cast<uint32_t>(c.number), number_high = static_cast<uint32_t>(c.number >> 32);
  TESSERA_CHECK(s.by_last.erase(NameEntry{*last_id, *first_id, number_low, number_high, c.key}, s.name_order()));
  TESSERA_CHECK(s.by_first.erase(NameEntry{*first_id, *last_id, number_low, number_high, c.key}, s.name_order()));
  TESSERA_CHECK(s.by_number.erase(NumberEntry{number_low, number_high, c.key}, number_less));
  s.names.remove_last(*last_id, shared_prefix_bytes(last, first));
  s.names.remove_first(*first_id);

  const EmailHead head = email_head(email);
  const std::string_view tail = email.size() > kEmailHeadBytes ? std::string_view(email).substr(kEmailHeadBytes) : "";
  const auto at =
      s.by_email.partition_point([&](const EmailEntry& e) { return s.compare_email(e, head, tail, c.key) < 0; });
  TESSERA_CHECK(!s.by_email.at_end(at) && s.compare_email(s.by_email.get(at), head, tail, c.key) == 0);
  s.by_email.erase_at(at);
  s.email_garbage_bytes += tail.size() + 1;
  if (s.email_garbage_bytes >= kEmailGarbageBytesMin && s.email_garbage_bytes * 2 >= s.email_arena.bytes())
    s.compact_emails();
}

std::optional<uint32_t> ContactIndex::find_number(uint64_t number) const {
  const NumberSequence& seq = state_->by_number;
  const auto p = seq.partition_point([&](const NumberEntry& e) { return e.number() < number; });
  if (seq.at_end(p) || seq.get(p).number() != number) return std::nullopt;
  return seq.get(p).key;
}

Result<SearchPage> ContactIndex::search(std::string_view query, uint32_t offset, uint32_t limit) const {
  SearchPage page;
  page.keys.reserve(std::min(limit, kSearchLimitMax));
  const Status s = run(query, offset, std::min(limit, kSearchLimitMax), page);
  if (!s.is_ok()) return s;
  return page;
}

Result<std::vector<uint32_t>> ContactIndex::search_all(std::string_view query) const {
  SearchPage page;
  const Status s = run(query, 0, std::numeric_limits<uint32_t>::max(), page);
  if (!s.is_ok()) return s;
  return std::move(page.keys);
}

void ContactIndex::for_each_key(bool (*visit)(void*, uint32_t), void* context) const {
  state_->by_last.visit(state_->by_last.begin(), state_->by_last.end(),
                        [&](const NameEntry& e) { return visit(context, e.key); });
}

Status ContactIndex::run(std::string_view query, uint64_t skip, uint32_t want, SearchPage& page) const {
  if (query.size() > kQueryBytesMax)
    return Status::invalid_argument(cat("the search text is longer than ", kQueryBytesMax, " bytes"));
  const std::string text = normalize(query);
  if (text.empty()) return Status::invalid_argument("type a name, a contact number or an e-mail address to search");
  PageCursor cursor{skip, want, &page.keys};
  const State& s = *state_;

  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    uint64_t number = 0;
    for (const char c : text) {
      const uint64_t digit = static_cast<uint64_t>(c - '0');
      if (number > (std::numeric_limits<uint64_t>::max() - digit) / 10)
        return Status::invalid_argument("no contact number is that long");
      number = number * 10 + digit;
    }
    s.search_number(number, cursor, page);
    return Status::ok();
  }
  if (text.find('@') != std::string::npos) {
    s.search_email(text, cursor, page);
    return Status::ok();
  }
  const size_t comma = text.find(',');
  const std::string_view last = trim(std::string_view(text).substr(0, comma));
  const std::string_view first =
      comma == std::string::npos ? std::string_view() : trim(std::string_view(text).substr(comma + 1));
  if (last.empty()) return Status::invalid_argument("type the last name before the comma");
  if (first.find('*') != std::string_view::npos)
    return Status::invalid_argument("'*' applies to the last name only (before the comma)");
  if (last.find('*') != std::string_view::npos) {
    if (pattern_literal_chars(last) < kPatternLiteralCharsMin)
      return Status::invalid_argument(
          cat("a search with '*' needs at least ", kPatternLiteralCharsMin, " letters besides the '*'"));
    s.search_pattern(collapse_stars(last), first, cursor, page);
    return Status::ok();
  }
  if (!first.empty()) {
    s.search_last_and_first(last, first, cursor, page);
  } else if (comma != std::string::npos) {
    s.search_last(last, cursor, page);
  } else {
    s.search_last_or_first(last, cursor, page);
  }
  return Status::ok();
}

size_t ContactIndex::memory_bytes() const {
  const State& s = *state_;
  return sizeof(State) + s.names.memory_bytes() + s.by_last.memory_bytes() + s.by_first.memory_bytes() +
         s.by_number.memory_bytes() + s.by_email.memory_bytes() + s.email_arena.memory_bytes();
}

void ContactIndex::check_invariants() const {
  const State& s = *state_;
  s.names.check_invariants();
  TESSERA_CHECK(s.by_first.size() == s.by_last.size() && s.by_number.size() == s.by_last.size() &&
                s.by_email.size() == s.by_last.size());
  const NameOrder order = s.name_order();
  uint64_t last_total = 0;
  for (NameId id = 0; id < s.names.size(); ++id) last_total += s.names.last_count(id);
  TESSERA_CHECK(last_total == s.by_last.size());
  for (const NameSequence* seq : {&s.by_last, &s.by_first}) {
    const NameEntry* previous = nullptr;
    seq->for_each([&](const NameEntry& e) {
      if (previous != nullptr) TESSERA_CHECK(order(*previous, e));
      previous = &e;
    });
  }
}

std::string index_key(std::string_view text) { return normalize(text); }

}  // namespace tessera::directory
