// DocumentStore: content files by digest, and the marks that let a start
// remove what no acknowledged command names.
#include "server/document_store.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <span>
#include <vector>

#include "base/check.h"
#include "base/durable_file.h"
#include "base/hex.h"
#include "base/strings.h"
#include "engine/order_dossier.h"

namespace tessera::server {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kNew = "new", kOld = "old", kDone = "done";

std::string pending_dir(const std::string& dir) { return dir + "/pending"; }

// "<sha256>.<order>.<suffix>" -> its parts (false: not a mark).
bool parse_mark(const std::string& name, std::string* sha256, engine::OrderId* order, std::string* suffix) {
  const size_t a = name.find('.');
  const size_t b = a == std::string::npos ? a : name.find('.', a + 1);
  if (b == std::string::npos) return false;
  *sha256 = name.substr(0, a);
  *suffix = name.substr(b + 1);
  const std::string number = name.substr(a + 1, b - a - 1);
  if (!engine::is_sha256_hex(*sha256) || number.empty() || number.size() > 20 ||
      number.find_first_not_of("0123456789") != std::string::npos)
    return false;
  *order = engine::OrderId{std::stoull(number)};
  return *suffix == kNew || *suffix == kOld || *suffix == kDone;
}

}  // namespace

DocumentStore::DocumentStore(std::string dir, uint64_t bytes_max) : dir_(std::move(dir)), bytes_max_(bytes_max) {}

std::string DocumentStore::sha256_hex(std::string_view content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  TESSERA_CHECK(EVP_Digest(content.data(), content.size(), digest, &n, EVP_sha256(), nullptr) == 1 && n == 32);
  return to_hex(std::span<const uint8_t>(digest, n));
}

std::string DocumentStore::mark_of(const std::string& sha256, engine::OrderId order, std::string_view suffix) const {
  return cat(pending_dir(dir_), "/", sha256, ".", order.value(), ".", suffix);
}

Status DocumentStore::ensure_dirs() {
  std::error_code ec;
  fs::create_directories(pending_dir(dir_), ec);
  if (ec) return Status::internal(cat("cannot create ", pending_dir(dir_), ": ", ec.message()));
  return Status::ok();
}

Result<std::string> DocumentStore::store(std::string_view content, engine::OrderId order) {
  if (content.empty()) return Status::invalid_argument("a document has at least one byte");
  if (content.size() > bytes_max_)
    return Status::invalid_argument(
        cat("a document has at most ", bytes_max_, " bytes (document_bytes_max); this one has ", content.size()));
  const std::string sha = sha256_hex(content);
  std::lock_guard<std::mutex> lock(mutex_);  // one writer: marks and files stay consistent
  if (Status s = ensure_dirs(); !s.is_ok()) return s;
  std::error_code ec;
  const bool exists = fs::exists(path_of(sha), ec);
  const std::string mark = mark_of(sha, order, exists ? kOld : kNew);
  if (!fs::exists(mark, ec)) {
    if (Status s = write_synced_file(mark, ""); !s.is_ok()) return s;
    if (Status s = sync_directory(pending_dir(dir_)); !s.is_ok()) return s;
  }
  if (!exists) {
    static std::atomic<uint64_t> counter{0};
    const std::string temp = cat(dir_, "/.", sha, "-", ::getpid(), "-", counter.fetch_add(1), ".tmp");
    Status s = write_synced_file(temp, content);
    if (s.is_ok() && std::rename(temp.c_str(), path_of(sha).c_str()) != 0)
      s = io_error("cannot rename to", path_of(sha), errno);
    if (s.is_ok()) s = sync_directory(dir_);
    if (!s.is_ok()) {
      fs::remove(temp, ec);
      return s;
    }
  }
  InFlight& f = in_flight_[sha];
  ++f.count;
  f.created = f.created || !exists;
  return sha;
}

void DocumentStore::settle(const std::string& sha256, engine::OrderId order, bool durable) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = in_flight_.find(sha256);
  if (it == in_flight_.end()) return;
  InFlight& f = it->second;
  if (durable) {
    f.acknowledged = true;
    std::error_code ec;
    for (std::string_view suffix : {kNew, kOld})
      if (fs::exists(mark_of(sha256, order, suffix), ec))
        fs::rename(mark_of(sha256, order, suffix), mark_of(sha256, order, kDone), ec);
  }
  if (--f.count > 0) return;
  // Nothing in flight: an acknowledged attach keeps the file; otherwise the
  // marks stay for the next start to decide (the outcome may be unknown).
  if (f.acknowledged) drop_marks(sha256, false);
  in_flight_.erase(it);
}

void DocumentStore::drop_marks(const std::string& sha256, bool remove_file) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(pending_dir(dir_), ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > sha256.size() && name.compare(0, sha256.size(), sha256) == 0 && name[sha256.size()] == '.')
      fs::remove(e.path(), ec);
  }
  if (remove_file) fs::remove(path_of(sha256), ec);
  (void)sync_directory(pending_dir(dir_));
}

Result<std::string> DocumentStore::read(const std::string& sha256, uint64_t size) const {
  if (!engine::is_sha256_hex(sha256)) return Status::invalid_argument("not a document digest");
  std::ifstream in(path_of(sha256), std::ios::binary);
  if (!in) return Status::not_found(cat("document ", sha256, " is not in ", dir_));
  std::string content(size, '\0');
  in.read(content.data(), static_cast<std::streamsize>(size));
  if (static_cast<uint64_t>(in.gcount()) != size || in.peek() != std::char_traits<char>::eof())
    return Status::internal(cat("document ", sha256, " in ", dir_, " does not have its ", size, " bytes"));
  return content;
}

Result<uint32_t> DocumentStore::recover(const Names& names) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::error_code ec;
  if (!fs::exists(pending_dir(dir_), ec)) return 0u;
  struct Marks {
    bool done = false, created = false;
    std::vector<engine::OrderId> orders;
  };
  std::map<std::string, Marks> by_digest;
  for (const fs::directory_entry& e : fs::directory_iterator(pending_dir(dir_), ec)) {
    std::string sha, suffix;
    engine::OrderId order{0};
    if (!parse_mark(e.path().filename().string(), &sha, &order, &suffix)) continue;
    Marks& m = by_digest[sha];
    m.done = m.done || suffix == kDone;
    m.created = m.created || suffix == kNew;
    m.orders.push_back(order);
  }
  if (ec) return Status::internal(cat("cannot list ", pending_dir(dir_), ": ", ec.message()));
  uint32_t removed = 0;
  for (const auto& [sha, m] : by_digest) {
    bool named = m.done;
    for (size_t i = 0; !named && i < m.orders.size(); ++i) named = names(m.orders[i], sha);
    const bool remove = !named && m.created;
    removed += remove;
    drop_marks(sha, remove);
  }
  for (const fs::directory_entry& e : fs::directory_iterator(dir_, ec))  // a store() cut before its rename
    if (e.path().extension() == ".tmp") fs::remove(e.path(), ec);
  return removed;
}

}  // namespace tessera::server
