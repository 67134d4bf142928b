// SortedChunks: an ordered multiset-free sequence kept as a list of sorted
// chunks of at most kChunkMax elements (a B+ tree's leaf level with a flat
// directory).
//
// Why: the follow-up index needs ordered iteration from a key, insertion
// and removal in the middle, and "how many elements are <= key" over
// millions of entries. Chunks of a few dozen 48-byte entries keep each
// insert/erase to one short memmove and keep scans sequential in memory;
// counting sums chunk sizes (a few thousand additions for a million
// entries) instead of walking nodes.
// Invariants: every chunk is non-empty and sorted; the last element of a
// chunk is less than the first of the next; keys are unique.
// Thread-safety: none.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <vector>

namespace tessera::engine {

template <typename T, typename Less, size_t kChunkMax = 64>
class SortedChunks {
 public:
  struct Position {
    size_t chunk = 0;
    size_t index = 0;
  };

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // REQUIRES no element equal to v.
  void insert(const T& v) {
    if (chunks_.empty()) {
      chunks_.emplace_back().push_back(v);
      ++size_;
      return;
    }
    size_t c = chunk_for(v);
    if (c == chunks_.size()) c = chunks_.size() - 1;  // past the last element: append to the last chunk
    std::vector<T>& chunk = chunks_[c];
    auto at = std::lower_bound(chunk.begin(), chunk.end(), v, Less{});
    assert(at == chunk.end() || Less{}(v, *at));
    chunk.insert(at, v);
    ++size_;
    if (chunk.size() > kChunkMax) split(c);
  }

  // Appends v, greater than every element (a rebuild from sorted input):
  // full chunks, no search.
  void push_back_sorted(const T& v) {
    assert(chunks_.empty() || Less{}(chunks_.back().back(), v));
    if (chunks_.empty() || chunks_.back().size() >= kChunkMax) chunks_.emplace_back().reserve(kChunkMax);
    chunks_.back().push_back(v);
    ++size_;
  }

  // Removes the element equal to v. Returns false if there is none.
  bool erase(const T& v) {
    const size_t c = chunk_for(v);
    if (c == chunks_.size()) return false;
    std::vector<T>& chunk = chunks_[c];
    auto at = std::lower_bound(chunk.begin(), chunk.end(), v, Less{});
    if (at == chunk.end() || Less{}(v, *at)) return false;
    chunk.erase(at);
    --size_;
    if (chunk.empty()) chunks_.erase(chunks_.begin() + static_cast<ptrdiff_t>(c));
    return true;
  }

  // First position whose element is not less than v (end() if none).
  Position lower_bound(const T& v) const {
    const size_t c = chunk_for(v);
    if (c == chunks_.size()) return end();
    const std::vector<T>& chunk = chunks_[c];
    return {c, static_cast<size_t>(std::lower_bound(chunk.begin(), chunk.end(), v, Less{}) - chunk.begin())};
  }
  // First position whose element is greater than v.
  Position upper_bound(const T& v) const {
    Position p = lower_bound(v);
    if (!at_end(p) && !Less{}(v, get(p))) advance(p);
    return p;
  }
  // Number of elements less than v.
  size_t count_less(const T& v) const {
    const Position p = lower_bound(v);
    size_t n = p.index;
    for (size_t c = 0; c < p.chunk && c < chunks_.size(); ++c) n += chunks_[c].size();
    return n;
  }

  Position begin() const { return {0, 0}; }
  Position end() const { return {chunks_.size(), 0}; }
  bool at_end(const Position& p) const { return p.chunk >= chunks_.size(); }
  const T& get(const Position& p) const { return chunks_[p.chunk][p.index]; }
  // For fields outside the key only: changing the key breaks the order.
  T& get_mutable(const Position& p) { return chunks_[p.chunk][p.index]; }
  void advance(Position& p) const {
    if (++p.index == chunks_[p.chunk].size()) {
      ++p.chunk;
      p.index = 0;
    }
  }

  // Calls visit(element) for each element in [begin, first element not
  // less than `until`) in order; removes those for which it returns true.
  // One pass: the bulk removal path (no per-element memmove).
  template <typename Visit>
  void visit_and_remove_until(const T& until, Visit&& visit) {
    size_t c = 0;
    bool done = false;
    while (c < chunks_.size() && !done) {
      std::vector<T>& chunk = chunks_[c];
      size_t out = 0;
      size_t i = 0;
      for (; i < chunk.size(); ++i) {
        if (!Less{}(chunk[i], until)) {
          done = true;
          break;
        }
        if (!visit(chunk[i])) chunk[out++] = chunk[i];
      }
      for (; i < chunk.size(); ++i) chunk[out++] = chunk[i];
      size_ -= chunk.size() - out;
      chunk.resize(out);
      ++c;
    }
    std::erase_if(chunks_, [](const std::vector<T>& chunk) { return chunk.empty(); });
  }

  // Calls f(element) for every element less than `limit`, in order: a
  // tight loop over whole chunks (the scan path of filtered counts).
  template <typename F>
  void for_each_before(const T& limit, F&& f) const {
    const Position end = lower_bound(limit);
    for (size_t c = 0; c < end.chunk && c < chunks_.size(); ++c)
      for (const T& v : chunks_[c]) f(v);
    if (end.chunk < chunks_.size())
      for (size_t i = 0; i < end.index; ++i) f(chunks_[end.chunk][i]);
  }

  // Removes every element less than `limit`: whole chunks at once.
  void erase_before(const T& limit) {
    const Position end = lower_bound(limit);
    size_t removed = 0;
    for (size_t c = 0; c < end.chunk && c < chunks_.size(); ++c) removed += chunks_[c].size();
    if (end.chunk < chunks_.size()) {
      std::vector<T>& last = chunks_[end.chunk];
      last.erase(last.begin(), last.begin() + static_cast<ptrdiff_t>(end.index));
      removed += end.index;
    }
    chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<ptrdiff_t>(std::min(end.chunk, chunks_.size())));
    size_ -= removed;
    if (!chunks_.empty() && chunks_.front().empty()) chunks_.erase(chunks_.begin());
  }

  // Elements in order (tests and invariant checks).
  template <typename F>
  void for_each(F&& f) const {
    for (const std::vector<T>& chunk : chunks_)
      for (const T& v : chunk) f(v);
  }
  void clear() {
    chunks_.clear();
    size_ = 0;
  }

 private:
  // The first chunk whose last element is not less than v.
  size_t chunk_for(const T& v) const {
    size_t lo = 0, hi = chunks_.size();
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (Less{}(chunks_[mid].back(), v)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
  void split(size_t c) {
    std::vector<T>& chunk = chunks_[c];
    const size_t half = chunk.size() / 2;
    std::vector<T> upper(chunk.begin() + static_cast<ptrdiff_t>(half), chunk.end());
    chunk.resize(half);
    chunks_.insert(chunks_.begin() + static_cast<ptrdiff_t>(c + 1), std::move(upper));
  }

  std::vector<std::vector<T>> chunks_;
  size_t size_ = 0;
};

}  // namespace tessera::engine
