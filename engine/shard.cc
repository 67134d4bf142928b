// Shard: command dispatch to the state owners, idempotency, and expiry
// processing. Hashing and invariant checks are in shard_check.cc,
// snapshots in shard_snapshot.cc.
#include "engine/shard.h"

#include <algorithm>
#include <cassert>
#include <type_traits>

#include "engine/command_registry.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

Shard::Shard(uint32_t shard, uint32_t shard_count, int64_t start_ms, ShardConfig config)
    : shard_(shard),
      shard_count_(shard_count),
      now_ms_(start_ms),
      idempotency_(kIdempotencyKeysMax),
      timers_(start_ms, std::min(config.orders_reserved, kLiveOrdersPerShardMax)),
      orders_(shard, std::min(config.orders_reserved, kLiveOrdersPerShardMax), stock_, seats_, contingents_, timers_,
              catalog_, now_ms_),
      stock_(catalog_, orders_.table(), now_ms_),
      seats_(stock_, catalog_, orders_.table(), now_ms_),
      contingents_(stock_, seats_, timers_, catalog_, now_ms_),
      desk_(orders_, stock_, catalog_, now_ms_),
      follow_up_(orders_, stock_, catalog_, contacts_, subscriptions_, now_ms_),
      principals_(catalog_, now_ms_),
      retention_(orders_, stock_, now_ms_),
      auto_invoicing_(orders_, desk_, stock_, catalog_, now_ms_),
      preregs_(shard, shard_count, orders_, desk_, now_ms_) {
  // What placing or confirming an order brings, as for the order commands.
  preregs_.on_placed([this](OrderId id) { desk_.add_mandatory_fees(id); });
  preregs_.on_confirmed([this](OrderId id) {
    if (const Order* o = orders_.find(id)) contacts_.mark_client(o->contact, now_ms_);
    desk_.sponsor_validated(id);
    auto_invoicing_.validated(id);
  });
  assert(shard_count >= 1 && shard_count <= kShardsMax);
  assert(shard < shard_count);
  assert(start_ms >= 0 && start_ms <= kTimeMsMax);
  assert(config.contacts_max <= kContactsMax);
  contacts_.set_contacts_max(config.contacts_max);
}

namespace {

// Commands of the contact directory partition that no shard owns
// (DefineContact and UpdateContact are routed there too, but a shard still
// replays the records logged before the directory existed).
template <typename T>
constexpr bool kDirectoryOnly = CommandSpec<T>::info.route == RouteKind::kContacts &&
                                !std::is_same_v<T, DefineContact> && !std::is_same_v<T, UpdateContact>;

// Commands that place an order for `contact`: refused for a contact being
// deleted or deleted (ContactBook::check_open; Subscribe checks its own).
template <typename T>
constexpr bool kPlacesOrder =
    std::is_same_v<T, Hold> || std::is_same_v<T, Book> || std::is_same_v<T, HoldSeats> ||
    std::is_same_v<T, BookSeats> || std::is_same_v<T, HoldSeatsWithLines> || std::is_same_v<T, BookSeatsWithLines>;

}  // namespace

