// ServerConfig parsing: one CLI11 option per key (type, bounds, help), and
// the config file's `key = value` lines applied through those options.
#include "server/config.h"

#include <fstream>
#include <set>
#include <sstream>

#include "base/durable_file.h"
#include "engine/limits.h"
#include "tools/options/typed_options.h"

namespace tessera::server {

using engine::cat;
namespace opt = tessera::options;

namespace {

constexpr uint64_t kSnapshotEveryEntriesMin = 1'000;
constexpr int64_t kSnapshotEverySMax = 7 * 24 * 3600;

// What the options write besides ServerConfig's own fields.
struct Sources {
  std::string config_file;
  std::vector<std::string> tokens;     // "secret:role", from the flags and the file
  std::vector<std::string> pmg_tiers;  // "NAME:CENTS", likewise
};

constexpr size_t kPmgTiersMax = 16;
constexpr size_t kPmgTierNameMax = 32;

// The tier of "NAME:CENTS" (ARGENT:5000: an average basket of 50.00 or
// more), or why the spec is not one.
Result<engine::PmgTier> parse_pmg_tier(std::string_view spec) {
  const size_t colon = spec.rfind(':');
  if (colon == std::string_view::npos)
    return Status::invalid_argument(cat("'", std::string(spec), "' is not NAME:CENTS (e.g. ARGENT:5000)"));
  engine::PmgTier tier;
  tier.name = std::string(spec.substr(0, colon));
  const std::string_view cents = spec.substr(colon + 1);
  if (tier.name.empty() || tier.name.size() > kPmgTierNameMax)
    return Status::invalid_argument(cat("a PMG tier's name has 1 to ", kPmgTierNameMax, " bytes"));
  if (cents.empty() || cents.size() > 12 || cents.find_first_not_of("0123456789") != std::string_view::npos)
    return Status::invalid_argument(
        cat("'", std::string(cents), "' is not an amount in cents (digits only, at most 12: 5000 is 50.00)"));
  for (char ch : cents) tier.from_cents = tier.from_cents * 10 + static_cast<uint64_t>(ch - '0');
  return tier;
}

std::string pmg_tier_spec_error(const std::string& spec) {
  const Result<engine::PmgTier> tier = parse_pmg_tier(spec);
  return tier.is_ok() ? std::string() : tier.status().message();
}

const opt::Choices<Durability> kDurabilities = {{std::string(durability_name(Durability::kSync)), Durability::kSync},
                                                {std::string(durability_name(Durability::kAsync)), Durability::kAsync},
                                                {std::string(durability_name(Durability::kNone)), Durability::kNone}};

// "" when `spec` is secret:role with a known role; else why not.
std::string token_spec_error(const std::string& spec) {
  net::TokenTable scratch;
  const Status s = scratch.add_spec(spec);
  return s.is_ok() ? std::string() : s.message();
}

void declare_limits(CLI::App& app, net::NetLimits& l) {
  const char* group = "Limits (net/limits.h)";
  opt::add_number(app, "--frame-bytes-max", l.frame_bytes_max, net::kFrameBytesMin, net::kFrameBytesMax,
                  "largest frame a client may send")
      ->capture_default_str()
      ->group(group);
  opt::add_number(app, "--commands-per-request-max", l.commands_per_request_max, 1u, net::kCommandsPerRequestMax,
                  "commands in one request")
      ->capture_default_str()
      ->group(group);
  opt::add_number(app, "--connections-max", l.connections_max, 1u, net::kConnectionsMax,
                  "open client connections that completed Hello")
      ->capture_default_str()
      ->group(group);
  opt::add_number(app, "--connections-unauthenticated-max", l.connections_unauthenticated_max, 1u, net::kConnectionsMax,
                  "connections still waiting for their Hello (when full, the oldest is closed)")
      ->capture_default_str()
      ->group(group);
  opt::add_number(app, "--connections-per-address-max", l.connections_per_address_max, 1u, net::kConnectionsMax,
                  "open connections from one remote IP address, with or without Hello")
      ->capture_default_str()
      ->group(group);
  opt::add_number(app, "--requests-in-flight-max", l.requests_in_flight_max, 1u, net::kRequestsInFlightMax,
                  "requests in flight per connection")
      ->capture_default_str()
      ->group(group);
  opt::add_number(app, "--frame-read-deadline-ms", l.frame_read_deadline_ms, 1u, net::kDeadlineMsMax,
                  "time to receive the rest of a started frame")
      ->capture_default_str()
      ->group(group);
  opt::add_number(app, "--hello-deadline-ms", l.hello_deadline_ms, 1u, net::kDeadlineMsMax,
                  "time for a new connection to complete its Hello")
      ->capture_default_str()
      ->group(group);
  opt::add_number(app, "--drain-deadline-ms", l.drain_deadline_ms, 0u, net::kDeadlineMsMax,
                  "time given to requests in flight at a graceful stop")
      ->capture_default_str()
      ->group(group);
  opt::add_number(app, "--protocol-version-min", l.protocol_version_min, net::kProtocolVersionOldest,
                  net::kProtocolVersion, "oldest protocol version served")
      ->capture_default_str()
      ->group(group);
}

const opt::Choices<mail::SmtpTls> kSmtpTls = {{"none", mail::SmtpTls::kNone},
                                              {"optional", mail::SmtpTls::kOptional},
                                              {"starttls", mail::SmtpTls::kStartTls},
                                              {"smtps", mail::SmtpTls::kSmtps}};

void declare_export(CLI::App& app, ServerConfig& c) {
  const char* group = "Reminder export";
  app.add_option("--export-dir", c.export_dir, "directory of reminder files (default <data-dir>/exports)")
      ->type_name("DIR")
      ->group(group);
  app.add_option("--smtp-host", c.smtp_host, "SMTP relay of reminder emails (none: email delivery refused)")
      ->type_name("HOST")
      ->group(group);
  opt::add_number(app, "--smtp-port", c.smtp_port, "its port (587 for submission with STARTTLS, 465 for smtps)")
      ->capture_default_str()
      ->group(group);
  opt::add_choice(app, "--smtp-tls", c.smtp_tls, kSmtpTls,
                  "none; optional: STARTTLS when offered; starttls: STARTTLS required; smtps: TLS from the start")
      ->group(group);
  app.add_option("--smtp-user", c.smtp_user, "AUTH user (needs a password, and smtp-tls starttls or smtps)")
      ->type_name("USER")
      ->group(group);
  app.add_option_function<std::string>(
         "--smtp-password", [&c](const std::string& password) { c.smtp_password = mail::Secret(password); },
         "AUTH password; better in the config file or smtp-password-file (a flag shows in ps)")
      ->type_name("PASSWORD")
      ->group(group);
  app.add_option("--smtp-password-file", c.smtp_password_file, "read the AUTH password from FILE's first line")
      ->type_name("FILE")
      ->group(group);
  app.add_option("--smtp-ca-file", c.smtp_ca_file, "trust the relay's certificate if signed by these PEM CAs")
      ->type_name("FILE")
      ->check(CLI::ExistingFile)
      ->group(group);
  opt::add_number(app, "--smtp-timeout-ms", c.smtp_timeout_ms, 1, mail::kSmtpTimeoutMsMax,
                  "the most one email may take, connection and login included")
      ->capture_default_str()
      ->group(group);
  app.add_option("--mail-from", c.mail_from, "sender address of reminder emails")
      ->type_name("ADDRESS")
      ->capture_default_str()
      ->group(group);
  app.add_option("--prereg-notify-email", c.prereg_notify_email,
                 "the back office's address, told by e-mail of new pre-registrations (none: no notice)")
      ->type_name("ADDRESS")
      ->group(group);
  opt::add_number(app, "--prereg-notify-interval-ms", c.prereg_notify_interval_ms, int64_t{100}, int64_t{86'400'000},
                  "how often new pre-registrations are told, at most (one e-mail each time)")
      ->capture_default_str()
      ->group(group);
}

void declare_tls(CLI::App& app, ServerConfig& c) {
  const char* group = "TLS (protocol and admin ports)";
  app.add_option("--tls-cert-file", c.tls_cert_file,
                 "PEM certificate chain (the server's first); with --tls-key-file, both ports speak only TLS "
                 "(admin: plain HTTP from loopback only)")
      ->type_name("FILE")
      ->group(group);
  app.add_option("--tls-key-file", c.tls_key_file, "PEM private key of that certificate (unencrypted)")
      ->type_name("FILE")
      ->group(group);
}

// Every option of tessera-server, bound to `c` and `sources`.
void declare(CLI::App& app, ServerConfig& c, Sources& sources) {
  app.add_option("--config", sources.config_file, "read `key = value` lines from FILE first (see below)")
      ->type_name("FILE");
  app.add_option("--listen", c.listen_address, "address of the protocol and admin ports")->capture_default_str();
  opt::add_number(app, "--port", c.port, "protocol port (0: any free port)")->capture_default_str();
  opt::add_number(app, "--admin-port", c.admin_port, "admin HTTP port: /health, /metrics (0: any free port)")
      ->capture_default_str();
  opt::add_number(app, "--shards", c.shards, 1u, engine::kShardsMax, "inventory shards, one thread each")
      ->capture_default_str();
  opt::add_number(app, "--io-threads", c.io_threads, 0u, net::kIoThreadsMax,
                  "network I/O threads of their own; 0: the shards' threads serve the connections")
      ->capture_default_str();
  app.add_option("--data-dir", c.data_dir, "the command log and snapshots (RocksDB)")->capture_default_str();
  opt::add_choice(app, "--durability", c.durability, kDurabilities,
                  "sync: fsync per group commit; async; none: nothing logged (benchmarks only)");
  opt::add_number(app, "--snapshot-every-entries", c.snapshot_every_entries, kSnapshotEveryEntriesMin,
                  uint64_t{UINT32_MAX}, "snapshot a shard after this many log entries...")
      ->capture_default_str();
  opt::add_number(app, "--snapshot-every-s", c.snapshot_every_s, int64_t{1}, kSnapshotEverySMax,
                  "...or this many seconds, whichever comes first")
      ->capture_default_str();
  opt::add_number(app, "--orders-reserved-per-shard", c.orders_reserved_per_shard, 0u, engine::kLiveOrdersPerShardMax,
                  "order slots allocated at start-up")
      ->capture_default_str();
  app.add_option("--nats", c.nats,
                 "cluster mode: replicate the log on these NATS JetStream servers (comma-separated URLs; "
                 "docs/cluster.md)");
  app.add_option("--cluster-prefix", c.cluster_prefix, "cluster mode: the JetStream streams' name prefix")
      ->capture_default_str();
  opt::add_number(app, "--cluster-replicas", c.cluster_replicas, 1, 5, "cluster mode: copies of each stream")
      ->capture_default_str();
  app.add_option("--etcd", c.etcd,
                 "cluster mode: lead the partitions through these etcd members (comma-separated http:// URLs); "
                 "a node started while another leads waits as its standby");
  app.add_option("--node-name", c.node_name, "cluster mode: this node's name in etcd (default: <hostname>:<port>)");
  app.add_option("--token", sources.tokens, "an access token and its role: webshop, backoffice or admin (repeat)")
      ->type_name("SECRET:ROLE")
      ->check(token_spec_error);
  app.add_option("--pmg-tier", sources.pmg_tiers,
                 "a tier of the PMG indicator (average basket): a name and the amount in cents from which a "
                 "contact reaches it, e.g. ARGENT:5000 (repeat; none: no tier shown)")
      ->type_name("NAME:CENTS")
      ->check(pmg_tier_spec_error);
  opt::add_number(app, "--document-bytes-max", c.document_bytes_max, uint64_t{1}, uint64_t{engine::kDocumentBytesMax},
                  "largest document an order may be given, stored under <data_dir>/documents (default: 10 MiB, "
                  "or frame_bytes_max less 4 KiB if smaller)");
  opt::add_number(app, "--order-retention-days", c.order_retention_days, int64_t{0}, int64_t{3'660},
                  "days after its performance's start a confirmed order stays in memory, then moves to the "
                  "history (0: in memory for ever; unset: as last set)");
  app.add_flag("--demo", c.demo, "load the demo venue if its performances are not defined");
  app.add_option("--time-zone", c.time_zone,
                 "the organisation's IANA time zone (Europe/Paris): dates in files, e-mails and clients")
      ->capture_default_str();
  app.add_option("--language", c.language, "the organisation's language: en or fr (12.03.2018 15:00, 25,00 €)")
      ->check(CLI::IsMember({"en", "fr"}))
      ->capture_default_str();
  app.add_option("--catalog", c.catalog,
                 "apply this catalog file at start-up, as `tessera apply` does (docs/catalog.md)")
      ->type_name("FILE");
  app.add_option("--organisation-name", c.organisation_name, "the organisation's name, at the top of invoices")
      ->capture_default_str()
      ->group("Documents (invoices and credit notes as PDF)");
  app.add_option("--organisation-address", c.organisation_address,
                 "its postal address on invoices, lines separated by ' | '")
      ->group("Documents (invoices and credit notes as PDF)");
  app.add_option("--organisation-legal", c.organisation_legal, "its legal line on invoices (registration, VAT number)")
      ->group("Documents (invoices and credit notes as PDF)");
  declare_tls(app, c);
  declare_export(app, c);
  declare_limits(app, c.limits);
  app.footer(
      "A config file holds the same keys as `key = value` lines: the flag's name with underscores\n"
      "(admin_port = 7451), `token` and `pmg_tier` on as many lines as they have values,\n"
      "`demo = true|false`, '#' comments. Flags given on the command line override the file's values;\n"
      "tokens and PMG tiers add up.\n"
      "Example: server/tessera.conf.example.");
}

// The option a file key names: admin_port -> --admin-port; nullptr if none.
CLI::Option* option_of_key(CLI::App& app, std::string_view key) {
  if (key.empty() || key == "config" || key == "help" || key.find_first_of("- ") != std::string_view::npos)
    return nullptr;
  std::string name = cat("--", std::string(key));
  for (char& ch : name)
    if (ch == '_') ch = '-';
  return app.get_option_no_throw(name);
}

// CLI11's message without the option's name in front ("--port: Value..." -> "Value...").
std::string reason(const CLI::Error& e, const CLI::Option& option) {
  const std::string what = e.what(), prefix = option.get_name() + ": ";
  return what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Applies `key = value` lines through the options of `app`. A key the
// command line set is skipped (flags override the file), except a repeated
// option (token), whose values add up; a key given twice in the file takes
// its last value, as a flag given after it would.
Status apply_lines(CLI::App& app, std::string_view text, std::string_view origin) {
  std::set<const CLI::Option*> from_flags;
  for (const CLI::Option* option : app.get_options())
    if (option->count() > 0) from_flags.insert(option);
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
    const std::string key(trim(line.substr(0, eq)));
    CLI::Option* option = option_of_key(app, key);
    if (option == nullptr) return Status::invalid_argument(cat(where, ": unknown key '", key, "' (see --help)"));
    const bool repeated = option->get_items_expected_max() > 1;
    if (from_flags.count(option) != 0 && !repeated) continue;
    if (!repeated) option->clear();
    option->add_result(std::string(trim(line.substr(eq + 1))));
    try {
      option->run_callback();
    } catch (const CLI::Error& e) {
      return Status::invalid_argument(cat(where, ": ", key, ": ", reason(e, *option)));
    }
  }
  return Status::ok();
}

// The password of smtp_password_file: the file's first line. The errors
// name the file, never its content.
Status read_smtp_password(ServerConfig& config) {
  if (config.smtp_password_file.empty()) return Status::ok();
  if (!config.smtp_password.empty())
    return Status::invalid_argument("give smtp_password or smtp_password_file, not both");
  std::ifstream in(config.smtp_password_file);
  std::string password;
  if (!in || !std::getline(in, password))
    return Status::invalid_argument(cat("smtp_password_file: cannot read '", config.smtp_password_file, "'"));
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty())
    return Status::invalid_argument(
        cat("smtp_password_file: '", config.smtp_password_file, "' starts with an empty line"));
  config.smtp_password = mail::Secret(std::move(password));
  return Status::ok();
}

Status add_tokens(const std::vector<std::string>& specs, ServerConfig& config) {
  for (const std::string& spec : specs) {
    if (Status s = config.tokens.add_spec(spec); !s.is_ok())
      return Status::invalid_argument(cat("token: ", s.message()));
  }
  return Status::ok();
}

// The tiers of the specs, in addition to those already configured; a name
// or an amount given twice is refused.
Status add_pmg_tiers(const std::vector<std::string>& specs, ServerConfig& config) {
  for (const std::string& spec : specs) {
    Result<engine::PmgTier> tier = parse_pmg_tier(spec);
    if (!tier.is_ok()) return Status::invalid_argument(cat("pmg_tier: ", tier.status().message()));
    for (const engine::PmgTier& t : config.pmg_tiers) {
      if (t.name == tier->name) return Status::invalid_argument(cat("pmg_tier: ", t.name, " is given twice"));
      if (t.from_cents == tier->from_cents)
        return Status::invalid_argument(
            cat("pmg_tier: ", t.name, " and ", tier->name, " both start at ", t.from_cents, " cents"));
    }
    if (config.pmg_tiers.size() == kPmgTiersMax)
      return Status::invalid_argument(cat("pmg_tier: at most ", kPmgTiersMax, " tiers"));
    config.pmg_tiers.push_back(std::move(tier.value()));
  }
  return Status::ok();
}

}  // namespace

Status apply_config_text(std::string_view text, std::string_view origin, ServerConfig& config) {
  Sources sources;
  CLI::App app;
  declare(app, config, sources);
  if (Status s = apply_lines(app, text, origin); !s.is_ok()) return s;
  if (Status s = add_pmg_tiers(sources.pmg_tiers, config); !s.is_ok()) return s;
  return add_tokens(sources.tokens, config);
}

Result<ServerConfig> parse_server_config(int argc, const char* const* argv) {
  ServerConfig config;
  Sources sources;
  CLI::App app("tessera-server: the Tessera reservation engine server.", "tessera-server");
  declare(app, config, sources);
  if (Status s = opt::parse_command_line(app, argc, argv); !s.is_ok()) return s;
  if (!sources.config_file.empty()) {
    Result<std::string> text = read_whole_file(sources.config_file);
    if (!text.is_ok()) return Status::not_found(cat("cannot read config file '", sources.config_file, "'"));
    if (Status s = apply_lines(app, *text, sources.config_file); !s.is_ok()) return s;
  }
  if (Status s = add_tokens(sources.tokens, config); !s.is_ok()) return s;
  if (Status s = add_pmg_tiers(sources.pmg_tiers, config); !s.is_ok()) return s;
  if (Status s = read_smtp_password(config); !s.is_ok()) return s;
  if (Status s = validate(config); !s.is_ok()) return s;
  return config;
}

mail::SmtpOptions ServerConfig::smtp_options() const {
  mail::SmtpOptions o;
  o.host = smtp_host;
  o.port = smtp_port;
  o.tls = smtp_tls;
  o.user = smtp_user;
  o.password = smtp_password;
  o.ca_file = smtp_ca_file;
  o.timeout_ms = smtp_timeout_ms;
  return o;
}

Status validate(const ServerConfig& config) {
  if (config.tokens.empty())
    return Status::invalid_argument(
        "no token configured: add at least one --token secret:role (webshop, backoffice, admin)");
  if (config.port != 0 && config.port == config.admin_port)
    return Status::invalid_argument("port and admin_port must differ");
  if (config.shards < 1 || config.shards > engine::kShardsMax)
    return Status::invalid_argument(cat("shards must be in [1, ", engine::kShardsMax, "]"));
  if (config.smtp_user.empty() != config.smtp_password.empty())
    return Status::invalid_argument("smtp_user and a password (smtp_password or smtp_password_file) go together");
  if (config.document_bytes_max != 0 &&
      config.document_bytes_max + kDocumentFrameOverhead > config.limits.frame_bytes_max)
    return Status::invalid_argument(cat("document_bytes_max (", config.document_bytes_max, ") must leave ",
                                        kDocumentFrameOverhead, " bytes of frame_bytes_max (",
                                        config.limits.frame_bytes_max, ") for the rest of the request"));
  if (!config.nats.empty() && config.durability == Durability::kNone)
    return Status::invalid_argument("nats (cluster mode) replicates the log: durability none keeps none");
  if (!config.etcd.empty() && config.nats.empty())
    return Status::invalid_argument("etcd (cluster mode's leadership) needs nats: the log the leader writes");
  if (config.tls_cert_file.empty() != config.tls_key_file.empty())
    return Status::invalid_argument("tls_cert_file and tls_key_file go together (both unset: plain TCP)");
  if (!config.smtp_user.empty() && config.smtp_tls != mail::SmtpTls::kStartTls &&
      config.smtp_tls != mail::SmtpTls::kSmtps)
    return Status::invalid_argument(
        "smtp_user: AUTH would send the password in clear: set smtp_tls = starttls or smtps");
  return Status::ok();
}

}  // namespace tessera::server
