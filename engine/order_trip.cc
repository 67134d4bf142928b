// OrderDesk's trip changes: departures, add-ons and the return city
// (engine/commands_dossier.h), and the add-on quotas of the shard.
#include <algorithm>
#include <tuple>

#include "base/check.h"
#include "engine/limits.h"
#include "engine/order_desk.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

namespace {

auto quota_key(PerformanceId performance, AddOnId addon) { return std::make_tuple(performance, addon); }
auto quota_key(const AddOnQuota& q) { return quota_key(q.performance, q.addon); }

}  // namespace

const AddOnQuota* AddOnQuotas::find(PerformanceId performance, AddOnId addon) const {
  const auto key = quota_key(performance, addon);
  auto it = std::lower_bound(rows_.begin(), rows_.end(), key,
                             [](const AddOnQuota& q, const auto& k) { return quota_key(q) < k; });
  return it != rows_.end() && quota_key(*it) == key ? &*it : nullptr;
}

AddOnQuota& AddOnQuotas::open(PerformanceId performance, AddOnId addon) {
  const auto key = quota_key(performance, addon);
  auto it = std::lower_bound(rows_.begin(), rows_.end(), key,
                             [](const AddOnQuota& q, const auto& k) { return quota_key(q) < k; });
  if (it == rows_.end() || quota_key(*it) != key) it = rows_.insert(it, AddOnQuota{performance, addon, 0, 0});
  return *it;
}

bool AddOnQuotas::take(PerformanceId performance, AddOnId addon) {
  AddOnQuota* q = find(performance, addon);
  if (!q || q->selected >= q->capacity) return false;
  ++q->selected;
  return true;
}

void AddOnQuotas::give_back(PerformanceId performance, AddOnId addon) {
  AddOnQuota* q = find(performance, addon);
  TESSERA_CHECK(q != nullptr && q->selected > 0);
  --q->selected;
}

Status AddOnQuotas::restore(std::vector<AddOnQuota> rows) {
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].selected > rows[i].capacity || rows[i].capacity > kAddOnCapacityMax)
      return Status::invalid_argument("snapshot has an add-on quota out of range");
    if (i > 0 && !(quota_key(rows[i - 1]) < quota_key(rows[i])))
      return Status::invalid_argument("snapshot's add-on quotas are out of order");
  }
  rows_ = std::move(rows);
  return Status::ok();
}

PerformanceId OrderDesk::departure_of(const Order& order) const {
  if (order.lines.empty()) return kNone;
  const PerformanceId p = order.lines.front().performance;
  for (const OrderLine& l : order.lines)
    if (l.performance != p) return kNone;
  return p;
}

int64_t OrderDesk::trip_cents(const Order& order) const {
  const OrderDossier* d = dossier_of(order);
  if (!d) return 0;
  int64_t cents = d->return_supplement_cents * order.quantity();
  for (const Participant& p : d->participants)
    for (const SelectedAddOn& a : p.add_ons) cents += a.price_cents;
  return cents;
}

int64_t OrderDesk::package_of(const Order& order) const {
  return std::max<int64_t>(0, package_cents(order) + trip_cents(order));
}

void OrderDesk::add_ons_closed(const Order& order) {
  const OrderDossier* d = dossier_of(order);
  if (!d) return;
  for (const Participant& p : d->participants)
    if (p.line < order.lines.size())
      for (const SelectedAddOn& a : p.add_ons) add_on_quotas_.give_back(order.lines[p.line].performance, a.addon);
}

Reply OrderDesk::on(const SetAddOnQuota& c, const Caller&) {
  const Performance* p = stock_.performances().find(c.performance);
  if (!p) return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found"));
  const DefineAddOn* addon = catalog_.add_on(c.addon);
  if (!addon) return refuse(ReplyCode::kNotFound, cat("add-on ", c.addon, " not found"));
  if (addon->product != p->definition.product)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("add-on ", c.addon, " is product ", addon->product, "'s; performance ", c.performance,
                      " is product ", p->definition.product, "'s"));
  if (c.capacity > kAddOnCapacityMax)
    return refuse(ReplyCode::kLimitExceeded, cat("an add-on's quota is at most ", kAddOnCapacityMax));
  const AddOnQuota* known = add_on_quotas_.find(c.performance, c.addon);
  if (known && known->selected > c.capacity)
    return refuse(ReplyCode::kInvalidState,
                  cat("add-on ", c.addon, " is selected ", known->selected, " times on performance ", c.performance,
                      ": its quota cannot be ", c.capacity));
  if (!known && add_on_quotas_.rows().size() >= kAddOnQuotasPerShardMax)
    return refuse(ReplyCode::kLimitExceeded, cat("at most ", kAddOnQuotasPerShardMax, " add-on quotas per shard"));
  add_on_quotas_.open(c.performance, c.addon).capacity = c.capacity;
  return Reply{};
}

