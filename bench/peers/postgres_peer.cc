// The PostgreSQL peer: one PL/pgSQL function per operation, each call its
// own transaction, over a pool of connections (one per client thread).
//
// GA stock is a row per category (`stock.available`, CHECK >= 0): a hold is
// UPDATE ... WHERE available >= q — the row lock serialises every buyer of
// a category, as in a real rush (hot quota rows). Seats are rows taken with
// SELECT ... ORDER BY seat LIMIT q FOR UPDATE SKIP LOCKED (best seats
// first, no adjacency search). Expired holds are deleted by a sweep that
// returns their stock in one statement (data-modifying CTEs).
#include <libpq-fe.h>

#include <memory>

#include "bench/peers/peer.h"
#include "engine/command.h"

namespace tessera::bench {

using engine::cat;

namespace {

constexpr const char* kSchema = R"(
DROP TABLE IF EXISTS holds, stock, seats CASCADE;
CREATE TABLE stock (category int PRIMARY KEY, capacity int NOT NULL, available int NOT NULL CHECK (available >= 0));
CREATE TABLE seats (seat int PRIMARY KEY, hold_id bigint);
CREATE INDEX seats_free ON seats (seat) WHERE hold_id IS NULL;
CREATE INDEX seats_hold ON seats (hold_id);
CREATE TABLE holds (id bigserial PRIMARY KEY, category int NOT NULL, qty int NOT NULL,
                    state char NOT NULL, expires_at bigint NOT NULL);
CREATE INDEX holds_expiry ON holds (expires_at) WHERE state = 'h';

CREATE OR REPLACE FUNCTION hold_ga(c int, q int, exp bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE hid bigint;
BEGIN
  UPDATE stock SET available = available - q WHERE category = c AND available >= q;
  IF NOT FOUND THEN RETURN 0; END IF;
  INSERT INTO holds (category, qty, state, expires_at) VALUES (c, q, 'h', exp) RETURNING id INTO hid;
  RETURN hid;
END $$;

CREATE OR REPLACE FUNCTION hold_seats(c int, q int, exp bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE hid bigint; picked int[];
BEGIN
  SELECT array_agg(seat) INTO picked FROM
    (SELECT seat FROM seats WHERE hold_id IS NULL ORDER BY seat LIMIT q FOR UPDATE SKIP LOCKED) s;
  IF coalesce(array_length(picked, 1), 0) < q THEN RETURN 0; END IF;
  INSERT INTO holds (category, qty, state, expires_at) VALUES (c, q, 'h', exp) RETURNING id INTO hid;
  UPDATE seats SET hold_id = hid WHERE seat = ANY (picked);
  RETURN hid;
END $$;

CREATE OR REPLACE FUNCTION confirm_hold(hid bigint, now_ms bigint) RETURNS int LANGUAGE sql AS $$
  WITH c AS (UPDATE holds SET state = 'c' WHERE id = hid AND state = 'h' AND expires_at > now_ms RETURNING 1)
  SELECT count(*)::int FROM c
$$;

CREATE OR REPLACE FUNCTION release_hold(hid bigint) RETURNS int LANGUAGE plpgsql AS $$
DECLARE c int; q int;
BEGIN
  DELETE FROM holds WHERE id = hid AND state = 'h' RETURNING category, qty INTO c, q;
  IF NOT FOUND THEN RETURN 0; END IF;
  IF c = 6 THEN UPDATE seats SET hold_id = NULL WHERE hold_id = hid;
  ELSE UPDATE stock SET available = available + q WHERE category = c; END IF;
  RETURN 1;
END $$;

CREATE OR REPLACE FUNCTION sweep_expired(now_ms bigint, lim int) RETURNS int LANGUAGE sql AS $$
  WITH gone AS (
    DELETE FROM holds WHERE id IN (SELECT id FROM holds WHERE state = 'h' AND expires_at <= now_ms
                                   ORDER BY expires_at LIMIT lim FOR UPDATE SKIP LOCKED)
    RETURNING id, category, qty),
  ga AS (UPDATE stock s SET available = s.available + g.q
         FROM (SELECT category, sum(qty)::int AS q FROM gone WHERE category <> 6 GROUP BY category) g
         WHERE s.category = g.category),
  st AS (UPDATE seats SET hold_id = NULL WHERE hold_id IN (SELECT id FROM gone WHERE category = 6))
  SELECT count(*)::int FROM gone
$$;
)";

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

Result<ResultPtr> checked(PGconn* c, PGresult* raw, const char* what) {
  ResultPtr r(raw);
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    return Status::internal(cat("postgres ", what, ": ", PQerrorMessage(c)));
  return r;
}

Result<ResultPtr> exec(PGconn* c, const std::string& sql) { return checked(c, PQexec(c, sql.c_str()), "exec"); }

int64_t int_at(const ResultPtr& r, int row, int col) { return std::stoll(PQgetvalue(r.get(), row, col)); }

struct Statement {
  const char* name;
  const char* sql;
  int params;
};
constexpr Statement kStatements[] = {
    {"hold", "SELECT hold_ga($1, $2, $3)", 3},     {"hold_seats", "SELECT hold_seats($1, $2, $3)", 3},
    {"confirm", "SELECT confirm_hold($1, $2)", 2}, {"release", "SELECT release_hold($1)", 1},
    {"sweep", "SELECT sweep_expired($1, $2)", 2},
};

class PostgresSession final : public PeerSession {
 public:
  explicit PostgresSession(ConnPtr c) : c_(std::move(c)) {}

  Status prepare() {
    for (const Statement& s : kStatements) {
      auto r = checked(c_.get(), PQprepare(c_.get(), s.name, s.sql, s.params, nullptr), s.name);
      if (!r.is_ok()) return r.status();
    }
    return Status::ok();
  }

  Status run(const std::vector<PeerOp>& ops, std::vector<int64_t>& results) override {
    results.clear();
    for (const PeerOp& op : ops) {
      Result<int64_t> r = Status::internal("unknown op");
      switch (op.kind) {
        case PeerOpKind::kHold:
          r = call("hold", {op.category, op.quantity, op.expires_at_ms});
          break;
        case PeerOpKind::kHoldSeats:
          r = call("hold_seats", {tools::kVenueSeatCategory, op.quantity, op.expires_at_ms});
          break;
        case PeerOpKind::kConfirm:
          r = call("confirm", {op.hold, op.expires_at_ms});
          break;
        case PeerOpKind::kRelease:
          r = call("release", {op.hold});
          break;
      }
      if (!r.is_ok()) return r.status();
      results.push_back(*r);
    }
    return Status::ok();
  }

  Result<int64_t> sweep(int64_t now_ms, uint32_t limit) override { return call("sweep", {now_ms, limit}); }

 private:
  Result<int64_t> call(const char* statement, std::initializer_list<int64_t> args) {
    std::string text[3];
    const char* values[3];
    int n = 0;
    for (int64_t a : args) {
      text[n] = std::to_string(a);
      values[n] = text[n].c_str();
      ++n;
    }
    auto r = checked(c_.get(), PQexecPrepared(c_.get(), statement, n, values, nullptr, nullptr, 0), statement);
    if (!r.is_ok()) return r.status();
    return int_at(*r, 0, 0);
  }

  ConnPtr c_;
};

class PostgresPeer final : public PeerSystem {
 public:
  PostgresPeer(const std::string& host, uint16_t port, const std::string& user)
      : conninfo_(cat("host=", host, " port=", port, " user=", user, " dbname=postgres")) {}

  std::string name() const override { return "postgresql"; }
  uint32_t ops_per_round_trip_max() const override { return 1; }

  Status load_venue(uint32_t rush_capacity) override {
    auto c = open();
    if (!c.is_ok()) return c.status();
    PGconn* conn = c->get();
    if (auto r = exec(conn, kSchema); !r.is_ok()) return r.status();
    std::string stock = "INSERT INTO stock VALUES ";
    for (uint32_t k = 1; k <= tools::kRushCategory; ++k) {
      if (k == tools::kVenueSeatCategory) continue;
      const int64_t cap = peer_capacity(k, rush_capacity);
      stock += cat(k == 1 ? "" : ",", "(", k, ",", cap, ",", cap, ")");
    }
    if (auto r = exec(conn, stock); !r.is_ok()) return r.status();
    if (auto r =
            exec(conn, cat("INSERT INTO seats SELECT s, NULL FROM generate_series(1, ", tools::kVenueSeats, ") s"));
        !r.is_ok())
      return r.status();
    if (auto r = exec(conn, "VACUUM ANALYZE"); !r.is_ok()) return r.status();
    return Status::ok();
  }

  Result<std::unique_ptr<PeerSession>> connect() override {
    auto c = open();
    if (!c.is_ok()) return c.status();
    auto session = std::make_unique<PostgresSession>(std::move(c.value()));
    if (Status s = session->prepare(); !s.is_ok()) return s;
    return std::unique_ptr<PeerSession>(std::move(session));
  }

  Result<PeerRecount> recount() override {
    auto c = open();
    if (!c.is_ok()) return c.status();
    PeerRecount out;
    auto sold = exec(c->get(), "SELECT category, sum(qty) FROM holds WHERE state = 'c' GROUP BY category");
    if (!sold.is_ok()) return sold.status();
    for (int i = 0; i < PQntuples(sold->get()); ++i) {
      const int64_t k = int_at(*sold, i, 0);
      if (k >= 1 && k <= tools::kRushCategory) out.sold_units[k] = int_at(*sold, i, 1);
    }
    auto avail = exec(c->get(), cat("SELECT category, available FROM stock UNION ALL SELECT ",
                                    tools::kVenueSeatCategory, ", count(*) FROM seats WHERE hold_id IS NULL"));
    if (!avail.is_ok()) return avail.status();
    for (int i = 0; i < PQntuples(avail->get()); ++i) {
      const int64_t k = int_at(*avail, i, 0);
      if (k >= 1 && k <= tools::kRushCategory) out.available[k] = int_at(*avail, i, 1);
    }
    // A seat row has one hold_id, so a seat cannot be sold twice here; count
    // seated confirmed units without a seat row instead (a lost seat).
    auto seats = exec(c->get(),
                      "SELECT (SELECT coalesce(sum(qty), 0) FROM holds WHERE state = 'c' AND category = 6) - "
                      "(SELECT count(*) FROM seats s JOIN holds h ON h.id = s.hold_id WHERE h.state = 'c')");
    if (!seats.is_ok()) return seats.status();
    out.seats_sold_twice = int_at(*seats, 0, 0);
    return out;
  }

  Result<std::string> settings() override {
    auto c = open();
    if (!c.is_ok()) return c.status();
    auto r = exec(c->get(),
                  "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings WHERE name IN "
                  "('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'wal_level', "
                  "'max_connections', 'server_version')");
    if (!r.is_ok()) return r.status();
    return std::string(PQgetvalue(r->get(), 0, 0));
  }

 private:
  Result<ConnPtr> open() {
    ConnPtr c(PQconnectdb(conninfo_.c_str()));
    if (!c || PQstatus(c.get()) != CONNECTION_OK)
      return Status::unavailable(cat("postgres (", conninfo_, "): ", c ? PQerrorMessage(c.get()) : "no memory"));
    if (auto r = exec(c.get(), "SET client_min_messages = warning"); !r.is_ok()) return r.status();
    return c;
  }

  std::string conninfo_;
};

}  // namespace

std::unique_ptr<PeerSystem> make_postgres_peer(const std::string& host, uint16_t port, const std::string& user) {
  return std::make_unique<PostgresPeer>(host, port, user);
}

}  // namespace tessera::bench
