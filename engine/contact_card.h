// What the contact directory answers: a contact's card (GetContact,
// CreateContact, ChangeContact), a page of quick-search results
// (SearchContacts) and the short cards the runtime fills follow-up rows and
// reminders with (GetContactCards).
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/commands_contacts.h"
#include "engine/ids.h"

namespace tessera::engine {

// One link of a contact, seen from it: `outgoing` is `contact --kind--> other`
// (e.g. "child of" other); otherwise other --kind--> contact ("parent of").
struct ContactLinkView {
  ContactLinkKind kind = ContactLinkKind::kMemberOf;
  bool outgoing = true;
  ContactId other = kNone;
  uint64_t other_number = 0;
  std::string other_name;  // "LAST First"
  auto fields() const { return std::tie(kind, outgoing, other, other_number, other_name); }
};

struct ContactNote {
  int64_t at_ms = 0;
  PrincipalId by = 0;
  std::string text;
  auto fields() const { return std::tie(at_ms, by, text); }
  bool operator==(const ContactNote&) const = default;
};

// A contact as the contact page shows it. `record.iban` is masked (all but
// the country code and the last four characters are '*'). `age` is in whole
// years at the time of the read, -1 when the birth date is unknown.
struct ContactCard {
  ContactId contact = kNone;
  uint64_t number = 0;
  ContactFields record;
  int32_t age = -1;
  int64_t created_ms = 0;
  PrincipalId created_by = 0;
  int64_t modified_ms = 0;
  PrincipalId modified_by = 0;
  int64_t web_account_ms = 0;  // the web account's last change (0: none)
  PrincipalId web_account_by = 0;
  std::vector<ContactLinkView> links;
  std::vector<ContactNote> notes;
  uint64_t profile_seq = 0;  // the types' version handed to the shards
  bool deleted = false;      // DeleteContact's answer: the card as it was
  // MergeContacts' answer: the contact merged into this one, and the
  // profile sequence of its hand-over to the shards.
  ContactId merged_from = kNone;
  uint64_t merged_seq = 0;
  // The names of record.audience and of each of record.criteria (same
  // order; "" for an id no list defines).
  std::string audience_name;
  std::vector<std::string> criteria_names;
  // Client since its first confirmed order (0: a prospect); the
  // seniority indicator counts from it.
  int64_t client_since_ms = 0;
  auto fields() const {
    return std::tie(contact, number, record, age, created_ms, created_by, modified_ms, modified_by, web_account_ms,
                    web_account_by, links, notes, profile_seq, deleted, merged_from, merged_seq, audience_name,
                    criteria_names, client_since_ms);
  }
};

// One search result or short card: enough for a completion line
// ("DUPONT, Chantal | FR-75012 [7611]"), a follow-up row or a reminder.
struct ContactSummary {
  ContactId contact = kNone;
  uint64_t number = 0;
  uint8_t types = 0;
  uint8_t flags = 0;
  std::string last_name;
  std::string first_name;
  std::string email;
  std::string postcode;  // of the main address
  std::string city;
  std::string country;
  std::string line;           // the completion line
  uint32_t audience = 0;      // appended: audience category ("CAT PUB"); 0 = none
  std::string audience_name;  // its name in the organisation's list
  std::string street;         // appended: the main address's lines, ", " between them
  std::string language;       // appended: communication language (ISO 639-1)
  static constexpr size_t kCodecV3Fields = 11;
  auto fields() const {
    return std::tie(contact, number, types, flags, last_name, first_name, email, postcode, city, country, line,
                    audience, audience_name, street, language);
  }
};

struct ContactSearchPage {
  std::vector<ContactSummary> rows;  // exact name match first, then by name, first name, number
  uint64_t total = 0;                // contacts matching (all pages)
  auto fields() const { return std::tie(rows, total); }
};

// What became of one row of an import.
enum class ImportOutcome : uint8_t { kCreated = 0, kUpdated = 1, kUnchanged = 2, kRefused = 3 };

struct ContactImportResult {
  uint32_t file_row = 0;  // the row's number in its file
  ImportOutcome outcome = ImportOutcome::kRefused;
  ContactId contact = kNone;  // created / updated / unchanged: the contact
  uint64_t number = 0;
  std::string reason;        // refused: why (the error of the matching command)
  uint8_t types = 0;         // the contact's types and profile sequence when
  uint64_t profile_seq = 0;  // the row changed them (else 0): the hand-over
  auto fields() const { return std::tie(file_row, outcome, contact, number, reason, types, profile_seq); }
};

struct ContactImportReport {
  std::vector<ContactImportResult> rows;  // in the order of the command's rows
  uint32_t created = 0;
  uint32_t updated = 0;
  uint32_t unchanged = 0;
  uint32_t refused = 0;
  auto fields() const { return std::tie(rows, created, updated, unchanged, refused); }
};

struct ContactCards {
  std::vector<ContactSummary> cards;  // the contacts asked for that exist, in id order
  auto fields() const { return std::tie(cards); }
};

// One entry of a list the organisation defines (DefineContactListEntry).
struct ContactListEntry {
  ContactListKind list = ContactListKind::kAudience;
  uint32_t id = 0;
  std::string name;
  bool retired = false;
  auto fields() const { return std::tie(list, id, name, retired); }
  bool operator==(const ContactListEntry&) const = default;
};

struct ContactLists {
  std::vector<ContactListEntry> entries;  // by list, then id
  auto fields() const { return std::tie(entries); }
};

// One row of an advanced search (the seed's columns NR, RÔLE, NOM, CONTACT
// RELAIS, VILLE, ADRESSE). `role` is public (role_kind 0) or the contact's
// first link from it (child of, relay of, member of, subsidiary of
// `role_of`); `relay` is the contact at the other end of its first relay
// link (an organisation's relay, or the organisation an individual relays).
struct ContactFindRow {
  ContactId contact = kNone;
  uint64_t number = 0;
  uint8_t types = 0;
  uint8_t flags = 0;
  uint8_t role_kind = 0;  // 0: public, else a ContactLinkKind
  ContactId role_of = kNone;
  std::string role_of_name;
  std::string name;  // "LAST First"
  ContactId relay = kNone;
  std::string relay_name;
  std::string city;
  std::string address;  // the main address's lines, ", " between them
  int64_t client_since_ms = 0;
  auto fields() const {
    return std::tie(contact, number, types, flags, role_kind, role_of, role_of_name, name, relay, relay_name, city,
                    address, client_since_ms);
  }
};

struct ContactFindPage {
  std::vector<ContactFindRow> rows;
  uint64_t total = 0;
  auto fields() const { return std::tie(rows, total); }
};

// GetClientMarks' answer, every shard's marks together (by shard, seq).
struct ClientMarks {
  std::vector<ClientMark> marks;
  auto fields() const { return std::tie(marks); }
};

// One row of a contact's history (GetContactActivity), keyed newest first
// by (at_ms, order, item).
//   Cultural: a performance of a confirmed order: at_ms its start, item the
//   performance, quantity and amount the order's units for it; attended
//   when it has started.
//   Mailings: a reminder sent about an order (item: the workflow entry's
//   index in the order's page) or a subscription (order 0, item: the
//   subscription), at_ms when it was sent (a run's reminders: when the run
//   started), by e-mail or in a letter file.
struct ActivityRow {
  int64_t at_ms = 0;
  OrderId order = 0;
  uint64_t item = 0;
  PerformanceId performance = kNone;
  uint32_t quantity = 0;
  uint64_t amount_cents = 0;
  bool attended = false;
  SubscriptionId subscription = 0;
  RunId run = 0;
  uint32_t rank = 0;   // the reminder's rank
  bool email = false;  // mailing by e-mail (else a letter file)
  std::string detail;  // mailing: what was sent, as the order page's workflow says it
  auto fields() const {
    return std::tie(at_ms, order, item, performance, quantity, amount_cents, attended, subscription, run, rank, email,
                    detail);
  }
};

// Confirmed orders of a contact through one sales channel.
struct ChannelUse {
  ChannelId channel = kNone;
  uint32_t orders = 0;
  auto fields() const { return std::tie(channel, orders); }
};

// A level of the PMG indicator, as the organisation defines them (server
// configuration `pmg_tier = NAME:AMOUNT`, e.g. ARGENT:50.00): a contact
// whose average basket reaches from_cents has the tier; of several, the
// highest it reaches.
struct PmgTier {
  std::string name;
  uint64_t from_cents = 0;
  bool operator==(const PmgTier&) const = default;
};

// GetContactActivity's answer. The indicators (seed 001's "Valeur des
// indicateurs") count the contact's confirmed orders:
//   attendance: performances attended (started) and to attend;
//   PMG ("panier moyen global"): spent / confirmed orders, in cents rounded
//   half up, and its tier (pmg_tier: the highest PmgTier reached, "" when
//   none is configured or reached, or without a confirmed order);
//   channels: orders per channel, most used first ("filière"; the
//   kActivityChannelsMax most used);
//   subscriber: subscriptions running now, and the latest end among them.
// Seniority is the card's client_since_ms; membership the card's "member
// of" links.
struct ContactActivity {
  ContactId contact = kNone;
  uint32_t orders_confirmed = 0;
  uint64_t spent_cents = 0;
  uint64_t average_basket_cents = 0;
  uint32_t performances_attended = 0;
  uint32_t performances_to_attend = 0;
  int64_t last_attended_ms = 0;     // start of the latest performance attended (0: none)
  int64_t next_performance_ms = 0;  // start of the next one to attend (0: none)
  std::vector<ChannelUse> channels;
  uint32_t subscriptions_running = 0;
  int64_t subscribed_until_ms = 0;
  ContactHistory history = ContactHistory::kCultural;
  std::vector<ActivityRow> rows;
  uint64_t total = 0;  // rows of that history (every page)
  // The cursor of the next page (next_before_ms 0: this is the last page).
  int64_t next_before_ms = 0;
  OrderId next_before_order = 0;
  uint64_t next_before_item = 0;
  std::string pmg_tier;  // set by the merge (it alone sees the whole average)
  auto fields() const {
    return std::tie(contact, orders_confirmed, spent_cents, average_basket_cents, performances_attended,
                    performances_to_attend, last_attended_ms, next_performance_ms, channels, subscriptions_running,
                    subscribed_until_ms, history, rows, total, next_before_ms, next_before_order, next_before_item,
                    pmg_tier);
  }
};

}  // namespace tessera::engine
