// CommandLog: RocksDB layout, group-committed appends, snapshots, recovery.
#include "storage/command_log.h"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>

#include "base/check.h"
#include "base/strings.h"
#include "engine/codec.h"
#include "runtime/log_entry.h"
#include "runtime/log_replay.h"
#include "storage/crc32c.h"
#include "storage/history_store.h"
#include "storage/keys.h"

namespace tessera::storage {

using engine::cat;

namespace {

// RocksDB's own warnings and errors, on stderr rather than in a LOG file in
// the data directory: a full disk fails that file too, and RocksDB 7.8 as
// Debian builds it (assertions on) aborts at the next line written to a file
// whose write failed — while serving, at close and at the next open.
class StderrLogger final : public rocksdb::Logger {
 public:
  StderrLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[1024];
    std::vsnprintf(line, sizeof line, format, ap);
    std::fprintf(stderr, "tessera: rocksdb: %s\n", line);
  }
};

constexpr uint32_t kRecordMagic = 0x544C4F47;  // "TLOG"
constexpr size_t kRecordHeaderSize = 4 + 4 + 4 + 8 + 4 + 4;
constexpr size_t kSnapshotChunkBytes = 1 << 20;
constexpr char kFormatKey[] = "F/format";
constexpr char kShardsKey[] = "F/shards";

Status to_status(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status();
  if (s.IsNotFound()) return Status::not_found(what + ": " + s.ToString());
  if (s.IsNoSpace() || s.IsIOError()) return Status::unavailable(what + ": " + s.ToString());
  return Status::internal(what + ": " + s.ToString());
}

std::string record_key(uint32_t shard, uint64_t seq) {
  std::string k("L");
  put_be32(&k, shard);
  put_be64(&k, seq);
  return k;
}
std::string snapshot_chunk_key(uint32_t shard, uint64_t next_seq, uint32_t chunk) {
  std::string k("S");
  put_be32(&k, shard);
  put_be64(&k, next_seq);
  put_be32(&k, chunk);
  return k;
}
std::string manifest_key(uint32_t shard) {
  std::string k("M");
  put_be32(&k, shard);
  return k;
}
// The manifest of the base snapshot kept for an upgraded v1 directory.
std::string base_manifest_key(uint32_t shard) {
  std::string k("B");
  put_be32(&k, shard);
  return k;
}

template <typename T>
void put_le(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}
template <typename T>
T get_le(std::string_view s, size_t at) {
  T v;
  std::memcpy(&v, s.data() + at, sizeof(T));
  return v;
}

struct Manifest {
  uint64_t next_seq = 0;
  uint64_t size = 0;
  uint32_t chunks = 0;
  uint32_t crc = 0;
  auto fields() const { return std::tie(next_seq, size, chunks, crc); }
};
// A codec v3 manifest is its four fields bare (24 bytes); v4 adds the field count.
constexpr size_t kManifestV3Bytes = 24;

Status decode_manifest(std::string_view raw, Manifest* m) {
  return engine::decode(raw, *m, raw.size() == kManifestV3Bytes ? engine::kCodecVersionV3 : engine::kCodecVersion);
}

std::string format_marker(uint32_t log_version, uint32_t codec_version) {
  return cat("tessera-log v", log_version, " codec v", codec_version);
}

// A record whose header and checksum agree with its key.
bool record_intact(uint32_t shard, std::string_view key, std::string_view value) {
  return value.size() >= kRecordHeaderSize && get_le<uint32_t>(value, 0) == kRecordMagic &&
         (get_le<uint32_t>(value, 4) == kLogFormatVersion || get_le<uint32_t>(value, 4) == kLogFormatVersionV1) &&
         get_le<uint32_t>(value, 8) == shard && get_le<uint64_t>(value, 12) == get_be(key, 5, 8) &&
         crc32c(value.substr(kRecordHeaderSize)) == get_le<uint32_t>(value, 24);
}

}  // namespace

Result<Durability> parse_durability(std::string_view name) {
  if (name == "sync") return Durability::kSync;
  if (name == "async") return Durability::kAsync;
  if (name == "none") return Durability::kNone;
  return Status::invalid_argument(cat("durability must be sync, async or none, not '", std::string(name), "'"));
}

