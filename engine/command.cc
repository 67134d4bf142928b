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

std::string_view command_name(const CommandBody& body) { return command_info(body).name; }

bool is_query(const CommandBody& body) { return command_info(body).access == Access::kQuery; }

uint16_t command_tag(const CommandBody& body) { return command_info(body).tag; }

Route command_route(const CommandBody& body, uint32_t shard_count) {
  assert(shard_count >= 1 && shard_count <= kShardsMax);
  return std::visit([shard_count](const auto& c) { return route_of(c, shard_count); }, body);
}

}  // namespace tessera::engine
