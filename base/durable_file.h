// Whole files: read at once, and written so that they survive a crash (the
// whole content synced before the name points to it, the directory synced
// after).
// Thread-safety: none needed (touches only the file system).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tessera {

inline Status io_error(std::string_view what, const std::string& path, int err) {
  return Status::internal(std::string(what) + " " + path + ": " + std::strerror(err));
}

// The whole content of `path` (not_found names the file when it cannot be read).
inline Result<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("cannot read '" + path + "'");
  std::stringstream content;
  content << in.rdbuf();
  if (in.bad()) return Status::internal("cannot read '" + path + "'");
  return content.str();
}

inline bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Writes `content` to a new file `path` (O_EXCL) and fsyncs it.
inline Status write_synced_file(const std::string& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot create", path, errno);
  const bool written = write_all(fd, content) && ::fsync(fd) == 0;
  const int err = errno;
  if (::close(fd) != 0 && written) return io_error("cannot close", path, errno);
  if (!written) return io_error("cannot write", path, err);
  return Status::ok();
}

inline Status sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open directory", dir, errno);
  const bool synced = ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  return synced ? Status::ok() : io_error("cannot fsync directory", dir, err);
}

}  // namespace tessera
