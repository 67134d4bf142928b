// CatalogBarrier: every shard prepares, then all apply or none; every shard
// logs it in one write.
#include "runtime/catalog_broadcast.h"

#include <algorithm>
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

engine::Reply CatalogBarrier::arrive_and_wait(engine::Reply prepared, bool logs) {
  arrive(std::move(prepared));
  for (uint32_t seen = arrived_.load(std::memory_order_acquire); seen < parts_;
       seen = arrived_.load(std::memory_order_acquire))
    arrived_.wait(seen, std::memory_order_acquire);
  return take_outcome(logs);
}

engine::Reply CatalogBarrier::take_outcome(bool logs) {
  assert(arrived_all());
  engine::Reply outcome;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    outcome = first_refusal_;
  }
  if (!outcome.ok() || !logs) release();
  return outcome;
}

void CatalogBarrier::arrive_absent(engine::Reply refusal) {
  assert(!refusal.ok());
  arrive(std::move(refusal));
  release();
}

void CatalogBarrier::withdraw(engine::Reply refusal) {
  assert(!refusal.ok() && !arrived_all());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (first_refusal_.ok()) first_refusal_ = std::move(refusal);
  }
  release();
}

void CatalogBarrier::arrive_logged(std::optional<LogPart> part, LogSink& sink) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (part) {
      log_parts_.push_back(std::move(*part));
    } else {
      log_absent_ = true;
    }
    assert(log_arrivals_ < parts_);
    if (++log_arrivals_ < parts_) return;
  }
  // The last part: no other thread touches the parts until logged_ is set.
  Status s;
  if (log_absent_) {
    s = Status::unavailable("a catalog command was not logged: another shard's log had failed");
  } else {
    std::sort(log_parts_.begin(), log_parts_.end(),
              [](const LogPart& a, const LogPart& b) { return a.shard < b.shard; });
    s = sink.append_parts(&log_parts_);
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    logged_status_ = std::move(s);
    log_parts_.clear();
  }
  logged_.store(true, std::memory_order_release);
  logged_.notify_all();
}

Status CatalogBarrier::take_logged() {
  assert(logged_all());
  Status s;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    s = logged_status_;
  }
  release();
  return s;
}

Status CatalogBarrier::wait_logged() {
  while (!logged_.load(std::memory_order_acquire)) logged_.wait(false, std::memory_order_acquire);
  return take_logged();
}

void CatalogBarrier::release() {
  if (references_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

}  // namespace tessera::runtime
