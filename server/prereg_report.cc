// The report and the information e-mails of an integration (see
// prereg_report.h).
#include "server/prereg_report.h"

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <utility>

#include "base/strings.h"
#include "documents/integration_report_pdf.h"
#include "engine/limits.h"
#include "engine/reply_detail.h"
#include "mail/mail_format.h"
#include "server/export_file.h"
#include "server/prereg_notice.h"

namespace tessera::server {

using engine::cat;
using engine::ContactId;
using engine::PerformanceCard;
using engine::PerformanceId;
using engine::PreRegOutcome;
using engine::PreRegResult;
using engine::PreRegResults;
using engine::PreRegRow;
using engine::Reply;

namespace {

using RowsById = std::unordered_map<uint64_t, const PreRegRow*>;

RowsById by_id(const std::vector<PreRegRow>& requests) {
  RowsById out;
  out.reserve(requests.size());
  for (const PreRegRow& r : requests) out.emplace(r.id, &r);
  return out;
}

const PreRegRow* row_of(const RowsById& rows, uint64_t id) {
  const auto it = rows.find(id);
  return it == rows.end() ? nullptr : it->second;
}

// The performances a booked request holds lines of.
std::set<PerformanceId> booked_performances(const std::vector<PreRegResult>& results, const RowsById& rows) {
  std::set<PerformanceId> out;
  for (const PreRegResult& r : results)
    if (r.outcome == PreRegOutcome::kBooked)
      if (const PreRegRow* row = row_of(rows, r.id))
        for (const engine::LineRequest& l : row->lines) out.insert(l.performance);
  return out;
}

// When `cards` holds performance p: its start, in the organisation's zone.
std::string performance_text(PerformanceId p, const std::vector<PerformanceCard>& cards, const LocalTime& local,
                             bool fr) {
  for (const PerformanceCard& c : cards)
    if (c.performance == p) return cat(fr ? "séance " : "performance ", p, " (", local.date_time(c.starts_at_ms), ")");
  return cat(fr ? "séance " : "performance ", p);
}

// Sends each notice's e-mail; fills r.mailed and r.not_mailed.
void send_notices(const engine::Command& asked, const std::vector<PreRegRow>& requests, PreRegResults& r,
                  const IntegrationReportConfig& config, runtime::ShardSet& shards, int64_t now_ms) {
  const auto& options = std::get<engine::IntegratePreRegistrations>(asked.body).options;
  const RowsById rows = by_id(requests);
  std::vector<PerformanceCard> cards;
  for (PerformanceId p : booked_performances(r.results, rows)) {
    const Reply read = shards.call(engine::Command{0, engine::GetPerformance{p}});
    if (read.ok() && read.detail)
      if (const auto* card = std::get_if<PerformanceCard>(&read.detail->value)) cards.push_back(*card);
  }
  const std::vector<IntegrationNotice> notices = integration_notices(options, r.results, requests, cards);
  const bool can_send = !config.smtp.host.empty() && mail::is_valid_email_address(config.mail_from);
  std::vector<mail::OutgoingMail> mails;
  std::vector<std::string> addresses;
  for (const IntegrationNotice& n : notices) {
    const Reply read = shards.call(engine::Command{0, engine::GetContact{n.contact}});
    const auto* card = read.ok() && read.detail ? std::get_if<engine::ContactCard>(&read.detail->value) : nullptr;
    const std::string who = cat("contact ", n.contact, " (", n.roles, ")");
    if (card == nullptr) {
      r.not_mailed.push_back(cat(who, ": ", read.ok() ? "no such contact" : read.message));
      continue;
    }
    const std::string& email = card->record.email;
    if (!mail::is_valid_email_address(email)) {
      r.not_mailed.push_back(cat(who, ": no e-mail address"));
      continue;
    }
    if (!can_send) {
      r.not_mailed.push_back(cat(email, " (", n.roles, "): no e-mail relay configured (smtp_host, mail_from)"));
      continue;
    }
    mails.push_back(
        mail::OutgoingMail{config.mail_from,
                           {email},
                           render_integration_mail(n, *card, r.results, requests, cards, config, now_ms, asked.key)});
    addresses.push_back(email);
  }
  if (mails.empty()) return;
  const std::vector<Status> sent = mail::send_mails(config.smtp, mails);
  for (size_t i = 0; i < mails.size(); ++i) {
    if (i < sent.size() && sent[i].is_ok()) {
      r.mailed.push_back(addresses[i]);
    } else {
      r.not_mailed.push_back(cat(addresses[i], ": ", i < sent.size() ? sent[i].to_string() : "not sent"));
    }
  }
}

// The report, the e-mails: what the answer says of them goes into `r`.
void finish(const engine::Command& asked, const std::vector<PreRegRow>& requests, PreRegResults& r,
            const IntegrationReportConfig& config, runtime::ShardSet& shards, int64_t now_ms) {
  const auto& options = std::get<engine::IntegratePreRegistrations>(asked.body).options;
  documents::IntegrationReport report{
      now_ms, config.principal_name ? config.principal_name(asked.principal) : std::string(), options, r.results, {}};
  const std::string name = documents::integration_report_file_name(report, asked.key);
  std::error_code ec;
  const bool retried =
      asked.key != 0 && options.report && std::filesystem::exists(std::filesystem::path(config.dir) / name, ec);
  if (options.mail) {
    if (retried) {
      r.not_mailed.push_back(
          cat("every e-mail: sent when request key ", asked.key, " was first answered (its report is there)"));
    } else {
      send_notices(asked, requests, r, config, shards, now_ms);
    }
  }
  if (!options.report) return;
  // Only the requests the results name (a listing may hold more).
  std::unordered_map<uint64_t, bool> named;
  named.reserve(r.results.size());
  for (const PreRegResult& x : r.results) named.emplace(x.id, true);
  for (const PreRegRow& row : requests)
    if (named.count(row.id)) report.requests.push_back(row);
  Result<std::string> pdf = documents::render_integration_report_pdf(report, config.organisation, config.local);
  if (!pdf.is_ok()) {
    r.report_error = pdf.status().message();
    return;
  }
  Result<std::string> path = write_export_file(config.dir, name, *pdf);
  if (path.is_ok()) {
    r.report = *path;
  } else {
    r.report_error = path.status().message();
  }
}

}  // namespace

std::vector<IntegrationNotice> integration_notices(const engine::IntegrationOptions& options,
                                                   const std::vector<PreRegResult>& results,
                                                   const std::vector<PreRegRow>& requests,
                                                   const std::vector<PerformanceCard>& cards) {
  const RowsById rows = by_id(requests);
  const std::set<PerformanceId> booked = booked_performances(results, rows);
  std::map<ContactId, IntegrationNotice> by_contact;
  auto add = [&by_contact](ContactId who, const std::string& role) -> IntegrationNotice& {
    IntegrationNotice& n = by_contact[who];
    n.contact = who;
    n.roles += cat(n.roles.empty() ? "" : ", ", role);
    return n;
  };
  for (const PerformanceCard& c : cards) {
    if (!booked.count(c.performance)) continue;
    if (c.responsible != ContactId{engine::kNone})
      add(c.responsible, cat("responsible of performance ", c.performance)).performances.push_back(c.performance);
    if (c.assistant != ContactId{engine::kNone} && c.assistant != c.responsible)
      add(c.assistant, cat("assistant of performance ", c.performance)).performances.push_back(c.performance);
  }
  if (options.sales_rep != ContactId{engine::kNone})
    for (const PreRegResult& r : results)
      if (r.outcome == PreRegOutcome::kFiled) {
        add(options.sales_rep, "sales representative").leads = true;
        break;
      }
  std::vector<IntegrationNotice> out;
  for (auto& [contact, notice] : by_contact) {
    if (out.size() == engine::kIntegrationMailsMax) break;
    out.push_back(std::move(notice));
  }
  return out;
}

std::string render_integration_mail(const IntegrationNotice& notice, const engine::ContactCard& to,
                                    const std::vector<PreRegResult>& results, const std::vector<PreRegRow>& requests,
                                    const std::vector<PerformanceCard>& cards, const IntegrationReportConfig& config,
                                    int64_t now_ms, uint64_t key) {
  const bool fr = config.local.language() == Language::kFrench;
  const RowsById rows = by_id(requests);
  size_t bookings = 0, files = 0;
  std::string sessions;
  for (PerformanceId p : notice.performances) {
    std::string listed;
    for (const PreRegResult& r : results) {
      if (r.outcome != PreRegOutcome::kBooked) continue;
      const PreRegRow* row = row_of(rows, r.id);
      if (row == nullptr) continue;
      uint64_t units = 0;
      for (const engine::LineRequest& l : row->lines)
        if (l.performance == p) units += l.quantity;
      if (units == 0) continue;
      ++bookings;
      listed += cat("- ", fr ? "demande " : "request ", r.id, "  ", requester_text(row->requester), "  ", units,
                    fr ? " place(s)  commande " : " unit(s)  order ", r.order, " (", engine::order_state_name(r.state),
                    ")\n");
    }
    if (!listed.empty())
      sessions += cat("\n", fr ? "Inscriptions sur la " : "Bookings on ", performance_text(p, cards, config.local, fr),
                      " :\n", listed);
  }
  std::string leads;
  if (notice.leads)
    for (const PreRegResult& r : results) {
      if (r.outcome != PreRegOutcome::kFiled) continue;
      const PreRegRow* row = row_of(rows, r.id);
      ++files;
      leads += cat("- ", fr ? "dossier " : "lead ", r.lead, "  ", row ? requester_text(row->requester) : cat(r.id),
                   row ? cat("  ", sessions_text(row->lines, fr)) : std::string(), "\n");
    }
  if (!leads.empty())
    leads =
        cat("\n", fr ? "Dossiers commerciaux créés pour vous :\n" : "Sales follow-up files filed for you:\n", leads);
  const engine::ContactFields& f = to.record;
  const std::string name = cat(f.first_name, f.first_name.empty() ? "" : " ", f.last_name);
  const std::string subject =
      fr ? cat("Intégration des pré-inscriptions : ", bookings, " inscription(s), ", files, " dossier(s)")
         : cat("Pre-registrations integrated: ", bookings, " booking(s), ", files, " file(s)");
  std::string body = cat(fr ? "Bonjour " : "Hello ", name, ",\n\n",
                         fr ? cat("Des pré-inscriptions ont été intégrées le ", config.local.date_time(now_ms),
                                  ". Vous êtes informé(e) en tant que : ", notice.roles, ".\n")
                            : cat("Pre-registrations were integrated on ", config.local.date_time(now_ms),
                                  ". You are told as: ", notice.roles, ".\n"),
                         sessions, leads);
  const std::string id = cat("<tessera-integration.", key != 0 ? key : static_cast<uint64_t>(now_ms), ".",
                             notice.contact, "@", mail::email_domain(config.mail_from), ">");
  return mail::compose_text_mail({config.organisation.name, config.mail_from, name, f.email, subject, now_ms, id},
                                 body);
}

runtime::ShardSet::Integrated report_integration(const engine::Command& asked, const IntegrationReportConfig& config,
                                                 reminders::ReminderExporter& exporter, runtime::ShardSet& shards,
                                                 const runtime::Clock& clock) {
  const auto& options = std::get<engine::IntegratePreRegistrations>(asked.body).options;
  if (!options.report && !options.mail) return {};
  return [asked, &config, &exporter, &shards, &clock](engine::PreRegPage matched, Reply&& results,
                                                      runtime::Completion* done) {
    const auto* found = results.ok() && results.detail ? std::get_if<PreRegResults>(&results.detail->value) : nullptr;
    if (found == nullptr || found->results.empty()) {
      done->complete(std::move(results));
      return;
    }
    auto state = std::make_shared<std::pair<engine::PreRegPage, Reply>>(std::move(matched), std::move(results));
    const bool queued = exporter.submit_task([state, asked, done, &config, &shards, &clock] {
      Reply out = std::move(state->second);
      PreRegResults r = std::get<PreRegResults>(out.detail->value);
      finish(asked, state->first.rows, r, config, shards, clock.now_ms());
      out.detail = std::make_shared<const engine::ReplyDetail>(engine::ReplyDetail{std::move(r)});
      done->complete(std::move(out));
    });
    if (!queued) {
      Reply out = std::move(state->second);
      PreRegResults r = std::get<PreRegResults>(out.detail->value);
      r.report_error = "the document worker's queue is full: integrate again with the same request key for the report";
      if (std::get<engine::IntegratePreRegistrations>(asked.body).options.mail)
        r.not_mailed.push_back("every e-mail: the document worker's queue is full");
      out.detail = std::make_shared<const engine::ReplyDetail>(engine::ReplyDetail{std::move(r)});
      done->complete(std::move(out));
    }
  };
}

}  // namespace tessera::server
