// Linearizability search over quota histories (see history_checker.h).
//
// Per key, the operations with a known reply become a doubly linked list of
// call and return events in time order (calls first at equal times). The
// search walks the list from its head: at a call, it tries to take that
// operation's effect next (the model must give the recorded reply) and, if the
// resulting state is new, lifts the operation out of the list and starts over
// from the head. At a return, the operation it closes was not linearized in
// time, so before backtracking the last choice it tries the outcome-unknown
// operations called before that return, which live in a list of their own:
// trying them last means a passing history applies them only where a later
// reply needs them, instead of guessing early and undoing. Such an operation
// is taken only if it changes something (leaving out a hold that does not fit
// is the same history). One with an effect deadline also has a deadline event
// in the main list; reaching it, the search may rule the operation out, so
// that its "applied or not" stops multiplying the states after the deadline.
// The search succeeds once every known operation (and every one with a
// deadline) is resolved; outcome-unknown operations left over never happened.
#include "sim/history_checker.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdio>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace tessera::sim {
namespace {

constexpr int32_t kNone = -1;

// One operation of the key being searched, with its indexes into the search state.
struct KeyOp {
  Operation op;
  bool known = true;          // ret != kNever
  bool required = true;       // known, or with an effect deadline: the search must resolve it
  uint32_t bit = 0;           // index in the required (call order) or the free (deadline-less unknown) bits
  int32_t hold = kNone;       // kHold: its index in live; kRelease: the index of the hold it names, if any
  int32_t ambiguous = kNone;  // kHold: index in the ambiguous-live bits, if its liveness is not implied
  int32_t call_node = kNone;  // its call event
};

// Whether taking `o` (once the model accepted it) changes the live holds.
bool takes_effect(const KeyOp& o) { return o.op.kind != OpKind::kRead && (!o.known || o.op.ok); }

void set_bit(std::vector<uint64_t>& words, size_t i) { words[i / 64] |= uint64_t{1} << (i % 64); }
void clear_bit(std::vector<uint64_t>& words, size_t i) { words[i / 64] &= ~(uint64_t{1} << (i % 64)); }

// Bits over the required operations in call order. Keeps the first word that is
// not full and one past the last nonzero word, so a memo key stores only the
// window in between: the linearized set of a search is all ones up to about
// the oldest pending operation, then a few bits, then zeros.
class WindowBits {
 public:
  explicit WindowBits(size_t bits) : words_((bits + 63) / 64, 0), bits_(bits) {}

  void set(size_t i) {
    set_bit(words_, i);
    const size_t w = i / 64;
    high_ = std::max(high_, w + 1);
    while (low_ < words_.size() && words_[low_] == full(low_)) ++low_;
  }
  void clear(size_t i) {
    clear_bit(words_, i);
    const size_t w = i / 64;
    low_ = std::min(low_, w);
    while (high_ > low_ && words_[high_ - 1] == 0) --high_;
  }
  void append_key(std::vector<uint64_t>& out) const {
    const size_t len = high_ > low_ ? high_ - low_ : 0;
    out.push_back(uint64_t{low_} | uint64_t{len} << 32);
    out.insert(out.end(), words_.begin() + static_cast<std::ptrdiff_t>(low_),
               words_.begin() + static_cast<std::ptrdiff_t>(low_ + len));
  }

 private:
  uint64_t full(size_t w) const {
    const size_t rest = bits_ - w * 64;
    return rest >= 64 ? ~uint64_t{0} : (uint64_t{1} << rest) - 1;
  }

  std::vector<uint64_t> words_;
  size_t bits_;
  size_t low_ = 0;   // words [0, low_) are full
  size_t high_ = 0;  // words [high_, end) are zero
};

// The memoized search states of one key: open addressing over state indexes,
// the states stored back to back in one arena.
class StateSet {
 public:
  // Returns true iff `state` was not in the set (it is now).
  bool insert(const std::vector<uint64_t>& state) {
    const uint64_t h = hash(state);
    if ((size() + 1) * 2 > slots_.size()) grow();
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const uint32_t s = slots_[i];
      if (s == 0) {
        slots_[i] = static_cast<uint32_t>(size() + 1);
        hashes_.push_back(h);
        arena_.insert(arena_.end(), state.begin(), state.end());
        offsets_.push_back(arena_.size());
        return true;
      }
      if (hashes_[s - 1] == h && equal(s - 1, state)) return false;
    }
  }
  size_t size() const { return hashes_.size(); }

