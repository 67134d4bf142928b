// HistoryLayer: appends, and the one sort a file needs.
#include "storage/history_layer.h"

#include <algorithm>
#include <tuple>

namespace tessera::storage {

void HistoryLayer::add(bool row, bool erased, engine::ContactId contact, engine::OrderId order,
                       std::string_view value) {
  bytes_ += sizeof(Entry) + value.size() + 16;
  entries_.push_back(Entry{row, erased, contact, order, kNoEntry, copy(value)});
}

std::string_view HistoryLayer::copy(std::string_view value) {
  if (value.empty()) return {};
  while (chunk_ < chunks_.size() && chunks_[chunk_].capacity() - chunks_[chunk_].size() < value.size()) ++chunk_;
  if (chunk_ == chunks_.size()) chunks_.emplace_back().reserve(std::max(kChunkBytes, value.size()));
  std::string& chunk = chunks_[chunk_];
  const size_t at = chunk.size();
  chunk.append(value);  // within its capacity: earlier views stay valid
  return std::string_view(chunk).substr(at, value.size());
}

void HistoryLayer::index() {
  for (; indexed_ < entries_.size(); ++indexed_) {
    Entry& e = entries_[indexed_];
    if (e.row) {
      uint32_t& newest = *rows_.insert(e.contact, kNoEntry).first;
      e.older_row = newest;
      newest = indexed_;
    } else {
      records_[e.order] = indexed_;
    }
  }
}

std::vector<uint32_t> HistoryLayer::sorted() const {
  std::vector<uint32_t> order(entries_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto key = [this](uint32_t i) {
    const Entry& e = entries_[i];
    return std::make_tuple(!e.row, e.row ? e.contact.value() : 0u, e.order.value());  // 'C' sorts before 'H'
  };
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const auto ka = key(a), kb = key(b);
    return ka != kb ? ka < kb : a > b;  // the newest of a key first
  });
  order.erase(std::unique(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return key(a) == key(b); }),
              order.end());
  return order;
}

}  // namespace tessera::storage
