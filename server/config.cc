// ServerConfig parsing: one table of keys shared by flags and the file.
#include "server/config.h"

#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

#include "engine/limits.h"

namespace tessera::server {

using engine::cat;

namespace {

Status parse_u32(std::string_view text, uint32_t min, uint32_t max, uint32_t* out) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max)
    return Status::invalid_argument(cat("'", std::string(text), "' is not a number in [", min, ", ", max, "]"));
  *out = static_cast<uint32_t>(v);
  return Status::ok();
}

Status parse_bool(std::string_view text, bool* out) {
  if (text == "true" || text == "1" || text == "yes" || text.empty()) *out = true;
  else if (text == "false" || text == "0" || text == "no") *out = false;
  else return Status::invalid_argument(cat("'", std::string(text), "' is not true or false"));
  return Status::ok();
}

using Setter = std::function<Status(ServerConfig&, std::string_view)>;

Setter u32(uint32_t ServerConfig::*field, uint32_t min, uint32_t max) {
  return [=](ServerConfig& c, std::string_view v) { return parse_u32(v, min, max, &(c.*field)); };
}
Setter limit(uint32_t net::NetLimits::*field, uint32_t min, uint32_t max) {
  return [=](ServerConfig& c, std::string_view v) { return parse_u32(v, min, max, &(c.limits.*field)); };
}
Setter text(std::string ServerConfig::*field) {
  return [=](ServerConfig& c, std::string_view v) {
    c.*field = std::string(v);
    return Status::ok();
  };
}
Setter port(uint16_t ServerConfig::*field) {
  return [=](ServerConfig& c, std::string_view v) {
    uint32_t p = 0;
    Status s = parse_u32(v, 0, 65535, &p);
    c.*field = static_cast<uint16_t>(p);
    return s;
  };
}

const std::vector<std::pair<std::string_view, Setter>>& keys() {
  static const std::vector<std::pair<std::string_view, Setter>> kKeys = {
      {"listen", text(&ServerConfig::listen_address)},
      {"port", port(&ServerConfig::port)},
      {"admin_port", port(&ServerConfig::admin_port)},
      {"shards", u32(&ServerConfig::shards, 1, engine::kShardsMax)},
      {"io_threads", u32(&ServerConfig::io_threads, 1, net::kIoThreadsMax)},
      {"data_dir", text(&ServerConfig::data_dir)},
      {"durability",
       [](ServerConfig& c, std::string_view v) {
         Result<Durability> d = storage::parse_durability(v);
         if (!d.is_ok()) return d.status();
         c.durability = d.value();
         return Status::ok();
       }},
      {"snapshot_every_entries",
       [](ServerConfig& c, std::string_view v) {
         uint32_t n = 0;
         Status s = parse_u32(v, 1000, UINT32_MAX, &n);
         c.snapshot_every_entries = n;
         return s;
       }},
      {"snapshot_every_s",
       [](ServerConfig& c, std::string_view v) {
         uint32_t n = 0;
         Status s = parse_u32(v, 1, 7 * 24 * 3600, &n);
         c.snapshot_every_s = n;
         return s;
       }},
      {"orders_reserved_per_shard", u32(&ServerConfig::orders_reserved_per_shard, 0, engine::kLiveOrdersPerShardMax)},
      {"token", [](ServerConfig& c, std::string_view v) { return c.tokens.add_spec(v); }},
      {"demo", [](ServerConfig& c, std::string_view v) { return parse_bool(v, &c.demo); }},
      {"export_dir", text(&ServerConfig::export_dir)},
      {"smtp_host", text(&ServerConfig::smtp_host)},
      {"smtp_port", port(&ServerConfig::smtp_port)},
      {"mail_from", text(&ServerConfig::mail_from)},
      {"frame_bytes_max", limit(&net::NetLimits::frame_bytes_max, net::kFrameBytesMin, net::kFrameBytesMax)},
      {"commands_per_request_max", limit(&net::NetLimits::commands_per_request_max, 1, net::kCommandsPerRequestMax)},
      {"connections_max", limit(&net::NetLimits::connections_max, 1, net::kConnectionsMax)},
      {"requests_in_flight_max", limit(&net::NetLimits::requests_in_flight_max, 1, net::kRequestsInFlightMax)},
      {"frame_read_deadline_ms", limit(&net::NetLimits::frame_read_deadline_ms, 1, net::kDeadlineMsMax)},
      {"hello_deadline_ms", limit(&net::NetLimits::hello_deadline_ms, 1, net::kDeadlineMsMax)},
      {"drain_deadline_ms", limit(&net::NetLimits::drain_deadline_ms, 0, net::kDeadlineMsMax)},
      {"protocol_version_min",
       limit(&net::NetLimits::protocol_version_min, net::kProtocolVersionOldest, net::kProtocolVersion)},
  };
  return kKeys;
}

