// OrderLines: the lines of one order, the first one inline.
//
// Nearly every order has one line (a cart of one category and tariff). As a
// std::vector that line was a 48-byte heap block beside the order (24 bytes
// of vector in it): 192 bytes and a second cache line per one-line order.
// Here one line lives inside the order (40 bytes in all, 4-aligned); a
// second line moves them all to the heap, contiguous as in a vector, and the
// block is kept when the lines are cleared (an order slot reuses it).
//
// The interface is the part of std::vector the engine uses, so the codec and
// the hasher see a container (u32 count + elements): snapshots and state
// hashes are byte for byte those of the vector.
// Thread-safety: none (a plain value).
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <tuple>
#include <type_traits>

#include "engine/ids.h"

namespace tessera::engine {

struct OrderLine {
  PerformanceId performance;
  uint32_t performance_index;
  CategoryId category;
  TariffId tariff;
  ContingentId contingent;    // kNone = open sale
  uint32_t contingent_index;  // valid iff contingent != kNone
  uint32_t quantity;
  uint32_t unit_price_cents;
  uint32_t seat = kNoSeat;  // seated items come with seat maps
  auto fields() const { return std::tie(performance, category, tariff, contingent, quantity, unit_price_cents, seat); }
};

class OrderLines {
 public:
  using value_type = OrderLine;
  using iterator = OrderLine*;
  using const_iterator = const OrderLine*;

  OrderLines() { new (storage_) OrderLine{}; }
  ~OrderLines() { free_heap(); }
  OrderLines(const OrderLines& other) : OrderLines() { assign(other.begin(), other.end()); }
  OrderLines& operator=(const OrderLines& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  OrderLines(OrderLines&& other) noexcept { take(other); }
  OrderLines& operator=(OrderLines&& other) noexcept {
    if (this != &other) {
      free_heap();
      take(other);
    }
    return *this;
  }
  friend void swap(OrderLines& a, OrderLines& b) noexcept {
    OrderLines t(std::move(a));
    a = std::move(b);
    b = std::move(t);
  }

  OrderLine* data() { return on_heap() ? heap() : std::launder(reinterpret_cast<OrderLine*>(storage_)); }
  const OrderLine* data() const { return const_cast<OrderLines*>(this)->data(); }
  iterator begin() { return data(); }
  iterator end() { return data() + size_; }
  const_iterator begin() const { return data(); }
  const_iterator end() const { return data() + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  OrderLine& operator[](size_t i) {
    assert(i < size_);
    return data()[i];
  }
  const OrderLine& operator[](size_t i) const {
    assert(i < size_);
    return data()[i];
  }
  OrderLine& front() { return (*this)[0]; }
  const OrderLine& front() const { return (*this)[0]; }
  OrderLine& back() { return (*this)[size_ - 1]; }
  const OrderLine& back() const { return (*this)[size_ - 1]; }

  void clear() { size_ = 0; }  // keeps the capacity
  void reserve(size_t n) {
    if (n > capacity_) grow(n);
  }
  void resize(size_t n) {
    reserve(n);
    for (size_t i = size_; i < n; ++i) data()[i] = OrderLine{};
    size_ = static_cast<uint16_t>(n);
  }
  void push_back(const OrderLine& line) {
    if (size_ == capacity_) grow(size_t{capacity_} * 2);
    data()[size_++] = line;
  }
  // Appends [first, last); only at the end (pos == end()).
  template <typename It>
  void insert(const_iterator pos, It first, It last) {
    assert(pos == end());
    (void)pos;
    const size_t n = static_cast<size_t>(std::distance(first, last));
    reserve(size_ + n);
    std::copy(first, last, data() + size_);
    size_ = static_cast<uint16_t>(size_ + n);
  }
  template <typename It>
  void assign(It first, It last) {
    clear();
    insert(end(), first, last);
  }

  // Removes the lines `pred` names, keeping the others' order (std::erase_if).
  template <typename Pred>
  friend size_t erase_if(OrderLines& lines, Pred pred) {
    OrderLine* kept = std::remove_if(lines.begin(), lines.end(), pred);
    const size_t removed = static_cast<size_t>(lines.end() - kept);
    lines.size_ = static_cast<uint16_t>(kept - lines.begin());
    return removed;
  }

  friend bool operator==(const OrderLines& a, const OrderLines& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const OrderLine& x, const OrderLine& y) { return x.fields() == y.fields(); });
  }

 private:
  static_assert(std::is_trivially_copyable_v<OrderLine> && std::is_trivially_destructible_v<OrderLine>);
  static_assert(sizeof(OrderLine) >= sizeof(OrderLine*) && alignof(OrderLine) == 4);

  bool on_heap() const { return capacity_ > 1; }
  OrderLine* heap() const {
    OrderLine* p;
    std::memcpy(&p, storage_, sizeof p);
    return p;
  }
  void set_heap(OrderLine* p) { std::memcpy(storage_, &p, sizeof p); }
  void grow(size_t n) {
    n = std::max<size_t>(n, 2);
    assert(n <= UINT16_MAX);
    OrderLine* fresh = std::allocator<OrderLine>().allocate(n);
    std::uninitialized_copy(begin(), end(), fresh);
    free_heap();
    set_heap(fresh);
    capacity_ = static_cast<uint16_t>(n);
  }
  void free_heap() {
    if (on_heap()) std::allocator<OrderLine>().deallocate(heap(), capacity_);
  }
  // Takes other's lines (its heap block, or a copy of its inline line) and
  // leaves it empty and inline.
  void take(OrderLines& other) {
    std::memcpy(storage_, other.storage_, sizeof storage_);
    size_ = other.size_;
    capacity_ = other.capacity_;
    if (on_heap()) {
      new (other.storage_) OrderLine{};
      other.capacity_ = 1;
    } else {
      new (storage_) OrderLine(*std::launder(reinterpret_cast<OrderLine*>(other.storage_)));
    }
    other.size_ = 0;
  }

  // The inline line (capacity 1), or the heap block's address (capacity > 1).
  alignas(OrderLine) unsigned char storage_[sizeof(OrderLine)];
  uint16_t size_ = 0;
  uint16_t capacity_ = 1;
};

static_assert(sizeof(OrderLines) == sizeof(OrderLine) + 4);

}  // namespace tessera::engine
