// BatchRegister: the one owner of payment batches (cheque deposits, payouts,
// accounting exports), on shard 0; engine/commands_batches.h states the
// three steps.
//
// MakePaymentBatch numbers a batch (per kind, 1, 2, ... with no gap: a
// number exists only with its batch) and keeps it open; SettlePaymentBatch
// keeps what the shards froze and settles it; settling again answers the
// batch as settled. An export also takes, when it settles, the invoice
// register's documents issued up to its date that no export took.
// Thread-safety: none; owned by shard 0's thread.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "base/status.h"
#include "engine/command.h"
#include "engine/commands_batches.h"
#include "engine/reply.h"

namespace tessera::engine {

class Hasher;
class InvoiceRegister;

class BatchRegister {
 public:
  Reply on(const MakePaymentBatch& c, const Caller& who, int64_t now_ms);
  Reply on(const SettlePaymentBatch& c, InvoiceRegister& invoices);
  Reply on(const ListPaymentBatches& c) const;

  // The batches a stop or a crash left open, in the order created.
  std::vector<PaymentBatch> open_batches() const;

  bool empty() const;
  // Snapshot support: every batch, by kind then number.
  std::vector<PaymentBatch> batches() const;
  // Loads a snapshot's batches (numbers per kind 1, 2, ... in order).
  Status restore(std::vector<PaymentBatch> batches);
  void hash_into(Hasher& h) const;

 private:
  std::vector<PaymentBatch>& of(BatchKind kind) { return by_kind_[static_cast<size_t>(kind)]; }
  const std::vector<PaymentBatch>& of(BatchKind kind) const { return by_kind_[static_cast<size_t>(kind)]; }

  std::array<std::vector<PaymentBatch>, static_cast<size_t>(kBatchKindLast) + 1> by_kind_;  // number = index + 1
};

}  // namespace tessera::engine