template <typename T>
Reply Shard::on(const T& c, const Caller& who) {
  // clang-format off
  constexpr int owners =
      requires { catalog_.define(c); } + requires { stock_.on(c); } + requires { seats_.on(c); } +
      requires { contingents_.on(c); } + requires { desk_.on(c, who); } + requires { follow_up_.on(c); } +
      requires { principals_.on(c); } + requires { retention_.on(c); } + requires { auto_invoicing_.on(c); } + requires { invoices_.on(c); } + requires { preregs_.on(c, who); } + requires { promos_.on(c); } + requires { batches_.on(c); } + std::is_same_v<T, MakePaymentBatch> + std::is_same_v<T, SettlePaymentBatch> + requires { contacts_.define(c); } + requires { contacts_.update(c); } +
      requires { subscriptions_.define(c); } + requires { subscriptions_.apply(c); } +
      requires { subscriptions_.apply(c, contacts_); } + requires { subscriptions_.apply(c, now_ms_); } +
      requires { subscriptions_.apply(c, contacts_, now_ms_); } + requires { subscriptions_.query(c, contacts_); } +
      std::is_same_v<T, Advance> + std::is_same_v<T, ExportCatalog> + std::is_same_v<T, FreezeContact> +
      std::is_same_v<T, GetClientMarks> + std::is_same_v<T, GetContactActivity> + std::is_same_v<T, ListPayers> + std::is_same_v<T, QuoteReturnCity> +
      std::is_same_v<T, SetContactProfile> + std::is_same_v<T, SetContactProfiles> + kDirectoryOnly<T>;
  // clang-format on
  static_assert(owners == 1, "every command has exactly one owner");
  if constexpr (kPlacesOrder<T>) {
    if (Reply closed = contacts_.check_named(c.contact, who.rules); !closed.ok()) return closed;
  } else if constexpr (std::is_same_v<T, Subscribe>) {
    for (ContactId named : {c.subscriber, c.payer})
      if (Reply unknown = contacts_.check_known(named, who.rules); !unknown.ok()) return unknown;
  } else if constexpr (std::is_same_v<T, AddPayment> || std::is_same_v<T, ChangePayment>) {
    if (Reply unknown = contacts_.check_known(c.contact, who.rules); !unknown.ok()) return unknown;  // who paid
  } else if constexpr (std::is_same_v<T, AddParticipant>) {
    for (ContactId named : {c.contact, c.legal_representative})
      if (Reply closed = contacts_.check_named(named, who.rules); !closed.ok()) return closed;
  } else if constexpr (std::is_same_v<T, SetLegalRepresentative>) {
    if (Reply closed = contacts_.check_named(c.legal_representative, who.rules); !closed.ok()) return closed;
  } else if constexpr (std::is_same_v<T, RecordRunExport>) {
    if (who.rules < 4) {  // as then: open runs only, and no reminder counted as undelivered
      if (Reply closed = subscriptions_.check_run_open(c.run, "record an export"); !closed.ok()) return closed;
      return subscriptions_.apply(c, now_ms_, /*track_undelivered=*/false);
    }
  } else if constexpr (std::is_same_v<T, DefineContingent> || std::is_same_v<T, DefineSubContingent>) {
    if (who.rules >= 2)
      if (std::optional<Reply> renamed = contingents_.rename(c)) return *renamed;
  } else if constexpr (std::is_same_v<T, DefineDeparture>) {
    if (who.rules >= 6)
      if (Reply apart = catalog_.check_departure_shard(c, shard_count_); !apart.ok()) return apart;
  }
  if constexpr (kDirectoryOnly<T>) {
    return refuse(ReplyCode::kInvalidArgument,
                  cat(CommandSpec<T>::info.name, " belongs to the contact directory, not to an inventory shard"));
  } else if constexpr (std::is_same_v<T, Advance>) {
    if (c.budget == 0 || c.budget > kExpiriesPerSliceMax)
      return refuse(ReplyCode::kInvalidArgument, cat("advance budget must be in [1, ", kExpiriesPerSliceMax, "]"));
    Reply r;
    r.value = advance(now_ms_, c.budget);
    return r;
  } else if constexpr (std::is_same_v<T, ExportCatalog>) {
    return export_catalog();
  } else if constexpr (std::is_same_v<T, FreezeContact>) {
    return freeze_contact(c);
  } else if constexpr (std::is_same_v<T, GetClientMarks>) {
    return client_marks(c);
  } else if constexpr (std::is_same_v<T, GetContactActivity>) {
    return contact_activity(c);
  } else if constexpr (std::is_same_v<T, QuoteReturnCity>) {
    return catalog_.quote(c);
  } else if constexpr (std::is_same_v<T, ListPayers>) {
    Payers out;
    for (const Named<PayerId>& p : catalog_.payers().items()) out.payers.push_back(DefinePayer{p.id, p.name});
    std::sort(out.payers.begin(), out.payers.end(),
              [](const DefinePayer& a, const DefinePayer& b) { return a.payer < b.payer; });
    Reply r;
    r.value = static_cast<int64_t>(out.payers.size());
    r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(out)});
    return r;
  } else if constexpr (std::is_same_v<T, Confirm> || std::is_same_v<T, AddPayment> ||
                       std::is_same_v<T, ChangePayment> || std::is_same_v<T, SignContract>) {
    // The contact's first confirmed order here makes it a client (a payment
    // or a signed contract may validate an option).
    Reply r = desk_.on(c, who);
    if (r.ok() && r.state == OrderState::kConfirmed) {
      if (const Order* o = orders_.find(c.order)) contacts_.mark_client(o->contact, now_ms_);
      desk_.sponsor_validated(c.order);    // the sponsor's reward, once
      auto_invoicing_.validated(c.order);  // validated after its departure: invoiced now
    }
    return r;
  } else if constexpr (std::is_same_v<T, SetContactProfile>) {
    return set_profile(c);
  } else if constexpr (std::is_same_v<T, SetContactProfiles>) {
    Reply r = contacts_.check(c);
    if (r.ok())
      for (const SetContactProfile& p : c.profiles) (void)set_profile(p);  // each checked above
    return r;
  } else if constexpr (std::is_same_v<T, DefinePerformance>) {
    Reply r = stock_.on(c);
    if (r.ok()) {
      retention_.performances_changed();
      auto_invoicing_.performances_changed();
    }
    return r;
  } else if constexpr (std::is_same_v<T, SetAutoInvoicing>) {
    Reply r = catalog_.define(c);
    if (r.ok()) auto_invoicing_.rules_changed();
    return r;
  } else if constexpr (std::is_same_v<T, NoteInvoice>) {
    Reply r = desk_.on(c, who);
    if (r.ok()) auto_invoicing_.noted();
    return r;
  } else if constexpr (requires { auto_invoicing_.on(c); }) {
    return auto_invoicing_.on(c);
  } else if constexpr (requires { retention_.on(c); }) {
    return retention_.on(c);
  } else if constexpr (requires { catalog_.define(c); }) {
    return catalog_.define(c);
  } else if constexpr (requires { stock_.on(c); }) {
    return stock_.on(c);
  } else if constexpr (requires { seats_.on(c); }) {
    return seats_.on(c);
  } else if constexpr (requires { contingents_.on(c); }) {
    return contingents_.on(c);
  } else if constexpr (requires { desk_.on(c, who); }) {
    Reply r = desk_.on(c, who);
    if constexpr (kPlacesOrder<T>)
      if (r.ok()) desk_.add_mandatory_fees(r.order);  // the annex fees every order of its product takes
    return r;
  } else if constexpr (requires { follow_up_.on(c); }) {
    if constexpr (requires { follow_up_.on(c, who); }) {
      return follow_up_.on(c, who);
    } else {
      return follow_up_.on(c);
    }
  } else if constexpr (requires { principals_.on(c); }) {
    return principals_.on(c);
  } else if constexpr (requires { preregs_.on(c, who); }) {
    if constexpr (std::is_same_v<T, SetPreRegistrationMatch>) {
      if (Reply unknown = contacts_.check_known(c.contact, who.rules); !unknown.ok()) return unknown;
    }
    return preregs_.on(c, who);
  } else if constexpr (requires { invoices_.on(c); }) {
    return invoices_.on(c);
  } else if constexpr (requires { promos_.on(c); }) {
    return promos_.on(c);
  } else if constexpr (requires { batches_.on(c); }) {
    return batches_.on(c);
  } else if constexpr (std::is_same_v<T, MakePaymentBatch>) {
    return batches_.on(c, who, now_ms_);
  } else if constexpr (std::is_same_v<T, SettlePaymentBatch>) {
    return batches_.on(c, invoices_);
  } else if constexpr (requires { contacts_.define(c); }) {
    return contacts_.define(c);
  } else if constexpr (requires { contacts_.update(c); }) {
    return contacts_.update(c);
  } else if constexpr (requires { subscriptions_.define(c); }) {
    return subscriptions_.define(c);
  } else if constexpr (requires { subscriptions_.apply(c); }) {
    return subscriptions_.apply(c);
  } else if constexpr (requires { subscriptions_.apply(c, contacts_); }) {
    return subscriptions_.apply(c, contacts_);
  } else if constexpr (requires { subscriptions_.apply(c, now_ms_); }) {
    return subscriptions_.apply(c, now_ms_);
  } else if constexpr (requires { subscriptions_.apply(c, contacts_, now_ms_); }) {
    return subscriptions_.apply(c, contacts_, now_ms_);
  } else {
    return subscriptions_.query(c, contacts_);
  }
}

