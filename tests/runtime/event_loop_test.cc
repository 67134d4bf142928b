// A runner serving an event loop (runtime/event_loop.h): the loop's work and
// the shard's run on one thread, a command the runner's own thread submits
// is never refused for a full inbox and keeps its place in order, and a
// batch the log does not sync is written on the shard's thread.
#include "runtime/event_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/limits.h"
#include "runtime/shard_runner.h"
#include "tests/engine/engine_clock.h"

namespace tessera::runtime {
namespace {

using namespace tessera::engine;

// A loop of posted tasks (net/io_loop.h is the server's, on Asio).
class TaskLoop final : public EventLoop {
 public:
  void post(std::function<void()> task) {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_.push_back(std::move(task));
    ready_.notify_one();
  }
  size_t poll() override {
    std::deque<std::function<void()>> now;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      now.swap(tasks_);
    }
    for (auto& task : now) task();
    return now.size();
  }
  void wait_for(std::chrono::microseconds timeout) override {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait_for(lock, timeout, [this] { return woken_ || !tasks_.empty(); });
      woken_ = false;
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
  void wake() override {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
    wakes.fetch_add(1);
    ready_.notify_one();
  }
  std::atomic<uint64_t> wakes{0};

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool woken_ = false;
};

// Records where and in which order the replies came.
class Recorder final : public Completion {
 public:
  explicit Recorder(std::atomic<uint64_t>* sequence = nullptr) : sequence_(sequence) {}
  void complete(Reply&&) override {
    if (sequence_) rank = sequence_->fetch_add(1);
    thread = std::this_thread::get_id();
    done.store(true, std::memory_order_release);
    done.notify_all();
  }
  void wait() { done.wait(false, std::memory_order_acquire); }
  std::atomic<bool> done{false};
  uint64_t rank = 0;
  std::thread::id thread;