 private:
  static uint64_t hash(const std::vector<uint64_t>& state) {
    uint64_t h = state.size();
    for (uint64_t w : state) {
      h = (h ^ w) * 0x9E3779B97F4A7C15u;
      h ^= h >> 29;
    }
    h ^= h >> 32;
    return h * 0xD6E8FEB86659FD93u;
  }
  bool equal(size_t index, const std::vector<uint64_t>& state) const {
    const size_t begin = offsets_[index], end = offsets_[index + 1];
    return end - begin == state.size() &&
           std::equal(state.begin(), state.end(), arena_.begin() + static_cast<std::ptrdiff_t>(begin));
  }
  void grow() {
    slots_.assign(slots_.size() * 2, 0);
    const size_t mask = slots_.size() - 1;
    for (size_t s = 0; s < size(); ++s) {
      size_t i = hashes_[s] & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = static_cast<uint32_t>(s + 1);
    }
  }

  std::vector<uint64_t> arena_;
  std::vector<size_t> offsets_{0};
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> slots_ = std::vector<uint32_t>(64, 0);
};

// Porcupine's checkSingle over one key's operations, with outcome-unknown
// operations kept in a list of their own and tried after the known ones.
class KeySearch {
 public:
  KeySearch(uint64_t key, int64_t capacity, std::vector<KeyOp> ops, size_t required_count, size_t free_count,
            size_t hold_count, size_t ambiguous_count, uint64_t bound);

  // Returns the verdict for this key; states_visited is this key's.
  CheckResult run();

 private:
  enum class NodeKind : uint8_t {
    kSentinel,
    kCall,         // a known op's call, in the main list
    kReturn,       // a known op's return, in the main list
    kUnknownCall,  // an outcome-unknown op's call, in the unknown list
    kDeadline,     // an outcome-unknown op's effect deadline, in the main list
  };
  struct Node {
    int32_t prev = kNone, next = kNone;
    int32_t match = kNone;  // a call's return or deadline node, if any
    int32_t op = kNone;
    NodeKind kind = NodeKind::kSentinel;
  };
  enum class Move : uint8_t { kApply, kDrop };  // take the op's effect, or rule it out (at its deadline)
  struct Frame {
    int32_t node;  // the op's call node
    Move move;
    int32_t blocking;  // the return or deadline node the unknown list was walked up to
    int64_t available_before;
  };
  // Where the walk is: the main list from its head, then the unknown list up to `blocking`.
  struct Cursor {
    bool in_unknown = false;
    int32_t entry = kNone;
    int32_t blocking = kNone;
  };

  void build_events();
  bool try_move(int32_t call_node, Move move, int32_t blocking);
  bool backtrack(Cursor& at);
  bool apply(const KeyOp& o);
  void unapply(const KeyOp& o, int64_t available_before);
  void set_resolved(const KeyOp& o, bool resolved);
  void set_live(const KeyOp& hold_op, bool live);
  void lift(int32_t n);
  void unlift(int32_t n);
  void state_key(std::vector<uint64_t>& out) const;
  void note_blocked(int32_t n);
  std::string describe_violation() const;
  Cursor restart() const { return {false, nodes_[main_head_].next, kNone}; }

  uint64_t key_;
  int64_t available_;
  std::vector<KeyOp> ops_;
  size_t required_count_, resolved_ = 0;
  uint64_t bound_;
  bool gave_up_ = false;
  // Event nodes in time order, then the sentinels: a node's index is its
  // position in time, so "called before that return" is an index comparison.
  std::vector<Node> nodes_;
  int32_t main_head_ = kNone, main_tail_ = kNone, unknown_head_ = kNone, unknown_tail_ = kNone;
  std::vector<int32_t> hold_op_;  // live index -> index in ops_
  std::vector<uint8_t> live_;
  WindowBits required_bits_;
  std::vector<uint64_t> free_bits_, ambiguous_live_bits_;
  std::vector<Frame> frames_;
  StateSet memo_;
  std::vector<uint64_t> scratch_;
  int32_t furthest_ = kNone;  // the latest return node at which the search got stuck
  std::vector<int64_t> furthest_available_;
};

