// Invoicing on the order's shard (engine/commands_invoices.h): the pending
// documents an IssueInvoice, CancelInvoice or CancelValidated freezes, the
// number NoteInvoice brings, and the lock an invoice puts on the order's
// price.
#include <algorithm>
#include <optional>

#include "engine/limits.h"
#include "engine/order_desk.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

namespace {

Reply pending_reply(const std::vector<InvoiceDocument>& documents, std::string message) {
  Reply r;
  r.value = 0;
  r.detail = std::make_shared<const ReplyDetail>(
      ReplyDetail{Invoices{documents, static_cast<uint32_t>(documents.size()), {}, {}, {}}});
  r.message = std::move(message);
  return r;
}

Reply pending_reply(const InvoiceDocument& d) {
  return pending_reply({d}, cat(invoice_kind_name(d.kind), " of order ", d.order, " frozen; the register numbers it"));
}

std::string document_name(InvoiceKind kind, uint32_t year, uint32_t number) {
  return cat(invoice_kind_name(kind), " ", year, "-", number);
}

Reply being_numbered(const InvoiceDocument& pending, OrderId id) {
  return refuse(ReplyCode::kBusy,
                cat("order ", id, "'s ", invoice_kind_name(pending.kind), " is being numbered: retry in a moment"));
}

Reply documents_left(const OrderMoney& money, OrderId id, uint32_t needed = 1) {
  if (money.documents + needed <= kOrderDocumentsMax) return Reply{};
  return refuse(ReplyCode::kLimitExceeded, cat("order ", id, " has had ", kOrderDocumentsMax, " documents, the most"));
}

}  // namespace

const char* invoice_kind_name(InvoiceKind kind) {
  switch (kind) {
    case InvoiceKind::kInvoice:
      return "invoice";
    case InvoiceKind::kCreditNote:
      return "credit note";
    case InvoiceKind::kCancellationInvoice:
      return "cancellation invoice";
    case InvoiceKind::kCommissionInvoice:
      return "commission invoice";
  }
  return "document";
}

const char* invoice_kind_slug(InvoiceKind kind) {
  switch (kind) {
    case InvoiceKind::kInvoice:
      return "invoice";
    case InvoiceKind::kCreditNote:
      return "credit-note";
    case InvoiceKind::kCancellationInvoice:
      return "cancellation-invoice";
    case InvoiceKind::kCommissionInvoice:
      return "commission-invoice";
  }
  return "document";
}

InvoiceDocument OrderDesk::freeze_document(const Order& o, OrderId id, InvoiceKind kind, PrincipalId by,
                                           OrderMoney& money) const {
  const MoneySums sums = sums_of(o);
  InvoiceDocument d;
  d.kind = kind;
  d.order = id;
  d.attempt = ++money.documents;
  d.issued_ms = now_ms_;
  d.principal = by;
  d.contact = o.contact;
  d.lines = invoice_lines(o);
  d.package_cents = sums.package_cents + sums.fees_cents;  // the fees are lines of their own
  d.cash_discount_cents = sums.cash_discount_cents;
  d.reduction_cents = sums.reduction_cents;
  d.promo_code = money.promo_code;
  d.cashback_cents = sums.cashback_cents;  // the shares, within the reduction (engine/order_money.h)
  d.sponsorship_cents = sums.sponsorship_cents;
  d.total_cents = sums.to_pay_cents;
  d.paid_cents = sums.paid_cents + sums.deferred_cents;
  return d;
}

Reply OrderDesk::invoiced_refusal(const Order& order, OrderId id, const char* change) const {
  const OrderMoney* money = money_of(order);
  if (!money) return Reply{};
  if (!money->pending.empty()) return being_numbered(money->pending.front(), id);
  if (const InvoiceRef* inv = money->invoice())
    return refuse(ReplyCode::kInvalidState,
                  cat("order ", id, " is invoiced (", document_name(inv->kind, inv->year, inv->number), "): ", change,
                      " once it is de-invoiced (CancelInvoice issues the credit note)"));
  return Reply{};
}

