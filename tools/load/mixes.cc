// The mixes of tessera-load.
#include "tools/load/mixes.h"

#include <algorithm>
#include <cassert>

#include "net/result_code.h"
#include "workload/demo_venue.h"
#include "workload/french_contacts.h"

namespace tessera::tools {

using namespace tessera::engine;

void ReplyTally::count_unexpected(const char* what, const Reply& r) {
  if (unexpected.fetch_add(1) != 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  first_unexpected_ = cat(what, ": ", net::result_code_name(r.code), ": ", r.message);
}

std::string ReplyTally::first_unexpected() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return first_unexpected_;
}

namespace {

constexpr uint32_t kSearchPageRows = 10;  // rows of a quick-search completion list

Command hold_command(const MixTargets& t, PerformanceId performance, uint32_t quantity, CategoryId category = 0) {
  return Command{0, Hold{t.contact,
                         t.channel,
                         {LineRequest{performance, category != kNone ? category : t.category,
                                      workload::demo_tariff(t.product, 1), quantity, kNone}},
                         t.hold_ttl_ms}};
}

// An order the run holds, with the token a web shop names it by.
struct HeldOrder {
  OrderId order;
  HoldToken token;
  explicit HeldOrder(const net::ClientReply& r) : order(r.order), token(r.hold_token) {}
};

// Confirms (or releases) a held order.
Command follow_up(const HeldOrder& h, bool confirm) {
  Command c{0, confirm ? CommandBody{Confirm{h.order, {}}} : CommandBody{Release{h.order}}};
  c.hold_token = h.token;
  return c;
}

// A mix whose held orders, once stopped, are left to expire on the server
// (hold TTL): hold-release, hold-confirm and onsale.
template <typename Held>
class LeaveToExpireMix : public Mix {
 public:
  void failed(const RequestNote&) override {}
  void stop_new() override {
    stopped_ = true;
    held_.clear();
  }
  bool idle() const override { return stopped_; }

 protected:
  bool stopped_ = false;
  std::deque<Held> held_;
};

// hold-release and hold-confirm.
class FollowUpMix final : public LeaveToExpireMix<HeldOrder> {
 public:
  FollowUpMix(MixTargets targets, bool confirm) : targets_(std::move(targets)), confirm_(confirm) {
    assert(!targets_.performances.empty());
  }

  void next(std::vector<Command>& out, uint32_t max, RequestNote& note) override {
    while (!held_.empty() && out.size() < max) {
      out.push_back(follow_up(held_.front(), confirm_));
      held_.pop_front();
    }
    note.follow_ups = static_cast<uint32_t>(out.size());
    if (stopped_) return;
    while (out.size() < max) {
      out.push_back(hold_command(targets_, targets_.performances[next_performance_], 1));
      next_performance_ = (next_performance_ + 1) % targets_.performances.size();
    }
  }

  void done(const RequestNote& note, const std::vector<net::ClientReply>& replies) override {
    for (size_t i = note.follow_ups; i < replies.size(); ++i)
      if (replies[i].ok()) held_.emplace_back(replies[i]);
  }

 private:
  MixTargets targets_;
  bool confirm_;
  size_t next_performance_ = 0;
};

class RushMix final : public Mix {
 public:
  RushMix(MixTargets targets, uint32_t quantity_max, uint64_t seed, RushTally* tally)
      : targets_(std::move(targets)), quantity_max_(quantity_max), rng_(seed), tally_(tally) {
    assert(targets_.performances.size() == 1 && tally_ && quantity_max_ >= 1);
  }

  void next(std::vector<Command>& out, uint32_t max, RequestNote& note) override {
    while (!held_.empty() && out.size() < max) {
      out.push_back(follow_up(held_.front().order, true));
      note.quantities.push_back(held_.front().quantity);
      held_.pop_front();
    }
    note.follow_ups = static_cast<uint32_t>(out.size());
    if (stopped_ || sold_out_) return;
    while (out.size() < max) {
      const uint32_t q = std::uniform_int_distribution<uint32_t>(1, quantity_max_)(rng_);
      out.push_back(hold_command(targets_, targets_.performances[0], q));
      note.quantities.push_back(q);
    }
  }

  void done(const RequestNote& note, const std::vector<net::ClientReply>& replies) override {
    assert(replies.size() == note.quantities.size());
    for (size_t i = 0; i < replies.size(); ++i) {
      const net::ClientReply& r = replies[i];
      const uint32_t q = note.quantities[i];
      if (i < note.follow_ups) {
        if (r.ok()) {
          tally_->confirmed_units.fetch_add(q);
          std::lock_guard<std::mutex> lock(tally_->mutex);
          tally_->confirmed_orders.push_back(r.order);
        } else {
          tally_->count_unexpected("Confirm", r);
        }
      } else if (r.ok()) {
        held_.push_back(Held{HeldOrder(r), q});
      } else if (r.code == ReplyCode::kSoldOut) {
        // Stock only goes down in a rush: q units will never fit again.
        quantity_max_ = std::min(quantity_max_, q - 1);
        if (quantity_max_ == 0 && !sold_out_) {
          sold_out_ = true;
          tally_->sold_out_seen.fetch_add(1);
        }
      } else if (r.code != ReplyCode::kBusy) {
        tally_->count_unexpected("Hold", r);
      }
    }
  }

