// Names of codes, states and commands, and command routing.
#include "engine/command.h"

#include <cassert>

#include "engine/limits.h"

namespace tessera::engine {

std::string_view reply_code_name(ReplyCode code) {
  switch (code) {
    case ReplyCode::kOk: return "Ok";
    case ReplyCode::kSoldOut: return "SoldOut";
    case ReplyCode::kNotFound: return "NotFound";
    case ReplyCode::kInvalidState: return "InvalidState";
    case ReplyCode::kLocked: return "Locked";
    case ReplyCode::kLimitExceeded: return "LimitExceeded";
    case ReplyCode::kInvalidArgument: return "InvalidArgument";
    case ReplyCode::kDuplicate: return "Duplicate";
    case ReplyCode::kBusy: return "Busy";
    case ReplyCode::kUnavailable: return "Unavailable";
  }
  return "Unknown";
}

std::string_view order_state_name(OrderState state) {
  switch (state) {
    case OrderState::kHeld: return "held";
    case OrderState::kOption: return "option";
    case OrderState::kReservation: return "reservation";
    case OrderState::kOverdue: return "overdue";
    case OrderState::kConfirmed: return "confirmed";
    case OrderState::kReleased: return "released";
    case OrderState::kExpired: return "expired";
    case OrderState::kArchived: return "archived";
    case OrderState::kCancelled: return "cancelled";
  }
  return "unknown";
}

namespace {

template <typename T>
constexpr std::string_view name_of();

#define TESSERA_COMMAND_NAME(T) \
  template <>                   \
  constexpr std::string_view name_of<T>() { return #T; }
TESSERA_COMMAND_NAME(DefineSeason)
TESSERA_COMMAND_NAME(DefineProductFamily)
TESSERA_COMMAND_NAME(DefineProduct)
TESSERA_COMMAND_NAME(DefineChannel)
TESSERA_COMMAND_NAME(DefineCategory)
TESSERA_COMMAND_NAME(DefineTariff)
TESSERA_COMMAND_NAME(SetTariffPrice)
TESSERA_COMMAND_NAME(SetChannelExpiryPolicy)
TESSERA_COMMAND_NAME(DefinePerformance)
TESSERA_COMMAND_NAME(SetGeneralAdmission)
TESSERA_COMMAND_NAME(DefineContingent)
TESSERA_COMMAND_NAME(SetChannelCap)
TESSERA_COMMAND_NAME(Hold)
TESSERA_COMMAND_NAME(Book)
TESSERA_COMMAND_NAME(ExtendHold)
TESSERA_COMMAND_NAME(ConvertHold)
TESSERA_COMMAND_NAME(Confirm)
TESSERA_COMMAND_NAME(Release)
TESSERA_COMMAND_NAME(Cancel)
TESSERA_COMMAND_NAME(Archive)
TESSERA_COMMAND_NAME(Reinstate)
TESSERA_COMMAND_NAME(SetReleaseMark)
TESSERA_COMMAND_NAME(SetLock)
TESSERA_COMMAND_NAME(Advance)
TESSERA_COMMAND_NAME(GetAvailability)
TESSERA_COMMAND_NAME(GetOrder)
TESSERA_COMMAND_NAME(DefineVenueLayout)
TESSERA_COMMAND_NAME(AssignLayout)
TESSERA_COMMAND_NAME(HoldSeats)
TESSERA_COMMAND_NAME(BookSeats)
TESSERA_COMMAND_NAME(BlockSeats)
TESSERA_COMMAND_NAME(UnblockSeats)
TESSERA_COMMAND_NAME(MoveSeatsToContingent)
TESSERA_COMMAND_NAME(DefineSubContingent)
TESSERA_COMMAND_NAME(SetContingentReleaseBack)
TESSERA_COMMAND_NAME(DefineContact)
TESSERA_COMMAND_NAME(UpdateContact)
TESSERA_COMMAND_NAME(SetOrderFile)
TESSERA_COMMAND_NAME(QueryFollowUp)
TESSERA_COMMAND_NAME(PreviewRelease)
TESSERA_COMMAND_NAME(ReleaseAll)
TESSERA_COMMAND_NAME(MarkOrders)
TESSERA_COMMAND_NAME(LockOrders)
TESSERA_COMMAND_NAME(ReleaseOrders)
TESSERA_COMMAND_NAME(RemindOrders)
TESSERA_COMMAND_NAME(DefineReminderFormat)
TESSERA_COMMAND_NAME(DefineSeries)
TESSERA_COMMAND_NAME(DefineIssue)
TESSERA_COMMAND_NAME(Subscribe)
TESSERA_COMMAND_NAME(RenewSubscription)
TESSERA_COMMAND_NAME(StartReminderRun)
TESSERA_COMMAND_NAME(RecordRunExport)
TESSERA_COMMAND_NAME(ValidateReminderRun)
TESSERA_COMMAND_NAME(CancelReminderRun)
TESSERA_COMMAND_NAME(GetReminderRun)
// Issue 4 additions.
TESSERA_COMMAND_NAME(HoldSeatsWithLines)
TESSERA_COMMAND_NAME(BookSeatsWithLines)
#undef TESSERA_COMMAND_NAME

Route one(uint32_t shard) { return Route{Route::kOneShard, shard}; }
Route all() { return Route{Route::kAllShards, 0}; }

Route route_lines(const std::vector<LineRequest>& lines, uint32_t shard_count) {
  // An order with no lines is refused by whichever shard sees it.
  return one(lines.empty() ? 0 : shard_of_performance(lines.front().performance, shard_count));
}

}  // namespace

std::string_view command_name(const CommandBody& body) {
  return std::visit([](const auto& c) { return name_of<std::decay_t<decltype(c)>>(); }, body);
}

bool is_query(const CommandBody& body) {
  return std::holds_alternative<GetAvailability>(body) || std::holds_alternative<GetOrder>(body) ||
         std::holds_alternative<QueryFollowUp>(body) || std::holds_alternative<PreviewRelease>(body) ||
         std::holds_alternative<GetReminderRun>(body);
}

Route command_route(const CommandBody& body, uint32_t shard_count) {
  assert(shard_count >= 1 && shard_count <= kShardsMax);
  auto perf = [shard_count](PerformanceId p) { return one(shard_of_performance(p, shard_count)); };
  auto order = [shard_count](OrderId id) { return one(order_shard(id) % shard_count); };
  return std::visit(
      [&](const auto& c) -> Route {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, DefinePerformance> || std::is_same_v<T, SetGeneralAdmission> ||
                      std::is_same_v<T, DefineContingent> || std::is_same_v<T, SetChannelCap> ||
                      std::is_same_v<T, GetAvailability> || std::is_same_v<T, AssignLayout> ||
                      std::is_same_v<T, BlockSeats> || std::is_same_v<T, UnblockSeats> ||
                      std::is_same_v<T, MoveSeatsToContingent> || std::is_same_v<T, DefineSubContingent> ||
                      std::is_same_v<T, SetContingentReleaseBack>) {
          return perf(c.performance);
        } else if constexpr (std::is_same_v<T, HoldSeats> || std::is_same_v<T, BookSeats> ||
                             std::is_same_v<T, HoldSeatsWithLines> || std::is_same_v<T, BookSeatsWithLines>) {
          return perf(c.request.performance);
        } else if constexpr (std::is_same_v<T, Hold> || std::is_same_v<T, Book>) {
          return route_lines(c.lines, shard_count);
        } else if constexpr (requires { c.order; }) {
          return order(c.order);
        } else if constexpr (requires { c.orders; }) {
          return Route{Route::kByOrder, 0};  // split: one command per shard holding some
        } else if constexpr (std::is_same_v<T, Subscribe> || std::is_same_v<T, RenewSubscription>) {
          return one(shard_of_performance(c.subscription, shard_count));
        } else {
          return all();  // catalog, Advance, and the back office's fan-out queries and runs
        }
      },
      body);
}

}  // namespace tessera::engine