std::vector<InvoiceLine> OrderDesk::invoice_lines(const Order& o) const {
  std::vector<InvoiceLine> out;
  const auto& performances = stock_.performances().items();
  for (const OrderLine& l : o.lines) {
    const Performance& p = performances[l.performance_index];
    std::string label = line_label(l);
    // Seats of one performance, category, tariff and price are one line.
    auto same = std::find_if(out.begin(), out.end(), [&](const InvoiceLine& x) {
      return x.unit_cents == l.unit_price_cents && x.starts_ms == p.definition.starts_at_ms && x.label == label;
    });
    if (same != out.end()) {
      same->quantity += l.quantity;
      same->amount_cents = same->unit_cents * same->quantity;
      continue;
    }
    out.push_back(InvoiceLine{std::move(label), l.quantity, int64_t{l.unit_price_cents},
                              int64_t{l.unit_price_cents} * l.quantity, p.definition.starts_at_ms});
  }
  // The annex fees, each a line of its own (no date).
  if (const OrderMoney* money = money_of(o))
    for (const OrderFee& f : money->fees) {
      const DefineAnnexFee* d = catalog_.annex_fee(f.fee);
      const uint32_t quantity = f.per_unit ? o.quantity() : 1;
      out.push_back(
          InvoiceLine{d ? d->name : cat("annex fee ", f.fee), quantity, f.unit_cents, fee_cents(f, o.quantity()), 0});
    }
  // The trip: the return to another city (per unit), then the add-ons (one
  // line per add-on and price).
  if (const OrderDossier* d = dossier_of(o)) {
    if (d->return_supplement_cents != 0) {
      const DefineDeparture* back = catalog_.departure(d->return_departure);
      out.push_back(InvoiceLine{cat("Return to ", back ? back->city : cat("departure ", d->return_departure)),
                                o.quantity(), d->return_supplement_cents, d->return_supplement_cents * o.quantity(),
                                0});
    }
    const size_t fixed = out.size();
    for (const Participant& p : d->participants)
      for (const SelectedAddOn& a : p.add_ons) {
        const DefineAddOn* known = catalog_.add_on(a.addon);
        std::string label = known ? known->name : cat("add-on ", a.addon);
        auto same = std::find_if(out.begin() + static_cast<ptrdiff_t>(fixed), out.end(), [&](const InvoiceLine& x) {
          return x.unit_cents == a.price_cents && x.label == label;
        });
        if (same != out.end()) {
          ++same->quantity;
          same->amount_cents += a.price_cents;
        } else {
          out.push_back(InvoiceLine{std::move(label), 1, a.price_cents, a.price_cents, 0});
        }
      }
  }
  return out;
}

std::string OrderDesk::line_label(const OrderLine& l) const {
  const Performance& p = stock_.performances().items()[l.performance_index];
  const Product* product = catalog_.product(p.definition.product);
  const Tariff* tariff = catalog_.tariff(l.tariff);
  std::string label = product ? product->definition.name : cat("performance ", l.performance);
  const std::string& category = catalog_.category_name(l.category);
  label += cat(" - ", category.empty() ? cat("category ", l.category) : category);
  label += cat(" - ", tariff ? tariff->name : cat("tariff ", l.tariff));
  return label;
}

Reply OrderDesk::on(const IssueInvoice& c, const Caller& who) {
  Order* o = find_any(c.order, who);
  if (!o) return refuse(ReplyCode::kNotFound, cat("order ", c.order, " not found"));
  if (const OrderMoney* money = money_of(*o)) {
    if (!money->pending.empty()) {
      if (money->pending.size() == 1 && money->pending.front().kind == InvoiceKind::kInvoice)
        return pending_reply(money->pending.front());  // a retry
      return being_numbered(money->pending.front(), c.order);
    }
    if (const InvoiceRef* inv = money->invoice())
      return refuse(ReplyCode::kDuplicate,
                    cat("order ", c.order, " is invoiced (", document_name(inv->kind, inv->year, inv->number),
                        "): de-invoice it to invoice it again"));
    if (Reply full = documents_left(*money, c.order); !full.ok()) return full;
  }
  if (!o->live() || o->state != OrderState::kConfirmed)
    return wrong_state(c.order, *o, "only a validated (confirmed) order is invoiced");
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  OrderMoney& money = open_money(*o);
  InvoiceDocument d = freeze_document(*o, c.order, InvoiceKind::kInvoice, who.principal, money);
  money.pending.push_back(d);
  return pending_reply(d);
}

