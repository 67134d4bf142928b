// PowerLossFs: a RocksDB file system, over the real one, that can lose power.
//
// Everything is written through to the real files at once; the file system
// remembers, per file written through it, how much of it the last
// Sync/Fsync made durable (RangeSync, Flush and Close make nothing durable;
// files opened with ReopenWritableFile or NewRandomRWFile are tracked too,
// with the bytes they overwrite in place kept until the next sync), and per
// directory, what each name it changed (created, linked, renamed onto or
// away, deleted) durably was until the directory's next Fsync.
//
// power_loss() is the cut: from then on every write, sync, create, rename,
// link, delete and directory fsync through it fails with an IOError, as in a
// dead process, so RocksDB gets nothing more to disk. drop_unsynced(), once
// the database is closed, makes the disk what it is after the reboot: files
// truncated to their synced size (bytes overwritten in place since their
// last sync put back), names created since their directory's last fsync
// deleted, names deleted, renamed away or replaced since then put back
// (their durable file was moved, or linked, into `stash_dir` rather than
// copied) — then the power is back and tracking starts afresh.
//
// A smaller cousin of RocksDB's utilities/fault_injection_fs.{h,cc} (not in
// Debian's package): it keeps a size per file rather than buffering unsynced
// data, and it also undoes deletions and renames of durable files.
// Not modelled: directories themselves (one created or removed stays so),
// RocksDB's info LOG (its logger writes outside the file system's files),
// files written or removed behind the file system's back (HistoryStore
// removes its scratch file with std::filesystem), and ReuseWritableFile
// (refused: RocksDB recycles no log unless recycle_log_file_num is set).
//
// random_write_errors(p, seed) also makes each file write or sync fail with
// probability p (an IOError; nothing written, nothing made durable).
//
// Thread-safety: every member may be called from any thread (one mutex);
// drop_unsynced() REQUIRES no file open through this file system.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/io_status.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace tessera::testing_support {

class PowerLossFs final : public rocksdb::FileSystemWrapper {
 public:
  // What drop_unsynced() did.
  struct DropStats {
    uint64_t files_truncated = 0;
    uint64_t bytes_dropped = 0;   // unsynced bytes cut off
    uint64_t bytes_restored = 0;  // durable bytes an unsynced in-place write had overwritten
    uint64_t names_deleted = 0;   // created (or linked, renamed onto) since the directory's last fsync
    uint64_t names_restored = 0;  // deleted, renamed away or replaced since then
  };

  // `stash_dir` (created when first needed) holds the durable files of names
  // changed since their directory's last fsync; outside the database's.
  PowerLossFs(std::shared_ptr<rocksdb::FileSystem> base, std::string stash_dir)
      : FileSystemWrapper(std::move(base)), stash_dir_(std::move(stash_dir)) {}

  static const char* kClassName() { return "PowerLossFs"; }
  const char* Name() const override { return kClassName(); }

