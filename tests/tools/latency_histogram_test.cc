// LatencyHistogram against a sorted reference: every percentile within the
// promised relative error (and never below the true value), on random
// distributions of several shapes; bucket arithmetic; merge.
#include "tools/load/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace tessera::tools {
namespace {

uint64_t reference_percentile(const std::vector<uint64_t>& sorted, double p) {
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(p / 100.0 * sorted.size())));
  return sorted[rank - 1];
}

void expect_close_to_reference(const LatencyHistogram& h, std::vector<uint64_t> values, uint64_t seed) {
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    const uint64_t want = reference_percentile(values, p);
    const uint64_t got = h.percentile_us(p);
    EXPECT_GE(got, want) << "p" << p << " seed " << seed;
    EXPECT_LE(static_cast<double>(got - want), 0.01 * static_cast<double>(want)) << "p" << p << " seed " << seed;
  }
  EXPECT_EQ(h.count(), values.size());
  EXPECT_EQ(h.max_us(), values.back());
  EXPECT_EQ(h.min_us(), values.front());
}

TEST(LatencyHistogram, PercentilesMatchSortedReferenceWithinOnePercent) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<uint64_t> values;
    LatencyHistogram h;
    // Log-uniform over 1 µs .. 60 s, plus a dense cluster and a tail.
    std::uniform_real_distribution<double> exponent(0.0, std::log(60e6));
    std::lognormal_distribution<double> cluster(std::log(800.0), 0.3);
    for (int i = 0; i < 200'000; ++i) {
      uint64_t v = 0;
      switch (i % 3) {
        case 0:
          v = static_cast<uint64_t>(std::exp(exponent(rng)));
          break;
        case 1:
          v = static_cast<uint64_t>(cluster(rng));
          break;
        default:
          v = 1 + rng() % 200;
          break;
      }
      v = std::clamp<uint64_t>(v, 1, LatencyHistogram::kValueMaxUs);
      values.push_back(v);
      h.record(v);
    }
    expect_close_to_reference(h, values, seed);
  }
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.percentile_us(50), 50u);
  EXPECT_EQ(h.percentile_us(99), 99u);
  EXPECT_EQ(h.percentile_us(100), 100u);
}

TEST(LatencyHistogram, BucketsCoverTheRangeContiguously) {
  const uint32_t last = LatencyHistogram::bucket_of(LatencyHistogram::kValueMaxUs);  // values are clamped to 60 s
  for (uint32_t b = 1; b < last; ++b) {
    ASSERT_EQ(LatencyHistogram::bucket_highest_us(b) + 1, LatencyHistogram::bucket_lowest_us(b + 1)) << b;
    const uint64_t low = LatencyHistogram::bucket_lowest_us(b);
    const uint64_t high = LatencyHistogram::bucket_highest_us(b);
    ASSERT_EQ(LatencyHistogram::bucket_of(low), b);
    ASSERT_EQ(LatencyHistogram::bucket_of(high), b);
    ASSERT_LE(static_cast<double>(high - low), 0.01 * static_cast<double>(low)) << b;
  }
  EXPECT_LT(LatencyHistogram::bucket_of(LatencyHistogram::kValueMaxUs), LatencyHistogram::kBuckets);
}

TEST(LatencyHistogram, OutOfRangeValuesAreClamped) {
  LatencyHistogram h;
  h.record(0);
  h.record(LatencyHistogram::kValueMaxUs * 10);
  EXPECT_EQ(h.min_us(), 1u);
  EXPECT_EQ(h.max_us(), LatencyHistogram::kValueMaxUs);
  EXPECT_EQ(h.percentile_us(100), LatencyHistogram::kValueMaxUs);
}

TEST(LatencyHistogram, EmptyHistogramReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.percentile_us(99), 0u);
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min_us(), 0u);
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(42);
  LatencyHistogram a, b, all;
  std::vector<uint64_t> values;
  for (int i = 0; i < 50'000; ++i) {
    const uint64_t v = 1 + rng() % 5'000'000;
    values.push_back(v);
    (i % 2 ? a : b).record(v);
    all.record(v);
  }
  LatencyHistogram merged(a);
  merged.merge_from(b);
  for (double p : {50.0, 99.0, 99.9}) EXPECT_EQ(merged.percentile_us(p), all.percentile_us(p));
  expect_close_to_reference(merged, values, 42);
}

}  // namespace
}  // namespace tessera::tools
