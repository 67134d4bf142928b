// JetStreamLog: partitions' command logs as NATS JetStream streams, the
// replicated log of cluster mode (docs/cluster.md, issue 25). Not consensus
// of our own: JetStream replicates each stream with Raft among its servers.
//
// One stream per partition: "<prefix>_P<k>", subject "<prefix>.log.<k>",
// file storage, `replicas` copies. JetStream acknowledges a publish once a
// quorum of the copies (2 of 3) has stored it, so an acknowledged record
// survives the loss of any one server.
//
// One message is one log record: the entries as runtime/log_entry.h encodes
// them (the same bytes storage::CommandLog keeps), with the number of the
// record's first entry and the entry count in the headers Tessera-First-Seq
// and Tessera-Count. The stream's own sequence numbers the records 1, 2, …
//
// Fencing: append() names the stream sequence its writer believes is the
// last (the header Nats-Expected-Last-Sequence, checked by the stream's Raft
// leader). A writer deposed while a successor appended is refused with
// kFailedPrecondition: it must stop acknowledging, it is no longer the
// partition's leader.
//
// Values written once: the stream "<prefix>_ONCE" keeps each key's value as
// the only message of the subject "<prefix>.once.<key>"; the first writer
// wins (Nats-Expected-Last-Subject-Sequence 0) and every later one reads
// its value (put_once). Catalog commands (all partitions or none) use it:
// each partition's part is appended with the broadcast's id in the header
// Tessera-Broadcast, then decide_broadcast() stores the outcome under
// "broadcast.<id>", so the writer of the parts and a successor that finds
// them unfinished agree on one of commit and abort. The nodes of a cluster
// share their hold-token key the same way.
//
// Thread-safety: one JetStreamLog may be used from any number of threads
// (libnats connections are thread-safe); appends to one partition must come
// from its one writer, in order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tessera::cluster {

struct JetStreamOptions {
  // Comma-separated NATS URLs ("nats://127.0.0.1:4222,nats://…"); the
  // client fails over between them.
  std::string servers;
  std::string prefix = "TESSERA";      // stream names and subjects; letters, digits, '_' and '-'
  int replicas = 3;                    // copies of each stream (JetStream allows 1 to 5)
  int64_t timeout_ms = 5'000;          // per request (publish acknowledgement, stream admin, fetch)
  int64_t max_record_bytes = 8 << 20;  // the streams' largest message; the servers' max_payload must allow it
};

// One record as read back from a stream.
struct StreamRecord {
  uint64_t stream_seq = 0;  // 1, 2, … in the stream
  uint64_t first_seq = 0;   // the record's first entry
  uint32_t count = 0;       // entries in it
  std::string_view entries;
  std::string_view broadcast;  // a catalog command's part: the broadcast's id (empty: none)
};

class JetStreamLog {
 public:
  // Connects (retrying until timeout_ms while the servers start).
  static Result<std::unique_ptr<JetStreamLog>> connect(const JetStreamOptions& options);
  ~JetStreamLog();
  JetStreamLog(const JetStreamLog&) = delete;
  JetStreamLog& operator=(const JetStreamLog&) = delete;

  std::string stream_name(uint32_t partition) const;
  std::string subject(uint32_t partition) const;

  // Creates the partition's stream if it does not exist (an existing one is
  // kept as it is; its replica count must match). Unavailable while the
  // JetStream cluster has no meta leader.
  Status ensure_stream(uint32_t partition);
  // The stream sequence of the partition's last record (0: none), as its
  // Raft leader knows it: what a new partition leader catches up to and
  // then names in its first append.
  Result<uint64_t> last_sequence(uint32_t partition);
  // Appends one record after `expected_last` (the stream sequence of the
  // last record); returns the new record's stream sequence once a quorum
  // stored it. kFailedPrecondition: the stream's last record is not
  // `expected_last` (another writer appended: this one is deposed);
  // kUnavailable: no quorum answered in time (the record may or may not
  // have been stored: read last_sequence() before acknowledging anything).
  // `broadcast`: the id of the catalog command this record is a part of
  // (letters and digits), or empty.
  Result<uint64_t> append(uint32_t partition, uint64_t expected_last, uint64_t first_seq, uint32_t count,
                          std::string_view entries, std::string_view broadcast = {});
  // Creates the stream of values written once if it does not exist.
  Status ensure_once_stream();
  // Stores `value` under `key` (letters, digits, '-', '_', '.') unless a
  // value is stored there already; returns the stored value.
  Result<std::string> put_once(std::string_view key, std::string_view value);
  // Stores `commit` as the outcome of broadcast `id` unless one is stored
  // already; returns the stored outcome (true: committed).
  Result<bool> decide_broadcast(std::string_view id, bool commit);
  // Calls visit() for the record at stream sequence `stream_seq`.
  Status read_record(uint32_t partition, uint64_t stream_seq, const std::function<Status(const StreamRecord&)>& visit);
  // Calls visit() for each record from stream sequence `from` (1: the
  // first) up to the last one at the time of the call, in order. Stops at
  // the first error visit() returns.
  Status read(uint32_t partition, uint64_t from, const std::function<Status(const StreamRecord&)>& visit);

 private:
  struct Handles;
  JetStreamLog(JetStreamOptions options, std::unique_ptr<Handles> handles);
  Status ensure(const std::string& name, const std::string& subjects);
  // Fetches the record at `seq` of stream `name` and calls visit() on it.
  Status fetch(const std::string& name, uint64_t seq, const std::function<Status(const StreamRecord&)>& visit);

  JetStreamOptions options_;
  std::unique_ptr<Handles> handles_;
};

}  // namespace tessera::cluster
