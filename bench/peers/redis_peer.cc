// The Redis peer: atomic Lua scripts (EVALSHA) for hold / confirm / release,
// a sorted set of hold expiries swept by a script, pipelined requests.
//
// Keys: `avail` (hash: category -> free units), `seats` (sorted set of free
// seat numbers, score = rank: lower is better), `h:<id>` (hash: c category,
// q units, s seats "1,2,3", st h|c), `exp` (sorted set: id -> expiry ms),
// `next_id`. A seated hold pops the best-ranked free seats (no adjacency
// search: what such a script usually does, and less work than Tessera's).
#include <hiredis/hiredis.h>

#include <cstring>
#include <memory>

#include "bench/peers/peer.h"
#include "engine/command.h"

namespace tessera::bench {

using engine::cat;

namespace {

// Returns a hold's stock (GA units or seats) and deletes it, iff still held.
constexpr const char* kGiveBack = R"(
local function give_back(id)
  local k = 'h:' .. id
  local h = redis.call('HMGET', k, 'c', 'q', 's', 'st')
  if h[4] ~= 'h' then return 0 end
  if h[3] then
    for seat in string.gmatch(h[3], '%d+') do redis.call('ZADD', 'seats', seat, seat) end
  else
    redis.call('HINCRBY', 'avail', h[1], h[2])
  end
  redis.call('DEL', k)
  redis.call('ZREM', 'exp', id)
  return 1
end
)";

// ARGV: category, quantity, expires_at_ms. Returns the hold id, 0 = sold out.
constexpr const char* kHold = R"(
local q = tonumber(ARGV[2])
if tonumber(redis.call('HGET', 'avail', ARGV[1]) or '0') < q then return 0 end
redis.call('HINCRBY', 'avail', ARGV[1], -q)
local id = redis.call('INCR', 'next_id')
redis.call('HSET', 'h:' .. id, 'c', ARGV[1], 'q', q, 'st', 'h')
redis.call('ZADD', 'exp', ARGV[3], id)
return id
)";

// ARGV: quantity, expires_at_ms, seat category.
constexpr const char* kHoldSeats = R"(
local q = tonumber(ARGV[1])
if redis.call('ZCARD', 'seats') < q then return 0 end
local popped = redis.call('ZPOPMIN', 'seats', q)
local picked = {}
for i = 1, #popped, 2 do picked[#picked + 1] = popped[i] end
local id = redis.call('INCR', 'next_id')
redis.call('HSET', 'h:' .. id, 'c', ARGV[3], 'q', q, 's', table.concat(picked, ','), 'st', 'h')
redis.call('ZADD', 'exp', ARGV[2], id)
return id
)";

// ARGV: id, now_ms. 1 = confirmed; 0 = not held or expired.
constexpr const char* kConfirm = R"(
local k = 'h:' .. ARGV[1]
if redis.call('HGET', k, 'st') ~= 'h' then return 0 end
if tonumber(redis.call('ZSCORE', 'exp', ARGV[1])) <= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', k, 'st', 'c')
redis.call('ZREM', 'exp', ARGV[1])
return 1
)";

// ARGV: id.
constexpr const char* kRelease = "return give_back(ARGV[1])";

// ARGV: now_ms, limit. Returns holds released.
constexpr const char* kSweep = R"(
local ids = redis.call('ZRANGEBYSCORE', 'exp', '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do give_back(id) end
return #ids
)";

// Read-only recount: {sold units of categories 1..7..., seats sold twice}.
constexpr const char* kRecount = R"(
local sold = {0, 0, 0, 0, 0, 0, 0}
local seen, twice = {}, 0
for _, k in ipairs(redis.call('KEYS', 'h:*')) do
  local h = redis.call('HMGET', k, 'c', 'q', 's', 'st')
  if h[4] == 'c' then
    local c = tonumber(h[1])
    sold[c] = sold[c] + tonumber(h[2])
    if h[3] then
      for seat in string.gmatch(h[3], '%d+') do
        if seen[seat] then twice = twice + 1 end
        seen[seat] = true
      end
    end
  end