std::string_view durability_name(Durability d) {
  switch (d) {
    case Durability::kSync:
      return "sync";
    case Durability::kAsync:
      return "async";
    case Durability::kNone:
      return "none";
  }
  return "?";
}

Result<std::unique_ptr<CommandLog>> CommandLog::open(const LogOptions& options) {
  if (options.durability == Durability::kNone) return Status::invalid_argument("durability none keeps no command log");
  if (options.shards == 0 || options.shards > engine::kShardsMax)
    return Status::invalid_argument("shard count out of range");
  rocksdb::Options o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  o.IncreaseParallelism(2);
  o.compression = rocksdb::kNoCompression;
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  o.write_buffer_size = 64 << 20;
  if (options.env) o.env = options.env;
  o.info_log = std::make_shared<StderrLogger>();
  // The history: files ingested whole (storage/history_store.h), read by
  // order and by contact prefix.
  const rocksdb::ColumnFamilyOptions history_cf(o);
  const std::vector<rocksdb::ColumnFamilyDescriptor> families{
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions(o)}, {HistoryStore::kColumnFamily, history_cf}};
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  Status s = to_status(rocksdb::DB::Open(rocksdb::DBOptions(o), options.dir, families, &handles, &db),
                       "opening data directory " + options.dir);
  if (!s.is_ok()) return s;
  std::unique_ptr<CommandLog> log(new CommandLog(options, db, handles));
  s = log->check_format();
  if (s.is_ok() && options.keep_history) s = log->move_history_to_its_family();
  if (!s.is_ok()) return s;
  if (options.keep_history)
    log->history_ =
        std::make_unique<HistoryStore>(db, handles[1], rocksdb::Options(rocksdb::DBOptions(o), history_cf), options.dir,
                                       options.history_file_age_ms, options.durability != Durability::kSync);
  return log;
}

CommandLog::CommandLog(LogOptions options, rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> families)
    : options_(std::move(options)), db_(db), families_(std::move(families)), next_seq_(options_.shards + 1, 0) {}

