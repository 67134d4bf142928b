// Payment batches (seed 003, "Onglet Règlement": "Tous règlements attachés à
// un export comptable, à une remise de chèque ou à un reversement sont non
// modifiables"): a cheque deposit (cheques handed to a bank together), a
// payout ("reversement": payments paid over to a beneficiary) and an
// accounting export (every payment recorded up to a date and every invoice
// or credit note issued up to it that no export took yet, written to CSV).
// A payment in a batch is frozen: ChangePayment refuses it, naming the
// batch. A cheque is in at most one deposit, a payment in at most one
// payout and one export; an export takes each document once.
//
// Payments live on their orders' shards; batches have one owner, the batch
// register on shard 0, and are made in three logged steps (as invoices are
// numbered, engine/commands_invoices.h):
//   1. MakePaymentBatch, on shard 0: the batch gets the next number of its
//      kind (1, 2, ... with no gap) and stays open with what it asks for.
//   2. FreezePayments, on each shard holding some of its payments (the
//      server sends them once step 1 is durable; an export goes to every
//      shard): each payment is frozen into the batch or refused with its
//      reason, one by one (a deposit takes the cheques that qualify and
//      names the others). Sent again, it answers the same.
//   3. SettlePaymentBatch, on shard 0: the batch keeps what was frozen, as
//      the shards answered (amounts, modes, dates), and what was refused,
//      and is settled; an export also takes the register's documents not
//      exported yet. The server then writes an export's CSV from the
//      logged batch, so writing it again gives the same bytes.
// A kill -9 anywhere leaves an open batch the next start completes
// (runtime/shard_set_batches.cc); the client's answer comes after step 3.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/commands_invoices.h"
#include "engine/commands_money.h"
#include "engine/ids.h"

namespace tessera::engine {

enum class BatchKind : uint8_t { kChequeDeposit = 0, kPayout, kAccountingExport };
inline constexpr BatchKind kBatchKindLast = BatchKind::kAccountingExport;
// "cheque deposit", "payout", "accounting export".
const char* batch_kind_name(BatchKind kind);

// One payment of an order (its number, engine/order_record.h Payment).
struct BatchItem {
  OrderId order;
  uint32_t payment;
  auto fields() const { return std::tie(order, payment); }
  bool operator==(const BatchItem&) const = default;
};

// A payment as a shard froze it into a batch: what the batch and its CSV show.
struct FrozenPayment {
  OrderId order = 0;
  uint32_t payment = 0;
  PaymentMode mode = PaymentMode::kTransfer;
  int64_t amount_cents = 0;  // < 0: a refund
  int64_t received_ms = 0;
  int64_t recorded_ms = 0;
  int64_t collected_ms = 0;  // a deferred payment's collection (0: awaiting)
  ContactId contact = kNone;
  PayerId payer = kNone;
  std::string label;
  std::string bank;
  auto fields() const {
    return std::tie(order, payment, mode, amount_cents, received_ms, recorded_ms, collected_ms, contact, payer, label,
                    bank);
  }
  bool operator==(const FrozenPayment&) const = default;
};

// A payment a batch asked for and did not get, and why.
struct RefusedPayment {
  OrderId order = 0;
  uint32_t payment = 0;
  std::string reason;
  auto fields() const { return std::tie(order, payment, reason); }
  bool operator==(const RefusedPayment&) const = default;
};

// A document an export took (the register's InvoiceDocument, in short).
struct ExportedDocument {
  InvoiceKind kind = InvoiceKind::kInvoice;
  uint32_t year = 0;
  uint32_t number = 0;
  OrderId order = 0;
  int64_t issued_ms = 0;
  ContactId contact = kNone;
  int64_t total_cents = 0;
  auto fields() const { return std::tie(kind, year, number, order, issued_ms, contact, total_cents); }
  bool operator==(const ExportedDocument&) const = default;
};

// ---- Shard 0 (the batch register) ------------------------------------------

// Step 1. A cheque deposit names its bank and 1..kBatchItemsMax cheques
// (positive payments in the cheque mode); a payout its beneficiary and
// 1..kBatchItemsMax payments (immediate ones, or deferred ones once
// collected; refunds too: they are paid back); an export names no payment
// (it takes every one recorded up to at_ms) and no counterpart.
// Reply: PaymentBatch, settled (the server completes steps 2 and 3).
struct MakePaymentBatch {
  BatchKind kind;
  int64_t at_ms;            // deposited, paid out, or exported up to (0: now); not in the future
  std::string counterpart;  // the bank (deposit) or the beneficiary (payout)
  std::string label;        // free text (a deposit slip's reference, say)
  std::vector<BatchItem> items;
  auto fields() const { return std::tie(kind, at_ms, counterpart, label, items); }
};
// Internal (step 3): what the shards froze and refused.
struct SettlePaymentBatch {
  BatchKind kind;
  uint32_t batch;
  std::vector<FrozenPayment> frozen;
  std::vector<RefusedPayment> refused;
  auto fields() const { return std::tie(kind, batch, frozen, refused); }
};
// Query: the batches of one kind, oldest first, from number `after` + 1.
struct ListPaymentBatches {
  BatchKind kind;
  uint32_t after;
  uint32_t limit;  // 0: kBatchesPageMax
  auto fields() const { return std::tie(kind, after, limit); }
};

// ---- A shard holding payments ------------------------------------------------

// Internal (step 2), on shard `shard`: freezes `items` (the payments of
// this shard's orders a deposit or payout asked for), or, for an export,
// every payment of this shard's orders recorded up to until_ms not exported
// yet. Reply: FrozenPayments.
struct FreezePayments {
  uint32_t shard;
  BatchKind kind;
  uint32_t batch;
  int64_t until_ms;
  std::vector<BatchItem> items;
  auto fields() const { return std::tie(shard, kind, batch, until_ms, items); }
};

// ---- Replies -----------------------------------------------------------------

struct FrozenPayments {
  std::vector<FrozenPayment> frozen;
  std::vector<RefusedPayment> refused;
  auto fields() const { return std::tie(frozen, refused); }
  bool operator==(const FrozenPayments&) const = default;
};

struct PaymentBatch {
  BatchKind kind = BatchKind::kChequeDeposit;
  uint32_t number = 0;
  bool settled = false;  // false: steps 2 and 3 are under way
  int64_t created_ms = 0;
  PrincipalId principal = 0;  // who made it
  int64_t at_ms = 0;
  std::string counterpart;
  std::string label;
  std::vector<BatchItem> items;  // what it asked for (an export: none)
  std::vector<FrozenPayment> frozen;
  std::vector<RefusedPayment> refused;
  std::vector<ExportedDocument> documents;  // an export's invoices and credit notes
  int64_t total_cents = 0;                  // Σ frozen amounts
  std::string file;                         // an export's CSV in the export directory (the server's)
  auto fields() const {
    return std::tie(kind, number, settled, created_ms, principal, at_ms, counterpart, label, items, frozen, refused,
                    documents, total_cents, file);
  }
  bool operator==(const PaymentBatch&) const = default;
};

struct PaymentBatches {
  std::vector<PaymentBatch> batches;
  uint32_t total = 0;  // batches of the kind
  auto fields() const { return std::tie(batches, total); }
  bool operator==(const PaymentBatches&) const = default;
};

}  // namespace tessera::engine
