// tessera-server on a real file system that fills up: a 64 MiB tmpfs the
// test mounts (as root; skipped where mounting is not allowed). Holds are
// sent one at a time until the command log fails for want of space; then
// every reply is Unavailable, the server exits with kExitStorageFailed for a
// supervisor to restart it, a start while the disk is still full refuses
// cleanly (no crash), and once space returns the restart recovers exactly
// the acknowledged holds.
//
// The one difference recovery may legitimately show: the first refused
// hold's record complete in the log although its write was reported failed
// (its fsync, or a later step of the same append, failed). Recovery then
// replays it — one order more than acknowledged, with that hold's units.
// Every later command was refused without being applied or logged.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/reply_detail.h"
#include "net/client.h"
#include "server/server_app.h"
#include "tests/server/server_process.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

namespace tessera::server {
namespace {

using namespace tessera::engine;
using std::chrono::milliseconds;
using std::chrono::steady_clock;
using testing_support::ServerProcess;

constexpr const char* kAdminToken = "a";
constexpr const char* kOfficeToken = "t";
constexpr PerformanceId kPerformance = 1500;
constexpr uint32_t kCapacity = 1'000'000;
// Left free before the holds that fill the disk: a few thousand holds'
// records (about 150 bytes each). RocksDB's WAL preallocation (1.1 ×
// write_buffer_size, 70 MiB) is larger than the whole file system, so it
// fails up front and reserves nothing.
constexpr uint64_t kRoomBytes = 256 * 1024;
constexpr uint32_t kHoldsBeforeFilling = 10;
constexpr uint32_t kCommandsAfterRefusal = 20;

std::string describe(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  return "wait status " + std::to_string(status);
}

uint64_t free_bytes(const std::string& dir) {
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) return 0;
  return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
}

// Writes `path` until `room_bytes` are left free on its file system (or it
// is full). Returns the bytes left free.
uint64_t fill_leaving(const std::string& dir, const std::string& path, uint64_t room_bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  EXPECT_GE(fd, 0) << path << ": " << std::strerror(errno);
  if (fd < 0) return free_bytes(dir);
  const std::vector<char> chunk(1 << 20, 'x');
  for (uint64_t left = free_bytes(dir); left > room_bytes; left = free_bytes(dir)) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk.size(), left - room_bytes));
    if (::write(fd, chunk.data(), n) <= 0) break;  // ENOSPC: full already
  }
  ::close(fd);
  return free_bytes(dir);
}

Reply full_disk_call(net::Client& c, CommandBody body) {
  auto r = c.call({Command{0, std::move(body)}});
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? Reply((*r)[0]) : refuse(ReplyCode::kUnavailable, r.status().to_string());
}

Hold hold_of(uint32_t quantity) {
  return Hold{
      0, workload::kBoxOffice, {workload::demo_line(kPerformance, workload::kProductRelease, 1, quantity)}, 600'000};
}

struct Acknowledged {
  OrderId order = 0;
  uint32_t quantity = 0;
};

class DiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0)
      GTEST_SKIP() << "not root: this test mounts a 64 MiB tmpfs and fills it (run the suite as root to cover a "
                      "full disk)";
    mount_point_ = dir_.path() + "/fs";
    std::filesystem::create_directory(mount_point_);
    if (::mount("tmpfs", mount_point_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=64m") != 0)
      GTEST_SKIP() << "cannot mount a tmpfs on " << mount_point_ << ": " << std::strerror(errno)
                   << " (mounting is not allowed here, e.g. a container without CAP_SYS_ADMIN)";
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_ && ::umount2(mount_point_.c_str(), MNT_DETACH) != 0)
      ADD_FAILURE() << "umount " << mount_point_ << ": " << std::strerror(errno);
  }

  std::string data_dir() const { return mount_point_ + "/data"; }
  std::string filler() const { return mount_point_ + "/filler"; }
  // One shard, an admin and a backoffice token, no contacts (nothing
  // written but the test's commands), clients that do not reconnect; the
  // server's stderr in `run`.stderr beside the mount point, not on the full
  // disk.
  ServerProcess::Options server_options(const char* run) const {
    return {.shards = 1,
            .tokens = {std::string(kAdminToken) + ":admin", std::string(kOfficeToken) + ":backoffice"},
            .stderr_path = dir_.path() + "/" + run + ".stderr",
            .contacts = 0,
            .reconnect = false};
  }

  testing_support::TempDir dir_;
  std::string mount_point_;
  bool mounted_ = false;
};