bool OrderDesk::freeze_departure_invoice(Order& o, OrderId id) {
  if (const OrderMoney* money = money_of(o)) {
    if (!money->pending.empty() || !documents_left(*money, id).ok()) return false;
    if (std::any_of(money->invoices.begin(), money->invoices.end(),
                    [](const InvoiceRef& r) { return r.kind == InvoiceKind::kInvoice; }))
      return false;  // invoiced once: by hand, or already on its departure
  }
  if (!check_workflow_room(o, id).ok()) return false;
  OrderMoney& money = open_money(o);
  money.pending.push_back(freeze_document(o, id, InvoiceKind::kInvoice, kSystem, money));
  return true;
}

const InvoiceDocument* OrderDesk::departure_invoice(OrderId id) const {
  const Order* o = book_.find(id);
  const OrderMoney* money = o ? money_of(*o) : nullptr;
  if (money == nullptr) return nullptr;
  for (const InvoiceDocument& d : money->pending)
    if (d.kind == InvoiceKind::kInvoice && d.principal == kSystem) return &d;
  return nullptr;
}

Reply OrderDesk::on(const CancelInvoice& c, const Caller& who) {
  if (c.reason.empty())
    return refuse(ReplyCode::kInvalidArgument, "de-invoicing needs a reason (it is on the credit note)");
  if (c.reason.size() > kMoneyTextMax)
    return refuse(ReplyCode::kLimitExceeded, cat("the reason is ", c.reason.size(), " bytes; at most ", kMoneyTextMax));
  Order* o = find_any(c.order, who);
  if (!o) return refuse(ReplyCode::kNotFound, cat("order ", c.order, " not found"));
  const OrderMoney* current = money_of(*o);
  if (current && !current->pending.empty()) {
    const InvoiceDocument& p = current->pending.front();
    if (current->pending.size() == 1 && current->cancelled_by == CancelledBy::kNobody &&
        p.kind == InvoiceKind::kCreditNote && p.reason == c.reason)
      return pending_reply(p);  // a retry
    return being_numbered(p, c.order);
  }
  const InvoiceRef* inv = current ? current->invoice() : nullptr;
  if (!inv) return refuse(ReplyCode::kInvalidState, cat("order ", c.order, " is not invoiced: nothing to cancel"));
  if (Reply full = documents_left(*current, c.order); !full.ok()) return full;
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  const InvoiceRef cancelled = *inv;
  OrderMoney& money = open_money(*o);
  InvoiceDocument d = freeze_credit_note(*o, c.order, cancelled, c.reason, who.principal, money);
  money.pending.push_back(d);
  return pending_reply(d);
}

InvoiceDocument OrderDesk::freeze_credit_note(const Order& o, OrderId id, const InvoiceRef& cancelled,
                                              const std::string& reason, PrincipalId by, OrderMoney& money) const {
  InvoiceDocument d = freeze_document(o, id, InvoiceKind::kCreditNote, by, money);
  // The invoice's lines and sums again: an invoiced order's lines and
  // discount cannot change (the lock), so they are the invoice's. Should
  // they differ, one line stands for the whole invoice.
  if (d.total_cents != cancelled.total_cents) {
    d.lines = {InvoiceLine{cat("Cancels ", document_name(cancelled.kind, cancelled.year, cancelled.number)), 1,
                           cancelled.total_cents, cancelled.total_cents, 0}};
    d.package_cents = cancelled.total_cents;
    d.cash_discount_cents = 0;
    d.reduction_cents = d.cashback_cents = d.sponsorship_cents = 0;
    d.promo_code.clear();
    d.total_cents = cancelled.total_cents;
  }
  d.cancels_year = cancelled.year;
  d.cancels_number = cancelled.number;
  d.reason = reason;
  return d;
}

