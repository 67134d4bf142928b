// Quotas: counters that a unit of stock consumes from.
//
// As in pretix, quotas overlap: one GA unit of a performance may count
// against the performance's capacity, the open sale (or a contingent) of
// its category and a per-channel cap all at once. What a new order can get
// is the minimum of `available()` over every quota that applies — computed
// from the counters at that moment, never cached. Counters live in one flat
// array indexed by QuotaIndex, so a hold touches a few cache lines.
// Invariant (checked by Shard::check_invariants): used <= capacity, and
// `used` equals a recount from the live orders.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <tuple>
#include <vector>

namespace tessera::engine {

using QuotaIndex = uint32_t;
inline constexpr QuotaIndex kNoQuota = 0xFFFF'FFFFu;

enum class QuotaKind : uint8_t { kPerformance, kOpenSale, kContingent, kChannelCap };

struct Quota {
  uint32_t capacity = 0;
  uint32_t used = 0;
  QuotaKind kind = QuotaKind::kOpenSale;
  uint32_t available() const { return capacity - used; }
  auto fields() const { return std::tie(capacity, used, kind); }
};

// The quotas one order line consumes from (at most kQuotasPerLineMax).
struct QuotaSet {
  static constexpr uint32_t kQuotasPerLineMax = 6;
  QuotaIndex ids[kQuotasPerLineMax];
  uint32_t count = 0;
  void add(QuotaIndex q) {
    assert(count < kQuotasPerLineMax);
    if (q != kNoQuota) ids[count++] = q;
  }
};

class QuotaTable {
 public:
  QuotaIndex add(QuotaKind kind, uint32_t capacity) {
    quotas_.push_back(Quota{capacity, 0, kind});
    return static_cast<QuotaIndex>(quotas_.size() - 1);
  }
  Quota& operator[](QuotaIndex q) { return quotas_[q]; }
  const Quota& operator[](QuotaIndex q) const { return quotas_[q]; }
  size_t size() const { return quotas_.size(); }
  const std::vector<Quota>& all() const { return quotas_; }

  // Minimum available over the set (UINT32_MAX for an empty set).
  uint32_t available(const QuotaSet& set) const {
    uint32_t a = UINT32_MAX;
    for (uint32_t i = 0; i < set.count; ++i) a = std::min(a, quotas_[set.ids[i]].available());
    return a;
  }
  // REQUIRES available(set) >= n.
  void consume(const QuotaSet& set, uint32_t n) {
    for (uint32_t i = 0; i < set.count; ++i) {
      Quota& q = quotas_[set.ids[i]];
      assert(q.available() >= n);
      q.used += n;
    }
  }
  // REQUIRES n units of the set were consumed.
  void give_back(const QuotaSet& set, uint32_t n) {
    for (uint32_t i = 0; i < set.count; ++i) {
      Quota& q = quotas_[set.ids[i]];
      assert(q.used >= n);
      q.used -= n;
    }
  }

 private:
  std::vector<Quota> quotas_;
};

}  // namespace tessera::engine
