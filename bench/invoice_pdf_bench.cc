// Invoices as PDF (documents/invoice_pdf.h), one thread:
//
//   BM_RenderInvoicePdf            a 5-line invoice, French, from the document
//                                  to the PDF's bytes in memory;
//                                  target >= 200 invoices/s on one thread
//   BM_RenderInvoicePdf/lines:40   a 40-line invoice (two pages)
//   BM_HoldsWhileRendering/render:0|1
//                                  a shard's hold-and-release rate on this
//                                  thread, alone (0) and while another thread
//                                  renders 10,000 invoices (1) as the
//                                  server's document worker does;
//                                  target: within 10 % of each other
//
// items_per_second is invoices rendered (holds, for the last) per second.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "base/local_time.h"
#include "documents/invoice_pdf.h"
#include "engine/shard.h"
#include "workload/demo_venue.h"

namespace {

using tessera::LocalTime;
using tessera::documents::Organisation;
using tessera::engine::InvoiceDocument;

InvoiceDocument invoice(int64_t line_count) {
  InvoiceDocument doc;
  doc.year = 2026;
  doc.number = 17;
  doc.order = tessera::engine::make_order_id(1, 3, 345);
  doc.issued_ms = 1'773'480'600'000;  // 2026-03-14 09:30 UTC
  doc.contact_number = 4242;
  doc.billed_to = "Marie-Hélène Dupont\n12 rue de la Madeleine\n30000 Nîmes";
  for (int64_t i = 1; i <= line_count; ++i) {
    char label[96];
    std::snprintf(label, sizeof label, "Séjour à Nîmes — été — n°%03lld — Parterre — Plein tarif",
                  static_cast<long long>(i));
    doc.lines.push_back({label, 2, 4'250, 8'500});
    doc.package_cents += 8'500;
  }
  doc.cash_discount_cents = 500;
  doc.total_cents = doc.package_cents - doc.cash_discount_cents;
  return doc;
}

void render_invoices(benchmark::State& state, int64_t line_count) {
  const InvoiceDocument doc = invoice(line_count);
  const Organisation org{"Théâtre des Arènes", "2 bis boulevard des Arènes\n30000 Nîmes",
                         "SIRET 123 456 789 00012 — TVA FR12 123456789"};
  auto local = LocalTime::make("Europe/Paris", "fr");
  if (!local.is_ok()) {
    state.SkipWithError(local.status().to_string().c_str());
    return;
  }
  size_t bytes = 0;
  for (auto _ : state) {
    auto pdf = tessera::documents::render_invoice_pdf(doc, org, *local);
    if (!pdf.is_ok()) {
      state.SkipWithError(pdf.status().to_string().c_str());
      return;
    }
    bytes = pdf->size();
    benchmark::DoNotOptimize(pdf->data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["pdf_bytes"] = static_cast<double>(bytes);
}

void BM_RenderInvoicePdf(benchmark::State& state) { render_invoices(state, 5); }
BENCHMARK(BM_RenderInvoicePdf);

void BM_RenderInvoicePdfLines(benchmark::State& state) { render_invoices(state, state.range(0)); }
BENCHMARK(BM_RenderInvoicePdfLines)->Name("BM_RenderInvoicePdf")->ArgName("lines")->Arg(40);

// Holds and releases 2 units on one shard of the demo venue (a web cart
// each), with or without a thread rendering 10,000 invoices meanwhile
// (it starts over if they are done before the measure ends: the rendering
// lasts as long as the measure).
void BM_HoldsWhileRendering(benchmark::State& state) {
  using namespace tessera::engine;
  constexpr int64_t kT0 = 1'790'000'000'000;
  constexpr PerformanceId kBig = 1500;
  Shard shard(0, 1, kT0, ShardConfig{1024});
  for (const Command& c : tessera::workload::demo_catalog()) shard.apply(c, kT0);
  shard.apply(Command{0, DefinePerformance{kBig, 1, kT0 + 30 * 86'400'000LL, 0, 0}}, kT0);
  shard.apply(Command{0, SetGeneralAdmission{kBig, 1, 10'000'000}}, kT0);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> rendered{0};
  std::unique_ptr<std::thread> renderer;
  if (state.range(0) == 1) {
    renderer = std::make_unique<std::thread>([&] {
      const InvoiceDocument doc = invoice(5);
      const Organisation org{"Théâtre des Arènes", "2 bis boulevard des Arènes\n30000 Nîmes", "SIRET 123"};
      const LocalTime local = *LocalTime::make("Europe/Paris", "fr");
      while (!stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < 10'000 && !stop.load(std::memory_order_relaxed); ++i) {
          benchmark::DoNotOptimize(tessera::documents::render_invoice_pdf(doc, org, local));
          rendered.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
  }
  uint64_t refused = 0;
  for (auto _ : state) {
    const Reply held = shard.apply(
        Command{0, Hold{7, tessera::workload::kWeb, {tessera::workload::demo_line(kBig, 1, 1, 2)}, 600'000}}, kT0);
    const Reply released = shard.apply(Command{0, Release{held.order}}, kT0);
    refused += !held.ok() + !released.ok();
  }
  stop = true;
  if (renderer) renderer->join();
  if (refused != 0) state.SkipWithError("a hold or release was refused");
  state.SetItemsProcessed(state.iterations());
  state.counters["invoices_rendered"] = static_cast<double>(rendered.load());
}
BENCHMARK(BM_HoldsWhileRendering)->ArgName("render")->Arg(0)->Arg(1)->UseRealTime()->MinTime(1.5);  // >= 10,000
                                                                                                    // rendered

}  // namespace
