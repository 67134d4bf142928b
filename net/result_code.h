// Protocol refusals carried in engine::Reply::code.
//
// The wire's ResultCode is the engine's ReplyCode (values 0..9) plus the
// refusals only the protocol layer gives (16, 17): the command was not
// applied because of the connection's role or a validation failure. They travel inside engine::Reply (ReplyCode has a
// fixed uint8_t underlying type, so the values are well defined) so that the client API stays
// `std::vector<engine::Reply>`. Thread-safety: constants and pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/command.h"

namespace tessera::net {

inline constexpr engine::ReplyCode kForbidden{16};  // the connection's role may not send the command
inline constexpr engine::ReplyCode kMalformed{17};  // the command failed validation in net/codec
inline constexpr uint32_t kResultCodeSlots = 18;    // codes are < this (metrics tables)

// "Ok", "SoldOut", ..., "Forbidden", "Malformed", or "Unknown".
std::string_view result_code_name(engine::ReplyCode code);
// True iff `code` is a value the wire may carry.
bool is_known_result_code(uint8_t code);

}  // namespace tessera::net
