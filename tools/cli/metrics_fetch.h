// Fetching and summarising the server's Prometheus /metrics page for
// `tessera stats`: one HTTP or HTTPS GET (libcurl), bounded in time and
// size.
// Thread-safety: pure functions (http_get blocks its caller).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace tessera::tools {

inline constexpr uint32_t kHttpDeadlineMs = 5'000;
inline constexpr uint32_t kHttpResponseBytesMax = 4u << 20;

struct HttpTarget {
  std::string host;
  uint16_t port = 0;
  bool tls = false;     // https (ca_file implies it)
  std::string ca_file;  // PEM CAs the server's certificate must chain to; empty = the system's
};

// GET http(s)://host:port/target. Returns the body of a 200 answer; other
// statuses are failed_precondition, network and certificate failures
// unavailable.
Result<std::string> http_get(const HttpTarget& to, std::string_view target);

// The key figures of a metrics page, in display order: (name, value).
// Series summed over their labels (shards, command types), plus a few
// derived ones (commands by result code, mean and approximate p99 request
// latency from the histogram buckets).
std::vector<std::pair<std::string, double>> summarize_metrics(std::string_view page);

}  // namespace tessera::tools