CommandLog::~CommandLog() {
  history_.reset();  // stores what it still holds in memory
  if (db_) {
    for (rocksdb::ColumnFamilyHandle* h : families_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    // After a failed write the WAL's writer refuses every call, and RocksDB
    // with assertions on aborts in SyncWAL: there is nothing to sync then.
    if (!write_failed_.load(std::memory_order_acquire)) db_->SyncWAL().PermitUncheckedError();
    db_->Close().PermitUncheckedError();
    delete db_;
  }
}

Status CommandLog::check_format() {
  const std::string want_format = format_marker(kLogFormatVersion, engine::kCodecVersion);
  const std::string v1_format = format_marker(kLogFormatVersionV1, engine::kCodecVersionV3);
  const std::string want_shards = std::to_string(options_.shards);
  std::string format, shards;
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status fs = db_->Get(rocksdb::ReadOptions(), kFormatKey, &format);
  if (fs.IsNotFound()) {
    rocksdb::WriteBatch b;
    b.Put(kFormatKey, want_format).PermitUncheckedError();
    b.Put(kShardsKey, want_shards).PermitUncheckedError();
    return to_status(db_->Write(wo, &b), "writing format marker");
  }
  if (!fs.ok()) return to_status(fs, "reading format marker");
  if (format != want_format && format != v1_format)
    return Status::failed_precondition(cat("data directory ", options_.dir, " holds '", format, "'; this build reads '",
                                           want_format, "' and '", v1_format, "'"));
  Status s = to_status(db_->Get(rocksdb::ReadOptions(), kShardsKey, &shards), "reading shard count");
  if (!s.is_ok()) return s;
  if (shards != want_shards)
    return Status::failed_precondition(
        cat("data directory ", options_.dir, " was written by ", shards, " shards; start with --shards ", shards));
  if (format == want_format) return Status();
  // Upgrade from v1: v1 deleted the records before each snapshot, so the
  // current v3 snapshots become the bases that a full replay starts from.
  // Records stay as they are (each names its format); the new marker keeps
  // builds that read only v1 from misreading v2 records.
  std::fprintf(stderr, "tessera: upgrading data directory %s from '%s' to '%s'\n", options_.dir.c_str(), format.c_str(),
               want_format.c_str());
  rocksdb::WriteBatch b;
  for (uint32_t shard = 0; shard < options_.shards; ++shard) {
    std::string manifest;
    rocksdb::Status ms = db_->Get(rocksdb::ReadOptions(), manifest_key(shard), &manifest);
    if (ms.IsNotFound()) continue;
    s = to_status(ms, cat("shard ", shard, " reading snapshot manifest"));
    if (!s.is_ok()) return s;
    b.Put(base_manifest_key(shard), manifest).PermitUncheckedError();
  }
  b.Put(kFormatKey, want_format).PermitUncheckedError();
  return to_status(db_->Write(wo, &b), "upgrading format marker");
}

Status CommandLog::append(uint32_t shard, uint64_t first_seq, uint32_t count, std::string_view entries) {
  return append_with_history(shard, first_seq, count, entries, nullptr);
}

std::string CommandLog::record_value(uint32_t shard, uint64_t first_seq, uint32_t count, std::string_view entries,
                                     bool handing_over) const {
  TESSERA_CHECK(history_ || !handing_over);
  TESSERA_CHECK(valid_partition(shard) && count > 0 && first_seq > 0);
  const uint64_t next = next_seq_[slot_of(shard)];
  TESSERA_CHECK_MSG(next == 0 || first_seq == next,
                    cat("partition ", shard, " log append at seq ", first_seq, " after seq ", next - 1).c_str());
  std::string value;
  value.reserve(kRecordHeaderSize + entries.size());
  put_le(&value, kRecordMagic);
  put_le(&value, kLogFormatVersion);
  put_le(&value, shard);
  put_le(&value, first_seq);
  put_le(&value, count);
  put_le(&value, crc32c(entries));
  value.append(entries);
  return value;
}

void CommandLog::appended(uint32_t shard, uint64_t first_seq, uint32_t count, size_t bytes,
                          std::vector<engine::HistoryWrite>* history) {
  uint64_t& next = next_seq_[slot_of(shard)];
  if (next != 0) next = first_seq + count;
  batches_.fetch_add(1, std::memory_order_relaxed);
  bytes_.fetch_add(bytes, std::memory_order_relaxed);
  if (history != nullptr && !history->empty()) history_->hand_over(shard, first_seq + count, history);
}

Status CommandLog::append_with_history(uint32_t shard, uint64_t first_seq, uint32_t count, std::string_view entries,
                                       std::vector<engine::HistoryWrite>* history) {
  const std::string value = record_value(shard, first_seq, count, entries, history != nullptr && !history->empty());
  rocksdb::WriteOptions wo;
  wo.sync = options_.durability == Durability::kSync;
  Status s = to_status(db_->Put(wo, record_key(shard, first_seq), value),
                       cat("shard ", shard, " writing records from seq ", first_seq));
  if (!s.is_ok()) {
    write_failed_.store(true, std::memory_order_release);
    return s;
  }
  appended(shard, first_seq, count, value.size(), history);
  return s;
}

// One RocksDB write batch is one record of the write-ahead log: recovery
// finds all of its keys or none.
Status CommandLog::append_parts(std::vector<runtime::LogPart>* parts) {
  rocksdb::WriteBatch batch;
  for (const runtime::LogPart& p : *parts)
    batch
        .Put(record_key(p.shard, p.first_seq),
             record_value(p.shard, p.first_seq, p.count, p.entries, !p.history.empty()))
        .PermitUncheckedError();
  rocksdb::WriteOptions wo;
  wo.sync = options_.durability == Durability::kSync;
  Status s = to_status(db_->Write(wo, &batch), cat("writing the records of ", parts->size(), " shards at once"));
  if (!s.is_ok()) {
    write_failed_.store(true, std::memory_order_release);
    return s;
  }
  for (runtime::LogPart& p : *parts)
    appended(p.shard, p.first_seq, p.count, kRecordHeaderSize + p.entries.size(), &p.history);
  return s;
}

Status CommandLog::read_history_record(engine::OrderId order, std::string* record) {
  record->clear();
  return history_ ? history_->read_record(order, record) : Status();
}

Status CommandLog::read_history_of_contact(engine::ContactId contact, std::vector<std::string>* summaries) {
  summaries->clear();
  return history_ ? history_->read_contact(contact, summaries) : Status();
}

// A directory written before the history had its column family keeps its
// 'H' and 'C' keys in the default one, written with the records that closed
// the orders: they move over once, with every shard's watermark at the end
// of its log (everything logged is stored).
Status CommandLog::move_history_to_its_family() {
  rocksdb::ColumnFamilyHandle* history = families_[1];
  rocksdb::WriteOptions wo;
  wo.sync = true;
  // The watermarks go in the batch of the last keys moved: a crash half-way
  // leaves keys to move, and the next open finishes with the watermarks.
  std::vector<std::pair<uint32_t, std::string>> marks;
  for (uint32_t shard = 0; shard < options_.shards; ++shard) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    it->SeekForPrev(record_key(shard, UINT64_MAX));
    if (!it->Valid() || !it->key().starts_with(record_key(shard, 0).substr(0, 5)) ||
        it->value().size() < kRecordHeaderSize)
      continue;
    const std::string_view value(it->value().data(), it->value().size());
    const uint64_t first_seq = get_le<uint64_t>(value, 12);
    const bool intact = crc32c(value.substr(kRecordHeaderSize)) == get_le<uint32_t>(value, 24);
    std::string mark;  // a torn last record is dropped by recovery: the log ends before it
    put_be64(&mark, intact ? first_seq + get_le<uint32_t>(value, 20) : first_seq);
    marks.emplace_back(shard, std::move(mark));
  }
  uint64_t moved = 0;
  rocksdb::WriteBatch batch;
  for (const char prefix : {'C', 'H'}) {
    const std::string from(1, prefix), to(1, static_cast<char>(prefix + 1));
    rocksdb::Slice upper(to);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    for (it->Seek(from); it->Valid(); it->Next()) {
      batch.Put(history, it->key(), it->value()).PermitUncheckedError();
      batch.Delete(it->key()).PermitUncheckedError();
      if (++moved % 4096 == 0) {
        Status s = to_status(db_->Write(wo, &batch), "moving the order history to its column family");
        if (!s.is_ok()) return s;
        batch.Clear();
      }
    }
    Status s = to_status(it->status(), "reading the order history to move");
    if (!s.is_ok()) return s;
  }
  if (moved == 0) return Status();
  for (const auto& [shard, mark] : marks) batch.Put(history, watermark_key(shard), mark).PermitUncheckedError();
  Status s = to_status(db_->Write(wo, &batch), "moving the order history to its column family");
  if (s.is_ok()) s = to_status(db_->Flush(rocksdb::FlushOptions(), history), "flushing the moved order history");
  if (s.is_ok())
    std::fprintf(stderr, "tessera: moved %lu order history keys to their column family\n",
                 static_cast<unsigned long>(moved));
  return s;
}

