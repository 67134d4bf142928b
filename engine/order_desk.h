// OrderDesk: the handlers of the order commands — holds, bookings, seat
// holds, extensions, conversions, confirmation (whole or partial), release,
// cancellation, archiving, reinstatement, release marks and locks. Each
// validates before it changes anything, so a refusal leaves the shard as it
// was; the state machine itself (transitions, timers, stock) is the
// OrderBook's. Every handler gets its Caller: a new order records who
// created it, and a web shop reaches only its own orders.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/order_book.h"
#include "engine/order_dossier.h"
#include "engine/order_history.h"
#include "engine/order_money.h"
#include "engine/order_record.h"
#include "engine/stock_ledger.h"

namespace tessera::engine {

class OrderDesk {
 public:
  OrderDesk(OrderBook& book, const StockLedger& stock, const Catalog& catalog, const int64_t& now_ms)
      : book_(book), stock_(stock), catalog_(catalog), now_ms_(now_ms) {
    book_.on_close([this](const Order& order, OrderId id) { on_closed(order, id); });
  }

  Reply on(const Hold& c, const Caller& who);
  Reply on(const HoldSeats& c, const Caller& who);
  Reply on(const HoldSeatsWithLines& c, const Caller& who);
  Reply on(const Book& c, const Caller& who);
  Reply on(const BookSeats& c, const Caller& who);
  Reply on(const BookSeatsWithLines& c, const Caller& who);
  Reply on(const ExtendHold& c, const Caller& who);
  Reply on(const ConvertHold& c, const Caller& who);
  Reply on(const Confirm& c, const Caller& who);
  Reply on(const Release& c, const Caller& who);
  Reply on(const Cancel& c, const Caller& who);
  Reply on(const Archive& c, const Caller& who);
  Reply on(const Reinstate& c, const Caller& who);
  Reply on(const SetReleaseMark& c, const Caller& who);
  Reply on(const SetLock& c, const Caller& who);
  Reply on(const GetOrder& c, const Caller& who) const;
  // The order page (order_pages.cc).
  Reply on(const GetOrderRecord& c, const Caller& who) const;
  Reply on(const RenderOrderPdf& c, const Caller& who) const { return on(GetOrderRecord{c.order}, who); }
  Reply on(const AddOrderNote& c, const Caller& who);
  Reply on(const SetOrderInfo& c, const Caller& who);
  Reply on(const ListOrders& c, const Caller& who) const;
  Reply on(const GetStockSummary& c, const Caller& who) const;
  Reply on(const PurgeOrderHistory& c, const Caller& who);
  // Money (order_money.cc).
  Reply on(const AddPayment& c, const Caller& who);
  Reply on(const ChangePayment& c, const Caller& who);
  Reply on(const CollectPayment& c, const Caller& who);
  Reply on(const SetCashDiscount& c, const Caller& who);
  Reply on(const SignContract& c, const Caller& who);
  Reply on(const SetOrderFee& c, const Caller& who);
  Reply on(const RemoveOrderFee& c, const Caller& who);
  // Participants, administrative file, attendance (order_dossier.cc,
  // engine/commands_dossier.h).
  Reply on(const AddParticipant& c, const Caller& who);
  Reply on(const RemoveParticipant& c, const Caller& who);
  Reply on(const SetLegalRepresentative& c, const Caller& who);
  Reply on(const AttachDocument& c, const Caller& who);
  Reply on(const CheckDocument& c, const Caller& who);
  Reply on(const GetDocument& c, const Caller& who) const;
  Reply on(const SetAttendance& c, const Caller& who);
  Reply on(const SetLinePrice& c, const Caller& who);
  // Departures, add-ons and the return city (order_trip.cc).
  Reply on(const SetAddOnQuota& c, const Caller& who);
  Reply on(const GetAddOnStock& c, const Caller& who) const;
  Reply on(const AddAddOn& c, const Caller& who);
  Reply on(const RemoveAddOn& c, const Caller& who);
  Reply on(const ChangeDeparture& c, const Caller& who);
  Reply on(const SetReturnCity& c, const Caller& who);
  // The travel book (order_travel_book.cc, engine/commands_travel_book.h).
  Reply on(const AttachDepartureBook& c, const Caller& who);
  Reply on(const AttachTravelBook& c, const Caller& who);
  Reply on(const SetTravelBookMode& c, const Caller& who);
  Reply on(const SendTravelBookMail& c, const Caller& who);
  Reply on(const GetTravelBookMails& c, const Caller& who) const;
  Reply on(const NoteTravelBookMail& c, const Caller& who);
  // The departures' convocations and the mails not noted (snapshots, the
  // state hash); restore checks a snapshot's.
  const TravelBookState& travel_books() const { return travel_books_; }
  Status restore_travel_books(TravelBookState state);
  // The add-on quotas of the shard's departures (snapshots, the state hash).
  AddOnQuotas& add_on_quotas() { return add_on_quotas_; }
  const AddOnQuotas& add_on_quotas() const { return add_on_quotas_; }
  // The participants and documents of the orders that have some
  // (snapshots and the state hash).
  DossierTable& dossiers() { return dossiers_; }
  const DossierTable& dossiers() const { return dossiers_; }
  // A new order takes the mandatory annex fees of its product (the shard
  // calls it after placing an order).
  void add_mandatory_fees(OrderId id);
  // Invoicing (order_invoices.cc).
  Reply on(const IssueInvoice& c, const Caller& who);
  Reply on(const CancelInvoice& c, const Caller& who);
  Reply on(const NoteInvoice& c, const Caller& who);
  // Cancelling a validated order (order_cancellation.cc).
  Reply on(const CancelValidated& c, const Caller& who);
  // Promo codes (order_promo.cc).
  Reply on(const ApplyPromoCode& c, const Caller& who);
  Reply on(const RemovePromoCode& c, const Caller& who);
  Reply on(const NotePromoClaim& c, const Caller& who);
  Reply on(const GetPromoReturns& c, const Caller& who) const;
  // Cashback (order_cashback.cc, engine/commands_cashback.h).
  Reply on(const ApplyCashback& c, const Caller& who);
  Reply on(const RemoveCashback& c, const Caller& who);
  Reply on(const NoteCashbackClaim& c, const Caller& who);
  Reply on(const GetCashbackReturns& c, const Caller& who) const;
  // Sponsorship (order_sponsorship.cc, engine/commands_sponsorship.h).
  Reply on(const SetSponsor& c, const Caller& who);
  Reply on(const RemoveSponsor& c, const Caller& who);
  Reply on(const NoteSponsor& c, const Caller& who);
  // The order just validated (its state became confirmed): its sponsor's
  // reward goes to the outbox, once (the Shard calls it).
  void sponsor_validated(OrderId id);
  // Pre-registrations (engine/pre_registrations.cc): the live option or
  // reservation `id` becomes `contact`'s at `level` — an option stays one
  // (an overdue one gets the configured lifetime again), an option becomes
  // a reservation, or it is confirmed. Refused, changing nothing, when the
  // contact's limit cannot take it or an overdue one's performance started.
  Reply book_for(OrderId id, ContactId contact, IntegrationLevel level, const Caller& who);
  // Payment batches (order_batches.cc, engine/commands_batches.h step 2).
  Reply on(const FreezePayments& c, const Caller& who);
  // The claims not answered yet (a start completes them), and the outbox.
  const std::vector<PromoClaim>& pending_promo_claims() const { return promo_.pending; }
  const PromoOutbox& promo_outbox() const { return promo_; }
  Status restore_promo(PromoOutbox outbox);
  void hash_promo(Hasher& h) const;
  const std::vector<CashbackClaim>& pending_cashback_claims() const { return cashback_.pending; }
  const std::vector<SponsorClaim>& pending_sponsor_claims() const { return cashback_.sponsor_pending; }
  const CashbackOutbox& cashback_outbox() const { return cashback_; }
  Status restore_cashback(CashbackOutbox outbox);
  void hash_cashback(Hasher& h) const;
  // Automatic invoicing (engine/auto_invoicing.h): freezes the invoice of
  // the validated order `o` as issued by kSystem, if it was never invoiced,
  // has nothing pending and may take a document (true); the invoice frozen
  // that way and not numbered yet (nullptr: none).
  bool freeze_departure_invoice(Order& o, OrderId id);
  const InvoiceDocument* departure_invoice(OrderId id) const;
  // The documents frozen and not yet numbered (a start completes them).
  std::vector<InvoiceDocument> pending_documents() const;
  // The money of the orders that have some (snapshots and the state hash).
  MoneyTable& money() { return money_; }
  const MoneyTable& money() const { return money_; }

