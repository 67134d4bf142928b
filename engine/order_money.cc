// The money of orders: the sums (order_money.h) and OrderDesk's handlers of
// payments, refunds, collections, the cash discount and the signed contract,
// with the validation they may bring (seed 003: "Observez le changement de
// statut de la commande qui perçoit un règlement").
#include "engine/order_money.h"

#include <algorithm>

#include "engine/hash.h"
#include "engine/limits.h"
#include "engine/order_desk.h"

namespace tessera::engine {

int64_t package_cents(const Order& order) {
  int64_t total = 0;
  for (const OrderLine& l : order.lines) total += int64_t{l.unit_price_cents} * l.quantity;
  return total;
}

int64_t fee_cents(const OrderFee& fee, uint32_t units) { return fee.unit_cents * (fee.per_unit ? units : 1); }

MoneySums money_sums(int64_t package, uint32_t units, const OrderMoney* money, bool closed) {
  MoneySums s;
  s.package_cents = package;
  if (money) {
    for (const OrderFee& f : money->fees) s.fees_cents += fee_cents(f, units);
    s.cash_discount_cents = money->cash_discount_cents;
    for (const Payment& p : money->payments) {
      if (is_deferred(p.mode)) {
        s.deferred_cents += p.amount_cents;
        if (p.collected_ms == 0) s.awaiting_collection_cents += p.amount_cents;
      } else {
        s.paid_cents += p.amount_cents;
      }
    }
  }
  const int64_t after_discount = std::max<int64_t>(0, package + s.fees_cents - s.cash_discount_cents);
  if (money) {
    // The promo code's share first, then the cashback's, then the
    // sponsorship's, each within what the ones before left.
    int64_t left = after_discount;
    const int64_t promo =
        money->promo_code.empty()
            ? 0
            : std::min(left, money->promo_percent != 0 ? percent_of_cents(package, money->promo_percent)
                                                       : money->promo_amount_cents);
    left -= promo;
    s.cashback_cents = std::min(left, money->cashback_cents);
    left -= s.cashback_cents;
    s.sponsorship_cents = money->sponsor != kNone ? std::min(left, money->sponsor_reduction_cents) : 0;
    s.reduction_cents = promo + s.cashback_cents + s.sponsorship_cents;
  }
  // Closed, only a client's cancellation fee is owed.
  s.to_pay_cents = closed ? (money ? money->cancellation_fee_cents : 0) : after_discount - s.reduction_cents;
  s.balance_cents = s.to_pay_cents - s.paid_cents - s.deferred_cents;
  return s;
}

// to_pay × percent stays far below 2^63: an order's package is at most
// kOrderQuantityMax (10,000) units of at most 2^32 cents.
int64_t percent_of_cents(int64_t cents, uint32_t percent) { return (cents * percent + 50) / 100; }

// (a + b) × (10,000 + rule) stays below 2^63: a and b are at most
// kPaymentCentsMax (10^10) and the rule at most 10^5.
int64_t return_city_cents(int64_t a, int64_t b, uint32_t rule_hundredths) {
  constexpr int64_t kDenominator = 2 * 10'000;
  return ((a + b) * (10'000 + int64_t{rule_hundredths}) + kDenominator / 2) / kDenominator;
}

int64_t whole_days_before(int64_t starts_ms, int64_t now_ms) {
  return starts_ms <= now_ms ? 0 : (starts_ms - now_ms) / 86'400'000;
}

uint32_t cancellation_percent(const std::vector<CancellationStep>& scale, int64_t days_left) {
  for (const CancellationStep& step : scale)
    if (int64_t{step.days_before} <= days_left) return step.percent;
  return scale.empty() ? 0 : scale.back().percent;
}

Status check_restored(const OrderMoney& m) {
  if (m.payments.size() > kOrderPaymentsMax || m.cash_discount_cents < 0 || m.cash_discount_cents > kPaymentCentsMax)
    return Status::invalid_argument("snapshot order money out of range");
  for (size_t i = 0; i < m.payments.size(); ++i) {
    const Payment& p = m.payments[i];
    if (p.number != i + 1 || p.mode > PaymentMode::kThirdParty || p.amount_cents == 0 ||
        p.amount_cents > kPaymentCentsMax || p.amount_cents < -kPaymentCentsMax)
      return Status::invalid_argument("snapshot has a payment out of range");
  }
  if (m.fees.size() > kOrderFeesMax) return Status::invalid_argument("snapshot order money has too many annex fees");
  for (const OrderFee& f : m.fees)
    if (f.unit_cents < 0 || f.unit_cents > kPaymentCentsMax)
      return Status::invalid_argument("snapshot order money has an annex fee out of range");
  if (m.promo_claims > kOrderPromoClaimsMax || m.promo_percent > 100 || m.promo_amount_cents < 0 ||
      m.promo_amount_cents > kPaymentCentsMax || m.promo_code.size() > kPromoCodeBytesMax)
    return Status::invalid_argument("snapshot order money has a promo code out of range");
  if (m.cancelled_by > CancelledBy::kOrganiser || m.cancellation_fee_cents < 0 ||
      m.cancellation_fee_cents > kPaymentCentsMax)
    return Status::invalid_argument("snapshot order money has a cancellation out of range");
  if (m.pending.size() > kOrderPendingDocumentsMax || m.invoices.size() > kOrderDocumentsMax ||
      m.documents < m.invoices.size() + m.pending.size())
    return Status::invalid_argument("snapshot order money has documents out of range");
  return Status::ok();
}

void reassign_contact(MoneyTable& money, ContactId from, ContactId to) {
  money.for_each_entry([&](OrderId, OrderMoney& m) {
    for (Payment& p : m.payments) {
      if (p.contact == from) p.contact = to;
      if (p.participant == from) p.participant = to;
    }
    if (m.sponsor == from) m.sponsor = to;
  });
}

// ---- OrderDesk's money commands ------------------------------------------------

namespace {

Reply check_money_date(int64_t at_ms, int64_t now_ms, const char* what) {
  if (at_ms < 0 || at_ms > now_ms + kMoneyDateAheadMsMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat(what, " ", at_ms, " is more than a day ahead of now (", now_ms, ")"));
  return Reply{};
}

Reply check_money_text(const std::string& text, const char* what) {
  if (text.size() > kMoneyTextMax)
    return refuse(ReplyCode::kLimitExceeded, cat(what, " is ", text.size(), " bytes; at most ", kMoneyTextMax));
  return Reply{};
}

}  // namespace

const OrderMoney* OrderDesk::money_of(const Order& order) const {
  const uint32_t slot = book_.table().slot_of(order);
  return money_.find(slot, book_.table().id_of(slot));
}

OrderMoney& OrderDesk::open_money(const Order& order) {
  const uint32_t slot = book_.table().slot_of(order);
  return money_.open(slot, book_.table().id_of(slot));
}

MoneySums OrderDesk::sums_of(const Order& order) const {
  return money_sums(package_of(order), order.quantity(), money_of(order), !order.live());
}

Reply OrderDesk::money_order(OrderId id, const Caller& who, bool closed_too, Order** out) {
  Order* o = find_any(id, who);
  if (!o) return refuse(ReplyCode::kNotFound, cat("order ", id, " not found"));
  if (o->state == OrderState::kHeld)
    return wrong_state(id, *o, "a cart takes no payment: book it as an option or confirm it first");
  if (!closed_too && !o->live()) return wrong_state(id, *o, "a closed order takes refunds only");
  if (Reply full = check_workflow_room(*o, id); !full.ok()) return full;
  *out = o;
  return Reply{};
}

ProductId OrderDesk::product_of(const Order& order) const {
  return order.lines.empty() ? kNone
                             : stock_.performances().items()[order.lines.front().performance_index].definition.product;
}

ValidationRule OrderDesk::validation_rule_of(const Order& order) const {
  return catalog_.validation_rule(product_of(order));
}

void OrderDesk::after_money_change(Order& o, OrderId id, const MoneySums& before, PrincipalId by, bool payment,
                                   bool contract) {
  const MoneySums after = sums_of(o);
  if (before.fully_paid() != after.fully_paid())
    book_.record(o, WorkflowAction::kPaymentStatus, by,
                 after.fully_paid() ? WorkflowDetail::kFullyPaid : WorkflowDetail::kNotFullyPaid);
  if (is_booking(o.state)) {
    const ValidationRule rule = validation_rule_of(o);
    bool validates = contract && rule.on_contract;
    if (payment && rule.on_payment == ValidateOnPayment::kAnyPayment) validates = true;
    if (payment && rule.on_payment == ValidateOnPayment::kDeposit &&
        after.paid_cents + after.deferred_cents >= deposit_cents(after.to_pay_cents, rule.deposit_percent))
      validates = true;
    if (validates) {
      book_.follow_up().remove(o, id);
      book_.disarm_timer(o);
      book_.transition(o, OrderState::kConfirmed, by);
      o.locked = false;
    }
  }
  if (!o.live()) note_closed(o, id);
}

template <typename C>
Reply OrderDesk::payment_order(const C& c, const Caller& who, Order** out) {
  if (c.mode > PaymentMode::kThirdParty)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown payment mode ", static_cast<unsigned>(c.mode)));
  if (c.amount_cents == 0 || c.amount_cents > kPaymentCentsMax || c.amount_cents < -kPaymentCentsMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("amount_cents must be nonzero and at most ", kPaymentCentsMax, " either way"));
  const bool refund = c.amount_cents < 0;
  if (is_deferred(c.mode)) {
    if (refund)
      return refuse(ReplyCode::kInvalidArgument,
                    "a third-party payer's coverage is not refunded: record the refund in an immediate mode");
    if (!catalog_.has_payer(c.payer)) return refuse(ReplyCode::kNotFound, cat("payer ", c.payer, " not found"));
  } else if (c.payer != kNone) {
    return refuse(ReplyCode::kInvalidArgument, "only a third-party payment names a payer");
  }
  if (refund && c.reason.empty()) return refuse(ReplyCode::kInvalidArgument, "a refund needs a reason");
  for (auto [text, what] : {std::pair{&c.label, "the label"}, {&c.bank, "the bank"}, {&c.reason, "the reason"}})
    if (Reply bad = check_money_text(*text, what); !bad.ok()) return bad;
  if (Reply bad = check_money_date(c.received_ms, now_ms_, "received_ms"); !bad.ok()) return bad;
  Reply r = money_order(c.order, who, refund, out);
  if (!r.ok() || c.participant == kNone) return r;
  const OrderDossier* d = dossier_of(**out);
  if (!d || !d->participant(c.participant))
    return refuse(ReplyCode::kNotFound, cat("order ", c.order, " has no participant ", c.participant));
  return r;
}

template <typename C>
ContactId OrderDesk::payer_of(const Order& o, const C& c) const {
  if (c.contact != kNone) return c.contact;
  if (c.participant != kNone)
    if (const Participant* p = dossier_of(o)->participant(c.participant); p->legal_representative != kNone)
      return p->legal_representative;
  return o.contact;
}

Reply OrderDesk::on(const AddPayment& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = payment_order(c, who, &o); !bad.ok()) return bad;
  const bool refund = c.amount_cents < 0;
  const OrderMoney* money = money_of(*o);
  const size_t count = money ? money->payments.size() : 0;
  if (count >= kOrderPaymentsMax)
    return refuse(ReplyCode::kLimitExceeded, cat("order ", c.order, " has ", kOrderPaymentsMax, " payments, the most"));
  const MoneySums before = sums_of(*o);
  if (refund && before.paid_cents + c.amount_cents < 0)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("a refund of ", -c.amount_cents, " cents exceeds the ", before.paid_cents, " cents paid"));
  const uint32_t number = static_cast<uint32_t>(count + 1);
  open_money(*o).payments.push_back(
      Payment{number, c.mode, c.amount_cents, c.received_ms == 0 ? now_ms_ : c.received_ms, payer_of(*o, c), c.payer,
              c.label, c.bank, c.reason, 0, now_ms_, who.principal, 0, 0, 0, c.participant});
  book_.record(*o, WorkflowAction::kModified, who.principal,
               refund ? WorkflowDetail::kRefundAdded : WorkflowDetail::kPaymentAdded,
               uint64_t{number} << 32 | static_cast<uint8_t>(c.mode));
  after_money_change(*o, c.order, before, who.principal, !refund, false);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const ChangePayment& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = payment_order(c, who, &o); !bad.ok()) return bad;
  const bool refund = c.amount_cents < 0;
  const OrderMoney* money = money_of(*o);
  if (!money || c.payment == 0 || c.payment > money->payments.size())
    return refuse(ReplyCode::kNotFound, cat("order ", c.order, " has no payment ", c.payment));
  const Payment& old = money->payments[c.payment - 1];
  if (std::string frozen = frozen_reason(old); !frozen.empty())
    return refuse(
        ReplyCode::kInvalidState,
        cat("payment ", c.payment, " of order ", c.order, " cannot change: ", frozen,
            " (a payment in a deposit, a payout or an accounting export is frozen; record a refund instead)"));
  if ((old.amount_cents < 0) != refund)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("payment ", c.payment, " is a ", refund ? "payment" : "refund", ": it stays one (record a ",
                      refund ? "refund" : "payment", " instead)"));
  const MoneySums before = sums_of(*o);
  const int64_t paid_after =
      before.paid_cents - (is_deferred(old.mode) ? 0 : old.amount_cents) + (is_deferred(c.mode) ? 0 : c.amount_cents);
  if (paid_after < 0)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("after the change the refunds would exceed the payments by ", -paid_after, " cents"));
  Payment& p = open_money(*o).payments[c.payment - 1];
  const int64_t collected = is_deferred(c.mode) && is_deferred(p.mode) ? p.collected_ms : 0;
  p = Payment{p.number,
              c.mode,
              c.amount_cents,
              c.received_ms == 0 ? p.received_ms : c.received_ms,
              payer_of(*o, c),
              c.payer,
              c.label,
              c.bank,
              c.reason,
              collected,
              p.recorded_ms,
              p.principal,
              0,
              0,
              0,
              c.participant};
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kPaymentChanged, c.payment);
  after_money_change(*o, c.order, before, who.principal, !refund, false);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const CollectPayment& c, const Caller& who) {
  if (Reply bad = check_money_date(c.collected_ms, now_ms_, "collected_ms"); !bad.ok()) return bad;
  Order* o = nullptr;
  if (Reply bad = money_order(c.order, who, true, &o); !bad.ok()) return bad;
  const OrderMoney* money = money_of(*o);
  if (!money || c.payment == 0 || c.payment > money->payments.size())
    return refuse(ReplyCode::kNotFound, cat("order ", c.order, " has no payment ", c.payment));
  const Payment& p = money->payments[c.payment - 1];
  if (!is_deferred(p.mode))
    return refuse(ReplyCode::kInvalidArgument, cat("payment ", c.payment, " is immediate: nothing to collect"));
  if (p.collected_ms != 0)
    return refuse(ReplyCode::kDuplicate, cat("payment ", c.payment, " was collected at ", p.collected_ms));
  const int64_t at = c.collected_ms == 0 ? now_ms_ : c.collected_ms;
  if (at < p.received_ms)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("collected_ms ", at, " is before the payment was received (", p.received_ms, ")"));
  const MoneySums before = sums_of(*o);
  open_money(*o).payments[c.payment - 1].collected_ms = at;
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kPaymentCollected, c.payment);
  after_money_change(*o, c.order, before, who.principal, false, false);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const SetCashDiscount& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = money_order(c.order, who, false, &o); !bad.ok()) return bad;
  if (Reply invoiced = invoiced_refusal(*o, c.order, "its cash discount changes"); !invoiced.ok()) return invoiced;
  const MoneySums before = sums_of(*o);
  const int64_t most = before.package_cents + before.fees_cents;
  if (c.amount_cents < 0 || c.amount_cents > most)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("a cash discount must be in [0, ", most, "] cents (the order's package and fees)"));
  if (c.amount_cents == before.cash_discount_cents) return order_reply(c.order, *o);  // nothing changes
  open_money(*o).cash_discount_cents = c.amount_cents;
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kCashDiscount,
               static_cast<uint64_t>(c.amount_cents));
  after_money_change(*o, c.order, before, who.principal, false, false);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const SignContract& c, const Caller& who) {
  if (Reply bad = check_money_date(c.signed_ms, now_ms_, "signed_ms"); !bad.ok()) return bad;
  Order* o = nullptr;
  if (Reply bad = money_order(c.order, who, false, &o); !bad.ok()) return bad;
  if (const OrderMoney* money = money_of(*o); money && money->contract_signed_ms != 0)
    return refuse(ReplyCode::kDuplicate,
                  cat("order ", c.order, "'s contract was signed at ", money->contract_signed_ms));
  const MoneySums before = sums_of(*o);
  open_money(*o).contract_signed_ms = c.signed_ms == 0 ? now_ms_ : c.signed_ms;
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kContractSigned);
  after_money_change(*o, c.order, before, who.principal, false, true);
  return order_reply(c.order, *o);
}