KeySearch::KeySearch(uint64_t key, int64_t capacity, std::vector<KeyOp> ops, size_t required_count, size_t free_count,
                     size_t hold_count, size_t ambiguous_count, uint64_t bound)
    : key_(key),
      available_(capacity),
      ops_(std::move(ops)),
      required_count_(required_count),
      bound_(bound),
      hold_op_(hold_count, kNone),
      live_(hold_count, 0),
      required_bits_(required_count),
      free_bits_((free_count + 63) / 64, 0),
      ambiguous_live_bits_((ambiguous_count + 63) / 64, 0) {
  for (size_t i = 0; i < ops_.size(); ++i) {
    if (ops_[i].op.kind == OpKind::kHold) hold_op_[static_cast<size_t>(ops_[i].hold)] = static_cast<int32_t>(i);
  }
  build_events();
}

void KeySearch::build_events() {
  struct Event {
    int64_t time;
    bool is_call;
    int32_t op;
  };
  std::vector<Event> events;
  for (size_t i = 0; i < ops_.size(); ++i) {
    const KeyOp& o = ops_[i];
    events.push_back({o.op.call, true, static_cast<int32_t>(i)});
    if (o.known) events.push_back({o.op.ret, false, static_cast<int32_t>(i)});
    if (!o.known && o.required) events.push_back({o.op.effect_deadline, false, static_cast<int32_t>(i)});
  }
  // Calls before returns and deadlines at equal times: touching operations are concurrent.
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return std::tuple(a.time, !a.is_call, a.op) < std::tuple(b.time, !b.is_call, b.op);
  });
  const auto count = static_cast<int32_t>(events.size());
  main_head_ = count;
  main_tail_ = count + 1;
  unknown_head_ = count + 2;
  unknown_tail_ = count + 3;
  nodes_.resize(events.size() + 4);
  int32_t main_last = main_head_, unknown_last = unknown_head_;
  auto append = [this](int32_t& last, int32_t n) {
    nodes_[last].next = n;
    nodes_[n].prev = last;
    last = n;
  };
  for (int32_t n = 0; n < count; ++n) {
    Node& node = nodes_[n];
    node.op = events[n].op;
    KeyOp& o = ops_[static_cast<size_t>(node.op)];
    if (events[n].is_call) {
      node.kind = o.known ? NodeKind::kCall : NodeKind::kUnknownCall;
      o.call_node = n;
    } else {
      node.kind = o.known ? NodeKind::kReturn : NodeKind::kDeadline;
      nodes_[o.call_node].match = n;
    }
    append(node.kind == NodeKind::kUnknownCall ? unknown_last : main_last, n);
  }
  append(main_last, main_tail_);
  append(unknown_last, unknown_tail_);
}

// Takes `move` for the op called at `call_node` if the model allows it and the
// state it leads to is new; then lifts the op out of the lists. Returns
// whether it did; sets gave_up_ (and returns false) past the bound.
bool KeySearch::try_move(int32_t call_node, Move move, int32_t blocking) {
  const KeyOp& o = ops_[static_cast<size_t>(nodes_[call_node].op)];
  const int64_t available_before = available_;
  if (move == Move::kApply && !apply(o)) return false;
  set_resolved(o, true);
  state_key(scratch_);
  if (!memo_.insert(scratch_)) {
    set_resolved(o, false);
    if (move == Move::kApply) unapply(o, available_before);
    return false;
  }
  if (memo_.size() > bound_) {
    gave_up_ = true;
    return false;
  }
  frames_.push_back({call_node, move, blocking, available_before});
  lift(call_node);
  return true;
}

// Undoes moves until one leaves another choice; points `at` just past it.
// Returns false when no move is left: no linearization exists.
bool KeySearch::backtrack(Cursor& at) {
  while (!frames_.empty()) {
    const Frame f = frames_.back();
    frames_.pop_back();
    const KeyOp& o = ops_[static_cast<size_t>(nodes_[f.node].op)];
    set_resolved(o, false);
    if (f.move == Move::kApply) unapply(o, f.available_before);
    unlift(f.node);
    if (f.move == Move::kDrop) continue;  // dropping at the deadline was the last choice there
    const bool unknown = nodes_[f.node].kind == NodeKind::kUnknownCall;
    at = {unknown, nodes_[f.node].next, unknown ? f.blocking : kNone};
    return true;
  }
  return false;
}

