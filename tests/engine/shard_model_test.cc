// Randomised test: the shard against a deliberately simple reference model.
//
// The model keeps a plain list of orders and decides everything by
// recounting: an order fits iff, with it added, no quota is over its
// capacity. After every step the test compares reply codes, order states and
// the availability of every performance/category/channel, and runs
// check_invariants(). Each run takes a seed; a failure prints it
// (SCOPED_TRACE), and TESSERA_SEED=<n> replays one seed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <vector>

#include "engine/reply_detail.h"
#include "engine/shard.h"
#include "tests/engine/engine_clock.h"
#include "tests/engine/seeded.h"
#include "workload/demo_venue.h"

namespace tessera::engine {
namespace {

using workload::kBoxOffice;
using workload::kPartner;
using workload::kWeb;

constexpr uint32_t kCapacity = 20;  // cat1 10 (1 in the partner contingent), cat2 6, cat3 4
constexpr uint32_t kWebCap = 12;

struct ModelLine {
  PerformanceId performance;
  CategoryId category;
  ContingentId contingent;
  uint32_t quantity;
};

struct ModelOrder {
  OrderId engine_id = 0;
  OrderState state = OrderState::kHeld;
  BookingKind kind = BookingKind::kOption;
  ExpiryPolicy policy = ExpiryPolicy::kReleaseAtDeadline;
  bool locked = false;
  bool keep = false;   // release mark
  int64_t due_ms = 0;  // the follow-up deadline (kept while overdue)
  ChannelId channel = kNone;
  std::vector<ModelLine> lines;
  int64_t created_ms = 0;
  int64_t deadline_ms = 0;
  uint32_t extensions = 0;
};

class Model {
 public:
  std::vector<ModelOrder> orders;

  static bool live(const ModelOrder& o) { return !is_closed(o.state); }
  static ExpiryPolicy policy_of(PerformanceId p) {
    return p.value() / 1000 == 2
               ? ExpiryPolicy::kOverdueThenArchive
               : (p.value() / 1000 == 3 ? ExpiryPolicy::kKeepUntilReleased : ExpiryPolicy::kReleaseAtDeadline);
  }

  // Units used under each quota, recounted from the live orders.
  uint32_t used_open(PerformanceId p, CategoryId c) const {
    return count([&](const ModelOrder&, const ModelLine& l) {
      return l.performance == p && l.category == c && l.contingent == kNone;
    });
  }
  uint32_t used_contingent(ContingentId k) const {
    return count([&](const ModelOrder&, const ModelLine& l) { return l.contingent == k; });
  }
  uint32_t used_performance(PerformanceId p) const {
    return count([&](const ModelOrder&, const ModelLine& l) { return l.performance == p; });
  }
  uint32_t used_web(PerformanceId p) const {
    return count([&](const ModelOrder& o, const ModelLine& l) { return o.channel == kWeb && l.performance == p; });
  }
  template <typename F>
  uint32_t count(F&& match) const {
    uint32_t n = 0;
    for (const ModelOrder& o : orders)
      if (live(o))
        for (const ModelLine& l : o.lines)
          if (match(o, l)) n += l.quantity;
    return n;
  }

  static uint32_t open_capacity(CategoryId c) { return c == 1 ? 9 : (c == 2 ? 6 : 4); }

  int64_t available(PerformanceId p, CategoryId c, ChannelId ch) const {
    int64_t a = int64_t{open_capacity(c)} - used_open(p, c);
    a = std::min<int64_t>(a, int64_t{kCapacity} - used_performance(p));
    if (ch == kWeb) a = std::min<int64_t>(a, int64_t{kWebCap} - used_web(p));
    return a;
  }

  bool fits() const {
    for (PerformanceId p : performances()) {
      if (used_performance(p) > kCapacity || used_web(p) > kWebCap) return false;
      for (uint32_t c = 1; c <= 3; ++c)
        if (used_open(p, c) > open_capacity(c)) return false;
      if (used_contingent(workload::demo_partner_contingent(p)) > 1) return false;
    }
    return true;
  }

  static std::vector<PerformanceId> performances() { return {1000, 1001, 2000, 2001, 3000, 3001}; }

  bool needs_timer(const ModelOrder& o) const {
    if (!live(o) || o.locked) return false;
    if (o.state == OrderState::kHeld || o.state == OrderState::kOverdue) return true;
    if (o.state == OrderState::kOption || o.state == OrderState::kReservation)
      return o.policy != ExpiryPolicy::kKeepUntilReleased;
    return false;
  }

