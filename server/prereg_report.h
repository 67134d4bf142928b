// What the server does once an integration of pre-registrations is durable
// (registry effect kIntegratePreRegistrations, after the shards applied
// ApplyPreRegistrations): seed 004's "Options d'intégration" — the
// integration report as PDF and the information e-mails.
//
// On the export worker, never on a shard or an I/O thread, before the
// operator gets the answer:
//   1. the e-mails (options.mail): to each booked session's responsible and
//      assistant (SetPerformanceStaff), the bookings made on the sessions
//      they answer for; to the leads' sales representative (method 1), the
//      files filed for them. One e-mail per person, whatever the number of
//      sessions; people are contacts, their address the directory's.
//   2. the report (options.report): <export_dir>/pre-registrations/
//      integration-<request key>.pdf (or a time-stamped name without a key).
// The answer's PreRegResults then names the PDF (report, or report_error)
// and whom the e-mails reached (mailed) or not, and why (not_mailed: no
// e-mail address, no relay configured, the relay's refusal...). Neither
// undoes the integration: it is durable before they start.
//
// A retry under the same request key answers the same results; its report
// is written again (the same file), and its e-mails are not sent again when
// that report is already there — the e-mails go before the report, so a
// stop between the two sends them again rather than never.
// Thread-safety: the returned hook runs on shard threads and hands its work
// to the worker; it touches only the exporter (thread-safe submit), the
// shard set (call, from the worker) and the immutable config.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/local_time.h"
#include "documents/organisation.h"
#include "engine/command.h"
#include "mail/smtp_client.h"
#include "reminders/reminder_service.h"
#include "runtime/shard_set.h"

namespace tessera::server {

struct IntegrationReportConfig {
  std::string dir;  // where reports go: <export_dir>/pre-registrations (created when needed)
  documents::Organisation organisation;
  LocalTime local;
  std::string mail_from;  // empty, or no relay host: no e-mail (each person is told "not mailed")
  mail::SmtpOptions smtp;
  // The operator's name for the report (the principal's), "" when unknown.
  std::function<std::string(engine::PrincipalId)> principal_name;
};

// One person told of an integration, and what the e-mail lists.
struct IntegrationNotice {
  engine::ContactId contact{};
  std::string roles;                                // "responsible of performance 1000, assistant of performance 1001"
  std::vector<engine::PerformanceId> performances;  // whose bookings it lists
  bool leads = false;                               // the leads filed for them (sales representative)
};

// Who is told of `results`: the staff of every performance a booked request
// holds a line of (`cards`: those performances, as GetPerformance read them)
// and, when options.sales_rep is set and a request was filed, the sales
// representative. By contact, in contact id order; at most
// kIntegrationMailsMax.
std::vector<IntegrationNotice> integration_notices(const engine::IntegrationOptions& options,
                                                   const std::vector<engine::PreRegResult>& results,
                                                   const std::vector<engine::PreRegRow>& requests,
                                                   const std::vector<engine::PerformanceCard>& cards);

// The e-mail's text for `notice` (French when local.language() is French).
std::string render_integration_mail(const IntegrationNotice& notice, const engine::ContactCard& to,
                                    const std::vector<engine::PreRegResult>& results,
                                    const std::vector<engine::PreRegRow>& requests,
                                    const std::vector<engine::PerformanceCard>& cards,
                                    const IntegrationReportConfig& config, int64_t now_ms, uint64_t key);

// The hook ShardSet::integrate_pre_registrations calls with the matched
// requests and the merged results of `asked`. config, exporter and shards
// outlive it.
runtime::ShardSet::Integrated report_integration(const engine::Command& asked, const IntegrationReportConfig& config,
                                                 reminders::ReminderExporter& exporter, runtime::ShardSet& shards,
                                                 const runtime::Clock& clock);

}  // namespace tessera::server
