// Server: acceptor, I/O loops, the registry of open sessions and their
// counts (unauthenticated, authenticated, closing; per remote address).
#include "net/server.h"

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "net/asio.h"
#include "net/io_loop.h"
#include "net/messages.h"
#include "net/session.h"

namespace tessera::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using engine::cat;

struct Server::Impl final : SessionRegistry {
  // How the server counts a session.
  enum class Standing : uint8_t {
    kUnauthenticated,  // counts against connections_unauthenticated_max and its address's cap
    kAuthenticated,    // counts against connections_max and its address's cap
    kClosing,          // its last frame is queued; counts against kConnectionsClosingMax if it lingers
  };

  Impl(ServerOptions o, runtime::ShardSet& s, NetMetrics& m, ServerHooks h)
      : options(with_directory(std::move(o))),
        hooks(std::move(h)),
        context{options, s, m, hooks, *options.principals, *this},
        loops(make_loops(options.io_threads, s.size())),
        acceptor(asio::make_strand(loops[0]->io())),
        accept_retry(acceptor.get_executor()) {}

  // io_threads 0: one loop per shard, each driven by its shard's thread;
  // otherwise one loop that the server's io_threads threads run.
  static std::vector<std::unique_ptr<IoLoop>> make_loops(uint32_t io_threads, uint32_t shards) {
    std::vector<std::unique_ptr<IoLoop>> out;
    if (io_threads > 0) {
      out.push_back(std::make_unique<IoLoop>(static_cast<int>(io_threads)));
    } else {
      for (uint32_t i = 0; i < shards; ++i) out.push_back(std::make_unique<IoLoop>(1));
    }
    return out;
  }
  bool on_shards() const { return options.io_threads == 0; }

  static ServerOptions with_directory(ServerOptions o) {
    if (!o.principals) o.principals = std::make_shared<PrincipalDirectory>();
    return o;
  }
  Status load_principals();
  void accept();
  void on_accept(const error_code& ec, tcp::socket socket);
  void admit(tcp::socket socket);
  std::string refusal_locked(const asio::ip::address& address) const;
  std::shared_ptr<Session> evict_oldest_locked();
  void refuse_at_once(tcp::socket& socket, const std::string& message);
  std::vector<std::shared_ptr<Session>> sessions_now();

  // SessionRegistry.
  bool admit_authenticated(uint64_t id) override;
  bool begin_closing(uint64_t id) override;
  void flushed(uint64_t id) override;
  void closed(uint64_t id) override;

  struct Entry {
    std::weak_ptr<Session> session;
    asio::ip::address address;
    Standing standing = Standing::kUnauthenticated;
    bool admitted = false;  // counted in the connections_open metric (a refused one is not)
    bool lingers = false;   // counted in closing
    bool flushed = false;   // counted in flushed_count
  };
  void leave_live_locked(uint64_t id, Entry& e);  // unauthenticated / authenticated -> closing
  void start_closing_locked(Entry& e);
  void forget_unauthenticated_locked(uint64_t id, const Entry& e);

  ServerOptions options;
  ServerHooks hooks;
  SessionContext context;
  std::vector<std::unique_ptr<IoLoop>> loops;
  uint32_t next_loop = 0;  // the loop of the next connection (round robin; on the acceptor's strand)
  tcp::acceptor acceptor;
  asio::steady_timer accept_retry;   // on the acceptor's strand
  std::vector<std::thread> threads;  // io_threads > 0
  bool started = false;
  std::atomic<uint16_t> port{0};
  std::atomic<bool> accepting{false};

  mutable std::mutex mutex;  // guards everything below
  std::condition_variable all_flushed;
  std::unordered_map<uint64_t, Entry> sessions;
  std::map<asio::ip::address, uint32_t> per_address;  // live (unauthenticated + authenticated) sessions, > 0
  // The unauthenticated sessions by address (non-empty sets), ids in accept
  // order: the oldest first.
  std::map<asio::ip::address, std::set<uint64_t>> unauthenticated_from;
  uint32_t unauthenticated = 0;
  uint32_t authenticated = 0;
  uint32_t closing = 0;        // lingering sessions
  uint32_t flushed_count = 0;  // sessions whose last frame is written
  uint64_t next_id = 1;
};

