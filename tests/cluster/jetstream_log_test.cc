// cluster::JetStreamLog against a real three-node JetStream cluster on
// loopback: records come back as written, a stale writer is fenced off, an
// acknowledged record survives losing a server, and without a quorum
// nothing is acknowledged.
#include "cluster/jetstream_log.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/cluster/nats_cluster.h"

namespace tessera::cluster {
namespace {

using testing_support::NatsCluster;
using Clock = std::chrono::steady_clock;

constexpr auto kFormingDeadline = std::chrono::seconds(60);  // JetStream elects its meta leader, then the stream's

std::unique_ptr<JetStreamLog> connect_to(const std::string& servers, int64_t timeout_ms = 5'000) {
  JetStreamOptions options;
  options.servers = servers;
  options.timeout_ms = timeout_ms;
  auto log = JetStreamLog::connect(options);
  EXPECT_TRUE(log.is_ok()) << log.status().to_string();
  return log.is_ok() ? std::move(log.value()) : nullptr;
}

// The stream exists and its Raft group answers (a fresh cluster, or one
// that lost servers, elects leaders first).
void stream_ready(JetStreamLog& log, uint32_t partition) {
  const auto deadline = Clock::now() + kFormingDeadline;
  Status s;
  while (!(s = log.ensure_stream(partition)).is_ok() || !log.last_sequence(partition).is_ok()) {
    ASSERT_LT(Clock::now(), deadline) << "stream never became ready: " << s.to_string();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

struct Written {
  uint64_t first_seq;
  uint32_t count;
  std::string entries;
};

std::vector<Written> read_all(JetStreamLog& log, uint32_t partition) {
  std::vector<Written> out;
  const Status s = log.read(partition, 1, [&](const StreamRecord& r) {
    EXPECT_EQ(r.stream_seq, out.size() + 1);
    out.push_back(Written{r.first_seq, r.count, std::string(r.entries)});
    return Status::ok();
  });
  EXPECT_TRUE(s.is_ok()) << s.to_string();
  return out;
}

TEST(JetStreamLog, RecordsReadBackInOrderWithTheirEntryNumbers) {
  NatsCluster nats(3);
  auto log = connect_to(nats.urls());
  ASSERT_TRUE(log);
  ASSERT_NO_FATAL_FAILURE(stream_ready(*log, 0));
  ASSERT_NO_FATAL_FAILURE(stream_ready(*log, 1));
  std::vector<Written> written;
  uint64_t next_entry = 1;
  for (uint32_t i = 0; i < 20; ++i) {
    const uint32_t count = 1 + i % 4;
    std::string entries(100 + i * 37, static_cast<char>('a' + i));
    entries[0] = '\0';  // binary, not text
    auto seq = log->append(0, i, next_entry, count, entries);
    ASSERT_TRUE(seq.is_ok()) << seq.status().to_string();
    EXPECT_EQ(*seq, i + 1);
    written.push_back(Written{next_entry, count, entries});
    next_entry += count;
  }
  auto last = log->last_sequence(0);
  ASSERT_TRUE(last.is_ok());
  EXPECT_EQ(*last, 20u);
  const std::vector<Written> got = read_all(*log, 0);
  ASSERT_EQ(got.size(), written.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].first_seq, written[i].first_seq) << "record " << i;
    EXPECT_EQ(got[i].count, written[i].count) << "record " << i;
    EXPECT_EQ(got[i].entries, written[i].entries) << "record " << i;
  }
  // From the middle; the other partition's stream is its own.
  uint64_t visited = 0;
  ASSERT_TRUE(log->read(0, 15,
                        [&](const StreamRecord& r) {
                          EXPECT_EQ(r.stream_seq, 15 + visited);
                          ++visited;
                          return Status::ok();
                        })
                  .is_ok());
  EXPECT_EQ(visited, 6u);
  EXPECT_TRUE(read_all(*log, 1).empty());
  // A visitor's error stops the read and comes back.
  const Status stopped = log->read(0, 1, [](const StreamRecord&) { return Status::internal("enough"); });
  EXPECT_EQ(stopped.code(), StatusCode::kInternal);
}

TEST(JetStreamLog, AWriterThatMissedAnAppendIsRefusedAndWritesNothing) {
  NatsCluster nats(3);
  auto leader = connect_to(nats.url(0));
  auto deposed = connect_to(nats.url(2));
  ASSERT_TRUE(leader && deposed);
  ASSERT_NO_FATAL_FAILURE(stream_ready(*leader, 3));
  ASSERT_TRUE(leader->append(3, 0, 1, 1, "first").is_ok());
  // Both believe the stream ends at 1; the new leader appends first.
  ASSERT_TRUE(leader->append(3, 1, 2, 1, "new leader").is_ok());
  auto refused = deposed->append(3, 1, 2, 1, "old leader");
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition) << refused.status().to_string();
  // So is a writer that believes the stream is empty.
  EXPECT_EQ(deposed->append(3, 0, 1, 1, "from scratch").status().code(), StatusCode::kFailedPrecondition);
  const std::vector<Written> got = read_all(*leader, 3);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].entries, "new leader");
  // Caught up (it reads the last sequence), the same writer appends again.
  auto last = deposed->last_sequence(3);
  ASSERT_TRUE(last.is_ok());
  EXPECT_TRUE(deposed->append(3, *last, 3, 1, "caught up").is_ok());
}

