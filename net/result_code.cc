// Names of the protocol result codes.
#include "net/result_code.h"

namespace tessera::net {

std::string_view result_code_name(engine::ReplyCode code) {
  if (code == kForbidden) return "Forbidden";
  if (code == kMalformed) return "Malformed";
  return engine::reply_code_name(code);
}

bool is_known_result_code(uint8_t code) {
  return code <= static_cast<uint8_t>(engine::ReplyCode::kUnavailable) || code == static_cast<uint8_t>(kForbidden) ||
         code == static_cast<uint8_t>(kMalformed);
}

}  // namespace tessera::net