// Each connection lives on one loop (with io_threads 0: one shard's thread,
// which applies the commands of that shard without a hand-off).
void Server::Impl::accept() {
  IoLoop& loop = *loops[next_loop];
  next_loop = (next_loop + 1) % static_cast<uint32_t>(loops.size());
  acceptor.async_accept(asio::make_strand(loop.io()),
                        [this](const error_code& ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
}

void Server::Impl::on_accept(const error_code& ec, tcp::socket socket) {
  if (!accepting.load()) return;  // the acceptor closed: drain() has begun
  if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space || ec == asio::error::no_memory ||
      ec == error_code(ENFILE, boost::system::system_category())) {
    // Out of file descriptors or memory: the pending connection stays in
    // the backlog, and accepting again at once would spin. Closing sessions
    // free some; try again shortly.
    accept_retry.expires_after(std::chrono::milliseconds(50));
    accept_retry.async_wait([this](const error_code& wait_ec) {
      if (!wait_ec && accepting.load()) accept();
    });
    return;
  }
  if (!ec) admit(std::move(socket));
  accept();  // other errors (a peer gone before accept) concern one connection
}

// Admits a connection as unauthenticated (closing the oldest one without
// Hello when their cap is full), or refuses it: over its address's cap, or
// while connections_max authenticated connections are open (its Hello would
// be refused anyway).
void Server::Impl::admit(tcp::socket socket) {
  error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // gone already; the socket closes
  std::shared_ptr<Session> session, victim;
  std::string refusal;
  {
    std::lock_guard<std::mutex> lock(mutex);
    const uint64_t id = next_id++;
    refusal = refusal_locked(peer.address());
    if (!refusal.empty()) {
      if (closing < kConnectionsClosingMax) {
        session = std::make_shared<Session>(std::move(socket), context, id);
        sessions.emplace(id, Entry{session, peer.address(), Standing::kClosing, false, true, false});
        ++closing;
      }
    } else {
      if (unauthenticated >= options.limits.connections_unauthenticated_max) victim = evict_oldest_locked();
      session = std::make_shared<Session>(std::move(socket), context, id);
      sessions.emplace(id, Entry{session, peer.address(), Standing::kUnauthenticated, true, false, false});
      ++per_address[peer.address()];
      unauthenticated_from[peer.address()].insert(id);
      ++unauthenticated;
    }
  }
  if (victim)
    victim->refuse(cat("closed to make room: no Hello yet while connections_unauthenticated_max (",
                       options.limits.connections_unauthenticated_max, ") newer connections were waiting"));
  if (!refusal.empty()) {
    context.metrics.connection_refused();
    if (session) {
      session->refuse(std::move(refusal));
    } else {
      refuse_at_once(socket, refusal);
    }
    return;
  }
  context.metrics.connection_opened();
  session->start();
}

std::string Server::Impl::refusal_locked(const asio::ip::address& address) const {
  const NetLimits& limits = options.limits;
  const auto from = per_address.find(address);
  if (from != per_address.end() && from->second >= limits.connections_per_address_max)
    return cat("connection limit per address reached (connections_per_address_max ", limits.connections_per_address_max,
               " from ", address.to_string(), ")");
  if (authenticated >= limits.connections_max)
    return cat("connection limit reached (connections_max ", limits.connections_max, ")");
  return {};
}

// The oldest connection without Hello from the address that has the most
// of them (a flood from one address makes room among its own) leaves the
// counts now, so the next accept does not pick it again; the caller tells
// it to close. At most connections_unauthenticated_max addresses to scan.
std::shared_ptr<Session> Server::Impl::evict_oldest_locked() {
  const std::set<uint64_t>* most = nullptr;
  for (const auto& [address, ids] : unauthenticated_from) {
    if (most == nullptr || ids.size() > most->size() || (ids.size() == most->size() && *ids.begin() < *most->begin()))
      most = &ids;
  }
  const uint64_t id = *most->begin();
  Entry& e = sessions.at(id);
  leave_live_locked(id, e);
  start_closing_locked(e);
  return e.session.lock();
}

// Beyond kConnectionsClosingMax lingering connections: one Error frame
// written without waiting (it fits any socket buffer), what the peer sent
// dropped, then close.
void Server::Impl::refuse_at_once(tcp::socket& socket, const std::string& message) {
  context.metrics.protocol_error(wire::ErrorCode::TooManyConnections);
  const OutFrame f = error_frame(wire::ErrorCode::TooManyConnections, message);
  error_code ignored;
  socket.non_blocking(true, ignored);
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(f.header), asio::buffer(f.body.data(), f.body.size())};
  socket.write_some(buffers, ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  std::array<uint8_t, 4096> scratch;
  error_code read_ec;
  for (int i = 0; i < 16 && !read_ec; ++i) socket.read_some(asio::buffer(scratch), read_ec);
  socket.close(ignored);
}

void Server::Impl::leave_live_locked(uint64_t id, Entry& e) {
  if (e.standing == Standing::kClosing) return;
  if (e.standing == Standing::kUnauthenticated) {
    forget_unauthenticated_locked(id, e);
  } else {
    --authenticated;
  }
  auto from = per_address.find(e.address);
  if (--from->second == 0) per_address.erase(from);
  e.standing = Standing::kClosing;
}

void Server::Impl::forget_unauthenticated_locked(uint64_t id, const Entry& e) {
  auto from = unauthenticated_from.find(e.address);
  from->second.erase(id);
  if (from->second.empty()) unauthenticated_from.erase(from);
  --unauthenticated;
}

void Server::Impl::start_closing_locked(Entry& e) {
  e.standing = Standing::kClosing;
  e.lingers = closing < kConnectionsClosingMax;
  if (e.lingers) ++closing;
}

bool Server::Impl::admit_authenticated(uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex);
  Entry& e = sessions.at(id);
  if (e.standing != Standing::kUnauthenticated || authenticated >= options.limits.connections_max) return false;
  forget_unauthenticated_locked(id, e);
  e.standing = Standing::kAuthenticated;
  ++authenticated;
  return true;
}

