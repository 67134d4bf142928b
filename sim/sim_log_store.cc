// SimLogStore: records, snapshots, faults, power loss and recovery.
#include "sim/sim_log_store.h"

#include <algorithm>

#include "base/strings.h"
#include "engine/codec.h"
#include "runtime/log_replay.h"

namespace tessera::sim {

std::string_view fault_name(Fault fault) {
  switch (fault) {
    case Fault::kNone:
      return "none";
    case Fault::kIoError:
      return "I/O error";
    case Fault::kShortWrite:
      return "short write";
    case Fault::kFsyncFails:
      return "fsync failure";
    case Fault::kDiskFull:
      return "disk full";
  }
  return "?";
}

Fault SimLogStore::take_fault() {
  if (next_fault_ == Fault::kDiskFull) disk_full_ = true;
  const Fault f = disk_full_ ? Fault::kDiskFull : next_fault_;
  next_fault_ = Fault::kNone;
  return f;
}

Status SimLogStore::append(uint32_t id, uint64_t first_seq, uint32_t count, std::string_view entries) {
  std::vector<runtime::LogPart> one{runtime::LogPart{id, first_seq, count, std::string(entries), {}}};
  return append_parts(&one);
}

// The parts are one write (RocksDB: one write batch, one record of its
// write-ahead log): a fault, a sync and a power loss treat them alike.
Status SimLogStore::append_parts(std::vector<runtime::LogPart>* parts) {
  if (dead_) return Status::internal("simulated process is dead");
  ++appends_;
  for (const runtime::LogPart& part : *parts) {
    if (!part.history.empty()) return Status::internal("the simulated log keeps no order history");
    const Partition& p = partition(part.shard);
    const uint64_t expected = p.records.empty() ? 0 : p.records.back().first_seq + p.records.back().count;
    if (expected != 0 && part.first_seq != expected)
      return Status::internal(
          cat("partition ", part.shard, " append at seq ", part.first_seq, " after seq ", expected - 1));
  }
  const std::string what = parts->size() == 1 ? cat("appending seq ", parts->front().first_seq)
                                              : cat("appending the records of ", parts->size(), " partitions");
  const Fault fault = take_fault();
  if (fault == Fault::kIoError || fault == Fault::kDiskFull) {
    ++failed_appends_;
    return Status::internal(cat("simulated ", fault_name(fault), " ", what));
  }
  const uint64_t written = ++writes_;
  for (runtime::LogPart& part : *parts) {
    Record r{part.first_seq, part.count, std::move(part.entries), written, sync_ && fault == Fault::kNone, false};
    if (fault == Fault::kShortWrite) {
      r.entries.resize(r.entries.size() / 2);
      r.torn = true;
    }
    partition(part.shard).records.push_back(std::move(r));
  }
  if (fault == Fault::kNone) return Status();
  ++failed_appends_;
  return Status::internal(cat("simulated ", fault_name(fault), " ", what));
}

Status SimLogStore::snapshot(uint32_t id, uint64_t next_seq, std::string_view state) {
  if (dead_) return Status::internal("simulated process is dead");
  const Fault fault = take_fault();
  if (fault != Fault::kNone) return Status::internal(cat("simulated ", fault_name(fault), " writing a snapshot"));
  partition(id).snapshots.push_back(Snapshot{next_seq, std::string(state), ++writes_, sync_});
  return Status();
}

void SimLogStore::writeback() {
  for (auto& [id, p] : partitions_) {
    for (Record& r : p.records)
      if (!r.torn) r.synced = true;
    for (Snapshot& s : p.snapshots) s.synced = true;
  }
}

void SimLogStore::power_loss(std::mt19937_64& rng) {
  dead_ = true;
  // Writes not synced, in write order: the disk got a prefix of them.
  std::vector<uint64_t> unsynced;
  for (const auto& [id, p] : partitions_) {
    for (const Record& r : p.records)
      if (!r.synced) unsynced.push_back(r.written);
    for (const Snapshot& s : p.snapshots)
      if (!s.synced) unsynced.push_back(s.written);
  }
  std::sort(unsynced.begin(), unsynced.end());
  const size_t kept = unsynced.empty() ? 0 : rng() % (unsynced.size() + 1);
  const uint64_t cut = kept < unsynced.size() ? unsynced[kept] : UINT64_MAX;  // the first write lost
  const bool torn = rng() % 2 == 0;                                           // ... or half there
  for (auto& [id, p] : partitions_) {
    auto lost = [cut](uint64_t written) { return written > cut; };
    const size_t before = p.records.size();
    for (Record& r : p.records) {
      if (r.written == cut && !r.synced && torn) {
        r.entries.resize(r.entries.size() / 2);
        r.torn = true;
      }
    }
    std::erase_if(p.records,
                  [&](const Record& r) { return !r.synced && (lost(r.written) || (r.written == cut && !torn)); });
    std::erase_if(p.snapshots, [&](const Snapshot& s) { return !s.synced && s.written >= cut; });
    lost_records_ += before - p.records.size();
  }
}

void SimLogStore::visit_written(const EntryVisitor& visit) const {
  for (const auto& [id, p] : partitions_) {
    for (const Record& r : p.records) {
      if (r.torn) continue;
      engine::Reader reader(r.entries, engine::kCodecVersion);
      runtime::LogEntry e;
      for (uint32_t i = 0; i < r.count && reader.get(e).is_ok(); ++i) visit(id, r.first_seq + i, e);
    }
  }
}

Result<SimRecovered<engine::Shard>> SimLogStore::recover_shard(uint32_t shard, const EntryVisitor& visit) {
  return recover(shard, std::make_unique<engine::Shard>(shard, shards_, 0), visit);
}

Result<SimRecovered<directory::ContactDirectory>> SimLogStore::recover_directory(const EntryVisitor& visit) {
  return recover(directory::kContactDirectoryPartition, std::make_unique<directory::ContactDirectory>(0), visit);
}

template <typename P>
Result<SimRecovered<P>> SimLogStore::recover(uint32_t id, std::unique_ptr<P> fresh, const EntryVisitor& visit) {
  SimRecovered<P> out;
  Partition& p = partition(id);
  if (!p.snapshots.empty()) {
    Result<std::unique_ptr<P>> loaded = P::load(p.snapshots.back().state);
    if (!loaded.is_ok()) return Status::internal(cat("partition ", id, " snapshot: ", loaded.status().message()));
    out.partition = std::move(loaded.value());
    out.next_seq = p.snapshots.back().next_seq;
    out.from_snapshot = true;
  } else {
    out.partition = std::move(fresh);
  }
  if constexpr (std::is_same_v<P, engine::Shard>) out.partition->require_known_contacts(true);  // as its runner will
  for (size_t i = 0; i < p.records.size(); ++i) {
    Record& r = p.records[i];
    if (r.torn) {
      if (i + 1 != p.records.size())
        return Status::internal(cat("partition ", id, ": torn record at seq ", r.first_seq, " is not the last one"));
      p.records.pop_back();  // never acknowledged; CommandLog deletes it too
      out.dropped_torn_tail = true;
      break;
    }
    if (r.first_seq + r.count <= out.next_seq) continue;  // covered by the snapshot
    if (r.first_seq > out.next_seq || (r.first_seq < out.next_seq && out.entries_replayed > 0))
      return Status::internal(cat("partition ", id, ": log gap: expected seq ", out.next_seq, ", found ", r.first_seq));
    // A record may begin before the snapshot (as CommandLog's may).
    const uint64_t replayed = r.first_seq + r.count - out.next_seq;
    Status s = runtime::replay_log_entries(id, r.first_seq, r.count, engine::kCodecVersion, r.entries, out.next_seq,
                                           *out.partition,
                                           [&](uint64_t seq, const runtime::LogEntry& e) { visit(id, seq, e); });
    if (!s.is_ok()) return s;
    out.next_seq += replayed;
    out.entries_replayed += replayed;
  }
  Status s = out.partition->check_invariants();
  if (!s.is_ok()) return Status::internal(cat("partition ", id, " after recovery: ", s.message()));
  for (Record& r : p.records) r.synced = true;  // RocksDB flushes what it recovered
  for (Snapshot& snap : p.snapshots) snap.synced = true;
  return out;
}

}  // namespace tessera::sim
