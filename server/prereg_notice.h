// The back office's e-mail notice of new pre-registrations (seed 004: "Vous
// recevez une notification par e-mail"; engine/commands_preregistrations.h).
//
// The server hands the notifier each pre-registration it acknowledges
// (add). Every interval, the ones that came in since the last notice go out
// as one e-mail to the configured address, sent on the export worker —
// never on a shard or an I/O thread — through the same relay as every other
// e-mail. What a stop loses (the batch is in memory) is told again: at
// start the notifier sends one notice of every pre-registration pending
// (tell_backlog). A shop's retry of a request not told yet is told once; one
// retried after its notice went is told again. The notice is a convenience: the pending count
// (ListPreRegistrations, /metrics) is the record, and a notice the relay
// refuses is reported on stderr, not retried.
// Thread-safety: add() and tell_backlog() from any thread; start/stop from
// the owner.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/local_time.h"
#include "engine/commands_preregistrations.h"
#include "mail/smtp_client.h"
#include "reminders/reminder_service.h"
#include "runtime/clock.h"

namespace tessera::server {

inline constexpr size_t kPreRegNoticeRowsMax = 200;  // requests one notice lists (the rest are counted)

struct PreRegNoticeSettings {
  std::string to;  // the back office's address; empty = no notice
  int64_t interval_ms = 60'000;
  std::string from;       // mail_from
  std::string from_name;  // the organisation
  mail::SmtpOptions smtp;
  LocalTime local;
};

// How the back office's e-mails (this notice, and the information e-mails
// of an integration: prereg_report.h) write a requester ("MARTIN Anne
// <anne@example.org>") and a request's sessions ("2 x performance 1000, 1 x
// performance 1001"; "séance" in French).
std::string requester_text(const engine::Requester& q);
std::string sessions_text(const std::vector<engine::LineRequest>& lines, bool fr);

// The notice of `rows` (at most kPreRegNoticeRowsMax listed) out of `count`
// new ones: French when local.language() is French, English otherwise.
std::string render_prereg_notice(const std::vector<engine::PreRegRow>& rows, uint64_t count,
                                 const PreRegNoticeSettings& settings, int64_t now_ms);

class PreRegNotifier {
 public:
  PreRegNotifier(PreRegNoticeSettings settings, reminders::ReminderExporter& exporter, const runtime::Clock& clock);
  ~PreRegNotifier() { stop(); }
  PreRegNotifier(const PreRegNotifier&) = delete;
  PreRegNotifier& operator=(const PreRegNotifier&) = delete;

  bool enabled() const { return !settings_.to.empty() && !settings_.smtp.host.empty(); }
  void add(const engine::PreRegRow& row);
  // `count` pending at start, told in the next notice (0: nothing).
  void tell_backlog(uint64_t count);
  void start();
  void stop();  // sends what is waiting first

 private:
  void run();
  void flush();  // REQUIRES mutex_ not held

  const PreRegNoticeSettings settings_;
  reminders::ReminderExporter& exporter_;
  const runtime::Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<engine::PreRegRow> rows_;  // guarded by mutex_; at most kPreRegNoticeRowsMax
  uint64_t count_ = 0;                   // guarded by mutex_: new ones since the last notice
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tessera::server
