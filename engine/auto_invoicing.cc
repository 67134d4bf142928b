// Invoicing validated orders on their departure: the sweep of the order
// slots, and the invoices the server's pump has numbered.
#include "engine/auto_invoicing.h"

#include <algorithm>
#include <limits>

#include "engine/reply_detail.h"

namespace tessera::engine {

namespace {

// Invoices frozen in one slice at most: each builds its document (lines,
// labels; about a microsecond), so a slice pauses the shard about 2 ms.
constexpr uint32_t kAutoInvoicesPerSliceMax = 2'048;

}  // namespace

void AutoInvoicing::rules_changed() {
  if (catalog_.auto_invoicing_on()) start_sweep();
}

void AutoInvoicing::start_sweep() {
  state_.sweeping = true;
  state_.sweep_next = 0;
  state_.sweep_until_ms = now_ms_;
  next_due_known_ = false;
}

int64_t AutoInvoicing::next_due() {
  if (next_due_known_) return next_due_;
  next_due_ = std::numeric_limits<int64_t>::max();
  // A running sweep covers the departures up to its own time already: only
  // a later one restarts it (else each slice would start it again at slot 0).
  const int64_t covered = state_.sweeping ? state_.sweep_until_ms : state_.swept_until_ms;
  for (const Performance& p : stock_.performances().items()) {
    const int64_t start = p.definition.starts_at_ms;
    if (start != 0 && start > covered) next_due_ = std::min(next_due_, start);
  }
  next_due_known_ = true;
  return next_due_;
}

bool AutoInvoicing::invoice(Order& o, OrderId id, int64_t until_ms) {
  if (!o.live() || o.state != OrderState::kConfirmed || o.lines.empty()) return false;
  const auto& performances = stock_.performances().items();
  int64_t departs = 0;
  for (const OrderLine& l : o.lines) {
    const int64_t start = performances[l.performance_index].definition.starts_at_ms;
    if (start != 0 && (departs == 0 || start < departs)) departs = start;
  }
  if (departs == 0 || departs > until_ms) return false;
  if (!catalog_.auto_invoices(performances[o.lines.front().performance_index].definition.product)) return false;
  if (!desk_.freeze_departure_invoice(o, id)) return false;
  waiting_.push_back(id);
  return true;
}

void AutoInvoicing::validated(OrderId id) {
  if (!catalog_.auto_invoicing_on()) return;
  if (Order* o = book_.find(id)) (void)invoice(*o, id, now_ms_);
}

void AutoInvoicing::noted() {
  while (!waiting_.empty() && desk_.departure_invoice(waiting_.front()) == nullptr) waiting_.pop_front();
}

uint32_t AutoInvoicing::advance(uint32_t budget) {
  if (!catalog_.auto_invoicing_on()) return 0;
  budget = std::min(budget, kAutoInvoicesPerSliceMax);
  uint32_t work = 0;
  if (next_due() <= now_ms_) {
    // Orders of the newly departed performances may sit anywhere, behind
    // the cursor of a sweep already running too: start again from slot 0.
    start_sweep();
    ++work;
  }
  if (!state_.sweeping || work >= budget) return std::min(work, budget);
  OrderTable& table = book_.table();
  const uint32_t end = std::min<uint64_t>(table.slot_count(), uint64_t{state_.sweep_next} + kAutoInvoiceSlotsPerSlice);
  uint32_t slot = state_.sweep_next;
  for (; slot < end && work < budget; ++slot)
    if (invoice(table.at(slot), table.id_of(slot), state_.sweep_until_ms)) ++work;
  state_.sweep_next = slot;
  if (slot >= table.slot_count()) {
    state_.sweeping = false;
    state_.sweep_next = 0;
    state_.swept_until_ms = std::max(state_.swept_until_ms, state_.sweep_until_ms);
    next_due_known_ = false;
  }
  // A slice that only moved the cursor still changed the state: it counts,
  // so the runner logs it and replay repeats it.
  return std::max<uint32_t>(work, 1);
}

Reply AutoInvoicing::on(const GetAutoInvoices&) const {
  Invoices out;
  for (const OrderId id : waiting_) {
    const InvoiceDocument* d = desk_.departure_invoice(id);
    if (d == nullptr) continue;  // numbered since
    ++out.total;
    if (out.documents.size() < kAutoInvoicesPageMax) out.documents.push_back(*d);
  }
  Reply r;
  r.value = out.total;
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(out)});
  return r;
}

Status AutoInvoicing::restore(AutoInvoicingState state) {
  if (state.swept_until_ms < 0 || state.swept_until_ms > kTimeMsMax || state.sweep_until_ms < 0 ||
      state.sweep_until_ms > kTimeMsMax)
    return Status::invalid_argument("snapshot has an automatic invoicing time out of range");
  if (state.sweeping && state.sweep_next > book_.table().slot_count())
    return Status::invalid_argument("snapshot has an automatic invoicing sweep past the order slots");
  state_ = state;
  next_due_known_ = false;
  waiting_.clear();
  const OrderTable& table = book_.table();
  for (uint32_t slot = 0; slot < table.slot_count(); ++slot)
    if (desk_.departure_invoice(table.id_of(slot)) != nullptr) waiting_.push_back(table.id_of(slot));
  return Status();
}

}  // namespace tessera::engine