Status CommandLog::snapshot(uint32_t shard, uint64_t next_seq, std::string_view state) {
  TESSERA_CHECK(valid_partition(shard) && next_seq > 0);
  const uint64_t next = next_seq_[slot_of(shard)];
  TESSERA_CHECK_MSG(next == 0 || next_seq <= next,
                    cat("shard ", shard, " snapshot at seq ", next_seq, " is ahead of its log").c_str());
  // Recovery replays from this snapshot: the history must hold every record before it.
  if (history_ && shard < options_.shards) {
    Status s = history_->flush(shard, next_seq);
    if (!s.is_ok()) return s;
  }
  rocksdb::WriteBatch batch;
  Manifest m{next_seq, state.size(), 0, crc32c(state)};
  for (size_t at = 0; at < state.size() || m.chunks == 0; at += kSnapshotChunkBytes) {
    batch.Put(snapshot_chunk_key(shard, next_seq, m.chunks++), state.substr(at, kSnapshotChunkBytes))
        .PermitUncheckedError();
  }
  batch.Put(manifest_key(shard), engine::encode(m)).PermitUncheckedError();
  // What the snapshot supersedes: older snapshots, but not the base one (an
  // upgraded directory's first full replay starts there), and no record.
  std::string base_raw;
  Manifest base;
  uint64_t keep_below = 0;
  if (db_->Get(rocksdb::ReadOptions(), base_manifest_key(shard), &base_raw).ok() &&
      decode_manifest(base_raw, &base).is_ok() && base.next_seq < next_seq)
    keep_below = base.next_seq + 1;
  batch.DeleteRange(snapshot_chunk_key(shard, keep_below, 0), snapshot_chunk_key(shard, next_seq, 0))
      .PermitUncheckedError();
  rocksdb::WriteOptions wo;
  wo.sync = options_.durability == Durability::kSync;
  Status s = to_status(db_->Write(wo, &batch), cat("shard ", shard, " writing snapshot at seq ", next_seq));
  if (s.is_ok()) snapshots_.fetch_add(1, std::memory_order_relaxed);
  if (!s.is_ok()) write_failed_.store(true, std::memory_order_release);
  return s;
}

