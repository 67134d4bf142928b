// ServerConfig: everything tessera-server is told at start-up, from flags
// and an optional config file of `key = value` lines.
//
// Every key is declared once, as a CLI11 option (config.cc: type, bounds,
// help); `tessera-server --help` is generated from those declarations. The
// config file keeps its own `key = value` syntax rather than CLI11's
// INI/TOML reader, and its lines go through the same options, so that:
// the file key is the flag's name with underscores (admin_port for
// --admin-port); flags given on the command line override the file's
// values, except `token`, whose values add up; a bad line is named by
// file and line number; '#' starts a comment. Port 0 = an ephemeral port.
// Thread-safety: plain values.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/contact_card.h"
#include "mail/smtp_client.h"
#include "net/auth.h"
#include "net/limits.h"
#include "storage/command_log.h"

namespace tessera::server {

using storage::Durability;
using storage::durability_name;

// What a request carrying a document needs beyond its bytes.
inline constexpr uint64_t kDocumentFrameOverhead = 4u << 10;
inline constexpr uint64_t kDocumentBytesDefault = 10u << 20;

struct ServerConfig {
  std::string listen_address = "127.0.0.1";
  uint16_t port = 7450;
  uint16_t admin_port = 7451;
  uint32_t shards = 2;
  uint32_t io_threads = 0;  // 0: connections on the shards' threads (net/server.h)
  std::string data_dir = "./data";
  Durability durability = Durability::kSync;
  uint64_t snapshot_every_entries = 2'000'000;    // snapshot a shard after this many log entries...
  int64_t snapshot_every_s = 300;                 // ...or this many seconds, whichever comes first
  uint32_t orders_reserved_per_shard = 1u << 20;  // order slots allocated at start-up
  bool demo = false;
  // A catalog file (docs/catalog.md) applied at every start, as `tessera
  // apply` would: creates what is missing, changes settings that differ;
  // the server refuses to start on a file with an error. Empty = none.
  std::string catalog;
  // The organisation's time zone (IANA) and language (en | fr): how dates
  // and amounts are written in reminder files and e-mails, and what
  // HelloReply tells clients to show and read dates in.
  std::string time_zone = "UTC";
  std::string language = "en";
  // Days after a performance's start its confirmed orders stay in memory
  // before they move to the history (SetOrderRetention, sent at every start
  // when set; 0: in memory for ever). -1: not set (left as the log has it).
  int64_t order_retention_days = -1;
  // The largest document an order may be given (AttachDocument, stored
  // under <data_dir>/documents); at most frame_bytes_max less 4 KiB. 0:
  // 10 MiB, or what frame_bytes_max leaves if less (document_bytes()).
  uint64_t document_bytes_max = 0;
  uint64_t document_bytes() const {
    const uint64_t room =
        limits.frame_bytes_max > kDocumentFrameOverhead ? limits.frame_bytes_max - kDocumentFrameOverhead : 0;
    return document_bytes_max != 0 ? document_bytes_max : std::min(kDocumentBytesDefault, room);
  }
  // The PMG indicator's tiers (GetContactActivity's pmg_tier): none = no tier.
  std::vector<engine::PmgTier> pmg_tiers;
  // Reminder export (follow-up reminders, subscription runs).
  std::string export_dir;  // reminder files; empty = <data_dir>/exports
  std::string smtp_host;   // SMTP relay for reminder emails; empty = email delivery refused
  uint16_t smtp_port = 25;
  mail::SmtpTls smtp_tls = mail::SmtpTls::kNone;
  std::string smtp_user;       // empty = no AUTH
  mail::Secret smtp_password;  // from smtp_password, or read from smtp_password_file at start-up
  std::string smtp_password_file;
  std::string smtp_ca_file;  // PEM CAs the relay's certificate is checked against; empty = the system's
  int smtp_timeout_ms = mail::kSmtpTimeoutMsDefault;
  std::string mail_from = "tessera@localhost";
  // The e-mail notice of new pre-registrations (server/prereg_notice.h).
  std::string prereg_notify_email;  // empty = none
  int64_t prereg_notify_interval_ms = 60'000;
  // What invoices and credit notes print of the organisation (documents/).
  std::string organisation_name = "Tessera";
  std::string organisation_address;  // lines separated by " | "
  std::string organisation_legal;
  // TLS on the protocol and admin ports: both set = TLS only (PEM files,
  // read at start-up); both empty = plain TCP (development).
  std::string tls_cert_file;  // the server's certificate chain, its own first
  std::string tls_key_file;   // its private key (unencrypted)
  // Cluster mode (docs/cluster.md): every partition's log replicated on
  // these NATS JetStream servers (comma-separated URLs), the data directory
  // kept as the node's local copy. Empty: single node, the log in data_dir.
  std::string nats;
  std::string cluster_prefix = "TESSERA";  // the streams' names: <prefix>_P<partition>, <prefix>_CATALOG
  int cluster_replicas = 3;                // copies of each stream
  // Cluster mode's leadership (docs/cluster.md): the etcd members' client
  // URLs (comma-separated). Set, the node serves only while it leads every
  // partition (one etcd lease, TTL 2 s): started while another node does,
  // it waits as a standby and takes over when that node's lease runs out;
  // a node that loses its lease stops (exit status 75) to wait again.
  // Empty: the operator decides which one node writes.
  std::string etcd;
  std::string node_name;  // this node's name in etcd (default: <hostname>:<port>)
  net::TokenTable tokens;
  net::NetLimits limits;

  // The relay settings the reminder export uses.
  mail::SmtpOptions smtp_options() const;
};

// Parses argv (argv[0] skipped), the file of --config if given, and the
// file of smtp_password_file. Returns the configuration or invalid_argument
// naming the bad flag, key or value (never the password).
// "--help" gives failed_precondition with the help text (CLI11's) as its
// message.
Result<ServerConfig> parse_server_config(int argc, const char* const* argv);

// Applies `key = value` lines to `config` (file syntax). `origin` names the
// source in error messages ("origin:line: key: why").
Status apply_config_text(std::string_view text, std::string_view origin, ServerConfig& config);

// Checks what single keys cannot: at least one token, distinct ports, AUTH
// only with its password and over TLS (starttls or smtps), and TLS
// certificate and key given together.
Status validate(const ServerConfig& config);

}  // namespace tessera::server
