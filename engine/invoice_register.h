// InvoiceRegister: the one owner of invoice and credit-note numbers, on
// shard 0 (engine/commands_invoices.h states the three steps).
//
// RecordInvoice gives a pending document the next number of its kind and
// year and keeps the document, in one logged command: a number exists only
// with its document, so numbers have no gap; the register is the only
// writer, so none is given twice. The same (order, attempt) recorded again
// answers the document already numbered, so a step repeated after a crash
// (or a client's retry) numbers nothing new.
// Thread-safety: none; owned by shard 0's thread.
#pragma once

#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "base/status.h"
#include "engine/commands_batches.h"
#include "engine/commands_invoices.h"
#include "engine/reply.h"

namespace tessera::engine {

class Hasher;

class InvoiceRegister {
 public:
  Reply on(const RecordInvoice& c);
  Reply on(const ListInvoices& c) const;
  Reply on(const RenderInvoice& c) const;

  // An accounting export (engine/commands_batches.h): the documents issued
  // up to until_ms that no export took, at most `most`, by kind, year and
  // number, now taken by export `batch`.
  std::vector<ExportedDocument> take_for_export(uint32_t batch, int64_t until_ms, uint32_t most);

  bool empty() const { return documents_.empty(); }
  // Snapshot support: every document in the order numbered.
  const std::vector<InvoiceDocument>& documents() const { return documents_; }
  // Loads a snapshot's documents (numbers per kind and year 1, 2, ... in order).
  Status restore(std::vector<InvoiceDocument> documents);
  void hash_into(Hasher& h) const;

  // A document's own checks (RecordInvoice; the order shard builds valid ones).
  static Reply check(const InvoiceDocument& d);

 private:
  void index(uint32_t at);

  std::vector<InvoiceDocument> documents_;                        // in the order numbered
  std::map<std::pair<InvoiceKind, uint32_t>, uint32_t> last_;     // (kind, year) -> last number
  std::map<std::pair<uint64_t, uint32_t>, uint32_t> by_attempt_;  // (order, attempt) -> index in documents_
  std::map<std::tuple<InvoiceKind, uint32_t, uint32_t>, uint32_t> by_number_;  // (kind, year, number) -> index
};

}  // namespace tessera::engine