 private:
  std::atomic<uint64_t>* sequence_;
};

// Runs `task` on the loop's driving thread and waits for it.
void run_on(TaskLoop& loop, std::function<void()> task) {
  std::atomic<bool> ran{false};
  loop.post([&] {
    task();
    ran.store(true);
    ran.notify_all();
  });
  ran.wait(false);
}

// A started shard runner serving a TaskLoop; detached and stopped at the end.
struct ServedRunner {
  explicit ServedRunner(RunnerConfig config = {}) : runner(0, 1, clock, {}, config) {
    runner.start();
    runner.attach(&loop);
  }
  ~ServedRunner() {
    runner.attach(nullptr);
    runner.stop();
  }
  ManualClock clock{kT0};
  TaskLoop loop;
  ShardRunner runner;
};

TEST(RunnerEventLoop, ConnectionsWorkAndTheShardShareOneThread_ReplyWithoutAHandOff) {
  ServedRunner served;
  ShardRunner& runner = served.runner;
  TaskLoop& loop = served.loop;
  std::thread::id loop_thread;
  Recorder reply;
  run_on(loop, [&] {
    loop_thread = std::this_thread::get_id();
    ASSERT_TRUE(runner.submit(Command{0, GetOrder{1}}, &reply));
  });
  reply.wait();
  EXPECT_NE(loop_thread, std::this_thread::get_id());
  EXPECT_EQ(reply.thread, loop_thread) << "no log: the shard answered on the thread that read the request";
}

TEST(RunnerEventLoop, AnotherThreadsSubmitWakesTheLoop) {
  ServedRunner served;
  ShardRunner& runner = served.runner;
  TaskLoop& loop = served.loop;
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // idle: asleep in the loop
    Recorder reply;
    ASSERT_TRUE(runner.submit(Command{0, GetOrder{1}}, &reply));
    reply.wait();
  }
  EXPECT_GT(loop.wakes.load(), 0u);
}

TEST(RunnerEventLoop, AfterDetachTheRunnerNoLongerServesTheLoop) {
  ServedRunner served;
  ShardRunner& runner = served.runner;
  TaskLoop& loop = served.loop;
  run_on(loop, [] {});
  runner.attach(nullptr);
  std::atomic<bool> ran{false};
  loop.post([&] { ran.store(true); });
  Recorder reply;  // the runner still takes commands
  ASSERT_TRUE(runner.submit(Command{0, GetOrder{1}}, &reply));
  reply.wait();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(ran.load());
  loop.poll();  // the owner runs what is left
  EXPECT_TRUE(ran.load());
}

// The runner's own thread cannot wait for room in its own inbox: what it
// submits beyond the inbox waits in an overflow, after what was queued
// before it, and another thread's commands keep their place too.
TEST(RunnerEventLoop, OwnThreadSubmitsBeyondTheInbox_NothingRefused_AllInOrder) {
  ServedRunner served;
  ShardRunner& runner = served.runner;
  TaskLoop& loop = served.loop;
  constexpr size_t kOwn = kInboxCapacity + 1000;
  std::atomic<uint64_t> sequence{0};
  std::vector<std::unique_ptr<Recorder>> own;
  for (size_t i = 0; i < kOwn; ++i) own.push_back(std::make_unique<Recorder>(&sequence));
  std::atomic<size_t> refused{0};
  Recorder outside(&sequence);
  run_on(loop, [&] {
    for (size_t i = 0; i < kOwn; ++i) {
      if (!runner.submit(Command{0, GetOrder{1}}, own[i].get())) refused.fetch_add(1);
      // Half-way through the overflow, another thread submits: refused
      // (the inbox is full), never applied ahead of what came before.
      if (i == kInboxCapacity + 500) {
        std::thread other([&] { EXPECT_FALSE(runner.submit(Command{0, GetOrder{1}}, &outside)); });
        other.join();
      }
    }
    EXPECT_GE(runner.inbox_depth(), kOwn) << "nothing taken while this thread was busy here";
  });
  for (auto& r : own) r->wait();
  EXPECT_EQ(refused.load(), 0u);
  for (size_t i = 0; i < kOwn; ++i) ASSERT_EQ(own[i]->rank, i) << "command " << i << " out of order";
  EXPECT_FALSE(outside.done.load());
}

// A sink that says whether it syncs and where it was written.
class ThreadRecordingSink final : public LogSink {
 public:
  explicit ThreadRecordingSink(bool syncs) : syncs_(syncs) {}
  bool syncs() const override { return syncs_; }
  Status append(uint32_t, uint64_t, uint32_t, std::string_view) override {
    std::lock_guard<std::mutex> lock(mutex_);
    threads_.push_back(std::this_thread::get_id());
    return Status();
  }
  Status append_parts(std::vector<LogPart>* parts) override {
    Status s;
    for (const LogPart& p : *parts)
      if (s.is_ok()) s = append(p.shard, p.first_seq, p.count, p.entries);
    return s;
  }
  Status snapshot(uint32_t, uint64_t, std::string_view) override { return Status(); }
  std::vector<std::thread::id> threads() {
    std::lock_guard<std::mutex> lock(mutex_);
    return threads_;
  }

 private:
  const bool syncs_;
  std::mutex mutex_;
  std::vector<std::thread::id> threads_;
};

TEST(RunnerEventLoop, WithoutFsyncTheShardThreadWritesTheLog_WithFsyncTheWriterDoes) {
  for (const bool syncs : {false, true}) {
    SCOPED_TRACE(syncs ? "sink syncs" : "sink does not sync");
    ThreadRecordingSink sink(syncs);
    RunnerConfig config;
    config.log = &sink;
    ServedRunner served(config);
    ShardRunner& runner = served.runner;
    TaskLoop& loop = served.loop;
    std::thread::id shard_thread;
    Recorder reply;
    run_on(loop, [&] {
      shard_thread = std::this_thread::get_id();
      ASSERT_TRUE(runner.submit(Command{0, Confirm{OrderId{1}, {}}}, &reply));  // refused, and logged
    });
    reply.wait();
    const std::vector<std::thread::id> written = sink.threads();
    ASSERT_EQ(written.size(), 1u);
    if (syncs) {
      EXPECT_NE(written[0], shard_thread);
      EXPECT_NE(reply.thread, shard_thread);
    } else {
      EXPECT_EQ(written[0], shard_thread);
      EXPECT_EQ(reply.thread, shard_thread) << "answered once written, without a hand-off";
    }
  }
}

}  // namespace
}  // namespace tessera::runtime
