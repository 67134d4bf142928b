// TimingWheel: every pending deadline of one shard (hold expiries, option
// releases, ...), kept in a hierarchical timing wheel (Varghese & Lauck) with
// millisecond ticks.
//
// Key design choice: six levels of 256 slots cover 48 bits of milliseconds
// (about 8,900 years), so there is no overflow list. Timers are nodes in one
// slab, linked into an intrusive FIFO list per slot: schedule and cancel are
// O(1) and allocate nothing once the slab has grown. A 256-bit occupancy
// bitmap per level lets advance() jump straight to the next non-empty slot
// with count-trailing-zeros, so advancing days or years costs a few bit scans,
// never one step per tick. Expiries are fired in budgeted slices, so a million
// timers due at the same millisecond never stall the shard for long.
//
// Invariant (checked by invariant_violation()): with cur = next_tick_ms(),
// every pending timer has due d >= cur and sits at level L = index of the
// highest 8-bit group in which d and cur differ (L = 0 if only bits 0..7
// differ), in slot (d >> 8L) & 255. So all level-L timers are due before all
// level-(L+1) timers, no level above 0 holds a timer in cur's own slot, and
// level-0 slot s holds exactly the timers due at (cur & ~255) | s, in
// schedule order. Whenever cur moves, the slots it enters at levels > 0 are
// cascaded at once (re-placed relative to the new cur), which keeps this
// exact and makes same-due timers fire in schedule order.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/limits.h"

namespace tessera::engine {

// Names one scheduled timer. Packed: slot index in the node slab (low 32
// bits) + generation of that node (high 32 bits, never 0), so a stale id never
// cancels a reused node (until one node is reused 2^32 times).
struct TimerId {
  uint64_t raw = 0;
  bool valid() const { return raw != 0; }
  friend bool operator==(TimerId, TimerId) = default;
};

// A hierarchical timing wheel of millisecond ticks. Time is always an
// argument; the wheel reads no clock and does no I/O.
// Thread-safety: none. Owned and called by one thread only (its shard's);
// on_expire callbacks run on that thread and may re-enter schedule()/cancel().
class TimingWheel {
 public:
  static constexpr int kLevels = 6, kSlotBits = 8;  // 48 bits of ms: any due < 2^48 fits, no overflow list
  static constexpr int kSlots = 1 << kSlotBits;
  static constexpr int64_t kDueMax = (int64_t{1} << (kLevels * kSlotBits)) - 1;
  static constexpr uint32_t kTimersMax = 0xFFFF'FFFEu;  // slab indexes are uint32; one value is the nil link
  static_assert(kDueMax == kTimeMsMax, "the wheel must cover engine time");

  // start_ms = first tick not yet processed. capacity_hint = timers to reserve
  // room for, so that scheduling up to that many allocates nothing.
  // REQUIRES 0 <= start_ms <= kDueMax.
  explicit TimingWheel(int64_t start_ms = 0, uint32_t capacity_hint = 0);

  // Schedules a timer due at due_ms carrying payload; returns its id (valid).
  // A due in the past (< next_tick_ms()) is clamped to next_tick_ms(): it fires
  // at the next advance(), and due_ms()/on_expire report the clamped value.
  // REQUIRES 0 <= due_ms <= kDueMax, size() < kTimersMax.
  TimerId schedule(int64_t due_ms, uint64_t payload);

  // Returns true iff id was pending and is now cancelled. Stale, fired and
  // invalid ids return false. O(1).
  bool cancel(TimerId id);

