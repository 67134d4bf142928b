// tessera-server as a child process for the whole-server suites: started on
// ephemeral ports with the demo venue, its protocol port read from its first
// line of output, stopped by a signal or waited for until it ends by itself.
// By default it has two shards, a backoffice token "t" and contacts
// 1..kContacts; Options sets other shards, tokens and contacts, extra flags
// (e.g. --config FILE) and a file for its stderr. The port is read with a
// deadline, so a server that exits or hangs before listening fails the test
// instead of hanging it.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/client.h"
#include "workload/demo_venue.h"

#ifndef TESSERA_SERVER_BINARY
#error "TESSERA_SERVER_BINARY must name the tessera-server executable"
#endif

namespace tessera::testing_support {

class ServerProcess {
 public:
  // The clients the tests book for, 1..kContacts (a server takes orders
  // only for contacts its directory created; a restart already has them).
  static constexpr uint32_t kContacts = 32;

  struct Options {
    uint32_t shards = 2;
    std::vector<std::string> tokens = {"t:backoffice"};  // each NAME:ROLE, passed as --token
    std::string stderr_path;                             // empty: the test's own stderr
    // Contacts 1..contacts, created through token "t" once the server
    // listens; 0 creates none (the server writes nothing for the helper).
    uint32_t contacts = kContacts;
    std::vector<std::string> extra_flags;  // after the defaults
    // Whether client()s reconnect when their connection drops (false where a
    // server that went away stays away).
    bool reconnect = true;
  };

  // Serves `data_dir` (durability sync) as `options` say. port() is 0 if
  // the server ended, or said nothing for 30 s, before listening.
  ServerProcess(const std::string& data_dir, Options options)
      : stderr_path_(std::move(options.stderr_path)), reconnect_(options.reconnect) {
    std::vector<std::string> argv = {"tessera-server",
                                     "--port",
                                     "0",
                                     "--admin-port",
                                     "0",
                                     "--shards",
                                     std::to_string(options.shards),
                                     "--demo",
                                     "--data-dir",
                                     data_dir,
                                     "--durability",
                                     "sync",
                                     "--orders-reserved-per-shard",
                                     "0"};
    for (const std::string& token : options.tokens) {
      argv.push_back("--token");
      argv.push_back(token);
    }
    argv.insert(argv.end(), options.extra_flags.begin(), options.extra_flags.end());
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    int out[2];
    EXPECT_EQ(::pipe(out), 0);
    int err = -1;
    if (!stderr_path_.empty()) {
      err = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      EXPECT_GE(err, 0) << stderr_path_ << ": " << std::strerror(errno);
    }
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a test that aborts leaves no server (nor ctest waiting on its pipe)
      ::dup2(out[1], STDOUT_FILENO);
      if (err >= 0) ::dup2(err, STDERR_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::execv(TESSERA_SERVER_BINARY, args.data());
      ::_exit(127);
    }
    ::close(out[1]);
    if (err >= 0) ::close(err);
    out_ = out[0];
    port_ = read_port(out_);
    if (port_ != 0) create_contacts(options.contacts);
  }

  // Serves `data_dir` with the default options, `extra_flags` and contacts
  // 1..contacts.
  explicit ServerProcess(const std::string& data_dir, std::vector<std::string> extra_flags = {},
                         uint32_t contacts = kContacts)
      : ServerProcess(data_dir, Options{.contacts = contacts, .extra_flags = std::move(extra_flags)}) {}

  ~ServerProcess() {
    if (pid_ > 0) stop(SIGKILL);
    if (out_ >= 0) ::close(out_);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  uint16_t port() const { return port_; }

  // What the server wrote to Options::stderr_path so far; empty without one.
  std::string stderr_text() const {
    if (stderr_path_.empty()) return "";
    std::ifstream in(stderr_path_);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  std::unique_ptr<net::Client> client(const std::string& token = "t") {
    net::ClientOptions o;
    o.port = port_;
    o.token = token;
    o.reconnect = reconnect_;
    auto c = net::Client::connect(o);
    EXPECT_TRUE(c.is_ok()) << c.status().to_string();
    return c.is_ok() ? std::move(c.value()) : nullptr;
  }

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

  // The wait status once the process has ended by itself within `timeout`;
  // nullopt while it still runs. Unlike stop() it sends no signal: for a
  // server that must exit on its own, e.g. when its command log fails.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return status_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int status = 0;
      const pid_t ended = ::waitpid(pid_, &status, WNOHANG);
      if (ended == pid_) {
        pid_ = -1;
        status_ = status;
        return status_;
      }
      if (ended < 0 || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // Sends `sig` and returns the wait status (the one already collected if
  // the process has ended; -1 if it never started).
  int stop(int sig) {
    if (pid_ <= 0) return status_.value_or(-1);  // never kill(-1, sig): that signals every process it may
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    status_ = status;
    return status;
  }

 private:
  // "tessera-server listening on 127.0.0.1:PORT (admin http N), S shards" is
  // its first line on stdout. Returns 0 at end of file (the server exited)
  // or after 30 s without a line; poll() keeps either from hanging the test.
  static uint16_t read_port(int fd) {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buffer[256];
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) break;
      line.append(buffer, static_cast<size_t>(n));
    }
    const size_t colon = line.find("127.0.0.1:");
    return colon == std::string::npos ? 0 : static_cast<uint16_t>(std::stoi(line.substr(colon + 10)));
  }

  std::string stderr_path_;
  bool reconnect_ = true;
  pid_t pid_ = -1;
  int out_ = -1;
  std::optional<int> status_;  // the wait status, once collected
  uint16_t port_ = 0;
};

// One command on its own and its reply; a call that fails fails the test
// and gives an empty Reply.
inline engine::Reply call_one(net::Client& c, engine::CommandBody body) {
  auto r = c.call({engine::Command{0, std::move(body)}});
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? (*r)[0] : engine::Reply{};
}

// A web shop's hold of n seats of `category` on the demo performance 1000,
// for 10 minutes.
inline engine::Hold cart(uint32_t contact, engine::CategoryId category, uint32_t n) {
  return engine::Hold{contact, workload::kWeb, {workload::demo_line(1000, 1, category, n)}, 600'000};
}

}  // namespace tessera::testing_support
