// LatencyHistogram: a fixed-memory, log-bucketed latency histogram (the
// HdrHistogram idea) for the load generator and the CLI.
//
// Values are microseconds in [1 µs, 60 s]; smaller values count as 1 µs,
// larger ones as 60 s (the exact maximum is kept apart). Values below 128
// have a bucket each; above, every power of two is split into 128 equal
// sub-buckets, so a reported percentile (the highest value its bucket can
// hold, clamped to the recorded maximum) is at most 1/128 (0.8 %) above the
// true one and never below it. 2,560 buckets = 20 KiB, whatever is recorded.
//
// Thread-safety: record() may run on many threads at once (relaxed atomics);
// readers (percentile_us, count, merge_from) see a consistent enough view for
// progress lines while recording goes on, and an exact one once it stopped.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace tessera::tools {

class LatencyHistogram {
 public:
  static constexpr uint64_t kValueMinUs = 1;
  static constexpr uint64_t kValueMaxUs = 60'000'000;  // 60 s
  static constexpr uint32_t kSubBucketBits = 7;
  static constexpr uint32_t kSubBuckets = 1u << kSubBucketBits;  // 128
  // Highest bucket index + 1: values up to 2^26 µs (> 60 s).
  static constexpr uint32_t kBuckets = kSubBuckets + (26 - kSubBucketBits) * kSubBuckets;

  LatencyHistogram() = default;
  LatencyHistogram(const LatencyHistogram& other) { merge_from(other); }
  LatencyHistogram& operator=(const LatencyHistogram& other);

  void record(uint64_t value_us);
  // Adds every count of `other` (the two may be recorded into meanwhile).
  void merge_from(const LatencyHistogram& other);
  void reset();

  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  uint64_t max_us() const { return max_us_.load(std::memory_order_relaxed); }
  uint64_t min_us() const;
  double mean_us() const;
  // The value at `percentile` (0 < percentile <= 100): the smallest recorded
  // value v (to the bucket's precision) with at least percentile % of the
  // values <= v. 0 when empty.
  uint64_t percentile_us(double percentile) const;

  // Bucket arithmetic (exposed for tests).
  static uint32_t bucket_of(uint64_t value_us);
  static uint64_t bucket_lowest_us(uint32_t bucket);
  static uint64_t bucket_highest_us(uint32_t bucket);

 private:
  std::array<std::atomic<uint64_t>, kBuckets> counts_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_us_{0};
  std::atomic<uint64_t> max_us_{0};
  std::atomic<uint64_t> min_us_{UINT64_MAX};
};

}  // namespace tessera::tools
