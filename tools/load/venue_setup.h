// Set-up through the protocol (admin token): the demo venue, and the
// performances a load run defines for itself.
//
// Both the CLI (setup-demo) and tessera-load use these; nothing here talks
// to the engine directly, so they work against any running tessera-server.
// Thread-safety: call from one thread (they use Client::call).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "base/status.h"
#include "net/client.h"

namespace tessera::tools {

inline constexpr uint32_t kDefineAttemptsMax = 64;     // random performance ids tried before giving up
inline constexpr engine::LayoutId kVenueLayout = 900;  // the comparison venue's seated area

// Defines the demo venue (workload/demo_venue.h: catalog, then performances
// 1000.., 2000.., 3000.. of products 1..3) unless performance 1000 exists.
// Sets *loaded (true = commands applied). Fails on a refusal other than
// Duplicate or on a broken connection.
Status ensure_demo_venue(net::Client& client, bool* loaded);

// Defines the demo catalog only (products, channels, categories, tariffs);
// what is already defined is left as it is.
Status ensure_demo_catalog(net::Client& client);

// Defines `count` consecutive performances of demo product 1, each with
// `capacity` units in category 1 (and an overall capacity of `capacity`),
// at free ids in [id_min, id_min + id_span): a random first id is tried
// again while it is taken. Returns the ids.
Result<std::vector<engine::PerformanceId>> define_load_performances(net::Client& client, std::mt19937_64& rng,
                                                                    engine::PerformanceId id_min, uint32_t id_span,
                                                                    uint32_t count, uint32_t capacity);

// The comparison venue (tools/load/onsale_plan.h) on one new performance of
// demo product 1 at a free id in [id_min, id_min + id_span): GA categories
// 1..5 of 10,000 units and a 20,000-seat layout (category 6, layout
// kVenueLayout, defined once). Adds categories 4..6 and their prices to the
// demo catalog. Returns the performance id.
Result<engine::PerformanceId> define_venue_performance(net::Client& client, std::mt19937_64& rng,
                                                       engine::PerformanceId id_min, uint32_t id_span);

}  // namespace tessera::tools