Result<uint64_t> CommandLog::log_end(uint32_t partition) {
  TESSERA_CHECK(valid_partition(partition) && next_seq_[slot_of(partition)] == 0);
  uint64_t end = 1;
  std::string manifest;
  rocksdb::Status rs = db_->Get(rocksdb::ReadOptions(), manifest_key(partition), &manifest);
  Manifest m;
  if (rs.ok() && decode_manifest(manifest, &m).is_ok()) end = m.next_seq;
  const std::string prefix = record_key(partition, 0).substr(0, 5);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekForPrev(record_key(partition, UINT64_MAX)); it->Valid() && it->key().starts_with(prefix);) {
    const std::string_view key(it->key().data(), it->key().size());
    const std::string_view value(it->value().data(), it->value().size());
    const uint64_t seq = get_be(key, 5, 8);
    if (record_intact(partition, key, value)) return std::max(end, seq + get_le<uint32_t>(value, 20));
    std::fprintf(stderr, "tessera: partition %u: dropping torn log record at seq %lu (never acknowledged)\n", partition,
                 static_cast<unsigned long>(seq));
    Status s = to_status(db_->Delete(rocksdb::WriteOptions(), record_key(partition, seq)), "dropping torn record");
    if (!s.is_ok()) return s;
    it->Prev();
  }
  if (!it->status().ok()) return to_status(it->status(), cat("partition ", partition, " reading the log's end"));
  return end;
}

Status CommandLog::import_record(uint32_t partition, uint64_t first_seq, uint32_t count, std::string_view entries) {
  TESSERA_CHECK(valid_partition(partition) && next_seq_[slot_of(partition)] == 0);
  const std::string value = record_value(partition, first_seq, count, entries, false);
  Status s = to_status(db_->Put(rocksdb::WriteOptions(), record_key(partition, first_seq), value),
                       cat("partition ", partition, " importing records from seq ", first_seq));
  if (!s.is_ok()) write_failed_.store(true, std::memory_order_release);
  return s;
}

uint64_t CommandLog::history_files() const { return history_ ? history_->files_written() : 0; }

Status CommandLog::store_history() { return history_ ? history_->store_all() : Status(); }

LogStats CommandLog::stats() const { return LogStats{batches_.load(), bytes_.load(), snapshots_.load()}; }

bool CommandLog::valid_partition(uint32_t partition) const {
  return partition < options_.shards || partition == directory::kContactDirectoryPartition;
}

size_t CommandLog::slot_of(uint32_t partition) const {
  return partition == directory::kContactDirectoryPartition ? options_.shards : partition;
}

Result<RecoveredShard> CommandLog::recover(uint32_t shard, EntryObserver* observer) {
  if (shard >= options_.shards) return Status::invalid_argument("shard out of range");
  return recover_partition(shard, std::make_unique<engine::Shard>(shard, options_.shards, 0), observer);
}

