// ReminderExporter: the server's reminder export worker. It takes the
// ReminderBatch a reminder command answered with, writes the reminder file
// (Delivery::kFile) into the export directory or sends the reminder emails
// (Delivery::kEmail) through the configured SMTP relay, and reports what
// it did — what the server then records with RecordRunExport.
//
// One worker thread and a bounded queue (kReminderExportQueueCapacity
// batches): file and network I/O never run on a shard or an I/O thread,
// and a full queue is an answer (submit returns false), not growth.
// Thread-safety: submit() may be called from any thread; stop() from the
// owner only, never from a `done` callback. Callbacks run on the worker
// thread, one at a time, in submission order.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/local_time.h"
#include "engine/reply_detail.h"
#include "mail/smtp_client.h"
#include "runtime/clock.h"

namespace tessera::reminders {

inline constexpr size_t kReminderExportQueueCapacity = 64;  // batches waiting for the worker
inline constexpr uint32_t kExportReportReasonsMax = 5;      // failure reasons quoted in a report's message

struct ExportConfig {
  std::string export_dir;      // where reminder files go (created if missing)
  mail::SmtpOptions smtp;      // the relay of reminder emails; smtp.host empty = no email delivery
  std::string mail_from;       // sender address of reminder emails
  std::string mail_from_name;  // its display name (may be empty)
  LocalTime local;             // dates and amounts of files and e-mails: the organisation's zone and language
};

// What an export did. ok iff every reminder of the batch was delivered
// (written to the file or accepted by the SMTP relay); otherwise `failed`
// counts the reminders that were not and `message` says why.
struct ExportReport {
  bool ok = false;
  uint32_t delivered = 0;   // reminders written / accepted
  uint32_t failed = 0;      // reminders not delivered
  std::string destination;  // the file's path, or the relay's smtp_url()
  std::string message;      // a one-line summary, with the first failure reasons
  // Indexes into batch.items of the reminders not delivered, ascending;
  // empty when none was delivered (delivered == 0) or all were.
  std::vector<uint32_t> failed_items;
};

// Exports one batch now, on the calling thread (what the worker runs).
ExportReport export_reminders(const engine::ReminderBatch& batch, const ExportConfig& config, int64_t now_ms);

class ReminderExporter {
 public:
  using Done = std::function<void(ExportReport)>;

  // `clock` gives the file names' and emails' time; it must outlive this.
  ReminderExporter(ExportConfig config, const runtime::Clock& clock);
  ~ReminderExporter();  // stop()
  ReminderExporter(const ReminderExporter&) = delete;
  ReminderExporter& operator=(const ReminderExporter&) = delete;

  // Queues the batch; `done` (may be empty) gets the report on the worker
  // thread. Returns false (and drops nothing else) iff the queue is full or
  // the exporter is stopped.
  [[nodiscard]] bool submit(engine::ReminderBatch batch, Done done);
  // Queues other file work of the export directory (reading a run's file)
  // behind the exports, on the same thread and queue.
  [[nodiscard]] bool submit_task(std::function<void()> task);

  // Exports what is queued, then joins the worker. Idempotent.
  void stop();

  // Batches queued or in progress.
  size_t pending() const;

 private:
  struct Job {
    engine::ReminderBatch batch;
    Done done;
    std::function<void()> task;  // set: run it instead of an export
  };
  [[nodiscard]] bool enqueue(Job job);
  void run();

  const ExportConfig config_;
  const runtime::Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;   // guarded by mutex_; at most kReminderExportQueueCapacity
  size_t in_progress_ = 0;  // guarded by mutex_
  bool stopping_ = false;   // guarded by mutex_
  std::thread worker_;
};

}  // namespace tessera::reminders
