// InvoiceRegister: numbering, the register's pages, snapshots.
#include "engine/invoice_register.h"

#include <algorithm>

#include "engine/hash.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

namespace {

Reply invoices_reply(Invoices out, int64_t value) {
  Reply r;
  r.value = value;
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(out)});
  return r;
}

bool known_kind(InvoiceKind kind) { return kind <= kInvoiceKindLast; }

}  // namespace

Reply InvoiceRegister::check(const InvoiceDocument& d) {
  if (!known_kind(d.kind))
    return refuse(ReplyCode::kInvalidArgument, cat("unknown document kind ", static_cast<unsigned>(d.kind)));
  if (d.year < kInvoiceYearMin || d.year > kInvoiceYearMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("numbering year ", d.year, " is outside [", kInvoiceYearMin, ", ", kInvoiceYearMax, "]"));
  if (d.number != 0 || d.exported != 0)
    return refuse(ReplyCode::kInvalidArgument, "a document to record has no number yet and no export");
  if (d.order.value() == 0 || d.attempt == 0 || d.attempt > kOrderDocumentsMax)
    return refuse(ReplyCode::kInvalidArgument, "a document names its order and its attempt (1 or more)");
  if (d.lines.size() > kInvoiceLinesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a document has at most ", kInvoiceLinesMax, " lines"));
  bool long_text = d.billed_to.size() > kInvoiceTextMax || d.reason.size() > kInvoiceTextMax;
  int64_t package = 0;
  for (const InvoiceLine& l : d.lines) {
    long_text = long_text || l.label.size() > kInvoiceTextMax;
    if (l.unit_cents < 0 || l.unit_cents > kPaymentCentsMax || l.amount_cents != l.unit_cents * l.quantity)
      return refuse(ReplyCode::kInvalidArgument, "a line's amount is its quantity times its unit price");
    package += l.amount_cents;
  }
  if (long_text)
    return refuse(ReplyCode::kLimitExceeded, cat("a document's texts have at most ", kInvoiceTextMax, " bytes"));
  if (d.kind != InvoiceKind::kCreditNote &&
      (package != d.package_cents || d.cash_discount_cents < 0 || d.cash_discount_cents > d.package_cents ||
       d.reduction_cents < 0 || d.reduction_cents > d.package_cents - d.cash_discount_cents || d.cashback_cents < 0 ||
       d.sponsorship_cents < 0 || d.cashback_cents + d.sponsorship_cents > d.reduction_cents ||
       d.total_cents != d.package_cents - d.cash_discount_cents - d.reduction_cents))
    return refuse(ReplyCode::kInvalidArgument,
                  "an invoice's total is its lines less its cash discount and its reduction");
  if (d.kind == InvoiceKind::kCommissionInvoice && (d.total_cents <= 0 || d.billed_to.empty()))
    return refuse(ReplyCode::kInvalidArgument, "a commission invoice bills an amount to the organiser");
  if (d.kind == InvoiceKind::kCreditNote && (d.cancels_number == 0 || d.cancels_year == 0 || d.total_cents < 0))
    return refuse(ReplyCode::kInvalidArgument, "a credit note names the invoice it cancels");
  return Reply{};
}

void InvoiceRegister::index(uint32_t at) {
  const InvoiceDocument& d = documents_[at];
  by_attempt_[{d.order.value(), d.attempt}] = at;
  by_number_[{d.kind, d.year, d.number}] = at;
  uint32_t& last = last_[{d.kind, d.year}];
  last = std::max(last, d.number);
}

Reply InvoiceRegister::on(const RecordInvoice& c) {
  const InvoiceDocument& d = c.document;
  if (auto seen = by_attempt_.find({d.order.value(), d.attempt}); seen != by_attempt_.end()) {
    // The same step again (a retry, or the completion after a crash): the
    // number it was given, nothing new.
    const InvoiceDocument& numbered = documents_[seen->second];
    if (numbered.kind != d.kind)
      return refuse(ReplyCode::kDuplicate,
                    cat("order ", d.order, "'s document ", d.attempt, " was numbered as another kind"));
    return invoices_reply(Invoices{{numbered}, 1, {}, {}}, numbered.number);
  }
  if (Reply bad = check(d); !bad.ok()) return bad;
  const uint32_t last = last_.contains({d.kind, d.year}) ? last_.at({d.kind, d.year}) : 0;
  if (last >= kInvoiceNumberMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("year ", d.year, " has ", kInvoiceNumberMax, " documents of this kind, the most"));
  documents_.push_back(d);
  documents_.back().number = last + 1;
  index(static_cast<uint32_t>(documents_.size() - 1));
  return invoices_reply(Invoices{{documents_.back()}, 1, {}, {}}, last + 1);
}

Reply InvoiceRegister::on(const ListInvoices& c) const {
  if (!known_kind(c.kind))
    return refuse(ReplyCode::kInvalidArgument, cat("unknown document kind ", static_cast<unsigned>(c.kind)));
  if (c.limit > kInvoicesPageMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a page lists at most ", kInvoicesPageMax, " documents"));
  const uint32_t limit = c.limit == 0 ? kInvoicesPageMax : c.limit;
  Invoices out;
  // By number within a year, years in order: the register's map order.
  for (const auto& [key, at] : by_number_) {
    const auto& [kind, year, number] = key;
    const InvoiceDocument& d = documents_[at];
    if (kind != c.kind || (c.year != 0 && year != c.year) || (c.order.value() != 0 && d.order != c.order)) continue;
    if (c.year != 0 && number <= c.after) continue;
    ++out.total;
    if (out.documents.size() < limit) out.documents.push_back(d);
  }
  const int64_t total = out.total;
  return invoices_reply(std::move(out), total);
}

Reply InvoiceRegister::on(const RenderInvoice& c) const {
  auto it = by_number_.find({c.kind, c.year, c.number});
  if (it == by_number_.end())
    return refuse(ReplyCode::kNotFound, cat(invoice_kind_name(c.kind), " ", c.year, "-", c.number, " not found"));
  return invoices_reply(Invoices{{documents_[it->second]}, 1, {}, {}}, c.number);
}

std::vector<ExportedDocument> InvoiceRegister::take_for_export(uint32_t batch, int64_t until_ms, uint32_t most) {
  std::vector<ExportedDocument> out;
  for (const auto& [key, at] : by_number_) {
    InvoiceDocument& d = documents_[at];
    if (d.exported != 0 || d.issued_ms > until_ms) continue;
    if (out.size() == most) break;
    d.exported = batch;
    out.push_back(ExportedDocument{d.kind, d.year, d.number, d.order, d.issued_ms, d.contact, d.total_cents});
  }
  return out;
}

Status InvoiceRegister::restore(std::vector<InvoiceDocument> documents) {
  documents_.clear();
  last_.clear();
  by_attempt_.clear();
  by_number_.clear();
  for (InvoiceDocument& d : documents) {
    InvoiceDocument unnumbered = d;
    unnumbered.number = 0;
    unnumbered.exported = 0;
    const uint32_t expected = (last_.contains({d.kind, d.year}) ? last_.at({d.kind, d.year}) : 0) + 1;
    if (!check(unnumbered).ok() || d.number != expected || by_attempt_.contains({d.order.value(), d.attempt}))
      return Status::invalid_argument("snapshot's invoice register has a gap, a repeat or a document out of range");
    documents_.push_back(std::move(d));
    index(static_cast<uint32_t>(documents_.size() - 1));
  }
  return Status::ok();
}

void InvoiceRegister::hash_into(Hasher& h) const {
  if (!documents_.empty()) h.add(documents_);  // absent before invoicing existed
}

}  // namespace tessera::engine
