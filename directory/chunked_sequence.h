// ChunkedSequence: an ordered sequence of small trivially copyable entries
// kept as sorted chunks of at most kChunkMax entries, with a flat array of
// fences (a copy of each chunk's last entry) for the binary search.
//
// Why: the contact index inserts a million entries one by one in random
// order and must walk ranges in order and count them. Chunks of fixed
// capacity keep an insert to one short memmove; the fences keep the search
// for a chunk inside a contiguous array instead of one cache miss per step.
// The order is given per call (a `less` or a monotone predicate), so the
// comparison may read outside state (the contact index compares name labels).
// Invariants: every chunk is non-empty and sorted; the last entry of a chunk
// is less than the first of the next; fences_[c] equals the last entry of
// chunk c; size_ is the sum of chunk sizes.
// Thread-safety: none; const members may run concurrently with each other.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "base/check.h"

namespace tessera::directory {

template <typename T, size_t kChunkMax>
class ChunkedSequence {
  static_assert(std::is_trivially_copyable_v<T>);
  static_assert(kChunkMax >= 8);
  // A neighbour below this size takes entries from a full chunk instead of a split.
  static constexpr size_t kRoomyMax = kChunkMax * 7 / 8;

 public:
  struct Pos {
    size_t chunk = 0;
    size_t index = 0;
  };

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // REQUIRES no entry equivalent to v under less.
  template <typename Less>
  void insert(const T& v, Less&& less) {
    if (chunks_.empty()) {
      add_chunk(0);
      push_into(0, 0, v);
      return;
    }
    size_t c = first_chunk_where([&](const T& fence) { return !less(fence, v); });
    if (c == chunks_.size()) c = chunks_.size() - 1;  // past the last entry: append to the last chunk
    Chunk& chunk = *chunks_[c];
    prefetch(chunk);
    const size_t at = static_cast<size_t>(
        std::partition_point(chunk.items, chunk.items + chunk.size, [&](const T& e) { return less(e, v); }) -
        chunk.items);
    assert(at == chunk.size || less(v, chunk.items[at]));
    if (chunk.size < kChunkMax) {
      push_into(c, at, v);
    } else if (c + 1 == chunks_.size() && at == chunk.size) {
      add_chunk(c + 1);  // appending in order: keep the full chunk full
      push_into(c + 1, 0, v);
    } else if (c + 1 < chunks_.size() && chunks_[c + 1]->size < kRoomyMax) {
      // Lend entries to a roomy neighbour before splitting (B*-tree style):
      // chunks stay about 80 % full instead of 70 %.
      const size_t moved = (kChunkMax - chunks_[c + 1]->size) / 2;
      move_tail_to_next(c, moved);
      if (at <= chunk.size) {
        push_into(c, at, v);
      } else {
        push_into(c + 1, at - chunk.size, v);
      }
    } else if (c > 0 && chunks_[c - 1]->size < kRoomyMax) {
      const size_t moved = (kChunkMax - chunks_[c - 1]->size) / 2;
      const size_t previous_size = chunks_[c - 1]->size;
      move_head_to_previous(c, moved);
      if (at <= moved) {
        push_into(c - 1, previous_size + at, v);
      } else {
        push_into(c, at - moved, v);
      }
    } else {
      split(c);
      if (at <= chunks_[c]->size) {
        push_into(c, at, v);
      } else {
        push_into(c + 1, at - chunks_[c]->size, v);
      }
    }
  }

  // Removes the entry equivalent to v. Returns false if there is none.
  template <typename Less>
  bool erase(const T& v, Less&& less) {
    const Pos p = partition_point([&](const T& e) { return less(e, v); });
    if (at_end(p) || less(v, get(p))) return false;
    erase_at(p);
    return true;
  }

  // Removes the entry at p. REQUIRES p not at the end.
  void erase_at(const Pos& p) {
    TESSERA_CHECK(!at_end(p));
    Chunk& chunk = *chunks_[p.chunk];
    std::memmove(chunk.items + p.index, chunk.items + p.index + 1, (chunk.size - p.index - 1) * sizeof(T));
    --chunk.size;
    --size_;
    if (chunk.size == 0) {
      chunks_.erase(chunks_.begin() + static_cast<ptrdiff_t>(p.chunk));
      fences_.erase(fences_.begin() + static_cast<ptrdiff_t>(p.chunk));
    } else {
      fences_[p.chunk] = chunk.items[chunk.size - 1];
    }
  }

  // The first position whose entry e has before(e) false; before must be
  // true on a prefix of the sequence and false on the rest.
  template <typename Before>
  Pos partition_point(Before&& before) const {
    const size_t c = first_chunk_where([&](const T& fence) { return !before(fence); });
    if (c == chunks_.size()) return end();
    const Chunk& chunk = *chunks_[c];
    return {c, static_cast<size_t>(std::partition_point(chunk.items, chunk.items + chunk.size, before) - chunk.items)};
  }