bool Server::Impl::begin_closing(uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex);
  Entry& e = sessions.at(id);
  if (e.standing != Standing::kClosing) {
    leave_live_locked(id, e);
    start_closing_locked(e);
  }
  return e.lingers;
}

void Server::Impl::flushed(uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex);
  Entry& e = sessions.at(id);
  if (e.flushed) return;
  e.flushed = true;
  ++flushed_count;
  if (flushed_count == sessions.size()) all_flushed.notify_all();
}

void Server::Impl::closed(uint64_t id) {
  bool admitted = false;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = sessions.find(id);
    Entry& e = it->second;
    leave_live_locked(id, e);
    if (e.lingers) --closing;
    if (e.flushed) --flushed_count;
    admitted = e.admitted;
    sessions.erase(it);
    if (flushed_count == sessions.size()) all_flushed.notify_all();
  }
  if (admitted) context.metrics.connection_closed();
}

std::vector<std::shared_ptr<Session>> Server::Impl::sessions_now() {
  std::lock_guard<std::mutex> lock(mutex);
  std::vector<std::shared_ptr<Session>> out;
  for (auto& [id, entry] : sessions)
    if (auto s = entry.session.lock()) out.push_back(std::move(s));
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

Status Server::Impl::load_principals() {
  return net::load_principals(*options.principals, options.tokens, [this](engine::CommandBody body) {
    return run_internal(context.shards, std::move(body));
  });
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
  m.started = true;
  asio::post(m.acceptor.get_executor(), [&m] { m.accept(); });
  if (m.on_shards()) {
    std::vector<runtime::EventLoop*> loops;
    for (auto& loop : m.loops) loops.push_back(loop.get());
    m.context.shards.attach_event_loops(loops);
  } else {
    for (uint32_t i = 0; i < m.options.io_threads; ++i) m.threads.emplace_back([&m] { m.loops[0]->io().run(); });
  }
  return Status::ok();
}

uint16_t Server::port() const { return impl_->port.load(); }

int64_t Server::connections_open() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return static_cast<int64_t>(impl_->authenticated + impl_->unauthenticated);
}

void Server::drain() {
  Impl& m = *impl_;
  if (!m.started || !m.accepting.exchange(false)) return;
  std::promise<void> closed;
  asio::post(m.acceptor.get_executor(), [&m, &closed] {
    error_code ignored;
    m.acceptor.close(ignored);
    m.accept_retry.cancel();
    closed.set_value();
  });
  closed.get_future().wait();
  for (auto& s : m.sessions_now()) s->drain();
  std::unique_lock<std::mutex> lock(m.mutex);
  m.all_flushed.wait_for(lock, std::chrono::milliseconds(m.options.limits.drain_deadline_ms),
                         [&m] { return m.sessions.size() == m.flushed_count; });
}

void Server::stop() {
  Impl& m = *impl_;
  if (!m.started) return;
  drain();
  for (auto& s : m.sessions_now()) s->close();
  for (auto& loop : m.loops) loop->release_work();
  if (m.on_shards()) {
    // The shards' threads let go of the loops (or stopped already); what
    // is left (closing sessions, the last responses) runs here.
    m.context.shards.attach_event_loops({});
    for (auto& loop : m.loops) loop->io().run();
  }
  for (auto& t : m.threads) t.join();
  m.threads.clear();
  m.started = false;
}

}  // namespace tessera::net
