// ServerApp: tessera-server as an object — shards, protocol server, admin
// HTTP, wired together and stopped gracefully. main() and the integration
// tests both run it (tests in-process on ephemeral ports).
//
// Start-up: shards start, the demo venue loads if asked, then the admin and
// protocol ports listen. Stop (SIGTERM/SIGINT, an admin Shutdown frame, or
// stop()): stop accepting, let sessions finish what is in flight, stop the
// shards (everything queued is applied and answered), close the rest.
//
// TLS: with tls_cert_file and tls_key_file, one OpenSSL context (built
// before anything starts: a bad certificate or key refuses the start) serves
// the protocol port and the admin HTTPS port; without them both are plain
// and the server says so once on stderr.
//
// Durability: the shards are opened through storage::open_durable_engine —
// recovered from the RocksDB command log in data_dir (latest snapshot + log
// tail, verified) before any port listens, and logging every accepted
// command before its reply leaves. With durability `none` nothing is
// recovered or written, and the server says so loudly.
//
// Storage failure: once a partition's command log fails (disk full, I/O
// error) that partition answers Unavailable to everything
// (runtime/log_writer.h), and its memory may hold commands applied but never
// made durable, so it is not resumed in process. wait() notices within
// kStorageCheckInterval, says which partition on stderr and returns: the
// graceful stop follows, and main() exits with kExitStorageFailed for a
// supervisor to restart it (scripts/run); recovery rebuilds every partition
// from what the log made durable. A log that cannot be opened at start
// counts the same.
// Cluster mode with etcd (docs/cluster.md): start() first waits until this
// node leads every partition (a standby while another node does), then
// catches its log up from the streams and recovers. A node whose lease may
// have run out refuses every append from that moment (cluster::
// ReplicatedLog), and wait() returns as for a failed log: main() exits with
// kExitStorageFailed and its supervisor restarts it as a standby.
// Thread-safety: start/stop/wait from the owning thread; request_stop()
// from any thread (not from a signal handler).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/status.h"
#include "cluster/leadership.h"
#include "net/hold_tokens.h"
#include "net/metrics.h"
#include "net/server.h"
#include "reminders/reminder_service.h"
#include "runtime/clock.h"
#include "runtime/shard_set.h"
#include "server/admin_http.h"
#include "server/batch_effects.h"
#include "server/config.h"
#include "server/document_store.h"
#include "server/invoice_effects.h"
#include "server/order_pdf_effects.h"
#include "server/prereg_notice.h"
#include "server/prereg_report.h"
#include "server/travel_book_mail.h"
#include "storage/durable_engine.h"

namespace tessera::server {

// tessera-server's exit status when a command log failed, while serving or
// while opening it at start (EX_TEMPFAIL: restart me once the disk works).
inline constexpr int kExitStorageFailed = 75;
// How often wait() looks for a failed command log.
inline constexpr std::chrono::milliseconds kStorageCheckInterval{100};

class ServerApp {
 public:
  explicit ServerApp(ServerConfig config);
  ~ServerApp();
  ServerApp(const ServerApp&) = delete;
  ServerApp& operator=(const ServerApp&) = delete;

  // Starts everything; on failure nothing keeps running.
  Status start();
  // Asks for a graceful stop; wait() returns.
  void request_stop();
  // Whether start() failed because a stop was asked for while this node
  // waited to lead the partitions (cluster mode with etcd): not a failure.
  bool stopped_as_standby() const { return stopped_as_standby_; }
  // Blocks until request_stop() was called, or until a partition's command
  // log failed (then storage_failure() says which; stop() comes next).
  void wait();
  // Graceful stop (idempotent).
  void stop();
  // Non-empty iff a command log failed: a partition's while serving or
  // starting, or opening the log in start() (which then failed). The owning
  // thread's, after start(), wait() or stop().
  const std::string& storage_failure() const { return storage_failure_; }

  uint16_t port() const { return net_ ? net_->port() : 0; }
  uint16_t admin_port() const { return admin_ ? admin_->port() : 0; }
  runtime::ShardSet& shards() { return *engine_.shards; }
  const storage::DurableEngine& engine() const { return engine_; }
  net::NetMetrics& metrics() { return metrics_; }
  const ServerConfig& config() const { return config_; }
  // Who may connect (loaded at start()).
  const net::PrincipalDirectory& principals() const { return *principals_; }

  // The admin endpoint's answers (exposed for tests).
  HttpAnswer health() const;
  HttpAnswer render_metrics();

 private:
  Result<net::ServerOptions> server_options() const;
  Status open_shards();
  Status load_tls();
  Status apply_catalog_file();
  Result<net::AfterDurable> prepare_side_effect(engine::Command& command);
  void render_shard_metrics(std::string& out) const;
  void render_log_metrics(std::string& out) const;
  bool note_storage_failure();

  Status lead_every_partition();

  ServerConfig config_;
  runtime::SystemClock clock_;
  net::NetMetrics metrics_;
  // Cluster mode's leadership (before engine_: its log asks it, so it goes last).
  std::unique_ptr<cluster::Etcd> etcd_;
  std::unique_ptr<cluster::Leadership> leadership_;
  std::atomic<bool> leadership_lost_{false};
  bool stopped_as_standby_ = false;
  storage::DurableEngine engine_;
  std::unique_ptr<reminders::ReminderExporter> exporter_;
  std::unique_ptr<PreRegNotifier> notifier_;         // after the exporter it sends through
  std::unique_ptr<TravelBookMailer> travel_mailer_;  // the shards' travel-book e-mails
  reminders::ExportConfig export_config_;
  BatchConfig batch_config_;                  // where accounting exports' CSV files go
  InvoiceConfig invoice_config_;              // where invoices' PDFs go and what they print of the organisation
  OrderPdfConfig order_pdf_config_;           // where order PDFs go (the organisation's as for invoices)
  IntegrationReportConfig report_config_;     // where integration reports go, who e-mails their notices
  std::unique_ptr<DocumentStore> documents_;  // the orders' documents, under <data_dir>/documents
  std::shared_ptr<net::PrincipalDirectory> principals_ = std::make_shared<net::PrincipalDirectory>();
  // Cluster mode: the hold-token key every node of the cluster shares.
  std::optional<net::HoldTokens> cluster_hold_tokens_;
  std::unique_ptr<net::Server> net_;
  std::unique_ptr<AdminHttp> admin_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // null: plain TCP
  bool running_ = false;
  std::string storage_failure_;  // see storage_failure()
  std::mutex stop_mutex_;
  std::condition_variable stop_requested_cv_;
  bool stop_requested_ = false;
};

}  // namespace tessera::server
