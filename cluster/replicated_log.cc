// ReplicatedLog: JetStream first, then the local log; the catch-up at open.
#include "cluster/replicated_log.h"

#include <sodium.h>

#include <chrono>
#include <thread>

#include "base/check.h"
#include "base/strings.h"
#include "directory/contact_directory.h"

namespace tessera::cluster {

namespace {

// How long open() waits for a JetStream cluster without a meta leader.
constexpr int64_t kFormingMs = 60'000;

// Runs step() again while it fails with kUnavailable, for at most
// kFormingMs: a JetStream cluster starting with this node elects its meta
// leader, then each new stream's leader.
template <typename Step>
Status until_available(const Step& step) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kFormingMs);
  Status s;
  while ((s = step()).code() == StatusCode::kUnavailable && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return s;
}

// 128 random bits in hex (libsodium): a catalog command's id, unique across
// nodes.
std::string broadcast_id() {
  TESSERA_CHECK_MSG(sodium_init() >= 0, "libsodium failed to initialise");
  unsigned char bits[16];
  randombytes_buf(bits, sizeof bits);
  char hex[2 * sizeof bits + 1];
  sodium_bin2hex(hex, sizeof hex, bits, sizeof bits);
  return hex;
}

}  // namespace

ReplicatedLog::ReplicatedLog(storage::CommandLog& local, std::unique_ptr<JetStreamLog> js, const Leadership* leadership)
    : local_(local), js_(std::move(js)), leadership_(leadership), stream_last_(local.options().shards + 1, 0) {}

size_t ReplicatedLog::slot_of(uint32_t partition) const {
  return partition == directory::kContactDirectoryPartition ? local_.options().shards : partition;
}

Result<std::unique_ptr<ReplicatedLog>> ReplicatedLog::open(storage::CommandLog& local, const JetStreamOptions& options,
                                                           const Leadership* leadership) {
  Result<std::unique_ptr<JetStreamLog>> js = JetStreamLog::connect(options);
  if (!js.is_ok()) return js.status();
  std::unique_ptr<ReplicatedLog> log(new ReplicatedLog(local, std::move(js.value()), leadership));
  Status s = until_available([&] { return log->js_->ensure_once_stream(); });
  for (uint32_t p = 0; s.is_ok() && p < local.options().shards; ++p) s = log->import(p);
  if (s.is_ok()) s = log->import(directory::kContactDirectoryPartition);
  if (!s.is_ok()) return s;
  return log;
}

// The stream's records are the local log's, record for record (the same
// batches), plus the parts of aborted catalog commands; their first entry
// numbers never decrease along the stream.
Status ReplicatedLog::import(uint32_t partition) {
  Result<uint64_t> last = uint64_t{0};
  Status s = until_available([&] {
    const Status ensured = js_->ensure_stream(partition);
    if (!ensured.is_ok()) return ensured;
    last = js_->last_sequence(partition);
    return last.status();
  });
  if (!s.is_ok()) return s;
  Result<uint64_t> end = local_.log_end(partition);
  if (!end.is_ok()) return end.status();
  CatchUp done{partition, *end, 0, 0, *last};
  const std::string stream = js_->stream_name(partition);
  const auto diverged = [&](std::string_view why) {
    return Status::failed_precondition(cat("partition ", partition, ": the local log ends before entry ", *end,
                                           " but stream ", stream, " ", why,
                                           ": this data directory was not written by this cluster (or by another "
                                           "of its nodes since); move it away and start on an empty one"));
  };
  // The first record of the stream at or after the local log's end.
  uint64_t lo = 1;
  uint64_t hi = *last + 1;
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    uint64_t first = 0;
    s = js_->read_record(partition, mid, [&](const StreamRecord& r) {
      first = r.first_seq;
      return Status::ok();
    });
    if (!s.is_ok()) return s;
    if (first < *end) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == 1 && *end > 1) return diverged("has no record before it");
  if (lo > 1) {  // the record before must end where the local log does, and count
    bool boundary = false;
    s = js_->read_record(partition, lo - 1, [&](const StreamRecord& r) {
      boundary = r.first_seq + r.count == *end;
      if (boundary && !r.broadcast.empty()) {
        Result<bool> committed = js_->decide_broadcast(r.broadcast, false);
        if (!committed.is_ok()) return committed.status();
        boundary = *committed;
      }
      return Status::ok();
    });
    if (!s.is_ok()) return s;
    if (!boundary) return diverged(cat("has no record ending there (stream sequence ", lo - 1, ")"));
  }
  uint64_t expected = *end;
  s = js_->read(partition, lo, [&](const StreamRecord& r) {
    if (r.stream_seq > *last) return Status::ok();  // appended since: not ours to import
    if (!r.broadcast.empty()) {
      Result<bool> committed = js_->decide_broadcast(r.broadcast, false);
      if (!committed.is_ok()) return committed.status();
      if (!*committed) {
        ++done.aborted;
        return Status::ok();
      }
    }
    if (r.first_seq != expected)
      return Status::internal(cat("stream ", stream, " record ", r.stream_seq, " begins at entry ", r.first_seq,
                                  " where entry ", expected, " was expected"));
    Status imported = local_.import_record(partition, r.first_seq, r.count, r.entries);
    if (!imported.is_ok()) return imported;
    expected += r.count;
    ++done.imported;
    return Status::ok();
  });
  if (!s.is_ok()) return s;
  stream_last_[slot_of(partition)] = *last;
  catch_up_.push_back(done);
  return Status::ok();
}

Status ReplicatedLog::replicate(uint32_t partition, uint64_t first_seq, uint32_t count, std::string_view entries,
                                std::string_view broadcast) {
  if (leadership_ != nullptr && !leadership_->leads(partition))
    return Status::failed_precondition(cat(
        "partition ", partition, ": this node no longer leads it (leader: ", leadership_->leader_of(partition), ")"));
  uint64_t& last = stream_last_[slot_of(partition)];
  Result<uint64_t> seq = js_->append(partition, last, first_seq, count, entries, broadcast);
  if (!seq.is_ok()) return seq.status();
  last = *seq;
  return Status::ok();
}

Status ReplicatedLog::append(uint32_t partition, uint64_t first_seq, uint32_t count, std::string_view entries) {
  return append_with_history(partition, first_seq, count, entries, nullptr);
}

Status ReplicatedLog::append_with_history(uint32_t partition, uint64_t first_seq, uint32_t count,
                                          std::string_view entries, std::vector<engine::HistoryWrite>* history) {
  Status s = replicate(partition, first_seq, count, entries, {});
  if (!s.is_ok()) return s;
  return local_.append_with_history(partition, first_seq, count, entries, history);
}

Status ReplicatedLog::append_parts(std::vector<runtime::LogPart>* parts) {
  const std::string id = broadcast_id();
  for (const runtime::LogPart& p : *parts) {
    Status s = replicate(p.shard, p.first_seq, p.count, p.entries, id);
    if (!s.is_ok()) return s;
  }
  Result<bool> committed = js_->decide_broadcast(id, true);
  if (!committed.is_ok()) return committed.status();
  if (!*committed)
    return Status::failed_precondition(
        cat("catalog command ", id, " was aborted by another node: this one is no longer the partitions' writer"));
  return local_.append_parts(parts);
}

}  // namespace tessera::cluster
