// Money on orders (seed 003), in process on one shard (issue 18's targets):
//
//   BM_AddPayment           a payment recorded on one of 20,000 live options
//                           (its 1st to 4th)
//                           (payments never validate here: the order page's
//                           balance, workflow entry and sums only);
//                           target >= 1 M/s per shard
//   BM_PaymentValidates     the first payment of an option, which validates
//                           it under the built-in rule (state change, timer
//                           and follow-up row removed)
//   BM_GetOrderRecordPaid   the order page of an order with 8 payments, for
//                           scale against BM_GetOrderRecord (orders_bench)
//   BM_IssueInvoice         invoicing a confirmed order, the state change
//                           without the PDF: the three logged steps
//                           (IssueInvoice freezes it, RecordInvoice numbers
//                           it in the register, NoteInvoice marks the order),
//                           here on one shard that is also shard 0;
//                           target >= 500 k/s
//   BM_ApplyPromoCode       a percent promo code applied to an option: the
//                           three logged steps (ApplyPromoCode takes the
//                           claim, ClaimPromoUse counts the use in the
//                           register, NotePromoClaim puts the code on the
//                           order), on one shard that is also shard 0; the
//                           code's limit is never reached
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "engine/reply_detail.h"
#include "engine/shard.h"
#include "workload/demo_venue.h"

namespace {

using namespace tessera::engine;
using tessera::workload::demo_line;
using tessera::workload::kBoxOffice;

constexpr int64_t kT0 = 1'790'000'000'000;
constexpr int64_t kDay = 86'400'000;
constexpr PerformanceId kBig = 1500;
constexpr uint32_t kOrders = 20'000;
// Payments per order before the shard is rebuilt (the limit is 256; an
// order's sums add its payments up, so a realistic few).
constexpr uint32_t kRounds = 4;

struct Venue {
  std::unique_ptr<Shard> shard;
  std::vector<OrderId> options;
};

Venue venue(ValidateOnPayment rule) {
  Venue v;
  v.shard = std::make_unique<Shard>(0, 1, kT0, ShardConfig{kOrders});
  for (const Command& c : tessera::workload::demo_catalog()) v.shard->apply(c, kT0);
  v.shard->apply(Command{0, DefinePerformance{kBig, 1, kT0 + 30 * kDay, 0, 0}}, kT0);
  v.shard->apply(Command{0, SetGeneralAdmission{kBig, 1, 10'000'000}}, kT0);
  v.shard->apply(Command{0, SetValidationRule{kNone, rule, 0, true}}, kT0);
  v.options.reserve(kOrders);
  for (uint32_t i = 0; i < kOrders; ++i) {
    const Reply r = v.shard->apply(
        Command{0, Book{BookingKind::kOption, 7, kBoxOffice, {demo_line(kBig, 1, 1, 2)}, kT0 + 10 * kDay}}, kT0);
    v.options.push_back(r.order);
  }
  return v;
}

Command payment(OrderId order, int64_t cents) {
  return Command{0, AddPayment{order, PaymentMode::kCard, cents, 0, kNone, kNone, {}, {}, {}}};
}

void BM_AddPayment(benchmark::State& state) {
  Venue v = venue(ValidateOnPayment::kNever);
  uint64_t i = 0, refused = 0;
  for (auto _ : state) {
    if (i == uint64_t{kOrders} * kRounds) {
      state.PauseTiming();
      v = venue(ValidateOnPayment::kNever);
      i = 0;
      state.ResumeTiming();
    }
    const Reply r = v.shard->apply(payment(v.options[i % kOrders], 1), kT0);
    refused += !r.ok();
    ++i;
  }
  if (refused != 0) state.SkipWithError("a payment was refused");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddPayment);

void BM_PaymentValidates(benchmark::State& state) {
  Venue v = venue(ValidateOnPayment::kAnyPayment);
  uint64_t i = 0, missed = 0;
  for (auto _ : state) {
    if (i == kOrders) {
      state.PauseTiming();
      v = venue(ValidateOnPayment::kAnyPayment);
      i = 0;
      state.ResumeTiming();
    }
    const Reply r = v.shard->apply(payment(v.options[i], 2000), kT0);
    missed += r.state != OrderState::kConfirmed;
    ++i;
  }
  if (missed != 0) state.SkipWithError("a payment did not validate");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PaymentValidates);

void BM_GetOrderRecordPaid(benchmark::State& state) {
  Venue v = venue(ValidateOnPayment::kNever);
  const OrderId id = v.options.front();
  for (int i = 0; i < 8; ++i) v.shard->apply(payment(id, 1000), kT0);
  const Command get{0, GetOrderRecord{id}};
  for (auto _ : state) benchmark::DoNotOptimize(v.shard->apply(get, kT0));
  const Reply r = v.shard->apply(get, kT0);
  if (!r.ok() || std::get<OrderRecord>(r.detail->value).payments.size() != 8) state.SkipWithError("no payments");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetOrderRecordPaid);

void BM_IssueInvoice(benchmark::State& state) {
  Venue v = venue(ValidateOnPayment::kAnyPayment);
  const auto confirm_all = [](Venue& venue) {
    for (OrderId id : venue.options) venue.shard->apply(Command{0, Confirm{id, {}}}, kT0);
  };
  confirm_all(v);
  uint64_t i = 0, refused = 0;
  for (auto _ : state) {
    if (i == kOrders) {
      state.PauseTiming();
      v = venue(ValidateOnPayment::kAnyPayment);
      confirm_all(v);
      i = 0;
      state.ResumeTiming();
    }
    const Reply frozen = v.shard->apply(Command{0, IssueInvoice{v.options[i]}}, kT0);
    InvoiceDocument d = std::get<Invoices>(frozen.detail->value).documents.front();
    d.year = 2026;
    const Reply numbered = v.shard->apply(Command{0, RecordInvoice{std::move(d)}}, kT0);
    const InvoiceDocument& n = std::get<Invoices>(numbered.detail->value).documents.front();
    const Reply noted = v.shard->apply(Command{0, NoteInvoice{n.order, n.attempt, n.kind, n.year, n.number}}, kT0);
    refused += !frozen.ok() + !numbered.ok() + !noted.ok();
    ++i;
  }
  if (refused != 0) state.SkipWithError("an invoicing step was refused");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IssueInvoice);

void BM_ApplyPromoCode(benchmark::State& state) {
  const auto fresh = [] {
    Venue v = venue(ValidateOnPayment::kNever);
    v.shard->apply(Command{0, DefinePromoCode{"RUSH-15", 0, 15, 0, 0, 10'000'000, kNone, 0}}, kT0);
    return v;
  };
  Venue v = fresh();
  uint64_t i = 0, refused = 0;
  for (auto _ : state) {
    if (i == kOrders) {
      state.PauseTiming();
      v = fresh();
      i = 0;
      state.ResumeTiming();
    }
    const Reply taken = v.shard->apply(Command{0, ApplyPromoCode{v.options[i], "RUSH-15"}}, kT0);
    const Promo& claim = std::get<Promo>(taken.detail->value);
    const Reply counted = v.shard->apply(Command{0, ClaimPromoUse{claim.claim}}, kT0);
    const Reply noted =
        v.shard->apply(Command{0, NotePromoClaim{claim.claim.order, claim.claim.attempt, counted.ok(), 0, 15}}, kT0);
    refused += !taken.ok() + !counted.ok() + !noted.ok();
    ++i;
  }
  if (refused != 0) state.SkipWithError("a promo step was refused");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApplyPromoCode);

}  // namespace