  // The history of closed orders (engine/order_history.h). While kept,
  // every order that closes — and every note or information set on a closed
  // order still in memory — adds its record to the pending writes, which
  // take_history() moves out (the runner, after each command).
  void keep_history(bool on);
  bool keeps_history() const { return keep_history_; }
  void take_history(std::vector<HistoryWrite>* out) {
    for (HistoryWrite& w : history_) out->push_back(std::move(w));
    history_.clear();
  }
  // MergeContacts on this shard: the history gives every closed order of
  // `from` to `to` (the orders in memory move with OrderBook::reassign_contact).
  void reassign_history(ContactId from, ContactId to) {
    if (keep_history_) history_.push_back(HistoryWrite{false, 0, from, {}, {}, to});
  }
  // The closed orders still in memory that ListOrders `c` matches (the
  // history holds them too: a merge counts them once).
  std::vector<OrderId> closed_in_memory(const ListOrders& c) const;

 private:
  // A cart's lifetime and extension allowance: the strictest of its products.
  // Under rules 1, also the refusal of a performance that has started.
  Reply hold_limits(PerformanceId performance, const Caller& who, int64_t* lifetime_max_ms,
                    uint32_t* extensions_max) const;
  // "performance P started at T": no new order on it (rules 1).
  Reply started_refusal(const Performance& p) const;
  static Reply check_hold_ttl(int64_t ttl_ms, int64_t lifetime_max_ms);
  // The earliest start among the performances of a new order that bound
  // its deadline (0: none has a date, or every product sets
  // deadline_after_start), and under rules 1 the refusal of an order on a performance that
  // has started (engine/command.h, kRulesCurrent).
  Reply check_not_started(const SeatRequest* seats, const std::vector<LineRequest>* lines, const Caller& who,
                          int64_t* earliest_start) const;
  // A booking's deadline: `given`, or (given 0) now + the lifetime
  // configured for the product of `performance` on `channel`. Under rules 1
  // it is not after `starts_ms` (0: no date): a lifetime stops there, a
  // given deadline after it is refused.
  Reply booking_deadline(int64_t given, PerformanceId performance, ChannelId channel, BookingKind kind,
                         int64_t starts_ms, const Caller& who, int64_t* deadline) const;
  // The live order `id` as `who` may see it: a web shop (own_orders_only)
  // finds only the orders it created; any other is "not found".
  Reply find_live(OrderId id, const Caller& who, Order** order);
  // The order `id` in any state (closed ones too, until their slot is
  // reused), as `who` may see it.
  const Order* find_any(OrderId id, const Caller& who) const;
  Order* find_any(OrderId id, const Caller& who) { return const_cast<Order*>(std::as_const(*this).find_any(id, who)); }
  // An operator's single-order action adds a workflow entry only while the
  // order has fewer than kOrderWorkflowMax.
  Reply check_workflow_room(const Order& order, OrderId id) const;
  OrderRecord record_of(OrderId id, const Order& order) const;
  // Money (order_money.cc): the order's money (nullptr: none yet), its
  // sums, the rule that validates it, and the order a money command may
  // change (closed_too: a closed order still in memory, for refunds and
  // collections).
  const OrderMoney* money_of(const Order& order) const;
  OrderMoney& open_money(const Order& order);
  MoneySums sums_of(const Order& order) const;
  ValidationRule validation_rule_of(const Order& order) const;
  Reply money_order(OrderId id, const Caller& who, bool closed_too, Order** out);
  // AddPayment's and ChangePayment's checks of the payment's own fields,
  // then the order it may change (money_order).
  template <typename C>
  Reply payment_order(const C& c, const Caller& who, Order** out);
  // Who paid: the contact named, else the participant's legal
  // representative, else the order's client.
  template <typename C>
  ContactId payer_of(const Order& o, const C& c) const;
  // After a money command changed `o` (sums were `before`): the workflow's
  // payment status, the validation a payment or a signed contract brings
  // under the order's rule, and a closed order's history record again.
  void after_money_change(Order& o, OrderId id, const MoneySums& before, PrincipalId by, bool payment, bool contract);
  void fill_money(const Order& order, OrderRecord* r) const;
  // The dossier (order_dossier.cc): the order's (nullptr: none yet); the
  // order a dossier command may change (live; price_change: refused once
  // invoiced, naming the change); whether the file is complete (the
  // documents still needed into *missing); the workflow's file status after
  // a change; the order page's part; a document waiting for an operator.
  const OrderDossier* dossier_of(const Order& order) const;
  OrderDossier& open_dossier(const Order& order);
  Reply dossier_order(OrderId id, const Caller& who, const char* price_change, Order** out);
  bool file_complete(const Order& order, const OrderDossier* d, std::vector<MissingDocument>* missing) const;
  void after_dossier_change(Order& o, PrincipalId by);
  void fill_dossier(const Order& order, OrderRecord* r) const;
  bool document_alert(const Order& order) const;
  // The trip (order_trip.cc): the one performance of every line (kNone:
  // none, or several); what the add-ons and the return city add to the
  // package; the package with them (what MoneySums and promo codes count);
  // a closed order's add-ons given back; the order page's part.
  PerformanceId departure_of(const Order& order) const;
  int64_t trip_cents(const Order& order) const;
  int64_t package_of(const Order& order) const;
  void add_ons_closed(const Order& order);
  void fill_trip(const Order& order, const OrderDossier* d, OrderRecord* r) const;
  // The travel book (order_travel_book.cc): the convocations the order
  // shows (its departure's, then its own), a mail put in the outbox, a
  // workflow entry unless the workflow is full (a departure's convocation
  // tells every registration), the order page's part.
  std::vector<TravelBookLine> travel_books_of(const Order& order, const OrderDossier* d) const;
  void queue_travel_book_mail(Order& o, const std::string& book);
  void record_if_room(Order& o, WorkflowAction action, PrincipalId by, WorkflowDetail what, uint64_t arg);
  void fill_travel_book(const Order& order, const OrderDossier* d, OrderRecord* r) const;
  // Invoicing (order_invoices.cc): the refusal of `change` to an invoiced
  // order (or one whose document is being numbered); the lines a document
  // shows, and one line's label.
  Reply invoiced_refusal(const Order& order, OrderId id, const char* change) const;
  std::vector<InvoiceLine> invoice_lines(const Order& order) const;
  // A new document of the order (its next attempt, counted in `money`):
  // its lines and sums as they are now.
  InvoiceDocument freeze_document(const Order& order, OrderId id, InvoiceKind kind, PrincipalId by,
                                  OrderMoney& money) const;
  // The credit note cancelling `invoice`, the order's invoice.
  InvoiceDocument freeze_credit_note(const Order& order, OrderId id, const InvoiceRef& invoice,
                                     const std::string& reason, PrincipalId by, OrderMoney& money) const;
  std::string line_label(const OrderLine& line) const;
  void note_closed(const Order& order, OrderId id);
  // OrderBook's close observer: the history, and the promo use and the
  // cashback given back, the sponsor's reward taken back.
  void on_closed(const Order& order, OrderId id) {
    promo_closed(order, id);
    cashback_closed(order, id);
    sponsor_closed(order, id);
    add_ons_closed(order);
    if (keep_history_) note_closed(order, id);
  }
  // Promo codes (order_promo.cc): the reply showing the claim and the
  // order's sums (o nullptr: the order is gone), the order's pending claim,
  // a use given back, and a closed order's code.
  Reply promo_reply(const PromoClaim& claim, PromoState state, const Order* o) const;
  const PromoClaim* pending_claim(OrderId id) const;
  void give_back(OrderId order, uint32_t attempt, const std::string& code);
  void promo_closed(const Order& order, OrderId id);
  // Cashback (order_cashback.cc): likewise.
  Reply cashback_reply(const CashbackClaim& claim, PromoState state, const Order* o) const;
  const CashbackClaim* pending_cashback(OrderId id) const;
  void give_back_cashback(OrderId order, uint32_t attempt, int64_t cents);
  void cashback_closed(const Order& order, OrderId id);
  // Sponsorship (order_sponsorship.cc): likewise; the reward (or, < 0, its
  // taking back) put in the outbox.
  Reply sponsor_reply(const SponsorClaim& claim, PromoState state, const Order* o) const;
  const SponsorClaim* pending_sponsor(OrderId id) const;
  void reward_sponsor(OrderId id, OrderMoney& m, int64_t cents);
  void sponsor_closed(const Order& order, OrderId id);
  // The product of the order's first line (kNone: no line): the one whose
  // rules (validation, cancellation, annex fees, sponsorship) apply.
  ProductId product_of(const Order& order) const;
  // Freezes `p` of `o` into batch `batch` of `kind` (true), or finds it in
  // another batch of that kind (false); the same batch again is true.
  bool freeze_payment(Order& o, Payment& p, BatchKind kind, uint32_t batch, PrincipalId by);

  OrderBook& book_;
  const StockLedger& stock_;
  const Catalog& catalog_;
  const int64_t& now_ms_;
  bool keep_history_ = false;
  std::vector<HistoryWrite> history_;  // pending, in command order
  MoneyTable money_;
  DossierTable dossiers_;
  AddOnQuotas add_on_quotas_;
  TravelBookState travel_books_;
  PromoOutbox promo_;
  CashbackOutbox cashback_;
};

// "it is in cheque deposit 3" when a batch froze the payment, else "".
std::string frozen_reason(const Payment& p);

// "order 7 is released: <what>", refused with the order's state.
Reply wrong_state(OrderId id, const Order& o, const char* what);
// A cart, option or reservation (plain or overdue) takes or drops a
// reduction (promo code, cashback, sponsorship); a validated order keeps its reductions
// (seed 003): "<what>: a validated order keeps its reductions".
Reply reductions_fixed_refusal(OrderId id, const Order& o, const char* what);

}  // namespace tessera::engine
