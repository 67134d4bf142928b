// Reminder files: the name, the content and the atomic write of the file
// a reminder format (engine::DefineReminderFormat) gives a ReminderBatch.
//
// The file is text: a header line with the chosen fields' names, then one
// line per reminder item, fields in the format's order joined by its
// separator; a value holding the separator, a double quote, CR or LF is
// quoted CSV-style (quotes doubled). Lines end with "\n".
// Writing never overwrites: an existing name gets "-2", "-3"... before the
// extension, and the file appears whole or not at all (temporary file,
// fsync, rename, fsync of the directory).
// Thread-safety: pure functions; write_reminder_file may run on any thread
// (two writers into one directory never share a name).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/local_time.h"
#include "base/status.h"
#include "engine/reply_detail.h"

namespace tessera::reminders {

inline constexpr size_t kReminderFileStemMax = 200;                // bytes of a file name before its extension
inline constexpr size_t kReminderExtensionMax = 16;                // bytes of a file extension
inline constexpr size_t kReminderSeparatorMax = 4;                 // bytes of a separator (engine: 1 to 4 characters)
inline constexpr uint32_t kReminderFileVersionsMax = 1'000;        // "-2" ... "-1000" before giving up
inline constexpr std::string_view kOrderReminderTitle = "Rappel";  // title of order reminders (no series)

// Keeps [A-Za-z0-9._-]: spaces become '_', accented Latin letters lose their
// accents ("é" -> "e", "œ" -> "oe"), anything else becomes '_'; leading dots
// are dropped. Returns at most `max_bytes` bytes.
std::string sanitize_file_name_part(std::string_view text, size_t max_bytes);

// The series title of a batch: the first item's non-empty series name, else
// kOrderReminderTitle.
std::string reminder_title(const engine::ReminderBatch& batch);

// "<name>[_<title>][_run<id>]_<YYYYMMDD-HHMMSS>.<extension>", each part
// sanitized (title iff format.title_in_file_name; run iff batch.run != 0;
// the time is now_ms in `local`'s zone, the organisation's). An empty name
// gives "reminders"; an empty extension gives no dot.
std::string reminder_file_name(const engine::ReminderBatch& batch, int64_t now_ms, const LocalTime& local = {});

// The file's content (see above).
// REQUIRES: batch.format.separator is 1 to kReminderSeparatorMax bytes.
// Dates and amounts as `local` writes them (default: UTC, "2024-03-14", "12.50").
std::string render_reminder_file(const engine::ReminderBatch& batch, const LocalTime& local = {});

// Renders the batch and writes it into `export_dir` (created, with its
// parents, if missing) under reminder_file_name(batch, now_ms), never
// replacing a file. Returns the path written, or invalid_argument (bad
// format), resource_exhausted (no free name) or internal (I/O error, with
// errno's text). An error before the rename leaves no file behind; only a
// failed fsync of the directory comes after it (the file is then complete
// but its name may not survive a crash).
Result<std::string> write_reminder_file(const engine::ReminderBatch& batch, const std::string& export_dir,
                                        int64_t now_ms, const LocalTime& local = {});

}  // namespace tessera::reminders
