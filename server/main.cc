// tessera-server: the protocol server's main — parse the configuration,
// run ServerApp until SIGTERM/SIGINT (or an admin Shutdown frame), stop
// gracefully, exit 0.
//
// Exit statuses: 0 stopped on request; 1 could not start; 2 bad
// configuration; 75 (kExitStorageFailed, EX_TEMPFAIL) a command log failed —
// while serving (after the same graceful stop) or opening it at start: a
// supervisor restarts the server (scripts/run), and recovery rebuilds its
// memory from the log once the disk works again; in cluster mode with etcd
// also when the node lost the leadership of its partitions (it restarts as
// a standby). A stop asked for while a standby waits exits 0.
//
// Signals are blocked in every thread and taken by one thread with
// sigwait(), so no work happens in a signal handler.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "server/config.h"
#include "server/server_app.h"

int main(int argc, char** argv) {
  using namespace tessera;
  auto config = server::parse_server_config(argc, argv);
  if (!config.is_ok()) {
    const bool help = config.status().code() == StatusCode::kFailedPrecondition;
    std::fprintf(help ? stdout : stderr, "%s%s", config.status().message().c_str(),
                 help ? "" : "\n\nsee tessera-server --help\n");
    return help ? 0 : 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by every thread started below

  server::ServerApp app(std::move(*config));
  // Taken from the start: a cluster node waiting as a standby (ServerApp::
  // start) stops on a signal too.
  std::atomic<bool> stopping{false};
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (!stopping.load()) std::fprintf(stderr, "tessera-server: signal %d: stopping\n", sig);
    app.request_stop();
  });
  const Status started = app.start();
  if (!started.is_ok()) {
    stopping.store(true);
    pthread_kill(signal_thread.native_handle(), SIGTERM);
    signal_thread.join();
    if (app.stopped_as_standby()) {
      std::fprintf(stderr, "tessera-server: stopped before serving\n");
      return 0;
    }
    std::fprintf(stderr, "tessera-server: %s\n", started.to_string().c_str());
    if (app.storage_failure().empty()) return 1;
    std::fprintf(stderr, "tessera-server: %s: exit status %d (storage failed: restart me once the disk works)\n",
                 app.storage_failure().c_str(), server::kExitStorageFailed);
    return server::kExitStorageFailed;
  }
  const bool tls = !app.config().tls_cert_file.empty();
  std::fprintf(stdout, "tessera-server listening on %s:%u%s (admin %s %u), %u shards\n",
               app.config().listen_address.c_str(), app.port(), tls ? " TLS" : "", tls ? "https" : "http",
               app.admin_port(), app.config().shards);
  std::fflush(stdout);

  app.wait();
  stopping.store(true);
  app.stop();
  pthread_kill(signal_thread.native_handle(), SIGTERM);  // wakes sigwait if the stop came from an admin frame
  signal_thread.join();
  if (!app.storage_failure().empty()) {
    std::fprintf(stderr, "tessera-server: stopped: %s: exit status %d (storage failed: restart me)\n",
                 app.storage_failure().c_str(), server::kExitStorageFailed);
    return server::kExitStorageFailed;
  }
  std::fprintf(stderr, "tessera-server: stopped\n");
  return 0;
}
