// Server: acceptor, I/O threads, the registry of open sessions.
#include "net/server.h"

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "net/asio.h"
#include "net/messages.h"
#include "net/session.h"

namespace tessera::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using engine::cat;

struct Server::Impl {
  Impl(ServerOptions o, runtime::ShardSet& s, NetMetrics& m, ServerHooks h)
      : options(with_directory(std::move(o))),
        hooks(std::move(h)),
        context{options, s, m, hooks, *options.principals, [this](uint64_t id) { on_session_closed(id); }},
        acceptor(asio::make_strand(io)) {}

  static ServerOptions with_directory(ServerOptions o) {
    if (!o.principals) o.principals = std::make_shared<PrincipalDirectory>();
    return o;
  }
  Status load_principals();
  void accept();
  void on_accept(const error_code& ec, tcp::socket socket);
  void refuse(tcp::socket& socket);
  void on_session_closed(uint64_t id);
  std::vector<std::shared_ptr<Session>> sessions_now();

  ServerOptions options;
  ServerHooks hooks;
  SessionContext context;
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::atomic<uint16_t> port{0};
  std::atomic<bool> accepting{false};

  std::mutex mutex;  // guards sessions, next_id
  std::condition_variable all_closed;
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions;
  uint64_t next_id = 1;
};

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(io),
                        [this](const error_code& ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
}

void Server::Impl::on_accept(const error_code& ec, tcp::socket socket) {
  if (!accepting.load()) return;  // the acceptor closed: drain() has begun
  if (!ec) {
    std::unique_lock<std::mutex> lock(mutex);
    if (sessions.size() >= options.limits.connections_max) {
      lock.unlock();
      refuse(socket);
    } else {
      const uint64_t id = next_id++;
      auto session = std::make_shared<Session>(std::move(socket), context, id);
      sessions.emplace(id, session);
      lock.unlock();
      context.metrics.connection_opened();
      session->start();
    }
  }
  // Errors such as EMFILE are transient: keep accepting.
  accept();
}

// Over the connection limit: one Error frame written without waiting (it
// fits any socket buffer), then close.
void Server::Impl::refuse(tcp::socket& socket) {
  context.metrics.connection_refused();
  context.metrics.protocol_error(wire::ErrorCode::TooManyConnections);
  const OutFrame f = error_frame(wire::ErrorCode::TooManyConnections, cat("connection limit reached (connections_max ",
                                                                          options.limits.connections_max, ")"));
  error_code ignored;
  socket.non_blocking(true, ignored);
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(f.header), asio::buffer(f.body.data(), f.body.size())};
  socket.write_some(buffers, ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void Server::Impl::on_session_closed(uint64_t id) {
  context.metrics.connection_closed();
  std::lock_guard<std::mutex> lock(mutex);
  sessions.erase(id);
  if (sessions.empty()) all_closed.notify_all();
}

std::vector<std::shared_ptr<Session>> Server::Impl::sessions_now() {
  std::lock_guard<std::mutex> lock(mutex);
  std::vector<std::shared_ptr<Session>> out;
  for (auto& [id, weak] : sessions)
    if (auto s = weak.lock()) out.push_back(std::move(s));
  return out;
}

Server::Server(ServerOptions options, runtime::ShardSet& shards, NetMetrics& metrics, ServerHooks hooks)
    : impl_(std::make_unique<Impl>(std::move(options), shards, metrics, std::move(hooks))) {}

Server::~Server() { stop(); }

namespace {

engine::Reply run_internal(runtime::ShardSet& shards, engine::CommandBody body) {
  runtime::WaitableCompletion done;
  if (!shards.submit(engine::Command{0, std::move(body), 0}, &done))
    return engine::refuse(engine::ReplyCode::kBusy, "the shards do not take commands");
  return std::move(done.wait());
}

}  // namespace

// The principals shard 0 keeps, then the configured development seeds that
// are not among them yet (each added once: the log keeps it).
Status Server::Impl::load_principals() {
  PrincipalDirectory& directory = *options.principals;
  engine::Reply listed = run_internal(context.shards, engine::ListPrincipals{});
  if (!listed.ok() || !listed.detail) return Status::unavailable(cat("reading the principals: ", listed.message));
  for (const engine::PrincipalRecord& p : std::get<engine::PrincipalList>(listed.detail->value).principals)
    directory.put(p);
  for (const TokenTable::Grant& g : options.tokens.grants()) {
    engine::DefinePrincipal seed{"", g.role, {}, PrincipalDirectory::hash_token(g.token)};
    if (directory.has_token_hash(seed.token_hash)) continue;
    seed.name = cat("config-", role_name(g.role), "-", seed.token_hash.substr(0, 8));
    engine::PrincipalRecord record{0, seed.name, seed.role, {}, false, 0, 0, seed.token_hash};
    const engine::Reply added = run_internal(context.shards, std::move(seed));
    if (!added.ok()) return Status::invalid_argument(cat("configured token for ", record.name, ": ", added.message));
    record.principal = static_cast<engine::PrincipalId>(added.value);
    directory.put(record);
  }
  return Status::ok();
}

Status Server::start() {
  Impl& m = *impl_;
  if (Status s = m.load_principals(); !s.is_ok()) return s;
  error_code ec;
  const auto address = asio::ip::make_address(m.options.listen_address, ec);
  if (ec) return Status::invalid_argument(cat("listen address '", m.options.listen_address, "': ", ec.message()));
  const tcp::endpoint endpoint(address, m.options.port);
  m.acceptor.open(endpoint.protocol(), ec);
  if (!ec) m.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) m.acceptor.bind(endpoint, ec);
  if (!ec) m.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    m.acceptor.close(ignored);
    return Status::unavailable(
        cat("cannot listen on ", m.options.listen_address, ":", m.options.port, ": ", ec.message()));
  }
  m.port.store(m.acceptor.local_endpoint().port());
  m.accepting.store(true);
  m.work.emplace(m.io.get_executor());
  asio::post(m.acceptor.get_executor(), [&m] { m.accept(); });
  const uint32_t n = std::max<uint32_t>(1, m.options.io_threads);
  for (uint32_t i = 0; i < n; ++i) m.threads.emplace_back([&m] { m.io.run(); });
  return Status::ok();
}

uint16_t Server::port() const { return impl_->port.load(); }

int64_t Server::connections_open() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return static_cast<int64_t>(impl_->sessions.size());
}

void Server::drain() {
  Impl& m = *impl_;
  if (m.threads.empty() || !m.accepting.exchange(false)) return;
  std::promise<void> closed;
  asio::post(m.acceptor.get_executor(), [&m, &closed] {
    error_code ignored;
    m.acceptor.close(ignored);
    closed.set_value();
  });
  closed.get_future().wait();
  for (auto& s : m.sessions_now()) s->drain();
  std::unique_lock<std::mutex> lock(m.mutex);
  m.all_closed.wait_for(lock, std::chrono::milliseconds(m.options.limits.drain_deadline_ms),
                        [&m] { return m.sessions.empty(); });
}

void Server::stop() {
  Impl& m = *impl_;
  if (m.threads.empty()) return;
  drain();
  for (auto& s : m.sessions_now()) s->close();
  m.work.reset();
  for (auto& t : m.threads) t.join();
  m.threads.clear();
}

}  // namespace tessera::net