end
sold[#sold + 1] = twice
return sold
)";

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;
struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

Result<ContextPtr> connect_redis(const std::string& host, uint16_t port) {
  ContextPtr c(redisConnect(host.c_str(), port));
  if (!c || c->err)
    return Status::unavailable(cat("redis ", host, ":", port, ": ", c ? c->errstr : "cannot allocate a context"));
  return c;
}

Result<ReplyPtr> command(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  ReplyPtr r(static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data())));
  if (!r) return Status::unavailable(cat("redis: ", c->errstr));
  if (r->type == REDIS_REPLY_ERROR) return Status::internal(cat("redis ", args[0], ": ", r->str));
  return r;
}

struct Scripts {
  std::string hold, hold_seats, confirm, release, sweep, recount;
};

class RedisSession final : public PeerSession {
 public:
  RedisSession(ContextPtr c, const Scripts& scripts) : c_(std::move(c)), s_(scripts) {}

  Status run(const std::vector<PeerOp>& ops, std::vector<int64_t>& results) override {
    for (const PeerOp& op : ops) append(op);
    results.clear();
    for (size_t i = 0; i < ops.size(); ++i) {
      void* raw = nullptr;
      if (redisGetReply(c_.get(), &raw) != REDIS_OK) return Status::unavailable(cat("redis: ", c_->errstr));
      ReplyPtr r(static_cast<redisReply*>(raw));
      if (r->type != REDIS_REPLY_INTEGER)
        return Status::internal(cat("redis script: ", r->str ? r->str : "not an integer"));
      results.push_back(r->integer);
    }
    return Status::ok();
  }

  Result<int64_t> sweep(int64_t now_ms, uint32_t limit) override {
    auto r = command(c_.get(), {"EVALSHA", s_.sweep, "0", std::to_string(now_ms), std::to_string(limit)});
    if (!r.is_ok()) return r.status();
    return static_cast<int64_t>((*r)->integer);
  }

 private:
  void append(const PeerOp& op) {
    switch (op.kind) {
      case PeerOpKind::kHold:
        redisAppendCommand(c_.get(), "EVALSHA %s 0 %u %u %lld", s_.hold.c_str(), op.category, op.quantity,
                           static_cast<long long>(op.expires_at_ms));
        break;
      case PeerOpKind::kHoldSeats:
        redisAppendCommand(c_.get(), "EVALSHA %s 0 %u %lld %u", s_.hold_seats.c_str(), op.quantity,
                           static_cast<long long>(op.expires_at_ms), tools::kVenueSeatCategory);
        break;
      case PeerOpKind::kConfirm:
        redisAppendCommand(c_.get(), "EVALSHA %s 0 %lld %lld", s_.confirm.c_str(), static_cast<long long>(op.hold),
                           static_cast<long long>(op.expires_at_ms));
        break;
      case PeerOpKind::kRelease:
        redisAppendCommand(c_.get(), "EVALSHA %s 0 %lld", s_.release.c_str(), static_cast<long long>(op.hold));
        break;
    }
  }

  ContextPtr c_;
  const Scripts& s_;
};

class RedisPeer final : public PeerSystem {
 public:
  RedisPeer(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}