Reply Shard::freeze_contact(const FreezeContact& c) {
  Reply r = contacts_.freeze(c);
  if (!r.ok() || c.action != FreezeAction::kFreeze) return r;
  const OrderTable& orders = orders_.table();
  int64_t live = subscriptions_.running_of(c.contact, now_ms_);
  for (uint32_t slot = 0; slot < orders.slot_count(); ++slot)
    live += orders.at(slot).live() && orders.at(slot).contact == c.contact;
  r.value = live;
  return r;
}

Reply Shard::client_marks(const GetClientMarks& c) const {
  if (c.after.size() > kShardsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("GetClientMarks names at most ", kShardsMax, " shards"));
  ClientMarks out;
  out.marks =
      contacts_.client_marks_after(shard_, shard_ < c.after.size() ? c.after[shard_] : 0, kClientMarksPerReplyMax);
  Reply r;
  r.value = static_cast<int64_t>(out.marks.size());
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(out)});
  return r;
}

void Shard::mark_confirmed_clients() {
  const OrderTable& orders = orders_.table();
  std::vector<std::pair<int64_t, ContactId>> confirmed;  // (confirmed at, contact)
  for (uint32_t slot = 0; slot < orders.slot_count(); ++slot) {
    const Order& o = orders.at(slot);
    if (!o.live() || o.state != OrderState::kConfirmed || o.contact == kNone || contacts_.client_since(o.contact) != 0)
      continue;
    int64_t at = o.created_ms;
    for (const WorkflowEvent& e : orders.cold(slot).workflow)
      if (e.action == WorkflowAction::kStateChanged && e.to == OrderState::kConfirmed) at = e.at_ms;
    confirmed.emplace_back(at, o.contact);
  }
  std::sort(confirmed.begin(), confirmed.end());  // each contact's earliest first
  for (const auto& [at, contact] : confirmed) contacts_.mark_client(contact, at);
}

