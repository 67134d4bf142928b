// HistoryStore: in-memory layers over the "history" column family, written
// as ingested SST files by a background thread.
#include "storage/history_store.h"

#include <rocksdb/db.h>
#include <rocksdb/sst_file_writer.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <unordered_set>

#include "base/strings.h"
#include "engine/codec.h"
#include "storage/keys.h"

namespace tessera::storage {

using engine::cat;

namespace {

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Status rocks_status(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status();
  if (s.IsNoSpace() || s.IsIOError()) return Status::unavailable(what + ": " + s.ToString());
  return Status::internal(what + ": " + s.ToString());
}

// A stored record or list row with its contact replaced (MergeContacts).
template <typename T>
Status with_contact(std::string_view bytes, engine::ContactId contact, std::string* out, std::string_view what) {
  T value;
  Status s = engine::decode(bytes, value);
  if (!s.is_ok()) return Status::internal(cat("the history's ", what, " does not decode: ", s.message()));
  value.contact = contact;
  *out = engine::encode(value);
  return Status::ok();
}

size_t bytes_of(const std::vector<engine::HistoryWrite>& writes) {
  size_t n = 0;
  for (const engine::HistoryWrite& w : writes) n += w.record.size() + w.summary.size() + 32;
  return n;
}

engine::OrderId order_of_contact_key(std::string_view key) { return get_be(key, kContactKeyOrderAt, 8); }

}  // namespace

HistoryStore::HistoryStore(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, rocksdb::Options options,
                           std::string scratch_dir, int64_t file_age_max_ms, bool sync_log_first)
    : db_(db),
      cf_(cf),
      options_(std::move(options)),
      scratch_path_(scratch_dir + "/history-file.tmp"),
      file_age_max_ms_(file_age_max_ms),
      sync_log_first_(sync_log_first) {
  std::error_code ignored;
  std::filesystem::remove(scratch_path_, ignored);  // left by a crash while a file was built
  thread_ = std::thread([this] { run(); });
}

HistoryStore::~HistoryStore() {
  {
    std::lock_guard<std::mutex> lock(handed_mutex_);
    stopping_ = true;
  }
  handed_cv_.notify_all();
  room_cv_.notify_all();
  thread_.join();
}

void HistoryStore::hand_over(uint32_t shard, uint64_t next_seq, std::vector<engine::HistoryWrite>* writes) {
  const size_t bytes = bytes_of(*writes);
  bool wake;
  {
    std::unique_lock<std::mutex> lock(handed_mutex_);
    room_cv_.wait(lock, [this] { return stopping_ || handed_bytes_ < kPendingBytesMax; });
    handed_.push_back(Handed{shard, next_seq, std::move(*writes)});
    handed_bytes_ += bytes;
    wake = handed_bytes_ >= kWakeBytes || bytes == 0;  // a flush's hand-over is waited for
  }
  writes->clear();
  if (wake) handed_cv_.notify_one();
}

Status HistoryStore::flush(uint32_t shard, uint64_t next_seq) {
  std::vector<engine::HistoryWrite> none;
  hand_over(shard, next_seq, &none);
  return store_once(2);
}

void HistoryStore::lower_watermark(uint32_t shard, uint64_t next_seq) {
  std::vector<engine::HistoryWrite> none;
  hand_over(shard, next_seq, &none);
}

Result<uint64_t> HistoryStore::watermark(uint32_t shard) {
  std::lock_guard<std::mutex> lock(layers_mutex_);
  apply_handed();
  for (const Layer* layer : {&active_, &frozen_}) {
    const auto mark = layer->marks().find(shard);
    if (mark != layer->marks().end()) return mark->second;
  }
  std::string raw;
  const rocksdb::Status rs = db_->Get(rocksdb::ReadOptions(), cf_, watermark_key(shard), &raw);
  if (rs.IsNotFound()) return uint64_t{0};
  if (!rs.ok()) return rocks_status(rs, "reading the order history's watermark");
  if (raw.size() != 8) return Status::internal(cat("shard ", shard, ": the order history's watermark is corrupt"));
  return get_be(raw, 0, 8);
}

Status HistoryStore::read_record(engine::OrderId order, std::string* record) {
  std::lock_guard<std::mutex> lock(layers_mutex_);
  apply_handed();
  if (!view_record(order, record)) record->clear();
  return failure_;
}

Status HistoryStore::read_contact(engine::ContactId contact, std::vector<std::string>* summaries) {
  summaries->clear();
  std::lock_guard<std::mutex> lock(layers_mutex_);
  apply_handed();
  for (auto& [order, row] : view_rows(contact, UINT32_MAX)) summaries->push_back(std::move(row));
  return failure_;
}

uint64_t HistoryStore::files_written() const {
  std::lock_guard<std::mutex> lock(layers_mutex_);
  return files_;
}

Status HistoryStore::failure() const {
  std::lock_guard<std::mutex> lock(layers_mutex_);
  return failure_;
}

void HistoryStore::run() {
  for (;;) {
    bool stopping;
    {
      std::unique_lock<std::mutex> lock(handed_mutex_);
      handed_cv_.wait_for(lock, std::chrono::milliseconds(100),
                          [this] { return stopping_ || handed_bytes_ >= kWakeBytes; });
      stopping = stopping_;
    }
    bool due;
    {
      std::lock_guard<std::mutex> lock(layers_mutex_);
      // While a failed file waits for its retry, what is handed over waits
      // too (writers block beyond kPendingBytesMax) rather than grow memory.
      if (active_.bytes() < 2 * kFileBytes) apply_handed();
      due = active_.bytes() >= kFileBytes || !frozen_.empty() ||
            (!active_.empty() && steady_ms() - active_since_ms_ >= file_age_max_ms_);
    }
    if (stopping) break;
    if (due && !store_once(1).is_ok()) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  const Status s = store_once(2);
  if (!s.is_ok())
    std::fprintf(stderr,
                 "tessera: the order history kept in memory at stop was not stored (%s); the next start "
                 "rebuilds it from the command log\n",
                 s.to_string().c_str());
}

void HistoryStore::apply_handed() {
  std::vector<Handed> handed;
  {
    std::lock_guard<std::mutex> lock(handed_mutex_);
    handed.swap(handed_);
    handed_bytes_ = 0;
  }
  room_cv_.notify_all();
  for (Handed& h : handed) {
    if (active_.empty()) active_since_ms_ = steady_ms();
    for (const engine::HistoryWrite& w : h.writes) apply(h.shard, w);
    active_.mark(h.shard, h.next_seq);
  }
}

// In command order, over what is already stored: a purge deletes the
// records stored before it; a reassignment rewrites them under the
// survivor.
void HistoryStore::apply(uint32_t shard, const engine::HistoryWrite& w) {
  Status s;
  if (!w.purge && w.order != 0) {
    active_.put_record(w.order, w.record);
    if (w.contact != engine::kNone) active_.put_row(w.contact, w.order, w.summary);
  } else if (!w.purge) {  // every closed order of w.contact on this shard to w.reassign_to
    for (auto& [order, row] : view_rows(w.contact, shard)) {
      std::string record, moved_record, moved_row;
      if (!view_record(order, &record)) {
        s = Status::internal(cat("the history lists order ", order, " for contact ", w.contact, " without its record"));
        break;
      }
      s = with_contact<engine::OrderRecord>(record, w.reassign_to, &moved_record, cat("record of order ", order));
      if (s.is_ok())
        s = with_contact<engine::OrderSummary>(row, w.reassign_to, &moved_row, cat("row of order ", order));
      if (!s.is_ok()) break;
      active_.put_record(order, moved_record);
      active_.erase_row(w.contact, order);
      active_.put_row(w.reassign_to, order, moved_row);
    }
  } else if (w.order != 0) {
    std::string raw;
    if (!view_record(w.order, &raw)) return;
    engine::OrderRecord record;
    if (engine::decode(raw, record).is_ok() && record.contact != engine::kNone)
      active_.erase_row(record.contact, w.order);
    active_.erase_record(w.order);
  } else {
    for (auto& [order, row] : view_rows(w.contact, shard)) {
      active_.erase_record(order);
      active_.erase_row(w.contact, order);
    }
  }
  if (!s.is_ok() && failure_.is_ok()) {
    std::fprintf(stderr, "tessera: shard %u: order history: %s\n", shard, s.to_string().c_str());
    failure_ = s;
  }
}

void HistoryStore::note(const rocksdb::Status& s) {
  if (!s.ok() && !s.IsNotFound() && failure_.is_ok()) failure_ = rocks_status(s, "reading the order history");
}

bool HistoryStore::view_record(engine::OrderId order, std::string* value) {
  for (Layer* layer : {&active_, &frozen_}) {
    const HistoryLayer::Entry* e = layer->record(order);
    if (!e) continue;
    if (e->erased) return false;
    value->assign(e->value);
    return true;
  }
  const rocksdb::Status rs = db_->Get(rocksdb::ReadOptions(), cf_, history_key(order), value);
  note(rs);
  return rs.ok();
}

std::map<engine::OrderId, std::string> HistoryStore::view_rows(engine::ContactId contact, uint32_t shard) {
  std::map<engine::OrderId, std::string> rows;
  const auto wanted = [&](engine::OrderId order) { return shard == UINT32_MAX || engine::order_shard(order) == shard; };
  const std::string prefix = contact_key(contact);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const engine::OrderId order = order_of_contact_key(std::string_view(it->key().data(), it->key().size()));
    if (wanted(order)) rows.insert_or_assign(order, it->value().ToString());
  }
  note(it->status());
  for (Layer* layer : {&frozen_, &active_}) {
    std::unordered_set<uint64_t> seen;  // an order's first (newest) entry is current
    layer->rows(contact, [&](const HistoryLayer::Entry& e) {
      if (!wanted(e.order) || !seen.insert(e.order.value()).second) return;
      if (e.erased) {
        rows.erase(e.order);
      } else {
        rows.insert_or_assign(e.order, std::string(e.value));
      }
    });
  }
  return rows;
}

// Two files at most store everything handed over before the call (a failed
// frozen_ first, then active_): a flush never chases the writes other shards
// keep handing over meanwhile.
Status HistoryStore::store_once(int files_max) {
  std::lock_guard<std::mutex> file_lock(file_mutex_);
  for (int file = 0; file < files_max; ++file) {
    {
      std::lock_guard<std::mutex> lock(layers_mutex_);
      if (frozen_.empty()) {
        apply_handed();
        if (active_.empty()) return Status();
        std::swap(frozen_, active_);
      }
    }
    // frozen_ changes only here, under file_mutex_. Readers (under
    // layers_mutex_) may index it meanwhile, writing only its index fields,
    // which write_file never reads.
    const Status s = write_file(frozen_);
    if (!s.is_ok()) {
      std::lock_guard<std::mutex> lock(layers_mutex_);
      if (failure_.is_ok()) std::fprintf(stderr, "tessera: order history: %s (retrying)\n", s.to_string().c_str());
      return s;
    }
    {
      std::lock_guard<std::mutex> lock(layers_mutex_);
      std::swap(spare_, frozen_);  // frozen_ becomes the emptied spare
      ++files_;
    }
    spare_.clear();  // outside the lock
  }
  return Status();
}

Status HistoryStore::write_file(const Layer& layer) {
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options_, cf_);
  rocksdb::Status rs = writer.Open(scratch_path_);
  for (const uint32_t i : layer.sorted()) {
    if (!rs.ok()) break;
    const HistoryLayer::Entry& e = layer.entry(i);
    const std::string key = e.row ? contact_key(e.contact, e.order) : history_key(e.order);
    rs = e.erased ? writer.Delete(key) : writer.Put(key, rocksdb::Slice(e.value.data(), e.value.size()));
  }
  for (const auto& [shard, next_seq] : layer.marks()) {
    if (!rs.ok()) break;
    std::string mark;
    put_be64(&mark, next_seq);
    rs = writer.Put(watermark_key(shard), mark);
  }
  if (rs.ok()) rs = writer.Finish();
  // With async durability the log records these writes came from may not be
  // on disk yet: the file's watermark must never be ahead of the log.
  if (rs.ok() && sync_log_first_) rs = db_->SyncWAL();
  if (rs.ok()) {
    rocksdb::IngestExternalFileOptions io;
    io.move_files = true;
    rs = db_->IngestExternalFile(cf_, {scratch_path_}, io);
  }
  std::error_code ignored;
  std::filesystem::remove(scratch_path_, ignored);
  return rocks_status(rs, "writing the order history");
}

}  // namespace tessera::storage