  std::string name() const override { return "redis-lua"; }
  uint32_t ops_per_round_trip_max() const override { return 65'536; }

  Status load_venue(uint32_t rush_capacity) override {
    auto c = connect_redis(host_, port_);
    if (!c.is_ok()) return c.status();
    redisContext* ctx = c->get();
    if (auto r = command(ctx, {"FLUSHALL"}); !r.is_ok()) return r.status();
    std::vector<std::string> avail = {"HSET", "avail"};
    for (uint32_t k = 1; k <= tools::kRushCategory; ++k) {
      if (k == tools::kVenueSeatCategory) continue;
      avail.push_back(std::to_string(k));
      avail.push_back(std::to_string(peer_capacity(k, rush_capacity)));
    }
    if (auto r = command(ctx, avail); !r.is_ok()) return r.status();
    for (uint32_t first = 1; first <= tools::kVenueSeats; first += 1000) {
      std::vector<std::string> zadd = {"ZADD", "seats"};
      for (uint32_t s = first; s < first + 1000 && s <= tools::kVenueSeats; ++s) {
        zadd.push_back(std::to_string(s));  // rank = seat number: seat 1 is the best
        zadd.push_back(std::to_string(s));
      }
      if (auto r = command(ctx, zadd); !r.is_ok()) return r.status();
    }
    const std::string prelude = kGiveBack;
    const std::pair<std::string*, std::string> sources[] = {{&scripts_.hold, kHold},
                                                            {&scripts_.hold_seats, kHoldSeats},
                                                            {&scripts_.confirm, kConfirm},
                                                            {&scripts_.release, prelude + kRelease},
                                                            {&scripts_.sweep, prelude + kSweep},
                                                            {&scripts_.recount, kRecount}};
    for (const auto& [sha, source] : sources) {
      auto r = command(ctx, {"SCRIPT", "LOAD", source});
      if (!r.is_ok()) return r.status();
      *sha = (*r)->str;
    }
    return Status::ok();
  }

  Result<std::unique_ptr<PeerSession>> connect() override {
    auto c = connect_redis(host_, port_);
    if (!c.is_ok()) return c.status();
    return std::unique_ptr<PeerSession>(std::make_unique<RedisSession>(std::move(c.value()), scripts_));
  }

  Result<PeerRecount> recount() override {
    auto c = connect_redis(host_, port_);
    if (!c.is_ok()) return c.status();
    auto r = command(c->get(), {"EVALSHA", scripts_.recount, "0"});
    if (!r.is_ok()) return r.status();
    PeerRecount out;
    if ((*r)->elements != tools::kRushCategory + 1) return Status::internal("redis recount: unexpected reply");
    for (uint32_t k = 1; k <= tools::kRushCategory; ++k) out.sold_units[k] = (*r)->element[k - 1]->integer;
    out.seats_sold_twice = (*r)->element[tools::kRushCategory]->integer;
    auto avail = command(c->get(), {"HGETALL", "avail"});
    if (!avail.is_ok()) return avail.status();
    for (size_t i = 0; i + 1 < (*avail)->elements; i += 2) {
      const uint32_t k = static_cast<uint32_t>(std::stoul((*avail)->element[i]->str));
      if (k <= tools::kRushCategory) out.available[k] = std::stoll((*avail)->element[i + 1]->str);
    }
    auto seats = command(c->get(), {"ZCARD", "seats"});
    if (!seats.is_ok()) return seats.status();
    out.available[tools::kVenueSeatCategory] = (*seats)->integer;
    return out;
  }

  Result<std::string> settings() override {
    auto c = connect_redis(host_, port_);
    if (!c.is_ok()) return c.status();
    std::string out;
    for (const char* key : {"appendonly", "appendfsync", "save", "io-threads"}) {
      auto r = command(c->get(), {"CONFIG", "GET", key});
      if (!r.is_ok()) return r.status();
      if ((*r)->elements == 2) out += cat(key, "=", std::string((*r)->element[1]->str), " ");
    }
    auto info = command(c->get(), {"INFO", "server"});
    if (info.is_ok()) {
      const std::string text = (*info)->str;
      const size_t at = text.find("redis_version:");
      if (at != std::string::npos) out += text.substr(at, text.find('\r', at) - at);
    }
    return out;
  }

 private:
  std::string host_;
  uint16_t port_;
  Scripts scripts_;
};

}  // namespace

std::unique_ptr<PeerSystem> make_redis_peer(const std::string& host, uint16_t port) {
  return std::make_unique<RedisPeer>(host, port);
}

}  // namespace tessera::bench
