// JetStreamLog: records in and out of JetStream streams through libnats.
#include "cluster/jetstream_log.h"

#include <nats/nats.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <initializer_list>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/strings.h"

namespace tessera::cluster {

namespace {

constexpr const char* kExpectedLastHeader = "Nats-Expected-Last-Sequence";
constexpr const char* kFirstSeqHeader = "Tessera-First-Seq";
constexpr const char* kCountHeader = "Tessera-Count";
constexpr const char* kBroadcastHeader = "Tessera-Broadcast";
constexpr const char* kExpectedLastSubjectHeader = "Nats-Expected-Last-Subject-Sequence";
constexpr std::string_view kCommit = "commit";
constexpr std::string_view kAbort = "abort";

std::string nats_error(natsStatus s, jsErrCode code = static_cast<jsErrCode>(0)) {
  std::string text = natsStatus_GetText(s);
  if (const char* last = nats_GetLastError(nullptr); last != nullptr && *last != '\0') text += cat(": ", last);
  if (code != 0) text += cat(" (JetStream error ", static_cast<int>(code), ")");
  return text;
}

// A header holding an unsigned decimal number.
bool header_number(natsMsg* msg, const char* key, uint64_t* out) {
  const char* value = nullptr;
  if (natsMsgHeader_Get(msg, key, &value) != NATS_OK || value == nullptr) return false;
  const std::string_view text(value);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// One message published to JetStream with its headers (name, value pairs),
// waiting at most timeout_ms for the stream's acknowledgement. On success
// the stream sequence it got; on failure the status and JetStream's error
// code (JSStreamWrongLastSequenceErr when a Nats-Expected-* header failed).
struct Published {
  natsStatus status = NATS_OK;
  jsErrCode code = static_cast<jsErrCode>(0);
  uint64_t seq = 0;
};
Published publish(jsCtx* js, int64_t timeout_ms, const std::string& subject, std::string_view data,
                  std::initializer_list<std::pair<const char*, std::string>> headers) {
  Published out;
  natsMsg* msg = nullptr;
  out.status = natsMsg_Create(&msg, subject.c_str(), nullptr, data.data(), static_cast<int>(data.size()));
  for (const auto& [key, value] : headers)
    if (out.status == NATS_OK && !value.empty()) out.status = natsMsgHeader_Set(msg, key, value.c_str());
  if (out.status == NATS_OK) {
    jsPubOptions options;
    jsPubOptions_Init(&options);
    options.MaxWait = timeout_ms;
    jsPubAck* ack = nullptr;
    out.status = js_PublishMsg(&ack, js, msg, &options, &out.code);
    if (out.status == NATS_OK) out.seq = ack->Sequence;
    jsPubAck_Destroy(ack);
  }
  natsMsg_Destroy(msg);
  return out;
}

}  // namespace

struct JetStreamLog::Handles {
  natsOptions* options = nullptr;
  natsConnection* connection = nullptr;
  jsCtx* js = nullptr;
  ~Handles() {
    jsCtx_Destroy(js);
    natsConnection_Destroy(connection);
    natsOptions_Destroy(options);
  }
};

JetStreamLog::JetStreamLog(JetStreamOptions options, std::unique_ptr<Handles> handles)
    : options_(std::move(options)), handles_(std::move(handles)) {}

JetStreamLog::~JetStreamLog() = default;

Result<std::unique_ptr<JetStreamLog>> JetStreamLog::connect(const JetStreamOptions& options) {
  if (options.replicas < 1 || options.replicas > 5)
    return Status::invalid_argument(cat("replicas must be 1 to 5, not ", options.replicas));
  for (char c : options.prefix)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
      return Status::invalid_argument(cat("stream prefix '", options.prefix, "': letters, digits, '_' and '-' only"));
  auto handles = std::make_unique<Handles>();
  natsStatus s = natsOptions_Create(&handles->options);
  std::vector<std::string> urls;  // libnats takes the list as an array
  for (size_t at = 0; at <= options.servers.size();) {
    const size_t comma = std::min(options.servers.find(',', at), options.servers.size());
    if (comma > at) urls.push_back(options.servers.substr(at, comma - at));
    at = comma + 1;
  }
  if (urls.empty()) return Status::invalid_argument("no NATS server URL given");
  std::vector<const char*> url_ptrs;
  for (const std::string& u : urls) url_ptrs.push_back(u.c_str());
  if (s == NATS_OK) s = natsOptions_SetServers(handles->options, url_ptrs.data(), static_cast<int>(url_ptrs.size()));
  if (s == NATS_OK) s = natsOptions_SetTimeout(handles->options, options.timeout_ms);
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(handles->options, -1);  // forever: the servers come back
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(handles->options, 100);
  if (s != NATS_OK) return Status::invalid_argument(cat("NATS options: ", nats_error(s)));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
  while ((s = natsConnection_Connect(&handles->connection, handles->options)) != NATS_OK) {
    if (std::chrono::steady_clock::now() >= deadline)
      return Status::unavailable(cat("cannot connect to NATS at ", options.servers, ": ", nats_error(s)));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = options.timeout_ms;
  s = natsConnection_JetStream(&handles->js, handles->connection, &js_options);
  if (s != NATS_OK) return Status::unavailable(cat("JetStream context: ", nats_error(s)));
  return std::unique_ptr<JetStreamLog>(new JetStreamLog(options, std::move(handles)));
}

std::string JetStreamLog::stream_name(uint32_t partition) const { return cat(options_.prefix, "_P", partition); }

std::string JetStreamLog::subject(uint32_t partition) const { return cat(options_.prefix, ".log.", partition); }

Status JetStreamLog::ensure_stream(uint32_t partition) { return ensure(stream_name(partition), subject(partition)); }

Status JetStreamLog::ensure_once_stream() {
  return ensure(cat(options_.prefix, "_ONCE"), cat(options_.prefix, ".once.>"));
}

Status JetStreamLog::ensure(const std::string& name, const std::string& subj) {
  const char* subjects[] = {subj.c_str()};
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = name.c_str();
  config.Subjects = subjects;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;
  config.Replicas = options_.replicas;
  config.MaxMsgSize = static_cast<int32_t>(options_.max_record_bytes);
  config.Retention = js_LimitsPolicy;
  config.Discard = js_DiscardNew;  // never drop a record to make room: refuse the append instead
  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_AddStream(&info, handles_->js, &config, nullptr, &code);
  if (s == NATS_OK) {
    jsStreamInfo_Destroy(info);
    return Status::ok();
  }
  if (code != JSStreamNameExistErr)
    return Status::unavailable(cat("creating stream ", name, ": ", nats_error(s, code)));
  // It exists with another configuration: keep it if its copies are ours.
  s = js_GetStreamInfo(&info, handles_->js, name.c_str(), nullptr, &code);
  if (s != NATS_OK) return Status::unavailable(cat("reading stream ", name, ": ", nats_error(s, code)));
  const int64_t replicas = info->Config->Replicas;
  jsStreamInfo_Destroy(info);
  if (replicas != options_.replicas)
    return Status::failed_precondition(
        cat("stream ", name, " has ", replicas, " replicas; this node is configured for ", options_.replicas));
  return Status::ok();
}

Result<uint64_t> JetStreamLog::last_sequence(uint32_t partition) {
  const std::string name = stream_name(partition);
  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  const natsStatus s = js_GetStreamInfo(&info, handles_->js, name.c_str(), nullptr, &code);
  if (s != NATS_OK) return Status::unavailable(cat("reading stream ", name, ": ", nats_error(s, code)));
  const uint64_t last = info->State.LastSeq;
  jsStreamInfo_Destroy(info);
  return last;
}

Result<uint64_t> JetStreamLog::append(uint32_t partition, uint64_t expected_last, uint64_t first_seq, uint32_t count,
                                      std::string_view entries, std::string_view broadcast) {
  if (static_cast<int64_t>(entries.size()) > options_.max_record_bytes)
    return Status::resource_exhausted(
        cat("record of ", entries.size(), " bytes exceeds max_record_bytes ", options_.max_record_bytes));
  const Published out = publish(handles_->js, options_.timeout_ms, subject(partition), entries,
                                {{kExpectedLastHeader, std::to_string(expected_last)},
                                 {kFirstSeqHeader, std::to_string(first_seq)},
                                 {kCountHeader, std::to_string(count)},
                                 {kBroadcastHeader, std::string(broadcast)}});
  if (out.status == NATS_OK) return out.seq;
  if (out.code == JSStreamWrongLastSequenceErr)
    return Status::failed_precondition(cat("stream ", stream_name(partition), " moved past sequence ", expected_last,
                                           ": another writer appended (this one is no longer the leader)"));
  return Status::unavailable(
      cat("appending to stream ", stream_name(partition), ": ", nats_error(out.status, out.code)));
}

Status JetStreamLog::read(uint32_t partition, uint64_t from, const std::function<Status(const StreamRecord&)>& visit) {
  const std::string name = stream_name(partition);
  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&info, handles_->js, name.c_str(), nullptr, &code);
  if (s != NATS_OK) return Status::unavailable(cat("reading stream ", name, ": ", nats_error(s, code)));
  const uint64_t first = info->State.FirstSeq;
  const uint64_t last = info->State.LastSeq;
  jsStreamInfo_Destroy(info);
  if (from == 0) from = 1;
  if (last == 0 || from > last) return Status::ok();
  if (from < first)
    return Status::failed_precondition(
        cat("stream ", name, " no longer holds records before ", first, " (asked from ", from, ")"));
  for (uint64_t seq = from; seq <= last; ++seq) {
    const Status visited = fetch(name, seq, visit);
    if (!visited.is_ok()) return visited;
  }
  return Status::ok();
}

Status JetStreamLog::fetch(const std::string& name, uint64_t seq,
                           const std::function<Status(const StreamRecord&)>& visit) {
  natsMsg* msg = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  const natsStatus s = js_GetMsg(&msg, handles_->js, name.c_str(), seq, nullptr, &code);
  if (s != NATS_OK)
    return Status::unavailable(cat("reading record ", seq, " of stream ", name, ": ", nats_error(s, code)));
  StreamRecord record;
  record.stream_seq = seq;
  uint64_t count = 0;
  const bool headers_ok = header_number(msg, kFirstSeqHeader, &record.first_seq) &&
                          header_number(msg, kCountHeader, &count) && count <= UINT32_MAX;
  record.count = static_cast<uint32_t>(count);
  record.entries = std::string_view(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
  if (const char* id = nullptr; natsMsgHeader_Get(msg, kBroadcastHeader, &id) == NATS_OK && id != nullptr)
    record.broadcast = id;
  const Status visited = headers_ok ? visit(record)
                                    : Status::internal(cat("record ", seq, " of stream ", name,
                                                           " lacks its Tessera-First-Seq / Tessera-Count headers"));
  natsMsg_Destroy(msg);
  return visited;
}

Status JetStreamLog::read_record(uint32_t partition, uint64_t stream_seq,
                                 const std::function<Status(const StreamRecord&)>& visit) {
  return fetch(stream_name(partition), stream_seq, visit);
}

Result<std::string> JetStreamLog::put_once(std::string_view key, std::string_view value) {
  for (char c : key)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return Status::invalid_argument(cat("key '", key, "': letters, digits, '-', '_' and '.' only"));
  const std::string subj = cat(options_.prefix, ".once.", key);
  const Published out =
      publish(handles_->js, options_.timeout_ms, subj, value, {{kExpectedLastSubjectHeader, std::string("0")}});
  if (out.status == NATS_OK) return std::string(value);
  if (out.code != JSStreamWrongLastSequenceErr)
    return Status::unavailable(cat("storing ", key, ": ", nats_error(out.status, out.code)));
  // Stored before: read what.
  const std::string stream = cat(options_.prefix, "_ONCE");
  natsMsg* msg = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  const natsStatus s = js_GetLastMsg(&msg, handles_->js, stream.c_str(), subj.c_str(), nullptr, &code);
  if (s != NATS_OK) return Status::unavailable(cat("reading ", key, ": ", nats_error(s, code)));
  std::string stored(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
  natsMsg_Destroy(msg);
  return stored;
}

Result<bool> JetStreamLog::decide_broadcast(std::string_view id, bool commit) {
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)))
      return Status::invalid_argument(cat("broadcast id '", id, "': letters and digits only"));
  Result<std::string> stored = put_once(cat("broadcast.", id), commit ? kCommit : kAbort);
  if (!stored.is_ok()) return stored.status();
  if (*stored != kCommit && *stored != kAbort)
    return Status::internal(cat("broadcast ", id, " has an unknown outcome"));
  return *stored == kCommit;
}

}  // namespace tessera::cluster
