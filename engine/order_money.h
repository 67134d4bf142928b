// The money of orders (seed 003: the order summary and "Onglet Règlement"):
// the sums the order page shows, and the table keeping the money of the
// orders that have some, beside the order table (most orders have none, so
// neither the hot Order nor its cold part grows).
//
// Every amount is integer cents of the organisation's one currency. The
// sums add and subtract only; the one division is the deposit:
//   package  = Σ quantity × unit price of the order's lines
//   reduction= the promo code's (engine/commands_promo.h): its amount, or
//              percent × package / 100 half up to the cent (the fees take
//              no promo), plus the cashback taken (engine/commands_cashback.h),
//              plus the sponsorship's (engine/commands_sponsorship.h), each
//              within what package + fees − cash discount leaves after the
//              ones before
//   fees     = Σ the order's annex fees (× its units for a per-unit fee)
//   to_pay   = package + fees − cash discount − reduction (a discount is at
//              most package + fees; if lines leave later, to_pay stops at 0); once the order is
//              closed (released, expired, archived, cancelled: nothing was
//              sold, so what was paid is owed back), 0 or the fee of a
//              client's cancellation (CancelValidated)
//   paid     = Σ immediate payments (transfer, cheque, cash, card), refunds
//              (negative) deducted
//   deferred = Σ third-party payers' coverage: counted as paid at once
//   awaiting = Σ deferred payments not collected yet ("encaissement en attente")
//   balance  = to_pay − paid − deferred; below 0 the organisation owes the
//              client the difference
//   fully paid ("soldé") = balance <= 0
//   deposit  = to_pay × percent / 100 rounded half up to the cent
//              (deposit_cents): 33 % of 100.01 is 33.00, of 100.02 is 33.01
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <tuple>
#include <vector>

#include "base/status.h"
#include "engine/commands_cashback.h"
#include "engine/commands_promo.h"
#include "engine/commands_sponsorship.h"
#include "engine/ids.h"
#include "engine/order.h"
#include "engine/order_record.h"
#include "engine/slot_table.h"

namespace tessera::engine {

class Hasher;

struct MoneySums {
  int64_t package_cents = 0;
  int64_t fees_cents = 0;  // the annex fees
  int64_t cash_discount_cents = 0;
  int64_t reduction_cents = 0;
  int64_t cashback_cents = 0;     // the cashback's share of the reduction
  int64_t sponsorship_cents = 0;  // the sponsorship's share (the rest is the promo code's)
  int64_t to_pay_cents = 0;
  int64_t paid_cents = 0;
  int64_t deferred_cents = 0;
  int64_t awaiting_collection_cents = 0;
  int64_t balance_cents = 0;
  bool fully_paid() const { return balance_cents <= 0; }
};

// The sums of an order of `units` whose lines add up to package_cents
// (money nullptr: no payment, fee or discount yet); `closed`: nothing is to
// pay.
MoneySums money_sums(int64_t package_cents, uint32_t units, const OrderMoney* money, bool closed);
// What an annex fee of the order costs: its price, × the order's units
// when it is per unit.
int64_t fee_cents(const OrderFee& fee, uint32_t units);
// cents × percent / 100, rounded half up to the cent (cents >= 0, percent
// in [0, 100]): the deposit threshold, a cancellation fee, a commission.
int64_t percent_of_cents(int64_t cents, uint32_t percent);
inline int64_t deposit_cents(int64_t to_pay_cents, uint32_t percent) { return percent_of_cents(to_pay_cents, percent); }
// The return-city rule: (a + b) / 2 × (1 + rule_hundredths / 10,000),
// rounded half up to the cent (a, b >= 0): 50.00 and 20.00 at 20 % (2000)
// is 42.00; 0.01 and 0.02 at 0 is 0.015, so 0.02.
int64_t return_city_cents(int64_t round_trip_a_cents, int64_t round_trip_b_cents, uint32_t rule_hundredths);
// Whole 24-hour days from now_ms until starts_ms (0 once it has started).
int64_t whole_days_before(int64_t starts_ms, int64_t now_ms);
// The percent of the first step of `scale` (most days first) whose
// days_before is at most days_left (0 for an empty scale).
uint32_t cancellation_percent(const std::vector<CancellationStep>& scale, int64_t days_left);
// Σ quantity × unit price of the order's lines.
int64_t package_cents(const Order& order);

// A shard's promo claims the register has not answered (at most one per
// order) and its outbox of uses given back (seq = position + 1):
// engine/commands_promo.h.
struct PromoOutbox {
  std::vector<PromoClaim> pending;
  std::vector<PromoReturn> returns;
  bool empty() const { return pending.empty() && returns.empty(); }
  auto fields() const { return std::tie(pending, returns); }
};

// A shard's cashback claims the directory has not answered (at most one per
// order) and its outbox of claims given back (seq = position + 1):
// engine/commands_cashback.h.
// The same outbox carries sponsors' rewards (engine/commands_sponsorship.h),
// and the shard's sponsor claims the directory has not answered.
struct CashbackOutbox {
  std::vector<CashbackClaim> pending;
  std::vector<CashbackReturn> returns;
  std::vector<SponsorClaim> sponsor_pending;  // appended: at most one per order
  bool empty() const { return pending.empty() && returns.empty() && sponsor_pending.empty(); }
  static constexpr size_t kHashedAlways = 2;  // engine/hash.h
  auto fields() const { return std::tie(pending, returns, sponsor_pending); }
};

// The money of the orders that have some, by slot (engine/slot_table.h).
using MoneyTable = SlotTable<OrderMoney>;
// A snapshot's money of one order within range (MoneyTable::restore).
Status check_restored(const OrderMoney& m);
// MergeContacts: the payments `from` made, and the orders `from`
// sponsored, name `to`.
void reassign_contact(MoneyTable& money, ContactId from, ContactId to);

}  // namespace tessera::engine
