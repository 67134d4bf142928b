// Demo loader: catalog broadcast, then each product's performances.
#include "server/demo_loader.h"

namespace tessera::server {

using namespace tessera::engine;

workload::DemoVenue demo_venue_of(ProductId product) {
  workload::DemoVenue venue;
  venue.first_performance = product.value() * 1000;
  return venue;
}

namespace {

Status apply_all(runtime::ShardSet& shards, const std::vector<Command>& commands) {
  for (const Command& c : commands) {
    const Reply r = shards.call(c);
    // A catalog already defined (e.g. restored from the log) is fine.
    if (!r.ok() && r.code != ReplyCode::kDuplicate)
      return Status::internal(
          cat("demo set-up: ", command_name(c.body), " refused: ", reply_code_name(r.code), ": ", r.message));
  }
  return Status::ok();
}

}  // namespace

Status load_demo_venue(runtime::ShardSet& shards, bool* loaded) {
  *loaded = false;
  const workload::DemoVenue first = demo_venue_of(workload::kProductRelease);
  const Reply probe =
      shards.call(Command{0, GetAvailability{first.first_performance, 1, kNone, workload::kWeb, kNone}});
  if (probe.code != ReplyCode::kNotFound) return Status::ok();
  Status s = apply_all(shards, workload::demo_catalog());
  for (uint32_t p = workload::kProductRelease.value(); s.is_ok() && p <= workload::kProductKeep.value(); ++p)
    s = apply_all(shards, workload::demo_performances(demo_venue_of(p), p));
  *loaded = s.is_ok();
  return s;
}

}  // namespace tessera::server
