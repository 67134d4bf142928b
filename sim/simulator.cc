// The simulated world: clients, network, server incarnations, faults, checks.
#include "sim/simulator.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include "base/strings.h"
#include "engine/command_registry.h"
#include "engine/hash.h"
#include "engine/reply_detail.h"
#include "net/codec.h"
#include "net/limits.h"
#include "net/messages.h"
#include "net/principal_directory.h"
#include "net/request_gate.h"
#include "net/result_code.h"
#include "runtime/clock.h"
#include "runtime/completion.h"
#include "runtime/shard_set.h"
#include "sim/sim_log_store.h"
#include "workload/demo_venue.h"
#include "workload/random_workload.h"

namespace tessera::sim {

namespace {

using engine::Command;
using engine::Reply;
using engine::ReplyCode;

constexpr uint32_t kShards = 2;
constexpr int64_t kStartMs = 1'790'000'000'000;
// The checker clients' quotas: one performance per shard, a small stock.
constexpr engine::PerformanceId kCheckedPerformances[] = {1900, 1901};
constexpr engine::CategoryId kCheckedCategory = 1;
constexpr uint32_t kCheckedCapacity = 12;
constexpr int64_t kCheckedHoldTtlMs = 1'800'000;  // the product's longest hold; a run lasts far less
constexpr uint32_t kInFlightMax = 4;              // requests in flight per client

uint64_t checked_key(engine::PerformanceId p) { return p.value(); }

bool chance(std::mt19937_64& rng, uint32_t ppm) { return rng() % 1'000'000 < ppm; }

std::vector<uint8_t> frame_bytes(const net::OutFrame& f) {
  std::vector<uint8_t> out(f.header.begin(), f.header.end());
  out.insert(out.end(), f.body.data(), f.body.data() + f.body.size());
  return out;
}

std::span<const uint8_t> payload_of(const std::vector<uint8_t>& bytes) {
  return std::span<const uint8_t>(bytes).subspan(4);
}

// What a client sent and is waiting for.
struct Sent {
  uint64_t request_id = 0;
  Command command;
  int64_t call_ms = 0;
  std::optional<size_t> op;  // the checker's operation, if any
};

struct Client {
  enum class Kind : uint8_t { kWeb, kBackOffice, kChecker } kind = Kind::kWeb;
  uint32_t id = 0;
  std::string token;  // its principal's, sent in each connection's Hello
  uint64_t conn = 0;  // 0: not connected
  int64_t reconnect_at = 0;
  uint64_t next_request = 1;
  uint64_t next_key = 1;
  std::map<uint64_t, Sent> in_flight;  // by request id
  std::unique_ptr<workload::RandomWorkload> workload;
  std::vector<std::pair<engine::OrderId, engine::PerformanceId>> holds;  // checker: live holds (order, performance)
  std::map<uint64_t, uint32_t> hold_quantity;                            // checker: order -> quantity
  std::vector<engine::OrderId> options;                                  // back office
  std::map<uint64_t, engine::HoldToken> hold_tokens;                     // web: order -> the token its replies carried
};

struct Message {
  int64_t at = 0;
  uint64_t order = 0;
  uint64_t conn = 0;
  bool to_server = true;
  std::vector<uint8_t> bytes;
};

// One request the server is answering: the session's pending request (its
// replies, filled by completions) and what the world checks against them.
struct Pending final : net::PendingRequest {
  uint64_t conn = 0;
  uint64_t incarnation = 0;
  std::vector<Command> commands;              // as the client sent them (routes, names)
  std::vector<int64_t> submitted_at_failure;  // per command: the failures of its partition when submitted
  class World* world = nullptr;

 protected:
  void finished() override;
};

class World {
 public:
  explicit World(const SimOptions& o) : o_(o), rng_(o.seed), clock_(kStartMs) {
    result_.sync = rng_() % 4 != 0;  // a quarter of the seeds run `async`
    store_ = std::make_unique<SimLogStore>(kShards, result_.sync);
  }

  SimResult run();
  void on_request_done(Pending* p);

 private:
  // ---- the server ----------------------------------------------------------
  bool start_server();
  void stop_server(bool power_loss);
  void restart_server(const char* why, bool power_loss);
  void turn_server();
  bool check_live();
  uint64_t live_hash();

  // ---- clients and network -------------------------------------------------
  void send(Client& c, Command command, std::optional<size_t> op);
  Command next_command(Client& c, std::optional<size_t>* op);
  void deliver_due();
  void server_receive(uint64_t conn, const std::vector<uint8_t>& bytes);
  void client_receive(uint64_t conn, const std::vector<uint8_t>& bytes);
  void on_reply(Client& c, Sent& sent, const net::ClientReply& reply);
  void cut(Client& c);
  void post(uint64_t conn, bool to_server, std::vector<uint8_t> bytes);
  void connect(Client& c);