Reply OrderDesk::on(const GetAddOnStock& c, const Caller&) const {
  if (!stock_.performances().find(c.performance))
    return refuse(ReplyCode::kNotFound, cat("performance ", c.performance, " not found"));
  AddOnStock out{c.performance, {}};
  for (const AddOnQuota& q : add_on_quotas_.rows()) {
    if (q.performance != c.performance) continue;
    const DefineAddOn* a = catalog_.add_on(q.addon);
    out.rows.push_back(
        AddOnStockRow{q.addon, a ? a->name : std::string{}, a ? a->price_cents : 0, q.capacity, q.selected});
  }
  Reply r;
  r.value = static_cast<int64_t>(out.rows.size());
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(out)});
  return r;
}

Reply OrderDesk::on(const AddAddOn& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = dossier_order(c.order, who, "its add-ons change", &o); !bad.ok()) return bad;
  const OrderDossier* d = dossier_of(*o);
  const Participant* p = d ? d->participant(c.participant) : nullptr;
  if (!p) return no_participant(c.order, c.participant);
  const DefineAddOn* addon = catalog_.add_on(c.addon);
  if (!addon) return refuse(ReplyCode::kNotFound, cat("add-on ", c.addon, " not found"));
  if (c.price_cents > kPaymentCentsMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("an add-on's price is in [0, ", kPaymentCentsMax, "] cents (below 0: the catalog's)"));
  const int64_t price = c.price_cents < 0 ? addon->price_cents : c.price_cents;
  const PerformanceId departure = o->lines[p->line].performance;
  const auto selected =
      std::find_if(p->add_ons.begin(), p->add_ons.end(), [&](const SelectedAddOn& a) { return a.addon == c.addon; });
  const MoneySums before = sums_of(*o);
  if (selected != p->add_ons.end()) {  // selected already: its price
    if (selected->price_cents == price) return order_reply(c.order, *o);
    open_dossier(*o).participant(c.participant)->add_ons[selected - p->add_ons.begin()].price_cents = price;
    book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kAddOnPriceSet,
                 uint64_t{c.participant.value()} << 32 | c.addon.value());
    after_money_change(*o, c.order, before, who.principal, false, false);
    return order_reply(c.order, *o);
  }
  if (p->add_ons.size() >= kParticipantAddOnsMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("participant ", c.participant, " has ", kParticipantAddOnsMax, " add-ons, the most"));
  const AddOnQuota* quota = add_on_quotas_.find(departure, c.addon);
  if (!quota)
    return refuse(ReplyCode::kNotFound, cat("add-on ", c.addon, " is not offered on departure ", departure,
                                            " (it has no quota there: SetAddOnQuota)"));
  if (!add_on_quotas_.take(departure, c.addon))
    return refuse(ReplyCode::kSoldOut, cat("add-on ", c.addon, " is full on departure ", departure, ": ",
                                           quota->selected, " of ", quota->capacity, " selected"));
  open_dossier(*o).participant(c.participant)->add_ons.push_back(SelectedAddOn{c.addon, price});
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kAddOnAdded,
               uint64_t{c.participant.value()} << 32 | c.addon.value());
  after_money_change(*o, c.order, before, who.principal, false, false);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const RemoveAddOn& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = dossier_order(c.order, who, "its add-ons change", &o); !bad.ok()) return bad;
  const OrderDossier* d = dossier_of(*o);
  const Participant* p = d ? d->participant(c.participant) : nullptr;
  if (!p) return no_participant(c.order, c.participant);
  const auto selected =
      std::find_if(p->add_ons.begin(), p->add_ons.end(), [&](const SelectedAddOn& a) { return a.addon == c.addon; });
  if (selected == p->add_ons.end())
    return refuse(ReplyCode::kNotFound,
                  cat("participant ", c.participant, " of order ", c.order, " has not selected add-on ", c.addon));
  const MoneySums before = sums_of(*o);
  add_on_quotas_.give_back(o->lines[p->line].performance, c.addon);
  std::vector<SelectedAddOn>& mine = open_dossier(*o).participant(c.participant)->add_ons;
  mine.erase(mine.begin() + (selected - p->add_ons.begin()));
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kAddOnRemoved,
               uint64_t{c.participant.value()} << 32 | c.addon.value());
  after_money_change(*o, c.order, before, who.principal, false, false);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const ChangeDeparture& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = dossier_order(c.order, who, "its departure changes", &o); !bad.ok()) return bad;
  const PerformanceId from = departure_of(*o);
  if (from == kNone)
    return refuse(ReplyCode::kInvalidState,
                  cat("order ", c.order, " has lines on several performances: it has no one departure to change"));
  if (c.performance == from)
    return refuse(ReplyCode::kInvalidArgument, cat("order ", c.order, " already leaves on departure ", from));
  const Performance* target = stock_.performances().find(c.performance);
  if (!target) {
    if (catalog_.departure(c.performance))  // a product's departures share a shard since rules 6
      return refuse(ReplyCode::kInvalidState,
                    cat("departure ", c.performance, "'s performance is not on order ", c.order,
                        "'s shard: it is not defined yet, or lies on another shard (defined before a "
                        "product's departures shared one shard); release the order and book it there"));
    return refuse(ReplyCode::kNotFound,
                  cat("performance ", c.performance, " not found on order ", c.order, "'s shard"));
  }
  const ProductId product = product_of(*o);
  if (target->definition.product != product)
    return refuse(ReplyCode::kInvalidArgument, cat("performance ", c.performance, " is not a departure of product ",
                                                   product, ", the order's stay (the stay never changes)"));
  const MoneySums before = sums_of(*o);
  if (Reply moved = book_.move_lines(*o, c.order, c.performance); !moved.ok()) return moved;
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kDepartureChanged,
               uint64_t{from.value()} << 32 | c.performance.value());
  DepartureChange change{c.order, from, c.performance, {}};
  if (dossier_of(*o)) {
    OrderDossier& d = open_dossier(*o);
    for (Participant& p : d.participants) {
      std::vector<SelectedAddOn> kept;
      for (const SelectedAddOn& a : p.add_ons) {
        add_on_quotas_.give_back(from, a.addon);
        if (add_on_quotas_.take(c.performance, a.addon)) {
          kept.push_back(a);
        } else {
          const DefineAddOn* known = catalog_.add_on(a.addon);
          change.dropped.push_back(AddOnLine{a.addon, known ? known->name : std::string{}, a.price_cents, p.contact});
        }
      }
      p.add_ons = std::move(kept);
    }
    if (!change.dropped.empty())
      book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kAddOnsDropped, change.dropped.size());
    if (d.return_departure != kNone) {  // the order first takes a same-city round trip again
      d.return_departure = kNone;
      d.return_supplement_cents = 0;
      book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kReturnCitySet, 0);
    }
  }
  after_money_change(*o, c.order, before, who.principal, false, false);
  Reply r = order_reply(c.order, *o);
  r.value = static_cast<int64_t>(change.dropped.size());
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(change)});
  return r;
}

