// Reminder files: name, content and atomic, non-overwriting write.
#include "reminders/reminder_export.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <atomic>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/csv.h"
#include "base/durable_file.h"
#include "engine/subscriptions.h"
#include "reminders/reminder_fields.h"

namespace tessera::reminders {
namespace {

// ASCII spelling of U+00C0..U+00FF ("_" where there is none).
constexpr const char* kLatin1Ascii[64] = {
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",   //
    "D", "N", "O", "O", "O", "O", "O",  "_", "O", "U", "U", "U", "U", "Y", "Th", "ss",  //
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   //
    "d", "n", "o", "o", "o", "o", "o",  "_", "o", "u", "u", "u", "u", "y", "th", "y"};

// Decodes the UTF-8 sequence at text[i]; advances i. Invalid bytes decode
// to U+FFFD one byte at a time.
uint32_t next_code_point(std::string_view text, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  size_t length = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || i + length > text.size()) {
    ++i;
    return 0xFFFD;
  }
  uint32_t cp = length == 1 ? b0 : b0 & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  i += length;
  return cp;
}

std::string_view ascii_spelling(uint32_t cp) {
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1Ascii[cp - 0xC0];
  switch (cp) {
    case 0x152:
      return "OE";
    case 0x153:
      return "oe";
    case 0x160:
      return "S";
    case 0x161:
      return "s";
    case 0x178:
      return "Y";
    case 0x17D:
      return "Z";
    case 0x17E:
      return "z";
    default:
      return "_";
  }
}

bool is_file_name_char(uint32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '.' || cp == '_' ||
         cp == '-';
}

// Renames `from` to `to` iff `to` does not exist (false + EEXIST if it
// does). Filesystems without RENAME_NOREPLACE fall back to link + unlink.
bool rename_no_replace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return false;
  if (::link(from.c_str(), to.c_str()) != 0) return false;
  ::unlink(from.c_str());
  return true;
}

std::string temp_path(const std::string& dir) {
  static std::atomic<uint64_t> counter{0};
  return dir + "/.reminder-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)) + ".tmp";
}

struct FileName {
  std::string stem;
  std::string extension;  // with its dot, or empty
};

FileName file_name_parts(const engine::ReminderBatch& batch, int64_t now_ms, const LocalTime& local) {
  std::string stem = batch.format.name;
  if (stem.empty()) stem = "reminders";
  if (batch.format.title_in_file_name) stem += "_" + reminder_title(batch);
  if (batch.run != 0) stem += "_run" + to_string(batch.run);
  stem += "_" + local.file_stamp(now_ms);
  FileName name{sanitize_file_name_part(stem, kReminderFileStemMax), ""};
  if (name.stem.empty()) name.stem = "reminders";
  const std::string extension = sanitize_file_name_part(batch.format.extension, kReminderExtensionMax);
  if (!extension.empty()) name.extension = "." + extension;
  return name;
}

// Moves `temp` to the first free name of stem, stem-2, stem-3...
Result<std::string> publish(const std::string& temp, const std::string& dir, const FileName& name) {
  for (uint32_t version = 1; version <= kReminderFileVersionsMax; ++version) {
    const std::string suffix = version == 1 ? std::string() : "-" + std::to_string(version);
    const std::string candidate = dir + "/" + name.stem + suffix + name.extension;
    if (rename_no_replace(temp, candidate)) return candidate;
    if (errno != EEXIST) return io_error("cannot rename to", candidate, errno);
  }
  return Status::resource_exhausted("no free file name for " + name.stem + name.extension + " in " + dir + " (" +
                                    std::to_string(kReminderFileVersionsMax) + " versions exist)");
}

}  // namespace

std::string sanitize_file_name_part(std::string_view text, size_t max_bytes) {
  std::string out;
  for (size_t i = 0; i < text.size() && out.size() < max_bytes;) {
    const uint32_t cp = next_code_point(text, i);
    if (cp == '.' && out.empty()) continue;  // no hidden files, no ".."
    if (is_file_name_char(cp)) {
      out += static_cast<char>(cp);
    } else if (cp == ' ') {
      out += '_';
    } else {
      out += ascii_spelling(cp);
    }
  }
  if (out.size() > max_bytes) out.resize(max_bytes);
  return out;
}

std::string reminder_title(const engine::ReminderBatch& batch) {
  for (const auto& item : batch.items) {
    if (!item.series_name.empty()) return item.series_name;
  }
  return std::string(kOrderReminderTitle);
}

std::string reminder_file_name(const engine::ReminderBatch& batch, int64_t now_ms, const LocalTime& local) {
  const FileName name = file_name_parts(batch, now_ms, local);
  return name.stem + name.extension;
}

std::string render_reminder_file(const engine::ReminderBatch& batch, const LocalTime& local) {
  const engine::DefineReminderFormat& format = batch.format;
  assert(!format.separator.empty() && format.separator.size() <= kReminderSeparatorMax);
  std::string out;
  for (size_t c = 0; c < format.columns.size(); ++c) {
    if (c > 0) out += format.separator;
    append_csv_field(out, reminder_field_name(format.columns[c]), format.separator);
  }
  out += '\n';
  for (const auto& item : batch.items) {
    for (size_t c = 0; c < format.columns.size(); ++c) {
      if (c > 0) out += format.separator;
      append_csv_field(out, reminder_field_value(item, format.columns[c], local), format.separator);
    }
    out += '\n';
  }
  return out;
}

Result<std::string> write_reminder_file(const engine::ReminderBatch& batch, const std::string& export_dir,
                                        int64_t now_ms, const LocalTime& local) {
  // The engine refused any other format when it was defined; checked again
  // because the batch crossed a thread (and tests build their own).
  if (const engine::Reply r = engine::check_reminder_format_layout(batch.format); !r.ok())
    return Status::invalid_argument(engine::cat("reminder format ", batch.format.format, ": ", r.message));
  if (export_dir.empty()) return Status::invalid_argument("no export directory configured");
  std::error_code ec;
  std::filesystem::create_directories(export_dir, ec);
  if (ec) return Status::internal("cannot create export directory " + export_dir + ": " + ec.message());
  const std::string temp = temp_path(export_dir);
  if (Status s = write_synced_file(temp, render_reminder_file(batch, local)); !s.is_ok()) {
    ::unlink(temp.c_str());
    return s;
  }
  Result<std::string> path = publish(temp, export_dir, file_name_parts(batch, now_ms, local));
  if (!path.is_ok()) {
    ::unlink(temp.c_str());
    return path;
  }
  if (Status s = sync_directory(export_dir); !s.is_ok()) return s;
  return path;
}

}  // namespace tessera::reminders