  void fail(const std::string& what);
  Client* client_of(uint64_t conn);

  const SimOptions o_;
  std::mt19937_64 rng_;
  runtime::ManualClock clock_;
  std::unique_ptr<SimLogStore> store_;
  std::unique_ptr<runtime::ShardSet> shards_;
  // The session's side of the server: its options, principals and one gate
  // per open connection (net/request_gate.h, the Asio session's own code).
  net::ServerOptions server_options_;
  net::ServerHooks hooks_;  // none: mail, documents and other side effects are not simulated
  net::TokenTable tokens_;  // one principal per client
  std::shared_ptr<net::PrincipalDirectory> principals_;
  std::map<uint64_t, std::unique_ptr<net::RequestGate>> gates_;  // by connection, once the server saw it
  uint64_t incarnation_ = 0;
  bool down_ = false;               // between a crash and the restart
  int64_t restart_at_ = 0;          // when the supervisor starts it again
  std::vector<uint64_t> failures_;  // per partition (shards, then the directory): storage failures seen
  std::vector<Client> clients_;
  std::map<uint64_t, uint32_t> conns_;  // open connection -> client
  uint64_t next_conn_ = 1;
  std::deque<Message> network_;
  uint64_t next_message_ = 0;
  std::map<uint64_t, int64_t> last_delivery_;  // per (conn, direction): FIFO within a connection
  std::map<Pending*, std::unique_ptr<Pending>> pending_;
  std::vector<Pending*> finished_;
  // The ledger: keys of commands acknowledged Ok (found again in the log at each start).
  struct Acked {
    std::string_view name;  // the command's
    uint64_t incarnation = 0;
  };
  std::map<uint64_t, Acked> acked_;
  std::vector<Operation> history_;
  // The checker's requests: (connection, request id) -> operation, and
  // those the server has received (their effect comes no later than their
  // completion; the others are lost with the connection).
  std::map<std::pair<uint64_t, uint64_t>, size_t> op_of_request_;
  std::set<std::pair<uint64_t, uint64_t>> received_;
  void set_deadline(uint64_t conn, uint64_t request_id);
  std::map<uint64_t, int64_t> capacity_;
  engine::Hasher trace_;
  SimResult result_;
  int64_t step_ = 0;
  std::string phase_ = "set-up";
  uint64_t recovered_hash_ = 0;  // of the partitions as the last start recovered them (live_hash()'s order)
};

void Pending::finished() { world->on_request_done(this); }

void World::fail(const std::string& what) {
  if (!result_.ok) return;
  result_.ok = false;
  result_.failure =
      cat("seed ", o_.seed, " step ", step_, " (t+", clock_.now_ms() - kStartMs, " ms, ", phase_, "): ", what);
}

// ---- the server --------------------------------------------------------------

bool World::start_server() {
  ++incarnation_;
  store_->reopen();
  std::vector<std::unique_ptr<runtime::ShardRunner>> runners;
  std::vector<uint64_t> hashes;
  std::map<uint64_t, std::vector<uint32_t>> seen;  // key -> partitions whose log holds it
  const SimLogStore::EntryVisitor replayed = [](uint32_t, uint64_t, const runtime::LogEntry&) {};
  std::set<uint64_t> catalog;  // keys of catalog commands
  auto visit = [&seen, &catalog](uint32_t partition, uint64_t, const runtime::LogEntry& e) {
    if (e.command.key == 0) return;
    seen[e.command.key].push_back(partition);
    if (engine::command_route(e.command.body, kShards).kind == engine::Route::kCatalog) catalog.insert(e.command.key);
  };
  runtime::RunnerConfig rc;
  rc.log = store_.get();
  rc.snapshot_every_entries = 200 + rng_() % 2'000;  // snapshots now and then: recovery starts from one
  rc.snapshot_every_ms = INT64_MAX / 4;
  for (uint32_t s = 0; s < kShards; ++s) {
    auto r = store_->recover_shard(s, replayed);
    if (!r.is_ok()) {
      fail(cat("recovery of shard ", s, " failed: ", r.status().message()));
      return false;
    }
    hashes.push_back(r->partition->state_hash());
    rc.next_seq = r->next_seq;
    runners.push_back(std::make_unique<runtime::ShardRunner>(std::move(r->partition), clock_, rc));
  }
  auto d = store_->recover_directory(replayed);
  if (!d.is_ok()) {
    fail(cat("recovery of the contact directory failed: ", d.status().message()));
    return false;
  }
  hashes.push_back(d->partition->state_hash());
  rc.next_seq = d->next_seq;
  auto directory = std::make_unique<runtime::DirectoryRunner>(std::move(d->partition), clock_, rc);
  // Every command acknowledged Ok is in the log (what a snapshot covers
  // included: the replay check proves the snapshot holds it); a catalog
  // command on every shard or none.
  store_->visit_written(visit);
  for (const auto& [key, acked] : acked_) {
    auto it = seen.find(key);
    if (it == seen.end()) {
      fail(cat("acknowledged ", acked.name, " (key ", key, ", acknowledged by incarnation ", acked.incarnation,
               ") is not in the recovered log"));
      return false;
    }
    ++result_.entries_checked;
  }
  for (uint64_t key : catalog) {  // acknowledged or not: the shards' catalogs never differ
    const std::vector<uint32_t>& where = seen[key];
    const std::set<uint32_t> shards(where.begin(), where.end());
    if (shards.size() != kShards)
      fail(cat("catalog command (key ", key, ") recovered on ", shards.size(), " of ", kShards, " shards"));
  }
  engine::Hasher recovered;
  for (uint64_t h : hashes) {
    trace_.add_u64(h);
    recovered.add_u64(h);
  }
  recovered_hash_ = recovered.value();
  shards_ = std::make_unique<runtime::ShardSet>(std::move(runners), std::move(directory));
  runtime::ShardSet* set = shards_.get();
  shards_->start_stepped([set] { set->turn(); });
  failures_.assign(kShards + 1, 0);
  down_ = false;
  // As the server does at start: the principals shard 0 keeps, and the
  // clients' tokens (defined on the first start, found in the log later).
  principals_ = std::make_shared<net::PrincipalDirectory>();
  const Status loaded = net::load_principals(*principals_, tokens_, [set](engine::CommandBody body) {
    return set->call(Command{0, std::move(body)});
  });
  if (!loaded.is_ok()) {
    // The server's start fails, as Server::start() does, and its process
    // exits; the supervisor starts it again later. Only a storage failure
    // (a full disk, an injected fault hit by the start's first write)
    // explains that.
    bool storage_failed = shards_->directory()->storage_failed();
    for (uint32_t s = 0; s < kShards; ++s) storage_failed = storage_failed || shards_->runner(s).storage_failed();
    if (!storage_failed) {
      fail(cat("loading the principals failed with healthy storage: ", loaded.message()));
      return false;
    }
    if (o_.verbose) std::fprintf(stderr, "sim step %ld: start failed: %s\n", step_, loaded.message().c_str());
    stop_server(false);
    restart_at_ = clock_.now_ms() + 1 + static_cast<int64_t>(rng_() % 500);
  }
  return result_.ok;
}

uint64_t World::live_hash() {
  engine::Hasher h;
  for (uint32_t s = 0; s < kShards; ++s) h.add_u64(shards_->runner(s).shard().state_hash());
  h.add_u64(shards_->directory()->shard().state_hash());
  return h.value();
}

// The process dies: what it had not written is gone, and so are its
// connections. Stopping the stepped runners with the store dead answers
// what was queued Unavailable, to nobody (the connections are gone).
void World::stop_server(bool power_loss) {
  if (power_loss) {
    store_->power_loss(rng_);
  } else {
    store_->crash();
  }
  shards_.reset();
  gates_.clear();
  pending_.clear();
  finished_.clear();
  for (Client& c : clients_)
    if (c.conn != 0) cut(c);
  down_ = true;
}

void World::restart_server(const char* why, bool power_loss) {
  if (o_.verbose) std::fprintf(stderr, "sim seed %lu step %ld: %s\n", static_cast<unsigned long>(o_.seed), step_, why);
  const bool clean_state = std::all_of(failures_.begin(), failures_.end(), [](uint64_t f) { return f == 0; });
  const uint64_t before = clean_state && !power_loss ? live_hash() : 0;
  stop_server(power_loss);
  if (power_loss && !result_.sync) acked_.clear();  // async: acknowledged but not synced may be lost
  restart_at_ = clock_.now_ms() + 1 + static_cast<int64_t>(rng_() % 500);
  if (before != 0) {
    // A process crash with nothing failed: the recovered state is the live one.
    phase_ = "restart";
    if (!start_server()) return;
    ++result_.restarts;
    if (recovered_hash_ != before) fail("state recovered after a crash differs from the live state");
  }
}

void World::turn_server() {
  if (down_) return;
  const uint32_t turns = 1 + static_cast<uint32_t>(rng_() % 3);
  for (uint32_t i = 0; i < turns; ++i) shards_->turn();
  for (Pending* p : finished_) pending_.erase(p);
  finished_.clear();
  for (uint32_t s = 0; s <= kShards; ++s) {
    const bool failed = s < kShards ? shards_->runner(s).storage_failed() : shards_->directory()->storage_failed();
    if (failed && failures_[s] == 0) failures_[s] = 1;
  }
}

bool World::check_live() {
  if (down_) return true;
  for (uint32_t s = 0; s < kShards; ++s) {
    Status st = shards_->runner(s).shard().check_invariants();
    if (!st.is_ok()) {
      fail(cat("shard ", s, ": ", st.message()));
      return false;
    }
  }
  Status st = shards_->directory()->shard().check_invariants();
  if (!st.is_ok()) fail(cat("contact directory: ", st.message()));
  return result_.ok;
}

// ---- the session: the server's side of a connection --------------------------

// The bytes of one frame reach the server: its connection's gate reads
// them, as the Asio session does (net/session.cc), and submits the
// request's commands to the stepped shards.
void World::server_receive(uint64_t conn, const std::vector<uint8_t>& bytes) {
  if (down_ || !conns_.count(conn)) return;
  std::unique_ptr<net::RequestGate>& gate = gates_[conn];
  if (!gate)
    gate =
        std::make_unique<net::RequestGate>(net::RequestGate::Context{server_options_, *shards_, hooks_, *principals_});
  const net::RequestGate::Incoming incoming = gate->read(payload_of(bytes));
  if (const auto* refused = std::get_if<net::Refusal>(&incoming)) {
    fail(cat("the server refused a client's frame: ", refused->message));
    return;
  }
  if (const auto* hello = std::get_if<const wire::Hello*>(&incoming)) {
    if (std::optional<net::Refusal> refused = gate->hello(**hello)) {
      fail(cat("the server refused a client's Hello: ", refused->message));
      return;
    }
    post(conn, false, frame_bytes(gate->hello_reply()));
    return;
  }
  const auto* is_request = std::get_if<const wire::Request*>(&incoming);
  if (is_request == nullptr) {
    fail("a client sent a frame the simulator does not send");
    return;
  }
  const wire::Request* request = *is_request;
  if (std::optional<net::Refusal> refused = gate->check_principal()) {
    fail(cat("the server refused a client's request: ", refused->message));
    return;
  }
  // What the world checks the replies against (the gate decodes on its own).
  auto decoded = net::decode_request(*request, net::kCommandsPerRequestDefault);
  if (!decoded.is_ok()) {
    fail(cat("a client's request does not decode: ", decoded.status().message()));
    return;
  }
  received_.insert({conn, request->request_id()});
  auto owned = std::make_unique<Pending>();
  Pending* p = owned.get();
  p->world = this;
  p->conn = conn;
  p->incarnation = incarnation_;
  p->commands = std::move(decoded.value());
  for (const Command& c : p->commands) {
    const engine::Route route = engine::command_route(c.body, kShards);
    p->submitted_at_failure.push_back(route.kind == engine::Route::kOneShard ? failures_[route.shard] : 0);
  }
  pending_.emplace(p, std::move(owned));
  if (gate->submit(*request, *p)) fail("the server found a client's request malformed");
}

// An unknown outcome's effect, if any, came no later than now.
void World::set_deadline(uint64_t conn, uint64_t request_id) {
  auto it = op_of_request_.find({conn, request_id});
  if (it == op_of_request_.end()) return;
  Operation& op = history_[it->second];
  if (op.ret == kNever && op.effect_deadline == kNever) op.effect_deadline = clock_.now_ms();
}

void World::on_request_done(Pending* p) {
  finished_.push_back(p);
  set_deadline(p->conn, p->request_id);  // applied (or not) by now, whoever hears of it
  if (p->incarnation != incarnation_ || down_ || !conns_.count(p->conn)) return;  // nobody to answer
  for (size_t i = 0; i < p->replies.size(); ++i) {
    const engine::Route route = engine::command_route(p->commands[i].body, kShards);
    if (p->replies[i].ok() && route.kind == engine::Route::kOneShard && p->submitted_at_failure[i] != 0)
      fail(cat("shard ", route.shard, " acknowledged ", engine::command_name(p->commands[i].body),
               " after its storage failed"));
  }
  post(p->conn, false, frame_bytes(gates_.at(p->conn)->response(*p)));
}

// ---- the network -------------------------------------------------------------

void World::post(uint64_t conn, bool to_server, std::vector<uint8_t> bytes) {
  const int64_t delay = rng_() % 8 == 0 ? static_cast<int64_t>(rng_() % 40) : static_cast<int64_t>(rng_() % 3);
  int64_t& last = last_delivery_[conn * 2 + (to_server ? 1 : 0)];
  last = std::max(last, clock_.now_ms() + delay);  // never overtakes an earlier message of its connection
  network_.push_back(Message{last, next_message_++, conn, to_server, std::move(bytes)});
}

void World::deliver_due() {
  const int64_t now = clock_.now_ms();
  std::vector<Message> due;
  for (auto it = network_.begin(); it != network_.end();) {
    if (it->at <= now) {
      due.push_back(std::move(*it));
      it = network_.erase(it);
    } else {
      ++it;
    }
  }
  std::sort(due.begin(), due.end(),
            [](const Message& a, const Message& b) { return a.at != b.at ? a.at < b.at : a.order < b.order; });
  for (const Message& m : due) {
    if (!conns_.count(m.conn)) continue;  // cut meanwhile: lost
    if (m.to_server) {
      server_receive(m.conn, m.bytes);
    } else {
      client_receive(m.conn, m.bytes);
    }
    if (!result_.ok) return;
  }
}

Client* World::client_of(uint64_t conn) {
  auto it = conns_.find(conn);
  return it == conns_.end() ? nullptr : &clients_[it->second];
}

void World::cut(Client& c) {
  result_.unknown += c.in_flight.size();      // their outcome stays unknown (ret = kNever)
  for (const auto& [id, sent] : c.in_flight)  // a request still on the wire is lost with the connection
    if (!received_.count({c.conn, id})) set_deadline(c.conn, id);
  c.in_flight.clear();
  conns_.erase(c.conn);
  gates_.erase(c.conn);
  c.conn = 0;
  c.reconnect_at = clock_.now_ms() + 1 + static_cast<int64_t>(rng_() % 50);
}

// ---- clients -----------------------------------------------------------------

Command World::next_command(Client& c, std::optional<size_t>* op) {
  const int64_t now = clock_.now_ms();
  switch (c.kind) {
    case Client::Kind::kWeb:
      return c.workload->next(now);
    case Client::Kind::kBackOffice: {
      const uint32_t pick = static_cast<uint32_t>(rng_() % 14);
      if (pick < 2) {
        engine::ContactFields f;
        f.types = engine::kContactIndividual;
        f.last_name = "SIM";
        f.first_name = cat("Client ", c.next_key);
        return Command{0, engine::CreateContact{engine::kNone, 0, f}};
      }
      if (pick < 5 || c.options.empty()) {
        const engine::PerformanceId perf = 1000 + static_cast<uint32_t>(rng_() % 2);
        return Command{0, engine::Book{engine::BookingKind::kOption,
                                       engine::ContactId{static_cast<uint32_t>(1 + rng_() % 200)},
                                       workload::kBoxOffice,
                                       {workload::demo_line(perf, workload::kProductRelease, 1, 1)},
                                       now + static_cast<int64_t>(rng_() % 3'600'000)}};
      }
      if (pick < 7) {
        const engine::OrderId order = c.options[rng_() % c.options.size()];
        return Command{
            0, engine::AddPayment{order, engine::PaymentMode::kCard, 100 + static_cast<int64_t>(rng_() % 5000), 0,
                                  engine::kNone, engine::kNone, "", "", ""}};
      }
      if (pick < 8) {
        engine::FollowUpFilter f;
        f.due_until_ms = now;
        return Command{0, engine::ReleaseAll{f}};
      }
      if (pick < 9 && o_.catalog_commands)
        return Command{0, engine::SetTariffPrice{workload::demo_tariff(workload::kProductRelease, 1), 1, workload::kWeb,
                                                 1000 + static_cast<uint32_t>(rng_() % 9000)}};
      // The follow-up of its options: what a web shop's role may not send.
      const engine::OrderId order = c.options[rng_() % c.options.size()];
      switch (pick) {
        case 10:
          return Command{0, engine::SetLock{order, rng_() % 2 == 0}};
        case 11:
          return Command{0, engine::Archive{order}};
        case 12:
          return Command{0, engine::Reinstate{order, now + 60'000 + static_cast<int64_t>(rng_() % 3'600'000)}};
        case 13:
          return Command{0, engine::Cancel{order}};
        default:
          return Command{0, engine::GetOrderRecord{order}};
      }
    }
    case Client::Kind::kChecker: {
      const engine::PerformanceId perf = kCheckedPerformances[rng_() % 2];
      Operation operation;
      operation.client = c.id;
      operation.key = checked_key(perf);
      operation.call = now;
      const uint32_t pick = static_cast<uint32_t>(rng_() % 10);
      Command command;
      if (pick < 5) {
        operation.kind = OpKind::kHold;
        operation.hold = (uint64_t{1} << 63) | history_.size();  // the order id once the reply names it
        operation.quantity = 1 + static_cast<uint32_t>(rng_() % 4);
        command = Command{
            0,
            engine::Hold{engine::ContactId{static_cast<uint32_t>(1 + rng_() % 200)},
                         workload::kWeb,
                         {workload::demo_line(perf, workload::kProductRelease, kCheckedCategory, operation.quantity)},
                         kCheckedHoldTtlMs}};
      } else if (pick < 8 && !c.holds.empty()) {
        const size_t i = rng_() % c.holds.size();
        const auto [order, held_perf] = c.holds[i];
        c.holds.erase(c.holds.begin() + static_cast<std::ptrdiff_t>(i));
        operation.kind = OpKind::kRelease;
        operation.key = checked_key(held_perf);
        operation.hold = order.value();
        operation.quantity = c.hold_quantity[order.value()];
        command = Command{0, engine::Release{order}};
      } else {
        operation.kind = OpKind::kRead;
        command =
            Command{0, engine::GetAvailability{perf, kCheckedCategory, engine::kNone, workload::kWeb, engine::kNone}};
      }
      *op = history_.size();
      history_.push_back(operation);
      return command;
    }
  }
  return Command{};
}

// A client connects: its Hello goes first, its requests right behind it.
void World::connect(Client& c) {
  c.conn = next_conn_++;
  conns_[c.conn] = c.id;
  post(c.conn, true, frame_bytes(net::hello_frame(net::kProtocolVersion, c.token, "tessera-simulate")));
}

void World::send(Client& c, Command command, std::optional<size_t> op) {
  command.key = (static_cast<uint64_t>(c.id + 1) << 40) | c.next_key++;  // unique: the ledger's name for it
  if (c.kind == Client::Kind::kWeb) {  // a web shop names its orders with their hold tokens
    std::visit(
        [&](const auto& body) {
          if constexpr (requires { body.order; }) {
            auto token = c.hold_tokens.find(body.order.value());
            if (token != c.hold_tokens.end()) command.hold_token = token->second;
          }
        },
        command.body);
  }
  const uint64_t id = c.next_request++;
  post(c.conn, true, frame_bytes(net::request_frame(id, {command})));
  if (op) op_of_request_[{c.conn, id}] = *op;
  c.in_flight.emplace(id, Sent{id, std::move(command), clock_.now_ms(), op});
  ++result_.requests;
}

void World::client_receive(uint64_t conn, const std::vector<uint8_t>& bytes) {
  Client* c = client_of(conn);
  if (c == nullptr) return;
  const wire::ServerFrame* frame = net::verify_server_frame(payload_of(bytes));
  if (frame != nullptr && frame->message_as_HelloReply() != nullptr) return;  // the requests follow it at once
  const wire::Response* response = frame ? frame->message_as_Response() : nullptr;
  if (response == nullptr || response->results() == nullptr || response->results()->size() != 1) {
    fail("a client could not read the server's response");
    return;
  }
  auto it = c->in_flight.find(response->request_id());
  if (it == c->in_flight.end()) {
    fail(cat("client ", c->id, " got a response to request ", response->request_id(), " it is not waiting for"));
    return;
  }
  auto reply = net::decode_reply(response->results()->Get(0));
  if (!reply.is_ok()) {
    fail(cat("a reply does not decode: ", reply.status().message()));
    return;
  }
  Sent sent = std::move(it->second);
  c->in_flight.erase(it);
  on_reply(*c, sent, reply.value());
}

void World::on_reply(Client& c, Sent& sent, const net::ClientReply& reply) {
  ++result_.replies;
  trace_.add_u64(sent.command.key);
  trace_.add_u64(static_cast<uint64_t>(reply.code));
  trace_.add_u64(reply.order.value());
  trace_.add_u64(static_cast<uint64_t>(reply.value));
  const bool query = engine::is_query(sent.command.body);
  if (reply.ok() && !query) {
    acked_[sent.command.key] = Acked{engine::command_name(sent.command.body), incarnation_};
    ++result_.acknowledged;
  }
  if (sent.op) {
    Operation& op = history_[*sent.op];
    const bool decided = reply.code != ReplyCode::kUnavailable && reply.code != ReplyCode::kBusy;
    if (decided) {
      op.ret = clock_.now_ms();
      op.ok = reply.ok();
      if (op.kind == OpKind::kHold) {
        if (reply.ok()) {
          op.hold = reply.order.value();
          c.holds.emplace_back(reply.order, engine::PerformanceId{static_cast<uint32_t>(op.key)});
          c.hold_quantity[reply.order.value()] = op.quantity;
        } else if (reply.code != ReplyCode::kSoldOut) {
          fail(cat("checker hold refused with ", engine::reply_code_name(reply.code), ": ", reply.message));
        }
      }
      if (op.kind == OpKind::kRead) op.value = reply.value;
      if (op.kind == OpKind::kRead && !reply.ok())
        fail(cat("checker read refused: ", engine::reply_code_name(reply.code), " ", reply.message));
    } else {
      op.effect_deadline = clock_.now_ms();
    }
    if (!decided && op.kind == OpKind::kRelease) {
      c.holds.emplace_back(engine::OrderId{op.hold}, engine::PerformanceId{static_cast<uint32_t>(op.key)});
    }
  }
  if (c.kind == Client::Kind::kWeb) {
    // The token a reply gave opens that order: a web shop is never refused its own order.
    if (reply.code == net::kForbidden && !sent.command.hold_token.empty() &&
        reply.message.find("hold_token") != std::string::npos)
      fail(cat("a web shop's command with its order's hold token was refused: ", reply.message));
    c.workload->observe(sent.command, reply);
    if (reply.ok() && reply.order != 0) {
      if (reply.hold_token.empty())
        fail(cat("a web shop's reply names order ", reply.order, " without its hold token"));
      c.hold_tokens[reply.order.value()] = reply.hold_token;
    }
  }
  if (c.kind == Client::Kind::kBackOffice && reply.ok() && std::holds_alternative<engine::Book>(sent.command.body))
    c.options.push_back(reply.order);
}

// ---- the run -----------------------------------------------------------------

SimResult World::run() {
  // The clients and their principals: the web clients are web shops (each
  // reaches only its own orders, by hold token), the back office and the
  // checker clients back-office operators.
  for (uint32_t i = 0; i < o_.web_clients + (o_.back_office ? 1 : 0) + o_.checker_clients; ++i) {
    Client c;
    c.id = i;
    c.kind = i < o_.web_clients                        ? Client::Kind::kWeb
             : (o_.back_office && i == o_.web_clients) ? Client::Kind::kBackOffice
                                                       : Client::Kind::kChecker;
    if (c.kind == Client::Kind::kWeb) c.workload = std::make_unique<workload::RandomWorkload>(o_.seed * 31 + i, 2);
    c.token = cat("sim-client-", i);
    const Status added =
        tokens_.add(c.token, c.kind == Client::Kind::kWeb ? net::Role::kWebshop : net::Role::kBackoffice);
    if (!added.is_ok()) {
      fail(cat("client token: ", added.message()));
      return result_;
    }
    clients_.push_back(std::move(c));
  }
  // Set-up: the venue of the random workload, the checker's quotas.
  if (!start_server()) return result_;
  workload::RandomWorkload venue(o_.seed, 2);
  std::vector<Command> setup = venue.setup(40);
  for (engine::PerformanceId p : kCheckedPerformances) {
    setup.push_back(
        Command{0, engine::DefinePerformance{p, workload::kProductRelease, kStartMs + 30LL * 86'400'000, 0, 0}});
    setup.push_back(Command{0, engine::SetGeneralAdmission{p, kCheckedCategory, kCheckedCapacity}});
    capacity_[checked_key(p)] = kCheckedCapacity;
  }
  for (Command& c : setup) {
    const Reply r = shards_->call(std::move(c));
    if (!r.ok()) {
      fail(cat("set-up command refused: ", r.message));
      return result_;
    }
  }
  store_->writeback();
  phase_ = "run";
  uint64_t sent = 0;
  for (step_ = 0; result_.ok; ++step_) {
    clock_.advance_ms(static_cast<int64_t>(rng_() % 3));
    const bool winding_down = sent >= o_.requests;
    // The supervisor restarts a server whose storage failed, or that died.
    if (down_ && clock_.now_ms() >= restart_at_) {
      phase_ = "restart";
      if (!start_server()) break;
      ++result_.restarts;
      phase_ = "run";
    }
    if (!down_ && std::any_of(failures_.begin(), failures_.end(), [](uint64_t f) { return f != 0; }) &&
        rng_() % 20 == 0) {
      restart_server("storage failed: supervised restart", false);
      if (!result_.ok) break;
    }
    // Faults.
    if (!winding_down && !down_) {
      if (chance(rng_, o_.storage_fault_ppm)) {
        const Fault f = static_cast<Fault>(1 + rng_() % 4);
        store_->inject(f);
        ++result_.storage_faults;
        if (o_.verbose)
          std::fprintf(stderr, "sim step %ld: storage fault %s\n", step_, std::string(fault_name(f)).c_str());
      }
      if (chance(rng_, o_.crash_ppm)) {
        ++result_.crashes;
        restart_server("process crash", false);
        if (!result_.ok) break;
      } else if (chance(rng_, o_.power_loss_ppm)) {
        ++result_.power_losses;
        restart_server("power loss", true);
        if (!result_.ok) break;
      }
    }
    if (store_->disk_full() && rng_() % 50 == 0) store_->free_space();
    if (!result_.sync && rng_() % 40 == 0) store_->writeback();
    // Clients: connect, maybe get cut, send.
    for (Client& c : clients_) {
      if (c.conn == 0) {
        if (winding_down || down_ || clock_.now_ms() < c.reconnect_at) continue;
        connect(c);
      }
      if (chance(rng_, o_.cut_ppm)) {
        ++result_.cuts;
        cut(c);
        continue;
      }
      if (!winding_down && c.in_flight.size() < kInFlightMax && rng_() % 3 == 0) {
        std::optional<size_t> op;
        Command command = next_command(c, &op);
        send(c, std::move(command), op);
        ++sent;
      }
    }
    deliver_due();
    if (!result_.ok) break;
    turn_server();
    if (!check_live()) break;
    if (winding_down && network_.empty() && !down_ && pending_.empty() &&
        std::all_of(clients_.begin(), clients_.end(), [](const Client& c) { return c.in_flight.empty(); }))
      break;
    if (step_ > static_cast<int64_t>(o_.requests) * 200) {
      fail("the run did not wind down (a request never answered?)");
      break;
    }
  }
  // The end: a last crash and recovery proves everything acknowledged is there.
  if (result_.ok) {
    phase_ = "final restart";
    store_->free_space();  // the last starts prove what is stored, on a healthy disk
    store_->inject(Fault::kNone);
    if (down_) start_server();
    if (result_.ok) restart_server("final check", false);
    if (result_.ok && down_) start_server();
  }
  if (shards_) {
    shards_->stop();
    shards_.reset();
  }
  pending_.clear();
  result_.steps = static_cast<uint64_t>(step_);
  result_.simulated_ms = static_cast<uint64_t>(clock_.now_ms() - kStartMs);
  if (result_.ok) {
    // A power loss in `async` may lose acknowledged holds: the history is then not checkable.
    if (result_.sync || result_.power_losses == 0) {
      result_.checked_operations = history_.size();
      result_.linearizability = check_quota_history(capacity_, history_);
      // A search that gave up is no verdict (counted: SimResult, the summary);
      // a malformed history is the simulator's own bug.
      const CheckResult& lin = result_.linearizability;
      if (!lin.linearizable && (!lin.gave_up || lin.malformed)) {
        fail("checker clients' history is not linearizable: " + result_.linearizability.explanation);
        if (o_.verbose)
          for (const Operation& op : history_)
            if (op.key == result_.linearizability.key) std::fprintf(stderr, "  %s\n", to_string(op).c_str());
      }
    }
  }
  trace_.add_u64(result_.acknowledged);
  result_.trace_hash = trace_.value();
  return result_;
}

}  // namespace

SimResult simulate(const SimOptions& options) {
  World world(options);
  return world.run();
}

std::string describe(const SimOptions& o, const SimResult& r) {
  return cat("seed ", o.seed, r.ok ? " ok" : " FAILED", " (", r.sync ? "sync" : "async", "): ", r.requests,
             " requests, ", r.acknowledged, " acknowledged, ", r.unknown, " unknown, ", r.crashes, " crashes, ",
             r.power_losses, " power losses, ", r.storage_faults, " storage faults, ", r.restarts, " restarts, ",
             r.cuts, " cuts, ", r.entries_checked, " acks re-checked, ", r.checked_operations, " checked ops, ",
             r.simulated_ms, " simulated ms", r.linearizability.gave_up ? ", checker gave up" : "",
             r.ok ? "" : "\n  " + r.failure);
}

}  // namespace tessera::sim
