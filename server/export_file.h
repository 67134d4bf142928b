// Writing a document the server exports (an invoice's PDF, an accounting
// export's CSV) into its directory: whole or not at all (written to
// NAME.part, then renamed), replacing a file of the same name.
// Thread-safety: none needed (touches only the file system).
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/strings.h"

namespace tessera::server {

// Returns the file's path.
inline Result<std::string> write_export_file(const std::string& dir, const std::string& name, std::string_view bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::unavailable(cat("cannot create ", dir, ": ", ec.message()));
  const fs::path path = fs::path(dir) / name;
  const fs::path part = fs::path(path).concat(".part");
  {
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) return Status::unavailable(cat("cannot write ", part.string()));
  }
  fs::rename(part, path, ec);
  if (ec) return Status::unavailable(cat("cannot rename ", part.string(), ": ", ec.message()));
  return path.string();
}

}  // namespace tessera::server
