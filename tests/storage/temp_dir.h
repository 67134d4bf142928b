// A temporary directory removed at the end of the test.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace tessera::testing_support {

class TempDir {
 public:
  TempDir() {
    // A death test in the "threadsafe" style runs the whole test body again in
    // a re-executed child, which would make a directory of its own and, dying,
    // never remove it (RocksDB preallocates 76 MB of log in each): the child
    // takes its parent's directory instead and leaves the removal to it.
    if (const char* parent = std::getenv(kParentEnv); parent != nullptr && ::testing::internal::InDeathTestChild()) {
      path_ = parent;
      owned_ = false;
      return;
    }
    std::string pattern = (std::filesystem::temp_directory_path() / "tessera-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
    ::setenv(kParentEnv, path_.c_str(), 1);
  }
  ~TempDir() {
    if (!owned_) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  static constexpr const char* kParentEnv = "TESSERA_TEST_PARENT_DIR";
  std::string path_;
  bool owned_ = true;
};

}  // namespace tessera::testing_support
