// Frame builders and verifiers.
#include "net/messages.h"

#include <cassert>
#include <optional>

#include "engine/limits.h"
#include "net/codec.h"

namespace tessera::net {

namespace fb = flatbuffers;

namespace {

constexpr fb::uoffset_t kVerifierDepthMax = 16;  // our schema nests 5 deep
// Every table of a frame is at least a few bytes; no frame can hold more
// tables than bytes/4.
fb::Verifier::Options verifier_options(size_t bytes) {
  fb::Verifier::Options o;
  o.max_depth = kVerifierDepthMax;
  o.max_tables = static_cast<fb::uoffset_t>(bytes / 4 + 16);
  o.check_alignment = true;
  return o;
}

template <typename Frame>
const Frame* verify(std::span<const uint8_t> payload) {
  if (payload.size() < sizeof(fb::uoffset_t)) return nullptr;
  fb::Verifier verifier(payload.data(), payload.size(), verifier_options(payload.size()));
  if (!verifier.VerifyBuffer<Frame>(nullptr)) return nullptr;
  // The verifier accepts a union whose type is set and whose table is
  // absent; every reader of a frame reads that table, so such a frame fails.
  const Frame* frame = fb::GetRoot<Frame>(payload.data());
  return frame->message() != nullptr ? frame : nullptr;
}

template <typename Body>
OutFrame client_frame(fb::FlatBufferBuilder& fbb, wire::ClientMessage type, fb::Offset<Body> body) {
  fbb.Finish(wire::CreateClientFrame(fbb, type, body.Union()));
  return finish_frame(fbb);
}

template <typename Body>
OutFrame server_frame(fb::FlatBufferBuilder& fbb, wire::ServerMessage type, fb::Offset<Body> body) {
  fbb.Finish(wire::CreateServerFrame(fbb, type, body.Union()));
  return finish_frame(fbb);
}

}  // namespace

const wire::ClientFrame* verify_client_frame(std::span<const uint8_t> payload) {
  return verify<wire::ClientFrame>(payload);
}
const wire::ServerFrame* verify_server_frame(std::span<const uint8_t> payload) {
  return verify<wire::ServerFrame>(payload);
}

OutFrame hello_frame(uint32_t protocol_version, std::string_view token, std::string_view client_name) {
  fb::FlatBufferBuilder fbb(256);
  const auto t = fbb.CreateString(token.data(), token.size());
  const auto n = fbb.CreateString(client_name.data(), client_name.size());
  return client_frame(fbb, wire::ClientMessage::Hello, wire::CreateHello(fbb, protocol_version, t, n));
}

OutFrame request_frame(uint64_t request_id, const std::vector<engine::Command>& commands) {
  fb::FlatBufferBuilder fbb(64 + commands.size() * 64);
  std::vector<fb::Offset<wire::Command>> offsets;
  offsets.reserve(commands.size());
  for (const engine::Command& c : commands) offsets.push_back(encode_command(fbb, c));
  const auto list = fbb.CreateVector(offsets);
  return client_frame(fbb, wire::ClientMessage::Request, wire::CreateRequest(fbb, request_id, list));
}

OutFrame admin_frame(uint64_t request_id, wire::AdminAction action) {
  fb::FlatBufferBuilder fbb(64);
  return client_frame(fbb, wire::ClientMessage::Admin, wire::CreateAdmin(fbb, request_id, action));
}

OutFrame hello_reply_frame(uint32_t protocol_version, Role role, uint32_t shard_count, const NetLimits& limits,
                           std::string_view server_name, std::string_view time_zone, std::string_view language) {
  fb::FlatBufferBuilder fbb(256);
  const auto name = fbb.CreateString(server_name.data(), server_name.size());
  const auto zone = fbb.CreateString(time_zone.data(), time_zone.size());
  const auto lang = fbb.CreateString(language.data(), language.size());
  return server_frame(
      fbb, wire::ServerMessage::HelloReply,
      wire::CreateHelloReply(fbb, protocol_version, static_cast<wire::Role>(role), shard_count, limits.frame_bytes_max,
                             limits.commands_per_request_max, limits.requests_in_flight_max, name,
                             engine::kHoldTtlMsMin, engine::kHoldTtlMsMax, engine::kFollowUpRowsMax,
                             engine::kOrderListRowsMax, engine::kBulkOrdersMax, engine::kOrderLinesMax, zone, lang));
}

OutFrame error_frame(wire::ErrorCode code, std::string_view message) {
  fb::FlatBufferBuilder fbb(128 + message.size());
  const auto m = fbb.CreateString(message.data(), message.size());
  return server_frame(fbb, wire::ServerMessage::Error, wire::CreateError(fbb, code, m));
}

OutFrame status_frame(uint64_t request_id, wire::RequestStatus status, std::string_view message) {
  fb::FlatBufferBuilder fbb(128 + message.size());
  const auto m = fbb.CreateString(message.data(), message.size());
  return server_frame(fbb, wire::ServerMessage::Response, wire::CreateResponse(fbb, request_id, status, m));
}

OutFrame response_frame(uint64_t request_id, std::span<const engine::Reply> replies, std::span<const uint8_t> types,
                        uint32_t protocol_version, const HoldTokens* hold_tokens) {
  assert(types.size() == replies.size());
  fb::FlatBufferBuilder fbb(64 + replies.size() * 64);
  std::vector<fb::Offset<wire::Result>> results;
  results.reserve(replies.size());
  const bool typed = protocol_version >= 2;
  for (size_t i = 0; i < replies.size(); ++i) {
    std::optional<engine::ReplyKind> kind;
    if (typed && types[i] < engine::kCommandCount) kind = engine::kCommandInfo[types[i]].reply;
    const engine::Reply& reply = replies[i];
    const engine::HoldToken token =
        hold_tokens && reply.ok() && reply.order != 0 ? hold_tokens->token_for(reply.order) : engine::HoldToken{};
    results.push_back(encode_reply(fbb, reply, kind, token));
  }
  const auto list = fbb.CreateVector(results);
  return server_frame(fbb, wire::ServerMessage::Response,
                      wire::CreateResponse(fbb, request_id, wire::RequestStatus::Ok, 0, list));
}

std::string_view error_code_name(wire::ErrorCode code) {
  const char* name = wire::EnumNameErrorCode(code);
  return name[0] == '\0' ? std::string_view("Unknown") : std::string_view(name);
}

}  // namespace tessera::net
