// NetMetrics: striped counters and their Prometheus rendering.
#include "net/metrics.h"

#include <algorithm>
#include <utility>

namespace tessera::net {

namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

template <size_t... I>
std::array<std::string_view, sizeof...(I)> command_names(std::index_sequence<I...>) {
  return {engine::command_name(engine::CommandBody(std::in_place_index<I>))...};
}

const std::array<std::string_view, NetMetrics::kCommandTypes>& names() {
  static const auto kNames = command_names(std::make_index_sequence<NetMetrics::kCommandTypes>());
  return kNames;
}

void line(std::string& out, std::string_view name, std::string_view labels, uint64_t value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace

NetMetrics::NetMetrics() = default;

NetMetrics::Stripe& NetMetrics::stripe() {
  static std::atomic<uint32_t> next{0};
  thread_local const uint32_t index = next.fetch_add(1, kRelaxed) % kStripes;
  return stripes_[index];
}

template <typename F>
uint64_t NetMetrics::sum(F field) const {
  uint64_t total = 0;
  for (const Stripe& s : stripes_) total += field(s).load(kRelaxed);
  return total;
}

void NetMetrics::command(uint32_t type, engine::ReplyCode code) {
  const uint32_t c = static_cast<uint32_t>(code) < kResultCodeSlots ? static_cast<uint32_t>(code) : 0;
  stripe().commands[type][c].fetch_add(1, kRelaxed);
}

void NetMetrics::request_done(uint64_t latency_us) {
  Stripe& s = stripe();
  uint32_t b = 0;
  while (b < kLatencyBucketsUs.size() && latency_us > kLatencyBucketsUs[b]) ++b;
  s.latency[b].fetch_add(1, kRelaxed);
  s.latency_sum_us.fetch_add(latency_us, kRelaxed);
  s.requests.fetch_add(1, kRelaxed);
}

void NetMetrics::bytes_in(uint64_t n) { stripe().bytes_in.fetch_add(n, kRelaxed); }
void NetMetrics::bytes_out(uint64_t n) { stripe().bytes_out.fetch_add(n, kRelaxed); }
void NetMetrics::connection_opened() {
  connections_open_.fetch_add(1, kRelaxed);
  connections_total_.fetch_add(1, kRelaxed);
}
void NetMetrics::connection_closed() { connections_open_.fetch_sub(1, kRelaxed); }
void NetMetrics::connection_refused() { connections_refused_.fetch_add(1, kRelaxed); }
void NetMetrics::protocol_error(wire::ErrorCode code) {
  const auto i = static_cast<uint32_t>(code);
  if (i < kErrorCodes) protocol_errors_[i].fetch_add(1, kRelaxed);
}

void NetMetrics::tls_failure(TlsFailure why) { tls_failures_[static_cast<uint32_t>(why)].fetch_add(1, kRelaxed); }

uint64_t NetMetrics::commands_total(uint32_t type, engine::ReplyCode code) const {
  return sum(
      [&](const Stripe& s) -> const std::atomic<uint64_t>& { return s.commands[type][static_cast<uint32_t>(code)]; });
}

uint64_t NetMetrics::requests_total() const {
  return sum([](const Stripe& s) -> const std::atomic<uint64_t>& { return s.requests; });
}

uint64_t NetMetrics::protocol_errors(wire::ErrorCode code) const {
  const auto i = static_cast<uint32_t>(code);
  return i < kErrorCodes ? protocol_errors_[i].load(kRelaxed) : 0;
}

uint64_t NetMetrics::tls_failures(TlsFailure why) const {
  return tls_failures_[static_cast<uint32_t>(why)].load(kRelaxed);
}

void NetMetrics::render(std::string& out) const {
  header(out, "tessera_commands_total", "counter", "Commands answered, by command type and result code.");
  for (uint32_t t = 0; t <= kCommandTypes; ++t) {
    const std::string_view type = t < kCommandTypes ? names()[t] : std::string_view("Undecoded");
    for (uint32_t c = 0; c < kResultCodeSlots; ++c) {
      const uint64_t n = sum([&](const Stripe& s) -> const std::atomic<uint64_t>& { return s.commands[t][c]; });
      if (n == 0) continue;
      line(out, "tessera_commands_total",
           engine::cat("type=\"", type, "\",code=\"", result_code_name(engine::ReplyCode(static_cast<uint8_t>(c))),
                       "\""),
           n);
    }
  }
  header(out, "tessera_request_latency_us", "histogram",
         "Request latency from frame decoded to response queued, in microseconds.");
  uint64_t cumulative = 0;
  for (uint32_t b = 0; b <= kLatencyBucketsUs.size(); ++b) {
    cumulative += sum([&](const Stripe& s) -> const std::atomic<uint64_t>& { return s.latency[b]; });
    const std::string le = b < kLatencyBucketsUs.size() ? std::to_string(kLatencyBucketsUs[b]) : "+Inf";
    line(out, "tessera_request_latency_us_bucket", engine::cat("le=\"", le, "\""), cumulative);
  }
  line(out, "tessera_request_latency_us_sum", "",
       sum([](const Stripe& s) -> const std::atomic<uint64_t>& { return s.latency_sum_us; }));
  line(out, "tessera_request_latency_us_count", "", requests_total());
  header(out, "tessera_bytes_in_total", "counter", "Bytes read from client connections.");
  line(out, "tessera_bytes_in_total", "",
       sum([](const Stripe& s) -> const std::atomic<uint64_t>& { return s.bytes_in; }));
  header(out, "tessera_bytes_out_total", "counter", "Bytes written to client connections.");
  line(out, "tessera_bytes_out_total", "",
       sum([](const Stripe& s) -> const std::atomic<uint64_t>& { return s.bytes_out; }));
  header(out, "tessera_connections_open", "gauge", "Client connections open now.");
  line(out, "tessera_connections_open", "", static_cast<uint64_t>(std::max<int64_t>(0, connections_open())));
  header(out, "tessera_connections_total", "counter", "Client connections accepted.");
  line(out, "tessera_connections_total", "", connections_total_.load(kRelaxed));
  header(out, "tessera_connections_refused_total", "counter", "Connections refused at the connection limit.");
  line(out, "tessera_connections_refused_total", "", connections_refused_.load(kRelaxed));
  header(out, "tessera_protocol_errors_total", "counter", "Connections closed for a protocol error, by error code.");
  for (uint32_t e = 1; e < kErrorCodes; ++e)
    line(out, "tessera_protocol_errors_total",
         engine::cat("code=\"", wire::EnumNameErrorCode(static_cast<wire::ErrorCode>(e)), "\""),
         protocol_errors_[e].load(kRelaxed));
  header(out, "tessera_tls_handshake_failures_total", "counter",
         "TLS connections closed before their handshake completed, by reason.");
  static constexpr std::array<const char*, kTlsFailures> kTlsFailureNames = {"handshake", "plain_text", "timeout"};
  for (uint32_t r = 0; r < kTlsFailures; ++r)
    line(out, "tessera_tls_handshake_failures_total", engine::cat("reason=\"", kTlsFailureNames[r], "\""),
         tls_failures_[r].load(kRelaxed));
}

}  // namespace tessera::net
