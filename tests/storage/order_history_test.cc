// The history of closed orders against the real RocksDB in a temporary
// directory: a closed order readable after its slot is reused and after a
// restart, a contact's list including closed orders (paged, counted once),
// a web shop's scope, no history kept when it is switched off, and
// PurgeOrderHistory (by order, by contact, in the batch of the close), and
// MergeContacts moving a contact's live, closed and stored orders; and
// confirmed orders of past performances leaving memory (the retention);
// the history written behind the log: records only in memory when the
// process is killed rebuilt from the log, a snapshot storing them first, and
// a directory from before the history's column family moved over.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "engine/codec.h"
#include "engine/reply_detail.h"
#include "runtime/clock.h"
#include "runtime/completion.h"
#include "storage/durable_engine.h"
#include "tests/engine/engine_clock.h"
#include "tests/storage/raw_db.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace tessera::storage {
namespace {

using namespace tessera::engine;
using testing_support::TempDir;

using engine::kT0;
constexpr ContactId kAnne = 7, kPaul = 8;

EngineOptions history_options(const TempDir& dir, bool history = true) {
  EngineOptions o;
  o.data_dir = dir.path();
  o.durability = Durability::kSync;
  o.shards = 2;
  o.snapshot_every_entries = 1'000'000'000;
  o.snapshot_every_ms = INT64_MAX / 2;
  o.order_history = history;
  o.history_file_age_ms = 0;  // a history file per batch: reads go through RocksDB, not only memory
  return o;
}

Result<DurableEngine> open_with_demo(const TempDir& dir, const runtime::Clock& clock, bool history = true) {
  Result<DurableEngine> e = open_durable_engine(history_options(dir, history), clock);
  if (!e.is_ok()) return e;
  workload::DemoVenue venue;
  for (const Command& c : workload::demo_catalog()) EXPECT_TRUE(e->shards->call(c).ok());
  for (const Command& c : workload::demo_performances(venue, workload::kProductRelease)) {
    const Reply r = e->shards->call(c);
    EXPECT_TRUE(r.ok()) << r.message;
  }
  for (ContactId id : {kAnne, kPaul}) {
    const Reply r = e->shards->call(workload::demo_contact(id));
    EXPECT_TRUE(r.ok()) << r.message;
  }
  return e;
}

Command as(CommandBody body, PrincipalId principal = 0, bool own_orders_only = false) {
  Command c{0, std::move(body)};
  c.principal = principal;
  c.own_orders_only = own_orders_only;
  return c;
}

OrderId hold(DurableEngine& e, ContactId contact, PerformanceId performance, PrincipalId principal = 0) {
  const Reply r = e.shards->call(as(Hold{contact, workload::kWeb, {workload::demo_line(performance, 1, 2, 2)}, 600'000},
                                    principal, principal != 0));
  EXPECT_TRUE(r.ok()) << r.message;
  return r.order;
}

std::optional<OrderRecord> record(DurableEngine& e, OrderId order, PrincipalId principal = 0) {
  const Reply r = e.shards->call(as(GetOrderRecord{order}, principal, principal != 0));
  if (!r.ok() || !r.detail || !std::holds_alternative<OrderRecord>(r.detail->value)) return std::nullopt;
  return std::get<OrderRecord>(r.detail->value);
}

OrderPage list(DurableEngine& e, ContactId contact, OrderId after = 0, uint32_t limit = 500, uint16_t states = 0) {
  const Reply r = e.shards->call(as(ListOrders{contact, kNone, states, after, limit}));
  EXPECT_TRUE(r.ok()) << r.message;
  return r.detail ? std::get<OrderPage>(r.detail->value) : OrderPage{};
}

TEST(OrderHistory, AClosedOrderIsReadAfterItsSlotIsReused_AndAfterARestart) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  std::string before;
  OrderId closed = 0, reused = 0;
  {
    Result<DurableEngine> e = open_with_demo(dir, clock);
    ASSERT_TRUE(e.is_ok()) << e.status().to_string();
    closed = hold(*e, kAnne, 1000);
    ASSERT_TRUE(e->shards->call(as(SetOrderInfo{closed, "au premier rang"})).ok());
    ASSERT_TRUE(e->shards->call(as(Release{closed})).ok());
    ASSERT_TRUE(e->shards->call(as(AddOrderNote{closed, "rappeler"})).ok()) << "closed orders take notes";
    before = encode(*record(*e, closed));
    reused = hold(*e, kPaul, 1000);
    ASSERT_EQ(order_slot(reused), order_slot(closed)) << "the next hold reuses the closed order's slot";
    ASSERT_NE(reused, closed);
    const std::optional<OrderRecord> r = record(*e, closed);
    ASSERT_TRUE(r) << "read from the history";
    EXPECT_EQ(encode(*r), before) << "the history holds the record as memory had it, note included";
    EXPECT_EQ(r->state, OrderState::kReleased);
    EXPECT_EQ(r->contact, kAnne);
    ASSERT_EQ(r->notes.size(), 1u);
    EXPECT_EQ(r->client_info, "au premier rang");
    EXPECT_EQ(record(*e, reused)->contact, kPaul) << "the slot's new order is read from memory";
  }
  Result<DurableEngine> again = open_durable_engine(history_options(dir), clock);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  const std::optional<OrderRecord> r = record(*again, closed);
  ASSERT_TRUE(r);
  EXPECT_EQ(encode(*r), before);
  EXPECT_FALSE(record(*again, make_order_id(0, 99, 12345))) << "an id never used is not found";
}

TEST(OrderHistory, AnOrderExpiredByItsTimerIsKept) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  Result<DurableEngine> e = open_with_demo(dir, clock);
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  const OrderId expired = hold(*e, kAnne, 1001);
  clock.advance_ms(3'600'000);
  // The expiry fires on the shard's own clock tick; wait until it has.
  for (int i = 0; i < 2000 && record(*e, expired)->state == OrderState::kHeld; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(record(*e, expired)->state, OrderState::kExpired);
  hold(*e, kPaul, 1001);  // reuses the slot
  const std::optional<OrderRecord> r = record(*e, expired);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->state, OrderState::kExpired);
  EXPECT_EQ(r->workflow.back().principal, kSystem);
}

