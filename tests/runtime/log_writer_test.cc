// LogWriter: the batches that queue while a write is on the disk go to the
// sink together — one append, so one fsync — and their replies still leave
// in batch order, only once that append returned.
#include "runtime/log_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tessera::runtime {
namespace {

// Holds its first append until open(); records every append.
class GatedSink final : public LogSink {
 public:
  struct Append {
    uint64_t first_seq;
    uint32_t count;
    std::string entries;
  };
  Status append(uint32_t, uint64_t first_seq, uint32_t count, std::string_view entries) override {
    if (entered_.exchange(true) == false) {
      entered_.notify_all();
      open_.wait(false);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    appends_.push_back(Append{first_seq, count, std::string(entries)});
    return Status();
  }
  Status append_parts(std::vector<LogPart>* parts) override {
    Status s;
    for (const LogPart& p : *parts)
      if (s.is_ok()) s = append(p.shard, p.first_seq, p.count, p.entries);
    return s;
  }
  Status snapshot(uint32_t, uint64_t, std::string_view) override { return Status(); }
  void wait_entered() { entered_.wait(false); }
  void open() {
    open_.store(true);
    open_.notify_all();
  }
  std::vector<Append> appends() {
    std::lock_guard<std::mutex> lock(mutex_);
    return appends_;
  }

 private:
  std::atomic<bool> entered_{false}, open_{false};
  std::mutex mutex_;
  std::vector<Append> appends_;
};

class Ranked final : public Completion {
 public:
  explicit Ranked(std::atomic<uint32_t>* next) : next_(next) {}
  void complete(engine::Reply&& reply) override {
    code = reply.code;
    rank = next_->fetch_add(1);
    done.store(true);
    done.notify_all();
  }
  std::atomic<bool> done{false};
  uint32_t rank = 0;
  engine::ReplyCode code = engine::ReplyCode::kUnavailable;

 private:
  std::atomic<uint32_t>* next_;
};

TEST(LogWriter, BatchesQueuedDuringAnAppendAreWrittenInOneAppend_RepliesInOrder) {
  GatedSink sink;
  LogWriter writer(0, sink, /*depth=*/4);
  writer.start();
  std::atomic<uint32_t> next{0};
  std::vector<std::unique_ptr<Ranked>> replies;
  uint64_t seq = 1;
  auto submit = [&](uint32_t commands, char tag) {
    LogBatch* b = writer.acquire();
    b->first_seq = seq;
    b->count = commands;
    b->entries.assign(commands, tag);
    for (uint32_t i = 0; i < commands; ++i) {
      replies.push_back(std::make_unique<Ranked>(&next));
      b->done.push_back(replies.back().get());
      b->replies.emplace_back();
    }
    seq += commands;
    writer.submit(b);
  };
  submit(1, 'a');
  sink.wait_entered();  // the first append is on the "disk"
  submit(2, 'b');
  submit(1, 'c');
  submit(3, 'd');
  EXPECT_FALSE(replies[1]->done.load());
  sink.open();
  for (auto& r : replies) r->done.wait(false);
  writer.stop();
  const std::vector<GatedSink::Append> appends = sink.appends();
  ASSERT_EQ(appends.size(), 2u) << "one append for the three batches that queued";
  EXPECT_EQ(appends[0].first_seq, 1u);
  EXPECT_EQ(appends[0].count, 1u);
  EXPECT_EQ(appends[1].first_seq, 2u);
  EXPECT_EQ(appends[1].count, 6u);
  EXPECT_EQ(appends[1].entries, "bbcddd");
  for (uint32_t i = 0; i < replies.size(); ++i) {
    EXPECT_EQ(replies[i]->rank, i);
    EXPECT_EQ(replies[i]->code, engine::ReplyCode::kOk);
  }
}

}  // namespace
}  // namespace tessera::runtime
