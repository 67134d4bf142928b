// FlatMap: an open-addressing hash map from integer keys (or ids, which are
// integers underneath: engine/ids.h) to small values.
//
// Linear probing over one flat array, backward-shift deletion (no
// tombstones), power-of-two capacity kept at most 7/8 full. Used where the
// engine looks ids up on the hot path (performances, request keys, contact
// counters): no allocation per insert, one cache line per lookup in the
// common case. The largest key value is reserved as the empty marker.
// Iteration order depends only on the sequence of operations, so it is
// deterministic (state hashes may walk it).
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/ids.h"

namespace tessera::engine {

namespace detail {
template <typename K>
struct FlatMapKeyRep {
  using type = K;
};
template <typename Tag, typename R>
struct FlatMapKeyRep<StrongId<Tag, R>> {
  using type = R;
};
}  // namespace detail

template <typename K, typename V>
class FlatMap {
  using KeyRep = typename detail::FlatMapKeyRep<K>::type;
  static_assert(std::is_unsigned_v<KeyRep>, "FlatMap keys are unsigned integers or ids");

 public:
  static constexpr K kEmpty = K(std::numeric_limits<KeyRep>::max());

  explicit FlatMap(size_t capacity_hint = 16) { rehash(capacity_for(capacity_hint)); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Returns the value of key, or nullptr when absent.
  V* find(K key) {
    if (key == kEmpty) return nullptr;  // never a key: ids come from clients
    for (size_t i = home(key);; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == kEmpty) return nullptr;
    }
  }
  const V* find(K key) const { return const_cast<FlatMap*>(this)->find(key); }
  // Starts loading key's home slot into the cache: a caller about to look up
  // many keys at random issues every prefetch first, so the cache misses
  // overlap instead of following one another.
  void prefetch(K key) const { __builtin_prefetch(&slots_[home(key)]); }
  bool contains(K key) const { return find(key) != nullptr; }

  // Inserts key with value iff absent. Returns {pointer to value, inserted}.
  std::pair<V*, bool> insert(K key, V value) {
    assert(key != kEmpty);
    if ((size_ + 1) * 8 > slots_.size() * 7) rehash(slots_.size() * 2);
    for (size_t i = home(key);; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return {&slots_[i].value, false};
      if (slots_[i].key == kEmpty) {
        slots_[i] = Slot{key, std::move(value)};
        ++size_;
        return {&slots_[i].value, true};
      }
    }
  }

  V& operator[](K key) { return *insert(key, V{}).first; }

  // Removes key. Returns true iff it was present.
  bool erase(K key) {
    assert(key != kEmpty);
    size_t i = home(key);
    while (slots_[i].key != key) {
      if (slots_[i].key == kEmpty) return false;
      i = (i + 1) & mask_;
    }
    // Backward shift: pull later members of the probe run into the hole.
    for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      if (slots_[j].key == kEmpty) break;
      const size_t h = home(slots_[j].key);
      // Move j into hole i iff its home is not in the cyclic range (i, j].
      const bool home_in_range = (i <= j) ? (i < h && h <= j) : (i < h || h <= j);
      if (!home_in_range) {
        slots_[i] = std::move(slots_[j]);
        i = j;
      }
    }
    slots_[i].key = kEmpty;
    slots_[i].value = V{};
    --size_;
    return true;
  }

  void clear() {
    for (auto& s : slots_) s = Slot{};
    size_ = 0;
  }

  // f(key, value) for every entry, in slot order.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& s : slots_)
      if (s.key != kEmpty) f(s.key, s.value);
  }

 private:
  struct Slot {
    K key = kEmpty;
    V value{};
  };

  static KeyRep rep(K key) {
    if constexpr (is_strong_id_v<K>) {
      return key.value();
    } else {
      return key;
    }
  }
  static size_t capacity_for(size_t n) {
    size_t c = 16;
    while (c * 7 < n * 8) c *= 2;
    return c;
  }
  size_t home(K key) const {
    uint64_t x = static_cast<uint64_t>(rep(key)) * 0x9E3779B97F4A7C15ULL;
    return static_cast<size_t>(x >> shift_);
  }
  void rehash(size_t capacity) {
    assert((capacity & (capacity - 1)) == 0);
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(capacity));
    size_ = 0;
    for (auto& s : old)
      if (s.key != kEmpty) insert(s.key, std::move(s.value));
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  unsigned shift_ = 64;
  size_t size_ = 0;
};

}  // namespace tessera::engine