Reply OrderDesk::on(const NoteInvoice& c, const Caller& who) {
  Order* o = find_any(c.order, who);
  if (!o) return refuse(ReplyCode::kNotFound, cat("order ", c.order, " not found"));
  const OrderMoney* current = money_of(*o);
  if (current) {
    for (const InvoiceRef& r : current->invoices)
      if (r.attempt == c.attempt) {
        if (r.kind == c.kind && r.year == c.year && r.number == c.number) return order_reply(c.order, *o);  // again
        return refuse(ReplyCode::kDuplicate, cat("order ", c.order, "'s document ", c.attempt, " was numbered ",
                                                 document_name(r.kind, r.year, r.number)));
      }
  }
  const auto pending =
      current ? std::find_if(current->pending.begin(), current->pending.end(),
                             [&](const InvoiceDocument& d) { return d.attempt == c.attempt && d.kind == c.kind; })
              : std::vector<InvoiceDocument>::const_iterator{};
  if (!current || pending == current->pending.end())
    return refuse(ReplyCode::kNotFound,
                  cat("order ", c.order, " has no pending document ", c.attempt, " of this kind"));
  if (c.number == 0 || c.year < kInvoiceYearMin || c.year > kInvoiceYearMax)
    return refuse(ReplyCode::kInvalidArgument, "a numbered document has a year and a number");
  OrderMoney& money = open_money(*o);
  const auto at = money.pending.begin() + (pending - current->pending.begin());
  const InvoiceDocument d = std::move(*at);
  money.pending.erase(at);
  money.invoices.push_back(InvoiceRef{d.kind, c.year, c.number, d.attempt, d.issued_ms, d.total_cents});
  static constexpr WorkflowDetail kIssued[] = {WorkflowDetail::kInvoiceIssued, WorkflowDetail::kCreditNoteIssued,
                                               WorkflowDetail::kCancellationInvoiceIssued,
                                               WorkflowDetail::kCommissionInvoiceIssued};
  // Recorded as the principal who issued it: the note is the server's step.
  book_.record(*o, WorkflowAction::kInvoicing, d.principal, kIssued[static_cast<size_t>(c.kind)],
               uint64_t{c.year} << 32 | c.number);
  if (!o->live()) note_closed(*o, c.order);
  return order_reply(c.order, *o);
}

// ---- Cancelling a validated order (engine/commands_money.h) --------------------

