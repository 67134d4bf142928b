// Codec: a compact binary encoding of engine values, used by the command
// log (commands as applied) and by snapshots (whole shard state).
//
// Generic over the `fields()` convention: integers and enums are written as
// fixed-width little-endian, strings and vectors with a u32 length, variants
// with a u8 index, structs field by field. Decoding validates every length
// and index and fails with a Status instead of reading past the end, so a
// corrupt record is reported, never trusted.
//
// Compatibility: the layout follows declaration order. Changing a field or
// the order of CommandBody's alternatives changes the format: bump
// kCodecVersion (storage refuses data written with another version).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "engine/status.h"

namespace tessera::engine {

// v3: back office (contacts, follow-up, reminders, subscriptions); best
// available skips restricted-view seats unless kSeatOptionAllowRestrictedView;
// seats and GA lines in one order.
inline constexpr uint32_t kCodecVersion = 3;           // v2: seat maps, layouts, nested contingents
inline constexpr uint32_t kCodecLengthMax = 1u << 28;  // any one string/vector

// Appends to a string through a small staging buffer, so writing one
// integer is a few inlined instructions, not a call into std::string.
// Everything is in `out` once the Writer is destroyed (or after flush()).
class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  ~Writer() { flush(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void flush() {
    out_->append(buf_, used_);
    used_ = 0;
  }

  template <typename T>
  void put(const T& v) {
    if constexpr (std::is_enum_v<T>) {
      put(static_cast<std::underlying_type_t<T>>(v));
    } else if constexpr (std::is_same_v<T, bool>) {
      put(static_cast<uint8_t>(v ? 1 : 0));
    } else if constexpr (std::is_integral_v<T>) {
      if (used_ + sizeof(T) > sizeof(buf_)) flush();
      std::memcpy(buf_ + used_, &v, sizeof(T));  // little-endian hosts only (x86-64, aarch64)
      used_ += sizeof(T);
    } else if constexpr (std::is_same_v<T, std::string>) {
      put(static_cast<uint32_t>(v.size()));
      flush();
      out_->append(v);
    } else if constexpr (requires { v.valueless_by_exception(); }) {
      put(static_cast<uint8_t>(v.index()));
      std::visit([this](const auto& alt) { put(alt); }, v);
    } else if constexpr (requires { v.begin(); v.size(); }) {
      put(static_cast<uint32_t>(v.size()));
      for (const auto& e : v) put(e);
    } else {
      std::apply([this](const auto&... f) { (put(f), ...); }, v.fields());
    }
  }

 private:
  std::string* out_;
  size_t used_ = 0;
  char buf_[4096];
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  // Decodes into v. On failure returns the first error; v is then partial.
  template <typename T>
  Status get(T& v) {
    get_any(v);
    return error_.is_ok() ? Status() : error_;
  }
  bool done() const { return pos_ == in_.size(); }
  size_t remaining() const { return in_.size() - pos_; }
  size_t position() const { return pos_; }

 private:
  template <typename T>
  void get_any(T& v) {
    if (!error_.is_ok()) return;
    if constexpr (std::is_enum_v<T>) {
      std::underlying_type_t<T> raw{};
      get_any(raw);
      v = static_cast<T>(raw);
    } else if constexpr (std::is_same_v<T, bool>) {
      uint8_t b = 0;
      get_any(b);
      if (b > 1) fail("bool out of range");
      v = b != 0;
    } else if constexpr (std::is_integral_v<T>) {
      if (remaining() < sizeof(T)) return fail("truncated integer");
      std::memcpy(&v, in_.data() + pos_, sizeof(T));
      pos_ += sizeof(T);
    } else if constexpr (std::is_same_v<T, std::string>) {
      const uint32_t n = length();
      if (!error_.is_ok()) return;
      v.assign(in_.data() + pos_, n);
      pos_ += n;
    } else if constexpr (requires { v.valueless_by_exception(); }) {
      uint8_t index = 0;
      get_any(index);
      if (error_.is_ok()) emplace_variant(v, index, std::make_index_sequence<std::variant_size_v<T>>{});
    } else if constexpr (requires { v.begin(); v.size(); v.resize(0); }) {
      const uint32_t n = length();
      if (!error_.is_ok()) return;
      v.clear();
      v.resize(n);
      for (auto& e : v) get_any(e);
    } else {
      // fields() ties the members of a non-const object: decode in place.
      std::apply([this](const auto&... f) { (get_any(const_cast<std::remove_cvref_t<decltype(f)>&>(f)), ...); },
                 v.fields());
    }
  }

  template <typename V, size_t... I>
  void emplace_variant(V& v, uint8_t index, std::index_sequence<I...>) {
    if (index >= sizeof...(I)) return fail("unknown variant index");
    ((index == I ? (void)get_any(v.template emplace<I>()) : (void)0), ...);
  }

  // A length, checked against what is left (each element takes >= 1 byte).
  uint32_t length() {
    uint32_t n = 0;
    get_any(n);
    if (error_.is_ok() && (n > kCodecLengthMax || n > remaining())) fail("length past the end");
    return n;
  }
  void fail(const char* what) {
    if (error_.is_ok()) error_ = Status::invalid_argument(std::string("decode: ") + what + " at byte " +
                                                          std::to_string(pos_));
  }

  std::string_view in_;
  size_t pos_ = 0;
  Status error_;
};

template <typename T>
std::string encode(const T& v) {
  std::string out;
  {
    Writer w(&out);
    w.put(v);
  }
  return out;
}

// Decodes exactly one value spanning all of `in`.
template <typename T>
Status decode(std::string_view in, T& v) {
  Reader r(in);
  Status s = r.get(v);
  if (s.is_ok() && !r.done()) return Status::invalid_argument("decode: trailing bytes");
  return s;
}

}  // namespace tessera::engine
