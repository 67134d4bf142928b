// Leadership: one lease per node, one key per partition (leadership.h).
#include "cluster/leadership.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "base/strings.h"

namespace tessera::cluster {

namespace {
constexpr int64_t kNsPerMs = 1'000'000;
constexpr int64_t kNsPerS = 1'000'000'000;
// A renewal that failed is tried again this soon.
constexpr int64_t kRetryNs = 100 * kNsPerMs;
}  // namespace

Result<std::unique_ptr<Leadership>> Leadership::start(Etcd& etcd, LeadershipOptions options, OnChange on_change) {
  if (options.node.empty()) return Status::invalid_argument("leadership: the node needs a name");
  if (options.partitions.empty()) return Status::invalid_argument("leadership: no partition to lead");
  if (options.ttl_s <= 0) return Status::invalid_argument("leadership: the lease's TTL must be positive");
  if (options.campaign_ms <= 0) return Status::invalid_argument("leadership: campaign_ms must be positive");
  std::vector<uint32_t> sorted = options.partitions;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    return Status::invalid_argument("leadership: a partition is listed twice");
  std::unique_ptr<Leadership> out(new Leadership(etcd, std::move(options), std::move(on_change)));
  out->thread_ = std::thread([l = out.get()] { l->run(); });
  return out;
}

Leadership::Leadership(Etcd& etcd, LeadershipOptions options, OnChange on_change)
    : etcd_(etcd), options_(std::move(options)), on_change_(std::move(on_change)) {
  for (size_t i = 0; i < options_.partitions.size(); ++i) slots_.push_back(std::make_unique<Slot>());
}

Leadership::~Leadership() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

int64_t Leadership::now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

size_t Leadership::slot_of(uint32_t partition) const {
  const auto it = std::find(options_.partitions.begin(), options_.partitions.end(), partition);
  return static_cast<size_t>(it - options_.partitions.begin());
}

std::string Leadership::leader_key(uint32_t partition) const {
  return cat(options_.prefix, "/partitions/", partition, "/leader");
}

bool Leadership::leads(uint32_t partition) const {
  const size_t i = slot_of(partition);
  if (i == slots_.size()) return false;
  return slots_[i]->led.load(std::memory_order_acquire) && now_ns() < deadline_ns_.load(std::memory_order_acquire);
}

int64_t Leadership::epoch(uint32_t partition) const {
  return leads(partition) ? slots_[slot_of(partition)]->epoch.load(std::memory_order_acquire) : 0;
}

std::string Leadership::leader_of(uint32_t partition) const {
  const size_t i = slot_of(partition);
  if (i == slots_.size()) return {};
  std::lock_guard lock(mutex_);
  return slots_[i]->leader;
}

void Leadership::resign(int64_t pause_ms) {
  std::unique_lock lock(mutex_);
  paused_until_ns_ = now_ns() + pause_ms * kNsPerMs;
  const uint64_t asked = ++resign_asked_;
  wake_.notify_all();
  wake_.wait(lock, [&] { return resign_done_ >= asked || stopping_ || abandoned_; });
}

void Leadership::abandon() {
  {
    std::lock_guard lock(mutex_);
    abandoned_ = true;
  }
  wake_.notify_all();
}

void Leadership::drop_all(const char* why) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = *slots_[i];
    if (!slot.led.exchange(false, std::memory_order_acq_rel)) continue;
    const int64_t epoch = slot.epoch.exchange(0, std::memory_order_acq_rel);
    {
      std::lock_guard lock(mutex_);
      slot.leader.clear();
    }
    std::fprintf(stderr, "tessera: no longer leads partition %u (%s)\n", options_.partitions[i], why);
    if (on_change_) on_change_(options_.partitions[i], false, epoch);
  }
}

