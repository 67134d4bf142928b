// Demo loader: puts the demo venue (workload/demo_venue.h) into a running
// ShardSet at start-up, unless its performances are already defined (for
// when the command log restores them).
//
// Products 1, 2, 3 get performances 1000.., 2000.., 3000.. (DemoVenue
// defaults otherwise: 4 performances of 1000 seats each).
// Thread-safety: call from one thread while the shards run.
#pragma once

#include "base/status.h"
#include "runtime/shard_set.h"
#include "workload/demo_venue.h"

namespace tessera::server {

// The venue used for product p: first performance = p * 1000.
workload::DemoVenue demo_venue_of(engine::ProductId product);

// Returns ok and sets *loaded (true = commands applied, false = already
// there), or the first refusal.
Status load_demo_venue(runtime::ShardSet& shards, bool* loaded);

}  // namespace tessera::server
