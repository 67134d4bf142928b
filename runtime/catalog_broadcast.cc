// CatalogBarrier: every shard prepares, then all apply or none.
#include "runtime/catalog_broadcast.h"

#include <cassert>

namespace tessera::runtime {

void CatalogBarrier::arrive(engine::Reply&& prepared) {
  if (!prepared.ok()) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (first_refusal_.ok()) first_refusal_ = std::move(prepared);
  }
  const uint32_t arrived = arrived_.fetch_add(1, std::memory_order_acq_rel) + 1;
  assert(arrived <= parts_);
  if (arrived == parts_) arrived_.notify_all();
}

engine::Reply CatalogBarrier::arrive_and_wait(engine::Reply prepared) {
  arrive(std::move(prepared));
  for (uint32_t seen = arrived_.load(std::memory_order_acquire); seen < parts_;
       seen = arrived_.load(std::memory_order_acquire))
    arrived_.wait(seen, std::memory_order_acquire);
  return take_outcome();
}

engine::Reply CatalogBarrier::take_outcome() {
  assert(arrived_all());
  engine::Reply outcome;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    outcome = first_refusal_;
  }
  release();
  return outcome;
}

void CatalogBarrier::arrive_absent(engine::Reply refusal) {
  assert(!refusal.ok());
  arrive(std::move(refusal));
  release();
}

void CatalogBarrier::release() {
  if (references_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

}  // namespace tessera::runtime