// Applies `o` if the model gives its recorded reply (an outcome-unknown op:
// if it changes something). Returns whether it did; no change otherwise.
bool KeySearch::apply(const KeyOp& o) {
  switch (o.op.kind) {
    case OpKind::kHold: {
      const bool fits = available_ >= int64_t{o.op.quantity};
      if (o.known ? fits != o.op.ok : !fits) return false;
      if (takes_effect(o)) {
        set_live(o, true);
        available_ -= o.op.quantity;
      }
      return true;
    }
    case OpKind::kRelease: {
      const bool live = o.hold != kNone && live_[static_cast<size_t>(o.hold)] != 0;
      if (o.known ? live != o.op.ok : !live) return false;
      if (takes_effect(o)) {
        const KeyOp& held = ops_[static_cast<size_t>(hold_op_[static_cast<size_t>(o.hold)])];
        set_live(held, false);
        available_ += held.op.quantity;
      }
      return true;
    }
    case OpKind::kRead:
      return available_ == o.op.value;
  }
  return false;
}

void KeySearch::unapply(const KeyOp& o, int64_t available_before) {
  if (takes_effect(o)) {
    const bool was_release = o.op.kind == OpKind::kRelease;
    set_live(was_release ? ops_[static_cast<size_t>(hold_op_[static_cast<size_t>(o.hold)])] : o, was_release);
  }
  available_ = available_before;
}

void KeySearch::set_resolved(const KeyOp& o, bool resolved) {
  if (o.required) {
    resolved ? required_bits_.set(o.bit) : required_bits_.clear(o.bit);
    resolved ? ++resolved_ : --resolved_;
  } else {
    resolved ? set_bit(free_bits_, o.bit) : clear_bit(free_bits_, o.bit);
  }
}

void KeySearch::set_live(const KeyOp& hold_op, bool live) {
  assert(hold_op.op.kind == OpKind::kHold && live_[static_cast<size_t>(hold_op.hold)] != live);
  live_[static_cast<size_t>(hold_op.hold)] = live ? 1 : 0;
  if (hold_op.ambiguous == kNone) return;
  if (live) {
    set_bit(ambiguous_live_bits_, static_cast<size_t>(hold_op.ambiguous));
  } else {
    clear_bit(ambiguous_live_bits_, static_cast<size_t>(hold_op.ambiguous));
  }
}

void KeySearch::lift(int32_t n) {
  for (int32_t m : {n, nodes_[n].match}) {
    if (m == kNone) continue;
    nodes_[nodes_[m].prev].next = nodes_[m].next;
    nodes_[nodes_[m].next].prev = nodes_[m].prev;
  }
}

void KeySearch::unlift(int32_t n) {
  for (int32_t m : {nodes_[n].match, n}) {
    if (m == kNone) continue;
    nodes_[nodes_[m].prev].next = m;
    nodes_[nodes_[m].next].prev = m;
  }
}

// The memo key: resolved required ops (window), applied free ops, and the
// liveness of holds it does not imply. Available is a function of the live
// holds, and a hold whose outcome and releases are all known is live iff it
// held and no successful release of it is linearized. An op applied and one
// dropped at its deadline leave the same future, so they share a bit.
void KeySearch::state_key(std::vector<uint64_t>& out) const {
  out.clear();
  required_bits_.append_key(out);
  out.insert(out.end(), free_bits_.begin(), free_bits_.end());
  out.insert(out.end(), ambiguous_live_bits_.begin(), ambiguous_live_bits_.end());
}

void KeySearch::note_blocked(int32_t n) {
  if (n > furthest_) {
    furthest_ = n;
    furthest_available_.clear();
  }
  if (n == furthest_ && furthest_available_.size() < 4 &&
      std::find(furthest_available_.begin(), furthest_available_.end(), available_) == furthest_available_.end()) {
    furthest_available_.push_back(available_);
  }
}

