// Etcd: v3 calls as JSON over HTTP (etcd's gRPC gateway).
#include "cluster/etcd.h"

#include <curl/curl.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "base/check.h"
#include "base/strings.h"

namespace tessera::cluster {

namespace {

using nlohmann::json;

// The gateway carries keys and values in base64.
std::string base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

Result<std::string> unbase64(const json& j) {
  if (!j.is_string()) return std::string();  // absent: an empty key or value
  const std::string& text = j.get_ref<const std::string&>();
  std::string out(text.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return Status::internal("etcd answered a key or value that is not base64");
  out.resize(length);
  return out;
}

// The gateway writes 64-bit numbers as strings and leaves out zeros.
int64_t number(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (!it->is_string()) return 0;
  try {
    return std::stoll(it->get_ref<const std::string&>());
  } catch (const std::exception&) {
    return 0;
  }
}

Result<KeyValue> key_value(const json& kv) {
  KeyValue out;
  Result<std::string> key = unbase64(kv.value("key", json()));
  if (!key.is_ok()) return key.status();
  Result<std::string> value = unbase64(kv.value("value", json()));
  if (!value.is_ok()) return value.status();
  out.key = std::move(*key);
  out.value = std::move(*value);
  out.create_revision = number(kv, "create_revision");
  out.mod_revision = number(kv, "mod_revision");
  out.lease = number(kv, "lease");
  return out;
}

Result<json> parse(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::internal(cat("etcd answered something not JSON: ", body));
  return j;
}

// The first key after every key that starts with `prefix` (etcd's range_end).
std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (end.empty()) return std::string(1, '\0');  // every key
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

size_t append_body(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

struct Etcd::Http {
  CURL* curl = nullptr;
  ~Http() { curl_easy_cleanup(curl); }
};

Result<std::unique_ptr<Etcd>> Etcd::connect(EtcdOptions options) {
  if (options.endpoints.empty()) return Status::invalid_argument("etcd: no endpoint");
  for (const std::string& e : options.endpoints)
    if (e.rfind("http://", 0) != 0 && e.rfind("https://", 0) != 0)
      return Status::invalid_argument(cat("etcd endpoint '", e, "': an http:// or https:// URL"));
  if (options.timeout_ms <= 0) return Status::invalid_argument("etcd: timeout_ms must be positive");
  static std::once_flag global_init;
  std::call_once(global_init, [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    TESSERA_CHECK_MSG(sodium_init() >= 0, "libsodium failed to initialise");
  });
  auto http = std::make_unique<Http>();
  http->curl = curl_easy_init();
  if (http->curl == nullptr) return Status::internal("etcd: curl_easy_init failed");
  return std::unique_ptr<Etcd>(new Etcd(std::move(options), std::move(http)));
}

Etcd::Etcd(EtcdOptions options, std::unique_ptr<Http> http) : options_(std::move(options)), http_(std::move(http)) {}

Etcd::~Etcd() = default;

Result<std::string> Etcd::post(std::string_view path, const std::string& body) {
  std::lock_guard lock(mutex_);
  std::string why;
  for (size_t tried = 0; tried < options_.endpoints.size(); ++tried) {
    const size_t at = (next_ + tried) % options_.endpoints.size();
    const std::string url = cat(options_.endpoints[at], path);
    std::string reply;
    CURL* curl = http_->curl;
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
    const CURLcode code = curl_easy_perform(curl);
    long http_status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
    if (code != CURLE_OK) {
      why = cat(url, ": ", curl_easy_strerror(code));
      continue;
    }
    if (http_status >= 500) {  // the member has no leader, or is shutting down: another may do
      why = cat(url, ": HTTP ", http_status, " ", reply);
      continue;
    }
    next_ = at;
    if (http_status != 200) {
      Result<json> error = parse(reply);
      const std::string message = error.is_ok() ? error->value("message", reply) : reply;
      if (error.is_ok() && number(*error, "code") == 5) return Status::not_found(cat("etcd: ", message));
      return Status::failed_precondition(cat("etcd refused ", path, ": ", message));
    }
    return reply;
  }
  return Status::unavailable(cat("no etcd endpoint answered (last: ", why, ")"));
}

Result<int64_t> Etcd::grant(int64_t ttl_s) {
  if (ttl_s <= 0) return Status::invalid_argument("etcd: a lease's TTL must be positive");
  Result<std::string> reply = post("/v3/lease/grant", json{{"TTL", std::to_string(ttl_s)}}.dump());
  if (!reply.is_ok()) return reply.status();
  Result<json> j = parse(*reply);
  if (!j.is_ok()) return j.status();
  const int64_t id = number(*j, "ID");
  if (id == 0) return Status::internal(cat("etcd granted no lease: ", *reply));
  return id;
}

Result<int64_t> Etcd::keep_alive(int64_t lease) {
  Result<std::string> reply = post("/v3/lease/keepalive", json{{"ID", std::to_string(lease)}}.dump());
  if (!reply.is_ok()) return reply.status();
  Result<json> j = parse(*reply);
  if (!j.is_ok()) return j.status();
  // One message of the stream: {"result": {"ID": …, "TTL": …}}; no TTL when
  // the lease is gone.
  const auto result = j->find("result");
  if (result == j->end() || !result->is_object()) return Status::internal(cat("etcd keepalive: ", *reply));
  return number(*result, "TTL");
}

Status Etcd::revoke(int64_t lease) {
  Result<std::string> reply = post("/v3/lease/revoke", json{{"ID", std::to_string(lease)}}.dump());
  return reply.status();
}

Result<Created> Etcd::create(std::string_view key, std::string_view value, int64_t lease) {
  const std::string k = base64(key);
  json put = {{"key", k}, {"value", base64(value)}};
  if (lease != 0) put["lease"] = std::to_string(lease);
  const json txn = {
      {"compare", json::array({{{"key", k}, {"target", "CREATE"}, {"result", "EQUAL"}, {"create_revision", "0"}}})},
      {"success", json::array({{{"request_put", put}}, {{"request_range", {{"key", k}}}}})},
      {"failure", json::array({{{"request_range", {{"key", k}}}}})}};
  Result<std::string> reply = post("/v3/kv/txn", txn.dump());
  if (!reply.is_ok()) return reply.status();
  Result<json> j = parse(*reply);
  if (!j.is_ok()) return j.status();
  Created out;
  out.created = j->value("succeeded", false);
  // The range is the last response either way.
  const json& responses = j->value("responses", json::array());
  if (!responses.is_array() || responses.empty()) return Status::internal(cat("etcd txn: ", *reply));
  const json& range = responses.back().value("response_range", json::object());
  const json& kvs = range.value("kvs", json::array());
  if (!kvs.is_array() || kvs.empty())  // the key's lease ended between the compare and the range: gone already
    return out;
  Result<KeyValue> kv = key_value(kvs.front());
  if (!kv.is_ok()) return kv.status();
  out.kv = std::move(*kv);
  return out;
}

Result<std::optional<KeyValue>> Etcd::get(std::string_view key) {
  Result<std::string> reply = post("/v3/kv/range", json{{"key", base64(key)}}.dump());
  if (!reply.is_ok()) return reply.status();
  Result<json> j = parse(*reply);
  if (!j.is_ok()) return j.status();
  const json& kvs = j->value("kvs", json::array());
  if (!kvs.is_array() || kvs.empty()) return std::optional<KeyValue>();
  Result<KeyValue> kv = key_value(kvs.front());
  if (!kv.is_ok()) return kv.status();
  return std::optional<KeyValue>(std::move(*kv));
}

Result<std::vector<KeyValue>> Etcd::list(std::string_view prefix) {
  Result<std::string> reply =
      post("/v3/kv/range", json{{"key", base64(prefix)}, {"range_end", base64(prefix_end(prefix))}}.dump());
  if (!reply.is_ok()) return reply.status();
  Result<json> j = parse(*reply);
  if (!j.is_ok()) return j.status();
  std::vector<KeyValue> out;
  const json& kvs = j->value("kvs", json::array());
  if (!kvs.is_array()) return out;
  for (const json& one : kvs) {
    Result<KeyValue> kv = key_value(one);
    if (!kv.is_ok()) return kv.status();
    out.push_back(std::move(*kv));
  }
  return out;
}

}  // namespace tessera::cluster