  // Fires, in due order (same due: schedule order), pending timers with
  // due <= now_ms, at most `budget` of them, calling
  // on_expire(TimerId id, uint64_t payload, int64_t due_ms) for each. The timer
  // is removed BEFORE the callback runs; the callback may call schedule() and
  // cancel() (not advance()); a timer it schedules with due <= now_ms fires in
  // this same call if budget remains. Returns the number fired. If that is
  // == budget more may be due: call again (bounded slices). After a call that
  // fired < budget, next_tick_ms() == now_ms + 1. A call with
  // now_ms < next_tick_ms() does nothing and returns 0.
  // REQUIRES now_ms <= kDueMax, now_ms >= next_tick_ms() - 1 (time never goes back).
  template <typename F>
  uint32_t advance(int64_t now_ms, uint32_t budget, F&& on_expire);

  // All pending timers have due >= this. At most kDueMax + 1.
  int64_t next_tick_ms() const { return cur_ms_; }
  // Pending timers.
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Returns true iff id names a timer that is scheduled and not yet fired or cancelled.
  bool pending(TimerId id) const;
  // REQUIRES pending(id).
  int64_t due_ms(TimerId id) const;
  // REQUIRES pending(id).
  uint64_t payload(TimerId id) const;

  // Calls f(TimerId, payload, due_ms) for every pending timer, in no
  // particular order. O(slab size); meant for invariant checks and snapshots.
  // f must not modify the wheel.
  template <typename F>
  void for_each(F&& f) const;

  // Debug helper: walks every list, bitmap and the free list and returns a
  // description of the first broken invariant, or "" if all hold. O(slab size).
  std::string invariant_violation() const;

 private:
  static constexpr uint32_t kNil = 0xFFFF'FFFFu;
  static constexpr uint16_t kUnlinked = 0xFFFF;  // Node::slot_key of a free node
  static constexpr int kWordsPerLevel = kSlots / 64;
  static constexpr int kSlotKeys = kLevels * kSlots;

  struct Node {
    int64_t due_ms = 0;
    uint64_t payload = 0;
    uint32_t prev = kNil;  // in its slot list; unused when free
    uint32_t next = kNil;  // in its slot list, or in the free list
    uint32_t generation = 1;
    uint16_t slot_key = kUnlinked;  // level * kSlots + slot
  };

  // The earliest non-empty slot and the first tick it covers (>= cur).
  struct NextSlot {
    int64_t tick_ms = -1;  // -1: the wheel is empty
    int level = 0;
    int slot = 0;
  };

  static int level_for(int64_t due_ms, int64_t cur_ms);
  static uint16_t slot_key_for(int64_t due_ms, int64_t cur_ms);
  static int group(int64_t ms, int level) { return static_cast<int>((ms >> (level * kSlotBits)) & (kSlots - 1)); }
  static uint32_t index_of(TimerId id) { return static_cast<uint32_t>(id.raw); }
  static uint32_t generation_of(TimerId id) { return static_cast<uint32_t>(id.raw >> 32); }
  TimerId id_of(uint32_t index) const { return {uint64_t{nodes_[index].generation} << 32 | index}; }

  bool occupied(uint16_t key) const { return heads_[key] != kNil; }
  int find_occupied(int level, int from_slot) const;
  NextSlot find_next_slot() const;

  uint32_t allocate_node();
  void release_node(uint32_t index);
  void link_tail(uint32_t index, uint16_t key);
  void unlink(uint32_t index);
  void place(uint32_t index) { link_tail(index, slot_key_for(nodes_[index].due_ms, cur_ms_)); }
  void move_cur(int64_t to_ms);
  void cascade(uint16_t key);
  template <typename F>
  uint32_t fire_slot(uint16_t key, uint32_t budget, F& on_expire);

  std::string list_violation(uint16_t key, size_t& linked) const;
  std::string free_list_violation() const;

