// A NATS JetStream cluster of real nats-server processes on loopback, for
// the cluster-mode suites: each node has its own client and route port
// (free ports found by binding port 0) and its own store directory under
// the test's temporary directory, so a node killed with SIGKILL restarts on
// what it had stored.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "tests/cluster/loopback.h"
#include "tests/storage/temp_dir.h"

namespace tessera::testing_support {

class NatsCluster {
 public:
  static constexpr const char* kBinary = "/usr/sbin/nats-server";  // Debian's nats-server package

  // A port found free can be taken by another process before the node
  // binds it: then every node starts again on new ports (5 tries).
  explicit NatsCluster(int nodes) {
    for (int attempt = 1;; ++attempt) {
      std::string why;
      if (try_start_all(nodes, attempt, &why)) return;
      for (size_t i = 0; i < nodes_.size(); ++i) kill(static_cast<int>(i));
      if (attempt == 5) {
        ADD_FAILURE() << "the NATS cluster never started: " << why;
        return;
      }
    }
  }
  ~NatsCluster() {
    for (size_t i = 0; i < nodes_.size(); ++i) kill(static_cast<int>(i));
  }
  NatsCluster(const NatsCluster&) = delete;
  NatsCluster& operator=(const NatsCluster&) = delete;

  // Every node's URL, comma-separated (JetStreamOptions::servers).
  std::string urls() const {
    std::string out;
    for (const Node& n : nodes_) out += (out.empty() ? "" : ",") + url_of(n);
    return out;
  }
  std::string url(int node) const { return url_of(nodes_[node]); }

  // SIGKILL: the node loses nothing it stored, but answers nothing more.
  void kill(int node) {
    Node& n = nodes_[node];
    if (n.pid <= 0) return;
    ::kill(n.pid, SIGKILL);
    ::waitpid(n.pid, nullptr, 0);
    n.pid = -1;
  }
  // Waits until the node's /healthz says ok: JetStream enabled, the meta
  // group and every stream on it current (a restarted node has caught up).
  // Killing another node before that can leave the cluster without a quorum
  // for a long while.
  void wait_healthy(int node) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    std::string last;
    while ((last = http_get(nodes_[node].monitor_port, "/healthz")).find(" 200 ") == std::string::npos) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "node " << node << " never became healthy: " << last;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  void start(int node) {
    ASSERT_EQ(nodes_[node].pid, -1) << "node " << node << " already runs";
    std::string why;
    ASSERT_TRUE(try_start(node, &why)) << why;
  }

 private:
  bool try_start_all(int nodes, int attempt, std::string* why) {
    nodes_.clear();
    for (int i = 0; i < nodes; ++i) nodes_.push_back(Node{free_port(), free_port(), free_port(), -1});
    for (int i = 0; i < nodes; ++i) {
      std::ofstream config(config_path(i));
      config << "server_name: n" << i << "\n"
             << "listen: 127.0.0.1:" << nodes_[i].client_port << "\n"
             << "http: 127.0.0.1:" << nodes_[i].monitor_port << "\n"
             << "max_payload: 8MB\n"
             << "jetstream { store_dir: \"" << dir_.path() << "/n" << i << "-" << attempt << "\" }\n"
             << "cluster {\n  name: tessera-test\n  listen: 127.0.0.1:" << nodes_[i].route_port << "\n  routes: [\n";
      for (int j = 0; j < nodes; ++j)
        if (j != i) config << "    nats-route://127.0.0.1:" << nodes_[j].route_port << "\n";
      config << "  ]\n}\n";
    }
    for (int i = 0; i < nodes; ++i)
      if (!try_start(i, why)) return false;
    // A node listens for clients before it binds its route port: give a
    // taken route port the time to end the node.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (int i = 0; i < nodes; ++i) {
      int status = 0;
      if (::waitpid(nodes_[i].pid, &status, WNOHANG) == nodes_[i].pid) {
        nodes_[i].pid = -1;
        *why = "nats-server node " + std::to_string(i) + " exited after it listened (status " + std::to_string(status) +
               ")";
        return false;
      }
    }
    return true;
  }

  // Starts the node and waits until it listens; false (and why) if it exited.
  bool try_start(int node, std::string* why) {
    const std::string config = config_path(node);
    const std::string log = dir_.path() + "/n" + std::to_string(node) + ".log";
    const pid_t pid = spawn({kBinary, "-c", config, "-l", log}, log);
    if (pid < 0) {
      *why = "fork failed";
      return false;
    }
    nodes_[node].pid = pid;
    // Up once its client port accepts; a server that exits (bad config,
    // port taken) fails the test with its log.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!accepts(nodes_[node].client_port)) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        nodes_[node].pid = -1;
        std::ifstream in(log);
        *why = "nats-server node " + std::to_string(node) + " exited (status " + std::to_string(status) +
               "): " + std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        return false;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        *why = "nats-server node " + std::to_string(node) + " never listened";
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  struct Node {
    int client_port = 0;
    int route_port = 0;
    int monitor_port = 0;
    pid_t pid = -1;
  };

  static std::string url_of(const Node& n) { return "nats://127.0.0.1:" + std::to_string(n.client_port); }
  std::string config_path(int node) const { return dir_.path() + "/n" + std::to_string(node) + ".conf"; }

  TempDir dir_;
  std::vector<Node> nodes_;
};

}  // namespace tessera::testing_support
