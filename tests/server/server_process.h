// tessera-server as a child process for the whole-server suites: started on
// ephemeral ports with the demo venue and a backoffice token "t" (plus any
// extra flags, e.g. --config FILE), its protocol port read from its first
// line of output, stopped by a signal.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "net/client.h"
#include "workload/demo_venue.h"

#ifndef TESSERA_SERVER_BINARY
#error "TESSERA_SERVER_BINARY must name the tessera-server executable"
#endif

namespace tessera::testing_support {

class ServerProcess {
 public:
  // Serves `data_dir` (durability sync) with `extra_flags` after the
  // defaults, and creates contacts 1..contacts.
  explicit ServerProcess(const std::string& data_dir, std::vector<std::string> extra_flags = {},
                         uint32_t contacts = kContacts) {
    std::vector<std::string> argv = {"tessera-server",
                                     "--port",
                                     "0",
                                     "--admin-port",
                                     "0",
                                     "--shards",
                                     "2",
                                     "--demo",
                                     "--data-dir",
                                     data_dir,
                                     "--durability",
                                     "sync",
                                     "--orders-reserved-per-shard",
                                     "0",
                                     "--token",
                                     "t:backoffice"};
    argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    int out[2];
    EXPECT_EQ(::pipe(out), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a test that aborts leaves no server (nor ctest waiting on its pipe)
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::execv(TESSERA_SERVER_BINARY, args.data());
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
    if (port_ != 0) create_contacts(contacts);
  }
  ~ServerProcess() {
    if (pid_ > 0) stop(SIGKILL);
    if (out_) std::fclose(out_);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  uint16_t port() const { return port_; }

  std::unique_ptr<net::Client> client(const std::string& token = "t") {
    net::ClientOptions o;
    o.port = port_;
    o.token = token;
    auto c = net::Client::connect(o);
    EXPECT_TRUE(c.is_ok()) << c.status().to_string();
    return c.is_ok() ? std::move(c.value()) : nullptr;
  }

  // The clients the tests book for, 1..kContacts (a server takes orders
  // only for contacts its directory created; a restart already has them).
  static constexpr uint32_t kContacts = 32;
  void create_contacts(uint32_t count) {
    if (count == 0) return;
    auto c = client();
    if (!c) return;
    std::vector<engine::Command> create;
    for (uint32_t id = 1; id <= count; ++id) create.push_back(workload::demo_contact(id));
    auto replies = c->call(create);
    ASSERT_TRUE(replies.is_ok()) << replies.status().to_string();
    for (const net::ClientReply& r : *replies)
      EXPECT_TRUE(r.ok() || r.code == engine::ReplyCode::kDuplicate) << r.message;
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

}  // namespace tessera::testing_support
