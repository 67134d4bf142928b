// Order commands: web carts (Hold), options and reservations (Book), and
// every transition of an existing order, applied on the order's shard; the
// expiry tick (Advance) and the order and availability queries.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/reply.h"

namespace tessera::engine {

// ---- Orders ---------------------------------------------------------------

struct LineRequest {
  PerformanceId performance;
  CategoryId category;
  TariffId tariff;
  uint32_t quantity;
  ContingentId contingent = kNone;  // kNone = open sale
  auto fields() const { return std::tie(performance, category, tariff, quantity, contingent); }
};

// A web cart: all lines or nothing, expiring after ttl_ms.
struct Hold {
  ContactId contact;
  ChannelId channel;
  std::vector<LineRequest> lines;
  int64_t ttl_ms;
  auto fields() const { return std::tie(contact, channel, lines, ttl_ms); }
};
// An option or reservation placed directly (back office), all or nothing.
struct Book {
  BookingKind kind;
  ContactId contact;
  ChannelId channel;
  std::vector<LineRequest> lines;
  int64_t deadline_ms;
  auto fields() const { return std::tie(kind, contact, channel, lines, deadline_ms); }
};
struct ExtendHold {
  OrderId order;
  int64_t ttl_ms;
  auto fields() const { return std::tie(order, ttl_ms); }
};
struct ConvertHold {
  OrderId order;
  BookingKind kind;
  int64_t deadline_ms;
  auto fields() const { return std::tie(order, kind, deadline_ms); }
};
// Confirms an order. `keep` lists the quantity to keep per line (same length
// as the order's lines); empty = keep everything. What is not kept returns.
struct Confirm {
  OrderId order;
  std::vector<uint32_t> keep;
  auto fields() const { return std::tie(order, keep); }
};
// Releases a hold, option, reservation or overdue order by hand.
struct Release {
  OrderId order;
  auto fields() const { return std::tie(order); }
};
// Cancels a confirmed order; stock returns.
struct Cancel {
  OrderId order;
  auto fields() const { return std::tie(order); }
};
// Archives an option/reservation (plain or overdue) by hand; stock returns.
struct Archive {
  OrderId order;
  auto fields() const { return std::tie(order); }
};
// Puts an overdue order back to a plain option/reservation with a new deadline.
struct Reinstate {
  OrderId order;
  int64_t deadline_ms;
  auto fields() const { return std::tie(order, deadline_ms); }
};
struct SetReleaseMark {
  OrderId order;
  ReleaseMark mark;
  auto fields() const { return std::tie(order, mark); }
};
// A locked order is never released automatically or by a mass action.
struct SetLock {
  OrderId order;
  bool locked;
  auto fields() const { return std::tie(order, locked); }
};
// Processes expiries due at the command's time, at most `budget` of them.
struct Advance {
  uint32_t budget;
  auto fields() const { return std::tie(budget); }
};

// ---- Queries (read-only; never logged) ------------------------------------

// Units one more line could hold now: minimum over every quota that applies.
struct GetAvailability {
  PerformanceId performance;
  CategoryId category;
  ContingentId contingent;
  ChannelId channel;
  ContactId contact;
  auto fields() const { return std::tie(performance, category, contingent, channel, contact); }
};
struct GetOrder {
  OrderId order;
  auto fields() const { return std::tie(order); }
};

// ---- The order page (seed 003) --------------------------------------------

// Query: the whole order (OrderRecord: lines, seats, flags, notes, workflow).
struct GetOrderRecord {
  OrderId order;
  auto fields() const { return std::tie(order); }
};
// Query with a server effect (the order page's "Re-générer"): the order's
// PDF as it stands, written again under the export directory (the server
// writes one by itself after each saved modification: registry effect
// kOrderPdf). Answers the OrderRecord it shows; the message names the file.
struct RenderOrderPdf {
  OrderId order;
  auto fields() const { return std::tie(order); }
};
// An operator's note on the order (the order page's "suivi"); at most
// kOrderNotesMax notes of kNoteLengthMax bytes. Closed orders take notes too.
struct AddOrderNote {
  OrderId order;
  std::string text;
  auto fields() const { return std::tie(order, text); }
};
// The client's "informations complémentaires" (replaces the previous text;
// empty clears it). A web shop sets it on its own orders.
struct SetOrderInfo {
  OrderId order;
  std::string text;
  auto fields() const { return std::tie(order, text); }
};
// Query: the stock of a performance by state, per category (seed 003's
// "Stock > Gestion stock synthèse": free, held, option, overdue option "OD",
// reservation, confirmed), from its live orders.
struct GetStockSummary {
  PerformanceId performance;
  auto fields() const { return std::tie(performance); }
};
// Bits of ListOrders::states: 1 << OrderState.
inline constexpr uint16_t kOrderStatesAll = (1u << (static_cast<unsigned>(OrderState::kCancelled) + 1)) - 1;
// Query: the orders of a contact and/or a performance (any line) in the
// given states (0: every state), by order id after `after`, at most `limit`
// (<= kOrderListRowsMax), with the total that match. Closed orders are
// listed while their slot still holds them. document_alerts: only the
// orders with a document a web shop attached that no operator has checked
// or refused yet (engine/commands_dossier.h; closed orders never).
struct ListOrders {
  ContactId contact = kNone;
  PerformanceId performance = kNone;
  uint16_t states = 0;
  OrderId after = 0;
  uint32_t limit = 0;
  bool document_alerts = false;  // appended
  auto fields() const { return std::tie(contact, performance, states, after, limit, document_alerts); }
};

// Deletes closed orders from the history of closed orders (and from memory,
// where one still is): the order `order`, or every closed order of
// `contact` (the right to erasure) — exactly one of the two. Logged, so a
// replay purges again. A live order is refused (InvalidState); an order or
// contact without history is no error.
struct PurgeOrderHistory {
  OrderId order = 0;
  ContactId contact = kNone;
  auto fields() const { return std::tie(order, contact); }
};

}  // namespace tessera::engine
