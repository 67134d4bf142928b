// DocumentStore: the content of the documents attached to orders
// (engine/commands_dossier.h), under <data_dir>/documents/, one file per
// content named by its SHA-256 (lowercase hex): the same bytes attached
// twice are stored once.
//
// The content is on disk before the command that names it is logged:
// store() writes it to a temporary file, fsyncs it, renames it into place
// and fsyncs the directory, then the session submits AttachDocument with
// the digest. So a crash never leaves an acknowledged document without its
// bytes; at worst a file no order names, which start-up removes:
//   - store() first writes a mark pending/<sha256>.<order>.<new|old>
//     ("new": this call created the content file);
//   - when the command is acknowledged (durable), settle() renames the
//     mark to ....done; once no attach of that content is in flight the
//     marks go, and if none was acknowledged and the file was new, the
//     file goes too;
//   - a command refused or never answered (stop, crash) leaves its mark:
//     recover() at the next start keeps the file if any marked order names
//     the document (asked through `names`), else removes a new file.
// Thread-safety: every member may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "base/status.h"
#include "engine/ids.h"

namespace tessera::server {

class DocumentStore {
 public:
  // `dir`: <data_dir>/documents (created on first use); `bytes_max`: the
  // largest document accepted (document_bytes_max).
  DocumentStore(std::string dir, uint64_t bytes_max);

  // Stores `content` for an attach to `order`; returns its digest.
  // Refusals: empty or over bytes_max (invalid_argument), I/O (internal).
  Result<std::string> store(std::string_view content, engine::OrderId order);
  // The attach of `sha256` to `order` was acknowledged (durable) or not
  // (refused, or its outcome unknown: the mark stays for recover()).
  void settle(const std::string& sha256, engine::OrderId order, bool durable);
  // The content of `sha256` (expected `size` bytes); not_found if absent.
  Result<std::string> read(const std::string& sha256, uint64_t size) const;

  // Start-up, before serving: resolves the marks a stop or crash left.
  // names(order, sha256): the order (in memory or in the history) has a
  // document of that content. Returns the files removed.
  using Names = std::function<bool(engine::OrderId order, const std::string& sha256)>;
  Result<uint32_t> recover(const Names& names);

  uint64_t bytes_max() const { return bytes_max_; }
  const std::string& dir() const { return dir_; }
  static std::string sha256_hex(std::string_view content);

 private:
  std::string path_of(const std::string& sha256) const { return dir_ + "/" + sha256; }
  std::string mark_of(const std::string& sha256, engine::OrderId order, std::string_view suffix) const;
  Status ensure_dirs();
  // Removes every mark of `sha256`, and the file when `remove_file`.
  void drop_marks(const std::string& sha256, bool remove_file);

  const std::string dir_;
  const uint64_t bytes_max_;
  std::mutex mutex_;
  struct InFlight {
    uint32_t count = 0;
    bool created = false;  // some attach in flight or settled since created the file
    bool acknowledged = false;
  };
  std::map<std::string, InFlight> in_flight_;  // by digest
};

}  // namespace tessera::server