// ---- Annex fees ---------------------------------------------------------------

namespace {

// Where `fee` stands among the order's fees (-1: not there).
int fee_index(const OrderMoney* money, AnnexFeeId fee) {
  if (money == nullptr) return -1;
  for (size_t i = 0; i < money->fees.size(); ++i)
    if (money->fees[i].fee == fee) return static_cast<int>(i);
  return -1;
}

}  // namespace

void OrderDesk::add_mandatory_fees(OrderId id) {
  Order* o = book_.find(id);
  if (o == nullptr || catalog_.annex_fees().size() == 0) return;
  const ProductId product = product_of(*o);
  for (const DefineAnnexFee& d : catalog_.annex_fees().items())
    if (d.mandatory && (d.product == kNone || d.product == product))
      open_money(*o).fees.push_back(OrderFee{d.fee, d.price_cents, d.per_unit, true});
}

Reply OrderDesk::on(const SetOrderFee& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = money_order(c.order, who, false, &o); !bad.ok()) return bad;
  if (Reply invoiced = invoiced_refusal(*o, c.order, "its fees change"); !invoiced.ok()) return invoiced;
  const DefineAnnexFee* d = catalog_.annex_fee(c.fee);
  if (d == nullptr) return refuse(ReplyCode::kNotFound, cat("annex fee ", c.fee, " not found"));
  if (d->product != kNone && d->product != product_of(*o))
    return refuse(ReplyCode::kInvalidArgument, cat("annex fee ", c.fee, " is for product ", d->product, "'s orders"));
  if (c.price_cents > kPaymentCentsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a fee's price is at most ", kPaymentCentsMax, " cents"));
  const int64_t price = c.price_cents < 0 ? d->price_cents : c.price_cents;
  const OrderMoney* money = money_of(*o);
  const int at = fee_index(money, c.fee);
  if (at >= 0 && money->fees[at].unit_cents == price) return order_reply(c.order, *o);  // nothing changes
  if (at < 0 && money && money->fees.size() >= kOrderFeesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("an order has at most ", kOrderFeesMax, " annex fees"));
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  const MoneySums before = sums_of(*o);
  OrderMoney& m = open_money(*o);
  if (at < 0) {
    m.fees.push_back(OrderFee{c.fee, price, d->per_unit, false});
  } else {
    m.fees[at].unit_cents = price;
  }
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kFeeSet,
               (uint64_t{c.fee.value()} << 32) | static_cast<uint64_t>(std::min<int64_t>(price, UINT32_MAX)));
  after_money_change(*o, c.order, before, who.principal, false, false);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const RemoveOrderFee& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = money_order(c.order, who, false, &o); !bad.ok()) return bad;
  const int at = fee_index(money_of(*o), c.fee);
  if (at < 0) return refuse(ReplyCode::kNotFound, cat("order ", c.order, " has no annex fee ", c.fee));
  if (money_of(*o)->fees[at].mandatory)
    return refuse(ReplyCode::kInvalidState, cat("annex fee ", c.fee, " is mandatory: its price may change, it stays"));
  if (Reply invoiced = invoiced_refusal(*o, c.order, "its fees change"); !invoiced.ok()) return invoiced;
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  const MoneySums before = sums_of(*o);
  OrderMoney& m = open_money(*o);
  m.fees.erase(m.fees.begin() + at);
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kFeeRemoved, c.fee.value());
  after_money_change(*o, c.order, before, who.principal, false, false);
  return order_reply(c.order, *o);
}

