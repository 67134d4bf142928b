// Shard state hash, and the invariant check that composes every owner's.
//
// check_invariants() recounts everything derivable from the live orders
// (quota counters, per-contact counters, timers, seat states, follow-up
// rows) and compares it with what the owners maintain incrementally. Tests
// call it after every step of the randomised runs; snapshot loading calls
// it on what it read.
#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "engine/hash.h"
#include "engine/shard.h"

namespace tessera::engine {

uint64_t Shard::state_hash() const {
  Hasher h;
  hash_core(h);
  // The order pages: workflows, notes and client information of every used
  // slot (closed orders' too: they are read back until the slot is reused),
  // a closed order's workflow with its closing state change in its place.
  const OrderTable& orders = orders_.table();
  for (uint32_t slot = 0; slot < orders.slot_count(); ++slot) {
    const Order& o = orders.at(slot);
    const OrderCold& cold = orders.cold(slot);
    if (!o.close_recorded()) {
      h.add(cold);
      continue;
    }
    OrderCold shown{{}, cold.notes, cold.client_info};
    shown.workflow.reserve(cold.workflow.size() + 1);
    orders_.for_each_event(o, [&shown](const WorkflowEvent& e) { shown.workflow.push_back(e); });
    h.add(shown);
  }
  // The client marks (absent before them): like the order pages, state an
  // older build did not have, so not in the hash an old data directory is
  // checked against (state_hash_before_order_pages).
  if (!contacts_.client_marks().empty()) h.add(contacts_.client_marks());
  // The order retention (absent until set), likewise.
  if (!retention_.state().unused()) {
    h.add(retention_.state());
    h.add(stock_.retired_by_quota());
    h.add(stock_.retired_by_category());
  }
  // The automatic invoicing (absent until used), likewise; its rules are
  // the catalog's.
  if (!auto_invoicing_.state().unused()) h.add(auto_invoicing_.state());
  // The money of orders (absent until some), likewise.
  desk_.money().hash_into(h, orders);
  desk_.dossiers().hash_into(h, orders);  // the participants and documents (absent until some)
  if (!desk_.add_on_quotas().rows().empty()) h.add(desk_.add_on_quotas().rows());  // likewise
  if (!desk_.travel_books().empty()) h.add(desk_.travel_books());                  // likewise
  // The invoice register (shard 0; absent until an invoice), likewise.
  invoices_.hash_into(h);
  promos_.hash_into(h);
  batches_.hash_into(h);
  desk_.hash_promo(h);
  desk_.hash_cashback(h);
  preregs_.hash_into(h);                               // absent until the first pre-registration
  if (!stock_.staff().empty()) h.add(stock_.staff());  // absent until a performance has staff
  return h.value();
}

uint64_t Shard::state_hash_before_order_pages() const {
  Hasher h;
  hash_core(h);
  return h.value();
}

void Shard::hash_core(Hasher& h) const {
  h.add_u64(shard_);
  h.add_u64(shard_count_);
  catalog_.hash_into(h);
  h.add(stock_.layouts().items());
  h.add(stock_.quotas().all());
  h.add(stock_.performances().items());
  h.add(stock_.contingents().items());
  const OrderTable& orders = orders_.table();
  for (uint32_t slot = 0; slot < orders.slot_count(); ++slot) {
    const Order& o = orders.at(slot);
    h.add_u64(o.generation);
    if (!o.live()) continue;
    h.add(o);
    if (o.principal != kSystem)
      h.add_u64((uint64_t{0x50524E43} << 32) | o.principal.value());  // absent before principals
    // Which orders wait on a timer, and in what order same-due timers fire.
    // (Not the wheel's due: a past deadline is clamped to whatever tick the
    // wheel was at, which replay need not reproduce.)
    h.add_u64(o.timer.valid() ? o.timer_seq : 0);
  }
  // Future ids depend on which slots are free and in what order.
  h.add(orders.free_list());
  h.add_u64(orders.slot_count());
  h.add_u64(timers_.next_seq());
  idempotency_.hash_into(h);
  contacts_.hash_into(h);
  subscriptions_.hash_into(h);
  principals_.hash_into(h);
}

Status Shard::check_invariants() const {
  uint32_t timed = 0;  // armed timers the owners account for
  Status s = orders_.check_invariants(&timed);
  if (s.is_ok()) s = contingents_.check_invariants(&timed);
  if (s.is_ok() && timed != timers_.wheel().size())
    s = Status::internal(cat("timing wheel holds ", timers_.wheel().size(), " timers, live deadlines ", timed));
  if (s.is_ok()) s = seats_.check_invariants();
  if (s.is_ok()) s = subscriptions_.check_invariants();
  if (s.is_ok()) s = stock_.check_invariants();
  if (s.is_ok()) s = principals_.check_invariants();
  if (s.is_ok()) s = preregs_.check_invariants();
  // Every confirmed order's contact is a client here (marked at Confirm,
  // moved by a merge, or at the load of a snapshot from before the marks).
  const OrderTable& orders = orders_.table();
  for (uint32_t slot = 0; s.is_ok() && slot < orders.slot_count(); ++slot) {
    const Order& o = orders.at(slot);
    if (o.live() && o.state == OrderState::kConfirmed && o.contact != kNone && contacts_.client_since(o.contact) == 0)
      s = Status::internal(cat("order ", orders.id_of(slot), " is confirmed but contact ", o.contact, " is no client"));
  }
  // Each live order's participants hold units of its lines: no line has
  // more participants than units, no participant is named twice.
  desk_.dossiers().for_each_current(orders, [&](OrderId id, const OrderDossier& d) {
    const Order& o = *orders.find(id);
    if (!s.is_ok() || !o.live()) return;
    for (size_t i = 0; i < d.participants.size() && s.is_ok(); ++i) {
      const Participant& p = d.participants[i];
      if (p.line >= o.lines.size() || d.participants_on(p.line) > o.lines[p.line].quantity)
        s = Status::internal(cat("order ", id, ": participant ", p.contact, " holds no unit of line ", p.line));
      for (size_t j = 0; j < i && s.is_ok(); ++j)
        if (d.participants[j].contact == p.contact)
          s = Status::internal(cat("order ", id, ": participant ", p.contact, " named twice"));
    }
  });
  // Each add-on quota counts exactly the selections of the live orders'
  // participants on its departure, and never more than its capacity.
  std::map<std::pair<PerformanceId, AddOnId>, uint32_t> selected;
  desk_.dossiers().for_each_current(orders, [&](OrderId id, const OrderDossier& d) {
    const Order& o = *orders.find(id);
    if (!o.live()) return;
    for (const Participant& p : d.participants)
      if (p.line < o.lines.size())
        for (const SelectedAddOn& a : p.add_ons) ++selected[{o.lines[p.line].performance, a.addon}];
  });
  for (const AddOnQuota& q : desk_.add_on_quotas().rows()) {
    const auto it = selected.find({q.performance, q.addon});
    const uint32_t counted = it == selected.end() ? 0 : it->second;
    if (s.is_ok() && (q.selected != counted || q.selected > q.capacity))
      s = Status::internal(cat("add-on ", q.addon, " on performance ", q.performance, ": ", q.selected, " selected of ",
                               q.capacity, ", a recount finds ", counted));
    if (it != selected.end()) selected.erase(it);
  }
  if (s.is_ok() && !selected.empty())
    s = Status::internal(cat("add-on ", selected.begin()->first.second, " is selected on performance ",
                             selected.begin()->first.first, ", which has no quota for it"));
  return s;
}

}  // namespace tessera::engine