std::string KeySearch::describe_violation() const {
  assert(furthest_ != kNone);
  size_t op_count = 0;
  for (int32_t n = 0; n <= furthest_; ++n) {
    op_count += nodes_[n].kind == NodeKind::kCall || nodes_[n].kind == NodeKind::kUnknownCall ? 1 : 0;
  }
  std::string seen;
  std::vector<int64_t> values = furthest_available_;
  std::sort(values.begin(), values.end());
  for (int64_t v : values) seen += (seen.empty() ? "" : ", ") + std::to_string(v);
  return "key " + std::to_string(key_) + ": the first " + std::to_string(furthest_ + 1) + " events (" +
         std::to_string(op_count) + " operations) have no linearization; " +
         to_string(ops_[static_cast<size_t>(nodes_[furthest_].op)].op) +
         " cannot take effect in any order of the operations before its reply (available when it was due: " + seen +
         ")";
}

CheckResult KeySearch::run() {
  CheckResult result;
  result.key = key_;
  Cursor at = restart();
  while (resolved_ < required_count_ && !gave_up_) {
    if (!at.in_unknown) {
      // A required op's return or deadline precedes the tail, and the walk stops there.
      assert(at.entry != main_tail_);
      const Node& node = nodes_[at.entry];
      if (node.kind != NodeKind::kCall) {
        at = {true, nodes_[unknown_head_].next, at.entry};
      } else {
        at = try_move(at.entry, Move::kApply, kNone) ? restart() : Cursor{false, node.next, kNone};
      }
      continue;
    }
    if (at.entry < at.blocking) {  // an outcome-unknown op called before the blocking node
      at = try_move(at.entry, Move::kApply, at.blocking) ? restart() : Cursor{true, nodes_[at.entry].next, at.blocking};
      continue;
    }
    const Node& block = nodes_[at.blocking];
    if (block.kind == NodeKind::kDeadline &&
        try_move(ops_[static_cast<size_t>(block.op)].call_node, Move::kDrop, at.blocking)) {
      at = restart();
      continue;
    }
    if (block.kind == NodeKind::kReturn) note_blocked(at.blocking);
    if (!backtrack(at)) {
      result.linearizable = false;
      result.states_visited = memo_.size();
      result.explanation = describe_violation();
      return result;
    }
  }
  result.states_visited = memo_.size();
  if (gave_up_) {
    result.linearizable = false;
    result.gave_up = true;
    result.explanation =
        "key " + std::to_string(key_) + ": gave up after " + std::to_string(bound_) + " search states; no verdict";
  }
  return result;
}

CheckResult malformed(uint64_t key, std::string why) {
  CheckResult r;
  r.linearizable = false;
  r.malformed = true;
  r.key = key;
  r.explanation = "key " + std::to_string(key) + ": malformed history: " + std::move(why);
  return r;
}

// Returns a malformation of `ops` (result.malformed) or a default result.
CheckResult validate(const std::map<uint64_t, int64_t>& capacity, const std::vector<Operation>& ops) {
  std::unordered_map<uint64_t, const Operation*> holds;
  for (const Operation& op : ops) {
    if (!capacity.contains(op.key)) return malformed(op.key, "no capacity for the key of " + to_string(op));
    if (op.call == kNever || op.ret < op.call || (op.ret == kNever && op.effect_deadline < op.call)) {
      return malformed(op.key, "bad times in " + to_string(op));
    }
    if (op.kind == OpKind::kHold && !holds.emplace(op.hold, &op).second) {
      return malformed(op.key, "hold id used twice: " + to_string(op));
    }
  }
  for (const Operation& op : ops) {
    if (op.kind != OpKind::kRelease) continue;
    const auto it = holds.find(op.hold);
    if (it == holds.end()) continue;
    if (it->second->key != op.key || it->second->quantity != op.quantity) {
      return malformed(op.key, to_string(op) + " does not match " + to_string(*it->second));
    }
  }
  return {};
}

