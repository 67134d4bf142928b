// BoundedQueue: a fixed-capacity multi-producer queue (Dmitry Vyukov's
// bounded MPMC array queue), used as each shard's inbox.
//
// Each cell carries a sequence number that tells producers and the consumer
// whose turn it is, so push and pop are one CAS on the hot path and never
// block. Full is an answer (try_push returns false: the caller replies
// "busy"), never unbounded growth.
// Thread-safety: any number of producers and consumers concurrently.
#pragma once

#include <atomic>
#include <cassert>
#include <cstddef>
#include <memory>
#include <new>
#include <optional>

namespace tessera::runtime {

template <typename T>
class BoundedQueue {
 public:
  // REQUIRES capacity is a power of two >= 2.
  explicit BoundedQueue(size_t capacity) : mask_(capacity - 1), cells_(new Cell[capacity]) {
    assert(capacity >= 2 && (capacity & (capacity - 1)) == 0);
    for (size_t i = 0; i < capacity; ++i) cells_[i].sequence.store(i, std::memory_order_relaxed);
  }
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Returns false (and leaves value untouched) iff the queue is full.
  bool try_push(T& value) {
    size_t pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      const size_t seq = cell.sequence.load(std::memory_order_acquire);
      const intptr_t diff = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos);
      if (diff == 0) {
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          cell.value.emplace(std::move(value));
          cell.sequence.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (diff < 0) {
        return false;
      } else {
        pos = tail_.load(std::memory_order_relaxed);
      }
    }
  }

  // Returns false iff the queue is empty.
  bool try_pop(T& out) {
    size_t pos = head_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      const size_t seq = cell.sequence.load(std::memory_order_acquire);
      const intptr_t diff = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos + 1);
      if (diff == 0) {
        if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          out = std::move(*cell.value);
          cell.value.reset();
          cell.sequence.store(pos + mask_ + 1, std::memory_order_release);
          return true;
        }
      } else if (diff < 0) {
        return false;
      } else {
        pos = head_.load(std::memory_order_relaxed);
      }
    }
  }

  // Approximate (exact when no push/pop is in flight).
  size_t size_approx() const {
    const size_t tail = tail_.load(std::memory_order_seq_cst);
    const size_t head = head_.load(std::memory_order_seq_cst);
    return tail >= head ? tail - head : 0;
  }
  size_t capacity() const { return mask_ + 1; }

 private:
  struct Cell {
    std::atomic<size_t> sequence;
    std::optional<T> value;
  };
  static constexpr size_t kLine = 64;
  const size_t mask_;
  std::unique_ptr<Cell[]> cells_;
  alignas(kLine) std::atomic<size_t> tail_{0};
  alignas(kLine) std::atomic<size_t> head_{0};
};

}  // namespace tessera::runtime
