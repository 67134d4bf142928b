// Messages: building and verifying the frames of the protocol (Hello,
// HelloReply, Request, Admin, Response, Error) on top of net/codec.
//
// verify_*_frame() runs the FlatBuffers verifier with bounds sized for our
// frames; a buffer that fails is never read. Everything past verification
// (enum ranges, limits) is checked by net/codec or by the session.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "engine/command.h"
#include "net/auth.h"
#include "net/frame.h"
#include "net/hold_tokens.h"
#include "net/limits.h"
#include "net/tessera_generated.h"

namespace tessera::net {

// Returns the frame iff `payload` passes the FlatBuffers verifier and
// carries its message table (a type without its table fails).
const wire::ClientFrame* verify_client_frame(std::span<const uint8_t> payload);
const wire::ServerFrame* verify_server_frame(std::span<const uint8_t> payload);

// Client -> server.
OutFrame hello_frame(uint32_t protocol_version, std::string_view token, std::string_view client_name);
OutFrame request_frame(uint64_t request_id, const std::vector<engine::Command>& commands);
OutFrame admin_frame(uint64_t request_id, wire::AdminAction action);

// Server -> client.
OutFrame hello_reply_frame(uint32_t protocol_version, Role role, uint32_t shard_count, const NetLimits& limits,
                           std::string_view server_name, std::string_view time_zone = "UTC",
                           std::string_view language = "en");
OutFrame error_frame(wire::ErrorCode code, std::string_view message);
// A request-level answer without results (status != Ok, or an admin reply).
OutFrame status_frame(uint64_t request_id, wire::RequestStatus status, std::string_view message);
// types[i]: the CommandBody index of command i (>= kCommandCount: it did
// not decode); protocol_version: the connection's (v2+: typed replies).
// hold_tokens: a web shop's connection, whose every Ok reply naming an
// order carries the order's token; nullptr for the other roles (they reach
// every order without one, and a token of an order they made is of no use
// to a web shop: it reaches only its own).
OutFrame response_frame(uint64_t request_id, std::span<const engine::Reply> replies, std::span<const uint8_t> types,
                        uint32_t protocol_version, const HoldTokens* hold_tokens);

std::string_view error_code_name(wire::ErrorCode code);

}  // namespace tessera::net