Status apply(ServerConfig& c, std::string_view key, std::string_view value, std::string_view origin) {
  for (const auto& [name, set] : keys()) {
    if (name != key) continue;
    Status s = set(c, value);
    if (!s.is_ok()) return Status::invalid_argument(cat(origin, ": ", std::string(key), ": ", s.message()));
    return Status::ok();
  }
  return Status::invalid_argument(cat(origin, ": unknown key '", std::string(key), "' (see --help)"));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Status apply_file(const std::string& path, ServerConfig& c) {
  std::ifstream in(path);
  if (!in) return Status::not_found(cat("cannot read config file '", path, "'"));
  std::stringstream text;
  text << in.rdbuf();
  return apply_config_text(text.str(), path, c);
}

}  // namespace

Status apply_config_text(std::string_view text, std::string_view origin, ServerConfig& config) {
  uint32_t number = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++number;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    const size_t eq = line.find('=');
    const std::string where = cat(origin, ":", number);
    if (eq == std::string_view::npos) return Status::invalid_argument(cat(where, ": expected key = value"));
    Status s = apply(config, trim(line.substr(0, eq)), trim(line.substr(eq + 1)), where);
    if (!s.is_ok()) return s;
  }
  return Status::ok();
}

Result<ServerConfig> parse_server_config(int argc, const char* const* argv) {
  // Flags as (key, value) pairs; the config file is applied first.
  std::vector<std::pair<std::string, std::string>> flags;
  std::string file;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return Status::failed_precondition(usage());
    if (!arg.starts_with("--")) return Status::invalid_argument(cat("unexpected argument '", std::string(arg), "'"));
    arg.remove_prefix(2);
    std::string key, value;
    if (const size_t eq = arg.find('='); eq != std::string_view::npos) {
      key = std::string(arg.substr(0, eq));
      value = std::string(arg.substr(eq + 1));
    } else {
      key = std::string(arg);
      if (key != "demo") {
        if (i + 1 >= argc) return Status::invalid_argument(cat("--", key, " needs a value"));
        value = argv[++i];
      }
    }
    for (char& ch : key) if (ch == '-') ch = '_';
    if (key == "config") file = value;
    else flags.emplace_back(std::move(key), std::move(value));
  }
  ServerConfig config;
  if (!file.empty()) {
    Status s = apply_file(file, config);
    if (!s.is_ok()) return s;
  }
  for (const auto& [key, value] : flags) {
    Status s = apply(config, key, value, cat("--", key));
    if (!s.is_ok()) return s;
  }
  Status s = validate(config);
  if (!s.is_ok()) return s;
  return config;
}

SmtpOptions ServerConfig::smtp_options() const {
  SmtpOptions o;
  o.host = smtp_host;
  o.port = smtp_port;
  return o;
}

Status validate(const ServerConfig& config) {
  if (config.tokens.empty())
    return Status::invalid_argument("no token configured: add at least one --token secret:role (webshop, backoffice, admin)");
  if (config.port != 0 && config.port == config.admin_port)
    return Status::invalid_argument("port and admin_port must differ");
  if (config.shards < 1 || config.shards > engine::kShardsMax)
    return Status::invalid_argument(cat("shards must be in [1, ", engine::kShardsMax, "]"));
  return Status::ok();
}

std::string usage() {
  return "usage: tessera-server [--config FILE] [--listen ADDR] [--port N] [--admin-port N]\n"
         "         [--shards N] [--io-threads N] [--data-dir DIR] [--durability sync|async|none]\n"
         "         [--snapshot-every-entries N] [--snapshot-every-s N] [--orders-reserved-per-shard N]\n"
         "         --token SECRET:ROLE [--token ...] [--demo]\n"
         "         [--frame-bytes-max N] [--commands-per-request-max N] [--connections-max N]\n"
         "         [--requests-in-flight-max N] [--frame-read-deadline-ms N] [--hello-deadline-ms N]\n"
         "         [--drain-deadline-ms N]\n"
         "         [--export-dir DIR] [--smtp-host HOST] [--smtp-port N] [--mail-from ADDRESS]\n"
         "ROLE is webshop, backoffice or admin. A config file holds the same keys as\n"
         "`key = value` lines (underscores instead of dashes, `token` repeated).\n";
}

}  // namespace tessera::server