  int64_t cur_ms_;
  size_t size_ = 0;
  uint32_t free_head_ = kNil;
  bool in_advance_ = false;
  std::vector<Node> nodes_;
  std::array<uint32_t, kSlotKeys> heads_;
  std::array<uint32_t, kSlotKeys> tails_;
  std::array<uint64_t, kLevels * kWordsPerLevel> occupancy_{};  // bit per slot: list non-empty
};

// ---- Implementation ---------------------------------------------------------

inline TimingWheel::TimingWheel(int64_t start_ms, uint32_t capacity_hint) : cur_ms_(start_ms) {
  assert(start_ms >= 0 && start_ms <= kDueMax);
  assert(capacity_hint <= kTimersMax);
  nodes_.reserve(capacity_hint);
  heads_.fill(kNil);
  tails_.fill(kNil);
}

inline int TimingWheel::level_for(int64_t due_ms, int64_t cur_ms) {
  assert(due_ms >= cur_ms);
  const uint64_t differ = static_cast<uint64_t>(due_ms ^ cur_ms);
  if (differ < kSlots) return 0;
  const int level = (std::bit_width(differ) - 1) / kSlotBits;
  assert(level < kLevels);
  return level;
}

inline uint16_t TimingWheel::slot_key_for(int64_t due_ms, int64_t cur_ms) {
  const int level = level_for(due_ms, cur_ms);
  return static_cast<uint16_t>(level * kSlots + group(due_ms, level));
}

inline TimerId TimingWheel::schedule(int64_t due_ms, uint64_t payload) {
  assert(due_ms >= 0 && due_ms <= kDueMax);
  assert(size_ < kTimersMax);
  const uint32_t index = allocate_node();
  Node& node = nodes_[index];
  node.due_ms = std::max(due_ms, cur_ms_);  // a past due fires at the next tick
  node.payload = payload;
  place(index);
  ++size_;
  assert(pending(id_of(index)));
  return id_of(index);
}

inline bool TimingWheel::cancel(TimerId id) {
  if (!pending(id)) return false;
  const uint32_t index = index_of(id);
  unlink(index);
  release_node(index);
  assert(size_ > 0);
  --size_;
  assert(!pending(id));
  return true;
}

inline bool TimingWheel::pending(TimerId id) const {
  const uint32_t index = index_of(id);
  if (!id.valid() || index >= nodes_.size()) return false;
  const Node& node = nodes_[index];
  return node.generation == generation_of(id) && node.slot_key != kUnlinked;
}

inline int64_t TimingWheel::due_ms(TimerId id) const {
  assert(pending(id));
  return nodes_[index_of(id)].due_ms;
}

inline uint64_t TimingWheel::payload(TimerId id) const {
  assert(pending(id));
  return nodes_[index_of(id)].payload;
}

template <typename F>
void TimingWheel::for_each(F&& f) const {
  for (uint32_t index = 0; index < nodes_.size(); ++index) {
    const Node& node = nodes_[index];
    if (node.slot_key != kUnlinked) f(id_of(index), node.payload, node.due_ms);
  }
}

template <typename F>
uint32_t TimingWheel::advance(int64_t now_ms, uint32_t budget, F&& on_expire) {
  assert(!in_advance_ && "advance() must not be called from on_expire");
  assert(now_ms <= kDueMax);
  assert(now_ms >= cur_ms_ - 1 && "time never goes back");
  if (now_ms < cur_ms_) return 0;  // nothing can be due yet
  in_advance_ = true;
  uint32_t fired = 0;
  while (fired < budget) {
    const NextSlot next = find_next_slot();
    if (next.tick_ms < 0 || next.tick_ms > now_ms) {
      move_cur(now_ms + 1);  // safe: no pending timer is due before next.tick_ms
      break;
    }
    move_cur(next.tick_ms);  // at level > 0 this cascades the slot into lower levels
    if (next.level > 0) continue;
    const uint16_t key = static_cast<uint16_t>(next.slot);
    fired += fire_slot(key, budget - fired, on_expire);
    if (!occupied(key)) move_cur(next.tick_ms + 1);
  }
  in_advance_ = false;
  assert(fired <= budget);
  assert(fired == budget || cur_ms_ == now_ms + 1);
  return fired;
}

// Fires level-0 slot `key` (all due at cur) from the head until it is empty or
// budget is spent. Re-reads the head each time: the callback may cancel
// timers in this slot or append new ones due now.
template <typename F>
uint32_t TimingWheel::fire_slot(uint16_t key, uint32_t budget, F& on_expire) {
  assert(key < kSlots);
  uint32_t fired = 0;
  while (fired < budget && occupied(key)) {
    const uint32_t index = heads_[key];
    const TimerId id = id_of(index);
    const uint64_t payload = nodes_[index].payload;
    const int64_t due_ms = nodes_[index].due_ms;
    assert(due_ms == cur_ms_);
    unlink(index);
    release_node(index);  // removed before the callback, which may reuse the node
    --size_;
    ++fired;
    on_expire(id, payload, due_ms);
  }
  return fired;
}

inline uint32_t TimingWheel::allocate_node() {
  if (free_head_ != kNil) {
    const uint32_t index = free_head_;
    assert(nodes_[index].slot_key == kUnlinked);
    free_head_ = nodes_[index].next;
    return index;
  }
  assert(nodes_.size() < kTimersMax);
  nodes_.emplace_back();
  return static_cast<uint32_t>(nodes_.size() - 1);
}

inline void TimingWheel::release_node(uint32_t index) {
  Node& node = nodes_[index];
  assert(node.slot_key == kUnlinked && "unlink before release");
  node.generation = node.generation == UINT32_MAX ? 1 : node.generation + 1;  // never 0: ids stay valid()
  node.prev = kNil;
  node.next = free_head_;
  free_head_ = index;
}

inline void TimingWheel::link_tail(uint32_t index, uint16_t key) {
  assert(key < kSlotKeys);
  Node& node = nodes_[index];
  assert(node.slot_key == kUnlinked);
  node.slot_key = key;
  node.prev = tails_[key];
  node.next = kNil;
  if (tails_[key] == kNil) {
    heads_[key] = index;
    occupancy_[key / 64] |= uint64_t{1} << (key % 64);
  } else {
    nodes_[tails_[key]].next = index;
  }
  tails_[key] = index;
}

inline void TimingWheel::unlink(uint32_t index) {
  Node& node = nodes_[index];
  const uint16_t key = node.slot_key;
  assert(key < kSlotKeys);
  (node.prev == kNil ? heads_[key] : nodes_[node.prev].next) = node.next;
  (node.next == kNil ? tails_[key] : nodes_[node.next].prev) = node.prev;
  if (heads_[key] == kNil) {
    assert(tails_[key] == kNil);
    occupancy_[key / 64] &= ~(uint64_t{1} << (key % 64));
  }
  node.slot_key = kUnlinked;
  node.prev = node.next = kNil;
}

// Moves cur forward and cascades, from the top level down, any slot that cur
// has just entered. REQUIRES every pending timer due >= to_ms. Cascaded timers
// land strictly after cur's slot in some lower level, so one pass suffices.
inline void TimingWheel::move_cur(int64_t to_ms) {
  assert(to_ms >= cur_ms_ && to_ms <= kDueMax + 1);
  cur_ms_ = to_ms;
  for (int level = kLevels - 1; level > 0; --level) {
    const auto key = static_cast<uint16_t>(level * kSlots + group(to_ms, level));
    if (occupied(key)) cascade(key);
  }
}

// Detaches every timer of slot `key` and re-places each, in list order, so
// FIFO order among timers of equal due survives the move to a lower level.
inline void TimingWheel::cascade(uint16_t key) {
  assert(key >= kSlots && key < kSlotKeys);
  uint32_t index = heads_[key];
  heads_[key] = tails_[key] = kNil;
  occupancy_[key / 64] &= ~(uint64_t{1} << (key % 64));
  while (index != kNil) {
    Node& node = nodes_[index];
    const uint32_t next = node.next;
    assert(node.slot_key == key && node.due_ms >= cur_ms_);
    node.slot_key = kUnlinked;
    place(index);
    assert(nodes_[index].slot_key / kSlots < key / kSlots);
    index = next;
  }
}

// First occupied slot of `level` at index >= from_slot, or -1.
inline int TimingWheel::find_occupied(int level, int from_slot) const {
  assert(from_slot >= 0 && from_slot < kSlots);
  const uint64_t* words = &occupancy_[level * kWordsPerLevel];
  int word = from_slot / 64;
  uint64_t bits = words[word] & (~uint64_t{0} << (from_slot % 64));
  while (bits == 0) {
    if (++word == kWordsPerLevel) return -1;
    bits = words[word];
  }
  return word * 64 + std::countr_zero(bits);
}

// Levels hold disjoint, increasing ranges of due, so the first level with an
// occupied slot at or after cur's own slot holds the earliest timers.
inline TimingWheel::NextSlot TimingWheel::find_next_slot() const {
  for (int level = 0; level < kLevels; ++level) {
    const int slot = find_occupied(level, group(cur_ms_, level));
    if (slot < 0) continue;
    const int shift = level * kSlotBits;
    const uint64_t above = static_cast<uint64_t>(cur_ms_) >> (shift + kSlotBits) << (shift + kSlotBits);
    const auto start_ms = static_cast<int64_t>(above | uint64_t(slot) << shift);
    return {std::max(cur_ms_, start_ms), level, slot};
  }
  return {};
}

inline std::string TimingWheel::invariant_violation() const {
  if (cur_ms_ < 0 || cur_ms_ > kDueMax + 1) return "next_tick_ms out of range: " + std::to_string(cur_ms_);
  size_t linked = 0;
  for (int key = 0; key < kSlotKeys; ++key) {
    std::string problem = list_violation(static_cast<uint16_t>(key), linked);
    if (!problem.empty()) return problem;
  }
  if (linked != size_) return "size " + std::to_string(size_) + " but " + std::to_string(linked) + " linked";
  return free_list_violation();
}

inline std::string TimingWheel::list_violation(uint16_t key, size_t& linked) const {
  const bool bit = (occupancy_[key / 64] >> (key % 64)) & 1;
  const char* problem = bit == (heads_[key] != kNil) ? nullptr : "occupancy bit disagrees with list";
  uint32_t prev = kNil;
  size_t steps = 0;
  for (uint32_t index = heads_[key]; index != kNil && problem == nullptr; index = nodes_[index].next) {
    if (index >= nodes_.size() || ++steps > nodes_.size()) {
      problem = "broken or cyclic list";
    } else if (nodes_[index].slot_key != key || nodes_[index].prev != prev) {
      problem = "node with wrong slot_key or prev link";
    } else if (nodes_[index].due_ms < cur_ms_) {
      problem = "node due before next_tick_ms";
    } else if (slot_key_for(nodes_[index].due_ms, cur_ms_) != key) {
      problem = "node misplaced for next_tick_ms";
    }
    prev = index;
  }
  if (problem == nullptr && tails_[key] != prev) problem = "tail is not the last node";
  linked += steps;
  if (problem == nullptr) return "";
  return "level " + std::to_string(key / kSlots) + " slot " + std::to_string(key % kSlots) + ": " + problem +
         " (node " + std::to_string(prev) + ")";
}

inline std::string TimingWheel::free_list_violation() const {
  size_t free_nodes = 0;
  for (uint32_t index = free_head_; index != kNil; index = nodes_[index].next) {
    if (index >= nodes_.size() || ++free_nodes > nodes_.size()) return "free list broken or cyclic";
    if (nodes_[index].slot_key != kUnlinked) return "linked node " + std::to_string(index) + " on the free list";
    if (nodes_[index].generation == 0) return "node " + std::to_string(index) + " has generation 0";
  }
  if (free_nodes + size_ != nodes_.size()) return "free + pending != slab size";
  return "";
}

}  // namespace tessera::engine
