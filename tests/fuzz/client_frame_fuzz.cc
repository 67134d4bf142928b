// Fuzz target: one client frame payload, every client message type (Hello,
// Request with any command of the registry, Admin), through the path the
// server takes (net/session.cc) and on into the engine.
//
// The payload goes through the server's FlatBuffers verifier
// (verify_client_frame); a Hello's token is looked up in a token table, a
// Request's commands are decoded one by one (decode_command) and as a whole
// (decode_request, the tools' path); every command that decodes is checked
// against each role, and those a connection may send are run on a
// FuzzShard (catalog prepare/apply, order splits, fan-out merges, expiries,
// invariants). The replies are encoded into response frames for protocol v1
// and v2, verified and decoded as the client library does: each must come
// back with the code it left with.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/command_registry.h"
#include "net/auth.h"
#include "net/codec.h"
#include "net/limits.h"
#include "net/messages.h"
#include "net/metrics.h"
#include "net/result_code.h"
#include "tests/fuzz/fuzz_shard.h"

namespace {

using namespace tessera;
using namespace tessera::net;
using fuzz::fuzz_check;

constexpr uint64_t kRequestTimeSpreadMs = 400ULL * 24 * 3600 * 1000;

const TokenTable& tokens() {
  static const TokenTable table = [] {
    TokenTable t;
    fuzz_check(t.add("fuzz-webshop", Role::kWebshop).is_ok() && t.add("fuzz-admin", Role::kAdmin).is_ok(),
               "token table set-up");
    return t;
  }();
  return table;
}

// The payload copied to 8-byte aligned memory, as FrameReader hands it out.
std::span<const uint8_t> aligned_copy(const uint8_t* data, size_t size, std::vector<uint64_t>* storage) {
  storage->resize((size + 7) / 8);
  if (size > 0) std::memcpy(storage->data(), data, size);
  return {reinterpret_cast<const uint8_t*>(storage->data()), size};
}

void hello(const wire::Hello& h) {
  const flatbuffers::String* token = h.token();
  if (token != nullptr) (void)tokens().find(std::string_view(token->c_str(), token->size()));
  if (h.client_name() != nullptr) (void)h.client_name()->str();
}

// The response frames of both protocol versions, read back by the client's decoder.
void check_response(uint64_t request_id, const std::vector<engine::Reply>& replies, const std::vector<uint8_t>& types) {
  for (uint32_t version = kProtocolVersionOldest; version <= kProtocolVersion; ++version) {
    static const HoldTokens hold_tokens;
    const OutFrame frame = response_frame(request_id, replies, types, version, &hold_tokens);
    std::vector<uint64_t> storage;
    const wire::ServerFrame* server = verify_server_frame(aligned_copy(frame.body.data(), frame.body.size(), &storage));
    fuzz_check(server != nullptr && server->message_type() == wire::ServerMessage::Response,
               "a response frame passes the client's verifier");
    const auto* results = server->message_as_Response()->results();
    fuzz_check(results != nullptr && results->size() == replies.size(), "one result per command");
    for (uint32_t i = 0; i < results->size(); ++i) {
      Result<ClientReply> decoded = decode_reply(results->Get(i));
      fuzz_check(decoded.is_ok(), "the client decodes every result the server encodes");
      fuzz_check(decoded->code == replies[i].code, "a result keeps its code on the wire");
      fuzz_check(decoded->hold_token.empty() || hold_tokens.matches(replies[i].order, decoded->hold_token),
                 "a result's hold token is its order's");
    }
  }
}

void request(const wire::Request& r) {
  const auto* commands = r.commands();
  if (commands == nullptr || commands->size() > kCommandsPerRequestDefault) return;  // refused as Malformed
  (void)decode_request(r, kCommandsPerRequestDefault);

  // Time starts with the request id and moves 1 ms per command; an Advance
  // (refused to every connection) moves it by minutes (FuzzShard::run).
  fuzz::FuzzShard shard(fuzz::kFuzzStartMs + static_cast<int64_t>(r.request_id() % kRequestTimeSpreadMs));
  std::vector<engine::Reply> replies(commands->size());
  std::vector<uint8_t> types(commands->size(), NetMetrics::kUndecoded);
  for (uint32_t i = 0; i < commands->size(); ++i) {
    Result<engine::Command> command = decode_command(commands->Get(i));
    if (!command.is_ok()) {
      replies[i] = engine::refuse(kMalformed, command.status().message());
      continue;
    }
    types[i] = static_cast<uint8_t>(command->body.index());
    const bool webshop = role_allows(Role::kWebshop, command->body);
    const bool backoffice = role_allows(Role::kBackoffice, command->body);
    const bool admin = role_allows(Role::kAdmin, command->body);
    fuzz_check((!webshop || backoffice) && (!backoffice || admin), "each role may send what the ones below it may");
    if (admin || std::holds_alternative<engine::Advance>(command->body)) {
      replies[i] = shard.run(*command);  // Advance: the runner's clock, refused to the client (FuzzShard::run)
    } else {
      replies[i] = engine::refuse(kForbidden, "no connection may send it");
    }
  }
  check_response(r.request_id(), replies, types);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint64_t> storage;
  const wire::ClientFrame* frame = verify_client_frame(aligned_copy(data, size, &storage));
  if (frame == nullptr) return 0;  // BadFrame
  switch (frame->message_type()) {
    case wire::ClientMessage::Hello:
      hello(*frame->message_as_Hello());
      break;
    case wire::ClientMessage::Request:
      request(*frame->message_as_Request());
      break;
    case wire::ClientMessage::Admin:
      (void)frame->message_as_Admin()->action();
      break;
    default:
      break;  // BadFrame: unknown message type
  }
  return 0;
}
