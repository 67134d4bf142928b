// NameDictionary: chunks of at most kNameChunkMax name ids in byte order,
// per-chunk sums, order labels, trigram postings.
#include "directory/name_dictionary.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include "base/check.h"

namespace tessera::directory {
namespace {

constexpr size_t kNameChunkMax = 64;
constexpr size_t kTrigramBytes = 3;

uint32_t trigram_at(std::string_view s, size_t i) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[i])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[i + 1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[i + 2]));
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

NameDictionary::NameDictionary() = default;
NameDictionary::~NameDictionary() = default;

std::optional<NameId> NameDictionary::find(std::string_view folded) const {
  const auto it = ids_by_text_.find(folded);
  if (it == ids_by_text_.end()) return std::nullopt;
  return it->second;
}

NameId NameDictionary::intern(std::string_view folded) {
  if (const auto found = find(folded)) return *found;
  TESSERA_CHECK(names_.size() < std::numeric_limits<NameId>::max());
  const NameId id = static_cast<NameId>(names_.size());
  names_.push_back(Name{.text = std::string(folded)});
  labels_.push_back(0);
  ids_by_text_.emplace(std::string(folded), id);

  if (chunks_.empty()) {
    chunks_.push_back(std::make_unique<Chunk>());
    chunks_[0]->ids.push_back(id);
    names_[id].chunk = chunks_[0].get();
    labels_[id] = std::numeric_limits<uint64_t>::max() / 2;
    return id;
  }
  size_t c =
      static_cast<size_t>(std::partition_point(chunks_.begin(), chunks_.end(),
                                               [&](const auto& chunk) { return text(chunk->ids.back()) < folded; }) -
                          chunks_.begin());
  if (c == chunks_.size()) c = chunks_.size() - 1;
  std::vector<NameId>& ids = chunks_[c]->ids;
  const auto at = std::partition_point(ids.begin(), ids.end(), [&](NameId other) { return text(other) < folded; });
  const size_t index = static_cast<size_t>(at - ids.begin());
  ids.insert(at, id);
  names_[id].chunk = chunks_[c].get();
  assign_label(c, index);
  if (ids.size() > kNameChunkMax) split(c);
  return id;
}

void NameDictionary::assign_label(size_t c, size_t index) {
  const std::vector<NameId>& ids = chunks_[c]->ids;
  uint64_t low = 0, high = std::numeric_limits<uint64_t>::max();
  if (index > 0) {
    low = labels_[ids[index - 1]];
  } else if (c > 0) {
    low = labels_[chunks_[c - 1]->ids.back()];
  }
  if (index + 1 < ids.size()) {
    high = labels_[ids[index + 1]];
  } else if (c + 1 < chunks_.size()) {
    high = labels_[chunks_[c + 1]->ids.front()];
  }
  if (high - low < 2) {
    relabel_all();
    return;
  }
  labels_[ids[index]] = low + (high - low) / 2;
}

void NameDictionary::relabel_all() {
  const uint64_t spacing = std::numeric_limits<uint64_t>::max() / (names_.size() + 1);
  TESSERA_CHECK(spacing >= 2);
  uint64_t next = spacing;
  for (const auto& chunk : chunks_)
    for (const NameId id : chunk->ids) {
      labels_[id] = next;
      next += spacing;
    }
}

void NameDictionary::split(size_t c) {
  auto upper = std::make_unique<Chunk>();
  Chunk& lower = *chunks_[c];
  const size_t half = lower.ids.size() / 2;
  upper->ids.assign(lower.ids.begin() + static_cast<ptrdiff_t>(half), lower.ids.end());
  lower.ids.resize(half);
  for (const NameId id : upper->ids) {
    Name& n = names_[id];
    n.chunk = upper.get();
    upper->totals.add(n, 1);
    lower.totals.add(n, -1);
  }
  chunks_.insert(chunks_.begin() + static_cast<ptrdiff_t>(c + 1), std::move(upper));
}

NameDictionary::Chunk& NameDictionary::chunk_of(NameId id) const {
  Chunk* chunk = names_[id].chunk;
  assert(std::find(chunk->ids.begin(), chunk->ids.end(), id) != chunk->ids.end());
  return *chunk;
}

