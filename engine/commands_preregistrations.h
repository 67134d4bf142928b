// Pre-registrations (seed 004, "Récupération des pré-inscriptions"): a web
// shop's validated cart becomes a request the back office checks and
// integrates, and the requests that do not become bookings become sales
// follow-up files ("dossiers commerciaux", here leads).
//
// Where things live. A pre-registration is placed with its stock: each
// shard keeps the part of the request whose performances it owns, with the
// requester as typed, and holds that part's stock at once as an option
// (lifetime: the product's option lifetime on the shop's channel,
// SetOptionLifetime), so integrating it can never oversell. The part on the
// shard of the first line is the home part: it allocates the id, which
// every other part shares, and which a lead made from the request keeps.
// Submission takes two steps when the request spans shards:
//   1. SubmitPreRegistration, on the first line's shard: the home part,
//      logged; the reply names the shards still to place.
//   2. PlacePreRegistration, on each of those shards (the server sends it
//      once 1 is durable): that shard's part.
// The shop's reference (its cart number) names the request on its channel:
// the same reference again answers the same pre-registration and changes
// nothing, so a shop that lost the answer retries safely, and a retry
// places the parts a crash between the steps left out. A part whose stock
// cannot be held is refused and the parts already placed are deleted
// (their stock returns): a pre-registration is held whole or not at all.
//
// Matching (the wizard's "rapprochement") is the contact directory's: the
// server asks it (MatchPreRegistrants) when it lists pending requests and
// when it integrates them. A part keeps only the operator's decision:
// automatic, a contact picked by hand, or no contact (a wrong match
// removed).
//
// Integration (IntegratePreRegistrations) is, per shard, one logged command
// (ApplyPreRegistrations) with an outcome per request: booked (the held
// option becomes the matched contact's option, reservation or confirmed
// order), filed (a lead; the stock returns unless keep_option), or refused
// with the reason (the request stays pending). Each part records the
// request key that integrated it: the same key again answers the same
// outcome and changes nothing, and a crash between two shards' commands
// leaves every part either integrated or pending — a retry completes it.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/commands_orders.h"
#include "engine/ids.h"