// A merge this shard had not applied moves what names the duplicate to the
// survivor, in this one command: orders (with their per-contact units and
// follow-up rows), subscriptions and the closed-order history.
Reply Shard::set_profile(const SetContactProfile& p) {
  const uint64_t before = contacts_.profile_seq(p.contact);
  Reply r = contacts_.set_profile(p);
  if (!r.ok() || p.merged_into == kNone || before >= p.seq) return r;
  orders_.reassign_contact(p.contact, p.merged_into);
  // Its confirmed orders now name the survivor: a client since the duplicate was.
  if (const int64_t since = contacts_.client_since(p.contact); since != 0) contacts_.mark_client(p.merged_into, since);
  subscriptions_.reassign_contact(p.contact, p.merged_into);
  desk_.reassign_history(p.contact, p.merged_into);
  reassign_contact(desk_.money(), p.contact, p.merged_into);
  reassign_contact(desk_.dossiers(), p.contact, p.merged_into);
  return r;
}

template <typename T>
Reply Shard::check(const T& c) const {
  if constexpr (requires { catalog_.check(c); }) {
    return catalog_.check(c);
  } else if constexpr (requires { seats_.check(c); }) {
    return seats_.check(c);
  } else if constexpr (requires { retention_.check(c); }) {
    return retention_.check(c);
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
  // One visit: the route, the idempotency check and the owner's handler of
  // the command's type (the hot path dispatches once).
  return std::visit([this, &command](const auto& c) { return apply_one(c, command); }, command.body);
}

template <typename T>
Reply Shard::apply_one(const T& c, const Command& command) {
  const Caller who{command.principal, command.own_orders_only, command.rules};
  if constexpr (CommandSpec<T>::info.access == Access::kQuery) {
    return on(c, who);
  } else {
    const Route route = route_of(c, shard_count_);
    if (route.kind == Route::kOneShard && route.shard != shard_)
      return refuse(ReplyCode::kInvalidArgument,
                    cat(CommandSpec<T>::info.name, " belongs to shard ", route.shard, ", not shard ", shard_));
    if (command.key == kRequestKeyReserved) return refuse_reserved_key();
    uint64_t print = 0;
    if (command.key != 0) {
      print = fingerprint(command.body);
      if (const IdempotencyTable::Entry* seen = idempotency_.find(command.key)) {
        if (seen->fingerprint != print)
          return refuse(ReplyCode::kDuplicate,
                        cat("request key ", command.key, " was already used for a different command"));
        return seen->reply;
      }
    }
    // A prvalue: every return here builds the caller's Reply in place (a
    // named reply returned next to the refusals above would be moved, an
    // out-of-line call per command).
    return apply_update(c, who, command.key, print);
  }
}

template <typename T>
Reply Shard::apply_update(const T& c, const Caller& who, uint64_t key, uint64_t print) {
  Reply reply = on(c, who);
  ++commands_applied_;
  if (key != 0) idempotency_.remember(key, print, reply);
  return reply;
}

uint32_t Shard::advance(int64_t now_ms, uint32_t budget) {
  if (now_ms > now_ms_) now_ms_ = std::min(now_ms, kTimeMsMax);
  const uint32_t fired =
      timers_.wheel().advance(now_ms_, budget, [this](TimerId, uint64_t payload, int64_t) { on_timer(payload); });
  expiries_fired_ += fired;
  // Then validated orders that departed are invoiced, before confirmed
  // orders of past performances leave memory (retention).
  uint32_t work = fired;
  if (work < budget) work += auto_invoicing_.advance(budget - work);
  if (work < budget) work += retention_.advance(budget - work);
  return work;
}

void Shard::on_timer(uint64_t payload) {
  if (payload & kContingentTimerTag) {
    contingents_.on_release_back(static_cast<uint32_t>(payload));
  } else {
    orders_.on_deadline(OrderId{payload});
  }
}

ShardStats Shard::stats() const {
  ShardStats s;
  const OrderTable& orders = orders_.table();
  for (uint32_t slot = 0; slot < orders.slot_count(); ++slot) {
    switch (orders.at(slot).state) {
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
  s.live_orders = orders.live_count();
  s.timers = static_cast<uint32_t>(timers_.wheel().size());
  s.commands_applied = commands_applied_;
  s.expiries_fired = expiries_fired_;
  return s;
}

}  // namespace tessera::engine
