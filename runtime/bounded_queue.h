// BoundedQueue: a fixed-capacity multi-producer queue (Dmitry Vyukov's
// bounded MPMC array queue), used as each shard's inbox.
//
// Each cell carries a sequence number that tells producers and the consumer
// whose turn it is, so push and pop are one CAS on the hot path and never
// block. Full is an answer (try_push returns false: the caller replies
// "busy"), never unbounded growth.
//
// The cells are mapped, not allocated and filled: a cell stores its sequence
// minus its index, so the kernel's zero pages are the empty queue and a page
// is touched only when the queue first reaches it. An inbox is sized for a
// rush (65,536 commands of about 600 bytes: 42 MB per shard). (Filling the
// cells up front cost every server start, and every test that starts one,
// 42 MB of page faults per partition: 6 s under ThreadSanitizer.) The
// positions only grow, so even a queue that is never deep walks through
// every cell once; the mapping asks for transparent huge pages, so that
// first walk takes about 21 page faults instead of 10,000 (each one stalled
// the producer: at 100 k commands/s they were the p99 of the first seconds,
// bench/README.md "The request path"). Without huge pages, nothing changes.
// Thread-safety: any number of producers and consumers concurrently.
#pragma once

#include <sys/mman.h>

#include <atomic>
#include <cassert>
#include <cstddef>
#include <memory>
#include <new>

namespace tessera::runtime {

template <typename T>
class BoundedQueue {
 public:
  // REQUIRES capacity is a power of two >= 2.
  explicit BoundedQueue(size_t capacity) : mask_(capacity - 1), bytes_(capacity * sizeof(Cell)) {
    assert(capacity >= 2 && (capacity & (capacity - 1)) == 0);
    void* cells = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (cells == MAP_FAILED) throw std::bad_alloc();
    madvise(cells, bytes_, MADV_HUGEPAGE);  // advice only: refused where unavailable, and that is fine
    cells_ = static_cast<Cell*>(cells);     // zero-filled: every cell's turn is its own index (empty)
  }
  ~BoundedQueue() {
    T dropped;
    while (try_pop(dropped)) {
    }
    munmap(cells_, bytes_);
  }
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Returns false (and leaves value untouched) iff the queue is full.
  bool try_push(T& value) {
    size_t pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      const size_t seq = sequence(cell, pos, std::memory_order_acquire);
      const intptr_t diff = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos);
      if (diff == 0) {
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          ::new (static_cast<void*>(cell.storage)) T(std::move(value));
          set_sequence(cell, pos, pos + 1);
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
      const size_t seq = sequence(cell, pos, std::memory_order_acquire);
      const intptr_t diff = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos + 1);
      if (diff == 0) {
        if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          T* value = cell.value();
          out = std::move(*value);
          std::destroy_at(value);
          set_sequence(cell, pos, pos + mask_ + 1);
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
  // How many pushes have begun, and pops: an item pushed when pushed() was
  // p is popped once popped() > p.
  size_t pushed() const { return tail_.load(std::memory_order_acquire); }
  size_t popped() const { return head_.load(std::memory_order_acquire); }

 private:
  // Plain bytes (an implicit-lifetime type, so the mapping holds cells);
  // `turn` is only ever accessed through std::atomic_ref.
  struct Cell {
    size_t turn;  // the cell's sequence number minus its index
    alignas(T) std::byte storage[sizeof(T)];
    T* value() { return std::launder(reinterpret_cast<T*>(storage)); }
  };
  // pos: any position that maps to this cell.
  size_t sequence(Cell& cell, size_t pos, std::memory_order order) const {
    return std::atomic_ref<size_t>(cell.turn).load(order) + (pos & mask_);
  }
  void set_sequence(Cell& cell, size_t pos, size_t seq) const {
    std::atomic_ref<size_t>(cell.turn).store(seq - (pos & mask_), std::memory_order_release);
  }

  static constexpr size_t kLine = 64;
  const size_t mask_;
  const size_t bytes_;
  Cell* cells_ = nullptr;
  alignas(kLine) std::atomic<size_t> tail_{0};
  alignas(kLine) std::atomic<size_t> head_{0};
};

}  // namespace tessera::runtime