TEST_F(DiskFull, RefusesUnavailable_ExitsForRestart_RecoversEveryAcknowledgedHold) {
  std::vector<Acknowledged> acknowledged;
  uint32_t first_refused_quantity = 0;
  {
    ServerProcess server(data_dir(), server_options("filling"));
    ASSERT_NE(server.port(), 0) << "server did not start:\n" << server.stderr_text();
    auto admin = server.client(kAdminToken);
    auto office = server.client(kOfficeToken);
    ASSERT_TRUE(admin && office);
    const int64_t starts_at_ms = workload::DemoVenue{}.starts_at_ms + 86'400'000;
    ASSERT_TRUE(
        full_disk_call(*admin, DefinePerformance{kPerformance, workload::kProductRelease, starts_at_ms, 0, 0}).ok());
    ASSERT_TRUE(full_disk_call(*admin, SetGeneralAdmission{kPerformance, 1, kCapacity}).ok());
    for (uint32_t i = 0; i < kHoldsBeforeFilling; ++i) {
      const Reply r = full_disk_call(*office, hold_of(1 + i % 3));
      ASSERT_TRUE(r.ok()) << r.message;
      acknowledged.push_back({r.order, 1 + i % 3});
    }
    const uint64_t room = fill_leaving(mount_point_, filler(), kRoomBytes);
    ASSERT_LE(room, 2 * kRoomBytes) << "the filler did not fill the file system";

    // One at a time, each answered before the next: every Ok is durable.
    uint32_t refused = 0, transport_failures = 0;
    const auto deadline = steady_clock::now() + milliseconds(15'000);
    for (uint32_t i = kHoldsBeforeFilling; refused < kCommandsAfterRefusal && steady_clock::now() < deadline; ++i) {
      const uint32_t quantity = 1 + i % 3;
      auto replies = office->call({Command{0, hold_of(quantity)}});
      if (!replies.is_ok()) {  // the server is closing or gone: nothing more can be acknowledged
        ASSERT_GT(refused, 0u) << "connection lost before any Unavailable: " << replies.status().to_string()
                               << "\nserver stderr:\n"
                               << server.stderr_text();
        ++transport_failures;
        ++refused;
        continue;
      }
      const Reply& r = (*replies)[0];
      if (refused == 0 && r.ok()) {
        acknowledged.push_back({r.order, quantity});
        continue;
      }
      ASSERT_FALSE(r.ok()) << "hold acknowledged after a refusal (order " << r.order << ")";
      ASSERT_EQ(r.code, ReplyCode::kUnavailable) << reply_code_name(r.code) << ": " << r.message;
      if (refused++ == 0) first_refused_quantity = quantity;
    }
    ASSERT_GT(refused, 0u) << "no hold was refused in 15 s: the log never ran out of space ("
                           << free_bytes(mount_point_) << " bytes free)";
    EXPECT_GT(acknowledged.size(), kHoldsBeforeFilling) << "the log failed at once; no hold used the room left";
    std::printf(
        "[          ] %zu holds acknowledged, then refused; %u commands after the first refusal found the "
        "connection closed\n",
        acknowledged.size(), transport_failures);

    const std::optional<int> status = server.wait_exit(milliseconds(10'000));
    ASSERT_TRUE(status.has_value()) << "still running 10 s after its command log failed:\n" << server.stderr_text();
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == kExitStorageFailed)
        << describe(*status) << ", want " << kExitStorageFailed << ":\n"
        << server.stderr_text();
    const std::string said = server.stderr_text();
    EXPECT_NE(said.find("shard 0: command log failed"), std::string::npos) << said;
    EXPECT_NE(said.find("exit status 75"), std::string::npos) << said;
  }

  // Still full: the start opens or refuses with a clear message — never a
  // crash, never damage the later start would see.
  {
    ServerProcess server(data_dir(), server_options("still-full"));
    if (server.port() != 0) {
      const int status = server.stop(SIGTERM);
      EXPECT_TRUE(WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == kExitStorageFailed))
          << "opened on the full disk, then " << describe(status) << ":\n"
          << server.stderr_text();
    } else {
      const std::optional<int> status = server.wait_exit(milliseconds(20'000));
      ASSERT_TRUE(status.has_value()) << "neither listening nor ended after 20 s:\n" << server.stderr_text();
      EXPECT_TRUE(WIFEXITED(*status)) << "crashed on the full disk instead of refusing: " << describe(*status) << ":\n"
                                      << server.stderr_text();
      EXPECT_EQ(WEXITSTATUS(*status), kExitStorageFailed)
          << "a supervisor restarts on " << kExitStorageFailed << " only:\n"
          << server.stderr_text();
    }
  }

  ASSERT_TRUE(std::filesystem::remove(filler()));
  ServerProcess server(data_dir(), server_options("recovered"));
  ASSERT_NE(server.port(), 0) << "did not recover once space returned:\n" << server.stderr_text();
  auto office = server.client(kOfficeToken);
  ASSERT_TRUE(office);
  uint64_t units = 0;
  for (size_t at = 0; at < acknowledged.size(); at += 256) {
    std::vector<Command> reads;
    for (size_t i = at; i < std::min(acknowledged.size(), at + 256); ++i)
      reads.push_back(Command{0, GetOrderRecord{acknowledged[i].order}});
    auto replies = office->call(std::move(reads));
    ASSERT_TRUE(replies.is_ok()) << replies.status().to_string();
    for (size_t i = 0; i < replies->size(); ++i) {
      const Acknowledged& a = acknowledged[at + i];
      const Reply& r = (*replies)[i];
      ASSERT_TRUE(r.ok() && r.detail) << "acknowledged order " << a.order << " lost: " << r.message;
      const auto& record = std::get<OrderRecord>(r.detail->value);
      EXPECT_EQ(record.state, OrderState::kHeld) << a.order;
      ASSERT_EQ(record.lines.size(), 1u) << a.order;
      EXPECT_EQ(record.lines[0].performance, kPerformance) << a.order;
      EXPECT_EQ(record.lines[0].quantity, a.quantity) << a.order;
      units += a.quantity;
    }
  }
  const Reply listed = full_disk_call(*office, ListOrders{kNone, kPerformance, 0, 0, 1});
  ASSERT_TRUE(listed.ok() && listed.detail) << listed.message;
  const uint64_t orders = std::get<OrderPage>(listed.detail->value).total;
  const int64_t available =
      full_disk_call(*office, GetAvailability{kPerformance, 1, kNone, workload::kBoxOffice, kNone}).value;
  if (available == static_cast<int64_t>(kCapacity - units)) {
    EXPECT_EQ(orders, acknowledged.size()) << "an unacknowledged order without units";
  } else {  // the one legitimate difference (see the file comment)
    EXPECT_EQ(available, static_cast<int64_t>(kCapacity - units - first_refused_quantity))
        << "units held by no acknowledged hold (" << kCapacity - units << " expected free)";
    EXPECT_EQ(orders, acknowledged.size() + 1) << "only the first refused hold may have reached the log";
    std::printf("[          ] the first refused hold was whole in the log and was recovered\n");
  }
  const int status = server.stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << describe(status);
}

}  // namespace
}  // namespace tessera::server
