// Leadership: which partitions this node leads, decided in etcd
// (docs/cluster.md, step 3 of issue 25).
//
// The node holds one lease (TTL ttl_s, 2 s by default) and renews it every
// third of its TTL from a thread of its own. Partition k is led by whoever
// created the key "<prefix>/partitions/<k>/leader" (value: the node's name),
// created under its lease in one transaction (create_revision == 0): one
// creator per key, and the key disappears with the lease. The creation's
// revision is the leader's epoch: it changes with every new leader.
//
// Partitions are campaigned for in the order given, and a node stops at
// the first another node holds (it only reads who leads the rest): two
// nodes started at once for the same partitions never split them, the one
// that takes the first takes them all.
//
// Stopping at once: a node leads a partition only while its lease is
// certainly alive, that is until the time its last successful renewal was
// *sent* plus the TTL etcd answered. etcd cannot expire the lease before
// it received that renewal plus the same TTL, so a node cut off from etcd
// stops leading before anyone else can be given the key. leads() reads
// that deadline on every call: a runner asks it before it acknowledges.
//
// Fencing still comes from the log (JetStream's expected last sequence): a
// node paused past its deadline (a stop the world, a suspended VM) that
// wakes up and appends before reading leads() is refused there.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/etcd.h"

namespace tessera::cluster {

struct LeadershipOptions {
  std::string node;                  // this node's name, as others see it (e.g. its client address)
  std::string prefix = "/tessera";   // etcd key prefix of the cluster
  std::vector<uint32_t> partitions;  // the partitions this node may lead
  int64_t ttl_s = 2;                 // the lease's TTL
  int64_t campaign_ms = 100;         // how often a partition without this node as leader is tried
};

class Leadership {
 public:
  // Called on the leadership thread when this node starts or stops leading
  // a partition. leads() is what decides: it turns false at the lease's
  // deadline by itself, the call for a stop comes within campaign_ms after.
  using OnChange = std::function<void(uint32_t partition, bool leads, int64_t epoch)>;

  static Result<std::unique_ptr<Leadership>> start(Etcd& etcd, LeadershipOptions options, OnChange on_change = {});
  // Stops and revokes the lease: every partition it led can be taken at once.
  ~Leadership();
  Leadership(const Leadership&) = delete;
  Leadership& operator=(const Leadership&) = delete;

  // Whether this node leads the partition now (false for one it may not lead).
  bool leads(uint32_t partition) const;
  // The epoch of this node's leadership of the partition (0: not leading).
  int64_t epoch(uint32_t partition) const;
  // The leader last seen for the partition (this node's name when it
  // leads; empty: none known).
  std::string leader_of(uint32_t partition) const;
  // The key of a partition's leader.
  std::string leader_key(uint32_t partition) const;

  // Gives every partition up now (revokes the lease) and campaigns again
  // only after `pause_ms`.
  void resign(int64_t pause_ms);
  // Stops renewing without revoking, as a node that died would: the lease
  // runs out in etcd after its TTL. For tests and fail-over drills.
  void abandon();

 private:
  struct Slot {
    std::atomic<bool> led{false};
    std::atomic<int64_t> epoch{0};
    std::string leader;  // guarded by mutex_
  };

  Leadership(Etcd& etcd, LeadershipOptions options, OnChange on_change);
  void run();
  void renew(int64_t now_ns);
  void campaign();
  void drop_all(const char* why);
  size_t slot_of(uint32_t partition) const;
  static int64_t now_ns();

  Etcd& etcd_;
  const LeadershipOptions options_;
  const OnChange on_change_;
  std::vector<std::unique_ptr<Slot>> slots_;  // one per options_.partitions entry
  std::atomic<int64_t> deadline_ns_{0};       // steady clock: the lease is certainly alive until then
  int64_t lease_ = 0;                         // leadership thread only
  int64_t next_renewal_ns_ = 0;               // leadership thread only
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;        // guarded by mutex_
  bool abandoned_ = false;       // guarded by mutex_
  int64_t paused_until_ns_ = 0;  // guarded by mutex_
  uint64_t resign_asked_ = 0;    // guarded by mutex_
  uint64_t resign_done_ = 0;     // guarded by mutex_
  std::thread thread_;
};

}  // namespace tessera::cluster
