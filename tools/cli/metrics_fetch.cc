// http_get over libcurl; metrics parsing.
#include "tools/cli/metrics_fetch.h"

#include <curl/curl.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include "engine/command.h"

namespace tessera::tools {

using engine::cat;

namespace {

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

size_t append_body(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * count > kHttpResponseBytesMax) return 0;  // libcurl then fails the transfer
  body->append(data, size * count);
  return size * count;
}

}  // namespace

// libcurl (already the mailer's SMTP client) rather than a hand-written
// HTTP/1.1 client: it brings HTTPS, certificate checks and deadlines.
Result<std::string> http_get(const HttpTarget& to, std::string_view target) {
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return Status::internal("admin port: libcurl failed to start");
  CURL* c = curl.get();
  const bool tls = to.tls || !to.ca_file.empty();
  const std::string url = cat(tls ? "https://" : "http://", to.host, ":", to.port, std::string(target));
  std::string body;
  char error[CURL_ERROR_SIZE] = "";
  bool ok = curl_easy_setopt(c, CURLOPT_URL, url.c_str()) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(kHttpDeadlineMs)) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_USERAGENT, "tessera-cli") == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_WRITEDATA, &body) == CURLE_OK;
  if (ok && !to.ca_file.empty()) ok = curl_easy_setopt(c, CURLOPT_CAINFO, to.ca_file.c_str()) == CURLE_OK;
  if (!ok) return Status::internal("admin port: libcurl refused an option");
  const CURLcode done = curl_easy_perform(c);
  if (done == CURLE_WRITE_ERROR)
    return Status::resource_exhausted(cat("admin port: answer over ", kHttpResponseBytesMax, " bytes"));
  if (done != CURLE_OK)
    return Status::unavailable(cat("admin port ", url, ": ", error[0] ? error : curl_easy_strerror(done)));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) return Status::failed_precondition(cat("admin port answered ", status, ": ", body));
  return body;
}

std::vector<std::pair<std::string, double>> summarize_metrics(std::string_view page) {
  std::map<std::string, double> total;             // name -> sum over labels
  std::map<std::string, double> by_code;           // result code -> commands
  std::vector<std::pair<double, double>> latency;  // (le, cumulative count)
  size_t start = 0;
  while (start < page.size()) {
    size_t end = page.find('\n', start);
    if (end == std::string_view::npos) end = page.size();
    const std::string_view line = page.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == std::string_view::npos) continue;
    const double value = std::strtod(std::string(line.substr(space + 1)).c_str(), nullptr);
    const std::string_view series = line.substr(0, space);
    const size_t brace = series.find('{');
    const std::string name(series.substr(0, brace));
    const std::string_view labels = brace == std::string_view::npos ? std::string_view() : series.substr(brace);
    total[name] += value;
    auto label = [&](std::string_view key) -> std::string {
      const size_t k = labels.find(cat(std::string(key), "=\""));
      if (k == std::string_view::npos) return "";
      const size_t v = k + key.size() + 2;
      return std::string(labels.substr(v, labels.find('"', v) - v));
    };
    if (name == "tessera_commands_total") by_code[label("code")] += value;
    if (name == "tessera_request_latency_us_bucket") {
      const std::string le = label("le");
      latency.emplace_back(le == "+Inf" ? -1 : std::strtod(le.c_str(), nullptr), value);
    }
  }
  std::vector<std::pair<std::string, double>> out;
  auto add = [&](const char* shown, const char* name) {
    if (total.count(name)) out.emplace_back(shown, total[name]);
  };
  add("commands answered", "tessera_commands_total");
  for (const auto& [code, n] : by_code) out.emplace_back(cat("  code ", code), n);
  add("requests", "tessera_request_latency_us_count");
  if (total["tessera_request_latency_us_count"] > 0)
    out.emplace_back("request latency mean (us)",
                     total["tessera_request_latency_us_sum"] / total["tessera_request_latency_us_count"]);
  if (!latency.empty() && latency.back().second > 0) {
    const double rank = 0.99 * latency.back().second;
    for (const auto& [le, cumulative] : latency) {
      if (cumulative >= rank) {
        out.emplace_back("request latency p99 <= (us)", le);  // bucket bound; -1 = above the last bound
        break;
      }
    }
  }
  add("connections open", "tessera_connections_open");
  add("connections total", "tessera_connections_total");
  add("connections refused", "tessera_connections_refused_total");
  add("protocol errors", "tessera_protocol_errors_total");
  add("bytes in", "tessera_bytes_in_total");
  add("bytes out", "tessera_bytes_out_total");
  add("shard commands applied", "tessera_shard_commands_total");
  add("shard inbox depth", "tessera_shard_inbox_depth");
  add("live orders", "tessera_live_orders");
  add("holds", "tessera_holds");
  add("options", "tessera_options");
  add("reservations", "tessera_reservations");
  add("overdue", "tessera_overdue");
  add("confirmed", "tessera_confirmed");
  add("expiry timers", "tessera_timers");
  add("expiries fired", "tessera_expiries_fired_total");
  return out;
}

}  // namespace tessera::tools