  void expire(int64_t now) {
    for (bool changed = true; changed;) {
      changed = false;
      for (ModelOrder& o : orders) {
        if (!needs_timer(o) || o.deadline_ms > now) continue;
        changed = true;
        if (o.state == OrderState::kHeld) {
          o.state = OrderState::kExpired;
        } else if (o.state == OrderState::kOverdue || o.policy == ExpiryPolicy::kReleaseAtDeadline) {
          o.state = OrderState::kArchived;
        } else {
          o.state = OrderState::kOverdue;
          o.deadline_ms += workload::kOverdueGraceMs;
        }
      }
    }
  }
};

class ModelRun {
 public:
  explicit ModelRun(uint64_t seed) : rng_(seed), shard_(0, 1, kT0) {
    for (const Command& c : workload::demo_catalog()) EXPECT_TRUE(shard_.apply(c, now_).ok());
    workload::DemoVenue venue;
    venue.performances = 2;
    venue.capacity_per_performance = kCapacity;
    venue.web_cap_percent = 60;
    for (uint32_t product = 1; product <= 3; ++product) {
      venue.first_performance = product * 1000;
      for (const Command& c : workload::demo_performances(venue, product)) EXPECT_TRUE(shard_.apply(c, now_).ok());
    }
  }

  void step() {
    switch (pick(17)) {
      case 14:
        mark();
        break;
      case 15:
        release_all();
        break;
      case 16:
        follow_up_count();
        break;
      case 0:
      case 1:
        advance_time();
        break;
      case 2:
      case 3:
      case 4:
        place(/*hold=*/true);
        break;
      case 5:
      case 6:
        place(/*hold=*/false);
        break;
      case 7:
        extend();
        break;
      case 8:
        convert();
        break;
      case 9:
        confirm();
        break;
      case 10:
        simple(Release{});
        break;
      case 11:
        simple(Cancel{});
        break;
      case 12:
        simple(Archive{});
        break;
      default:
        lock_or_reinstate();
        break;
    }
    check();
  }

 private:
  uint32_t pick(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }

  Reply apply(CommandBody body) { return shard_.apply(Command{0, std::move(body)}, now_); }

  // A command on an order the model says cannot take it: closed orders may
  // also have had their slot reused (then the id is simply unknown).
  static void expect_refused(const ModelOrder& o, const Reply& r) {
    if (Model::live(o)) {
      ASSERT_EQ(r.code, ReplyCode::kInvalidState) << r.message;
    } else {
      ASSERT_TRUE(r.code == ReplyCode::kInvalidState || r.code == ReplyCode::kNotFound) << r.message;
    }
  }

  void advance_time() {
    static constexpr int64_t kJumps[] = {0, 1, 999, kMinute, 10 * kMinute, kHour, kDay, 3 * kDay};
    now_ += kJumps[pick(8)];
    while (shard_.advance(now_, 64) == 64) {
    }
    model_.expire(now_);
  }

  ModelOrder* random_order() {
    if (model_.orders.empty()) return nullptr;
    return &model_.orders[pick(static_cast<uint32_t>(model_.orders.size()))];
  }

  void place(bool hold) {
    static constexpr ChannelId kChannels[] = {kWeb, kBoxOffice, kPartner};
    ModelOrder o;
    o.channel = kChannels[pick(3)];
    std::vector<LineRequest> lines;
    const uint32_t n = 1 + pick(2);
    for (uint32_t i = 0; i < n; ++i) {
      // Lines of one order share a performance half of the time (same quotas, summed).
      const PerformanceId p = (i > 0 && pick(2)) ? lines[0].performance : Model::performances()[pick(6)];
      LineRequest l = workload::demo_line(p, p.value() / 1000, 1 + pick(3), 1 + pick(4));
      if (pick(5) == 0) {
        l.category = 1;
        l.contingent = workload::demo_partner_contingent(p);
        l.quantity = 1;
      }
      lines.push_back(l);
      o.lines.push_back(ModelLine{l.performance, l.category, l.contingent, l.quantity});
    }
    o.created_ms = now_;
    o.policy = Model::policy_of(lines[0].performance);
    Reply r;
    if (hold) {
      o.state = OrderState::kHeld;
      o.deadline_ms = now_ + std::min<int64_t>(1000 + pick(31) * kMinute, 30 * kMinute);
      r = apply(Hold{9, o.channel, lines, o.deadline_ms - now_});
    } else {
      o.kind = pick(2) ? BookingKind::kOption : BookingKind::kReservation;
      o.state = o.kind == BookingKind::kOption ? OrderState::kOption : OrderState::kReservation;
      o.deadline_ms = now_ + kHour + pick(5) * kDay;
      o.due_ms = o.deadline_ms;
      r = apply(Book{o.kind, 9, o.channel, lines, o.deadline_ms});
    }
    bool wrong_channel = false;
    for (const ModelLine& l : o.lines) wrong_channel |= (l.contingent != kNone && o.channel != kPartner);
    model_.orders.push_back(o);
    const bool fits = model_.fits();
    if (wrong_channel || !fits) {
      model_.orders.pop_back();
      ASSERT_EQ(r.code, wrong_channel ? ReplyCode::kInvalidArgument : ReplyCode::kSoldOut) << r.message;
      return;
    }
    ASSERT_TRUE(r.ok()) << r.message;
    model_.orders.back().engine_id = r.order;
  }

