// AddressIndex: dictionaries of folded cities and postcodes, and each
// contact's ids into them.
#include "directory/address_index.h"

#include <algorithm>

#include "directory/contact_record.h"

namespace tessera::directory {

uint32_t AddressIndex::TextTable::find(std::string_view text, const std::vector<std::string>& texts) const {
  for (size_t i = home(text);; i = (i + 1) & (slots_.size() - 1)) {
    if (slots_[i] == 0) return 0;
    if (texts[slots_[i]] == text) return slots_[i];
  }
}

void AddressIndex::TextTable::add(std::string_view text, uint32_t id, const std::vector<std::string>& texts) {
  if ((used_ + 1) * 2 > slots_.size()) {  // at most half full: short probes
    std::vector<uint32_t> old(slots_.size() * 2, 0);
    old.swap(slots_);
    used_ = 0;
    for (uint32_t other : old)
      if (other != 0) add(texts[other], other, texts);
  }
  size_t i = home(text);
  while (slots_[i] != 0) i = (i + 1) & (slots_.size() - 1);
  slots_[i] = id;
  ++used_;
}

uint32_t AddressIndex::Dictionary::id_of(std::string_view written, std::string (*fold)(std::string_view)) {
  if (written.empty()) return 0;
  if (const uint32_t known = spelling_table.find(written, spellings); known != 0) return spelling_ids[known];
  std::string folded = fold(written);
  uint32_t id = folded.empty() ? 0 : ids.find(folded, texts);
  if (id == 0 && !folded.empty()) {
    id = static_cast<uint32_t>(texts.size());
    texts.push_back(std::move(folded));
    ids.add(texts.back(), id, texts);
  }
  const auto spelling = static_cast<uint32_t>(spellings.size());
  spellings.emplace_back(written);
  spelling_ids.push_back(id);
  spelling_table.add(spellings.back(), spelling, spellings);
  return id;
}

std::vector<bool> AddressIndex::Dictionary::starting_with(std::string_view prefix) const {
  std::vector<bool> out(texts.size(), false);
  for (size_t id = 1; id < texts.size(); ++id) out[id] = std::string_view(texts[id]).starts_with(prefix);
  return out;
}

size_t AddressIndex::Dictionary::memory_bytes() const {
  size_t bytes = (texts.capacity() + spellings.capacity()) * sizeof(std::string) +
                 spelling_ids.capacity() * sizeof(uint32_t) + ids.memory_bytes() + spelling_table.memory_bytes();
  for (const auto* v : {&texts, &spellings})
    for (const std::string& t : *v)
      if (t.capacity() > 15) bytes += t.capacity() + 1;  // past the string's inline buffer
  return bytes;
}

void AddressIndex::set(uint32_t key, std::string_view city, std::string_view postcode) {
  if (key >= city_of_.size()) {
    city_of_.resize(key + 1, 0);
    postcode_of_.resize(key + 1, 0);
  }
  city_of_[key] = cities_.id_of(city, city_key);
  postcode_of_[key] = postcodes_.id_of(postcode, postcode_key);
}

void AddressIndex::clear(uint32_t key) {
  if (key >= city_of_.size()) return;
  city_of_[key] = 0;
  postcode_of_[key] = 0;
}

AddressIndex::Match AddressIndex::match(std::string_view city_prefix, std::string_view postcode_prefix) const {
  Match m;
  if (!city_prefix.empty()) m.city_ = cities_.starting_with(city_prefix);
  if (!postcode_prefix.empty()) m.postcode_ = postcodes_.starting_with(postcode_prefix);
  return m;
}

bool AddressIndex::matches(const Match& m, uint32_t key) const {
  const uint32_t city = key < city_of_.size() ? city_of_[key] : 0;
  const uint32_t postcode = key < postcode_of_.size() ? postcode_of_[key] : 0;
  return (m.any_city() || m.city_[city]) && (m.any_postcode() || m.postcode_[postcode]);
}

size_t AddressIndex::memory_bytes() const {
  return (city_of_.capacity() + postcode_of_.capacity()) * sizeof(uint32_t) + cities_.memory_bytes() +
         postcodes_.memory_bytes();
}

}  // namespace tessera::directory
