// Holders one pointer wide for what a million contact slots carry and
// rarely fill: the packed record's bytes (std::string takes 32 bytes in the
// slot) and the notes (std::vector takes 24, and most contacts have none).
// Both read and write like the std types they replace: the engine codec and
// the state hash see the same bytes (PackedBytes is a codec ByteString;
// RareVector a sequence), so snapshots and hashes do not change.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace tessera::directory {

// Bytes on the heap behind one pointer; the length is the block's first 4
// bytes. Empty holds no block.
class PackedBytes {
 public:
  PackedBytes() = default;
  PackedBytes(std::string_view bytes) { assign(bytes.data(), bytes.size()); }  // NOLINT: a string converts
  PackedBytes(const PackedBytes& o) : PackedBytes(std::string_view(o)) {}
  PackedBytes(PackedBytes&&) noexcept = default;
  PackedBytes& operator=(const PackedBytes& o) {
    if (this != &o) assign(o.data(), o.size());
    return *this;
  }
  PackedBytes& operator=(PackedBytes&&) noexcept = default;
  PackedBytes& operator=(std::string_view bytes) {
    assign(bytes.data(), bytes.size());
    return *this;
  }

  void assign(const char* bytes, size_t n) {
    if (n == 0) {
      block_.reset();
      return;
    }
    const auto length = static_cast<uint32_t>(n);
    block_ = std::make_unique_for_overwrite<char[]>(sizeof length + n);
    std::memcpy(block_.get(), &length, sizeof length);
    std::memcpy(block_.get() + sizeof length, bytes, n);
  }
  size_t size() const {
    uint32_t length = 0;
    if (block_) std::memcpy(&length, block_.get(), sizeof length);
    return length;
  }
  const char* data() const { return block_ ? block_.get() + sizeof(uint32_t) : ""; }
  void prefetch() const { __builtin_prefetch(block_.get()); }     // the length and the first bytes
  operator std::string_view() const { return {data(), size()}; }  // NOLINT: reads as a string
  bool operator==(const PackedBytes& o) const { return std::string_view(*this) == std::string_view(o); }
  // Bytes allocated on the heap (the allocator's rounding aside).
  size_t heap_bytes() const { return block_ ? sizeof(uint32_t) + size() : 0; }

 private:
  std::unique_ptr<char[]> block_;
};

// A vector behind one pointer, allocated on the first element.
template <typename T>
class RareVector {
 public:
  using value_type = T;
  RareVector() = default;
  RareVector(const RareVector& o) : items_(o.items_ ? std::make_unique<std::vector<T>>(*o.items_) : nullptr) {}
  RareVector(RareVector&&) noexcept = default;
  RareVector& operator=(const RareVector& o) {
    if (this != &o) items_ = o.items_ ? std::make_unique<std::vector<T>>(*o.items_) : nullptr;
    return *this;
  }
  RareVector& operator=(RareVector&&) noexcept = default;

  size_t size() const { return items_ ? items_->size() : 0; }
  bool empty() const { return size() == 0; }
  const T* begin() const { return items_ ? items_->data() : nullptr; }
  const T* end() const { return items_ ? items_->data() + items_->size() : nullptr; }
  T* begin() { return items_ ? items_->data() : nullptr; }
  T* end() { return items_ ? items_->data() + items_->size() : nullptr; }
  const T& operator[](size_t i) const { return (*items_)[i]; }
  void push_back(T item) { vector().push_back(std::move(item)); }
  void resize(size_t n) {
    if (n == 0) {
      items_.reset();
      return;
    }
    vector().resize(n);
  }
  void clear() { items_.reset(); }
  bool operator==(const RareVector& o) const { return size() == o.size() && std::equal(begin(), end(), o.begin()); }
  // Bytes allocated on the heap (the vector and its elements' slots).
  size_t heap_bytes() const { return items_ ? sizeof(std::vector<T>) + items_->capacity() * sizeof(T) : 0; }

 private:
  std::vector<T>& vector() {
    if (!items_) items_ = std::make_unique<std::vector<T>>();
    return *items_;
  }
  std::unique_ptr<std::vector<T>> items_;
};

}  // namespace tessera::directory
