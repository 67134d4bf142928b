// Contact directory commands (seed 001): the full contact record, links
// between contacts, notes, read-back and quick search. They are applied by
// the contact directory partition (directory/contact_directory.h), never by
// an inventory shard; shards receive only what their filters need, the
// contact's types, through SetContactProfile (a logged hand-over).
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/ids.h"

namespace tessera::engine {

// One address of a contact's address book.
enum class AddressKind : uint8_t { kMain = 0, kDelivery = 1, kBilling = 2 };
inline constexpr uint8_t kAddressKindLast = 2;

struct ContactAddress {
  AddressKind kind = AddressKind::kMain;
  std::string lines;  // street lines, '\n' between them (at most kAddressLinesMax)
  std::string postcode;
  std::string city;
  std::string department;
  std::string region;
  std::string country;  // ISO 3166-1 alpha-2 ("FR")
  auto fields() const { return std::tie(kind, lines, postcode, city, department, region, country); }
  bool operator==(const ContactAddress&) const = default;
};

// To whom the e-mails of a minor's orders go.
enum class MinorsEmailTo : uint8_t { kClient = 0, kLegalRepresentative = 1, kBoth = 2 };

// Flags of a contact record.
enum ContactFlag : uint8_t {
  kContactInvalid = 1,     // "non valide": kept, hidden from searches unless asked
  kContactAmbassador = 2,  // "ambassadeur"
  kContactLitigious = 4,   // shown in red on the order page (seed 003)
};
inline constexpr uint8_t kContactFlagsAll = 7;

// Everything the back office types about a contact. Exactly one of
// individual / organisation in `types` (engine/commands_back_office.h).
struct ContactFields {
  uint8_t types = 0;
  std::string civility;  // "M.", "Mme", ... (an individual's civility is required)
  std::string last_name;
  std::string first_name;
  uint32_t birth_date = 0;  // YYYYMMDD; 0 = unknown
  std::string function;
  std::string mobile;  // with its country code: "+33 6 12 34 56 78"
  std::string phone;
  std::string fax;
  std::string email;
  std::string language;   // communication language, ISO 639-1 ("fr")
  std::string web_login;  // web account login; empty = no web account
  uint32_t audience = 0;  // audience category ("CAT PUB"); 0 = none
  MinorsEmailTo minors_email_to = MinorsEmailTo::kClient;
  std::string preferred_seats;
  uint8_t flags = 0;         // ContactFlag bits
  std::string admin_number;  // an organisation's administrative number (SIRET)
  std::string reference_code;
  std::string iban;                       // stored whole, shown masked
  std::vector<ContactAddress> addresses;  // at most one of each kind
  std::vector<uint32_t> criteria;         // criteria the organisation defines
  auto fields() const {
    return std::tie(types, civility, last_name, first_name, birth_date, function, mobile, phone, fax, email, language,
                    web_login, audience, minors_email_to, preferred_seats, flags, admin_number, reference_code, iban,
                    addresses, criteria);
  }
  bool operator==(const ContactFields&) const = default;
};

// Creates a contact. `contact` 0 = the directory allocates the id, `number`
// 0 = it allocates the number (unique; a number in use is refused).
// `web_account` creates the web account with the e-mail as its login.
// `organisation` (optional) links the new individual as a member of that
// organisation and, with `use_organisation_address`, copies its main address.
struct CreateContact {
  ContactId contact = kNone;
  uint64_t number = 0;
  ContactFields record;
  bool web_account = false;
  ContactId organisation = kNone;
  bool use_organisation_address = false;
  auto fields() const { return std::tie(contact, number, record, web_account, organisation, use_organisation_address); }
};

// Replaces every typed field of a contact (its number, links, notes and
// history stay).
struct ChangeContact {
  ContactId contact = kNone;
  ContactFields record;
  auto fields() const { return std::tie(contact, record); }
};

// How one contact relates to another (seed 001 "rôles"); the allowed pairs:
//   kChildOf       individual -> individual (child of a parent)
//   kRelayOf       individual -> organisation (its point of contact)
//   kMemberOf      individual -> organisation
//   kSubsidiaryOf  organisation -> organisation (parent organisation)
// No cycles of kChildOf or kSubsidiaryOf; a contact with no link is "public".
enum class ContactLinkKind : uint8_t { kChildOf = 1, kRelayOf = 2, kMemberOf = 3, kSubsidiaryOf = 4 };
inline constexpr uint8_t kContactLinkKindLast = 4;

// Adds (or with `remove`, removes) the link `contact` --kind--> `other`.
struct LinkContacts {
  ContactId contact = kNone;
  ContactId other = kNone;
  ContactLinkKind kind = ContactLinkKind::kMemberOf;
  bool remove = false;
  auto fields() const { return std::tie(contact, other, kind, remove); }
};

// A free note on the contact, stamped with time and author.
struct AddContactNote {
  ContactId contact = kNone;
  std::string text;
  auto fields() const { return std::tie(contact, text); }
};

// Reads one contact, by id or (contact 0) by number.
struct GetContact {
  ContactId contact = kNone;
  uint64_t number = 0;
  auto fields() const { return std::tie(contact, number); }
};

// Quick search on name, first name, number or e-mail (docs/protocol.md,
// "Contact search"): a page of `limit` (0 = 20) from `offset`, with the
// exact total. `with_invalid` includes contacts marked invalid.
struct SearchContacts {
  std::string query;
  uint32_t offset = 0;
  uint32_t limit = 0;
  bool with_invalid = false;
  auto fields() const { return std::tie(query, offset, limit, with_invalid); }
};

// Internal: the directory hands a contact's types over to every inventory
// shard (their follow-up filters need them). `seq` is the directory's
// profile sequence: a shard keeps the newest it has seen per contact and
// ignores an older one, so the hand-over can be resent after a crash.
// `deleted`: the contact was deleted (DeleteContact) or merged into
// `merged_into` (MergeContacts); the shard takes no more orders or
// subscriptions for it, for good, and a merge gives its orders,
// subscriptions and closed-order history to `merged_into` in the same
// logged command.
struct SetContactProfile {
  ContactId contact = kNone;
  uint64_t number = 0;
  uint8_t types = 0;
  uint64_t seq = 0;
  bool deleted = false;           // appended (codec v4): older records read false
  ContactId merged_into = kNone;  // appended likewise
  auto fields() const { return std::tie(contact, number, types, seq, deleted, merged_into); }
};

// The fields an import file maps (ImportContacts::columns): which fields
// of an existing contact a row replaces. The address columns are those of
// the main address.
enum ContactColumn : uint32_t {
  kColumnTypes = 1u << 0,
  kColumnCivility = 1u << 1,
  kColumnLastName = 1u << 2,
  kColumnFirstName = 1u << 3,
  kColumnBirthDate = 1u << 4,
  kColumnFunction = 1u << 5,
  kColumnMobile = 1u << 6,
  kColumnPhone = 1u << 7,
  kColumnFax = 1u << 8,
  kColumnEmail = 1u << 9,
  kColumnLanguage = 1u << 10,
  kColumnAudience = 1u << 11,
  kColumnAdminNumber = 1u << 12,
  kColumnReferenceCode = 1u << 13,
  kColumnIban = 1u << 14,
  kColumnAddressLines = 1u << 15,
  kColumnPostcode = 1u << 16,
  kColumnCity = 1u << 17,
  kColumnDepartment = 1u << 18,
  kColumnRegion = 1u << 19,
  kColumnCountry = 1u << 20,
};
inline constexpr uint32_t kContactColumnsAll = (1u << 21) - 1;
inline constexpr uint32_t kContactAddressColumns =
    kColumnAddressLines | kColumnPostcode | kColumnCity | kColumnDepartment | kColumnRegion | kColumnCountry;

// One row of an import file. `record` holds the mapped columns (the address
// ones in a single main address); the others are empty.
struct ContactImportRow {
  uint32_t file_row = 0;  // the row's number in its file (the header is row 1), echoed in its outcome
  uint64_t number = 0;    // 0: none in the file
  ContactFields record;
  auto fields() const { return std::tie(file_row, number, record); }
};

// Imports rows of an external file (docs/protocol.md, "Contact import"),
// each on its own: a row whose number is a contact's updates the mapped
// columns of that contact (an empty cell leaves its field as it is); a row
// with an unknown number creates a contact
// with it; a row without a number is the contact of equal name, first name
// and e-mail (or birth date, or postcode, when the file has no e-mail) if
// exactly one exists, else a new contact. A re-run of the same file changes
// nothing (every row "unchanged"). At most kContactImportRowsMax rows.
struct ImportContacts {
  uint32_t columns = 0;  // ContactColumn bits: what the file maps
  std::vector<ContactImportRow> rows;
  auto fields() const { return std::tie(columns, rows); }
};

// Internal: SetContactProfile for many contacts at once (after an import).
struct SetContactProfiles {
  std::vector<SetContactProfile> profiles;
  auto fields() const { return std::tie(profiles); }
};

// Internal: names, e-mail and postal address of some contacts, for the
// follow-up rows and reminders the shards answered with ids only.
struct GetContactCards {
  std::vector<ContactId> contacts;
  auto fields() const { return std::tie(contacts); }
};

// Deletes a contact: its record, links and notes leave the directory; its
// id and number are never given to another contact by the server (a number
// given explicitly may be reused). Refused (InvalidState) while the contact
// has live orders (held, option, reservation, overdue, confirmed) or
// subscriptions running on any shard: the server freezes the contact on
// every shard (FreezeContact), counts, and deletes only at zero, so no order
// slips in between. Closed orders stay in the history under the contact's
// id (PurgeOrderHistory erases them). Reply: the card as it was, with
// `deleted` set.
struct DeleteContact {
  ContactId contact = kNone;
  auto fields() const { return std::tie(contact); }
};

// Merges two records of the same person or organisation: `duplicate`
// goes, and its orders (live and closed), subscriptions, links and notes
// follow `survivor`, whose own fields stay as they are. Both must exist and
// be of the same kind (individual / organisation). The directory logs the
// merge, then hands it to every shard (SetContactProfile with
// merged_into), each of which moves what names the duplicate in one logged
// command; a kill -9 midway is finished by the next start. Links that would
// not fit the survivor (a link to itself, a second parent organisation, a
// cycle) are dropped. Reply: the survivor's card, with merged_from set.
struct MergeContacts {
  ContactId survivor = kNone;
  ContactId duplicate = kNone;
  auto fields() const { return std::tie(survivor, duplicate); }
};

// Internal, logged on every shard: freezes a contact (new orders and
// subscriptions for it refused) and answers its live orders and running
// subscriptions on the shard (Reply::value, summed over the shards), or
// thaws one freeze, or (kThawAll, at start) every freeze of it. Freezes
// nest: two deletions at once each hold one.
enum class FreezeAction : uint8_t { kFreeze = 0, kThaw = 1, kThawAll = 2 };
inline constexpr uint8_t kFreezeActionLast = 2;
struct FreezeContact {
  ContactId contact = kNone;
  FreezeAction action = FreezeAction::kFreeze;
  auto fields() const { return std::tie(contact, action); }
};

// The lists the organisation defines for its contacts (seed 001): the
// criteria an individual may carry, those an organisation may carry, and
// the audience categories (the follow-up screen's "CAT PUB").
enum class ContactListKind : uint8_t { kIndividualCriterion = 0, kOrganisationCriterion = 1, kAudience = 2 };
inline constexpr uint8_t kContactListKindLast = 2;

// Defines one entry of such a list, renames it (same id), or with `retired`
// withdraws it: a retired entry stays on the contacts that carry it and
// keeps its name, but is no longer given to a contact. Once a list has an
// entry, CreateContact, ChangeContact and ImportContacts accept only its
// entries (criteria of the contact's kind; audience 0 = none); a list with
// no entry yet accepts any id, as before lists existed. Names are unique
// within a list (case and accents ignored).
struct DefineContactListEntry {
  ContactListKind list = ContactListKind::kAudience;
  uint32_t id = 0;  // 1 or more
  std::string name;
  bool retired = false;
  auto fields() const { return std::tie(list, id, name, retired); }
};

// Reads the three lists (ContactLists), retired entries included when asked.
struct GetContactLists {
  bool with_retired = false;
  auto fields() const { return std::tie(with_retired); }
};

// Whether an advanced search wants contacts with an IBAN, without, or both.
enum class IbanFilter : uint8_t { kAny = 0, kWith = 1, kWithout = 2 };
inline constexpr uint8_t kIbanFilterLast = 2;

// The advanced search (seed 001's "Recherche avancée"): every criterion
// given must hold (docs/protocol.md, "Advanced contact search"). Text is
// compared folded (case and accents ignored); empty text, 0 and kNone
// leave a criterion out. Results ordered by last name, first name, number;
// a page of `limit` (0 = 20) from `offset` with the exact total.
struct FindContacts {
  uint8_t types = 0;  // "nature": contacts with every one of these type bits
  std::string name;   // the quick search's name forms: prefix, '*' pattern, "Last, First"
  uint64_t number = 0;
  std::string relay;     // prefix of the name at the other end of a relay link
  std::string phone;     // digits a mobile, phone or fax number ends with (4 or more)
  std::string email;     // prefix of the e-mail address
  std::string country;   // of the main address (ISO code)
  std::string postcode;  // prefix, main address
  std::string city;      // prefix, main address
  bool with_invalid = false;
  bool with_prospects = true;  // false: clients only (a confirmed order)
  bool with_relays = true;     // false: no individual that relays an organisation
  std::string admin_number;    // equal, spaces ignored
  uint32_t criterion = 0;      // carries this criterion
  IbanFilter iban = IbanFilter::kAny;
  std::string reference_code;                              // equal, case ignored
  ContactLinkKind link_kind = ContactLinkKind::kMemberOf;  // with linked_to: "connexion de type ... avec le contact"
  ContactId linked_to = kNone;                             // a link of link_kind with it, either way
  bool ambassadors_only = false;
  uint32_t offset = 0;
  uint32_t limit = 0;
  auto fields() const {
    return std::tie(types, name, number, relay, phone, email, country, postcode, city, with_invalid, with_prospects,
                    with_relays, admin_number, criterion, iban, reference_code, link_kind, linked_to, ambassadors_only,
                    offset, limit);
  }
};

// Which history of a contact GetContactActivity pages (seed 001's
// "historiques"; the purchase history is ListOrders of the contact, the
// financial one comes with payments).
enum class ContactHistory : uint8_t { kCultural = 0, kMailings = 1 };
inline constexpr uint8_t kContactHistoryLast = 1;

// Query, every shard: the contact's indicators computed from its ticketing
// activity, and one page of one of its histories, newest first
// (docs/protocol.md, "Contact activity"). The cursor is the (at_ms, order,
// item) of the last row of the previous page (ContactActivity::next_*);
// before_ms 0 starts from the newest. A page of `limit` (0 = 20, at most
// kContactSearchRowsMax) with the exact total.
struct GetContactActivity {
  ContactId contact = kNone;
  ContactHistory history = ContactHistory::kCultural;
  int64_t before_ms = 0;
  OrderId before_order = 0;
  uint64_t before_item = 0;
  uint32_t limit = 0;
  auto fields() const { return std::tie(contact, history, before_ms, before_order, before_item, limit); }
};

// A contact became a client on a shard: its first confirmed order there,
// at `since_ms`. `seq` numbers the shard's marks from 1.
struct ClientMark {
  uint32_t shard = 0;
  uint64_t seq = 0;
  ContactId contact = kNone;
  int64_t since_ms = 0;
  auto fields() const { return std::tie(shard, seq, contact, since_ms); }
  bool operator==(const ClientMark&) const = default;
};

// Internal query, every shard: its client marks after `after[shard]`
// (a missing entry is 0), at most kClientMarksPerReplyMax of them.
struct GetClientMarks {
  std::vector<uint64_t> after;
  auto fields() const { return std::tie(after); }
};

// Internal, logged by the directory: contacts that became clients (the
// marks GetClientMarks read, in seq order per shard). The directory keeps
// the earliest time per contact and, per shard, the last seq it took, so a
// mark sent twice changes nothing.
struct NoteContactClients {
  std::vector<ClientMark> marks;
  auto fields() const { return std::tie(marks); }
};

}  // namespace tessera::engine
