// LatencyHistogram: bucket arithmetic and percentile walk.
#include "tools/load/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>

namespace tessera::tools {

namespace {
constexpr auto kHistogramOrder = std::memory_order_relaxed;

void store_max(std::atomic<uint64_t>& a, uint64_t v) {
  uint64_t cur = a.load(kHistogramOrder);
  while (v > cur && !a.compare_exchange_weak(cur, v, kHistogramOrder)) {
  }
}
void store_min(std::atomic<uint64_t>& a, uint64_t v) {
  uint64_t cur = a.load(kHistogramOrder);
  while (v < cur && !a.compare_exchange_weak(cur, v, kHistogramOrder)) {
  }
}
}  // namespace

LatencyHistogram& LatencyHistogram::operator=(const LatencyHistogram& other) {
  if (this != &other) {
    reset();
    merge_from(other);
  }
  return *this;
}

uint32_t LatencyHistogram::bucket_of(uint64_t v) {
  v = std::clamp(v, kValueMinUs, kValueMaxUs);
  if (v < kSubBuckets) return static_cast<uint32_t>(v);
  const uint32_t exponent = static_cast<uint32_t>(std::bit_width(v)) - 1;  // >= kSubBucketBits
  const uint32_t shift = exponent - kSubBucketBits;
  const uint32_t sub = static_cast<uint32_t>(v >> shift) - kSubBuckets;  // the 7 bits after the leading one
  const uint32_t bucket = kSubBuckets + shift * kSubBuckets + sub;
  assert(bucket < kBuckets);
  return bucket;
}

uint64_t LatencyHistogram::bucket_lowest_us(uint32_t bucket) {
  assert(bucket < kBuckets);
  if (bucket < kSubBuckets) return bucket;
  const uint32_t shift = (bucket - kSubBuckets) / kSubBuckets;
  const uint64_t sub = (bucket - kSubBuckets) % kSubBuckets;
  return (kSubBuckets + sub) << shift;
}

uint64_t LatencyHistogram::bucket_highest_us(uint32_t bucket) {
  if (bucket < kSubBuckets) return bucket;
  const uint32_t shift = (bucket - kSubBuckets) / kSubBuckets;
  return bucket_lowest_us(bucket) + (uint64_t{1} << shift) - 1;
}

void LatencyHistogram::record(uint64_t value_us) {
  const uint64_t v = std::clamp(value_us, kValueMinUs, kValueMaxUs);
  counts_[bucket_of(v)].fetch_add(1, kHistogramOrder);
  count_.fetch_add(1, kHistogramOrder);
  sum_us_.fetch_add(v, kHistogramOrder);
  store_max(max_us_, v);
  store_min(min_us_, v);
}

void LatencyHistogram::merge_from(const LatencyHistogram& other) {
  for (uint32_t b = 0; b < kBuckets; ++b) {
    const uint64_t n = other.counts_[b].load(kHistogramOrder);
    if (n) counts_[b].fetch_add(n, kHistogramOrder);
  }
  count_.fetch_add(other.count_.load(kHistogramOrder), kHistogramOrder);
  sum_us_.fetch_add(other.sum_us_.load(kHistogramOrder), kHistogramOrder);
  store_max(max_us_, other.max_us_.load(kHistogramOrder));
  store_min(min_us_, other.min_us_.load(kHistogramOrder));
}

void LatencyHistogram::reset() {
  for (auto& c : counts_) c.store(0, kHistogramOrder);
  count_.store(0, kHistogramOrder);
  sum_us_.store(0, kHistogramOrder);
  max_us_.store(0, kHistogramOrder);
  min_us_.store(UINT64_MAX, kHistogramOrder);
}

uint64_t LatencyHistogram::min_us() const {
  const uint64_t m = min_us_.load(kHistogramOrder);
  return m == UINT64_MAX ? 0 : m;
}

double LatencyHistogram::mean_us() const {
  const uint64_t n = count();
  return n ? static_cast<double>(sum_us_.load(kHistogramOrder)) / static_cast<double>(n) : 0.0;
}

uint64_t LatencyHistogram::percentile_us(double percentile) const {
  // Sum the buckets rather than trust count_: recorders update them apart.
  uint64_t total = 0;
  for (const auto& c : counts_) total += c.load(kHistogramOrder);
  if (total == 0) return 0;
  const double p = std::clamp(percentile, 0.0, 100.0);
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total))));
  uint64_t seen = 0;
  for (uint32_t b = 0; b < kBuckets; ++b) {
    seen += counts_[b].load(kHistogramOrder);
    if (seen >= rank) return std::min(bucket_highest_us(b), std::max<uint64_t>(max_us(), bucket_lowest_us(b)));
  }
  return max_us();
}

}  // namespace tessera::tools
