// History checker: decides whether a history of quota operations recorded by
// the simulator's clients (holds, releases, reads of availability, each with
// the simulated times its request left and its reply arrived) is linearizable
// against a sequential model of one quota. A hold may succeed, or be refused,
// only if some serial order of the operations that overlap it allows it.
//
// Key design choice: Porcupine's search (Wing & Gong with Lowe's memoization,
// as in anishathalye/porcupine checkSingle), run per key since quotas are
// independent. Events are ordered by time with calls before returns at equal
// times, so two operations that merely touch (one's reply and the other's call
// at the same instant) count as concurrent: the permissive choice, which never
// reports a violation that an equal-time tie could explain. An operation whose
// outcome the client never learned (ret == kNever) has no return event: it may
// take effect at any point after its call (up to its effect_deadline, if
// given), or never, and whatever the model answers for it is accepted; the
// search tries such operations only where no known one can go next. Each one
// without a deadline can double the states a failing search visits from its
// call on, so a simulator that knows how long a request can stay in flight
// (or when the server it was sent to crashed) should say so. The search counts memoized states and stops at a
// bound per key, saying so (gave_up) rather than guessing.
//
// Memory: one key's search keeps at most `bound` states; each stores the
// window of resolved operations between the fully resolved prefix (in call
// order) and the last resolved one, plus one bit per outcome-unknown operation
// without a deadline and per hold whose liveness depends on an unknown
// outcome, so a state is a few words when concurrency is low; with the table
// around it, about 40 bytes plus 8 per word.
//
// Thread-safety: check_quota_history is a pure function of its arguments; call
// it from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera::sim {

// Return time of an operation whose outcome the client never learned.
inline constexpr int64_t kNever = INT64_MAX;

// Search states one key may use, whatever bound is asked (state indexes are 32-bit).
inline constexpr uint64_t kStatesPerKeyMax = uint64_t{1} << 31;
// Operations one key may hold (event indexes are 32-bit).
inline constexpr size_t kOpsPerKeyMax = size_t{1} << 28;

enum class OpKind : uint8_t { kHold, kRelease, kRead };

// One client request and its reply, as the client saw them.
struct Operation {
  uint32_t client = 0;
  uint64_t key = 0;  // the quota (performance x category): ops on different keys are independent
  OpKind kind = OpKind::kHold;
  int64_t call = 0;       // simulated time the request left the client
  int64_t ret = kNever;   // simulated time the reply arrived; kNever = outcome unknown (cut, Unavailable, crash)
  uint32_t quantity = 0;  // kHold: seats asked for; kRelease: the quantity of the hold being released
  uint64_t hold = 0;      // kHold: an id for this hold (unique); kRelease: the id of the hold it releases
  bool ok = false;        // only if ret != kNever: kHold held (!ok = refused for lack of stock); kRelease released
  int64_t value = 0;      // kRead: the availability read
  // Only if ret == kNever: the latest simulated time the request can take
  // effect (e.g. its call plus the longest a request stays in flight), or
  // kNever for no bound. A bound lets the search forget the op after it.
  int64_t effect_deadline = kNever;
};

// The verdict. A violation is proven iff !linearizable && !gave_up &&
// !malformed; a pass is proven iff linearizable. gave_up and malformed leave
// linearizable false without claiming a violation.
struct CheckResult {
  bool linearizable = true;
  bool gave_up = false;    // some key needed more than `bound` states; no verdict
  bool malformed = false;  // the input breaks a precondition below; nothing was searched
  uint64_t key = 0;        // the key the violation, give-up or malformation is about
  std::string explanation;
  uint64_t states_visited = 0;  // memoized states, summed over the keys searched
};

// Checks `ops` (any order) against the sequential model, per key:
//   state = available count + live holds (id -> quantity), available starting at capacity[key];
//   Hold(q, id): if available >= q then ok, available -= q, id live; else refused, no change;
//   Release(id): if id live then ok, available += its quantity, id not live; else !ok, no change;
//   Read: returns available.
// Returns linearizable iff every key's operations have a linearization (a
// total order respecting real time, in which every operation with a known
// reply gets that reply; outcome-unknown ones may be left out). A violation
// names the key and the operation ending the shortest event prefix of that key
// that has no linearization. Keys are checked in ascending order; a proven
// violation wins over a give-up on another key.
// REQUIRES (else malformed): every key has a capacity; call != kNever,
// call <= ret, and call <= effect_deadline if ret == kNever; hold ids unique;
// a release naming a hold of the history is on that hold's key with that
// hold's quantity; at most kOpsPerKeyMax ops per key. A bound above
// kStatesPerKeyMax counts as kStatesPerKeyMax.
CheckResult check_quota_history(const std::map<uint64_t, int64_t>& capacity, std::vector<Operation> ops,
                                uint64_t bound = 2'000'000);

// One line naming the operation: kind, client, times, quantity/id or value, and reply.
std::string to_string(const Operation& op);

}  // namespace tessera::sim
