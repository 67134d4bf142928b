// The one include of Boost.Asio for Tessera.
//
// Boost 1.74's asio/awaitable.hpp uses std::exchange without including
// <utility>, which GCC 12 in C++20 mode does not pull in transitively; this
// header includes it first so every user of Asio compiles.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on