Result<RecoveredDirectory> CommandLog::recover_directory(EntryObserver* observer) {
  return recover_partition(directory::kContactDirectoryPartition, std::make_unique<directory::ContactDirectory>(0),
                           observer);
}

template <typename P>
Result<Recovered<P>> CommandLog::recover_partition(uint32_t shard, std::unique_ptr<P> fresh, EntryObserver* observer) {
  Recovered<P> out;
  Status s = load_snapshot(shard, &out);
  if (!s.is_ok()) return s;
  if (!out.shard) out.shard = std::move(fresh);
  if constexpr (std::is_same_v<P, engine::Shard>) out.shard->require_known_contacts(true);  // as its runner will
  // The history of the records after its watermark is rebuilt by the replay.
  uint64_t history_from = UINT64_MAX;
  if constexpr (std::is_same_v<P, engine::Shard>) {
    if (history_) {
      Result<uint64_t> mark = history_->watermark(shard);
      if (!mark.is_ok()) return mark.status();
      history_from = mark.value();
      out.shard->keep_history(true);
    }
  }
  s = replay_records(shard, history_from, &out, observer);
  if constexpr (std::is_same_v<P, engine::Shard>) out.shard->keep_history(false);
  if (!s.is_ok()) return s;
  // A log shorter than the watermark (an unsynced tail lost, a torn record
  // dropped): the records appended again at those seqs are not stored yet.
  if (history_from != UINT64_MAX && history_from > out.next_seq) history_->lower_watermark(shard, out.next_seq);
  s = out.shard->check_invariants();
  if (!s.is_ok()) return Status::internal(cat("partition ", shard, " after recovery: ", s.message()));
  next_seq_[slot_of(shard)] = out.next_seq;
  return out;
}

template <typename P>
Status CommandLog::load_snapshot(uint32_t shard, Recovered<P>* out) {
  Status s = load_snapshot_at(shard, manifest_key(shard), out);
  if (s.code() != StatusCode::kFailedPrecondition) return s;
  // A snapshot format this build does not read: start from the base (an
  // upgraded directory's v3 snapshot, else the empty shard at seq 1) and
  // replay every record after it.
  std::fprintf(stderr, "tessera: shard %u: %s; replaying the log from its base instead\n", shard, s.message().c_str());
  *out = Recovered<P>{};
  std::string base_raw;
  if (db_->Get(rocksdb::ReadOptions(), base_manifest_key(shard), &base_raw).IsNotFound()) return Status();
  return load_snapshot_at(shard, base_manifest_key(shard), out);
}

template <typename P>
Status CommandLog::load_snapshot_at(uint32_t shard, const std::string& key, Recovered<P>* out) {
  std::string raw;
  rocksdb::Status rs = db_->Get(rocksdb::ReadOptions(), key, &raw);
  if (rs.IsNotFound()) return Status();
  Status s = to_status(rs, cat("shard ", shard, " reading snapshot manifest"));
  if (!s.is_ok()) return s;
  Manifest m;
  s = decode_manifest(raw, &m);
  if (!s.is_ok()) return Status::internal(cat("shard ", shard, " snapshot manifest is corrupt: ", s.message()));
  std::string state;
  state.reserve(m.size);
  for (uint32_t c = 0; c < m.chunks; ++c) {
    std::string chunk;
    s = to_status(db_->Get(rocksdb::ReadOptions(), snapshot_chunk_key(shard, m.next_seq, c), &chunk),
                  cat("shard ", shard, " reading snapshot chunk ", c));
    if (!s.is_ok()) return s;
    state += chunk;
  }
  if (state.size() != m.size || crc32c(state) != m.crc)
    return Status::internal(cat("shard ", shard, " snapshot at seq ", m.next_seq, " fails its checksum"));
  Result<std::unique_ptr<P>> loaded = P::load(state);
  if (!loaded.is_ok()) {
    const Status& why = loaded.status();
    const std::string message = cat("shard ", shard, " snapshot at seq ", m.next_seq, ": ", why.message());
    return why.code() == StatusCode::kFailedPrecondition ? Status::failed_precondition(message)
                                                         : Status::internal(message);
  }
  out->shard = std::move(loaded.value());
  out->next_seq = m.next_seq;
  out->snapshot_next_seq = m.next_seq;
  return Status();
}

