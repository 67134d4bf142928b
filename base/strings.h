// cat: builds a message from strings and numbers, for every layer's errors
// and replies: cat("order ", id, " is locked"). Enums print as numbers; a
// type with a to_string found by argument-dependent lookup (an engine id)
// prints as that. quoted: text a user typed, for such a message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace tessera {

template <typename... Args>
std::string cat(const Args&... args) {
  std::string out;
  auto append = [&out](const auto& a) {
    using A = std::decay_t<decltype(a)>;
    if constexpr (std::is_arithmetic_v<A>) {
      out += std::to_string(a);
    } else if constexpr (std::is_enum_v<A>) {
      out += std::to_string(static_cast<int64_t>(a));
    } else if constexpr (requires { to_string(a); }) {
      out += to_string(a);
    } else {
      out += a;
    }
  };
  (append(args), ...);
  return out;
}

// 'text' in quotes, cut after 64 bytes ('text...').
inline std::string quoted(std::string_view s) { return cat("'", s.substr(0, 64), s.size() > 64 ? "...'" : "'"); }

}  // namespace tessera