  Pos begin() const { return {0, 0}; }
  Pos end() const { return {chunks_.size(), 0}; }
  bool at_end(const Pos& p) const { return p.chunk >= chunks_.size(); }
  bool same(const Pos& a, const Pos& b) const { return a.chunk == b.chunk && a.index == b.index; }
  const T& get(const Pos& p) const { return chunks_[p.chunk]->items[p.index]; }
  void advance(Pos& p) const {
    if (++p.index == chunks_[p.chunk]->size) {
      ++p.chunk;
      p.index = 0;
    }
  }
  // Moves p forward by n entries, whole chunks at a time.
  // REQUIRES at least n entries from p to the end.
  void advance_by(Pos& p, size_t n) const {
    while (n > 0) {
      TESSERA_CHECK(!at_end(p));
      const size_t left = chunks_[p.chunk]->size - p.index;
      if (n < left) {
        p.index += n;
        return;
      }
      n -= left;
      ++p.chunk;
      p.index = 0;
    }
  }
  // Number of entries in [a, b). REQUIRES a not after b.
  size_t distance(const Pos& a, const Pos& b) const {
    if (a.chunk == b.chunk) return b.index - a.index;
    assert(a.chunk < b.chunk);
    size_t n = chunks_[a.chunk]->size - a.index;
    for (size_t c = a.chunk + 1; c < b.chunk; ++c) n += chunks_[c]->size;
    return n + b.index;
  }

  // Calls visit(entry) for the entries of [from, to) in order while it
  // returns true: the tight loop of the scans.
  template <typename Visit>
  void visit(const Pos& from, const Pos& to, Visit&& visit) const {
    for (size_t c = from.chunk; c < chunks_.size() && c <= to.chunk; ++c) {
      const Chunk& chunk = *chunks_[c];
      const size_t stop = c == to.chunk ? to.index : chunk.size;
      for (size_t i = c == from.chunk ? from.index : 0; i < stop; ++i)
        if (!visit(chunk.items[i])) return;
    }
  }

  // Calls f(entry) for every entry in order; f may change fields outside
  // the order only.
  template <typename F>
  void for_each_mutable(F&& f) {
    for (size_t c = 0; c < chunks_.size(); ++c) {
      Chunk& chunk = *chunks_[c];
      for (size_t i = 0; i < chunk.size; ++i) f(chunk.items[i]);
      fences_[c] = chunk.items[chunk.size - 1];  // the fences are copies: refresh them
    }
  }
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& chunk : chunks_)
      for (size_t i = 0; i < chunk->size; ++i) f(chunk->items[i]);
  }

  size_t memory_bytes() const {
    return chunks_.capacity() * sizeof(std::unique_ptr<Chunk>) + fences_.capacity() * sizeof(T) +
           chunks_.size() * sizeof(Chunk);
  }

 private:
  struct Chunk {
    size_t size = 0;
    T items[kChunkMax];
  };

  // The binary search and the memmove of an insert touch most of a chunk:
  // asking for all its lines at once overlaps their cache misses.
  static void prefetch(const Chunk& chunk) {
    const char* bytes = reinterpret_cast<const char*>(chunk.items);
    for (size_t offset = 0; offset < chunk.size * sizeof(T); offset += 64) __builtin_prefetch(bytes + offset);
  }

  template <typename Pred>
  size_t first_chunk_where(Pred&& pred) const {
    return static_cast<size_t>(
        std::partition_point(fences_.begin(), fences_.end(), [&](const T& fence) { return !pred(fence); }) -
        fences_.begin());
  }
  void add_chunk(size_t c) {
    chunks_.insert(chunks_.begin() + static_cast<ptrdiff_t>(c), std::make_unique<Chunk>());
    fences_.insert(fences_.begin() + static_cast<ptrdiff_t>(c), T{});
  }
  void push_into(size_t c, size_t at, const T& v) {
    Chunk& chunk = *chunks_[c];
    TESSERA_CHECK(chunk.size < kChunkMax && at <= chunk.size);
    std::memmove(chunk.items + at + 1, chunk.items + at, (chunk.size - at) * sizeof(T));
    chunk.items[at] = v;
    ++chunk.size;
    ++size_;
    fences_[c] = chunk.items[chunk.size - 1];
  }
  // Moves the last n entries of chunk c to the front of chunk c + 1.
  void move_tail_to_next(size_t c, size_t n) {
    Chunk& from = *chunks_[c];
    Chunk& to = *chunks_[c + 1];
    TESSERA_CHECK(n > 0 && n < from.size && to.size + n <= kChunkMax);
    std::memmove(to.items + n, to.items, to.size * sizeof(T));
    std::memcpy(to.items, from.items + from.size - n, n * sizeof(T));
    from.size -= n;
    to.size += n;
    fences_[c] = from.items[from.size - 1];
  }
  // Moves the first n entries of chunk c to the end of chunk c - 1.
  void move_head_to_previous(size_t c, size_t n) {
    Chunk& from = *chunks_[c];
    Chunk& to = *chunks_[c - 1];
    TESSERA_CHECK(n > 0 && n < from.size && to.size + n <= kChunkMax);
    std::memcpy(to.items + to.size, from.items, n * sizeof(T));
    std::memmove(from.items, from.items + n, (from.size - n) * sizeof(T));
    from.size -= n;
    to.size += n;
    fences_[c - 1] = to.items[to.size - 1];
  }
  void split(size_t c) {
    add_chunk(c + 1);
    Chunk& lower = *chunks_[c];
    Chunk& upper = *chunks_[c + 1];
    const size_t half = lower.size / 2;
    upper.size = lower.size - half;
    std::memcpy(upper.items, lower.items + half, upper.size * sizeof(T));
    lower.size = half;
    fences_[c] = lower.items[lower.size - 1];
    fences_[c + 1] = upper.items[upper.size - 1];
  }

  std::vector<std::unique_ptr<Chunk>> chunks_;
  std::vector<T> fences_;
  size_t size_ = 0;
};

}  // namespace tessera::directory
