// http_get over a blocking socket with poll() deadlines; metrics parsing.
#include "tools/cli/metrics_fetch.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>

#include "engine/command.h"

namespace tessera::tools {

using engine::cat;

namespace {

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

Result<int> dial(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0)
    return Status::unavailable(cat("cannot resolve ", host, ": ", gai_strerror(rc)));
  std::string last_error = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      ::freeaddrinfo(found);
      return fd;
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return Status::unavailable(cat("cannot connect to admin port ", host, ":", port, ": ", last_error));
}

}  // namespace

Result<std::string> http_get(const std::string& host, uint16_t port, std::string_view target) {
  auto fd = dial(host, port);
  if (!fd.is_ok()) return fd.status();
  Socket socket(*fd);
  const std::string request = cat("GET ", std::string(target), " HTTP/1.1\r\nHost: ", host, ":", port,
                                  "\r\nConnection: close\r\nUser-Agent: tessera-cli\r\n\r\n");
  for (size_t done = 0; done < request.size();) {
    const ssize_t n = ::send(socket.fd(), request.data() + done, request.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return Status::unavailable(cat("admin port: send failed: ", std::strerror(errno)));
    done += static_cast<size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kHttpDeadlineMs);
  std::string response;
  char buf[16 * 1024];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{socket.fd(), POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1)
      return Status::unavailable(cat("admin port: no complete answer within ", kHttpDeadlineMs, " ms"));
    const ssize_t n = ::recv(socket.fd(), buf, sizeof buf, 0);
    if (n < 0) return Status::unavailable(cat("admin port: recv failed: ", std::strerror(errno)));
    if (n == 0) break;
    response.append(buf, static_cast<size_t>(n));
    if (response.size() > kHttpResponseBytesMax)
      return Status::resource_exhausted(cat("admin port: answer over ", kHttpResponseBytesMax, " bytes"));
  }
  const size_t head_end = response.find("\r\n\r\n");
  if (!response.starts_with("HTTP/1.") || head_end == std::string::npos)
    return Status::unavailable("admin port: not an HTTP answer");
  const int status = std::atoi(response.c_str() + response.find(' ') + 1);
  std::string body = response.substr(head_end + 4);
  if (status != 200) return Status::failed_precondition(cat("admin port answered ", status, ": ", body));
  return body;  // Connection: close, no chunking from tessera-server
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
