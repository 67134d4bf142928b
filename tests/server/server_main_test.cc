// tessera-server as a process, on its real RocksDB data directory: it
// starts, serves, stops gracefully on SIGTERM (exit 0), and after a restart
// — graceful or SIGKILL — every acknowledged command is still there.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "net/client.h"
#include "tests/storage/temp_dir.h"
#include "workload/demo_venue.h"

#ifndef TESSERA_SERVER_BINARY
#error "TESSERA_SERVER_BINARY must name the tessera-server executable"
#endif

namespace tessera::server {
namespace {

using namespace tessera::engine;

// One tessera-server child process in `data_dir` (durability sync).
class ServerProcess {
 public:
  explicit ServerProcess(const std::string& data_dir) {
    int out[2];
    EXPECT_EQ(::pipe(out), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::execl(TESSERA_SERVER_BINARY, "tessera-server", "--port", "0", "--admin-port", "0", "--shards", "2", "--demo",
              "--data-dir", data_dir.c_str(), "--durability", "sync", "--orders-reserved-per-shard", "0", "--token",
              "t:backoffice", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = ::fdopen(out[0], "r");
    // "tessera-server listening on 127.0.0.1:PORT (admin http N), 2 shards"
    char line[256] = {};
    if (std::fgets(line, sizeof line, out_) == nullptr) return;
    const std::string text = line;
    const size_t colon = text.find("127.0.0.1:");
    if (colon != std::string::npos) port_ = static_cast<uint16_t>(std::stoi(text.substr(colon + 10)));
  }
  ~ServerProcess() {
    if (pid_ > 0) stop(SIGKILL);
    if (out_) std::fclose(out_);
  }
  uint16_t port() const { return port_; }

  std::unique_ptr<net::Client> client() {
    net::ClientOptions o;
    o.port = port_;
    o.token = "t";
    auto c = net::Client::connect(o);
    EXPECT_TRUE(c.is_ok()) << c.status().to_string();
    return c.is_ok() ? std::move(c.value()) : nullptr;
  }

  // Sends `sig` and returns the wait status.
  int stop(int sig) {
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  uint16_t port_ = 0;
};

Reply one(net::Client& c, CommandBody body) {
  auto r = c.call({Command{0, std::move(body)}});
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? (*r)[0] : Reply{};
}

Hold cart(uint32_t contact, CategoryId category, uint32_t n) {
  return Hold{contact, workload::kWeb, {workload::demo_line(1000, 1, category, n)}, 600'000};
}

TEST(ServerMain, SigtermStopsGracefullyWithExitCodeZero) {
  testing_support::TempDir dir;
  ServerProcess server(dir.path() + "/data");
  ASSERT_NE(server.port(), 0) << "server did not start";
  auto client = server.client();
  ASSERT_TRUE(client);
  EXPECT_TRUE(one(*client, cart(1, 1, 2)).ok());
  const int status = server.stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status)) << "status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// Acknowledged orders in every state survive a SIGKILL; a restart after a
// graceful stop keeps them as well.
TEST(ServerMain, RestartKeepsEveryAcknowledgedCommand_AfterSigkillAndSigterm) {
  testing_support::TempDir dir;
  const std::string data = dir.path() + "/data";
  std::vector<std::pair<OrderId, OrderState>> expected;
  int64_t available = 0;
  {
    ServerProcess server(data);
    ASSERT_NE(server.port(), 0);
    auto client = server.client();
    ASSERT_TRUE(client);
    for (uint32_t i = 0; i < 30; ++i) {
      const Reply h = one(*client, cart(i + 1, 2, 1 + i % 3));
      ASSERT_TRUE(h.ok()) << h.message;
      OrderState state = OrderState::kHeld;
      if (i % 3 == 1) {
        ASSERT_TRUE(one(*client, Confirm{h.order, {}}).ok());
        state = OrderState::kConfirmed;
      } else if (i % 3 == 2) {
        const int64_t in_a_month = std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count() +
                                   30LL * 86'400'000;
        ASSERT_TRUE(one(*client, ConvertHold{h.order, BookingKind::kOption, in_a_month}).ok());
        ASSERT_TRUE(one(*client, SetLock{h.order, true}).ok());
        state = OrderState::kOption;
      }
      expected.emplace_back(h.order, state);
    }
    available = one(*client, GetAvailability{1000, 2, kNone, workload::kWeb, kNone}).value;
    server.stop(SIGKILL);  // no flush, no goodbye
  }
  for (int restart = 0; restart < 2; ++restart) {
    SCOPED_TRACE(restart == 0 ? "after SIGKILL" : "after SIGTERM");
    ServerProcess server(data);
    ASSERT_NE(server.port(), 0) << "server did not recover";
    auto client = server.client();
    ASSERT_TRUE(client);
    for (const auto& [order, state] : expected) EXPECT_EQ(one(*client, GetOrder{order}).state, state) << order;
    EXPECT_EQ(one(*client, GetAvailability{1000, 2, kNone, workload::kWeb, kNone}).value, available);
    EXPECT_EQ(WEXITSTATUS(server.stop(SIGTERM)), 0);
  }
}

}  // namespace
}  // namespace tessera::server
