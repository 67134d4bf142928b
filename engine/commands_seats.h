// Seated inventory commands: venue layouts (catalog), seat maps of a
// performance, seats held or booked by map or best available, blocks,
// seated contingents, and orders mixing seats with general admission.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/commands_orders.h"

namespace tessera::engine {

// ---- Seated inventory -------------------------------------------------------
//
// A venue layout (seat plan) is catalog-level: defined once on every shard,
// shared by the performances assigned to it. Seats are named by their index
// in the layout (sections, then rows, then seats, in definition order); a
// row is a run of physically adjacent seats between two aisles or walls.
// Each performance keeps its own seat states. A seated category behaves like
// GA stock whose units are named seats: it has the same quotas (open sale or
// contingent, performance capacity, channel cap, per-contact limit).

enum SeatFlag : uint8_t {
  kSeatWheelchair = 1,        // a wheelchair space
  kSeatCompanion = 2,         // the seat of a wheelchair user's companion
  kSeatRestrictedView = 4,    // restricted or partial view: best available offers it only when allowed
  kSeatBlockedByDefault = 8,  // starts blocked on each performance (held back by the organiser)
};
inline constexpr uint8_t kSeatFlagsAll = 15;
// The seats only accessible requests get (wheelchair spaces and their companion seats).
inline constexpr uint8_t kSeatAccessibleFlags = kSeatWheelchair | kSeatCompanion;

struct LayoutSeat {
  uint8_t category_slot;  // index into DefineVenueLayout::categories
  uint8_t flags;          // SeatFlag bits
  uint16_t rank;          // quality: lower is better (closer rows and centre first)
  auto fields() const { return std::tie(category_slot, flags, rank); }
};
struct LayoutRow {
  uint32_t row_number;         // label printed on the ticket
  uint32_t first_seat_number;  // seats are numbered first, first + 1, ...
  std::vector<LayoutSeat> seats;
  auto fields() const { return std::tie(row_number, first_seat_number, seats); }
};
struct LayoutSection {
  std::string name;
  std::vector<LayoutRow> rows;
  auto fields() const { return std::tie(name, rows); }
};
// Catalog-level (every shard). Reply value = number of seats.
struct DefineVenueLayout {
  LayoutId layout;
  std::string name;
  std::vector<CategoryId> categories;  // seat categories, referred to by slot
  std::vector<LayoutSection> sections;
  auto fields() const { return std::tie(layout, name, categories, sections); }
};
// Gives a performance the seats of a layout: one seated area per category
// of the layout (none may already exist as GA on the performance).
struct AssignLayout {
  PerformanceId performance;
  LayoutId layout;
  auto fields() const { return std::tie(performance, layout); }
};

enum SeatOption : uint8_t {
  kSeatOptionAccessible = 1,  // wheelchair space(s) with companion seat(s), together
  kSeatOptionAllowSplit = 2,  // best available: split across rows when no block fits
  // Best available may offer restricted-view seats (the buyer accepted them).
  // Without it they are never chosen for the buyer, as at a box office; a
  // seat chosen on the map may be restricted-view (the map shows it).
  kSeatOptionAllowRestrictedView = 4,
};
inline constexpr uint8_t kSeatOptionsAll = 7;
// Seats for one order: either the `seats` chosen on a map (all or nothing;
// category may be kNone = any) or, when `seats` is empty, the best
// `quantity` adjacent seats of `category`. contingent kNone = open sale.
struct SeatRequest {
  PerformanceId performance;
  CategoryId category;
  TariffId tariff;
  ContingentId contingent;
  uint32_t quantity;
  std::vector<uint32_t> seats;
  uint8_t options = 0;  // SeatOption bits
  auto fields() const { return std::tie(performance, category, tariff, contingent, quantity, seats, options); }
};
// A web cart of seats, expiring after ttl_ms. Reply: the order; value = its
// first seat (a best-available block is value .. value + quantity - 1); a
// split lists its seat runs in the message ("first+count,...").
struct HoldSeats {
  ContactId contact;
  ChannelId channel;
  SeatRequest request;
  int64_t ttl_ms;
  auto fields() const { return std::tie(contact, channel, request, ttl_ms); }
};
// An option or reservation of seats placed directly (back office).
struct BookSeats {
  BookingKind kind;
  ContactId contact;
  ChannelId channel;
  SeatRequest request;
  int64_t deadline_ms;
  auto fields() const { return std::tie(kind, contact, channel, request, deadline_ms); }
};
// Takes seats off sale (or puts them back). All or nothing: refused, naming
// them, if any seat is taken. Already blocked (unblocked) seats are left as
// they are. Reply value = seats changed.
struct BlockSeats {
  PerformanceId performance;
  std::vector<uint32_t> seats;
  auto fields() const { return std::tie(performance, seats); }
};
struct UnblockSeats {
  PerformanceId performance;
  std::vector<uint32_t> seats;
  auto fields() const { return std::tie(performance, seats); }
};
// Moves free (or blocked) seats into a seated contingent, or back to open
// sale (contingent kNone). Refused, naming them, if any seat is taken, and
// if the move would exceed a planned quota of the contingent tree.
struct MoveSeatsToContingent {
  PerformanceId performance;
  ContingentId contingent;
  std::vector<uint32_t> seats;
  auto fields() const { return std::tie(performance, contingent, seats); }
};
// A sub-group of a contingent (same performance and category). GA: takes
// `allotment` units from the parent's unsold stock. Seated: `allotment` is
// the planned quota (a hard limit on seats it may hold); seats are moved in
// with MoveSeatsToContingent.
struct DefineSubContingent {
  ContingentId contingent;
  PerformanceId performance;
  ContingentId parent;
  uint32_t allotment;
  std::vector<ChannelId> channels;  // empty = any channel
  std::string name;                 // appended, as DefineContingent::name
  static constexpr size_t kCodecV3Fields = 5;
  auto fields() const { return std::tie(contingent, performance, parent, allotment, channels, name); }
};
// At release_back_ms the contingent's unsold stock returns to its parent
// (or to the open sale) automatically, and stock its orders return later
// follows. 0 = no release-back date.
struct SetContingentReleaseBack {
  PerformanceId performance;
  ContingentId contingent;
  int64_t release_back_ms;
  auto fields() const { return std::tie(performance, contingent, release_back_ms); }
};

// ---- One order mixing seats and general admission ----------------------------

// A web cart holding the seats of one SeatRequest (named or best available)
// and general-admission lines (standing area, parking...) of performances on
// the same shard: all or nothing, one order, one expiry, each unit under its
// usual quotas; release and expiry return seats and units together. Reply:
// as HoldSeats (value = first seat; a split lists its seat runs).
struct HoldSeatsWithLines {
  ContactId contact;
  ChannelId channel;
  SeatRequest request;
  std::vector<LineRequest> lines;  // GA lines only; 1 .. kOrderLinesMax in all with the seat runs
  int64_t ttl_ms;
  auto fields() const { return std::tie(contact, channel, request, lines, ttl_ms); }
};
// The same placed directly as an option or reservation (back office).
struct BookSeatsWithLines {
  BookingKind kind;
  ContactId contact;
  ChannelId channel;
  SeatRequest request;
  std::vector<LineRequest> lines;
  int64_t deadline_ms;
  auto fields() const { return std::tie(kind, contact, channel, request, lines, deadline_ms); }
};

// The variant of every command, in tag order (engine/command_list.h):

}  // namespace tessera::engine