template <typename P>
Status CommandLog::replay_records(uint32_t shard, uint64_t history_from, Recovered<P>* out, EntryObserver* observer) {
  std::vector<engine::HistoryWrite> history;
  rocksdb::ReadOptions ro;
  const std::string end = record_key(shard + 1, 0);
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  // The first record is the one holding next_seq: it may begin before it
  // (a snapshot taken inside a record the log writer wrote for several
  // batches; docs/format.md), so look one record back first.
  const std::string shard_prefix = record_key(shard, 0).substr(0, 5);
  it->SeekForPrev(record_key(shard, out->next_seq));
  const bool holds_next = it->Valid() && it->key().starts_with(shard_prefix) &&
                          record_intact(shard, std::string_view(it->key().data(), it->key().size()),
                                        std::string_view(it->value().data(), it->value().size())) &&
                          get_be(std::string_view(it->key().data(), it->key().size()), 5, 8) +
                                  get_le<uint32_t>(std::string_view(it->value().data(), it->value().size()), 20) >
                              out->next_seq;
  if (!holds_next) it->Seek(record_key(shard, out->next_seq));
  bool first = true;  // only the first record may begin before next_seq
  for (; it->Valid(); it->Next(), first = false) {
    const std::string_view key(it->key().data(), it->key().size());
    const std::string_view value(it->value().data(), it->value().size());
    const uint64_t key_seq = get_be(key, 5, 8);
    if (!record_intact(shard, key, value)) {
      it->Next();
      if (it->Valid()) {
        return Status::internal(cat("shard ", shard, ": log record at seq ", key_seq,
                                    " is corrupt and is not the last one; refusing to start (acknowledged data "
                                    "would be lost). Restore the data directory from a backup."));
      }
      std::fprintf(stderr, "tessera: shard %u: dropping torn log record at seq %lu (never acknowledged)\n", shard,
                   static_cast<unsigned long>(key_seq));
      rocksdb::WriteOptions wo;
      wo.sync = true;
      Status s = to_status(db_->Delete(wo, record_key(shard, key_seq)), "dropping torn record");
      if (!s.is_ok()) return s;
      out->dropped_torn_tail = true;
      break;
    }
    const uint32_t count = get_le<uint32_t>(value, 20);
    if (key_seq > out->next_seq || (key_seq < out->next_seq && (!first || key_seq + count <= out->next_seq)))
      return Status::internal(cat("shard ", shard, ": log gap: expected seq ", out->next_seq, ", found ", key_seq));
    const uint64_t replayed = key_seq + count - out->next_seq;
    const uint32_t codec =
        get_le<uint32_t>(value, 4) == kLogFormatVersionV1 ? engine::kCodecVersionV3 : engine::kCodecVersion;
    Status s = replay_entries(shard, key_seq, count, codec, value.substr(kRecordHeaderSize), out->next_seq, *out->shard,
                              observer);
    if (!s.is_ok()) return s;
    if constexpr (std::is_same_v<P, engine::Shard>) {
      if (history_from != UINT64_MAX) {
        out->shard->take_history(&history);
        // A watermark falls between records, but for one a snapshot split
        // (written before records ended at snapshots): its replayed part
        // may be after the watermark too.
        if (key_seq + count > history_from && !history.empty()) history_->hand_over(shard, key_seq + count, &history);
        history.clear();
      }
    }
    out->next_seq += replayed;
    out->entries_replayed += replayed;
  }
  return to_status(it->status(), cat("shard ", shard, " reading the log"));
}

template <typename P>
Status CommandLog::replay_entries(uint32_t shard, uint64_t first_seq, uint32_t count, uint32_t codec_version,
                                  std::string_view entries, uint64_t from_seq, P& into, EntryObserver* observer) {
  return runtime::replay_log_entries(shard, first_seq, count, codec_version, entries, from_seq, into,
                                     [observer](uint64_t seq, const runtime::LogEntry& e) {
                                       if (observer) observer->on_entry(seq, e);
                                     });
}

}  // namespace tessera::storage
