// Accounting export CSV.
#include "documents/accounting_csv.h"

#include <cinttypes>
#include <cstdio>
#include <initializer_list>
#include <string_view>

#include "base/csv.h"
#include "engine/order_record.h"

namespace tessera::documents {

namespace {

void line(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out += ';';
    first = false;
    append_csv_field(out, f, ";");
  }
  out += "\r\n";
}

std::string amount(int64_t cents) {
  const uint64_t abs = cents < 0 ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%" PRIu64 ".%02" PRIu64, cents < 0 ? "-" : "", abs / 100, abs % 100);
  return buf;
}

std::string when(int64_t ms, const LocalTime& local) {
  if (ms == 0) return {};
  const LocalTime::Civil c = local.civil(ms);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02u:%02u", c.year, c.month, c.day, c.hour, c.minute);
  return buf;
}

std::string number(uint64_t n) { return n == 0 ? std::string() : std::to_string(n); }

}  // namespace

std::string accounting_csv(const engine::PaymentBatch& batch, const LocalTime& local) {
  std::string out;
  line(out, {"export", "record", "order", "number", "date", "mode", "amount", "contact", "payer", "label", "bank",
             "collected"});
  const std::string export_number = std::to_string(batch.number);
  for (const engine::FrozenPayment& p : batch.frozen)
    line(out, {export_number, p.amount_cents < 0 ? "refund" : "payment", std::to_string(p.order.value()),
               std::to_string(p.payment), when(p.received_ms, local), engine::payment_mode_name(p.mode),
               amount(p.amount_cents), number(p.contact.value()), number(p.payer.value()), p.label, p.bank,
               when(p.collected_ms, local)});
  for (const engine::ExportedDocument& d : batch.documents) {
    char doc_number[32];
    std::snprintf(doc_number, sizeof doc_number, "%u-%06u", d.year, d.number);
    line(out, {export_number, engine::invoice_kind_name(d.kind), std::to_string(d.order.value()), doc_number,
               when(d.issued_ms, local), "", amount(d.total_cents), number(d.contact.value()), "", "", "", ""});
  }
  return out;
}

std::string accounting_csv_name(const engine::PaymentBatch& batch) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "accounting-export-%06u.csv", batch.number);
  return buf;
}

}  // namespace tessera::documents
