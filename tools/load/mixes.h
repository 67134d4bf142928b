// Mixes: what one tessera-load connection sends, request after request, and
// what it learns from the replies.
//
//   hold-release / hold-confirm  each request first follows up (releases or
//       confirms) the orders held by earlier replies, then fills the batch
//       with new 1-unit holds spread round-robin over the run's performances.
//   rush  holds of 1..quantity_max units of one small performance, each
//       confirmed in a later request; a SoldOut for q units lowers the
//       connection's next quantities below q (stock never returns in a rush),
//       a SoldOut for 1 unit means sold out. Confirmed units are tallied in a
//       RushTally shared by every connection, then checked against the server.
//
//   onsale  holds drawn by OnSalePlan (tools/load/onsale_plan.h) on the
//       comparison venue — GA categories or best-available seats, 1..4 units —
//       then, in a later request, a confirm (some), a release (most), or
//       nothing (left to expire at the TTL). Confirmed units are tallied per
//       category in an OnSaleTally, checked against the server at the end.
//
//   search  quick searches (SearchContacts, one page of a completion list)
//       drawn by FrenchContacts::next_query over the contacts imported at
//       set-up (tools/load/contact_setup.h); any refusal is unexpected.
//
// Thread-safety: a Mix is not thread-safe; the driver calls it under its
// connection's mutex. The tallies are shared and thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "engine/command.h"
#include "net/codec.h"
#include "tools/load/load_options.h"
#include "tools/load/onsale_plan.h"

namespace tessera::tools {

// What a request built by Mix::next carried, handed back with its replies.
struct RequestNote {
  uint32_t follow_ups = 0;           // leading commands acting on earlier orders
  std::vector<uint32_t> quantities;  // rush: units of each command, in order
  std::vector<OnSaleHold> onsale;    // onsale: the draw behind each command, in order
  uint32_t searches = 0;             // search: commands carried
};

class Mix {
 public:
  virtual ~Mix() = default;
  // Appends at most `max` commands of the next request (none = nothing to do now).
  virtual void next(std::vector<engine::Command>& out, uint32_t max, RequestNote& note) = 0;
  // The replies (one per command, in order) of a request built by next().
  virtual void done(const RequestNote& note, const std::vector<net::ClientReply>& replies) = 0;
  // The request failed as a whole: what it carried may or may not be applied.
  virtual void failed(const RequestNote& note) = 0;
  // From now on no new orders; follow-ups still pending continue (rush only).
  virtual void stop_new() = 0;
  // True iff next() would give nothing, now and later.
  virtual bool idle() const = 0;
};

// What went wrong in a run's requests, as the clients saw it; the first
// unexpected reply is kept for the verdict.
class ReplyTally {
 public:
  std::atomic<uint64_t> in_doubt{0};    // commands whose request failed as a whole
  std::atomic<uint64_t> unexpected{0};  // replies a correct server never gives here

  // Counts `r`, the reply to a `what` command, as unexpected.
  void count_unexpected(const char* what, const engine::Reply& r);
  // "What: Code: message" of the first unexpected reply ("" = none).
  std::string first_unexpected() const;

 private:
  mutable std::mutex mutex_;  // guards first_unexpected_
  std::string first_unexpected_;
};

// The confirmed sales of a rush, as the clients saw them.
struct RushTally : ReplyTally {
  std::atomic<uint64_t> confirmed_units{0};
  std::atomic<uint64_t> sold_out_seen{0};  // connections that saw a 1-unit SoldOut
  std::mutex mutex;                        // guards confirmed_orders
  std::vector<engine::OrderId> confirmed_orders;
};

// The confirmed sales of an on-sale run per category, as the clients saw them.
struct OnSaleTally {
  std::array<std::atomic<uint64_t>, kVenueCategories + 1> confirmed_units{};  // by category (0 unused)
  std::atomic<uint64_t> follow_ups_refused{0};  // confirm/release of a hold that had expired meanwhile
  std::atomic<uint64_t> unexpected{0};          // replies a correct server never gives here
};

struct MixTargets {
  std::vector<engine::PerformanceId> performances;  // hold-* mixes: round robin; rush: the one raced
  engine::ProductId product = 1;
  engine::CategoryId category = 1;
  engine::ChannelId channel = 2;
  engine::ContactId contact = 0;
  int64_t hold_ttl_ms = 60'000;
};

// The tallies shared by a run's connections: each mix uses its own, the
// others may be null.
struct MixTallies {
  RushTally* rush = nullptr;
  OnSaleTally* onsale = nullptr;
  ReplyTally* search = nullptr;
};

std::unique_ptr<Mix> make_mix(const LoadOptions& options, const MixTargets& targets, uint64_t seed,
                              const MixTallies& tallies);

}  // namespace tessera::tools
