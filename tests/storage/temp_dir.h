// A temporary directory removed at the end of the test.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>

namespace tessera::testing_support {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tessera-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  // Takes `path` (made by another TempDir) without removing it at the end:
  // a death test's child, which dies before its destructors run.
  static TempDir borrowed(std::string path) { return TempDir(std::move(path)); }
  ~TempDir() {
    if (!owned_) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)), owned_(other.owned_) { other.owned_ = false; }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)), owned_(false) {}

  std::string path_;
  bool owned_ = true;
};

}  // namespace tessera::testing_support
