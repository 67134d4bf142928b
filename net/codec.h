// Codec: the one translation layer between wire tables (net/tessera.fbs) and
// engine values (engine/command.h).
//
// Decoding trusts nothing beyond what the FlatBuffers verifier already
// checked (offsets and sizes inside the buffer): every enum value, required
// table and list size is validated here, and a command that fails gets a
// Status naming the field, so the server refuses that command (kMalformed)
// and runs the rest of the batch. Encoding is total: every engine command
// and reply has a wire form.
// Thread-safety: pure functions; callers own their builders.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/command.h"
#include "engine/command_registry.h"
#include "net/tessera_generated.h"

namespace tessera::net {

// ---- Commands (client encodes, server decodes) -------------------------------

// Empty iff every registry command's engine struct and wire table agree
// field by field (net/wire_table.h); else what differs. The server refuses
// to start otherwise; a test runs it too.
std::string check_wire_tables();

flatbuffers::Offset<wire::Command> encode_command(flatbuffers::FlatBufferBuilder& fbb, const engine::Command& command);

// Returns the engine command, or invalid_argument naming what is wrong
// (missing body or table, unknown enum value, list over its engine limit,
// name too long). REQUIRES `command` comes from a verified buffer.
Result<engine::Command> decode_command(const wire::Command* command);

// Checks the request as a whole (command list present, at most
// `commands_max` commands) and decodes every command; fails on the first
// command that does not decode. (The server decodes command by command so
// that one bad command does not refuse its batch; tools use this.)
Result<std::vector<engine::Command>> decode_request(const wire::Request& request, uint32_t commands_max);

// ---- Replies (server encodes, client decodes) --------------------------------

// typed_as: the command's ReplyKind for a protocol v2 connection (its typed
// reply table is added to an accepted reply); nullopt for v1 connections and
// undecoded commands (the legacy fields and back-office details only).
// hold_token: the order's token (net/hold_tokens.h) for an Ok reply naming
// an order; empty = none.
flatbuffers::Offset<wire::Result> encode_reply(flatbuffers::FlatBufferBuilder& fbb, const engine::Reply& reply,
                                               std::optional<engine::ReplyKind> typed_as = std::nullopt,
                                               const engine::HoldToken& hold_token = {});

// A reply as a client receives it: the engine's reply and, on an Ok reply
// naming an order, that order's hold token (empty otherwise). Kept out of
// engine::Reply, which the engine builds on every command and keeps at 80
// bytes.
struct ClientReply : engine::Reply {
  engine::HoldToken hold_token;
};

// Returns the reply with its detail (Reply::detail: follow-up rows, bulk
// outcomes, release summary, reminder batch), or invalid_argument for an
// unknown result code, state or detail enum, or a detail list over its
// engine limit (kFollowUpRowsMax rows, kBulkOrdersMax outcomes, kRunItemsMax
// reminder items).
// REQUIRES `result` comes from a verified buffer.
Result<ClientReply> decode_reply(const wire::Result* result);

}  // namespace tessera::net
