// NetMetrics: the network layer's counters, rendered in Prometheus text
// format by the admin HTTP endpoint (server/admin_http).
//
// Hot counters (commands by type and result code, request latency, bytes)
// are relaxed atomics in per-thread stripes: each I/O thread adds to its own
// cache lines, a scrape sums the stripes. Connection gauges are single
// atomics (they change once per connection).
// Thread-safety: every member may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <variant>

#include "engine/command.h"
#include "net/result_code.h"
#include "net/tessera_generated.h"

namespace tessera::net {

class NetMetrics {
 public:
  static constexpr uint32_t kCommandTypes = std::variant_size_v<engine::CommandBody>;
  static constexpr uint32_t kUndecoded = kCommandTypes;  // type slot of a command that did not decode
  // Upper bounds of the request latency histogram, in microseconds.
  static constexpr std::array<uint64_t, 16> kLatencyBucketsUs = {25,      50,      100,       250,      500,    1'000,
                                                                 2'500,   5'000,   10'000,    25'000,   50'000, 100'000,
                                                                 250'000, 500'000, 1'000'000, 5'000'000};
  static constexpr uint32_t kErrorCodes = static_cast<uint32_t>(wire::ErrorCode::MAX) + 1;
  // Why a TLS connection did not get past its handshake.
  enum class TlsFailure : uint8_t {
    kHandshake,  // the handshake failed (no common version or cipher, bad record, peer gave up)
    kPlainText,  // the client spoke the protocol without TLS
    kTimeout,    // not complete within hello_deadline_ms (or the close linger)
  };
  static constexpr uint32_t kTlsFailures = 3;

  NetMetrics();
  NetMetrics(const NetMetrics&) = delete;
  NetMetrics& operator=(const NetMetrics&) = delete;

  // REQUIRES type <= kUndecoded.
  void command(uint32_t type, engine::ReplyCode code);
  void request_done(uint64_t latency_us);
  void bytes_in(uint64_t n);
  void bytes_out(uint64_t n);
  void connection_opened();
  void connection_closed();
  void connection_refused();
  void protocol_error(wire::ErrorCode code);
  void tls_failure(TlsFailure why);

  int64_t connections_open() const { return connections_open_.load(std::memory_order_relaxed); }
  uint64_t commands_total(uint32_t type, engine::ReplyCode code) const;
  uint64_t requests_total() const;
  uint64_t protocol_errors(wire::ErrorCode code) const;
  uint64_t tls_failures(TlsFailure why) const;

  // Appends every series in Prometheus text exposition format.
  void render(std::string& out) const;

 private:
  static constexpr uint32_t kStripes = 8;
  struct alignas(64) Stripe {
    std::array<std::array<std::atomic<uint64_t>, kResultCodeSlots>, kCommandTypes + 1> commands{};
    std::array<std::atomic<uint64_t>, kLatencyBucketsUs.size() + 1> latency{};  // last = +Inf
    std::atomic<uint64_t> latency_sum_us{0}, requests{0}, bytes_in{0}, bytes_out{0};
  };
  Stripe& stripe();
  template <typename F>
  uint64_t sum(F field) const;

  std::array<Stripe, kStripes> stripes_;
  std::atomic<int64_t> connections_open_{0};
  std::atomic<uint64_t> connections_total_{0}, connections_refused_{0};
  std::array<std::atomic<uint64_t>, kErrorCodes> protocol_errors_{};
  std::array<std::atomic<uint64_t>, kTlsFailures> tls_failures_{};
};

}  // namespace tessera::net
