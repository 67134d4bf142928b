// AutoInvoicing: a validated order nobody invoiced by hand is invoiced on
// its departure (seed 003: "Dans le cas où la commande n'aurait pas été
// facturée manuellement, le processus de facturation automatique
// s'enclenche en date de départ"), for the products SetAutoInvoicing
// enables (engine/commands_invoices.h).
//
// An order's departure is the earliest start among its performances (an
// order without a dated performance never departs). Once now reaches a
// performance's start, Advance sweeps the order slots, in slices as
// OrderRetention does, and freezes an invoice — IssueInvoice's step 1, by
// kSystem — for every order that
//   - is live and validated (confirmed),
//   - has departed by the sweep's time,
//   - was never invoiced and has no document pending (an order de-invoiced
//     by hand is the operator's to invoice again),
//   - is of a product whose rule enables it.
// An order validated after its departure is invoiced by the command that
// validates it (the Shard), and enabling a rule sweeps at once.
//
// The server's pump reads the invoices frozen this way (GetAutoInvoices)
// and has them numbered and rendered, as IssueInvoice's are
// (runtime/shard_set_invoices.cc); a stop leaves them pending and the next
// start numbers them.
//
// Determinism: everything happens inside logged commands (Advance, the
// rule, the validating command), so replay repeats it. State (a snapshot
// section, hashed once used): how far departures were swept, and the
// running sweep. The invoices waiting for the pump are derived (the
// pending documents frozen by kSystem) and rebuilt on restore.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <deque>
#include <tuple>

#include "base/status.h"
#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/order_book.h"
#include "engine/order_desk.h"
#include "engine/stock_ledger.h"

namespace tessera::engine {

inline constexpr uint32_t kAutoInvoiceSlotsPerSlice = 16'384;

// The snapshot image of the automatic invoicing.
struct AutoInvoicingState {
  int64_t swept_until_ms = 0;  // every departure up to this instant was swept (0: none yet)
  int64_t sweep_until_ms = 0;  // the running sweep's: orders departed by then
  uint32_t sweep_next = 0;     // the running sweep's next slot
  bool sweeping = false;
  auto fields() const { return std::tie(swept_until_ms, sweep_until_ms, sweep_next, sweeping); }
  bool unused() const { return swept_until_ms == 0 && !sweeping; }
};

class AutoInvoicing {
 public:
  AutoInvoicing(OrderBook& book, OrderDesk& desk, const StockLedger& stock, const Catalog& catalog,
                const int64_t& now_ms)
      : book_(book), desk_(desk), stock_(stock), catalog_(catalog), now_ms_(now_ms) {}

  // A rule was set: the departed orders are swept now (nothing when no rule
  // enables automatic invoicing).
  void rules_changed();
  // A performance was defined or redefined: the next departure is computed
  // again.
  void performances_changed() { next_due_known_ = false; }
  // Order `id` was just validated: invoiced now if it already departed.
  void validated(OrderId id);
  // NoteInvoice numbered one of the order's documents: the invoices waiting
  // for the pump drop the ones numbered.
  void noted();

  // One slice: starts a sweep when a departure is due, then sweeps at most
  // kAutoInvoiceSlotsPerSlice slots, invoicing at most `budget` orders.
  // Returns the work done (0: nothing changed); == budget means more may be
  // due.
  uint32_t advance(uint32_t budget);

  // GetAutoInvoices: the invoices frozen here and not numbered yet.
  Reply on(const GetAutoInvoices& c) const;

  const AutoInvoicingState& state() const { return state_; }
  // Snapshot: takes the state read (checked against the order slots), and
  // the invoices waiting for the pump from the orders' pending documents.
  Status restore(AutoInvoicingState state);

 private:
  // The earliest start after swept_until_ms among the performances
  // (INT64_MAX: none), computed again when unknown.
  int64_t next_due();
  // Freezes the invoice of order `id` (in `o`) if it qualifies at until_ms.
  bool invoice(Order& o, OrderId id, int64_t until_ms);
  void start_sweep();

  OrderBook& book_;
  OrderDesk& desk_;
  const StockLedger& stock_;
  const Catalog& catalog_;
  const int64_t& now_ms_;
  AutoInvoicingState state_;
  int64_t next_due_ = 0;
  bool next_due_known_ = false;
  std::deque<OrderId> waiting_;  // derived: orders whose invoice was frozen here, oldest first
};

}  // namespace tessera::engine
