// Hasher: a small, stable 64-bit hash for state hashes and command
// fingerprints.
//
// Stable means: the same sequence of add() calls gives the same value on
// every machine and build, so a state hash written before a crash can be
// compared with one computed after recovery. Not cryptographic.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "engine/ids.h"

namespace tessera::engine {

class Hasher {
 public:
  void add_u64(uint64_t x) {
    h_ ^= mix(x + 0x9E3779B97F4A7C15ULL + count_++);
    h_ = (h_ << 27 | h_ >> 37) * 0x94D049BB133111EBULL;
  }
  void add_bytes(std::string_view s) {
    add_u64(s.size());
    uint64_t w = 0;
    size_t n = 0;
    for (unsigned char c : s) {
      w = (w << 8) | c;
      if (++n == 8) {
        add_u64(w);
        w = 0;
        n = 0;
      }
    }
    if (n) add_u64(w);
  }

  // Adds any mix of integers, enums, ids, strings, vectors and structs that
  // expose `fields()` (a std::tie of their members). A state struct that
  // gained fields after hashes were recorded (fixtures of old data
  // directories) declares `static constexpr size_t kHashedAlways = N`: its
  // first N fields always count, a later one only when it differs from its
  // default, so the state an old directory replays to keeps its hash.
  template <typename T>
  void add(const T& v) {
    if constexpr (std::is_enum_v<T>) {
      add_u64(static_cast<uint64_t>(v));
    } else if constexpr (std::is_integral_v<T>) {
      add_u64(static_cast<uint64_t>(v));
    } else if constexpr (is_strong_id_v<T>) {
      add_u64(static_cast<uint64_t>(v.value()));
    } else if constexpr (std::is_convertible_v<const T&, std::string_view> && !std::is_pointer_v<T>) {
      add_bytes(v);  // std::string and the compact byte holders alike
    } else if constexpr (requires { v.valueless_by_exception(); }) {
      add_u64(v.index());
      std::visit([this](const auto& alt) { add(alt); }, v);
    } else if constexpr (requires {
                           v.begin();
                           v.size();
                         }) {
      add_u64(v.size());
      for (const auto& e : v) add(e);
    } else if constexpr (requires { T::kHashedAlways; }) {
      add_appended(v);
    } else {
      std::apply([this](const auto&... f) { (add(f), ...); }, v.fields());
    }
  }

  uint64_t value() const { return mix(h_ ^ count_); }

 private:
  template <typename T>
  void add_appended(const T& v) {
    static const T kDefault{};
    const auto now = v.fields();
    const auto was = kDefault.fields();
    [&]<size_t... I>(std::index_sequence<I...>) {
      auto one = [&]<size_t K>(std::integral_constant<size_t, K>) {
        if constexpr (K < T::kHashedAlways) {
          add(std::get<K>(now));
        } else if (!(std::get<K>(now) == std::get<K>(was))) {
          add_u64(K);
          add(std::get<K>(now));
        }
      };
      (one(std::integral_constant<size_t, I>{}), ...);
    }
    (std::make_index_sequence<std::tuple_size_v<decltype(now)>>{});
  }

  static uint64_t mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 31;
    return x;
  }
  uint64_t h_ = 0x243F6A8885A308D3ULL;
  uint64_t count_ = 0;
};

}  // namespace tessera::engine