namespace tessera::engine {

// A pre-registration's id (also the id of a lead made from it): the home
// shard in the top 8 bits, that shard's sequence below.
constexpr uint64_t make_prereg_id(uint32_t shard, uint64_t seq) { return (uint64_t{shard} << 56) | seq; }
constexpr uint32_t prereg_shard(uint64_t id) { return static_cast<uint32_t>(id >> 56); }

// The requester as typed on the web shop.
struct Requester {
  std::string last_name;
  std::string first_name;
  std::string email;
  std::string phone;
  uint32_t birth_date = 0;  // YYYYMMDD; 0 = not given
  std::string street;
  std::string postcode;
  std::string city;
  std::string country;          // ISO code
  bool authenticated = false;   // signed in on the shop ("client authentifié")
  uint64_t contact_number = 0;  // the client number the shop knows them by (authenticated only)
  auto fields() const {
    return std::tie(last_name, first_name, email, phone, birth_date, street, postcode, city, country, authenticated,
                    contact_number);
  }
  bool operator==(const Requester&) const = default;
};

// A web shop submits a validated cart (reply: PreRegPage, its one row).
// Every line's performance must be on sale on `channel`; the lines are held
// as options, all or nothing.
struct SubmitPreRegistration {
  ChannelId channel{};
  std::string reference;  // the shop's cart reference, unique on the channel (1..kPreRegReferenceMax bytes)
  Requester requester;
  std::vector<LineRequest> lines;
  std::string text;  // the requester's free text (at most kNoteLengthMax bytes)
  auto fields() const { return std::tie(channel, reference, requester, lines, text); }
};

// Internal (the server, step 2): the part of pre-registration `id` on
// `shard` — the lines of `request` whose performance that shard owns.
struct PlacePreRegistration {
  uint32_t shard = 0;
  uint64_t id = 0;
  SubmitPreRegistration request;
  auto fields() const { return std::tie(shard, id, request); }
};

enum class PreRegStatus : uint8_t {
  kPending = 0,  // waiting for the wizard
  kBooked,       // integrated as a booking (order)
  kFiled,        // integrated as a lead
  kDeleted,      // deleted by an operator (stock returned)
};
inline constexpr uint8_t kPreRegStatusLast = static_cast<uint8_t>(PreRegStatus::kDeleted);

// The operator's decision about who the requester is.
enum class MatchMode : uint8_t {
  kAutomatic = 0,  // the directory's match, found when asked
  kContact,        // the contact the operator picked
  kNoContact,      // the operator removed a wrong match: nobody
};
inline constexpr uint8_t kMatchModeLast = static_cast<uint8_t>(MatchMode::kNoContact);

// How a match was found, from the most certain.
enum class MatchBasis : uint8_t {
  kUnmatched = 0,  // no contact
  kOperator,       // picked by hand
  kNumber,         // the authenticated requester's client number
  kEmailAndName,   // same e-mail, last and first name
  kNameBirthDate,  // same last name, first name and birth date
  kEmail,          // same e-mail, another name (a relative's address?)
  kNamePostcode,   // same last name, first name and main postcode
};
inline constexpr uint8_t kMatchBasisLast = static_cast<uint8_t>(MatchBasis::kNamePostcode);
// The confidence shown for a basis, in percent.
constexpr uint32_t match_confidence(MatchBasis b) {
  switch (b) {
    case MatchBasis::kUnmatched:
      return 0;
    case MatchBasis::kOperator:
    case MatchBasis::kNumber:
      return 100;
    case MatchBasis::kEmailAndName:
      return 95;
    case MatchBasis::kNameBirthDate:
      return 90;
    case MatchBasis::kEmail:
      return 60;
    case MatchBasis::kNamePostcode:
      return 70;
  }
  return 0;
}

// Who the requester is, as the wizard shows it.
struct PreRegMatch {
  ContactId contact = kNone;
  uint64_t number = 0;
  std::string name;  // "LAST First" (or the organisation's name)
  MatchBasis basis = MatchBasis::kUnmatched;
  uint32_t confidence = 0;  // percent (match_confidence)
  uint32_t candidates = 0;  // contacts that answered the best rule (> 1: ambiguous, nobody chosen)
  auto fields() const { return std::tie(contact, number, name, basis, confidence, candidates); }
  bool operator==(const PreRegMatch&) const = default;
};

// One pre-registration (its parts merged).
struct PreRegRow {
  uint64_t id = 0;
  ChannelId channel{};
  std::string reference;
  PrincipalId submitted_by{};
  int64_t submitted_ms = 0;
  Requester requester;
  std::string text;
  std::vector<LineRequest> lines;  // every part's
  std::vector<OrderId> orders;     // the options holding them (one per part; none once integrated or deleted)
  PreRegStatus status = PreRegStatus::kPending;
  MatchMode match_mode = MatchMode::kAutomatic;
  PreRegMatch match;                     // the operator's contact, or the directory's match (filled by the server)
  std::vector<uint32_t> missing_shards;  // shards whose part is not placed yet (submission step 2)
  OrderId booked{};                      // kBooked: the order (its first part's)
  uint64_t lead = 0;                     // kFiled: the lead
  int64_t done_ms = 0;                   // when it was integrated or deleted
  PrincipalId done_by{};
  auto fields() const {
    return std::tie(id, channel, reference, submitted_by, submitted_ms, requester, text, lines, orders, status,
                    match_mode, match, missing_shards, booked, lead, done_ms, done_by);
  }
};

struct PreRegPage {
  std::vector<PreRegRow> rows;  // by id
  uint64_t total = 0;           // pre-registrations that match (all pages)
  uint64_t next_after = 0;      // cursor of the next page (0: last page)
  auto fields() const { return std::tie(rows, total, next_after); }
};

// Query: pre-registrations by id after `after`, at most `limit`
// (<= kPreRegRowsMax; 0: the total only, which is the pending count the
// back office's notice shows), in the given statuses (bits 1 << status;
// 0: pending only), of one channel (kNone: every channel). The server fills
// each pending row's match from the directory.
struct ListPreRegistrations {
  uint8_t statuses = 0;
  ChannelId channel{};
  uint64_t after = 0;
  uint32_t limit = 0;
  auto fields() const { return std::tie(statuses, channel, after, limit); }
};

// What a command did to one pre-registration (or lead).
enum class PreRegOutcome : uint8_t {
  kDone = 0,     // matched / unmatched / deleted
  kBooked,       // integrated as order `order`
  kFiled,        // integrated as lead `lead`
  kRefused,      // not integrated: `reason`; still pending
  kNotFound,     // no such pending pre-registration
  kWrongStatus,  // already integrated or deleted (by another request)
};
inline constexpr uint8_t kPreRegOutcomeLast = static_cast<uint8_t>(PreRegOutcome::kWrongStatus);

struct PreRegResult {
  uint64_t id = 0;
  PreRegOutcome outcome = PreRegOutcome::kDone;
  OrderId order{};    // kBooked (the first part's order), or kFiled with keep_option (the option kept)
  uint64_t lead = 0;  // kFiled
  OrderState state = OrderState::kOption;  // kBooked: the order's state
  ContactId contact{};                     // kBooked / kFiled: the contact it went to (kNone: unknown requester)
  std::string reason;                      // kRefused, kNotFound, kWrongStatus
  auto fields() const { return std::tie(id, outcome, order, lead, state, contact, reason); }
};

struct PreRegResults {
  std::vector<PreRegResult> results;  // in the order the command named them
  // An integration's report and information e-mails (the server's, once the
  // integration is durable: server/prereg_report.h); empty otherwise.
  std::string report;                   // the PDF's path ("": not asked, or not written)
  std::string report_error;             // why it was not written
  std::vector<std::string> mailed;      // addresses an information e-mail went to
  std::vector<std::string> not_mailed;  // "who: why" for each that did not
  auto fields() const { return std::tie(results, report, report_error, mailed, not_mailed); }
};

// Sets the operator's match of pre-registrations `ids`: the contact picked
// by hand (mode kContact), nobody (kNoContact: a wrong match removed), or
// back to the directory's (kAutomatic). Pending ones only.
struct SetPreRegistrationMatch {
  std::vector<uint64_t> ids;
  MatchMode mode = MatchMode::kAutomatic;
  ContactId contact{};  // kContact only
  auto fields() const { return std::tie(ids, mode, contact); }
};

// Deletes pending pre-registrations: their options are released (stock
// returns); they stay listed as deleted.
struct DeletePreRegistrations {
  std::vector<uint64_t> ids;
  auto fields() const { return std::tie(ids); }
};

// The seed's three integration methods.
enum class IntegrationMethod : uint8_t {
  kAllFiled = 1,             // every request becomes a lead
  kIdentifiedBooked = 2,     // requests matched to a contact are booked, the others filed
  kAuthenticatedBooked = 3,  // requests of authenticated clients are booked, the others filed
};

// The confirmation level of what is booked ("niveau de confirmation").
enum class IntegrationLevel : uint8_t { kOption = 0, kReservation, kConfirmed };
inline constexpr uint8_t kIntegrationLevelLast = static_cast<uint8_t>(IntegrationLevel::kConfirmed);

struct IntegrationOptions {
  IntegrationMethod method = IntegrationMethod::kAllFiled;
  IntegrationLevel level = IntegrationLevel::kOption;  // methods 2 and 3
  ContactId sales_rep{};     // method 1: the leads' sales representative ("commercial en charge"); kNone: none
  std::string sector;        // method 1: the leads' sector ("rattach secteur"), at most kNameLengthMax bytes
  bool keep_option = false;  // a filed request keeps its stock as an option (default: it returns)
  bool report = true;        // the server writes the integration report as PDF
  bool mail = true;          // the server e-mails the sessions' staff and the files' sales representative
  auto fields() const { return std::tie(method, level, sales_rep, sector, keep_option, report, mail); }
};

// Integrates pending pre-registrations `ids` (empty: every pending one, at
// most kPreRegRowsMax) by `options` (reply: PreRegResults). The client's
// request key makes a retry answer the same results and change nothing.
// Routed to every shard as a query of the parts; the server then matches
// the requesters and sends ApplyPreRegistrations.
struct IntegratePreRegistrations {
  std::vector<uint64_t> ids;
  IntegrationOptions options;
  auto fields() const { return std::tie(ids, options); }
};

// Who one request goes to, as the server resolved it.
struct IntegrationDecision {
  uint64_t id = 0;
  ContactId contact{};  // kNone: unknown (the request is filed under method 2 and 3)
  MatchBasis basis = MatchBasis::kUnmatched;
  auto fields() const { return std::tie(id, contact, basis); }
};

// Internal (the server): integrates each decision's parts on every shard.
// `key`: the client's request key (0: none), recorded on each part.
struct ApplyPreRegistrations {
  uint64_t key = 0;
  IntegrationOptions options;
  std::vector<IntegrationDecision> decisions;
  auto fields() const { return std::tie(key, options, decisions); }
};

// Internal query (the server): the directory's match of each requester.
struct PreRegRequester {
  uint64_t id = 0;
  Requester requester;
  ContactId contact{};  // the operator's pick: its card, basis kOperator (kNone: match the requester)
  auto fields() const { return std::tie(id, requester, contact); }
};
struct MatchPreRegistrants {
  std::vector<PreRegRequester> requests;
  auto fields() const { return std::tie(requests); }
};
struct PreRegMatches {
  std::vector<uint64_t> ids;
  std::vector<PreRegMatch> matches;  // ids[i]'s match
  auto fields() const { return std::tie(ids, matches); }
};

// ---- Leads (sales follow-up files) ----------------------------------------

enum class LeadStatus : uint8_t { kOpen = 0, kWon, kLost };
inline constexpr uint8_t kLeadStatusLast = static_cast<uint8_t>(LeadStatus::kLost);

// A sales follow-up file made from a pre-registration (same id). Each
// shard keeps the part of the request it holds; a list merges them.
struct LeadRow {
  uint64_t id = 0;
  ContactId contact{};  // kNone: an unknown requester
  Requester requester;
  std::string text;
  std::vector<LineRequest> lines;     // the requested sessions
  std::vector<OrderId> kept_options;  // the options kept (keep_option)
  ContactId sales_rep{};
  std::string sector;
  LeadStatus status = LeadStatus::kOpen;
  int64_t created_ms = 0;
  PrincipalId created_by{};
  auto fields() const {
    return std::tie(id, contact, requester, text, lines, kept_options, sales_rep, sector, status, created_ms,
                    created_by);
  }
};

struct LeadPage {
  std::vector<LeadRow> rows;  // by id
  uint64_t total = 0;
  uint64_t next_after = 0;
  auto fields() const { return std::tie(rows, total, next_after); }
};

// Query: leads by id after `after`, at most `limit` (<= kPreRegRowsMax),
// of one sales representative and/or sector (kNone / empty: any), in the
// given statuses (bits 1 << status; 0: every status).
struct ListLeads {
  ContactId sales_rep{};
  std::string sector;
  uint8_t statuses = 0;
  uint64_t after = 0;
  uint32_t limit = 0;
  auto fields() const { return std::tie(sales_rep, sector, statuses, after, limit); }
};

// Closes a lead as won or lost, or opens it again (reply: PreRegResults).
struct SetLeadStatus {
  uint64_t id = 0;
  LeadStatus status = LeadStatus::kOpen;
  auto fields() const { return std::tie(id, status); }
};

}  // namespace tessera::engine
