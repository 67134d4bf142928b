// An etcd cluster of real etcd processes (Debian etcd-server) on loopback,
// for the cluster-mode suites: each member has its own client and peer port
// (free ports found by binding port 0) and its own data directory under the
// test's temporary directory. Elections are tuned short (heartbeat 50 ms,
// election timeout 500 ms) so that losing a member costs a test little.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/cluster/loopback.h"
#include "tests/storage/temp_dir.h"

namespace tessera::testing_support {

class EtcdCluster {
 public:
  static constexpr const char* kBinary = "/usr/bin/etcd";  // Debian's etcd-server package

  explicit EtcdCluster(int members) {
    for (int attempt = 1;; ++attempt) {
      std::string why;
      if (try_start_all(members, attempt, &why)) return;
      for (size_t i = 0; i < members_.size(); ++i) kill(static_cast<int>(i));
      if (attempt == 5) {
        ADD_FAILURE() << "the etcd cluster never started: " << why;
        return;
      }
    }
  }
  ~EtcdCluster() {
    for (size_t i = 0; i < members_.size(); ++i) {
      if (members_[i].stopped) ::kill(members_[i].pid, SIGCONT);
      kill(static_cast<int>(i));
    }
  }
  EtcdCluster(const EtcdCluster&) = delete;
  EtcdCluster& operator=(const EtcdCluster&) = delete;

  // Every member's client URL (EtcdOptions::endpoints).
  std::vector<std::string> endpoints() const {
    std::vector<std::string> out;
    for (const Member& m : members_) out.push_back("http://127.0.0.1:" + std::to_string(m.client_port));
    return out;
  }

  // SIGKILL.
  void kill(int member) {
    Member& m = members_[member];
    if (m.pid <= 0) return;
    ::kill(m.pid, SIGKILL);
    ::waitpid(m.pid, nullptr, 0);
    m.pid = -1;
    m.stopped = false;
  }
  // SIGSTOP / SIGCONT: a member that accepts connections but answers
  // nothing, as one behind a cut network would.
  void pause(int member) {
    ::kill(members_[member].pid, SIGSTOP);
    members_[member].stopped = true;
  }
  void resume(int member) {
    ::kill(members_[member].pid, SIGCONT);
    members_[member].stopped = false;
  }

 private:
  struct Member {
    int client_port = 0;
    int peer_port = 0;
    pid_t pid = -1;
    bool stopped = false;
  };

  bool try_start_all(int members, int attempt, std::string* why) {
    members_.clear();
    for (int i = 0; i < members; ++i) members_.push_back(Member{free_port(), free_port(), -1, false});
    std::string initial;
    for (int i = 0; i < members; ++i)
      initial += (i ? "," : "") + name(i) + "=http://127.0.0.1:" + std::to_string(members_[i].peer_port);
    for (int i = 0; i < members; ++i) {
      const std::string client = "http://127.0.0.1:" + std::to_string(members_[i].client_port);
      const std::string peer = "http://127.0.0.1:" + std::to_string(members_[i].peer_port);
      const std::string log = dir_.path() + "/" + name(i) + ".log";
      members_[i].pid = spawn({kBinary,
                               "--name",
                               name(i),
                               "--data-dir",
                               dir_.path() + "/" + name(i) + "-" + std::to_string(attempt),
                               "--listen-client-urls",
                               client,
                               "--advertise-client-urls",
                               client,
                               "--listen-peer-urls",
                               peer,
                               "--initial-advertise-peer-urls",
                               peer,
                               "--initial-cluster",
                               initial,
                               "--initial-cluster-state",
                               "new",
                               "--initial-cluster-token",
                               "tessera-test-" + std::to_string(attempt),
                               "--heartbeat-interval",
                               "50",
                               "--election-timeout",
                               "500",
                               "--logger",
                               "zap",
                               "--log-level",
                               "warn"},
                              log);
      if (members_[i].pid < 0) {
        *why = "fork failed";
        return false;
      }
    }
    // Up once every member says it is healthy (it has a leader).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (int i = 0; i < members; ++i) {
      while (http_get(members_[i].client_port, "/health").find("\"health\":\"true\"") == std::string::npos) {
        int status = 0;
        if (::waitpid(members_[i].pid, &status, WNOHANG) == members_[i].pid) {
          members_[i].pid = -1;
          *why = "etcd member " + std::to_string(i) + " exited (status " + std::to_string(status) + "), see " +
                 dir_.path() + "/" + name(i) + ".log";
          return false;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
          *why = "etcd member " + std::to_string(i) + " never became healthy";
          return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    return true;
  }

  static std::string name(int member) { return "e" + std::to_string(member); }

  TempDir dir_;
  std::vector<Member> members_;
};

}  // namespace tessera::testing_support
