// ReminderExporter: the export worker, and the synchronous export it runs
// (file or email; see reminder_service.h).
#include "reminders/reminder_service.h"

#include <algorithm>
#include <exception>

#include "reminders/reminder_email.h"
#include "reminders/reminder_export.h"

namespace tessera::reminders {
namespace {

uint32_t item_count(const engine::ReminderBatch& batch) { return static_cast<uint32_t>(batch.items.size()); }

ExportReport failure(const engine::ReminderBatch& batch, std::string destination, std::string message) {
  return {false, 0, item_count(batch), std::move(destination), std::move(message), {}};
}

ExportReport export_file(const engine::ReminderBatch& batch, const ExportConfig& config, int64_t now_ms) {
  Result<std::string> path = write_reminder_file(batch, config.export_dir, now_ms, config.local);
  if (!path.is_ok())
    return failure(batch, config.export_dir, "reminder file not written: " + path.status().to_string());
  return {true, item_count(batch), 0, *path, "wrote " + std::to_string(batch.items.size()) + " reminders to " + *path,
          {}};
}

// Adds a failure reason to the report's message, up to the limit.
void note_failure(ExportReport& report, uint32_t& reasons, const std::string& reason) {
  if (reasons++ < kExportReportReasonsMax) report.message += "; " + reason;
}

ExportReport export_email(const engine::ReminderBatch& batch, const ExportConfig& config, int64_t now_ms) {
  if (config.smtp.host.empty()) {
    return failure(batch, "", "email delivery needs an SMTP server: no smtp_host is configured");
  }
  const std::string destination = mail::smtp_url(config.smtp);
  EmailSettings settings{config.mail_from, config.mail_from_name};
  settings.local = config.local;
  const ReminderEmails emails = render_reminder_emails(batch, settings, now_ms);
  std::vector<mail::OutgoingMail> mails;
  for (const auto& m : emails.messages) mails.push_back({config.mail_from, {m.to}, m.data});
  const std::vector<Status> sent = mail::send_mails(config.smtp, mails);
  ExportReport report{true, 0, 0, destination, "", {}};
  uint32_t reasons = 0, messages_sent = 0;
  for (size_t m = 0; m < emails.messages.size(); ++m) {
    const auto n = static_cast<uint32_t>(emails.messages[m].items.size());
    if (sent[m].is_ok()) {
      report.delivered += n;
      ++messages_sent;
    } else {
      report.failed += n;
      note_failure(report, reasons, "to " + emails.messages[m].to + ": " + sent[m].to_string());
      report.failed_items.insert(report.failed_items.end(), emails.messages[m].items.begin(),
                                 emails.messages[m].items.end());
    }
  }
  for (const auto& u : emails.undeliverable) {
    note_failure(report, reasons, u.reason);
    report.failed_items.push_back(u.item);
  }
  std::sort(report.failed_items.begin(), report.failed_items.end());
  if (report.delivered == 0) report.failed_items.clear();  // nothing delivered: the count says it all
  report.failed += static_cast<uint32_t>(emails.undeliverable.size());
  if (reasons > kExportReportReasonsMax)
    report.message += "; and " + std::to_string(reasons - kExportReportReasonsMax) + " more";
  report.ok = report.failed == 0;
  report.message = "sent " + std::to_string(messages_sent) + " of " + std::to_string(emails.messages.size()) +
                   " emails (" + std::to_string(report.delivered) + " reminders delivered, " +
                   std::to_string(report.failed) + " failed)" + report.message;
  return report;
}

}  // namespace

ExportReport export_reminders(const engine::ReminderBatch& batch, const ExportConfig& config, int64_t now_ms) {
  try {
    return batch.delivery == engine::Delivery::kEmail ? export_email(batch, config, now_ms)
                                                      : export_file(batch, config, now_ms);
  } catch (const std::exception& e) {  // allocation failure: a report, never an escape
    return failure(batch, "", std::string("reminder export failed: ") + e.what());
  }
}

ReminderExporter::ReminderExporter(ExportConfig config, const runtime::Clock& clock)
    : config_(std::move(config)), clock_(clock), worker_([this] { run(); }) {}

ReminderExporter::~ReminderExporter() { stop(); }

bool ReminderExporter::submit(engine::ReminderBatch batch, Done done) {
  return enqueue({std::move(batch), std::move(done), {}});
}

bool ReminderExporter::submit_task(std::function<void()> task) { return enqueue({{}, {}, std::move(task)}); }

bool ReminderExporter::enqueue(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= kReminderExportQueueCapacity) return false;
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void ReminderExporter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (worker_.joinable()) worker_.join();
}

size_t ReminderExporter::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + in_progress_;
}

void ReminderExporter::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and drained
      job = std::move(queue_.front());
      queue_.pop_front();
      ++in_progress_;
    }
    if (job.task) {
      job.task();
    } else {
      ExportReport report = export_reminders(job.batch, config_, clock_.now_ms());
      if (job.done) job.done(std::move(report));
    }
    std::lock_guard lock(mutex_);
    --in_progress_;
  }
}

}  // namespace tessera::reminders
