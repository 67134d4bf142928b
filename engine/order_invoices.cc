// Invoicing on the order's shard (engine/commands_invoices.h): the pending
// document an IssueInvoice or CancelInvoice freezes, the number NoteInvoice
// brings, and the lock an invoice puts on the order's price.
#include <algorithm>

#include "engine/limits.h"
#include "engine/order_desk.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

namespace {

Reply pending_reply(const InvoiceDocument& d) {
  Reply r;
  r.value = 0;
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{Invoices{{d}, 1, {}, {}}});
  r.message = cat(d.kind == InvoiceKind::kInvoice ? "invoice" : "credit note", " of order ", d.order,
                  " frozen; the register numbers it");
  return r;
}

std::string document_name(InvoiceKind kind, uint32_t year, uint32_t number) {
  return cat(kind == InvoiceKind::kInvoice ? "invoice " : "credit note ", year, "-", number);
}

Reply being_numbered(const InvoiceDocument& pending, OrderId id) {
  return refuse(ReplyCode::kBusy,
                cat("order ", id, "'s ", pending.kind == InvoiceKind::kInvoice ? "invoice" : "credit note",
                    " is being numbered: retry in a moment"));
}

Reply documents_left(const OrderMoney& money, OrderId id) {
  if (money.documents < kOrderDocumentsMax) return Reply{};
  return refuse(ReplyCode::kLimitExceeded, cat("order ", id, " has had ", kOrderDocumentsMax, " documents, the most"));
}

}  // namespace

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
  d.package_cents = sums.package_cents;
  d.cash_discount_cents = sums.cash_discount_cents;
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
      if (money->pending.front().kind == InvoiceKind::kInvoice)
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
    if (p.kind == InvoiceKind::kCreditNote && p.reason == c.reason) return pending_reply(p);  // a retry
    return being_numbered(p, c.order);
  }
  const InvoiceRef* inv = current ? current->invoice() : nullptr;
  if (!inv) return refuse(ReplyCode::kInvalidState, cat("order ", c.order, " is not invoiced: nothing to cancel"));
  if (Reply full = documents_left(*current, c.order); !full.ok()) return full;
  if (Reply full = check_workflow_room(*o, c.order); !full.ok()) return full;
  const InvoiceRef cancelled = *inv;
  OrderMoney& money = open_money(*o);
  InvoiceDocument d = freeze_document(*o, c.order, InvoiceKind::kCreditNote, who.principal, money);
  // The invoice's lines and sums again: an invoiced order's lines and
  // discount cannot change (the lock), so they are the invoice's. Should
  // they differ, one line stands for the whole invoice.
  if (!o->live() || d.total_cents != cancelled.total_cents) {
    d.lines = {InvoiceLine{cat("Cancels ", document_name(cancelled.kind, cancelled.year, cancelled.number)), 1,
                           cancelled.total_cents, cancelled.total_cents, 0}};
    d.package_cents = cancelled.total_cents;
    d.cash_discount_cents = 0;
    d.total_cents = cancelled.total_cents;
  }
  d.cancels_year = cancelled.year;
  d.cancels_number = cancelled.number;
  d.reason = c.reason;
  money.pending.push_back(d);
  return pending_reply(d);
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
  if (!current || current->pending.empty() || current->pending.front().attempt != c.attempt ||
      current->pending.front().kind != c.kind)
    return refuse(ReplyCode::kNotFound,
                  cat("order ", c.order, " has no pending document ", c.attempt, " of this kind"));
  if (c.number == 0 || c.year < kInvoiceYearMin || c.year > kInvoiceYearMax)
    return refuse(ReplyCode::kInvalidArgument, "a numbered document has a year and a number");
  OrderMoney& money = open_money(*o);
  const InvoiceDocument& d = money.pending.front();
  money.invoices.push_back(InvoiceRef{d.kind, c.year, c.number, d.attempt, d.issued_ms, d.total_cents});
  money.pending.clear();
  // Recorded as the principal who issued it: the note is the server's step.
  book_.record(*o, WorkflowAction::kInvoicing, d.principal,
               c.kind == InvoiceKind::kInvoice ? WorkflowDetail::kInvoiceIssued : WorkflowDetail::kCreditNoteIssued,
               uint64_t{c.year} << 32 | c.number);
  if (!o->live()) note_closed(*o, c.order);
  return order_reply(c.order, *o);
}

std::vector<InvoiceDocument> OrderDesk::pending_documents() const {
  std::vector<InvoiceDocument> out;
  for (const MoneyTable::Entry& e : money_.current(book_.table()))
    for (const InvoiceDocument& d : e.money.pending) out.push_back(d);
  return out;
}

}  // namespace tessera::engine