void OrderDesk::fill_money(const Order& order, OrderRecord* r) const {
  const OrderMoney* money = money_of(order);
  const MoneySums s = sums_of(order);
  r->cash_discount_cents = s.cash_discount_cents;
  r->to_pay_cents = s.to_pay_cents;
  r->paid_cents = s.paid_cents;
  r->deferred_cents = s.deferred_cents;
  r->awaiting_collection_cents = s.awaiting_collection_cents;
  r->balance_cents = s.balance_cents;
  r->fully_paid = s.fully_paid();
  if (money) {
    r->contract_signed_ms = money->contract_signed_ms;
    r->payments = money->payments;
    r->invoiced = money->invoice() != nullptr;
    r->invoice_pending = !money->pending.empty();
    r->invoices = money->invoices;
    r->cancelled_by = money->cancelled_by;
    r->cancellation_fee_cents = money->cancellation_fee_cents;
    r->promo_code = money->promo_code;
  }
  r->reduction_cents = s.reduction_cents;
  r->fees_cents = s.fees_cents;
  if (money)
    for (const OrderFee& f : money->fees) {
      const DefineAnnexFee* d = catalog_.annex_fee(f.fee);
      const uint32_t quantity = f.per_unit ? order.quantity() : 1;
      r->fees.push_back(OrderFeeLine{f.fee, d ? d->name : cat("fee ", f.fee), quantity, f.unit_cents,
                                     fee_cents(f, order.quantity()), f.mandatory});
    }
  r->promo_pending = pending_claim(r->order) != nullptr;
  if (money) r->cashback_cents = money->cashback_cents;
  r->cashback_pending = pending_cashback(r->order) != nullptr;
  if (money) {
    r->sponsor = money->sponsor;
    r->sponsorship_cents = s.sponsorship_cents;
    r->sponsor_reward_cents = money->sponsor != kNone ? money->sponsor_reward_cents : 0;
    r->sponsor_rewarded = money->sponsor_rewarded;
  }
  r->sponsor_pending = pending_sponsor(r->order) != nullptr;
}

}  // namespace tessera::engine
