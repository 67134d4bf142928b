// PreRegistrationBook: a shard's parts of pre-registrations and of the
// leads made from them (engine/commands_preregistrations.h says what they
// are and how a request spans shards). Holding, booking and releasing the
// stock is the OrderDesk's: a part names the option that holds its lines.
// Each handler validates before it changes anything; in the batch commands
// (match, delete, integrate) that holds per request.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/command.h"
#include "engine/hash.h"
#include "engine/order_book.h"
#include "engine/order_desk.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

// One shard's part of a pre-registration.
struct PreRegPart {
  uint64_t id = 0;
  ChannelId channel{};
  std::string reference;
  PrincipalId submitted_by{};
  int64_t submitted_ms = 0;
  Requester requester;
  std::string text;
  std::vector<LineRequest> lines;  // the lines on this shard
  uint64_t span = 0;               // bit s: the request has lines on shard s
  OrderId order{};                 // the option holding the lines (0: none any more)
  PreRegStatus status = PreRegStatus::kPending;
  MatchMode match_mode = MatchMode::kAutomatic;
  ContactId match_contact{};  // kContact
  // Once integrated or deleted: when, by whom, under which request key, to whom.
  int64_t done_ms = 0;
  PrincipalId done_by{};
  uint64_t done_key = 0;
  ContactId done_contact{};
  auto fields() const {
    return std::tie(id, channel, reference, submitted_by, submitted_ms, requester, text, lines, span, order, status,
                    match_mode, match_contact, done_ms, done_by, done_key, done_contact);
  }
};

class PreRegistrationBook {
 public:
  PreRegistrationBook(uint32_t shard, uint32_t shard_count, OrderBook& book, OrderDesk& desk, const int64_t& now_ms)
      : shard_(shard), shard_count_(shard_count), book_(book), desk_(desk), now_ms_(now_ms) {}

  // What the shard does after this book placed or confirmed an order (the
  // annex fees of a new order; a validated order's client mark, sponsor
  // reward and invoicing).
  void on_placed(std::function<void(OrderId)> f) { on_placed_ = std::move(f); }
  void on_confirmed(std::function<void(OrderId)> f) { on_confirmed_ = std::move(f); }

  Reply on(const SubmitPreRegistration& c, const Caller& who);
  Reply on(const PlacePreRegistration& c, const Caller& who);
  Reply on(const ListPreRegistrations& c, const Caller& who) const;
  Reply on(const SetPreRegistrationMatch& c, const Caller& who);
  Reply on(const DeletePreRegistrations& c, const Caller& who);
  Reply on(const IntegratePreRegistrations& c, const Caller& who) const;
  Reply on(const ApplyPreRegistrations& c, const Caller& who);
  Reply on(const ListLeads& c, const Caller& who) const;
  Reply on(const SetLeadStatus& c, const Caller& who);

  // Pending pre-registrations whose home is this shard (the back office's
  // notice counts them once each).
  uint64_t pending() const { return pending_home_; }

  // Snapshots and the state hash (absent until the first pre-registration).
  struct State {
    uint64_t next_seq = 0;
    std::vector<PreRegPart> parts;  // by id
    std::vector<LeadRow> leads;     // by id
    auto fields() const { return std::tie(next_seq, parts, leads); }
  };
  bool empty() const { return next_seq_ == 0 && parts_.empty() && leads_.empty(); }
  State state() const;
  Status restore(State state);
  void hash_into(Hasher& h) const {
    if (!empty()) h.add(state());
  }
  // Every pending part's option is live, or gone (0); counts agree.
  Status check_invariants() const;

 private:
  Reply check_request(const SubmitPreRegistration& c) const;
  // Places the part of `c` this shard owns under `id`.
  Reply place(uint64_t id, const SubmitPreRegistration& c, const Caller& who);
  PreRegRow row_of(const PreRegPart& p) const;
  // The stored result of an integrated part.
  PreRegResult result_of(const PreRegPart& p) const;
  // Integrates one part as `d` says.
  PreRegResult integrate(PreRegPart& p, const IntegrationDecision& d, const ApplyPreRegistrations& c,
                         const Caller& who);
  void finish(PreRegPart& p, PreRegStatus status, ContactId contact, uint64_t key, const Caller& who);
  static std::string reference_key(ChannelId channel, const std::string& reference);

  uint32_t shard_;
  uint32_t shard_count_;
  OrderBook& book_;
  OrderDesk& desk_;
  const int64_t& now_ms_;
  std::function<void(OrderId)> on_placed_;
  std::function<void(OrderId)> on_confirmed_;
  uint64_t next_seq_ = 0;
  std::map<uint64_t, PreRegPart> parts_;
  std::map<uint64_t, LeadRow> leads_;
  // Derived (rebuilt on restore).
  std::unordered_map<std::string, uint64_t> by_reference_;  // home parts: (channel, reference) → id
  uint64_t pending_home_ = 0;
};

}  // namespace tessera::engine
