// The e-mail notice of new pre-registrations (see prereg_notice.h).
#include "server/prereg_notice.h"

#include <cstdio>
#include <utility>

#include "base/strings.h"
#include "mail/mail_format.h"

namespace tessera::server {

std::string requester_text(const engine::Requester& q) {
  return cat(q.last_name, q.first_name.empty() ? "" : " ", q.first_name,
             q.email.empty() ? "" : cat(" <", q.email, ">"));
}

std::string sessions_text(const std::vector<engine::LineRequest>& lines, bool fr) {
  std::string out;
  for (const engine::LineRequest& l : lines)
    out += cat(out.empty() ? "" : ", ", l.quantity, " x ", fr ? "séance " : "performance ", l.performance);
  return out;
}

std::string render_prereg_notice(const std::vector<engine::PreRegRow>& rows, uint64_t count,
                                 const PreRegNoticeSettings& settings, int64_t now_ms) {
  const bool fr = settings.local.language() == Language::kFrench;
  const std::string subject =
      fr ? cat(count, count > 1 ? " pré-inscriptions en attente de gestion" : " pré-inscription en attente de gestion")
         : cat(count, count > 1 ? " pre-registrations waiting" : " pre-registration waiting");
  std::string body = fr ? cat("Des pré-inscriptions sont en attente de gestion : ", count,
                              " nouvelle(s) depuis la dernière notification.\n\n")
                        : cat("Pre-registrations are waiting: ", count, " new since the last notice.\n\n");
  for (const engine::PreRegRow& r : rows) {
    body += cat("- ", r.id, "  ", settings.local.date_time(r.submitted_ms), "  ", requester_text(r.requester),
                r.requester.authenticated ? (fr ? " (authentifié)" : " (signed in)") : "", "  ",
                sessions_text(r.lines, fr), "\n");
  }
  if (count > rows.size())
    body += fr ? cat("... et ", count - rows.size(), " autre(s).\n") : cat("... and ", count - rows.size(), " more.\n");
  body += fr ? "\nOuvrez l'assistant d'importation : tessera prereg list\n"
             : "\nOpen the import wizard: tessera prereg list\n";
  const std::string id = cat("<tessera-prereg-notice.", now_ms, "@", mail::email_domain(settings.from), ">");
  return mail::compose_text_mail({settings.from_name, settings.from, "", settings.to, subject, now_ms, id}, body);
}

PreRegNotifier::PreRegNotifier(PreRegNoticeSettings settings, reminders::ReminderExporter& exporter,
                               const runtime::Clock& clock)
    : settings_(std::move(settings)), exporter_(exporter), clock_(clock) {}

void PreRegNotifier::add(const engine::PreRegRow& row) {
  if (!enabled()) return;
  std::lock_guard lock(mutex_);
  for (const engine::PreRegRow& r : rows_)
    if (r.id == row.id) return;  // the shop's retry of a request not told yet
  ++count_;
  if (rows_.size() < kPreRegNoticeRowsMax) rows_.push_back(row);
}

void PreRegNotifier::tell_backlog(uint64_t count) {
  if (!enabled() || count == 0) return;
  std::lock_guard lock(mutex_);
  count_ += count;
}

void PreRegNotifier::start() {
  if (!enabled() || thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void PreRegNotifier::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PreRegNotifier::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(settings_.interval_ms), [this] { return stopping_; });
    lock.unlock();
    flush();
    lock.lock();
  }
}

void PreRegNotifier::flush() {
  std::vector<engine::PreRegRow> rows;
  uint64_t count = 0;
  {
    std::lock_guard lock(mutex_);
    if (count_ == 0) return;
    rows.swap(rows_);
    count = std::exchange(count_, 0);
  }
  mail::OutgoingMail m{settings_.from, {settings_.to}, render_prereg_notice(rows, count, settings_, clock_.now_ms())};
  const mail::SmtpOptions smtp = settings_.smtp;
  if (!exporter_.submit_task([m = std::move(m), smtp, count] {
        const std::vector<Status> sent = mail::send_mails(smtp, {m});
        if (!sent.at(0).is_ok())
          std::fprintf(stderr, "tessera-server: notice of %llu pre-registrations not sent: %s\n",
                       static_cast<unsigned long long>(count), sent[0].to_string().c_str());
      }))
    std::fprintf(stderr, "tessera-server: notice of %llu pre-registrations not sent: the worker's queue is full\n",
                 static_cast<unsigned long long>(count));
}

}  // namespace tessera::server