Reply OrderDesk::on(const CancelValidated& c, const Caller& who) {
  if (c.by != CancelledBy::kClient && c.by != CancelledBy::kOrganiser)
    return refuse(ReplyCode::kInvalidArgument, "a cancellation is by the client or by the organiser");
  if (c.reason.empty())
    return refuse(ReplyCode::kInvalidArgument, "a cancellation needs a reason (it is on its documents)");
  if (c.reason.size() > kMoneyTextMax)
    return refuse(ReplyCode::kLimitExceeded, cat("the reason is ", c.reason.size(), " bytes; at most ", kMoneyTextMax));
  Order* o = find_any(c.order, who);
  if (!o) return refuse(ReplyCode::kNotFound, cat("order ", c.order, " not found"));
  const char* by = c.by == CancelledBy::kClient ? "the client" : "the organiser";
  if (const OrderMoney* current = money_of(*o)) {
    if (current->cancelled_by == c.by && !current->pending.empty())  // a retry: number what is left
      return pending_reply(current->pending, cat("order ", c.order, " is cancelled by ", by, "; ",
                                                 current->pending.size(), " documents left to number"));
    if (!current->pending.empty()) return being_numbered(current->pending.front(), c.order);
    if (current->cancelled_by != CancelledBy::kNobody)
      return refuse(ReplyCode::kDuplicate,
                    cat("order ", c.order, " was cancelled by ",
                        current->cancelled_by == CancelledBy::kClient ? "the client" : "the organiser"));
  }
  if (!o->live() || o->state != OrderState::kConfirmed)
    return wrong_state(c.order, *o, "only a validated (confirmed) order is cancelled by the client or the organiser");
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;

  const auto& performances = stock_.performances().items();
  int64_t starts_ms = 0;
  for (const OrderLine& l : o->lines) {
    const int64_t at = performances[l.performance_index].definition.starts_at_ms;
    if (at != 0 && (starts_ms == 0 || at < starts_ms)) starts_ms = at;
  }
  const SetCancellationTerms terms = catalog_.cancellation_terms(product_of(*o));
  const MoneySums before = sums_of(*o);
  const int64_t days = whole_days_before(starts_ms, now_ms_);
  const uint32_t percent = c.by == CancelledBy::kClient ? cancellation_percent(terms.scale, days) : 0;
  const int64_t fee = percent_of_cents(before.to_pay_cents, percent);
  const int64_t commission =
      c.by == CancelledBy::kOrganiser ? percent_of_cents(before.to_pay_cents, terms.commission_percent) : 0;

  const OrderMoney* current = money_of(*o);
  const InvoiceRef* invoice = current ? current->invoice() : nullptr;
  const uint32_t needed =
      (invoice ? 1 : 0) + (c.by == CancelledBy::kOrganiser || fee > 0 ? 1 : 0) + (commission > 0 ? 1 : 0);
  if (current)
    if (Reply full = documents_left(*current, c.order, needed); !full.ok()) return full;

  const std::optional<InvoiceRef> cancelled = invoice ? std::optional<InvoiceRef>(*invoice) : std::nullopt;
  OrderMoney& money = open_money(*o);
  std::vector<InvoiceDocument> documents;
  if (cancelled) documents.push_back(freeze_credit_note(*o, c.order, *cancelled, c.reason, who.principal, money));
  // What the cancellation bills, as one line (the client's fee, or 0).
  auto billing = [&](InvoiceKind kind, std::string label, int64_t cents) {
    InvoiceDocument d = freeze_document(*o, c.order, kind, who.principal, money);
    d.lines = {InvoiceLine{std::move(label), 1, cents, cents, starts_ms}};
    d.package_cents = d.total_cents = cents;
    d.cash_discount_cents = 0;
    d.reduction_cents = d.cashback_cents = d.sponsorship_cents = 0;  // the fee takes no reduction
    d.promo_code.clear();
    d.reason = c.reason;
    return d;
  };
  // "120.00": the labels are the engine's, in no language's number format.
  const std::string base =
      cat(before.to_pay_cents / 100, before.to_pay_cents % 100 < 10 ? ".0" : ".", before.to_pay_cents % 100);
  if (c.by == CancelledBy::kClient && fee > 0)
    documents.push_back(billing(InvoiceKind::kCancellationInvoice,
                                cat("Cancellation fee ", percent, " % x ", base, " (", days, " days before the start)"),
                                fee));
  if (c.by == CancelledBy::kOrganiser)
    documents.push_back(billing(InvoiceKind::kCancellationInvoice, "Cancelled by the organiser: nothing is owed", 0));
  if (commission > 0) {
    InvoiceDocument d = billing(
        InvoiceKind::kCommissionInvoice,
        cat("Commission ", terms.commission_percent, " % x ", base, " (order ", c.order.value(), ")"), commission);
    d.contact = kNone;  // the organiser, not the client
    d.billed_to = terms.organiser;
    d.paid_cents = 0;
    documents.push_back(std::move(d));
  }
  money.cancelled_by = c.by;
  money.cancellation_fee_cents = fee;
  for (const InvoiceDocument& d : documents) money.pending.push_back(d);

  book_.record(
      *o, WorkflowAction::kModified, who.principal,
      c.by == CancelledBy::kClient ? WorkflowDetail::kCancelledByClient : WorkflowDetail::kCancelledByOrganiser,
      static_cast<uint64_t>(c.by == CancelledBy::kClient ? fee : commission));
  const MoneySums after = money_sums(before.package_cents, o->quantity(), &money, true);
  if (before.fully_paid() != after.fully_paid())
    book_.record(*o, WorkflowAction::kPaymentStatus, who.principal,
                 after.fully_paid() ? WorkflowDetail::kFullyPaid : WorkflowDetail::kNotFullyPaid);
  book_.close(*o, c.order, OrderState::kCancelled, who.principal);  // stock returns; the history keeps it
  Reply r = pending_reply(documents, cat("order ", c.order, " cancelled by ", by, ": ",
                                         c.by == CancelledBy::kClient ? cat("fee ", fee, " cents (", percent, " %, ",
                                                                            days, " days before the start)")
                                                                      : cat("commission ", commission, " cents"),
                                         "; balance ", after.balance_cents, " cents"));
  return r;
}

std::vector<InvoiceDocument> OrderDesk::pending_documents() const {
  std::vector<InvoiceDocument> out;
  for (const MoneyTable::Entry& e : money_.current(book_.table()))
    for (const InvoiceDocument& d : e.value.pending) out.push_back(d);
  return out;
}

}  // namespace tessera::engine