  // The cut. Calls already past their checks may still complete on the real
  // files; a sync or directory fsync completing after the cut fails and
  // counts for nothing.
  void power_loss() {
    std::lock_guard<std::mutex> lock(mutex_);
    dead_ = true;
  }
  bool powered() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return !dead_;
  }
  // Seeded: each file write or sync (not directory operations) fails with
  // this probability until drop_unsynced(). 0 turns it off.
  void random_write_errors(double probability, uint64_t seed) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_probability_ = probability;
    error_rng_.seed(seed);
  }
  uint64_t injected_errors() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return injected_errors_;
  }

  // REQUIRES power_loss() before, and the database closed. See above.
  rocksdb::IOStatus drop_unsynced(DropStats* stats = nullptr) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!dead_) return rocksdb::IOStatus::InvalidArgument("drop_unsynced() before power_loss()");
    DropStats counts;
    std::set<const FileState*> done;  // a file with two names (a hard link) is restored once
    rocksdb::IOStatus s;
    for (const auto& [path, state] : files_) {
      if (!s.ok()) break;
      if (!done.count(state.get()) && exists_locked(path)) {
        s = restore_locked(path, *state, &counts);
        done.insert(state.get());
      }
    }
    for (const auto& [dir, names] : dirs_) {
      for (const auto& [name, record] : names) {
        if (!s.ok()) break;
        const std::string path = dir + "/" + name;
        if (!record.existed) {
          if (!exists_locked(path)) continue;
          s = target()->DeleteFile(path, rocksdb::IOOptions(), nullptr);
          ++counts.names_deleted;
          continue;
        }
        s = target()->RenameFile(record.stash, path, rocksdb::IOOptions(), nullptr);
        ++counts.names_restored;
        if (s.ok() && record.state && done.insert(record.state.get()).second)
          s = restore_locked(path, *record.state, &counts);
      }
    }
    files_.clear();
    dirs_.clear();
    dead_ = false;
    error_probability_ = 0;
    if (stats) *stats = counts;
    return s;
  }

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(mutex_);
    rocksdb::IOStatus s = alive_locked();
    // An existing file moves aside (its name was durable) or goes (it was
    // not): the new one is a new inode, so no stash link shares its bytes.
    if (s.ok()) s = remember_name_locked(path, /*keep=*/false);
    if (s.ok() && exists_locked(path)) s = target()->DeleteFile(path, rocksdb::IOOptions(), dbg);
    if (s.ok()) s = target()->NewWritableFile(path, options, result, dbg);
    if (!s.ok()) return s;
    auto state = std::make_shared<FileState>();
    files_[path] = state;
    *result = std::make_unique<WritableFile>(this, std::move(*result), std::move(state));
    return s;
  }

  rocksdb::IOStatus ReopenWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(mutex_);
    rocksdb::IOStatus s = alive_locked();
    if (s.ok() && !exists_locked(path)) s = remember_name_locked(path, /*keep=*/false);
    if (s.ok()) s = target()->ReopenWritableFile(path, options, result, dbg);
    if (!s.ok()) return s;
    *result = std::make_unique<WritableFile>(this, std::move(*result), tracked_locked(path));
    return s;
  }

  rocksdb::IOStatus ReuseWritableFile(const std::string&, const std::string&, const rocksdb::FileOptions&,
                                      std::unique_ptr<rocksdb::FSWritableFile>*, rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("PowerLossFs does not recycle files");
  }

  rocksdb::IOStatus NewRandomRWFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(mutex_);
    rocksdb::IOStatus s = alive_locked();
    if (s.ok() && !exists_locked(path)) s = remember_name_locked(path, /*keep=*/false);
    if (s.ok()) s = target()->NewRandomRWFile(path, options, result, dbg);
    if (!s.ok()) return s;
    *result = std::make_unique<RandomRWFile>(this, std::move(*result), tracked_locked(path));
    return s;
  }

  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* result, rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewDirectory(name, options, result, dbg);
    if (s.ok()) *result = std::make_unique<Directory>(this, trim_dir(name), std::move(*result));
    return s;
  }

  // A durable file deleted is moved into the stash instead: the deletion
  // is undone if its directory is not fsynced before the cut.
  rocksdb::IOStatus DeleteFile(const std::string& path, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(mutex_);
    rocksdb::IOStatus s = alive_locked();
    if (!s.ok()) return s;
    if (!exists_locked(path) || recorded_locked(path)) {
      s = target()->DeleteFile(path, options, dbg);
    } else {
      s = remember_name_locked(path, /*keep=*/false);
    }
    if (s.ok()) files_.erase(path);
    return s;
  }

  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(mutex_);
    rocksdb::IOStatus s = alive_locked();
    if (s.ok() && exists_locked(from) && from != to) {
      s = remember_name_locked(to, /*keep=*/false);
      if (s.ok()) s = remember_name_locked(from, /*keep=*/true);
    }
    if (s.ok()) s = target()->RenameFile(from, to, options, dbg);
    if (!s.ok() || from == to) return s;
    const auto moved = files_.find(from);
    if (moved == files_.end()) {
      files_.erase(to);
    } else {
      files_[to] = moved->second;
      files_.erase(from);
    }
    return s;
  }

  rocksdb::IOStatus LinkFile(const std::string& from, const std::string& to, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(mutex_);
    rocksdb::IOStatus s = alive_locked();
    if (s.ok()) s = remember_name_locked(to, /*keep=*/false);
    if (s.ok()) s = target()->LinkFile(from, to, options, dbg);
    if (s.ok()) files_[to] = tracked_locked(from);  // one inode, one state
    return s;
  }

  rocksdb::IOStatus Truncate(const std::string& path, size_t size, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
    std::lock_guard<std::mutex> lock(mutex_);
    rocksdb::IOStatus s = write_gate_locked();
    if (s.ok()) s = target()->Truncate(path, size, options, dbg);
    if (s.ok()) truncated_locked(*tracked_locked(path), size);
    return s;
  }

  rocksdb::IOStatus CreateDir(const std::string& dir, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = alive();
    return s.ok() ? target()->CreateDir(dir, options, dbg) : s;
  }
  rocksdb::IOStatus CreateDirIfMissing(const std::string& dir, const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = alive();
    return s.ok() ? target()->CreateDirIfMissing(dir, options, dbg) : s;
  }
  rocksdb::IOStatus DeleteDir(const std::string& dir, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = alive();
    return s.ok() ? target()->DeleteDir(dir, options, dbg) : s;
  }

 private:
  // A file written through this file system (shared by its hard links).
  struct FileState {
    uint64_t size = 0;    // bytes written
    uint64_t synced = 0;  // bytes the last Sync/Fsync made durable
    struct Undo {
      uint64_t offset = 0;
      std::string bytes;  // the durable bytes an in-place write replaced
    };
    std::vector<Undo> undo;  // since the last sync, oldest first
  };
  // What a name durably was before its first change since its directory's
  // last fsync.
  struct NameRecord {
    uint64_t id = 0;                   // in change order: a directory fsync covers the records older than its start
    bool existed = false;              // false: the name did not exist (delete it after the cut)
    std::string stash;                 // existed: its durable file, moved or linked aside
    std::shared_ptr<FileState> state;  // existed: the durable file's state (nullptr: all of it durable)
  };

  static rocksdb::IOStatus dead_error() { return rocksdb::IOStatus::IOError("power lost"); }

  rocksdb::IOStatus alive_locked() const { return dead_ ? dead_error() : rocksdb::IOStatus::OK(); }
  rocksdb::IOStatus alive() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return alive_locked();
  }
  // The failure a file write or sync meets now, if any.
  rocksdb::IOStatus write_gate_locked() {
    if (dead_) return dead_error();
    if (error_probability_ > 0 && std::uniform_real_distribution<double>(0, 1)(error_rng_) < error_probability_) {
      ++injected_errors_;
      return rocksdb::IOStatus::IOError("injected write error");
    }
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus write_gate() {
    std::lock_guard<std::mutex> lock(mutex_);
    return write_gate_locked();
  }

  static std::string trim_dir(std::string dir) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    return dir;
  }
  // (directory, name) of a file's path.
  static std::pair<std::string, std::string> split(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return {".", path};
    const std::string dir = trim_dir(path.substr(0, slash));
    return {dir.empty() ? "/" : dir, path.substr(slash + 1)};
  }
  bool exists_locked(const std::string& path) { return target()->FileExists(path, rocksdb::IOOptions(), nullptr).ok(); }
  bool recorded_locked(const std::string& path) {
    const auto [dir, name] = split(path);
    const auto names = dirs_.find(dir);
    return names != dirs_.end() && names->second.count(name) > 0;
  }
  // The state of `path`, tracked from now on if it was not (all durable).
  std::shared_ptr<FileState> tracked_locked(const std::string& path) {
    std::shared_ptr<FileState>& state = files_[path];
    if (!state) {
      state = std::make_shared<FileState>();
      uint64_t size = 0;
      if (target()->GetFileSize(path, rocksdb::IOOptions(), &size, nullptr).ok()) state->size = state->synced = size;
    }
    return state;
  }

  // Before `path` changes: remembers what it durably is, unless it changed
  // already since its directory's last fsync. An existing file is linked
  // into the stash (keep: it stays, the source of a rename) or moved there.
  rocksdb::IOStatus remember_name_locked(const std::string& path, bool keep) {
    if (recorded_locked(path)) return rocksdb::IOStatus::OK();
    NameRecord record;
    record.id = next_record_id_++;
    if (exists_locked(path)) {
      record.existed = true;
      record.stash = stash_dir_ + "/" + std::to_string(record.id);
      rocksdb::IOStatus s = target()->CreateDirIfMissing(stash_dir_, rocksdb::IOOptions(), nullptr);
      if (s.ok())
        s = keep ? target()->LinkFile(path, record.stash, rocksdb::IOOptions(), nullptr)
                 : target()->RenameFile(path, record.stash, rocksdb::IOOptions(), nullptr);
      if (!s.ok()) return s;
      const auto tracked = files_.find(path);
      if (tracked != files_.end()) record.state = tracked->second;
    }
    const auto [dir, name] = split(path);
    dirs_[dir].emplace(name, std::move(record));
    return rocksdb::IOStatus::OK();
  }

  // Puts back what unsynced in-place writes replaced, then cuts the
  // unsynced tail.
  rocksdb::IOStatus restore_locked(const std::string& path, const FileState& state, DropStats* counts) {
    rocksdb::IOStatus s;
    if (!state.undo.empty()) {
      std::unique_ptr<rocksdb::FSRandomRWFile> file;
      s = target()->NewRandomRWFile(path, rocksdb::FileOptions(), &file, nullptr);
      for (auto undo = state.undo.rbegin(); s.ok() && undo != state.undo.rend(); ++undo) {
        s = file->Write(undo->offset, undo->bytes, rocksdb::IOOptions(), nullptr);
        counts->bytes_restored += undo->bytes.size();
      }
      if (s.ok()) s = file->Close(rocksdb::IOOptions(), nullptr);
    }
    uint64_t size = 0;
    if (s.ok()) s = target()->GetFileSize(path, rocksdb::IOOptions(), &size, nullptr);
    if (s.ok() && size > state.synced) {
      // RocksDB 7.8's POSIX file system does not implement Truncate: the disk does.
      if (::truncate(path.c_str(), static_cast<off_t>(state.synced)) != 0)
        s = rocksdb::IOStatus::IOError("truncating " + path);
      ++counts->files_truncated;
      counts->bytes_dropped += size - state.synced;
    }
    return s;
  }

  void truncated_locked(FileState& state, uint64_t size) {
    state.size = size;
    state.synced = std::min(state.synced, size);
  }

  // `sync_through` syncs the real file; what was written before it started
  // is durable iff it succeeds before the cut.
  template <typename F>
  rocksdb::IOStatus sync(FileState& state, F&& sync_through) {
    uint64_t size = 0;
    size_t undone = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      rocksdb::IOStatus gate = write_gate_locked();
      if (!gate.ok()) return gate;
      size = state.size;
      undone = state.undo.size();
    }
    rocksdb::IOStatus s = sync_through();
    if (!s.ok()) return s;
    std::lock_guard<std::mutex> lock(mutex_);
    if (dead_) return dead_error();
    state.synced = std::max(state.synced, size);
    state.undo.erase(state.undo.begin(), state.undo.begin() + std::min(undone, state.undo.size()));
    return s;
  }

  // A directory's fsync makes durable the name changes recorded before it
  // started; their stashed files are gone for good.
  template <typename F>
  rocksdb::IOStatus sync_directory(const std::string& dir, F&& fsync_through) {
    uint64_t fence = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (dead_) return dead_error();
      fence = next_record_id_;
    }
    rocksdb::IOStatus s = fsync_through();
    if (!s.ok()) return s;
    std::vector<std::string> stashes;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (dead_) return dead_error();
      const auto names = dirs_.find(dir);
      if (names != dirs_.end()) {
        for (auto n = names->second.begin(); n != names->second.end();) {
          if (n->second.id >= fence) {
            ++n;
            continue;
          }
          if (n->second.existed) stashes.push_back(n->second.stash);
          n = names->second.erase(n);
        }
      }
    }
    for (const std::string& stash : stashes)
      target()->DeleteFile(stash, rocksdb::IOOptions(), nullptr).PermitUncheckedError();
    return s;
  }

  class WritableFile final : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    WritableFile(PowerLossFs* fs, std::unique_ptr<rocksdb::FSWritableFile> file, std::shared_ptr<FileState> state)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs), state_(std::move(state)) {}

    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = fs_->write_gate();
      if (s.ok()) s = target()->Append(data, options, dbg);
      if (s.ok()) appended(data.size());
      return s;
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info, rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = fs_->write_gate();
      if (s.ok()) s = target()->Append(data, options, info, dbg);
      if (s.ok()) appended(data.size());
      return s;
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset, const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = fs_->write_gate();
      if (s.ok()) s = target()->PositionedAppend(data, offset, options, dbg);
      if (s.ok()) written_to(offset + data.size());
      return s;
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset, const rocksdb::IOOptions& options,
                                       const rocksdb::DataVerificationInfo& info,
                                       rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = fs_->write_gate();
      if (s.ok()) s = target()->PositionedAppend(data, offset, options, info, dbg);
      if (s.ok()) written_to(offset + data.size());
      return s;
    }
    rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = fs_->write_gate();
      if (s.ok()) s = target()->Truncate(size, options, dbg);
      if (s.ok()) {
        std::lock_guard<std::mutex> lock(fs_->mutex_);
        fs_->truncated_locked(*state_, size);
      }
      return s;
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
      return fs_->sync(*state_, [&] { return target()->Sync(options, dbg); });
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
      return fs_->sync(*state_, [&] { return target()->Fsync(options, dbg); });
    }
    // Starts write-back of a range: makes nothing durable.
    rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t bytes, const rocksdb::IOOptions& options,
                                rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = fs_->alive();
      return s.ok() ? target()->RangeSync(offset, bytes, options, dbg) : s;
    }
    rocksdb::IOStatus Flush(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = fs_->alive();
      return s.ok() ? target()->Flush(options, dbg) : s;
    }
    // Closes the real file in any case (a dead process's files close too).
    rocksdb::IOStatus Close(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = target()->Close(options, dbg);
      rocksdb::IOStatus power = fs_->alive();
      return power.ok() ? s : power;
    }

   private:
    void appended(uint64_t bytes) {
      std::lock_guard<std::mutex> lock(fs_->mutex_);
      state_->size += bytes;
    }
    void written_to(uint64_t end) {
      std::lock_guard<std::mutex> lock(fs_->mutex_);
      state_->size = std::max(state_->size, end);
    }

    PowerLossFs* fs_;
    std::shared_ptr<FileState> state_;
  };

  // RocksDB writes an ingested file's global sequence number in place.
  class RandomRWFile final : public rocksdb::FSRandomRWFileOwnerWrapper {
   public:
    RandomRWFile(PowerLossFs* fs, std::unique_ptr<rocksdb::FSRandomRWFile> file, std::shared_ptr<FileState> state)
        : FSRandomRWFileOwnerWrapper(std::move(file)), fs_(fs), state_(std::move(state)) {}

    rocksdb::IOStatus Write(uint64_t offset, const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = fs_->write_gate();
      uint64_t synced = 0;
      {
        std::lock_guard<std::mutex> lock(fs_->mutex_);
        synced = state_->synced;
      }
      FileState::Undo undo{offset, {}};
      if (s.ok() && offset < synced) {  // durable bytes about to change: keep them
        std::vector<char> scratch(std::min<uint64_t>(data.size(), synced - offset));
        rocksdb::Slice old;
        s = target()->Read(offset, scratch.size(), options, &old, scratch.data(), dbg);
        if (s.ok()) undo.bytes.assign(old.data(), old.size());
      }
      if (s.ok()) s = target()->Write(offset, data, options, dbg);
      if (s.ok()) {
        std::lock_guard<std::mutex> lock(fs_->mutex_);
        state_->size = std::max<uint64_t>(state_->size, offset + data.size());
        if (!undo.bytes.empty()) state_->undo.push_back(std::move(undo));
      }
      return s;
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
      return fs_->sync(*state_, [&] { return target()->Sync(options, dbg); });
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
      return fs_->sync(*state_, [&] { return target()->Fsync(options, dbg); });
    }
    rocksdb::IOStatus Flush(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = fs_->alive();
      return s.ok() ? target()->Flush(options, dbg) : s;
    }
    rocksdb::IOStatus Close(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus s = target()->Close(options, dbg);
      rocksdb::IOStatus power = fs_->alive();
      return power.ok() ? s : power;
    }

   private:
    PowerLossFs* fs_;
    std::shared_ptr<FileState> state_;
  };

  class Directory final : public rocksdb::FSDirectoryWrapper {
   public:
    Directory(PowerLossFs* fs, std::string path, std::unique_ptr<rocksdb::FSDirectory> dir)
        : FSDirectoryWrapper(std::move(dir)), fs_(fs), path_(std::move(path)) {}

    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
      return fs_->sync_directory(path_, [&] { return FSDirectoryWrapper::Fsync(options, dbg); });
    }
    rocksdb::IOStatus FsyncWithDirOptions(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg,
                                          const rocksdb::DirFsyncOptions& dir_options) override {
      return fs_->sync_directory(path_,
                                 [&] { return FSDirectoryWrapper::FsyncWithDirOptions(options, dbg, dir_options); });
    }

   private:
    PowerLossFs* fs_;
    std::string path_;
  };

  const std::string stash_dir_;
  mutable std::mutex mutex_;  // guards what follows
  bool dead_ = false;
  std::map<std::string, std::shared_ptr<FileState>> files_;        // by path
  std::map<std::string, std::map<std::string, NameRecord>> dirs_;  // directory -> name -> record
  uint64_t next_record_id_ = 1;
  double error_probability_ = 0;
  std::mt19937_64 error_rng_;
  uint64_t injected_errors_ = 0;
};

// A PowerLossFs over the default file system and an Env using it, for
// LogOptions::env / EngineOptions::env. Outlives every database opened
// with `env`.
struct PowerLossEnv {
  explicit PowerLossEnv(std::string stash_dir)
      : fs(std::make_shared<PowerLossFs>(rocksdb::FileSystem::Default(), std::move(stash_dir))),
        env(rocksdb::NewCompositeEnv(fs)) {}
  std::shared_ptr<PowerLossFs> fs;
  std::unique_ptr<rocksdb::Env> env;
};

}  // namespace tessera::testing_support
