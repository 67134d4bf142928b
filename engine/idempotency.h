// Idempotency: remembers the reply to each client request key so a retried
// command returns its first answer and changes nothing.
//
// Bounded: the last kIdempotencyKeysMax keys are kept in a FIFO ring; the
// oldest is forgotten first. A key is stored with a fingerprint of its
// command, so reusing a key for a different command is refused
// (ReplyCode::kDuplicate) instead of silently answered with another reply.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/command.h"
#include "engine/flat_map.h"
#include "engine/hash.h"

namespace tessera::engine {

class IdempotencyTable {
 public:
  explicit IdempotencyTable(uint32_t capacity) : capacity_(capacity) {}

  struct Entry {
    RequestKey key = 0;
    uint64_t fingerprint = 0;
    Reply reply;
    auto fields() const { return std::tie(key, fingerprint, reply); }
  };

  // Returns the stored entry of key, or nullptr.
  const Entry* find(RequestKey key) const {
    const uint32_t* i = index_.find(key);
    return i ? &ring_[*i] : nullptr;
  }

  // REQUIRES key != 0 and not stored.
  void remember(RequestKey key, uint64_t fingerprint, const Reply& reply) {
    uint32_t slot;
    if (ring_.size() < capacity_) {
      slot = static_cast<uint32_t>(ring_.size());
      ring_.push_back(Entry{});
    } else {
      slot = next_;
      index_.erase(ring_[slot].key);
      next_ = (next_ + 1) % capacity_;
    }
    ring_[slot] = Entry{key, fingerprint, reply};
    index_.insert(key, slot);
  }

  size_t size() const { return index_.size(); }

  // Snapshot support: the ring is the state; the index is derived.
  auto fields() const { return std::tie(next_, ring_); }
  // Returns false on a key that is repeated, 0 or out of range.
  [[nodiscard]] bool rebuild_index() {
    index_.clear();
    if (ring_.size() > capacity_ || (next_ != 0 && next_ >= ring_.size())) return false;
    for (uint32_t i = 0; i < ring_.size(); ++i) {
      const RequestKey key = ring_[i].key;
      if (key == 0 || key == FlatMap<uint64_t, uint32_t>::kEmpty || !index_.insert(key, i).second) return false;
    }
    return true;
  }

  void hash_into(Hasher& h) const {
    h.add_u64(next_);
    h.add(ring_);
  }

 private:
  uint32_t capacity_;
  uint32_t next_ = 0;  // oldest entry once the ring is full
  std::vector<Entry> ring_;
  FlatMap<uint64_t, uint32_t> index_;
};

inline uint64_t fingerprint(const CommandBody& body) {
  Hasher h;
  h.add(body);
  return h.value();
}

}  // namespace tessera::engine
