// Names of codes and states; command names and routing from the registry.
#include "engine/command.h"

#include <cassert>

#include "engine/command_registry.h"
#include "engine/limits.h"

namespace tessera::engine {

std::string_view reply_code_name(ReplyCode code) {
  switch (code) {
    case ReplyCode::kOk:
      return "Ok";
    case ReplyCode::kSoldOut:
      return "SoldOut";
    case ReplyCode::kNotFound:
      return "NotFound";
    case ReplyCode::kInvalidState:
      return "InvalidState";
    case ReplyCode::kLocked:
      return "Locked";
    case ReplyCode::kLimitExceeded:
      return "LimitExceeded";
    case ReplyCode::kInvalidArgument:
      return "InvalidArgument";
    case ReplyCode::kDuplicate:
      return "Duplicate";
    case ReplyCode::kBusy:
      return "Busy";
    case ReplyCode::kUnavailable:
      return "Unavailable";
  }
  return "Unknown";
}

std::string_view order_state_name(OrderState state) {
  switch (state) {
    case OrderState::kHeld:
      return "held";
    case OrderState::kOption:
      return "option";
    case OrderState::kReservation:
      return "reservation";
    case OrderState::kOverdue:
      return "overdue";
    case OrderState::kConfirmed:
      return "confirmed";
    case OrderState::kReleased:
      return "released";
    case OrderState::kExpired:
      return "expired";
    case OrderState::kArchived:
      return "archived";
    case OrderState::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

namespace {

Route one(uint32_t shard) { return Route{Route::kOneShard, shard}; }

Route route_lines(const std::vector<LineRequest>& lines, uint32_t shard_count) {
  // An order with no lines is refused by whichever shard sees it.
  return one(lines.empty() ? 0 : shard_of_performance(lines.front().performance, shard_count));
}

template <typename>
constexpr bool kUnhandledRoute = false;

// The route of one command, from its registry row. A row whose route needs
// a field the struct lacks fails to compile here.
template <typename T>
Route route_of(const T& c, uint32_t shard_count) {
  constexpr RouteKind kind = CommandSpec<T>::info.route;
  if constexpr (kind == RouteKind::kCatalog) {
    return Route{Route::kCatalog, 0};
  } else if constexpr (kind == RouteKind::kFanOut) {
    return Route{Route::kEveryShard, 0};
  } else if constexpr (kind == RouteKind::kPerformance) {
    return one(shard_of_performance(c.performance, shard_count));
  } else if constexpr (kind == RouteKind::kSeatRequest) {
    return one(shard_of_performance(c.request.performance, shard_count));
  } else if constexpr (kind == RouteKind::kFirstLine) {
    return route_lines(c.lines, shard_count);
  } else if constexpr (kind == RouteKind::kOrder) {
    return one(order_shard(c.order) % shard_count);
  } else if constexpr (kind == RouteKind::kSelection) {
    static_assert(std::is_same_v<decltype(T::orders), std::vector<OrderId>>);
    return Route{Route::kByOrder, 0};
  } else if constexpr (kind == RouteKind::kSubscription) {
    return one(shard_of_performance(c.subscription, shard_count));
  } else if constexpr (kind == RouteKind::kDirectory) {
    return one(0);
  } else {
    static_assert(kUnhandledRoute<T>, "a RouteKind without its routing");
  }
}

}  // namespace

std::string_view command_name(const CommandBody& body) { return command_info(body).name; }

bool is_query(const CommandBody& body) { return command_info(body).access == Access::kQuery; }

uint16_t command_tag(const CommandBody& body) { return command_info(body).tag; }

Route command_route(const CommandBody& body, uint32_t shard_count) {
  assert(shard_count >= 1 && shard_count <= kShardsMax);
  return std::visit([shard_count](const auto& c) { return route_of(c, shard_count); }, body);
}

}  // namespace tessera::engine