TEST(JetStreamLog, AcknowledgedRecordsSurviveLosingAnyOneServer) {
  NatsCluster nats(3);
  auto log = connect_to(nats.urls());
  ASSERT_TRUE(log);
  ASSERT_NO_FATAL_FAILURE(stream_ready(*log, 0));
  uint64_t acked = 0;
  auto append_some = [&](int n) {
    for (int i = 0; i < n; ++i) {
      const auto deadline = Clock::now() + kFormingDeadline;
      Result<uint64_t> seq = Status::unavailable("not tried");
      // After a loss the stream may elect a new leader first: retry what
      // was not acknowledged, from the last sequence the stream reports.
      while (!(seq = log->append(0, acked, acked + 1, 1, "entry " + std::to_string(acked + 1))).is_ok()) {
        ASSERT_LT(Clock::now(), deadline) << seq.status().to_string();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        // Stored though its answer was lost: the stream moved one past `acked`.
        if (auto last = log->last_sequence(0); last.is_ok() && *last == acked + 1) {
          seq = *last;
          break;
        }
      }
      acked = *seq;
    }
  };
  ASSERT_NO_FATAL_FAILURE(append_some(10));
  for (int lost = 0; lost < 3; ++lost) {
    nats.kill(lost);
    ASSERT_NO_FATAL_FAILURE(append_some(10));
    nats.start(lost);
    ASSERT_NO_FATAL_FAILURE(nats.wait_healthy(lost));  // caught up before the next loss
  }
  const std::vector<Written> got = read_all(*log, 0);
  ASSERT_EQ(got.size(), acked);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].entries, "entry " + std::to_string(i + 1));
}

TEST(JetStreamLog, WithoutAQuorumNothingIsAcknowledged) {
  NatsCluster nats(3);
  auto log = connect_to(nats.urls(), 1'500);
  ASSERT_TRUE(log);
  ASSERT_NO_FATAL_FAILURE(stream_ready(*log, 0));
  ASSERT_TRUE(log->append(0, 0, 1, 1, "before").is_ok());
  nats.kill(1);
  nats.kill(2);
  auto refused = log->append(0, 1, 2, 1, "no quorum");
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable) << refused.status().to_string();
  // A second server back: a quorum again. The record refused above was
  // never acknowledged, yet its proposal may still commit once the quorum
  // is back: a writer learns where the stream ends before it appends again,
  // and an append refused for a moved stream means "read it again".
  nats.start(1);
  ASSERT_NO_FATAL_FAILURE(stream_ready(*log, 0));
  const auto deadline = Clock::now() + kFormingDeadline;
  Result<uint64_t> seq = Status::unavailable("not tried");
  uint64_t last = 0;
  for (;;) {
    auto read = log->last_sequence(0);
    if (read.is_ok()) {
      last = *read;
      ASSERT_TRUE(last == 1 || last == 2) << last;
      if ((seq = log->append(0, last, last + 1, 1, "after")).is_ok()) break;
    }
    ASSERT_LT(Clock::now(), deadline) << (read.is_ok() ? seq.status() : read.status()).to_string();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(*seq, last + 1);
  const std::vector<Written> got = read_all(*log, 0);
  ASSERT_EQ(got.size(), *seq);
  EXPECT_EQ(got.front().entries, "before");
  if (got.size() == 3) {
    EXPECT_EQ(got[1].entries, "no quorum");
  }
  EXPECT_EQ(got.back().entries, "after");
}

TEST(JetStreamLog, BadConfigurationAndOversizedRecordsAreRefused) {
  JetStreamOptions bad;
  bad.servers = "nats://127.0.0.1:1";
  bad.replicas = 7;
  EXPECT_EQ(JetStreamLog::connect(bad).status().code(), StatusCode::kInvalidArgument);
  bad.replicas = 3;
  bad.prefix = "has.dot";
  EXPECT_EQ(JetStreamLog::connect(bad).status().code(), StatusCode::kInvalidArgument);
  bad.prefix = "TESSERA";
  bad.timeout_ms = 300;
  EXPECT_EQ(JetStreamLog::connect(bad).status().code(), StatusCode::kUnavailable);  // nobody listens there

  NatsCluster nats(3);
  auto log = connect_to(nats.urls());
  ASSERT_TRUE(log);
  ASSERT_NO_FATAL_FAILURE(stream_ready(*log, 0));
  const std::string huge(JetStreamOptions{}.max_record_bytes + 1, 'x');
  EXPECT_EQ(log->append(0, 0, 1, 1, huge).status().code(), StatusCode::kResourceExhausted);
  auto last = log->last_sequence(0);
  ASSERT_TRUE(last.is_ok());
  EXPECT_EQ(*last, 0u);
  // A node configured for another replica count does not adopt the stream.
  JetStreamOptions one;
  one.servers = nats.urls();
  one.replicas = 1;
  auto other = JetStreamLog::connect(one);
  ASSERT_TRUE(other.is_ok());
  EXPECT_EQ((*other)->ensure_stream(0).code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace tessera::cluster
