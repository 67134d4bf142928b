// The engine the money recovery tests stop and start again: two shards on
// the real RocksDB log (durability sync) in a temporary directory, a manual
// clock, and the demo catalog with performances 1000 (shard 0) and 1001
// (shard 1) and contact 7.
#pragma once

#include <gtest/gtest.h>

#include "engine/reply_detail.h"
#include "runtime/clock.h"
#include "storage/durable_engine.h"
#include "tests/engine/engine_clock.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace tessera::storage {

class MoneyEngineTest : public ::testing::Test {
 protected:
  DurableEngine open() {
    EngineOptions o;
    o.data_dir = dir_.path();
    o.durability = Durability::kSync;
    o.shards = 2;
    Result<DurableEngine> e = open_durable_engine(o, clock_);
    EXPECT_TRUE(e.is_ok()) << e.status().to_string();
    return std::move(e.value());
  }
  void load_demo(DurableEngine& e) {
    for (const engine::Command& c : workload::demo_catalog()) ASSERT_TRUE(e.shards->call(c).ok());
    workload::DemoVenue venue;
    venue.first_performance = 1000;
    venue.performances = 2;
    for (const engine::Command& c : workload::demo_performances(venue, workload::kProductRelease))
      ASSERT_TRUE(e.shards->call(c).ok());
    ASSERT_TRUE(e.shards->call(workload::demo_contact(7)).ok());
  }
  // The order page of `id`.
  static engine::OrderRecord record(DurableEngine& e, engine::OrderId id) {
    const engine::Reply r = e.shards->call(engine::Command{0, engine::GetOrderRecord{id}});
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? std::get<engine::OrderRecord>(r.detail->value) : engine::OrderRecord{};
  }

  testing_support::TempDir dir_;
  runtime::ManualClock clock_{engine::kT0};
};

}  // namespace tessera::storage