  void extend() {
    ModelOrder* o = random_order();
    if (!o) return;
    const int64_t ttl = 1000 + pick(20) * kMinute;
    const Reply r = apply(ExtendHold{o->engine_id, ttl});
    if (!Model::live(*o) || o->state != OrderState::kHeld) {
      expect_refused(*o, r);
    } else if (o->extensions >= 3 || now_ + ttl > o->created_ms + 30 * kMinute) {
      ASSERT_EQ(r.code, ReplyCode::kLimitExceeded) << r.message;
    } else {
      ASSERT_TRUE(r.ok()) << r.message;
      ++o->extensions;
      o->deadline_ms = now_ + ttl;
    }
  }

  void convert() {
    ModelOrder* o = random_order();
    if (!o) return;
    const BookingKind kind = pick(2) ? BookingKind::kOption : BookingKind::kReservation;
    const int64_t deadline = now_ + kHour + pick(4) * kDay;
    const Reply r = apply(ConvertHold{o->engine_id, kind, deadline});
    if (!Model::live(*o) || o->state != OrderState::kHeld) {
      expect_refused(*o, r);
      return;
    }
    ASSERT_TRUE(r.ok()) << r.message;
    o->kind = kind;
    o->state = kind == BookingKind::kOption ? OrderState::kOption : OrderState::kReservation;
    o->deadline_ms = deadline;
    o->due_ms = deadline;
  }

  void confirm() {
    ModelOrder* o = random_order();
    if (!o) return;
    std::vector<uint32_t> keep;
    if (pick(2)) {
      for (const ModelLine& l : o->lines) keep.push_back(pick(l.quantity + 1));
      uint32_t total = 0;
      for (uint32_t k : keep) total += k;
      if (total == 0) keep[0] = o->lines[0].quantity;
    }
    const Reply r = apply(Confirm{o->engine_id, keep});
    if (!Model::live(*o) || o->state == OrderState::kConfirmed) {
      expect_refused(*o, r);
      return;
    }
    ASSERT_TRUE(r.ok()) << r.message;
    o->state = OrderState::kConfirmed;
    o->locked = false;
    if (!keep.empty()) {
      for (size_t i = 0; i < keep.size(); ++i) o->lines[i].quantity = keep[i];
      std::erase_if(o->lines, [](const ModelLine& l) { return l.quantity == 0; });
    }
  }

  template <typename C>
  void simple(C c) {
    ModelOrder* o = random_order();
    if (!o) return;
    c.order = o->engine_id;
    const Reply r = apply(c);
    const bool booking =
        o->state == OrderState::kOption || o->state == OrderState::kReservation || o->state == OrderState::kOverdue;
    bool allowed;
    OrderState next;
    if constexpr (std::is_same_v<C, Release>) {
      allowed = Model::live(*o) && o->state != OrderState::kConfirmed;
      next = OrderState::kReleased;
    } else if constexpr (std::is_same_v<C, Cancel>) {
      allowed = o->state == OrderState::kConfirmed;
      next = OrderState::kCancelled;
    } else {
      allowed = booking;
      next = OrderState::kArchived;
    }
    if (!allowed) {
      expect_refused(*o, r);
    } else if (o->locked) {
      ASSERT_EQ(r.code, ReplyCode::kLocked) << r.message;
    } else {
      ASSERT_TRUE(r.ok()) << r.message;
      o->state = next;
    }
  }

  void lock_or_reinstate() {
    ModelOrder* o = random_order();
    if (!o) return;
    const bool booking =
        o->state == OrderState::kOption || o->state == OrderState::kReservation || o->state == OrderState::kOverdue;
    if (pick(3) == 0) {
      const int64_t deadline = now_ + kHour + pick(3) * kDay;
      const Reply r = apply(Reinstate{o->engine_id, deadline});
      if (o->state != OrderState::kOverdue) {
        expect_refused(*o, r);
        return;
      }
      ASSERT_TRUE(r.ok()) << r.message;
      o->state = o->kind == BookingKind::kOption ? OrderState::kOption : OrderState::kReservation;
      o->deadline_ms = deadline;
      o->due_ms = deadline;
      return;
    }
    const bool lock = pick(2);
    const Reply r = apply(SetLock{o->engine_id, lock});
    if (!booking) {
      expect_refused(*o, r);
      return;
    }
    ASSERT_TRUE(r.ok()) << r.message;
    o->locked = lock;
  }

