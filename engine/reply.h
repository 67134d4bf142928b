// Reply: what a shard answers to a command — its code (a business outcome
// or a refusal, never an exception), the order it is about and that order's
// state, the legacy scalar and a message — plus the order states and the
// small enums replies and commands share.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>

#include "base/strings.h"
#include "engine/ids.h"

namespace tessera::engine {

// ---- Outcomes -------------------------------------------------------------

// Business outcomes and refusals. Sold out is an outcome, not an error; a
// command that does not return kOk changed nothing.
enum class ReplyCode : uint8_t {
  kOk = 0,
  kSoldOut,          // not enough stock under one of the quotas
  kNotFound,         // unknown id (or an order id whose slot was reused)
  kInvalidState,     // the order's state does not allow the command
  kLocked,           // the order is locked against release
  kLimitExceeded,    // a named limit or policy (quantity, extensions, per-contact limit)
  kInvalidArgument,  // malformed command (zero quantity, bad deadline, wrong channel...)
  kDuplicate,        // id already defined, or request key reused for another command
  kBusy,             // shard inbox full: retry later (runtime only)
  kUnavailable,      // storage failed: the command was not acknowledged (runtime only)
};
std::string_view reply_code_name(ReplyCode code);

enum class OrderState : uint8_t {
  kHeld = 0,     // web cart, expires at its TTL
  kOption,       // held without payment until a deadline
  kReservation,  // booked, awaiting confirmation/payment by a deadline
  kOverdue,      // option/reservation past its deadline, in its grace period ("annulable")
  kConfirmed,    // sold (validated)
  // Closed states: stock has returned.
  kReleased,   // released by hand (hold, option or reservation)
  kExpired,    // hold TTL ran out
  kArchived,   // option/reservation expired or archived by an operator
  kCancelled,  // confirmed order cancelled
};
std::string_view order_state_name(OrderState state);
inline bool is_closed(OrderState s) { return s >= OrderState::kReleased; }
// Options and reservations, plain or overdue: what the follow-up screen shows.
inline bool is_booking(OrderState s) {
  return s == OrderState::kOption || s == OrderState::kReservation || s == OrderState::kOverdue;
}

// What happens when an option or reservation reaches its deadline.
enum class ExpiryPolicy : uint8_t {
  kReleaseAtDeadline = 0,  // archived at the deadline, stock returns
  kOverdueThenArchive,     // overdue for a grace period, then archived
  kKeepUntilReleased,      // stays until released by hand (follow-up screen)
};

enum class ReleaseMark : uint8_t { kRelease = 0, kKeep };
enum class BookingKind : uint8_t { kOption = 0, kReservation };

struct ReplyDetail;  // engine/reply_detail.h: rows, per-order outcomes, summaries

struct Reply {
  // Declared so that the small fields share one word: a Reply is built on
  // every command, and over 80 bytes GCC clears it with a slow `rep stos`.
  ReplyCode code = ReplyCode::kOk;
  OrderState state = OrderState::kHeld;
  uint32_t seat_count = 0;  // seats of a seated order (its runs: value + seat_count, or the message)
  OrderId order = 0;
  // The legacy scalar answer, kept for protocol v1 clients; its meaning per
  // command is the command's ReplyKind (engine/command_registry.h).
  int64_t value = 0;
  // An order's hold expiry or deadline (0 = none: confirmed or closed).
  // Not part of fields() (nor seat_count): the log, hashes and snapshots keep
  // the scalar reply, which a retried command answers again.
  int64_t due_ms = 0;
  std::string message;
  // Structured answer of back-office commands (nullptr for the others).
  // Not part of fields(): hashes, the idempotency table and snapshots keep
  // the scalar reply only, so a retried bulk command answers its counts.
  std::shared_ptr<const ReplyDetail> detail;

  bool ok() const { return code == ReplyCode::kOk; }
  auto fields() const { return std::tie(code, order, state, value, message); }
};
static_assert(sizeof(Reply) <= 80, "see the note on Reply's field order");

// A refusal: `code` (not kOk) with its message; nothing changed.
inline Reply refuse(ReplyCode code, std::string message) {
  Reply r;
  r.code = code;
  r.message = std::move(message);
  return r;
}

using ::tessera::cat;

}  // namespace tessera::engine