TEST(OrderHistory, AContactsListIncludesItsClosedOrders_CountedOnce_AndPaged) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  Result<DurableEngine> e = open_with_demo(dir, clock);
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  // Two shards (performances 1000 and 1001 are placed apart): on each, one
  // live order, one closed still in memory, one closed whose slot is reused.
  std::vector<OrderId> mine;
  for (PerformanceId p : {PerformanceId{1000}, PerformanceId{1001}}) {
    const OrderId gone = hold(*e, kAnne, p);
    ASSERT_TRUE(e->shards->call(as(Release{gone})).ok());
    hold(*e, kPaul, p);  // takes gone's slot
    const OrderId closed = hold(*e, kAnne, p);
    mine.push_back(hold(*e, kAnne, p));
    ASSERT_TRUE(e->shards->call(as(Release{closed})).ok());
    mine.push_back(gone);
    mine.push_back(closed);
  }
  std::sort(mine.begin(), mine.end());
  OrderPage all = list(*e, kAnne);
  EXPECT_EQ(all.total, mine.size());
  ASSERT_EQ(all.orders.size(), mine.size());
  for (size_t i = 0; i < mine.size(); ++i) EXPECT_EQ(all.orders[i].order, mine[i]);
  EXPECT_EQ(all.next_after, 0u);
  std::vector<OrderId> paged;
  for (OrderId after = 0;;) {
    const OrderPage p = list(*e, kAnne, after, 2);
    EXPECT_EQ(p.total, mine.size());
    for (const OrderSummary& s : p.orders) paged.push_back(s.order);
    if (p.next_after == 0 || paged.size() > 20) break;
    after = p.next_after;
  }
  EXPECT_EQ(paged, mine);
  const uint16_t released = 1u << static_cast<unsigned>(OrderState::kReleased);
  EXPECT_EQ(list(*e, kAnne, 0, 500, released).total, 4u);
  EXPECT_EQ(list(*e, kPaul).total, 2u);
}

