// Etcd: the few calls of etcd's v3 API that cluster mode's leadership needs
// (docs/cluster.md, issue 25), through etcd's JSON gateway (libcurl for
// HTTP, nlohmann::json for the bodies, libsodium for base64). Not consensus
// of our own: etcd keeps the keys and leases with Raft among its members.
//
// Every call goes to one endpoint and, when it does not answer (connection
// refused, timeout, HTTP 5xx), to the next, starting from the last that
// answered; kUnavailable when none did. An answer from etcd that refuses a
// request is not retried elsewhere.
//
// Thread-safety: calls may come from any thread (one HTTP handle, taken in
// turn).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tessera::cluster {

struct EtcdOptions {
  // The members' client URLs ("http://127.0.0.1:2379").
  std::vector<std::string> endpoints;
  int64_t timeout_ms = 1'000;  // per HTTP request
};

// One key as etcd keeps it.
struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;  // the revision that created it: unique per creation
  int64_t mod_revision = 0;
  int64_t lease = 0;  // 0: none
};

// What create() found: the key as it now stands, and whether this call
// created it.
struct Created {
  bool created = false;
  KeyValue kv;
};

class Etcd {
 public:
  // Checks the options; does not contact etcd (the first call does).
  static Result<std::unique_ptr<Etcd>> connect(EtcdOptions options);
  ~Etcd();
  Etcd(const Etcd&) = delete;
  Etcd& operator=(const Etcd&) = delete;

  // A new lease of ttl_s seconds: its id.
  Result<int64_t> grant(int64_t ttl_s);
  // Renews the lease: the seconds it now has left, 0 when etcd no longer
  // has it (expired or revoked: the keys under it are gone).
  Result<int64_t> keep_alive(int64_t lease);
  // Ends the lease and deletes every key under it at once.
  Status revoke(int64_t lease);

  // key = value under `lease`, if the key does not exist (one transaction:
  // create_revision == 0). Either way, the key as it stands after.
  Result<Created> create(std::string_view key, std::string_view value, int64_t lease);
  Result<std::optional<KeyValue>> get(std::string_view key);
  // Every key that starts with `prefix`, in key order.
  Result<std::vector<KeyValue>> list(std::string_view prefix);

 private:
  struct Http;
  Etcd(EtcdOptions options, std::unique_ptr<Http> http);
  // POSTs `body` (JSON) to `path` on an endpoint that answers; the reply's
  // body.
  Result<std::string> post(std::string_view path, const std::string& body);

  EtcdOptions options_;
  std::mutex mutex_;  // guards http_ and next_
  std::unique_ptr<Http> http_;
  size_t next_ = 0;  // the endpoint tried first
};

}  // namespace tessera::cluster
