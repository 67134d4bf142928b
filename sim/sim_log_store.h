// SimLogStore: the simulator's command log — in memory, deterministic, and
// failing when its seed says so.
//
// It keeps what storage::CommandLog keeps (each partition's records and its
// latest snapshot; records are never dropped) and what a disk would do to
// them: every record and snapshot is first written (a process crash keeps
// it: the page cache survives kill -9; the parts of an append_parts() are
// one write, as RocksDB's write batch is) and only later synced (`sync`
// durability syncs each append before it returns; `async` leaves that to
// writeback(), the simulator's stand-in for the kernel's writeback). A power
// loss keeps, per partition, the synced records plus a random prefix of the
// unsynced ones in the order they were written (RocksDB's one write-ahead
// log for every partition), the next one possibly torn (recovery drops a
// torn last record, as CommandLog does). A recovery makes what it replayed
// durable (RocksDB flushes the log it recovered at open).
//
// Faults, decided by the caller (the simulator draws them from its seed)
// for the next append or snapshot: an I/O error (nothing written), a short
// write (a torn record written, the append fails), an fsync failure (the
// record written, not synced, the append fails) and a full disk (every
// write fails until free_space()).
//
// recover_*() rebuild a partition as storage::CommandLog::recover does:
// the latest snapshot, then every record after it through the engine's own
// replay (runtime/log_replay.h), refusing a gap or a corrupt record before
// the tail, then check_invariants().
// Thread-safety: none (the simulator is one thread).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "directory/contact_directory.h"
#include "engine/ids.h"
#include "engine/shard.h"
#include "runtime/log_entry.h"
#include "runtime/log_sink.h"

namespace tessera::sim {

enum class Fault : uint8_t { kNone, kIoError, kShortWrite, kFsyncFails, kDiskFull };
std::string_view fault_name(Fault fault);

template <typename P>
struct SimRecovered {
  std::unique_ptr<P> partition;
  uint64_t next_seq = 1;
  uint64_t entries_replayed = 0;
  bool from_snapshot = false;
  bool dropped_torn_tail = false;
};

class SimLogStore final : public runtime::LogSink {
 public:
  // Sees each entry a recovery replays (partition, seq, entry).
  using EntryVisitor = std::function<void(uint32_t, uint64_t, const runtime::LogEntry&)>;

  SimLogStore(uint32_t shards, bool sync) : shards_(shards), sync_(sync) {}

  Status append(uint32_t partition, uint64_t first_seq, uint32_t count, std::string_view entries) override;
  Status append_parts(std::vector<runtime::LogPart>* parts) override;
  Status snapshot(uint32_t partition, uint64_t next_seq, std::string_view state) override;
  bool syncs() const override { return sync_; }

  // The next append or snapshot fails this way (kDiskFull: every one until free_space()).
  void inject(Fault fault) { next_fault_ = fault; }
  void free_space() { disk_full_ = false; }
  bool disk_full() const { return disk_full_; }
  // The process died: nothing more reaches the disk until reopen().
  void crash() { dead_ = true; }
  // Power lost: as crash(), and what was not synced is lost but for a
  // random prefix of it (`rng` decides how much, and whether the next
  // record is torn).
  void power_loss(std::mt19937_64& rng);
  // The kernel's writeback: every record and snapshot written is synced.
  void writeback();
  // A new process opens the store.
  void reopen() { dead_ = false; }

  Result<SimRecovered<engine::Shard>> recover_shard(uint32_t shard, const EntryVisitor& visit);
  Result<SimRecovered<directory::ContactDirectory>> recover_directory(const EntryVisitor& visit);

  // Every entry written (synced or not) of every partition, in order:
  // what a recovery after a process crash replays.
  void visit_written(const EntryVisitor& visit) const;

  uint64_t appends() const { return appends_; }
  uint64_t failed_appends() const { return failed_appends_; }
  uint64_t lost_at_power_loss() const { return lost_records_; }

 private:
  struct Record {
    uint64_t first_seq = 0;
    uint32_t count = 0;
    std::string entries;
    uint64_t written = 0;  // order of writes across partitions
    bool synced = false;
    bool torn = false;  // a short write: fails its checksum at recovery
  };
  struct Snapshot {
    uint64_t next_seq = 0;
    std::string state;
    uint64_t written = 0;
    bool synced = false;
  };
  struct Partition {
    std::vector<Record> records;
    std::vector<Snapshot> snapshots;  // latest last
  };
  Partition& partition(uint32_t id) { return partitions_[id]; }
  // The fault for this write, consumed (a full disk stays).
  Fault take_fault();
  template <typename P>
  Result<SimRecovered<P>> recover(uint32_t id, std::unique_ptr<P> fresh, const EntryVisitor& visit);

  const uint32_t shards_;
  const bool sync_;
  std::map<uint32_t, Partition> partitions_;
  Fault next_fault_ = Fault::kNone;
  bool disk_full_ = false;
  bool dead_ = false;
  uint64_t writes_ = 0;
  uint64_t appends_ = 0, failed_appends_ = 0, lost_records_ = 0;
};

}  // namespace tessera::sim