Reply OrderDesk::on(const SetReturnCity& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = dossier_order(c.order, who, "its return city changes", &o); !bad.ok()) return bad;
  const PerformanceId from = departure_of(*o);
  const DefineDeparture* own = from == kNone ? nullptr : catalog_.departure(from);
  if (!own)
    return refuse(ReplyCode::kInvalidState, cat("order ", c.order, " does not leave on one departure with a city",
                                                " (DefineDeparture): it has no return city to choose"));
  const OrderDossier* d = dossier_of(*o);
  const PerformanceId was = d ? d->return_departure : PerformanceId{kNone};
  int64_t supplement = 0;
  if (c.departure != kNone) {
    const DefineDeparture* back = catalog_.departure(c.departure);
    if (!back) return refuse(ReplyCode::kNotFound, cat("departure ", c.departure, " not found"));
    if (back->product != own->product || back->date != own->date)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("departure ", c.departure, " is not one of product ", own->product, " on ", own->date,
                        ": the return goes to a city the same stay serves the same day"));
    if (back->city == own->city)
      return refuse(ReplyCode::kInvalidArgument,
                    cat("departure ", c.departure, " leaves from ", own->city,
                        ", the order's own city: choose no departure for the same-city round trip"));
    supplement =
        return_city_cents(own->round_trip_cents, back->round_trip_cents, catalog_.return_city_rule(own->product)) -
        own->round_trip_cents;
  }
  if (was == c.departure && (!d || d->return_supplement_cents == supplement)) return order_reply(c.order, *o);
  const MoneySums before = sums_of(*o);
  OrderDossier& dd = open_dossier(*o);
  dd.return_departure = c.departure;
  dd.return_supplement_cents = supplement;
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kReturnCitySet, c.departure.value());
  after_money_change(*o, c.order, before, who.principal, false, false);
  return order_reply(c.order, *o);
}

void OrderDesk::fill_trip(const Order& order, const OrderDossier* d, OrderRecord* r) const {
  if (const DefineDeparture* own = catalog_.departure(departure_of(order))) r->departure_city = own->city;
  if (!d) return;
  r->return_departure = d->return_departure;
  if (const DefineDeparture* back = d->return_departure == kNone ? nullptr : catalog_.departure(d->return_departure))
    r->return_city = back->city;
  r->return_supplement_cents = d->return_supplement_cents;
  r->add_ons_cents = 0;
  for (size_t i = 0; i < d->participants.size() && i < r->participants.size(); ++i)
    for (const SelectedAddOn& a : d->participants[i].add_ons) {
      const DefineAddOn* known = catalog_.add_on(a.addon);
      r->participants[i].add_ons.push_back(
          AddOnLine{a.addon, known ? known->name : std::string{}, a.price_cents, d->participants[i].contact});
      r->add_ons_cents += a.price_cents;
    }
  const int64_t total = static_cast<int64_t>(r->total_cents) + trip_cents(order);
  r->total_cents = static_cast<uint64_t>(std::max<int64_t>(total, 0));
}

}  // namespace tessera::engine
