// BatchRegister: numbering, settling, the register's pages, snapshots.
#include "engine/batch_register.h"

#include <algorithm>
#include <set>
#include <utility>

#include "engine/hash.h"
#include "engine/invoice_register.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

namespace {

Reply batch_reply(PaymentBatch batch) {
  Reply r;
  r.value = batch.number;
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(batch)});
  return r;
}

bool known_kind(BatchKind kind) { return kind <= kBatchKindLast; }

Reply unknown_kind(BatchKind kind) {
  return refuse(ReplyCode::kInvalidArgument, cat("unknown batch kind ", static_cast<unsigned>(kind)));
}

// A batch's own checks (MakePaymentBatch; a snapshot's batches).
Reply check_request(BatchKind kind, int64_t at_ms, const std::string& counterpart, const std::string& label,
                    const std::vector<BatchItem>& items) {
  if (!known_kind(kind)) return unknown_kind(kind);
  if (counterpart.size() > kBatchTextMax || label.size() > kBatchTextMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("a batch's counterpart and label have at most ", kBatchTextMax, " bytes"));
  if (at_ms < 0) return refuse(ReplyCode::kInvalidArgument, cat("at_ms ", at_ms, " is before 1970"));
  if (kind == BatchKind::kAccountingExport) {
    if (!items.empty())
      return refuse(ReplyCode::kInvalidArgument,
                    "an accounting export names no payment: it takes every one recorded up to its date");
    if (!counterpart.empty()) return refuse(ReplyCode::kInvalidArgument, "an accounting export has no counterpart");
    return Reply{};
  }
  if (counterpart.empty())
    return refuse(ReplyCode::kInvalidArgument, kind == BatchKind::kChequeDeposit ? "a cheque deposit names its bank"
                                                                                 : "a payout names its beneficiary");
  if (items.empty() || items.size() > kBatchItemsMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("a ", batch_kind_name(kind), " names 1 to ", kBatchItemsMax, " payments"));
  std::set<std::pair<uint64_t, uint32_t>> seen;
  for (const BatchItem& i : items) {
    if (i.order.value() == 0 || i.payment == 0 || i.payment > kOrderPaymentsMax)
      return refuse(ReplyCode::kInvalidArgument, "a batch's payment names its order and its number (1 or more)");
    if (!seen.insert({i.order.value(), i.payment}).second)
      return refuse(ReplyCode::kDuplicate, cat("order ", i.order, "'s payment ", i.payment, " is named twice"));
  }
  return Reply{};
}

int64_t total_of(const std::vector<FrozenPayment>& frozen) {
  int64_t total = 0;
  for (const FrozenPayment& p : frozen) total += p.amount_cents;
  return total;
}

}  // namespace

const char* batch_kind_name(BatchKind kind) {
  switch (kind) {
    case BatchKind::kChequeDeposit:
      return "cheque deposit";
    case BatchKind::kPayout:
      return "payout";
    case BatchKind::kAccountingExport:
      return "accounting export";
  }
  return "batch";
}

Reply BatchRegister::on(const MakePaymentBatch& c, const Caller& who, int64_t now_ms) {
  if (Reply bad = check_request(c.kind, c.at_ms, c.counterpart, c.label, c.items); !bad.ok()) return bad;
  const int64_t at = c.at_ms == 0 ? now_ms : c.at_ms;
  if (at > now_ms + kMoneyDateAheadMsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("at_ms ", at, " is more than a day ahead of now (", now_ms, ")"));
  std::vector<PaymentBatch>& batches = of(c.kind);
  if (batches.size() >= kBatchesMax)
    return refuse(ReplyCode::kLimitExceeded, cat("the register keeps ", kBatchesMax, " batches of a kind, the most"));
  PaymentBatch b;
  b.kind = c.kind;
  b.number = static_cast<uint32_t>(batches.size() + 1);
  b.created_ms = now_ms;
  b.principal = who.principal;
  b.at_ms = at;
  b.counterpart = c.counterpart;
  b.label = c.label;
  b.items = c.items;
  batches.push_back(b);
  return batch_reply(std::move(b));
}

Reply BatchRegister::on(const SettlePaymentBatch& c, InvoiceRegister& invoices) {
  if (!known_kind(c.kind)) return unknown_kind(c.kind);
  std::vector<PaymentBatch>& batches = of(c.kind);
  if (c.batch == 0 || c.batch > batches.size())
    return refuse(ReplyCode::kNotFound, cat(batch_kind_name(c.kind), " ", c.batch, " not found"));
  PaymentBatch& b = batches[c.batch - 1];
  if (b.settled) return batch_reply(b);  // the same step again: nothing new
  b.settled = true;
  b.frozen = c.frozen;
  b.refused = c.refused;
  b.total_cents = total_of(b.frozen);
  if (b.kind == BatchKind::kAccountingExport)
    b.documents = invoices.take_for_export(b.number, b.at_ms, kExportDocumentsMax);
  return batch_reply(b);
}

Reply BatchRegister::on(const ListPaymentBatches& c) const {
  if (!known_kind(c.kind)) return unknown_kind(c.kind);
  if (c.limit > kBatchesPageMax)
    return refuse(ReplyCode::kLimitExceeded, cat("a page lists at most ", kBatchesPageMax, " batches"));
  const uint32_t limit = c.limit == 0 ? kBatchesPageMax : c.limit;
  const std::vector<PaymentBatch>& batches = of(c.kind);
  PaymentBatches out;
  out.total = static_cast<uint32_t>(batches.size());
  for (size_t i = c.after; i < batches.size() && out.batches.size() < limit; ++i) out.batches.push_back(batches[i]);
  Reply r;
  r.value = out.total;
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(out)});
  return r;
}

std::vector<PaymentBatch> BatchRegister::open_batches() const {
  std::vector<PaymentBatch> out;
  for (const auto& batches : by_kind_)
    for (const PaymentBatch& b : batches)
      if (!b.settled) out.push_back(b);
  return out;
}

bool BatchRegister::empty() const {
  return std::all_of(by_kind_.begin(), by_kind_.end(), [](const auto& v) { return v.empty(); });
}

std::vector<PaymentBatch> BatchRegister::batches() const {
  std::vector<PaymentBatch> out;
  for (const auto& batches : by_kind_) out.insert(out.end(), batches.begin(), batches.end());
  return out;
}

Status BatchRegister::restore(std::vector<PaymentBatch> batches) {
  for (auto& v : by_kind_) v.clear();
  for (PaymentBatch& b : batches) {
    if (!known_kind(b.kind) || b.number != of(b.kind).size() + 1 ||
        !check_request(b.kind, b.at_ms, b.counterpart, b.label, b.items).ok() || !b.file.empty())
      return Status::invalid_argument("snapshot's batch register has a gap, a repeat or a batch out of range");
    of(b.kind).push_back(std::move(b));
  }
  return Status::ok();
}

void BatchRegister::hash_into(Hasher& h) const {
  if (!empty()) h.add(by_kind_);  // absent before batches existed
}

}  // namespace tessera::engine