void NameDictionary::Totals::add(const Name& n, int sign) {
  auto apply = [sign](uint64_t& total, uint64_t part) { total += sign > 0 ? part : -part; };
  apply(last, n.last_count);
  apply(first, n.first_count);
  apply(last_names, n.last_count > 0);
  apply(first_names, n.first_count > 0);
  for (size_t k = 0; k < kSharedPrefixTracked; ++k) apply(shared[k], n.shared_at_least[k]);
}

void NameDictionary::change_last(NameId id, size_t shared_prefix_bytes, int delta) {
  Name& n = names_[id];
  Chunk& chunk = chunk_of(id);
  TESSERA_CHECK(delta > 0 || n.last_count > 0);
  chunk.totals.add(n, -1);
  n.last_count += static_cast<uint32_t>(delta);
  const size_t tracked = std::min(shared_prefix_bytes, kSharedPrefixTracked);
  for (size_t k = 0; k < tracked; ++k) n.shared_at_least[k] += static_cast<uint32_t>(delta);
  chunk.totals.add(n, 1);
}

void NameDictionary::change_first(NameId id, int delta) {
  Name& n = names_[id];
  Chunk& chunk = chunk_of(id);
  TESSERA_CHECK(delta > 0 || n.first_count > 0);
  chunk.totals.add(n, -1);
  n.first_count += static_cast<uint32_t>(delta);
  chunk.totals.add(n, 1);
}

void NameDictionary::add_last(NameId id, size_t shared_prefix_bytes) {
  change_last(id, shared_prefix_bytes, 1);
  if (!names_[id].in_trigrams) index_trigrams(id);
}

void NameDictionary::remove_last(NameId id, size_t shared_prefix_bytes) { change_last(id, shared_prefix_bytes, -1); }
void NameDictionary::add_first(NameId id) { change_first(id, 1); }
void NameDictionary::remove_first(NameId id) { change_first(id, -1); }

void NameDictionary::index_trigrams(NameId id) {
  Name& n = names_[id];
  n.in_trigrams = true;
  if (n.text.size() < kTrigramBytes) return;
  std::vector<uint32_t> grams;
  for (size_t i = 0; i + kTrigramBytes <= n.text.size(); ++i) grams.push_back(trigram_at(n.text, i));
  std::sort(grams.begin(), grams.end());
  grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
  // Ids only grow, so each posting list stays sorted by id.
  for (const uint32_t g : grams) trigram_postings_[g].push_back(id);
}

NameDictionary::Range NameDictionary::prefix_range(std::string_view prefix) const {
  Range r;
  if (chunks_.empty()) return r;
  auto position = [&](auto&& before) {
    const size_t c =
        static_cast<size_t>(std::partition_point(chunks_.begin(), chunks_.end(),
                                                 [&](const auto& chunk) { return before(chunk->ids.back()); }) -
                            chunks_.begin());
    if (c == chunks_.size()) return std::pair<size_t, size_t>{c, 0};
    const std::vector<NameId>& ids = chunks_[c]->ids;
    return std::pair<size_t, size_t>{
        c, static_cast<size_t>(std::partition_point(ids.begin(), ids.end(), before) - ids.begin())};
  };
  std::tie(r.begin_chunk, r.begin_index) = position([&](NameId id) { return text(id) < prefix; });
  std::tie(r.end_chunk, r.end_index) =
      position([&](NameId id) { return text(id) < prefix || text(id).starts_with(prefix); });
  return r;
}

uint64_t NameDictionary::first_label(const Range& r) const {
  TESSERA_CHECK(!empty(r));
  return labels_[chunks_[r.begin_chunk]->ids[r.begin_index]];
}

uint64_t NameDictionary::last_label(const Range& r) const {
  TESSERA_CHECK(!empty(r));
  if (r.end_index > 0) return labels_[chunks_[r.end_chunk]->ids[r.end_index - 1]];
  return labels_[chunks_[r.end_chunk - 1]->ids.back()];
}

