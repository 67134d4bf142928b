// Test fixture: a one-shard engine loaded with the demo venue, whose every
// command is followed by check_invariants().
#pragma once

#include <gtest/gtest.h>

#include "engine/reply_detail.h"
#include "engine/shard.h"
#include "tests/engine/engine_clock.h"
#include "workload/demo_venue.h"

namespace tessera::engine {

class ShardTest : public testing::Test {
 protected:
  explicit ShardTest(workload::DemoVenue venue = {}) : shard_(0, 1, kT0) {
    venue.performances = 2;
    for (const Command& c : workload::demo_catalog()) must_apply(c);
    const std::pair<PerformanceId, ProductId> sets[] = {{kPerfRelease, workload::kProductRelease},
                                                        {kPerfOverdue, workload::kProductOverdue},
                                                        {kPerfKeep, workload::kProductKeep}};
    for (auto [first, product] : sets) {
      venue.first_performance = first;
      for (const Command& c : workload::demo_performances(venue, product)) must_apply(c);
    }
  }

  void must_apply(const Command& c) {
    const Reply r = shard_.apply(c, now_);
    ASSERT_TRUE(r.ok()) << command_name(c.body) << ": " << r.message;
  }

  // Applies a command at now_ and checks the invariants.
  Reply run(CommandBody body, RequestKey key = 0) {
    Reply r = shard_.apply(Command{key, std::move(body)}, now_);
    const Status s = shard_.check_invariants();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    return r;
  }

  // As run(), sent by `principal`.
  Reply run_as(PrincipalId principal, CommandBody body) {
    Command c{0, std::move(body)};
    c.principal = principal;
    Reply r = shard_.apply(c, now_);
    const Status s = shard_.check_invariants();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    return r;
  }
  // As run_as(), expecting a refusal with `code` (its message containing
  // `says`) that leaves the shard's state hash as it was.
  void expect_refused_as(PrincipalId principal, CommandBody body, ReplyCode code, std::string_view says = {}) {
    const uint64_t before = shard_.state_hash();
    const Reply r = run_as(principal, std::move(body));
    EXPECT_EQ(r.code, code) << r.message;
    if (!says.empty()) {
      EXPECT_NE(r.message.find(says), std::string::npos) << r.message;
    }
    EXPECT_EQ(shard_.state_hash(), before) << "a refusal changed the shard: " << r.message;
  }
  // The order page of `id` (GetOrderRecord).
  OrderRecord record(OrderId id) {
    const Reply r = run(GetOrderRecord{id});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.detail ? std::get<OrderRecord>(r.detail->value) : OrderRecord{};
  }

  // Moves time forward and processes every due expiry.
  void advance_to(int64_t t) {
    now_ = t;
    while (shard_.advance(now_, 1000) == 1000) {
    }
    const Status s = shard_.check_invariants();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
  }

  int64_t available(PerformanceId p, CategoryId c, ChannelId ch = workload::kWeb, ContingentId k = kNone,
                    ContactId contact = kNone) {
    const Reply r = shard_.apply(Command{0, GetAvailability{p, c, k, ch, contact}}, now_);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.value;
  }

  Reply hold(PerformanceId p, CategoryId c, uint32_t n, int64_t ttl = 10 * kMinute, ChannelId ch = workload::kWeb,
             ContactId contact = 7) {
    return run(Hold{contact, ch, {workload::demo_line(p, product_of(p), c, n)}, ttl});
  }
  Reply book(PerformanceId p, CategoryId c, uint32_t n, int64_t deadline, BookingKind kind = BookingKind::kOption,
             ChannelId ch = workload::kBoxOffice) {
    return run(Book{kind, 7, ch, {workload::demo_line(p, product_of(p), c, n)}, deadline});
  }
  static ProductId product_of(PerformanceId p) { return p.value() / 1000; }

  // An option of `units` of category 1 of kPerfRelease (60.00 each),
  // confirmed by `principal`.
  OrderId confirmed_by(PrincipalId principal, uint32_t units) {
    const Reply r = book(kPerfRelease, 1, units, now_ + 10 * kDay);
    EXPECT_TRUE(r.ok()) << r.message;
    EXPECT_TRUE(run_as(principal, Confirm{r.order, {}}).ok());
    return r.order;
  }

  // One invoicing step as the server runs it: `step` (IssueInvoice or
  // CancelInvoice) by `principal` freezes the document, the register numbers
  // it (in 2026), the order notes the number.
  void invoice_step(PrincipalId principal, CommandBody step) {
    const Reply frozen = run_as(principal, std::move(step));
    ASSERT_TRUE(frozen.ok()) << frozen.message;
    InvoiceDocument d = std::get<Invoices>(frozen.detail->value).documents.front();
    d.year = 2026;
    const Reply r = run(RecordInvoice{d});
    ASSERT_TRUE(r.ok()) << r.message;
    const InvoiceDocument& n = std::get<Invoices>(r.detail->value).documents.front();
    ASSERT_TRUE(run(NoteInvoice{n.order, n.attempt, n.kind, n.year, n.number}).ok());
  }

  OrderState state(OrderId id) {
    const Reply r = shard_.apply(Command{0, GetOrder{id}}, now_);
    EXPECT_TRUE(r.code == ReplyCode::kOk || r.code == ReplyCode::kNotFound) << r.message;
    return r.state;
  }

  // `s` saved as a snapshot and loaded again (nullptr, with a failure, if
  // the image does not load).
  static std::unique_ptr<Shard> reloaded(const Shard& s) {
    std::string image;
    s.save(&image);
    Result<std::unique_ptr<Shard>> loaded = Shard::load(image);
    EXPECT_TRUE(loaded.is_ok()) << loaded.status().to_string();
    return loaded.is_ok() ? std::move(*loaded) : nullptr;
  }

  Shard shard_;
  int64_t now_ = kT0;
};

}  // namespace tessera::engine