  static bool booking(const ModelOrder& o) {
    return o.state == OrderState::kOption || o.state == OrderState::kReservation || o.state == OrderState::kOverdue;
  }
  static FollowUpFilter follow_up(BookingKind kind, int64_t due_until) {
    FollowUpFilter f;
    f.kind = kind;
    f.due_until_ms = due_until;
    f.season = 1;
    f.family = 1;
    return f;
  }

  void mark() {
    ModelOrder* o = random_order();
    if (!o) return;
    const bool keep = pick(2);
    const Reply r = apply(MarkOrders{{o->engine_id}, keep ? ReleaseMark::kKeep : ReleaseMark::kRelease});
    ASSERT_TRUE(r.ok()) << r.message;
    ASSERT_EQ(r.value, booking(*o) ? 1 : 0);
    if (booking(*o)) o->keep = keep;
  }

  // ReleaseAll against the model: every booking of the kind due by D is
  // released unless locked or marked keep.
  void release_all() {
    const BookingKind kind = pick(2) ? BookingKind::kOption : BookingKind::kReservation;
    const int64_t until = now_ + static_cast<int64_t>(pick(6)) * kDay;
    uint64_t released = 0, kept = 0, locked = 0;
    for (ModelOrder& o : model_.orders) {
      if (!booking(o) || o.kind != kind || o.due_ms > until) continue;
      if (o.locked) {
        ++locked;
      } else if (o.keep) {
        ++kept;
      } else {
        ++released;
        o.state = OrderState::kReleased;
      }
    }
    const Reply r = apply(ReleaseAll{follow_up(kind, until)});
    ASSERT_TRUE(r.ok()) << r.message;
    const auto& s = std::get<ReleaseSummary>(r.detail->value);
    ASSERT_EQ(s.released, released);
    ASSERT_EQ(s.kept, kept);
    ASSERT_EQ(s.locked, locked);
  }

  // The follow-up total equals a recount of the model's rows (an order's
  // consecutive lines of one performance, category and contingent).
  void follow_up_count() {
    const BookingKind kind = pick(2) ? BookingKind::kOption : BookingKind::kReservation;
    const int64_t until = now_ + static_cast<int64_t>(pick(6)) * kDay;
    uint64_t rows = 0;
    for (const ModelOrder& o : model_.orders) {
      if (!booking(o) || o.kind != kind || o.due_ms > until) continue;
      for (size_t i = 0; i < o.lines.size(); ++i) {
        const ModelLine& l = o.lines[i];
        if (i == 0 || l.performance != o.lines[i - 1].performance || l.category != o.lines[i - 1].category ||
            l.contingent != o.lines[i - 1].contingent)
          ++rows;
      }
    }
    const Reply r = apply(QueryFollowUp{follow_up(kind, until), {}, 100});
    ASSERT_TRUE(r.ok()) << r.message;
    const auto& page = std::get<FollowUpPage>(r.detail->value);
    ASSERT_EQ(page.total, rows);
    ASSERT_EQ(page.rows.size(), std::min<uint64_t>(rows, 100));
  }

  void check() {
    const Status s = shard_.check_invariants();
    ASSERT_TRUE(s.is_ok()) << s.to_string();
    for (PerformanceId p : Model::performances())
      for (uint32_t c = 1; c <= 3; ++c)
        for (ChannelId ch : {kWeb, kBoxOffice}) {
          const Reply r = apply(GetAvailability{p, c, kNone, ch, kNone});
          ASSERT_EQ(r.value, model_.available(p, c, ch))
              << "performance " << p << " category " << c << " channel " << ch;
        }
    for (const ModelOrder& o : model_.orders) {
      const Order* e = shard_.find_order(o.engine_id);
      if (!Model::live(o)) {
        ASSERT_TRUE(e == nullptr || !e->live()) << "order " << o.engine_id << " should be closed";
        if (e) {
          ASSERT_EQ(e->state, o.state);
        }
        continue;
      }
      ASSERT_NE(e, nullptr);
      ASSERT_EQ(e->state, o.state) << "order " << o.engine_id;
      ASSERT_EQ(e->deadline_ms, o.deadline_ms) << "order " << o.engine_id;
    }
  }

  std::mt19937_64 rng_;
  int64_t now_ = kT0;
  Shard shard_;
  Model model_;
};

TEST(ShardModel, RandomCommands_MatchTheReferenceModel) { testing_support::run_seeded_steps<ModelRun>(60, 1500); }

}  // namespace
}  // namespace tessera::engine
