// tessera-load's final report: a human table and a one-line JSON object.
#include <cinttypes>
#include <cstdio>

#include "net/result_code.h"
#include "tools/load/load_run.h"

namespace tessera::tools {

namespace {

std::string fmt(const char* format, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

std::string ms(uint64_t us) { return fmt("%.3f ms", static_cast<double>(us) / 1000.0); }

std::string json_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt("\\u%04x", c);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string format_report(const LoadReport& r) {
  std::string out;
  out += fmt("mix %s  connections %u  pipeline %u  batch %u  %s  seed %" PRIu64 "\n",
             std::string(mix_name(r.mix)).c_str(), r.connections, r.pipeline, r.batch,
             r.rate ? fmt("open loop %" PRIu64 " cmd/s", r.rate).c_str() : "closed loop", r.seed);
  out += fmt("%-22s %.2f s\n", "duration", r.seconds);
  out += fmt("%-22s %" PRIu64 " (%.0f req/s)\n", "requests", r.requests, r.requests_per_s());
  out += fmt("%-22s %" PRIu64 "\n", "commands", r.commands);
  out += fmt("%-22s %.0f cmd/s\n", "throughput", r.commands_per_s());
  if (r.holds) out += fmt("%-22s %" PRIu64 " (%.0f holds/s)\n", "holds", r.holds, r.holds_per_s());
  out += fmt("%-22s p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (mean %.3f ms)\n", "request latency",
             ms(r.latency.percentile_us(50)).c_str(), ms(r.latency.percentile_us(90)).c_str(),
             ms(r.latency.percentile_us(99)).c_str(), ms(r.latency.percentile_us(99.9)).c_str(),
             ms(r.latency.max_us()).c_str(), r.latency.mean_us() / 1000.0);
  if (r.failed_requests)
    out += fmt("%-22s %" PRIu64 " (first: %s)\n", "failed requests", r.failed_requests, r.first_failure.c_str());
  if (r.skipped_requests)
    out += fmt("%-22s %" PRIu64 " (connection saturated)\n", "skipped requests", r.skipped_requests);
  out += "reply codes:\n";
  for (uint32_t k = 0; k < r.codes.size(); ++k)
    if (r.codes[k])
      out += fmt("  %-20s %" PRIu64 "\n",
                 std::string(net::result_code_name(engine::ReplyCode(static_cast<uint8_t>(k)))).c_str(), r.codes[k]);
  if (r.rush) {
    const RushResult& x = *r.rush;
    out += fmt("rush: performance %u capacity %u confirmed %" PRIu64 " units in %" PRIu64 " orders, available %" PRId64
               "\n",
               x.performance, x.capacity, x.confirmed_units, x.confirmed_orders, x.available);
    out += x.verdict + "\n";
  } else if (r.sale) {
    if (r.mix != LoadMix::kSearch)
      out += fmt("sold %" PRIu64 " units, oversold %" PRIu64 "\n", r.sale->sold_units, r.sale->oversold_units);
    out += r.sale->verdict + "\n";
  }
  return out;
}

std::string format_report_json(const LoadReport& r) {
  std::string out = "{";
  out += fmt("\"mix\":\"%s\",\"connections\":%u,\"pipeline\":%u,\"batch\":%u,\"rate\":%" PRIu64 ",\"seed\":%" PRIu64,
             std::string(mix_name(r.mix)).c_str(), r.connections, r.pipeline, r.batch, r.rate, r.seed);
  out += fmt(",\"seconds\":%.3f,\"requests\":%" PRIu64 ",\"commands\":%" PRIu64 ",\"commands_per_s\":%.0f", r.seconds,
             r.requests, r.commands, r.commands_per_s());
  out += fmt(",\"holds\":%" PRIu64 ",\"holds_per_s\":%.0f,\"throughput_per_s\":%.0f", r.holds, r.holds_per_s(),
             mix_counts_holds(r.mix) ? r.holds_per_s() : r.commands_per_s());
  out += fmt(",\"latency_us_p50\":%" PRIu64 ",\"latency_us_p90\":%" PRIu64 ",\"latency_us_p99\":%" PRIu64
             ",\"latency_us_p999\":%" PRIu64 ",\"latency_us_max\":%" PRIu64,
             r.latency.percentile_us(50), r.latency.percentile_us(90), r.latency.percentile_us(99),
             r.latency.percentile_us(99.9), r.latency.max_us());
  out += fmt(",\"failed_requests\":%" PRIu64 ",\"skipped_requests\":%" PRIu64, r.failed_requests, r.skipped_requests);
  out += ",\"codes\":{";
  bool first = true;
  for (uint32_t k = 0; k < r.codes.size(); ++k) {
    if (!r.codes[k]) continue;
    out += fmt("%s\"%s\":%" PRIu64, first ? "" : ",",
               std::string(net::result_code_name(engine::ReplyCode(static_cast<uint8_t>(k)))).c_str(), r.codes[k]);
    first = false;
  }
  out += "}";
  if (r.rush) {
    const RushResult& x = *r.rush;
    out += fmt(",\"rush\":{\"performance\":%u,\"capacity\":%u,\"confirmed_units\":%" PRIu64
               ",\"confirmed_orders\":%" PRIu64 ",\"available\":%" PRId64 ",\"sold_out\":%s,\"pass\":%s,\"verdict\":\"",
               x.performance, x.capacity, x.confirmed_units, x.confirmed_orders, x.available,
               x.sold_out ? "true" : "false", x.pass ? "true" : "false");
    out += json_escape(x.verdict) + "\"}";
  }
  if (r.sale) {
    out += fmt(",\"sold_units\":%" PRIu64 ",\"oversold_units\":%" PRIu64 ",\"check_pass\":%s,\"check\":\"",
               r.sale->sold_units, r.sale->oversold_units, r.sale->pass ? "true" : "false");
    out += json_escape(r.sale->verdict) + "\"";
  }
  out += "}\n";
  return out;
}

}  // namespace tessera::tools
