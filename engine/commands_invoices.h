// Invoices and credit notes (seed 003, "Facturation"): invoicing an order
// issues an invoice with a gap-free number per organisation, kind and year
// (the year in the organisation's time zone); de-invoicing issues a credit
// note ("avoir") cancelling it; invoicing again issues a new invoice.
//
// The numbers have one owner, the invoice register on shard 0, and are
// allocated by logged intent (engine/invoice_register.h):
//   1. IssueInvoice / CancelInvoice, on the order's shard: the order takes a
//      pending document (its content frozen: lines, sums, issue time) and an
//      attempt number, logged.
//   2. RecordInvoice, on shard 0 (the server sends it once 1 is durable):
//      the register numbers the document and keeps it, logged together;
//      the same (order, attempt) again answers the same number.
//   3. NoteInvoice, on the order's shard: the order is invoiced (or no
//      longer) with that number; its pending document is gone.
// A kill -9 anywhere leaves a pending document the next start completes
// (runtime/shard_set_invoices.cc): a number is never allocated without its
// document, never twice, and never skipped.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/ids.h"

namespace tessera::engine {

// An order's invoice and its credit note; a cancellation's fee (or record)
// and the commission billed to the organiser (CancelValidated). Each kind
// is numbered on its own, per year.
enum class InvoiceKind : uint8_t { kInvoice = 0, kCreditNote, kCancellationInvoice, kCommissionInvoice };
inline constexpr InvoiceKind kInvoiceKindLast = InvoiceKind::kCommissionInvoice;
// "invoice", "credit note", "cancellation invoice", "commission invoice".
const char* invoice_kind_name(InvoiceKind kind);
// The kind in a file name: "invoice", "credit-note", ...
const char* invoice_kind_slug(InvoiceKind kind);

// One line of a document as issued: what was sold, frozen.
struct InvoiceLine {
  std::string label;  // "product — category — tariff"
  uint32_t quantity = 0;
  int64_t unit_cents = 0;
  int64_t amount_cents = 0;  // quantity × unit price
  int64_t starts_ms = 0;     // the performance's start (0: no date), shown in the organisation's zone
  auto fields() const { return std::tie(label, quantity, unit_cents, amount_cents, starts_ms); }
  bool operator==(const InvoiceLine&) const = default;
};

// An invoice or credit note: everything its PDF shows comes from here, so
// re-rendering it gives the same bytes.
struct InvoiceDocument {
  InvoiceKind kind = InvoiceKind::kInvoice;
  uint32_t year = 0;    // of the numbering: the issue date's year in the organisation's zone (0: not numbered yet)
  uint32_t number = 0;  // 1, 2, ... per kind and year (0: not numbered yet)
  OrderId order = 0;
  uint32_t attempt = 0;  // the order's n-th document: with the order, what makes numbering idempotent
  int64_t issued_ms = 0;
  PrincipalId principal = 0;  // who issued it
  ContactId contact = kNone;  // the client billed
  uint64_t contact_number = 0;
  std::string billed_to;  // name, then address lines, '\n' between them (the directory's, when numbered)
  std::vector<InvoiceLine> lines;
  int64_t package_cents = 0;        // Σ line amounts
  int64_t cash_discount_cents = 0;  // off the package
  int64_t total_cents = 0;  // package − discount − reduction: what is billed (a credit note: what it cancels)
  int64_t paid_cents = 0;   // paid and covered when issued (informative)
  // A credit note: the invoice it cancels, and why; a cancellation or
  // commission invoice: the reason of the cancellation.
  uint32_t cancels_year = 0;
  uint32_t cancels_number = 0;
  std::string reason;
  // Appended: the promo code's reduction (total = package − cash discount −
  // reduction) and its code.
  int64_t reduction_cents = 0;
  std::string promo_code;
  // Appended: the accounting export that took it (the register's copy; 0:
  // none yet; engine/commands_batches.h).
  uint32_t exported = 0;
  // Appended: the part of reduction_cents that is the client's cashback
  // (engine/commands_cashback.h); the rest, less the sponsorship's, is the
  // promo code's.
  int64_t cashback_cents = 0;
  // Appended: the part of reduction_cents that is the sponsorship's
  // (engine/commands_sponsorship.h).
  int64_t sponsorship_cents = 0;
  static constexpr size_t kHashedAlways = 18;  // a register without reductions hashes as before them
  auto fields() const {
    return std::tie(kind, year, number, order, attempt, issued_ms, principal, contact, contact_number, billed_to, lines,
                    package_cents, cash_discount_cents, total_cents, paid_cents, cancels_year, cancels_number, reason,
                    reduction_cents, promo_code, exported, cashback_cents, sponsorship_cents);
  }
  bool operator==(const InvoiceDocument&) const = default;
};

// ---- On an order (its shard) -----------------------------------------------

// Invoices a validated (confirmed) order that is not invoiced: its pending
// invoice is frozen and the server has it numbered (reply: Invoices, the
// numbered document). Again on an order whose invoice is still pending:
// the same pending document (a retry completes it).
struct IssueInvoice {
  OrderId order;
  auto fields() const { return std::tie(order); }
};
// De-invoices an invoiced order: a credit note cancelling its invoice, with
// a reason; the order can then be changed and invoiced again.
struct CancelInvoice {
  OrderId order;
  std::string reason;
  auto fields() const { return std::tie(order, reason); }
};
// Internal (the server, step 3): the pending document `attempt` of the
// order was numbered. Again after that: nothing changes.
struct NoteInvoice {
  OrderId order;
  uint32_t attempt;
  InvoiceKind kind;
  uint32_t year;
  uint32_t number;
  auto fields() const { return std::tie(order, attempt, kind, year, number); }
};

// ---- The invoice register (shard 0) ------------------------------------------

// Internal (the server, step 2): numbers a pending document and keeps it.
struct RecordInvoice {
  InvoiceDocument document;  // year set, number 0
  auto fields() const { return std::tie(document); }
};
// Query: the register's documents, oldest number first, paged: of one kind
// and year (year 0: every year), of one order (order 0: every order), from
// number `after` + 1.
struct ListInvoices {
  InvoiceKind kind;
  uint32_t year;
  OrderId order;
  uint32_t after;
  uint32_t limit;  // 0: kInvoicesPageMax
  auto fields() const { return std::tie(kind, year, order, after, limit); }
};
// Query ("Re-générer"): document `number` of `year`, rendered again as PDF
// from its logged content (the same bytes as when it was issued), written
// to the export directory and returned in the reply.
struct RenderInvoice {
  InvoiceKind kind;
  uint32_t year;
  uint32_t number;
  auto fields() const { return std::tie(kind, year, number); }
};

// ---- Automatic invoicing (engine/auto_invoicing.h) ---------------------------

// Whether the validated orders of a product are invoiced automatically on
// their departure when nobody invoiced them by hand (seed 003: "le
// processus de facturation automatique s'enclenche en date de départ").
// Product kNone: the default of every product without its own; the product
// of the order's first line decides. Without any, nothing is invoiced
// automatically (as before it existed). Enabling it invoices at once the
// departed orders that qualify.
struct SetAutoInvoicing {
  ProductId product;
  bool enabled;
  auto fields() const { return std::tie(product, enabled); }
  bool operator==(const SetAutoInvoicing&) const = default;
};
// Internal query (the server's pump), on shard `shard`: the invoices it
// froze by itself (kSystem) and not numbered yet, oldest first, at most
// kAutoInvoicesPageMax (reply: Invoices; total: how many wait).
struct GetAutoInvoices {
  uint32_t shard;
  auto fields() const { return std::tie(shard); }
};

// What ListInvoices, RenderInvoice, IssueInvoice and CancelInvoice answer.
struct Invoices {
  std::vector<InvoiceDocument> documents;
  uint32_t total = 0;              // documents matching (every page)
  std::string file;                // the first document's PDF path in the export directory (issue, cancel, render)
  std::string pdf;                 // the PDF's bytes (RenderInvoice)
  std::vector<std::string> files;  // every document's PDF path, in document order (issue, cancel, render)
  auto fields() const { return std::tie(documents, total, file, pdf, files); }
  bool operator==(const Invoices&) const = default;
};

}  // namespace tessera::engine
