// RawDb: a data directory opened with RocksDB directly, every column family
// listed (default, history), to damage or rewrite it as a test needs.
#pragma once

#include <rocksdb/db.h>

#include <string>
#include <vector>

namespace tessera::testing_support {

class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    const std::vector<rocksdb::ColumnFamilyDescriptor> families{{rocksdb::kDefaultColumnFamilyName, {}},
                                                                {"history", {}}};
    rocksdb::DBOptions options;
    options.create_missing_column_families = true;
    status_ = rocksdb::DB::Open(options, path, families, &handles_, &db_);
  }
  ~RawDb() {
    if (!db_) return;
    for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    db_->Close().PermitUncheckedError();
    delete db_;
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  bool ok() const { return status_.ok(); }
  rocksdb::DB* operator->() const { return db_; }
  rocksdb::ColumnFamilyHandle* history() const { return handles_[1]; }
  // Drops the history column family (a directory from before it existed).
  bool drop_history() {
    if (!db_->DropColumnFamily(handles_[1]).ok() || !db_->DestroyColumnFamilyHandle(handles_[1]).ok()) return false;
    handles_.pop_back();
    return true;
  }

 private:
  rocksdb::Status status_;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace tessera::testing_support
