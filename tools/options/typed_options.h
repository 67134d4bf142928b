// Typed options on CLI11 for Tessera's programs (tessera, tessera-load and
// tessera-server): numbers in plain decimal and named choices, declared
// once with their help text, refused with the same wording everywhere:
// "--order: '12x' is not a valid number", "--type: 'cart' is not one of
// option, reservation".
//
// Why not CLI11's own conversion alone: it reads integers with base 0, so
// "010" is 8 and "0x10" is 16, and it takes "-1" for a uint64_t. Numbers
// here are digits only (a leading '-' for signed types), within the type's
// range; the validator rewrites them canonically before CLI11 converts.
// Thread-safety: declarations and parsing run on the caller's thread.
#pragma once

#include <CLI/CLI.hpp>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/status.h"

namespace tessera::options {

template <typename T>
struct Unwrapped {  // a number as is
  using type = T;
};
template <typename T>
requires std::is_class_v<T>
struct Unwrapped<T> {  // a number wrapper (an engine id): its number
  using type = typename T::value_type;
};

// Reads `text` as a decimal T (or the number of a wrapper T): digits only (a
// leading '-' for signed types), nothing before or after. Returns "" and sets
// *out, or why not.
template <typename T>
std::string parse_decimal(std::string_view text, T* out) {
  using Number = typename Unwrapped<T>::type;
  static_assert(std::is_integral_v<Number>);
  Number value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) return "'" + std::string(text) + "' is out of range";
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return "'" + std::string(text) + "' is not a valid number";
  *out = value;
  return {};
}

// Refuses what parse_decimal<T> refuses; rewrites the rest canonically
// ("007" -> "7") for CLI11's conversion.
template <typename T>
CLI::Validator decimal() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        T value{};
        std::string why = parse_decimal(text, &value);
        if (why.empty()) text = std::to_string(value);
        return why;
      },
      "");
}

template <typename T>
struct NumberOf {  // the number type of an option's variable
  using type = typename Unwrapped<T>::type;
  static constexpr bool repeated = false;
};
template <typename T>
struct NumberOf<std::optional<T>> {  // absent unless given
  using type = typename Unwrapped<T>::type;
  static constexpr bool repeated = false;
};
template <typename T>
struct NumberOf<std::vector<T>> {
  using type = typename Unwrapped<T>::type;
  static constexpr bool repeated = true;
};

// A number option: `into` a number (or an id: a wrapper of one, with its
// value_type), a std::optional (absent unless given) or a std::vector
// (repeated: given many times or as a comma list).
template <typename T>
CLI::Option* add_number(CLI::App& app, std::string name, T& into, std::string description) {
  CLI::Option* option =
      app.add_option(std::move(name), into, std::move(description))->transform(decimal<typename NumberOf<T>::type>());
  if constexpr (NumberOf<T>::repeated) option->delimiter(',');
  return option->type_name("N");
}

// A number option within [min, max].
template <typename T>
CLI::Option* add_number(CLI::App& app, std::string name, T& into, T min, T max, std::string description) {
  const std::string bounds = "[" + std::to_string(min) + ", " + std::to_string(max) + "]";  // shown as N:[1, 64]
  return add_number(app, std::move(name), into, std::move(description))
      ->check(CLI::Range(min, max).description(bounds));
}

template <typename T>
using Choices = std::vector<std::pair<std::string, T>>;

// "a|b|c", or with `separator` ", ".
template <typename T>
std::string choice_names(const Choices<T>& choices, const std::string& separator = "|") {
  std::string names;
  for (const auto& [name, value] : choices) names += (names.empty() ? "" : separator) + name;
  return names;
}

// The value named `text`. REQUIRES: `text` is one of the choices' names.
template <typename T>
T choice_value(const Choices<T>& choices, const std::string& text) {
  for (const auto& [name, value] : choices)
    if (name == text) return value;
  return choices.front().second;
}

template <typename T>
CLI::Validator one_of(const Choices<T>& choices) {
  return CLI::Validator(
      [choices](std::string& text) -> std::string {
        for (const auto& choice : choices)
          if (choice.first == text) return {};
        return "'" + text + "' is not one of " + choice_names(choices, ", ");
      },
      "");
}

// An option that takes one of the named choices into `into`; the help
// shows the names and, as the default, the name of `into`'s value.
// REQUIRES: `into` outlives parsing.
template <typename T>
CLI::Option* add_choice(CLI::App& app, std::string name, T& into, Choices<T> choices, std::string description) {
  std::string shown_default;
  for (const auto& [choice, value] : choices)
    if (value == into) shown_default = choice;
  const std::string names = choice_names(choices);
  const CLI::Validator check = one_of(choices);
  return app
      .add_option_function<std::string>(
          std::move(name), [&into, choices](const std::string& text) { into = choice_value(choices, text); },
          std::move(description))
      ->check(check)
      ->type_name(names)
      ->default_str(shown_default);
}

// A repeated choice: every value, in order, into `into`.
template <typename T>
CLI::Option* add_choices(CLI::App& app, std::string name, std::vector<T>& into, Choices<T> choices,
                         std::string description) {
  const std::string names = choice_names(choices);
  const CLI::Validator check = one_of(choices);
  return app
      .add_option_function<std::vector<std::string>>(
          std::move(name),
          [&into, choices](const std::vector<std::string>& texts) {
            into.clear();
            for (const std::string& text : texts) into.push_back(choice_value(choices, text));
          },
          std::move(description))
      ->check(check)
      ->delimiter(',')
      ->type_name(names);
}

// Parses argv (argv[0] skipped) with `app`. Returns ok, failed_precondition
// carrying the help text for --help or -h, or invalid_argument with CLI11's
// message ("--port: Value 0 not in range 1 to 65535").
inline Status parse_command_line(CLI::App& app, int argc, const char* const* argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return Status::failed_precondition(app.help());
  } catch (const CLI::ParseError& e) {
    return Status::invalid_argument(e.what());
  }
  return Status::ok();
}

// A flag that takes no value (--json, not --json=yes).
inline CLI::Option* add_flag(CLI::App& app, std::string name, bool& into, std::string description) {
  return app.add_flag(std::move(name), into, std::move(description))->disable_flag_override();
}

}  // namespace tessera::options