NameDictionary::Sums NameDictionary::sums(const Range& r, size_t shared_prefix_min) const {
  TESSERA_CHECK(shared_prefix_min >= 1 && shared_prefix_min <= kSharedPrefixTracked);
  const size_t k = shared_prefix_min - 1;
  Sums s;
  auto add_name = [&](NameId id) {
    const Name& n = names_[id];
    s.last += n.last_count;
    s.first += n.first_count;
    s.shared += n.shared_at_least[k];
    s.last_names += n.last_count > 0;
    s.first_names += n.first_count > 0;
  };
  if (r.begin_chunk == r.end_chunk) {
    if (r.begin_chunk < chunks_.size())
      for (size_t i = r.begin_index; i < r.end_index; ++i) add_name(chunks_[r.begin_chunk]->ids[i]);
    return s;
  }
  const std::vector<NameId>& head = chunks_[r.begin_chunk]->ids;
  for (size_t i = r.begin_index; i < head.size(); ++i) add_name(head[i]);
  for (size_t c = r.begin_chunk + 1; c < r.end_chunk; ++c) {
    const Totals& t = chunks_[c]->totals;
    s.last += t.last;
    s.first += t.first;
    s.shared += t.shared[k];
    s.last_names += t.last_names;
    s.first_names += t.first_names;
  }
  if (r.end_chunk < chunks_.size())
    for (size_t i = 0; i < r.end_index; ++i) add_name(chunks_[r.end_chunk]->ids[i]);
  return s;
}

std::vector<NameId> NameDictionary::last_names_matching(std::string_view pattern) const {
  // Candidates: the shortest posting list among the pattern's literal
  // trigrams; else the names under its literal head; else every name.
  const std::vector<NameId>* shortest = nullptr;
  bool has_trigram = false;
  size_t start = 0;
  while (start < pattern.size()) {
    size_t stop = pattern.find('*', start);
    if (stop == std::string_view::npos) stop = pattern.size();
    for (size_t i = start; i + kTrigramBytes <= stop; ++i) {
      has_trigram = true;
      const auto it = trigram_postings_.find(trigram_at(pattern, i));
      if (it == trigram_postings_.end()) return {};
      if (shortest == nullptr || it->second.size() < shortest->size()) shortest = &it->second;
    }
    start = stop + 1;
  }
  std::vector<NameId> matched;
  auto consider = [&](NameId id) {
    if (names_[id].last_count > 0 && glob_match(pattern, text(id))) matched.push_back(id);
  };
  if (has_trigram) {
    for (const NameId id : *shortest) consider(id);
  } else {
    const size_t head = std::min(pattern.find('*'), pattern.size());
    Range everything;
    everything.end_chunk = chunks_.size();
    for_each(head > 0 ? prefix_range(pattern.substr(0, head)) : everything, consider);
  }
  std::sort(matched.begin(), matched.end(), [&](NameId a, NameId b) { return labels_[a] < labels_[b]; });
  return matched;
}

size_t NameDictionary::memory_bytes() const {
  size_t bytes = names_.capacity() * sizeof(Name) + labels_.capacity() * sizeof(uint64_t) +
                 chunks_.capacity() * sizeof(std::unique_ptr<Chunk>);
  for (const Name& n : names_)
    if (n.text.capacity() > 15) bytes += n.text.capacity() + 1;
  for (const auto& chunk : chunks_) bytes += sizeof(Chunk) + chunk->ids.capacity() * sizeof(NameId);
  // unordered_map: a node (next pointer, key, value, cached hash) per name plus buckets.
  bytes += ids_by_text_.bucket_count() * sizeof(void*);
  for (const auto& [key, id] : ids_by_text_) {
    bytes += sizeof(void*) + sizeof(std::pair<const std::string, NameId>) + sizeof(size_t);
    if (key.capacity() > 15) bytes += key.capacity() + 1;
  }
  bytes += trigram_postings_.bucket_count() * sizeof(void*);
  for (const auto& [gram, ids] : trigram_postings_)
    bytes += sizeof(void*) + sizeof(std::pair<const uint32_t, std::vector<NameId>>) + ids.capacity() * sizeof(NameId);
  return bytes;
}

void NameDictionary::check_invariants() const {
  const Name* previous = nullptr;
  for (const auto& chunk : chunks_) {
    TESSERA_CHECK(!chunk->ids.empty());
    Totals recount;
    for (const NameId id : chunk->ids) {
      const Name& n = names_[id];
      if (previous != nullptr)
        TESSERA_CHECK(previous->text < n.text && labels_[&*previous - names_.data()] < labels_[id]);
      previous = &n;
      recount.add(n, 1);
    }
    TESSERA_CHECK(recount == chunk->totals);
  }
}

}  // namespace tessera::directory
