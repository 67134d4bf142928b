// ServerApp: start-up order, metrics page, graceful stop (also when a
// command log failed: the process exits for a supervised restart).
#include "server/server_app.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "catalog/catalog_file.h"
#include "catalog/catalog_plan.h"
#include "cluster/replicated_log.h"
#include "directory/contact_directory.h"
#include "engine/command_registry.h"
#include "engine/limits.h"
#include "net/codec.h"
#include "net/result_code.h"
#include "net/tls.h"
#include "reminders/reminder_dispatch.h"
#include "server/demo_loader.h"
#include "server/document_effects.h"

namespace tessera::server {

using engine::cat;

namespace {

// "2 place du Châtelet | 75004 Paris" -> its lines, '\n' between them.
std::string address_lines(std::string_view configured) {
  std::string out;
  size_t at = 0;
  while (at <= configured.size()) {
    size_t bar = configured.find('|', at);
    if (bar == std::string_view::npos) bar = configured.size();
    std::string_view line = configured.substr(at, bar - at);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    if (!line.empty()) out += cat(out.empty() ? "" : "\n", line);
    at = bar + 1;
  }
  return out;
}

}  // namespace

ServerApp::ServerApp(ServerConfig config) : config_(std::move(config)) {}

ServerApp::~ServerApp() { stop(); }

Status ServerApp::start() {
  // A build whose wire tables and engine commands disagree would misread
  // every frame: refuse to start (a test catches it before release).
  if (const std::string problems = net::check_wire_tables(); !problems.empty())
    return Status::internal("wire tables do not match the engine's commands: " + problems);
  auto local = LocalTime::make(config_.time_zone, config_.language);
  if (!local.is_ok()) return local.status();
  Status s = load_tls();
  if (!s.is_ok()) return s;
  s = open_shards();
  if (!s.is_ok()) {
    // RocksDB's I/O errors (no space, EIO) come as Unavailable; corruption
    // and the like as Internal: those a restart does not cure.
    if (s.code() == StatusCode::kUnavailable)
      storage_failure_ = cat("command log ", config_.data_dir, ": cannot open it");
    return s;
  }
  running_ = true;
  if (config_.demo) {
    bool loaded = false;
    s = load_demo_venue(*engine_.shards, &loaded);
    if (!s.is_ok()) {
      stop();
      return s;
    }
    std::fprintf(stderr, "tessera-server: demo venue %s\n", loaded ? "loaded" : "already defined");
  }
  if (!config_.catalog.empty()) {
    s = apply_catalog_file();
    if (!s.is_ok()) {
      stop();
      return s;
    }
  }
  if (config_.order_retention_days >= 0) {
    const engine::Reply r =
        engine_.shards->call(engine::Command{0, engine::SetOrderRetention{config_.order_retention_days * 86'400'000}});
    if (!r.ok()) {
      stop();
      return Status::invalid_argument(cat("order_retention_days: ", r.message));
    }
  }
  documents_ = std::make_unique<DocumentStore>(config_.data_dir + "/documents", config_.document_bytes());
  if (Result<uint32_t> removed = documents_->recover([this](engine::OrderId order, const std::string& sha256) {
        if (engine::order_shard(order) == kDepartureMarkShard) return true;  // a departure's: kept
        const engine::Reply r = engine_.shards->call(engine::Command{0, engine::GetOrderRecord{order}});
        const auto* record = r.ok() && r.detail ? std::get_if<engine::OrderRecord>(&r.detail->value) : nullptr;
        return record != nullptr && (std::any_of(record->documents.begin(), record->documents.end(),
                                                 [&](const engine::OrderDocument& d) { return d.sha256 == sha256; }) ||
                                     std::any_of(record->travel_books.begin(), record->travel_books.end(),
                                                 [&](const engine::TravelBookLine& b) { return b.sha256 == sha256; }));
      });
      !removed.is_ok()) {
    stop();
    return removed.status();
  } else if (*removed > 0) {
    std::fprintf(stderr, "tessera-server: %u document files no acknowledged command names were removed\n", *removed);
  }
  admin_ = std::make_unique<AdminHttp>(
      config_.listen_address, config_.admin_port,
      [this](std::string_view target) {
        if (target == "/health") return health();
        if (target == "/metrics") return render_metrics();
        return HttpAnswer{404, "text/plain; charset=utf-8", "not found: try /health or /metrics\n"};
      },
      tls_);
  s = admin_->start();
  Result<net::ServerOptions> options = s.is_ok() ? server_options() : Result<net::ServerOptions>(s);
  s = options.status();
  if (s.is_ok()) {
    net::ServerHooks hooks;
    hooks.request_shutdown = [this] { request_stop(); };
    hooks.request_snapshot = [this] {
      if (!engine_.log) return Status::failed_precondition("durability none: there is no command log to snapshot");
      for (uint32_t i = 0; i < engine_.shards->size(); ++i) engine_.shards->runner(i).request_snapshot();
      if (runtime::DirectoryRunner* d = engine_.shards->directory()) d->request_snapshot();
      return Status::ok();
    };
    export_config_.export_dir = config_.export_dir.empty() ? config_.data_dir + "/exports" : config_.export_dir;
    export_config_.smtp = config_.smtp_options();
    export_config_.mail_from = config_.mail_from;
    export_config_.local = *local;
    invoice_config_ =
        InvoiceConfig{export_config_.export_dir + "/invoices",
                      documents::Organisation{config_.organisation_name, address_lines(config_.organisation_address),
                                              config_.organisation_legal},
                      *local};
    order_pdf_config_ = OrderPdfConfig{export_config_.export_dir + "/orders", invoice_config_.organisation, *local};
    batch_config_ = BatchConfig{export_config_.export_dir + "/accounting", *local};
    report_config_ =
        IntegrationReportConfig{export_config_.export_dir + "/pre-registrations",
                                invoice_config_.organisation,
                                *local,
                                config_.mail_from,
                                export_config_.smtp,
                                [directory = principals_](engine::PrincipalId id) { return directory->name_of(id); }};
    exporter_ = std::make_unique<reminders::ReminderExporter>(export_config_, clock_);
    notifier_ = std::make_unique<PreRegNotifier>(
        PreRegNoticeSettings{config_.prereg_notify_email, config_.prereg_notify_interval_ms, config_.mail_from,
                             config_.organisation_name, export_config_.smtp, *local},
        *exporter_, clock_);
    // The travel-book e-mails: those a stop left unsent go at the first round.
    travel_mailer_ = std::make_unique<TravelBookMailer>(
        TravelBookMailSettings{config_.mail_from, config_.organisation_name, export_config_.smtp, *local},
        *engine_.shards, clock_);
    travel_mailer_->start();
    if (notifier_->enabled()) {  // what a stop left untold: the pending ones, counted
      notifier_->tell_backlog(static_cast<uint64_t>(
          std::max<int64_t>(0, engine_.shards->call(engine::Command{0, engine::ListPreRegistrations{}}).value)));
      notifier_->start();
    }
    // A stop between an invoice's number and its PDF: written again now.
    const int this_year = local->civil(clock_.now_ms()).year;
    if (!render_missing_pdfs(invoice_config_, *exporter_, *engine_.shards,
                             {static_cast<uint32_t>(this_year - 1), static_cast<uint32_t>(this_year)}))
      std::fprintf(stderr, "tessera-server: invoice PDFs not checked: the document worker's queue is full\n");
    // An invoice on departure the pump numbered: its PDF, on the worker.
    engine_.shards->on_auto_invoice([this](const engine::InvoiceDocument& d) {
      if (!exporter_->submit_task([this, d] {
            std::string pdf;
            if (const Result<std::string> path = write_invoice_pdf(d, invoice_config_, &pdf); !path.is_ok())
              std::fprintf(stderr, "tessera-server: invoice %u-%u not written (RenderInvoice writes it): %s\n", d.year,
                           d.number, path.status().message().c_str());
          }))
        std::fprintf(stderr, "tessera-server: invoice %u-%u not rendered: the document worker's queue is full\n",
                     d.year, d.number);
    });
    if (!write_missing_exports(batch_config_, *exporter_, *engine_.shards))
      std::fprintf(stderr, "tessera-server: accounting exports not checked: the document worker's queue is full\n");
    hooks.prepare_side_effect = [this](engine::Command& command) { return prepare_side_effect(command); };
    net_ = std::make_unique<net::Server>(std::move(*options), *engine_.shards, metrics_, std::move(hooks));
    s = net_->start();
  }
  if (!s.is_ok()) {
    stop();
    return s;
  }
  return Status::ok();
}

// The configured catalog file, applied through the shards as `tessera apply`
// sends it over a connection.
Status ServerApp::apply_catalog_file() {
  auto file = catalog::read_catalog(config_.catalog);
  if (!file.is_ok()) return file.status();
  const catalog::SendBatch send = [this](std::vector<engine::Command> commands) -> Result<std::vector<engine::Reply>> {
    std::vector<engine::Reply> replies;
    for (engine::Command& c : commands) replies.push_back(engine_.shards->call(std::move(c)));
    return replies;
  };
  // The data directory's catalog may have moved on from the file (a
  // performance rescheduled, or the file edited since): its definitions
  // stay, each said once; anything else wrong in the file stops the start.
  auto plan =
      catalog::apply_catalog(*file, config_.catalog, send, clock_.now_ms(), false, catalog::Conflicts::kKeepServers);
  if (!plan.is_ok()) return Status::invalid_argument(cat("catalog: ", plan.status().message()));
  for (const std::string& conflict : plan->conflicts)
    std::fprintf(stderr, "tessera-server: catalog: kept the server's definition: %s\n", conflict.c_str());
  std::fprintf(stderr, "tessera-server: catalog %s: %zu commands sent, %u unchanged\n", config_.catalog.c_str(),
               plan->steps.size(), plan->unchanged);
  return Status::ok();
}

// The side effect of a command, chosen by its registry effect.
Result<net::AfterDurable> ServerApp::prepare_side_effect(engine::Command& command) {
  switch (engine::command_info(command.body).effect) {
    case engine::Effect::kNoEffect:
    case engine::Effect::kPrincipals:  // net's own (its principal directory)
      break;
    case engine::Effect::kExportReminders:
      return reminders::prepare_reminder_export(command, export_config_, *exporter_, *engine_.shards);
    case engine::Effect::kReadRunFile:
      return reminders::prepare_run_file_read(export_config_, *exporter_);
    case engine::Effect::kNumberInvoice:
    case engine::Effect::kRenderInvoice:
      return prepare_invoice_effect(command, invoice_config_, *exporter_, *engine_.shards);
    case engine::Effect::kSettleBatch:
      return prepare_batch_effect(batch_config_, *exporter_, *engine_.shards);
    case engine::Effect::kClaimPromo: {
      runtime::ShardSet& shards = *engine_.shards;
      return net::AfterDurable([&shards](engine::Reply&& taken, runtime::Completion* done) {
        shards.claim_promo_of(std::move(taken), done);
      });
    }
    case engine::Effect::kClaimCashback: {
      runtime::ShardSet& shards = *engine_.shards;
      return net::AfterDurable([&shards](engine::Reply&& taken, runtime::Completion* done) {
        shards.claim_cashback_of(std::move(taken), done);
      });
    }
    case engine::Effect::kPlacePreRegistration: {
      runtime::ShardSet& shards = *engine_.shards;
      PreRegNotifier* notifier = notifier_.get();
      return net::AfterDurable([&shards, command, notifier](engine::Reply&& home, runtime::Completion* done) {
        // Once placed whole, the back office's notice counts it.
        auto* tell = new runtime::ThenCompletion([notifier, done](engine::Reply&& placed) {
          if (placed.ok() && placed.detail)
            if (const auto* page = std::get_if<engine::PreRegPage>(&placed.detail->value);
                page != nullptr && page->rows.size() == 1)
              notifier->add(page->rows[0]);
          done->complete(std::move(placed));
        });
        shards.place_pre_registration(command, std::move(home), tell);
      });
    }
    case engine::Effect::kMatchPreRegistrations: {
      runtime::ShardSet& shards = *engine_.shards;
      return net::AfterDurable([&shards](engine::Reply&& listed, runtime::Completion* done) {
        shards.match_pre_registrations(std::move(listed), done);
      });
    }
    case engine::Effect::kIntegratePreRegistrations: {
      runtime::ShardSet& shards = *engine_.shards;
      runtime::ShardSet::Integrated then = report_integration(command, report_config_, *exporter_, shards, clock_);
      return net::AfterDurable(
          [&shards, command, then = std::move(then)](engine::Reply&& listed, runtime::Completion* done) {
            shards.integrate_pre_registrations(command, std::move(listed), done, then);
          });
    }
    case engine::Effect::kStoreDocument:
      return prepare_document_store(command, *documents_, *exporter_);
    case engine::Effect::kReadDocument:
      return prepare_document_read(*documents_, *exporter_);
    case engine::Effect::kOrderPdf:
      return prepare_order_pdf_effect(command, order_pdf_config_, *exporter_, *engine_.shards);
    case engine::Effect::kClaimSponsor: {
      runtime::ShardSet& shards = *engine_.shards;
      return net::AfterDurable([&shards](engine::Reply&& taken, runtime::Completion* done) {
        shards.claim_sponsor_of(std::move(taken), done);
      });
    }
  }
  return net::AfterDurable();
}

void ServerApp::request_stop() {
  std::lock_guard<std::mutex> lock(stop_mutex_);
  stop_requested_ = true;
  stop_requested_cv_.notify_all();
}

void ServerApp::wait() {
  std::unique_lock<std::mutex> lock(stop_mutex_);
  while (!stop_requested_cv_.wait_for(lock, kStorageCheckInterval, [this] { return stop_requested_; }))
    if (running_ && note_storage_failure()) return;
}

// True iff a partition's command log failed; the first time, names the
// partitions in storage_failure_ and says on stderr that the server stops.
bool ServerApp::note_storage_failure() {
  if (!storage_failure_.empty()) return true;
  if (leadership_lost_ || (leadership_ && !leadership_->leads(0))) {
    storage_failure_ = "the leadership of the partitions was lost";
    std::fprintf(stderr,
                 "tessera-server: %s (its etcd lease may have run out): another node may lead them now, nothing "
                 "more is acknowledged here: stopping with exit status %d (a supervisor restarts me as a standby)\n",
                 storage_failure_.c_str(), kExitStorageFailed);
    return true;
  }
  if (!engine_.shards) return false;
  runtime::ShardSet& shards = *engine_.shards;
  std::string failed;
  for (uint32_t s = 0; s < shards.size(); ++s)
    if (shards.runner(s).storage_failed()) failed += cat(failed.empty() ? "" : ", ", "shard ", s);
  if (runtime::DirectoryRunner* d = shards.directory(); d != nullptr && d->storage_failed())
    failed += cat(failed.empty() ? "" : ", ", "contact directory");
  if (failed.empty()) return false;
  storage_failure_ = cat(failed, ": command log failed");
  // The cause is on the log writer's line just before this one.
  std::fprintf(stderr,
               "tessera-server: %s, nothing more is acknowledged: stopping with exit status %d (storage failed: "
               "restart me; recovery rebuilds the partitions from the log)\n",
               storage_failure_.c_str(), kExitStorageFailed);
  return true;
}

void ServerApp::stop() {
  if (!running_) return;
  running_ = false;
  if (net_) net_->drain();                                  // stop accepting, finish in-flight requests
  if (engine_.shards) engine_.shards->on_auto_invoice({});  // the worker stops next
  if (notifier_) notifier_->stop();                         // hands its last notice to the worker
  if (travel_mailer_) travel_mailer_->stop();               // the mail being sent is noted (or sent again at start)
  if (exporter_) exporter_->stop();            // finish queued exports (they may still record progress in the shards)
  if (engine_.shards) engine_.shards->stop();  // apply, log and answer everything queued
  if (net_) net_->stop();                      // close what is left, run the rest of the loops
  note_storage_failure();                      // also one that failed since wait() last looked
  engine_ = storage::DurableEngine();          // flushes and closes the command log
  if (admin_) admin_->stop();
  request_stop();
}

// The TLS context of both ports, from tls_cert_file and tls_key_file.
Status ServerApp::load_tls() {
  if (config_.tls_cert_file.empty() && config_.tls_key_file.empty()) {
    std::fprintf(stderr,
                 "tessera-server: TLS off: the protocol and admin ports speak plain TCP (development; set "
                 "tls_cert_file and tls_key_file)\n");
    return Status::ok();
  }
  auto context = net::make_tls_server_context(config_.tls_cert_file, config_.tls_key_file);
  if (!context.is_ok()) return context.status();
  tls_ = std::move(context.value());
  std::fprintf(stderr, "tessera-server: TLS on (1.2 or later) with %s: protocol port TLS only, admin HTTPS\n",
               config_.tls_cert_file.c_str());
  return Status::ok();
}

// The protocol server's options from the configuration; the hold-token key
// comes from the data directory when there is a command log (tokens then
// survive a restart with the orders they name).
Result<net::ServerOptions> ServerApp::server_options() const {
  net::ServerOptions options;
  options.listen_address = config_.listen_address;
  options.port = config_.port;
  options.io_threads = config_.io_threads;
  options.time_zone = config_.time_zone;
  options.language = config_.language;
  options.limits = config_.limits;
  options.tokens = config_.tokens;
  options.principals = principals_;
  options.tls = tls_;
  if (cluster_hold_tokens_) {
    options.hold_tokens = *cluster_hold_tokens_;
  } else if (engine_.log) {
    auto hold_tokens = net::HoldTokens::open(config_.data_dir);
    if (!hold_tokens.is_ok()) return hold_tokens.status();
    options.hold_tokens = *hold_tokens;
  }
  return options;
}

// Opens the shards: recovered from the command log, or empty with durability none.
Status ServerApp::open_shards() {
  storage::EngineOptions o;
  o.data_dir = config_.data_dir;
  o.durability = config_.durability;
  o.shards = config_.shards;
  o.orders_reserved_per_shard = config_.orders_reserved_per_shard;
  o.snapshot_every_entries = config_.snapshot_every_entries;
  o.snapshot_every_ms = config_.snapshot_every_s * 1000;
  o.merge.pmg_tiers = config_.pmg_tiers;
  auto local = LocalTime::make(config_.time_zone, config_.language);
  if (local.is_ok()) o.local = *local;  // start() checked it
  if (config_.durability == Durability::kNone)
    std::fprintf(stderr,
                 "tessera-server: WARNING: durability none: NOTHING IS LOGGED. Every acknowledged command is lost "
                 "at exit or crash, and %s is neither read nor written. Benchmarks only.\n",
                 config_.data_dir.c_str());
  if (!config_.nats.empty()) {
    // The streams are the durable copy: the local log needs no fsync.
    o.durability = Durability::kAsync;
    const cluster::JetStreamOptions js{config_.nats, config_.cluster_prefix, config_.cluster_replicas};
    o.replicate = [this, js](storage::CommandLog& node_log) -> Result<std::unique_ptr<runtime::LogSink>> {
      // With etcd: a standby until this node leads every partition; the
      // catch-up below then reads what the last leader wrote.
      if (Status led = lead_every_partition(); !led.is_ok()) return led;
      Result<std::unique_ptr<cluster::ReplicatedLog>> log =
          cluster::ReplicatedLog::open(node_log, js, leadership_.get());
      if (!log.is_ok()) return log.status();
      // Hold tokens stay valid on whichever node serves the order next.
      Result<std::string> key = (*log)->jetstream().put_once("hold-token-key", net::HoldTokens().key());
      if (!key.is_ok()) return key.status();
      Result<net::HoldTokens> tokens = net::HoldTokens::from_key(*key);
      if (!tokens.is_ok()) return tokens.status();
      cluster_hold_tokens_ = *tokens;
      for (const cluster::CatchUp& c : (*log)->catch_up())
        if (c.imported + c.aborted > 0)
          std::fprintf(stderr,
                       "tessera-server: partition %u: imported %lu records from its stream (local log ended "
                       "before entry %lu), skipped %lu parts of aborted catalog commands\n",
                       c.partition, static_cast<unsigned long>(c.imported), static_cast<unsigned long>(c.local_end),
                       static_cast<unsigned long>(c.aborted));
      return std::unique_ptr<runtime::LogSink>(std::move(log.value()));
    };
  }
  Result<storage::DurableEngine> opened = storage::open_durable_engine(o, clock_);
  if (!opened.is_ok()) return opened.status();
  engine_ = std::move(opened.value());
  if (engine_.log) {
    uint64_t replayed = 0;
    for (const storage::ShardRecovery& r : engine_.recovery) replayed += r.entries_replayed;
    if (!config_.nats.empty())
      std::fprintf(stderr, "tessera-server: cluster mode: the log of every partition is replicated on %s (%d copies)\n",
                   config_.nats.c_str(), config_.cluster_replicas);
    std::fprintf(stderr,
                 "tessera-server: command log %s (durability %s): recovered %u shards and the contact directory, "
                 "%lu entries replayed (%lu of the directory) in %.2f s\n",
                 config_.data_dir.c_str(), std::string(durability_name(o.durability)).c_str(), config_.shards,
                 static_cast<unsigned long>(replayed + engine_.directory_recovery.entries_replayed),
                 static_cast<unsigned long>(engine_.directory_recovery.entries_replayed), engine_.recovery_seconds);
  }
  return Status::ok();
}

// Cluster mode with etcd (ServerConfig::etcd): takes part in the election of
// every partition (the inventory shards and the contact directory) and
// returns once this node leads them all, saying who leads while it waits
// (when that changes, and every 5 s). A stop requested meanwhile ends the
// wait (kFailedPrecondition, stopped_as_standby()).
Status ServerApp::lead_every_partition() {
  if (config_.etcd.empty()) return Status::ok();
  cluster::EtcdOptions etcd_options;
  for (size_t at = 0; at < config_.etcd.size();) {
    const size_t comma = std::min(config_.etcd.find(',', at), config_.etcd.size());
    if (comma > at) etcd_options.endpoints.push_back(config_.etcd.substr(at, comma - at));
    at = comma + 1;
  }
  Result<std::unique_ptr<cluster::Etcd>> etcd = cluster::Etcd::connect(std::move(etcd_options));
  if (!etcd.is_ok()) return etcd.status();
  etcd_ = std::move(etcd.value());
  cluster::LeadershipOptions options;
  options.node = config_.node_name;
  if (options.node.empty()) {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    options.node = config_.port != 0 ? cat(host, ":", config_.port) : cat(host, ":pid", ::getpid());
  }
  options.prefix = cat("/", config_.cluster_prefix);
  for (uint32_t p = 0; p < config_.shards; ++p) options.partitions.push_back(p);
  options.partitions.push_back(directory::kContactDirectoryPartition);
  const std::vector<uint32_t> partitions = options.partitions;
  Result<std::unique_ptr<cluster::Leadership>> leadership =
      cluster::Leadership::start(*etcd_, std::move(options), [this](uint32_t, bool leads, int64_t) {
        if (!leads) leadership_lost_ = true;
      });
  if (!leadership.is_ok()) return leadership.status();
  leadership_ = std::move(leadership.value());
  const auto leads_all = [&] {
    return std::all_of(partitions.begin(), partitions.end(), [&](uint32_t p) { return leadership_->leads(p); });
  };
  // Says who leads whenever that changes, and every 5 s.
  auto next_note = std::chrono::steady_clock::now();
  std::string noted = "?";
  std::unique_lock<std::mutex> lock(stop_mutex_);
  while (!leads_all()) {
    if (stop_requested_) {
      stopped_as_standby_ = true;
      return Status::failed_precondition("stopped while waiting to lead the partitions");
    }
    const std::string leader = leadership_->leader_of(partitions.front());
    if (leader != noted || std::chrono::steady_clock::now() >= next_note) {
      std::fprintf(stderr, "tessera-server: standby: partition %u is led by %s; waiting to lead every partition\n",
                   partitions.front(), leader.empty() ? "nobody yet" : leader.c_str());
      noted = leader;
      next_note = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    }
    stop_requested_cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
  leadership_lost_ = false;  // only a loss from now on counts
  std::fprintf(stderr, "tessera-server: leads every partition (epoch %lld of partition 0)\n",
               static_cast<long long>(leadership_->epoch(partitions.front())));
  return Status::ok();
}

HttpAnswer ServerApp::health() const {
  const runtime::ShardSet& shards = *engine_.shards;
  for (uint32_t s = 0; s < shards.size(); ++s) {
    runtime::ShardRunner& r = const_cast<runtime::ShardSet&>(shards).runner(s);
    if (r.storage_failed())
      return HttpAnswer{503, "text/plain; charset=utf-8",
                        cat("shard ", s, ": command log failed; acknowledging nothing\n")};
    if (!r.accepting()) return HttpAnswer{503, "text/plain; charset=utf-8", cat("shard ", s, " is not running\n")};
  }
  if (runtime::DirectoryRunner* d = const_cast<runtime::ShardSet&>(shards).directory()) {
    if (d->storage_failed())
      return HttpAnswer{503, "text/plain; charset=utf-8",
                        "contact directory: command log failed; acknowledging nothing\n"};
    if (!d->accepting()) return HttpAnswer{503, "text/plain; charset=utf-8", "contact directory is not running\n"};
  }
  return HttpAnswer{200, "text/plain; charset=utf-8", "ok\n"};
}

HttpAnswer ServerApp::render_metrics() {
  std::string out;
  out.reserve(16 * 1024);
  metrics_.render(out);
  if (admin_)
    out += cat(
        "# HELP tessera_admin_tls_failures_total Admin HTTP connections refused: failed TLS handshake, or plain HTTP "
        "from a remote address.\n# TYPE tessera_admin_tls_failures_total counter\ntessera_admin_tls_failures_total ",
        admin_->tls_failures(), "\n");
  render_shard_metrics(out);
  render_log_metrics(out);
  // The back office's notice (seed 004): pre-registrations waiting for the
  // import wizard, counted at each scrape (a fan-out query, each request
  // once).
  const engine::Reply pending = engine_.shards->call(engine::Command{0, engine::ListPreRegistrations{}});
  if (pending.ok())
    out +=
        cat("# HELP tessera_pre_registrations_pending Pre-registrations waiting for the import wizard.\n"
            "# TYPE tessera_pre_registrations_pending gauge\ntessera_pre_registrations_pending ",
            pending.value, "\n");
  return HttpAnswer{200, "text/plain; version=0.0.4; charset=utf-8", std::move(out)};
}

void ServerApp::render_shard_metrics(std::string& out) const {
  runtime::ShardSet& shards = *engine_.shards;
  out +=
      "# HELP tessera_shard_inbox_depth Commands waiting in each shard's inbox.\n# TYPE tessera_shard_inbox_depth "
      "gauge\n";
  for (uint32_t s = 0; s < shards.size(); ++s)
    out += cat("tessera_shard_inbox_depth{shard=\"", s, "\"} ", shards.runner(s).inbox_depth(), "\n");
  out +=
      "# HELP tessera_shard_commands_total Commands applied by each shard runner.\n# TYPE tessera_shard_commands_total "
      "counter\n";
  for (uint32_t s = 0; s < shards.size(); ++s)
    out += cat("tessera_shard_commands_total{shard=\"", s, "\"} ", shards.runner(s).stats().commands, "\n");
  struct Gauge {
    const char* name;
    const char* help;
    uint32_t engine::ShardStats::*field;
  };
  static constexpr Gauge kGauges[] = {
      {"tessera_live_orders", "Live orders (not closed).", &engine::ShardStats::live_orders},
      {"tessera_holds", "Orders held (web carts).", &engine::ShardStats::held},
      {"tessera_options", "Orders in option.", &engine::ShardStats::options},
      {"tessera_reservations", "Orders in reservation.", &engine::ShardStats::reservations},
      {"tessera_overdue", "Options/reservations overdue (annulable).", &engine::ShardStats::overdue},
      {"tessera_confirmed", "Confirmed orders.", &engine::ShardStats::confirmed},
      {"tessera_timers", "Expiry timers armed.", &engine::ShardStats::timers},
  };
  std::vector<engine::ShardStats> stats;  // published by each shard thread about once a second
  for (uint32_t s = 0; s < shards.size(); ++s) stats.push_back(shards.runner(s).published_stats());
  for (const Gauge& g : kGauges) {
    out += cat("# HELP ", g.name, " ", g.help, " (refreshed about once a second)\n# TYPE ", g.name, " gauge\n");
    for (uint32_t s = 0; s < stats.size(); ++s) out += cat(g.name, "{shard=\"", s, "\"} ", stats[s].*g.field, "\n");
  }
  out +=
      "# HELP tessera_expiries_fired_total Holds/options/reservations expired by the timing wheel.\n"
      "# TYPE tessera_expiries_fired_total counter\n";
  for (uint32_t s = 0; s < stats.size(); ++s)
    out += cat("tessera_expiries_fired_total{shard=\"", s, "\"} ", stats[s].expiries_fired, "\n");
  if (runtime::DirectoryRunner* d = shards.directory()) {
    const directory::DirectoryStats ds = d->published_stats();
    out +=
        cat("# HELP tessera_contacts Contacts in the contact directory (refreshed about once a second).\n"
            "# TYPE tessera_contacts gauge\ntessera_contacts ",
            ds.contacts,
            "\n# HELP tessera_contact_links Links between contacts.\n# TYPE tessera_contact_links "
            "gauge\ntessera_contact_links ",
            ds.links,
            "\n# HELP tessera_contact_directory_inbox_depth Commands waiting in the contact directory's "
            "inbox.\n# TYPE tessera_contact_directory_inbox_depth gauge\ntessera_contact_directory_inbox_depth ",
            d->inbox_depth(), "\n");
  }
}

void ServerApp::render_log_metrics(std::string& out) const {
  runtime::ShardSet& shards = *engine_.shards;
  const storage::LogStats log = engine_.log ? engine_.log->stats() : storage::LogStats{};
  out +=
      cat("# HELP tessera_log_bytes_total Bytes of log records written.\n# TYPE tessera_log_bytes_total counter\n"
          "tessera_log_bytes_total ",
          log.bytes, "\n");
  out +=
      cat("# HELP tessera_log_batches_total Group commits (one RocksDB WriteBatch each).\n"
          "# TYPE tessera_log_batches_total counter\ntessera_log_batches_total ",
          log.batches, "\n");
  out +=
      cat("# HELP tessera_log_snapshots_total Snapshots written.\n# TYPE tessera_log_snapshots_total counter\n"
          "tessera_log_snapshots_total ",
          log.snapshots, "\n");
  out +=
      "# HELP tessera_log_append_seconds Time to make one group commit durable (fsync in sync mode).\n"
      "# TYPE tessera_log_append_seconds summary\n";
  for (uint32_t s = 0; s < shards.size(); ++s) {
    const runtime::LogWriterStats w = shards.runner(s).log_stats();
    out += cat("tessera_log_append_seconds_sum{shard=\"", s, "\"} ", w.append_us_total / 1e6, "\n",
               "tessera_log_append_seconds_count{shard=\"", s, "\"} ", w.appends, "\n");
  }
  out +=
      "# HELP tessera_log_append_seconds_max Slowest group commit so far.\n# TYPE tessera_log_append_seconds_max "
      "gauge\n";
  for (uint32_t s = 0; s < shards.size(); ++s)
    out += cat("tessera_log_append_seconds_max{shard=\"", s, "\"} ", shards.runner(s).log_stats().append_us_max / 1e6,
               "\n");
  out +=
      "# HELP tessera_snapshot_pause_seconds_max Longest shard-thread pause to serialise a snapshot.\n"
      "# TYPE tessera_snapshot_pause_seconds_max gauge\n";
  for (uint32_t s = 0; s < shards.size(); ++s)
    out += cat("tessera_snapshot_pause_seconds_max{shard=\"", s, "\"} ",
               shards.runner(s).stats().snapshot_pause_us_max / 1e6, "\n");
  out +=
      "# HELP tessera_storage_failed 1 when a shard's command log failed (nothing more is acknowledged).\n"
      "# TYPE tessera_storage_failed gauge\n";
  for (uint32_t s = 0; s < shards.size(); ++s)
    out += cat("tessera_storage_failed{shard=\"", s, "\"} ", shards.runner(s).storage_failed() ? 1 : 0, "\n");
}

}  // namespace tessera::server
