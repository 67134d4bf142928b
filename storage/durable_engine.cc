// DurableEngine: open the log, recover each shard, start the runners.
#include "storage/durable_engine.h"

#include <chrono>

namespace tessera::storage {

Result<DurableEngine> open_durable_engine(const EngineOptions& o, const runtime::Clock& clock) {
  DurableEngine engine;
  const engine::ShardConfig shard_config{o.orders_reserved_per_shard};
  if (o.durability == Durability::kNone) {
    engine.shards = std::make_unique<runtime::ShardSet>(o.shards, clock, shard_config);
    engine.recovery.resize(o.shards);
    engine.shards->set_merge_settings(o.merge);
    engine.shards->set_local_time(o.local);
    engine.shards->start();
    return engine;
  }
  const auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<CommandLog>> log =
      CommandLog::open(LogOptions{o.data_dir, o.durability, o.shards, o.order_history, o.history_file_age_ms, o.env});
  if (!log.is_ok()) return log.status();
  engine.log = std::move(log.value());
  if (o.replicate) {
    Result<std::unique_ptr<runtime::LogSink>> sink = o.replicate(*engine.log);
    if (!sink.is_ok()) return sink.status();
    engine.replicated = std::move(sink.value());
  }
  std::vector<std::unique_ptr<runtime::ShardRunner>> runners;
  for (uint32_t s = 0; s < o.shards; ++s) {
    Result<RecoveredShard> r = engine.log->recover(s);
    if (!r.is_ok()) return r.status();
    RecoveredShard& rec = r.value();
    engine.recovery.push_back(ShardRecovery{rec.next_seq, rec.snapshot_next_seq, rec.entries_replayed,
                                            rec.dropped_torn_tail, rec.shard->state_hash()});
    runtime::RunnerConfig rc;
    rc.log = engine.sink();
    rc.next_seq = rec.next_seq;
    rc.snapshot_every_entries = o.snapshot_every_entries;
    rc.snapshot_every_ms = o.snapshot_every_ms;
    runners.push_back(std::make_unique<runtime::ShardRunner>(std::move(rec.shard), clock, rc));
  }
  Result<RecoveredDirectory> d = engine.log->recover_directory();
  if (!d.is_ok()) return d.status();
  runtime::RunnerConfig dc;
  dc.log = engine.sink();
  dc.next_seq = d->next_seq;
  dc.snapshot_every_entries = o.snapshot_every_entries;
  dc.snapshot_every_ms = o.snapshot_every_ms;
  engine.directory_recovery = ShardRecovery{d->next_seq, d->snapshot_next_seq, d->entries_replayed,
                                            d->dropped_torn_tail, d->shard->state_hash()};
  auto directory = std::make_unique<runtime::DirectoryRunner>(std::move(d->shard), clock, dc);
  engine.recovery_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  engine.shards = std::make_unique<runtime::ShardSet>(std::move(runners), std::move(directory));
  engine.shards->set_merge_settings(o.merge);
  engine.shards->set_local_time(o.local);
  engine.shards->start();
  return engine;
}

}  // namespace tessera::storage