ContactActivity mailings(DurableEngine& e, ContactId contact) {
  const Reply r = e.shards->call(as(GetContactActivity{contact, ContactHistory::kMailings, 0, 0, 0, 0}));
  EXPECT_TRUE(r.ok()) << r.message;
  return r.detail ? std::get<ContactActivity>(r.detail->value) : ContactActivity{};
}

TEST(OrderHistory, AContactsMailingsKeepTheRemindersOfOrdersThatLeftMemory_CountedOnce) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  OrderId reminded = 0;
  {
    Result<DurableEngine> e = open_with_demo(dir, clock);
    ASSERT_TRUE(e.is_ok()) << e.status().to_string();
    const Reply format = e->shards->call(as(
        DefineReminderFormat{3, "Relance", FormatType::kReminder, ";", "csv", true, {ReminderField::kContactNumber}}));
    ASSERT_TRUE(format.ok()) << format.message;
    const Reply booked = e->shards->call(as(Book{
        BookingKind::kOption, kAnne, workload::kBoxOffice, {workload::demo_line(1000, 1, 2, 1)}, kT0 + 86'400'000}));
    ASSERT_TRUE(booked.ok()) << booked.message;
    reminded = booked.order;
    ASSERT_TRUE(e->shards->call(as(RemindOrders{{reminded}, 3, Delivery::kEmail})).ok());
    // What the server records once the e-mail is accepted.
    ASSERT_TRUE(e->shards->call(as(RecordOrderReminders{{reminded}, 3, Delivery::kEmail})).ok());
    ASSERT_TRUE(e->shards->call(as(Release{reminded})).ok());
    EXPECT_EQ(mailings(*e, kAnne).total, 1u) << "closed, still in memory: counted once";
    const OrderId reused = hold(*e, kPaul, 1000);
    ASSERT_EQ(order_slot(reused), order_slot(reminded)) << "the order has left memory";
    const ContactActivity a = mailings(*e, kAnne);
    ASSERT_EQ(a.total, 1u) << "read from the history";
    ASSERT_EQ(a.rows.size(), 1u);
    EXPECT_EQ(a.rows[0].order, reminded);
    EXPECT_TRUE(a.rows[0].email);
    EXPECT_EQ(a.rows[0].rank, 1u);
    EXPECT_EQ(a.rows[0].at_ms, kT0);
    EXPECT_EQ(a.rows[0].detail, "reminder 1 (format 3)");
    EXPECT_EQ(mailings(*e, kPaul).total, 0u);
  }
  Result<DurableEngine> again = open_durable_engine(history_options(dir), clock);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  const ContactActivity a = mailings(*again, kAnne);
  ASSERT_EQ(a.total, 1u) << "after a restart too";
  EXPECT_EQ(a.rows[0].order, reminded);
}

TEST(OrderHistory, AWebShopReadsOnlyItsOwnClosedOrders) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  Result<DurableEngine> e = open_with_demo(dir, clock);
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  constexpr PrincipalId kShopA = 41, kShopB = 42;
  const OrderId own = hold(*e, kAnne, 1000, kShopA);
  ASSERT_TRUE(e->shards->call(as(Release{own}, kShopA, true)).ok());
  hold(*e, kPaul, 1000, kShopB);  // reuses the slot
  EXPECT_TRUE(record(*e, own, kShopA)) << "its own closed order, from the history";
  EXPECT_FALSE(record(*e, own, kShopB)) << "another shop's closed order is not found";
  EXPECT_TRUE(record(*e, own)) << "the back office reads every order";
}

TEST(OrderHistory, WithoutTheHistoryAReusedSlotForgetsTheClosedOrder) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  Result<DurableEngine> e = open_with_demo(dir, clock, false);
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  const OrderId closed = hold(*e, kAnne, 1000);
  ASSERT_TRUE(e->shards->call(as(Release{closed})).ok());
  EXPECT_TRUE(record(*e, closed)) << "still in its slot";
  hold(*e, kPaul, 1000);
  EXPECT_FALSE(record(*e, closed));
  EXPECT_EQ(list(*e, kAnne).total, 0u);
}