  void failed(const RequestNote& note) override { tally_->in_doubt.fetch_add(note.quantities.size()); }
  void stop_new() override { stopped_ = true; }
  bool idle() const override { return (stopped_ || sold_out_) && held_.empty(); }

 private:
  struct Held {
    HeldOrder order;
    uint32_t quantity;
  };

  MixTargets targets_;
  uint32_t quantity_max_;
  std::mt19937_64 rng_;
  RushTally* tally_;
  bool stopped_ = false;
  bool sold_out_ = false;
  std::deque<Held> held_;
};

struct OnSaleHeld {
  HeldOrder order;
  OnSaleHold draw;
};

class OnSaleMix final : public LeaveToExpireMix<OnSaleHeld> {
 public:
  OnSaleMix(MixTargets targets, uint64_t seed, OnSaleTally* tally)
      : targets_(std::move(targets)), plan_(seed), tally_(tally) {
    assert(targets_.performances.size() == 1 && tally_);
  }

  void next(std::vector<Command>& out, uint32_t max, RequestNote& note) override {
    while (!held_.empty() && out.size() < max) {
      const OnSaleHeld& h = held_.front();
      out.push_back(follow_up(h.order, h.draw.follow_up == FollowUp::kConfirm));
      note.onsale.push_back(h.draw);
      held_.pop_front();
    }
    note.follow_ups = static_cast<uint32_t>(out.size());
    if (stopped_) return;
    while (out.size() < max) {
      const OnSaleHold draw = plan_.next();
      out.push_back(draw.seated ? seat_hold(draw)
                                : hold_command(targets_, targets_.performances[0], draw.quantity, draw.category));
      note.onsale.push_back(draw);
    }
  }

  void done(const RequestNote& note, const std::vector<net::ClientReply>& replies) override {
    assert(replies.size() == note.onsale.size());
    for (size_t i = 0; i < replies.size(); ++i) {
      const net::ClientReply& r = replies[i];
      const OnSaleHold& draw = note.onsale[i];
      if (i < note.follow_ups) {
        if (r.ok() && draw.follow_up == FollowUp::kConfirm)
          tally_->confirmed_units[draw.category].fetch_add(draw.quantity);
        if (r.code == ReplyCode::kInvalidState)
          tally_->follow_ups_refused.fetch_add(1);
        else if (!r.ok())
          tally_->unexpected.fetch_add(1);
      } else if (r.ok()) {
        if (draw.follow_up != FollowUp::kExpire) held_.push_back(OnSaleHeld{HeldOrder(r), draw});
      } else if (r.code != ReplyCode::kSoldOut && r.code != ReplyCode::kBusy) {
        tally_->unexpected.fetch_add(1);
      }
    }
  }

 private:
  Command seat_hold(const OnSaleHold& draw) const {
    const SeatRequest request{targets_.performances[0],
                              kVenueSeatCategory,
                              workload::demo_tariff(targets_.product, 1),
                              kNone,
                              draw.quantity,
                              {},
                              0};
    return Command{0, HoldSeats{targets_.contact, targets_.channel, request, targets_.hold_ttl_ms}};
  }

  MixTargets targets_;
  OnSalePlan plan_;
  OnSaleTally* tally_;
};

// search: an open-ended stream of queries; nothing to follow up.
class SearchMix final : public Mix {
 public:
  SearchMix(uint64_t seed, ReplyTally* tally) : queries_(seed), tally_(tally) { assert(tally_); }

  void next(std::vector<Command>& out, uint32_t max, RequestNote& note) override {
    if (stopped_) return;
    while (out.size() < max)
      out.push_back(Command{0, SearchContacts{queries_.next_query(), 0, kSearchPageRows, false}});
    note.searches = static_cast<uint32_t>(out.size());
  }

  void done(const RequestNote&, const std::vector<net::ClientReply>& replies) override {
    for (const net::ClientReply& r : replies)
      if (!r.ok()) tally_->count_unexpected("SearchContacts", r);
  }

  void failed(const RequestNote& note) override { tally_->in_doubt.fetch_add(note.searches); }
  void stop_new() override { stopped_ = true; }
  bool idle() const override { return stopped_; }

 private:
  workload::FrenchContacts queries_;
  ReplyTally* tally_;
  bool stopped_ = false;
};

}  // namespace

std::unique_ptr<Mix> make_mix(const LoadOptions& options, const MixTargets& targets, uint64_t seed,
                              const MixTallies& tallies) {
  switch (options.mix) {
    case LoadMix::kHoldRelease:
      return std::make_unique<FollowUpMix>(targets, false);
    case LoadMix::kHoldConfirm:
      return std::make_unique<FollowUpMix>(targets, true);
    case LoadMix::kRush:
      return std::make_unique<RushMix>(targets, options.rush_quantity_max, seed, tallies.rush);
    case LoadMix::kOnSale:
      return std::make_unique<OnSaleMix>(targets, seed, tallies.onsale);
    case LoadMix::kExpiry:
      return nullptr;  // not a streaming mix: run_expiry (tools/load/expiry_run.h)
    case LoadMix::kSearch:
      return std::make_unique<SearchMix>(seed, tallies.search);
  }
  return nullptr;
}

}  // namespace tessera::tools