void Leadership::renew(int64_t sent_ns) {
  Result<int64_t> ttl = etcd_.keep_alive(lease_);
  if (!ttl.is_ok()) {  // etcd unreachable: leads() turns false by itself at the deadline
    next_renewal_ns_ = now_ns() + kRetryNs;
    return;
  }
  if (*ttl <= 0) {  // etcd no longer has the lease: our keys are gone
    drop_all("its lease expired in etcd");
    lease_ = 0;
    return;
  }
  deadline_ns_.store(sent_ns + *ttl * kNsPerS, std::memory_order_release);
  next_renewal_ns_ = sent_ns + options_.ttl_s * kNsPerS / 3;
}

void Leadership::campaign() {
  bool refused = false;
  std::optional<std::vector<KeyValue>> leaders;  // every leader key, read once a partition was refused
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = *slots_[i];
    if (slot.led.load(std::memory_order_acquire)) continue;
    const uint32_t partition = options_.partitions[i];
    if (refused) {  // only who leads it, for leader_of(): one range read for them all
      if (!leaders.has_value()) {
        Result<std::vector<KeyValue>> listed = etcd_.list(cat(options_.prefix, "/partitions/"));
        if (!listed.is_ok()) return;
        leaders = std::move(*listed);
      }
      const std::string key = leader_key(partition);
      const auto held =
          std::find_if(leaders->begin(), leaders->end(), [&](const KeyValue& kv) { return kv.key == key; });
      std::lock_guard lock(mutex_);
      slot.leader = held != leaders->end() ? held->value : std::string();
      continue;
    }
    Result<Created> taken = etcd_.create(leader_key(partition), options_.node, lease_);
    if (!taken.is_ok()) return;  // etcd unreachable: the next round tries again
    // Ours when created now, or when created under this lease before (a
    // renewal that came late after leads() had turned false).
    const bool ours = taken->created || (taken->kv.lease == lease_ && taken->kv.value == options_.node);
    {
      std::lock_guard lock(mutex_);
      slot.leader = taken->kv.value;
    }
    if (!ours) {
      refused = true;
      continue;
    }
    if (now_ns() >= deadline_ns_.load(std::memory_order_acquire)) return;
    slot.epoch.store(taken->kv.create_revision, std::memory_order_release);
    slot.led.store(true, std::memory_order_release);
    std::fprintf(stderr, "tessera: leads partition %u (epoch %lld)\n", partition,
                 static_cast<long long>(taken->kv.create_revision));
    if (on_change_) on_change_(partition, true, taken->kv.create_revision);
  }
}

void Leadership::run() {
  for (;;) {
    bool abandoned = false;
    bool resign = false;
    int64_t paused_until = 0;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.campaign_ms),
                     [&] { return stopping_ || resign_asked_ > resign_done_; });
      if (stopping_) break;
      abandoned = abandoned_;
      resign = resign_asked_ > resign_done_;
      paused_until = paused_until_ns_;
    }
    if (resign) {
      drop_all("it resigned");
      if (lease_ != 0) (void)etcd_.revoke(lease_);  // unreachable etcd: the lease runs out by itself
      lease_ = 0;
      deadline_ns_.store(0, std::memory_order_release);
      {
        std::lock_guard lock(mutex_);
        resign_done_ = resign_asked_;
      }
      wake_.notify_all();
      continue;
    }
    const int64_t now = now_ns();
    if (now >= deadline_ns_.load(std::memory_order_acquire)) drop_all("its lease may have expired");
    if (abandoned || now < paused_until) continue;
    if (lease_ == 0) {
      Result<int64_t> lease = etcd_.grant(options_.ttl_s);
      if (!lease.is_ok()) continue;
      lease_ = *lease;
      deadline_ns_.store(now + options_.ttl_s * kNsPerS, std::memory_order_release);
      next_renewal_ns_ = now + options_.ttl_s * kNsPerS / 3;
    } else if (now >= next_renewal_ns_) {
      renew(now);
      if (lease_ == 0) continue;
    }
    if (now_ns() < deadline_ns_.load(std::memory_order_acquire)) campaign();
  }
  drop_all("the node stops");
  bool abandoned = false;
  {
    std::lock_guard lock(mutex_);
    abandoned = abandoned_;
  }
  if (!abandoned && lease_ != 0) (void)etcd_.revoke(lease_);
}

}  // namespace tessera::cluster
