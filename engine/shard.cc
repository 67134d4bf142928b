// Shard: command dispatch, idempotency, queries and expiry processing.
// Set-up lives in shard_setup.cc, the order lifecycle in shard_orders.cc,
// hashing and invariant checks in shard_check.cc.
#include "engine/shard.h"

#include <cassert>

#include "engine/command_registry.h"
#include "engine/limits.h"

namespace tessera::engine {

Shard::Shard(uint32_t shard, uint32_t shard_count, int64_t start_ms, ShardConfig config)
    : shard_(shard),
      shard_count_(shard_count),
      now_ms_(start_ms),
      orders_(shard, std::min(config.orders_reserved, kLiveOrdersPerShardMax)),
      timers_(start_ms, std::min(config.orders_reserved, kLiveOrdersPerShardMax)),
      idempotency_(kIdempotencyKeysMax) {
  assert(shard_count >= 1 && shard_count <= kShardsMax);
  assert(shard < shard_count);
  assert(start_ms >= 0 && start_ms <= kTimeMsMax);
  assert(config.contacts_max <= kContactsMax);
  contacts_.set_contacts_max(config.contacts_max);
}

template <typename T>
Reply Shard::check(const T& c) const {
  if constexpr (requires { catalog_.check(c); }) {
    return catalog_.check(c);
  } else if constexpr (requires { contacts_.check(c); }) {
    return contacts_.check(c);
  } else {
    static_assert(
        requires { subscriptions_.check(c); }, "a catalog command without its check");
    return subscriptions_.check(c);
  }
}

namespace {

Reply refuse_reserved_key() {
  return refuse(ReplyCode::kInvalidArgument, cat("request key ", kRequestKeyReserved, " is reserved"));
}

}  // namespace

Reply Shard::prepare(const Command& command) const {
  const CommandBody& body = command.body;
  assert(command_route(body, shard_count_).kind == Route::kCatalog);
  if (command.key == kRequestKeyReserved) return refuse_reserved_key();
  if (command.key != 0) {
    if (const IdempotencyTable::Entry* seen = idempotency_.find(command.key)) {
      if (seen->fingerprint != fingerprint(body))
        return refuse(ReplyCode::kDuplicate,
                      cat("request key ", command.key, " was already used for a different command"));
      return seen->reply;
    }
  }
  return std::visit(
      [this](const auto& c) -> Reply {
        if constexpr (CommandSpec<std::decay_t<decltype(c)>>::info.route == RouteKind::kCatalog) {
          return check(c);
        } else {
          return refuse(ReplyCode::kInvalidArgument,
                        cat(CommandSpec<std::decay_t<decltype(c)>>::info.name, " is not a catalog command"));
        }
      },
      body);
}

Reply Shard::apply(const Command& command, int64_t now_ms) {
  if (now_ms > now_ms_) now_ms_ = std::min(now_ms, kTimeMsMax);
  const CommandBody& body = command.body;
  if (is_query(body)) return std::visit([this](const auto& c) { return on(c); }, body);

  const Route route = command_route(body, shard_count_);
  if (route.kind == Route::kOneShard && route.shard != shard_)
    return refuse(ReplyCode::kInvalidArgument,
                  cat(command_name(body), " belongs to shard ", route.shard, ", not shard ", shard_));
  if (command.key == kRequestKeyReserved) return refuse_reserved_key();
  uint64_t print = 0;
  if (command.key != 0) {
    print = fingerprint(body);
    if (const IdempotencyTable::Entry* seen = idempotency_.find(command.key)) {
      if (seen->fingerprint != print)
        return refuse(ReplyCode::kDuplicate,
                      cat("request key ", command.key, " was already used for a different command"));
      return seen->reply;
    }
  }
  Reply reply = std::visit([this](const auto& c) { return on(c); }, body);
  ++commands_applied_;
  if (command.key != 0) idempotency_.remember(command.key, print, reply);
  return reply;
}

uint32_t Shard::advance(int64_t now_ms, uint32_t budget) {
  if (now_ms > now_ms_) now_ms_ = std::min(now_ms, kTimeMsMax);
  const uint32_t fired = timers_.advance(now_ms_, budget, [this](TimerId, uint64_t payload, int64_t) {
    if (payload & kContingentTimerTag) {
      on_release_back(static_cast<uint32_t>(payload));
    } else {
      on_deadline(static_cast<OrderId>(payload));
    }
  });
  expiries_fired_ += fired;
  return fired;
}

Reply Shard::on(const Advance& c) {
  if (c.budget == 0 || c.budget > kExpiriesPerSliceMax)
    return refuse(ReplyCode::kInvalidArgument, cat("advance budget must be in [1, ", kExpiriesPerSliceMax, "]"));
  Reply r;
  r.value = advance(now_ms_, c.budget);
  return r;
}

Reply Shard::on(const GetAvailability& c) const {
  Reply r = catalog_.has_channel(c.channel) ? Reply{}
                                            : refuse(ReplyCode::kNotFound, cat("channel ", c.channel, " not found"));
  if (!r.ok()) return r;
  QuotaSet set;
  uint32_t performance_index = 0;
  uint32_t contingent_index = 0;
  const LineRequest line{c.performance, c.category, kNone, 1, c.contingent};
  r = resolve_quotas(line, c.channel, &set, &performance_index, &contingent_index);
  if (!r.ok()) return r;
  uint32_t available = quotas_.available(set);
  if (c.contact != kNone) available = std::min(available, contact_available(performance_index, c.contact));
  r.value = available;
  return r;
}

Reply Shard::on(const GetOrder& c) const {
  const Order* order = orders_.find(c.order);
  if (!order) return refuse(ReplyCode::kNotFound, cat("order ", c.order, " not found"));
  return order_reply(c.order, *order);
}

Reply Shard::order_reply(OrderId id, const Order& order) const {
  Reply r;
  r.order = id;
  r.state = order.state;
  r.value = order.deadline_ms;
  r.due_ms = is_closed(order.state) || order.state == OrderState::kConfirmed ? 0 : order.deadline_ms;
  return r;
}

ShardStats Shard::stats() const {
  ShardStats s;
  for (uint32_t slot = 0; slot < orders_.slot_count(); ++slot) {
    switch (orders_.at(slot).state) {
      case OrderState::kHeld:
        ++s.held;
        break;
      case OrderState::kOption:
        ++s.options;
        break;
      case OrderState::kReservation:
        ++s.reservations;
        break;
      case OrderState::kOverdue:
        ++s.overdue;
        break;
      case OrderState::kConfirmed:
        ++s.confirmed;
        break;
      default:
        break;
    }
  }
  s.live_orders = orders_.live_count();
  s.timers = static_cast<uint32_t>(timers_.size());
  s.commands_applied = commands_applied_;
  s.expiries_fired = expiries_fired_;
  return s;
}

}  // namespace tessera::engine
