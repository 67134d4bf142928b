#include "net/hold_tokens.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/check.h"
#include "base/strings.h"

namespace tessera::net {

static_assert(HoldTokens::kKeyBytes == crypto_shorthash_siphashx24_KEYBYTES);
static_assert(engine::HoldToken::kBytes == crypto_shorthash_siphashx24_BYTES);

namespace {

void init_sodium() { TESSERA_CHECK_MSG(sodium_init() >= 0, "libsodium failed to initialise"); }

Status io_error(const std::string& what, const std::string& path) {
  return Status::internal(cat(what, " ", path, ": ", std::strerror(errno)));
}

Status write_synced(const std::string& path, const uint8_t* bytes, size_t n) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create", path);
  const bool ok = ::write(fd, bytes, n) == static_cast<ssize_t>(n) && ::fsync(fd) == 0;
  const Status status = ok ? Status::ok() : io_error("cannot write", path);
  ::close(fd);
  return status;
}

}  // namespace

HoldTokens::HoldTokens() {
  init_sodium();
  randombytes_buf(key_.data(), key_.size());
}

Result<HoldTokens> HoldTokens::open(const std::string& dir) {
  HoldTokens tokens;  // a fresh key, kept if the directory has none yet
  const std::string path = dir + "/" + kKeyFile;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    uint8_t buffer[kKeyBytes + 1];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    ::close(fd);
    if (n != static_cast<ssize_t>(kKeyBytes))
      return Status::failed_precondition(cat(path, " is damaged: ", n < 0 ? 0 : n, " bytes, want ", kKeyBytes));
    std::memcpy(tokens.key_.data(), buffer, kKeyBytes);
    return tokens;
  }
  if (errno != ENOENT) return io_error("cannot read", path);
  const std::string temp = path + ".tmp";
  if (Status s = write_synced(temp, tokens.key_.data(), kKeyBytes); !s.is_ok()) return s;
  if (::rename(temp.c_str(), path.c_str()) != 0) return io_error("cannot rename into place", path);
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return io_error("cannot open", dir);
  const bool synced = ::fsync(dir_fd) == 0;
  ::close(dir_fd);
  if (!synced) return io_error("cannot sync", dir);
  return tokens;
}

Result<HoldTokens> HoldTokens::from_key(std::string_view key) {
  if (key.size() != kKeyBytes)
    return Status::invalid_argument(cat("a hold-token key has ", kKeyBytes, " bytes, not ", key.size()));
  HoldTokens tokens;
  std::memcpy(tokens.key_.data(), key.data(), kKeyBytes);
  return tokens;
}

engine::HoldToken HoldTokens::token_for(engine::OrderId order) const {
  uint8_t id[8];
  for (int i = 0; i < 8; ++i) id[i] = static_cast<uint8_t>(order.value() >> (8 * i));  // little-endian, on every host
  engine::HoldToken token;
  crypto_shorthash_siphashx24(token.bytes.data(), id, sizeof id, key_.data());
  return token;
}

bool HoldTokens::matches(engine::OrderId order, const engine::HoldToken& token) const {
  const engine::HoldToken want = token_for(order);
  return sodium_memcmp(want.bytes.data(), token.bytes.data(), want.bytes.size()) == 0;
}

}  // namespace tessera::net