// Indexes one key's operations for the search and runs it.
CheckResult check_key(uint64_t key, int64_t capacity, std::vector<Operation> key_ops, uint64_t bound) {
  if (key_ops.size() > kOpsPerKeyMax) return malformed(key, "more than kOpsPerKeyMax operations");
  // Required ops first, in call order (so the resolved set is a prefix plus a window).
  auto is_free = [](const Operation& op) { return op.ret == kNever && op.effect_deadline == kNever; };
  std::stable_sort(key_ops.begin(), key_ops.end(), [&](const Operation& a, const Operation& b) {
    return std::pair(is_free(a), a.call) < std::pair(is_free(b), b.call);
  });
  std::unordered_map<uint64_t, bool> release_unknown;  // hold id on this key -> some release of it is unknown
  for (const Operation& op : key_ops) {
    if (op.kind == OpKind::kHold) release_unknown.emplace(op.hold, false);
  }
  for (const Operation& op : key_ops) {
    if (op.kind == OpKind::kRelease && op.ret == kNever && release_unknown.contains(op.hold)) {
      release_unknown[op.hold] = true;
    }
  }
  std::vector<KeyOp> ops;
  std::unordered_map<uint64_t, int32_t> live_index;  // hold id -> index in live
  size_t required = 0, free = 0, holds = 0, ambiguous = 0;
  for (const Operation& op : key_ops) {
    KeyOp o{.op = op, .known = op.ret != kNever, .required = !is_free(op)};
    // An outcome-unknown read constrains nothing; an outcome-unknown release of
    // a hold that is not in the history can do nothing.
    if (!o.known && op.kind == OpKind::kRead) continue;
    if (!o.known && op.kind == OpKind::kRelease && !release_unknown.contains(op.hold)) continue;
    if (op.kind == OpKind::kHold) {
      o.hold = static_cast<int32_t>(holds++);
      live_index[op.hold] = o.hold;
      if (!o.known || release_unknown[op.hold]) o.ambiguous = static_cast<int32_t>(ambiguous++);
    }
    o.bit = static_cast<uint32_t>(o.required ? required++ : free++);
    ops.push_back(o);
  }
  for (KeyOp& o : ops) {
    if (o.op.kind != OpKind::kRelease) continue;
    if (const auto it = live_index.find(o.op.hold); it != live_index.end()) o.hold = it->second;
  }
  KeySearch search(key, capacity, std::move(ops), required, free, holds, ambiguous, bound);
  return search.run();
}

const char* kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::kHold:
      return "hold";
    case OpKind::kRelease:
      return "release";
    case OpKind::kRead:
      return "read";
  }
  return "?";
}

}  // namespace

CheckResult check_quota_history(const std::map<uint64_t, int64_t>& capacity, std::vector<Operation> ops,
                                uint64_t bound) {
  bound = std::min(bound, kStatesPerKeyMax);
  if (CheckResult bad = validate(capacity, ops); bad.malformed) return bad;
  std::map<uint64_t, std::vector<Operation>> by_key;
  for (Operation& op : ops) by_key[op.key].push_back(op);
  CheckResult verdict, gave_up;
  for (auto& [key, key_ops] : by_key) {
    CheckResult r = check_key(key, capacity.at(key), std::move(key_ops), bound);
    verdict.states_visited += r.states_visited;
    if (r.malformed || (!r.linearizable && !r.gave_up)) {
      r.states_visited = verdict.states_visited;
      return r;
    }
    if (r.gave_up && !gave_up.gave_up) gave_up = std::move(r);
  }
  if (gave_up.gave_up) {
    gave_up.states_visited = verdict.states_visited;
    return gave_up;
  }
  return verdict;
}

std::string to_string(const Operation& op) {
  char times[96];
  if (op.ret == kNever && op.effect_deadline != kNever) {
    std::snprintf(times, sizeof times, "[%lld, never, effect by %lld]", static_cast<long long>(op.call),
                  static_cast<long long>(op.effect_deadline));
  } else if (op.ret == kNever) {
    std::snprintf(times, sizeof times, "[%lld, never]", static_cast<long long>(op.call));
  } else {
    std::snprintf(times, sizeof times, "[%lld, %lld]", static_cast<long long>(op.call), static_cast<long long>(op.ret));
  }
  std::string s = std::string(kind_name(op.kind)) + " by client " + std::to_string(op.client) + " " + times;
  const std::string id = " #" + std::to_string(op.hold) + " of " + std::to_string(op.quantity);
  const bool known = op.ret != kNever;
  switch (op.kind) {
    case OpKind::kHold:
      return s + id + " -> " + (!known ? "unknown" : op.ok ? "held" : "refused");
    case OpKind::kRelease:
      return s + id + " -> " + (!known ? "unknown" : op.ok ? "released" : "not released");
    case OpKind::kRead:
      return s + " -> " + (!known ? std::string("unknown") : std::to_string(op.value));
  }
  return s;
}

}  // namespace tessera::sim