TEST(OrderHistory, PurgeDeletesAnOrderOrAContactsOrders_AndStaysPurgedAfterARestart) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  OrderId one = 0, in_memory = 0, kept = 0;
  std::vector<OrderId> annes;
  {
    Result<DurableEngine> e = open_with_demo(dir, clock);
    ASSERT_TRUE(e.is_ok()) << e.status().to_string();
    one = hold(*e, kPaul, 1000);
    ASSERT_TRUE(e->shards->call(as(Release{one})).ok());
    hold(*e, kPaul, 1000);  // reuses its slot: `one` is only in the history
    kept = hold(*e, kPaul, 1001);
    ASSERT_TRUE(e->shards->call(as(Release{kept})).ok());
    for (PerformanceId p : {PerformanceId{1000}, PerformanceId{1001}}) {
      const OrderId a = hold(*e, kAnne, p);
      ASSERT_TRUE(e->shards->call(as(Release{a})).ok());
      hold(*e, kPaul, p);  // reuses its slot
      in_memory = hold(*e, kAnne, p);
      ASSERT_TRUE(e->shards->call(as(Release{in_memory})).ok());
      annes.push_back(a);
      annes.push_back(in_memory);
    }
    const OrderId live = hold(*e, kAnne, 1000);
    ASSERT_EQ(list(*e, kAnne).total, 5u);

    EXPECT_EQ(e->shards->call(as(PurgeOrderHistory{live, kNone})).code, ReplyCode::kInvalidState);
    EXPECT_EQ(e->shards->call(as(PurgeOrderHistory{one, kAnne})).code, ReplyCode::kInvalidArgument);
    EXPECT_EQ(e->shards->call(as(PurgeOrderHistory{0, kNone})).code, ReplyCode::kInvalidArgument);
    ASSERT_TRUE(record(*e, one));
    ASSERT_TRUE(e->shards->call(as(PurgeOrderHistory{one, kNone})).ok());
    EXPECT_FALSE(record(*e, one)) << "purged from the history";
    EXPECT_EQ(list(*e, kPaul).total, 4u) << "its contact's list no longer has it";
    ASSERT_TRUE(e->shards->call(as(PurgeOrderHistory{0, kAnne})).ok());
    for (OrderId id : annes) EXPECT_FALSE(record(*e, id)) << id << ": purged, from the history and from memory";
    EXPECT_EQ(list(*e, kAnne).total, 1u) << "only the live order is left";
    EXPECT_TRUE(record(*e, live));
    EXPECT_TRUE(record(*e, kept)) << "another contact's closed order stays";
  }
  Result<DurableEngine> again = open_durable_engine(history_options(dir), clock);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_FALSE(record(*again, one));
  for (OrderId id : annes) EXPECT_FALSE(record(*again, id)) << id;
  EXPECT_EQ(list(*again, kAnne).total, 1u);
  EXPECT_TRUE(record(*again, kept));
}

TEST(OrderHistory, ACloseAndItsPurgeInOneBatchLeaveNothing) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  Result<DurableEngine> e = open_with_demo(dir, clock);
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  const OrderId a = hold(*e, kAnne, 1000);
  // Submitted together, the release and the purge are usually drained in
  // one batch: the purge must delete the record put earlier in it.
  runtime::WaitableCompletion released, purged;
  ASSERT_TRUE(e->shards->runner(order_shard(a)).submit(as(Release{a}), &released));
  ASSERT_TRUE(e->shards->runner(order_shard(a)).submit(as(PurgeOrderHistory{0, kAnne}), &purged));
  ASSERT_TRUE(released.wait().ok());
  ASSERT_TRUE(purged.wait().ok());
  hold(*e, kPaul, 1000);  // reuses the slot
  EXPECT_FALSE(record(*e, a));
  EXPECT_EQ(list(*e, kAnne).total, 0u);
}

