// OrderDesk's part of payment batches (engine/commands_batches.h, step 2):
// freezing payments into a cheque deposit, a payout or an accounting export.
#include <utility>

#include "engine/commands_batches.h"
#include "engine/limits.h"
#include "engine/order_desk.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

namespace {

uint32_t& batch_field(Payment& p, BatchKind kind) {
  switch (kind) {
    case BatchKind::kChequeDeposit:
      return p.deposit;
    case BatchKind::kPayout:
      return p.payout;
    case BatchKind::kAccountingExport:
      break;
  }
  return p.exported;
}

FrozenPayment frozen_of(OrderId order, const Payment& p) {
  return FrozenPayment{order,          p.number,  p.mode,  p.amount_cents, p.received_ms, p.recorded_ms,
                       p.collected_ms, p.contact, p.payer, p.label,        p.bank};
}

// Why payment `p` cannot go into a batch of `kind` ("" if it can).
std::string unfit(const Payment& p, BatchKind kind) {
  switch (kind) {
    case BatchKind::kChequeDeposit:
      if (p.mode != PaymentMode::kCheque) return "not a cheque";
      if (p.amount_cents < 0) return "a refund, not a cheque received";
      return {};
    case BatchKind::kPayout:
      if (is_deferred(p.mode) && p.collected_ms == 0) return "a third-party payment not collected yet";
      return {};
    case BatchKind::kAccountingExport:
      return {};
  }
  return "unknown batch kind";
}

}  // namespace

// The batch a payment is frozen in, for ChangePayment's refusal ("" if none).
std::string frozen_reason(const Payment& p) {
  if (p.deposit != 0) return cat("it is in cheque deposit ", p.deposit);
  if (p.payout != 0) return cat("it is in payout ", p.payout);
  if (p.exported != 0) return cat("it is in accounting export ", p.exported);
  return {};
}

bool OrderDesk::freeze_payment(Order& o, Payment& p, BatchKind kind, uint32_t batch, PrincipalId by) {
  uint32_t& field = batch_field(p, kind);
  if (field == batch) return true;  // the same step again
  if (field != 0) return false;
  field = batch;
  if (!book_.workflow_full(o))
    book_.record(o, WorkflowAction::kModified, by, WorkflowDetail::kPaymentFrozen,
                 uint64_t{batch} << 32 | uint64_t{p.number} << 8 | static_cast<uint8_t>(kind));
  return true;
}

Reply OrderDesk::on(const FreezePayments& c, const Caller& who) {
  if (c.kind > kBatchKindLast)
    return refuse(ReplyCode::kInvalidArgument, cat("unknown batch kind ", static_cast<unsigned>(c.kind)));
  if (c.batch == 0) return refuse(ReplyCode::kInvalidArgument, "a batch has a number (1 or more)");
  FrozenPayments out;
  if (c.kind == BatchKind::kAccountingExport) {
    if (!c.items.empty()) return refuse(ReplyCode::kInvalidArgument, "an accounting export names no payment");
    // Every payment recorded up to until_ms that no export took, by slot
    // then number (the same order on a replay), at most a page per shard.
    money_.for_each_current(book_.table(), [&](OrderId id, OrderMoney& money) {
      Order* o = book_.find(id);
      for (Payment& p : money.payments) {
        if (out.frozen.size() == kExportPaymentsPerShardMax) return;
        if (p.recorded_ms > c.until_ms || (p.exported != 0 && p.exported != c.batch)) continue;
        if (o != nullptr && freeze_payment(*o, p, c.kind, c.batch, who.principal))
          out.frozen.push_back(frozen_of(id, p));
      }
    });
  } else {
    if (c.items.size() > kBatchItemsMax)
      return refuse(ReplyCode::kLimitExceeded, cat("a batch names at most ", kBatchItemsMax, " payments"));
    for (const BatchItem& item : c.items) {
      Order* o = find_any(item.order, who);
      OrderMoney* money = o ? money_.find_mutable(book_.table().slot_of(*o), item.order) : nullptr;
      if (money == nullptr || item.payment == 0 || item.payment > money->payments.size()) {
        out.refused.push_back(RefusedPayment{item.order, item.payment,
                                             o ? "no such payment" : "order not found (or no longer in memory)"});
        continue;
      }
      Payment& p = money->payments[item.payment - 1];
      if (std::string why = unfit(p, c.kind); !why.empty()) {
        out.refused.push_back(RefusedPayment{item.order, item.payment, std::move(why)});
        continue;
      }
      if (!freeze_payment(*o, p, c.kind, c.batch, who.principal)) {
        out.refused.push_back(RefusedPayment{item.order, item.payment,
                                             cat("already in ", batch_kind_name(c.kind), " ", batch_field(p, c.kind))});
        continue;
      }
      out.frozen.push_back(frozen_of(item.order, p));
    }
  }
  Reply r;
  r.value = static_cast<int64_t>(out.frozen.size());
  r.detail = std::make_shared<const ReplyDetail>(ReplyDetail{std::move(out)});
  return r;
}

}  // namespace tessera::engine
