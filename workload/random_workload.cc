// RandomWorkload: the command mix.
#include "workload/random_workload.h"

namespace tessera::workload {

using namespace tessera::engine;

namespace {
constexpr int64_t kMinute = 60'000, kDay = 24 * 60 * kMinute;
constexpr size_t kOrdersRemembered = 4096;
// Contingent k of a seated performance (5 and its sub-contingent 6).
ContingentId seated_contingent(PerformanceId p, uint32_t k) { return p.value() * 10 + k; }
}  // namespace

RandomWorkload::RandomWorkload(uint64_t seed, uint32_t performances_per_product)
    : rng_(seed), performances_(performances_per_product) {}

std::vector<Command> RandomWorkload::setup(uint32_t capacity) const {
  std::vector<Command> out = demo_catalog();
  DemoVenue venue;
  venue.performances = performances_;
  venue.capacity_per_performance = capacity;
  venue.web_cap_percent = 80;
  for (uint32_t product = kProductRelease.value(); product <= kProductKeep.value(); ++product) {
    venue.first_performance = product * 1000;
    for (Command& c : demo_performances(venue, product)) out.push_back(std::move(c));
  }
  GridLayout grid;
  grid.layout = kRandomLayout;
  grid.rows = 6;
  grid.seats = 10;
  grid.accessible = true;
  out.push_back(Command{0, grid_layout(grid)});
  for (uint32_t product = kProductRelease.value(); product <= kProductKeep.value(); ++product) {
    const PerformanceId p = random_seated_performance(product);
    out.push_back(Command{0, DefinePerformance{p, product, DemoVenue{}.starts_at_ms, 0, 0}});
    out.push_back(Command{0, AssignLayout{p, kRandomLayout}});
    out.push_back(Command{0, DefineContingent{seated_contingent(p, 5), p, 1, 12, {kPartner}}});
    out.push_back(Command{0, DefineSubContingent{seated_contingent(p, 6), p, seated_contingent(p, 5), 6, {}}});
    out.push_back(Command{0, MoveSeatsToContingent{p, seated_contingent(p, 5), {0, 1, 2, 3, 4, 5}}});
    out.push_back(Command{0, MoveSeatsToContingent{p, seated_contingent(p, 6), {6, 7, 8, 9}}});
  }
  // The contacts its orders name (1..kRandomContacts), as the contact
  // directory hands them to every shard: a server's shard takes orders
  // only for known contacts.
  out.push_back(demo_contact_profiles(kRandomContacts));
  return out;
}

std::vector<uint32_t> RandomWorkload::some_seats(uint32_t max) {
  std::vector<uint32_t> seats;
  const uint32_t first = pick(kRandomLayoutSeats);
  const uint32_t n = 1 + pick(max);
  for (uint32_t i = 0; i < n; ++i)
    seats.push_back(pick(4) ? (first + i) % kRandomLayoutSeats : pick(kRandomLayoutSeats));
  if (pick(30) == 0) seats.push_back(kRandomLayoutSeats + 3);  // invalid on purpose
  return seats;
}

// Seated commands: holds and bookings (best available or named seats),
// blocks, moves between contingents, release-back dates.
Command RandomWorkload::next_seated(int64_t now_ms, uint32_t kind) {
  static constexpr ChannelId kChannels[] = {kWeb, kBoxOffice, kPartner};
  const ProductId product = 1 + pick(3);
  const PerformanceId p = random_seated_performance(product);
  RequestKey key = 0;
  if (pick(4) == 0) key = next_key_++;
  CommandBody body;
  if (kind < 4) {
    SeatRequest q{p, 1 + pick(3), demo_tariff(product, 1 + pick(2)), kNone, 1 + pick(4), {}, 0};
    if (pick(3) == 0) q.seats = some_seats(3), q.category = kNone, q.quantity = 0;
    if (pick(5) == 0) q.contingent = seated_contingent(p, 5 + pick(2)), q.category = q.seats.empty() ? 1 : kNone;
    if (pick(8) == 0) q.options = static_cast<uint8_t>(1 + pick(2));
    const ChannelId channel = kChannels[pick(3)];
    if (kind < 3) {
      body = HoldSeats{1 + pick(200), channel, std::move(q), 1000 + pick(30) * kMinute};
    } else {
      body = BookSeats{pick(2) ? BookingKind::kOption : BookingKind::kReservation, 1 + pick(200), channel, std::move(q),
                       now_ms + kMinute + pick(10) * kDay};
    }
  } else if (kind == 4) {
    if (pick(2)) {
      body = BlockSeats{p, some_seats(6)};
    } else {
      body = UnblockSeats{p, some_seats(6)};
    }
  } else {
    if (pick(4)) {
      const uint32_t to = pick(3);
      body = MoveSeatsToContingent{p, to == 0 ? kNone : seated_contingent(p, 4 + to), some_seats(4)};
    } else {
      body = SetContingentReleaseBack{p, seated_contingent(p, 5 + pick(2)),
                                      pick(4) ? now_ms + (1 + pick(60)) * kMinute : 0};
    }
  }
  return Command{key, std::move(body)};
}

PerformanceId RandomWorkload::some_performance() { return (1 + pick(3)) * 1000 + pick(performances_); }

OrderId RandomWorkload::some_order() {
  if (orders_.empty() || pick(50) == 0) return make_order_id(0, 1, pick(1000));  // unknown or stale ids too
  return orders_[pick(static_cast<uint32_t>(orders_.size()))];
}

int64_t RandomWorkload::time_step() {
  static constexpr int64_t kSteps[] = {0, 0, 1, 7, 250, 1000, kMinute, 10 * kMinute, kDay};
  return kSteps[pick(sizeof(kSteps) / sizeof(kSteps[0]))];
}

// GCC 12 reports a false -Wfree-nonheap-object when a CommandBody holding a
// vector is reassigned after inlining (GCC bug 106199-like); the code is fine.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#endif
Command RandomWorkload::next(int64_t now_ms) {
  static constexpr ChannelId kChannels[] = {kWeb, kBoxOffice, kPartner};
  Command c;
  if (pick(4) == 0) c.key = next_key_++;
  if (pick(20) == 0 && next_key_ > 2) c.key = 1 + pick(static_cast<uint32_t>(next_key_ - 1));  // a retry
  const uint32_t kind = pick(26);
  if (kind >= 20) return next_seated(now_ms, kind - 20);
  if (kind < 7) {
    std::vector<LineRequest> lines;
    const uint32_t n = 1 + pick(3);
    for (uint32_t i = 0; i < n; ++i) {
      const PerformanceId p = some_performance();
      LineRequest l = demo_line(p, p.value() / 1000, 1 + pick(3), 1 + pick(4));
      if (pick(6) == 0) l.contingent = demo_partner_contingent(p), l.category = 1;
      if (pick(40) == 0) l.quantity = 0;  // invalid on purpose
      lines.push_back(l);
    }
    const ChannelId channel = kChannels[pick(3)];
    const ContactId contact = 1 + pick(kRandomContacts);
    if (kind < 5) {
      c.body = Hold{contact, channel, std::move(lines), 1000 + pick(30) * kMinute};
    } else {
      c.body = Book{pick(2) ? BookingKind::kOption : BookingKind::kReservation, contact, channel, std::move(lines),
                    now_ms + kMinute + pick(10) * kDay};
    }
    return c;
  }
  const OrderId order = some_order();
  switch (kind) {
    case 7:
      c.body = ExtendHold{order, 1000 + pick(20) * kMinute};
      break;
    case 8:
      c.body = ConvertHold{order, pick(2) ? BookingKind::kOption : BookingKind::kReservation,
                           now_ms + kMinute + pick(5) * kDay};
      break;
    case 9:
    case 10:
      c.body = Confirm{order, {}};
      break;
    case 11:
      c.body = Confirm{order, {pick(3), pick(3), pick(3)}};
      break;  // matches 3-line orders only
    case 12:
    case 13:
      c.body = Release{order};
      break;
    case 14:
      c.body = Cancel{order};
      break;
    case 15:
      c.body = Archive{order};
      break;
    case 16:
      c.body = Reinstate{order, now_ms + kMinute + pick(3) * kDay};
      break;
    case 17:
      c.body = SetLock{order, pick(3) != 0};
      break;
    case 18:
      c.body = SetReleaseMark{order, pick(2) ? ReleaseMark::kKeep : ReleaseMark::kRelease};
      break;
    default:
      c.body = GetOrder{order};
      break;
  }
  return c;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

void RandomWorkload::observe(const Command& command, const Reply& reply) {
  if (!reply.ok() || reply.order == 0) return;
  if (!std::holds_alternative<Hold>(command.body) && !std::holds_alternative<Book>(command.body) &&
      !std::holds_alternative<HoldSeats>(command.body) && !std::holds_alternative<BookSeats>(command.body))
    return;
  if (orders_.size() < kOrdersRemembered) {
    orders_.push_back(reply.order);
  } else {
    orders_[pick(kOrdersRemembered)] = reply.order;
  }
}

}  // namespace tessera::workload