// What names the duplicate on each shard: a closed order only the history
// holds (its slot reused), a closed order in memory, a live one.
std::vector<OrderId> orders_everywhere(DurableEngine& e, ContactId contact, ContactId other) {
  std::vector<OrderId> out;
  for (PerformanceId p : {PerformanceId{1000}, PerformanceId{1001}}) {
    const OrderId stored = hold(e, contact, p);
    EXPECT_TRUE(e.shards->call(as(Release{stored})).ok());
    hold(e, other, p);  // takes stored's slot
    const OrderId closed = hold(e, contact, p);
    const OrderId live = hold(e, contact, p);
    EXPECT_TRUE(e.shards->call(as(Release{closed})).ok());
    out.insert(out.end(), {stored, closed, live});
  }
  return out;
}

// Paul's orders everywhere (returned); Anne and Paul are in the directory
// since open_with_demo.
std::vector<OrderId> anne_and_pauls_orders(DurableEngine& e) { return orders_everywhere(e, kPaul, kAnne); }

TEST(OrderHistory, AMergeMovesLiveClosedAndStoredOrdersToTheSurvivor_AndSurvivesARestart) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  std::vector<OrderId> pauls;
  {
    Result<DurableEngine> e = open_with_demo(dir, clock);
    ASSERT_TRUE(e.is_ok()) << e.status().to_string();
    pauls = anne_and_pauls_orders(*e);
    ASSERT_EQ(list(*e, kAnne).total, 2u);
    ASSERT_EQ(list(*e, kPaul).total, 6u);

    const Reply merged = e->shards->call(as(MergeContacts{kAnne, kPaul}));
    ASSERT_TRUE(merged.ok()) << merged.message;
    EXPECT_EQ(std::get<ContactCard>(merged.detail->value).merged_from, kPaul);
    EXPECT_EQ(list(*e, kPaul).total, 0u);
    EXPECT_EQ(list(*e, kAnne).total, 8u) << "live, closed and stored orders follow the survivor";
    for (OrderId id : pauls) EXPECT_EQ(record(*e, id)->contact, kAnne) << "order " << id;
    const Reply late = e->shards->call(as(Hold{kPaul, workload::kWeb, {workload::demo_line(1000, 1, 2, 1)}, 600'000}));
    EXPECT_EQ(late.code, ReplyCode::kNotFound);
    EXPECT_NE(late.message.find("was merged into contact 7"), std::string::npos) << late.message;
    const Reply card = e->shards->call(as(GetContact{kPaul}));
    EXPECT_NE(card.message.find("was merged into contact 7"), std::string::npos) << card.message;
  }
  Result<DurableEngine> again = open_durable_engine(history_options(dir), clock);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(list(*again, kAnne).total, 8u);
  EXPECT_EQ(list(*again, kPaul).total, 0u);
  for (OrderId id : pauls) EXPECT_EQ(record(*again, id)->contact, kAnne) << "order " << id;
}

TEST(OrderHistory, AMergeTheDirectoryLoggedBeforeACrash_IsFinishedOnTheShardsAtStart) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  std::vector<OrderId> pauls;
  {
    Result<DurableEngine> e = open_with_demo(dir, clock);
    ASSERT_TRUE(e.is_ok()) << e.status().to_string();
    pauls = anne_and_pauls_orders(*e);
    // The directory's write alone, as a kill -9 before the hand-over leaves it.
    runtime::WaitableCompletion done;
    ASSERT_TRUE(e->shards->directory()->submit(as(MergeContacts{kAnne, kPaul}), &done));
    ASSERT_TRUE(done.wait().ok()) << done.wait().message;
    EXPECT_EQ(list(*e, kPaul).total, 6u) << "the shards have not heard of it";
  }
  Result<DurableEngine> again = open_durable_engine(history_options(dir), clock);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(list(*again, kPaul).total, 0u);
  EXPECT_EQ(list(*again, kAnne).total, 8u);
  for (OrderId id : pauls) EXPECT_EQ(record(*again, id)->contact, kAnne) << "order " << id;
  again->shards->stop();
  for (uint32_t s = 0; s < 2; ++s) {
    const Status ok = again->shards->runner(s).shard().check_invariants();
    EXPECT_TRUE(ok.is_ok()) << ok.to_string();
  }
}

// Issue 16's retention: once a performance's start + the retention has
// passed, its confirmed orders leave memory for the history, readable by id
// and by contact, before and after a restart; its stock does not move.
TEST(OrderHistory, ConfirmedOrdersOfAPastPerformanceLeaveMemory_ReadFromTheHistory_AfterARestartToo) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  const workload::DemoVenue venue;
  const PerformanceId past = 1000;  // starts at venue.starts_at_ms; 1001 a day later
  OrderId sold = 0, later = 0;
  std::string before;
  StockSummary stock_before;
  const auto stock = [](DurableEngine& e, PerformanceId p) {
    const Reply r = e.shards->call(as(GetStockSummary{p}));
    EXPECT_TRUE(r.ok()) << r.message;
    return r.detail ? std::get<StockSummary>(r.detail->value) : StockSummary{};
  };
  const auto wait_until = [](auto done) {
    for (int i = 0; i < 5000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return done();
  };
  {
    Result<DurableEngine> e = open_with_demo(dir, clock);
    ASSERT_TRUE(e.is_ok()) << e.status().to_string();
    EXPECT_EQ(e->shards->call(as(SetOrderRetention{1'000})).code, ReplyCode::kInvalidArgument)
        << "a second is no retention";
    ASSERT_TRUE(e->shards->call(as(SetOrderRetention{86'400'000})).ok());
    sold = hold(*e, kAnne, past);
    ASSERT_TRUE(e->shards->call(as(Confirm{sold, {}})).ok());
    later = hold(*e, kAnne, 1001);
    ASSERT_TRUE(e->shards->call(as(Confirm{later, {}})).ok());
    before = encode(*record(*e, sold));
    stock_before = stock(*e, past);
    // A day and a minute after the first performance's start: it is past
    // the retention, the second one (a day later) is not.
    clock.set_ms(venue.starts_at_ms + 86'400'000 + 60'000);
    ASSERT_TRUE(wait_until([&] { return e->shards->call(as(GetOrder{sold})).code == ReplyCode::kNotFound; }))
        << "the order left memory";
    const std::optional<OrderRecord> r = record(*e, sold);
    ASSERT_TRUE(r) << "read from the history";
    EXPECT_EQ(encode(*r), before) << "the record as memory had it";
    EXPECT_EQ(r->state, OrderState::kConfirmed);
    EXPECT_EQ(e->shards->call(as(GetOrder{later})).state, OrderState::kConfirmed) << "its performance is not past";
    EXPECT_EQ(e->shards->call(as(Cancel{sold})).code, ReplyCode::kNotFound) << "no change to a retired order";
    EXPECT_EQ(encode(stock(*e, past)), encode(stock_before)) << "the archived performance's stock does not move";
    const OrderPage page = list(*e, kAnne);
    EXPECT_EQ(page.total, 2u);
  }
  Result<DurableEngine> again = open_durable_engine(history_options(dir), clock);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  const std::optional<OrderRecord> r = record(*again, sold);
  ASSERT_TRUE(r);
  EXPECT_EQ(encode(*r), before);
  EXPECT_EQ(again->shards->call(as(GetOrder{sold})).code, ReplyCode::kNotFound);
  EXPECT_EQ(encode(stock(*again, past)), encode(stock_before));
  EXPECT_EQ(list(*again, kAnne).total, 2u);
  clock.set_ms(venue.starts_at_ms + 2 * 86'400'000 + 60'000);
  ASSERT_TRUE(wait_until([&] { return again->shards->call(as(GetOrder{later})).code == ReplyCode::kNotFound; }));
  EXPECT_EQ(record(*again, later)->state, OrderState::kConfirmed);
  again->shards->stop();
  for (uint32_t s = 0; s < 2; ++s) {
    const Status ok = again->shards->runner(s).shard().check_invariants();
    EXPECT_TRUE(ok.is_ok()) << ok.to_string();
  }
}

// A contact's activity (indicators, cultural history) reads the same once
// its confirmed orders have left memory for the history.
TEST(OrderHistory, AContactsActivityReadsTheSameOnceItsConfirmedOrdersLeaveMemory) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  const workload::DemoVenue venue;
  Result<DurableEngine> e = open_with_demo(dir, clock);
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  ASSERT_TRUE(e->shards->call(as(SetOrderRetention{2 * 86'400'000})).ok());
  std::vector<OrderId> anne;
  for (PerformanceId p : {PerformanceId{1000}, PerformanceId{1000}, PerformanceId{1001}}) {  // two shards
    anne.push_back(hold(*e, kAnne, p));
    ASSERT_TRUE(e->shards->call(as(Confirm{anne.back(), {}})).ok());
  }
  const OrderId released = hold(*e, kAnne, 1001);
  ASSERT_TRUE(e->shards->call(as(Release{released})).ok());
  const auto activity = [&](ContactHistory h) {
    const Reply r = e->shards->call(as(GetContactActivity{kAnne, h, 0, 0, 0, 0}));
    EXPECT_TRUE(r.ok()) << r.message;
    return r.detail ? std::get<ContactActivity>(r.detail->value) : ContactActivity{};
  };
  clock.set_ms(venue.starts_at_ms + 86'400'000 + 60'000);  // both performances played, neither archived yet
  const ContactActivity cultural = activity(ContactHistory::kCultural);
  const ContactActivity mailings = activity(ContactHistory::kMailings);
  EXPECT_EQ(cultural.orders_confirmed, 3u);
  EXPECT_EQ(cultural.performances_attended, 2u);
  EXPECT_EQ(cultural.rows.size(), 3u) << "one row per performance of each order";
  clock.set_ms(venue.starts_at_ms + 3 * 86'400'000 + 60'000);  // both archived
  for (OrderId id : anne)
    for (int i = 0; i < 5000 && e->shards->call(as(GetOrder{id})).code != ReplyCode::kNotFound; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (OrderId id : anne) ASSERT_EQ(e->shards->call(as(GetOrder{id})).code, ReplyCode::kNotFound) << id;
  EXPECT_EQ(encode(activity(ContactHistory::kCultural)), encode(cultural)) << "indicators and rows from the history";
  EXPECT_EQ(encode(activity(ContactHistory::kMailings)), encode(mailings));
}

// ---- The history written behind the log (storage/history_store.h)

struct ChildReport {
  std::vector<OrderId> released;
  OrderId purged = 0;
  uint64_t files = UINT64_MAX;
  bool ready = false;
};

// Runs tessera_history_crash_child on `dir` until it says "ready", then
// kills it with SIGKILL.
ChildReport run_and_kill_child(const TempDir& dir, uint64_t snapshot_every_entries) {
  const std::string out = dir.path() + "/child.out";
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string every = std::to_string(snapshot_every_entries);
    const std::string data = dir.path() + "/data";
    ::execl(TESSERA_HISTORY_CRASH_CHILD, TESSERA_HISTORY_CRASH_CHILD, data.c_str(), every.c_str(), out.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ChildReport report;
  for (int i = 0; i < 60'000 && !report.ready; ++i) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      ADD_FAILURE() << "the child exited before it was ready: " << status;
      return report;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::ifstream in(out);
    std::string word;
    report = ChildReport{};
    uint64_t n = 0;
    while (in >> word) {
      if (word == "ready") {
        report.ready = true;
      } else if (in >> n) {
        if (word == "order") report.released.push_back(OrderId{n});
        if (word == "purged") report.purged = OrderId{n};
        if (word == "files") report.files = n;
      }
    }
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  EXPECT_TRUE(report.ready) << "the child never got ready";
  return report;
}

// What the history store itself holds (not the order's slot in memory).
void expect_stored(CommandLog& log, const ChildReport& child) {
  ASSERT_EQ(child.released.size(), 24u);
  for (OrderId id : child.released) {
    std::string raw;
    ASSERT_TRUE(log.read_history_record(id, &raw).is_ok());
    if (id == child.purged) {
      EXPECT_TRUE(raw.empty()) << id << ": purged before the kill, and stays purged";
      continue;
    }
    OrderRecord r;
    ASSERT_TRUE(decode(raw, r).is_ok()) << id << ": no record in the history after the kill";
    EXPECT_EQ(r.state, OrderState::kReleased) << id;
    EXPECT_EQ(r.contact, kAnne) << id;
  }
  std::vector<std::string> rows;
  ASSERT_TRUE(log.read_history_of_contact(kAnne, &rows).is_ok());
  EXPECT_EQ(rows.size(), 23u) << "the contact's rows: every released order but the purged one";
}

EngineOptions after_child(const TempDir& dir) {
  EngineOptions o = history_options(dir);
  o.data_dir = dir.path() + "/data";
  return o;
}

TEST(OrderHistory, RecordsOnlyInMemoryWhenTheProcessIsKilled_AreRebuiltFromTheLogAtStart) {
  TempDir dir;
  const ChildReport child = run_and_kill_child(dir, 1'000'000'000);
  ASSERT_EQ(child.files, 0u) << "the kill must come before any history file, or this test proves nothing";
  runtime::ManualClock clock(kT0);
  {
    Result<DurableEngine> e = open_durable_engine(after_child(dir), clock);
    ASSERT_TRUE(e.is_ok()) << e.status().to_string();
    expect_stored(*e->log, child);
  }
  // ...and stored for good: the next start finds them in RocksDB.
  Result<DurableEngine> again = open_durable_engine(after_child(dir), clock);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  expect_stored(*again->log, child);
}

TEST(OrderHistory, ASnapshotStoresTheHistoryBeforeIt_SoAStartFromTheSnapshotLosesNone) {
  TempDir dir;
  const ChildReport child = run_and_kill_child(dir, 10);  // several snapshots among the closes
  ASSERT_GE(child.files, 1u) << "each snapshot writes the history before it";
  runtime::ManualClock clock(kT0);
  Result<DurableEngine> e = open_durable_engine(after_child(dir), clock);
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  ASSERT_GT(e->recovery[0].snapshot_next_seq + e->recovery[1].snapshot_next_seq, 0u) << "started from snapshots";
  expect_stored(*e->log, child);
}

// A directory written before the history had its own column family kept
// its 'H' and 'C' keys in the default one: rebuilt here from a current
// directory, they move over on open, and the log is not replayed for them.
TEST(OrderHistory, AHistoryInTheDefaultColumnFamily_MovesToItsOwnOnOpen) {
  TempDir dir;
  runtime::ManualClock clock(kT0);
  OrderId closed = 0;
  std::string before;
  {
    Result<DurableEngine> e = open_with_demo(dir, clock);
    ASSERT_TRUE(e.is_ok()) << e.status().to_string();
    closed = hold(*e, kAnne, 1000);
    ASSERT_TRUE(e->shards->call(as(Release{closed})).ok());
    hold(*e, kPaul, 1000);  // reuses its slot
    before = encode(*record(*e, closed));
  }
  {  // the old layout: history keys in the default family, no watermark
    testing_support::RawDb raw(dir.path());
    ASSERT_TRUE(raw.ok());
    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), raw.history()));
    size_t moved = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->key().starts_with("W")) continue;
      ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), it->key(), it->value()).ok());
      ++moved;
    }
    EXPECT_EQ(moved, 2u) << "the closed order's record and its contact row";
    it.reset();
    ASSERT_TRUE(raw.drop_history());
  }
  Result<DurableEngine> e = open_durable_engine(history_options(dir), clock);
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  const std::optional<OrderRecord> r = record(*e, closed);
  ASSERT_TRUE(r) << "read from the moved history";
  EXPECT_EQ(encode(*r), before);
  EXPECT_EQ(list(*e, kAnne).total, 1u);
  EXPECT_EQ(e->log->history_files(), 0u) << "nothing rebuilt: the watermark is the end of the log";
}

}  // namespace
}  // namespace tessera::storage
