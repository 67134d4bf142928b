// RequestGate: the part of a session that does no I/O — who the client is
// (its Hello), what each frame asks for, and each request's way to the
// shards and back into a response frame.
//
// The Asio session (net/session.h) owns one per connection and does the
// reading, writing, deadlines and closing around it; the simulator
// (sim/simulator.cc) owns one per simulated connection and steps the same
// code on its simulated clock, so the two cannot drift apart.
//
// Per request, the decoded commands are submitted one by one in their
// original order (each shard's inbox receives its sub-batch in order;
// catalog commands go through ShardSet's broadcast). A command the role may
// not send (kForbidden), that does not decode (kMalformed), that names an
// order without its hold token on a web shop's connection (kForbidden),
// whose channel the web shop does not sell on (kForbidden), whose side
// effect refuses it (kInvalidArgument), or whose shard inbox is full
// (kBusy) is answered at once and not applied; the rest of the request runs.
// Thread-safety: the gate's members run on the owner's strand (one thread
// at a time); PendingRequest slots complete on shard threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "engine/command.h"
#include "net/auth.h"
#include "net/frame.h"
#include "net/principal_directory.h"
#include "net/server.h"
#include "net/tessera_generated.h"
#include "runtime/completion.h"
#include "runtime/shard_set.h"

namespace tessera::net {

// One request in flight: a slot (Completion) per command and the replies as
// they arrive. The owner derives from it: finished() runs once, on the
// thread that completes the last command (a shard's, or the submitting one
// when every command was answered at once).
struct PendingRequest {
  struct Slot final : runtime::Completion {
    PendingRequest* request = nullptr;
    uint32_t index = 0;
    void complete(engine::Reply&& reply) override {
      request->replies[index] = std::move(reply);
      request->release_one();
    }
  };

  virtual ~PendingRequest() = default;

  uint64_t request_id = 0;
  std::chrono::steady_clock::time_point started;
  std::vector<engine::Reply> replies;
  std::vector<uint8_t> types;  // command variant index per command, NetMetrics::kUndecoded if none
  std::vector<Slot> slots;
  std::atomic<uint32_t> pending{1};  // the extra 1 is released once every command is submitted

  void release_one() {
    if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) finished();
  }

 protected:
  virtual void finished() = 0;
};

// Why a connection ends: the Error frame the peer gets before it closes.
struct Refusal {
  wire::ErrorCode code;
  std::string message;
};

class RequestGate {
 public:
  struct Context {
    const ServerOptions& options;
    runtime::ShardSet& shards;
    const ServerHooks& hooks;
    PrincipalDirectory& principals;
  };

  explicit RequestGate(const Context& context) : ctx_(context) {}

  // A verified frame and what it asks for, given the session's state
  // (exactly one Hello, first); a Refusal ends the connection.
  using Incoming = std::variant<Refusal, const wire::Hello*, const wire::Request*, const wire::Admin*>;
  Incoming read(std::span<const uint8_t> payload) const;

  // The Hello's protocol version and token. On success the gate knows its
  // principal; the owner then admits the connection (its limits) and sends
  // hello_reply().
  std::optional<Refusal> hello(const wire::Hello& hello);
  OutFrame hello_reply() const;
  bool authenticated() const { return principal_ != nullptr; }
  Role role() const { return principal_->role; }

  // Before a request is accepted: its principal was revoked since the Hello.
  std::optional<Refusal> check_principal() const;

  // Decodes, checks and submits the request's commands into `r` (sized
  // here). Returns a Malformed status frame instead, submitting nothing,
  // when the request itself is bad (no command list, too many commands).
  // `r.finished()` may run before this returns.
  std::optional<OutFrame> submit(const wire::Request& request, PendingRequest& r);
  // The response to a finished request (with hold tokens on a web shop's).
  OutFrame response(const PendingRequest& r) const;

 private:
  void submit_commands(PendingRequest& r, const flatbuffers::Vector<flatbuffers::Offset<wire::Command>>& commands);
  // Checks and completes a command before submission: its principal, a web
  // shop's channel, and the server's part of principal commands. Returns a
  // refusal, or the after-durable step (possibly empty) to run.
  Status check_hold_token(const engine::Command& command) const;
  Result<AfterDurable> prepare(engine::Command& command);
  Result<AfterDurable> prepare_principal_command(engine::Command& command);

  Context ctx_;
  std::shared_ptr<const Principal> principal_;  // who authenticated (set by a good Hello)
  uint32_t protocol_version_ = 0;               // the Hello's
};

// Fills `directory` with the principals shard 0 keeps, then adds each of
// the configured development tokens not among them yet (each added once:
// the log keeps it). `call` runs one internal command to its reply.
Status load_principals(PrincipalDirectory& directory, const TokenTable& tokens,
                       const std::function<engine::Reply(engine::CommandBody)>& call);

}  // namespace tessera::net
