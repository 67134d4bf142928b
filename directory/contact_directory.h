// ContactDirectory: the contact directory partition (seed 001) — every
// contact record, its links and notes, unique contact numbers, and the quick
// search index. One writer (its runner thread); deterministic like a shard:
// time and principal arrive with each command, so the same log yields the
// same state and state hash. It has its own command log (partition id
// kContactDirectoryPartition), snapshots and recovery.
//
// Inventory shards never hold a copy of a record: after each accepted
// DefineContact / UpdateContact / CreateContact / ChangeContact the runtime
// hands the contact's number and types to every shard (SetContactProfile,
// logged there) with the record's profile sequence; a shard ignores an older
// sequence, so the runtime resends what a shard lacks after a crash
// (profiles_newer_than). Names and e-mails reach follow-up rows and
// reminders through GetContactCards, a read at query time.
//
// DeleteContact empties a record's slot (StoredContact::deleted) and hands
// `deleted` to the shards; MergeContacts does the same to the duplicate,
// moves its links and notes to the survivor, and hands `merged_into` over
// (each shard then moves the duplicate's orders, in one logged command); the runtime (runtime/shard_set_contacts.cc)
// first freezes the contact on every shard and deletes only when no live
// order or running subscription names it.
//
// Every contact's cashback lives here too (directory/cashback_ledger.h):
// credits, the claims orders take (ClaimCashback) and their returns
// (ReturnCashback, pumped from the shards like the client marks); a merge
// moves the duplicate's cashback to the survivor, and a contact with
// cashback left is not deleted.
//
// Lists the organisation defines (criteria, audience categories) live here
// too (DefineContactListEntry), and so does whether a contact is a client:
// each shard marks a contact at its first confirmed order there (logged on
// the shard), and the runtime's client pump reads the marks
// (GetClientMarks) and logs them here (NoteContactClients), with the last
// mark taken per shard, so a mark read twice changes nothing and the next
// start reads what a crash cut off.
//
// Invariants: ids and numbers are unique; every link joins two contacts of
// the kinds its kind allows; kChildOf and kSubsidiaryOf have no cycle; each
// contact is in exactly one of the two search indexes (valid / invalid).
// Thread-safety: none; owned by its runner thread (or by recovery).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "base/status.h"
#include "directory/address_index.h"
#include "directory/cashback_ledger.h"
#include "directory/compact_holders.h"
#include "directory/contact_index.h"
#include "directory/contact_record.h"
#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/contact_card.h"
#include "engine/idempotency.h"
#include "engine/limits.h"
#include "engine/order_history.h"
#include "engine/reply.h"

namespace tessera::directory {

using engine::ContactId;
using engine::Reply;

// The directory's partition id in the command log (after every shard's).
inline constexpr uint32_t kContactDirectoryPartition = engine::kShardsMax;

struct DirectoryStats {
  uint64_t contacts = 0;
  uint64_t invalid = 0;
  uint64_t links = 0;
  uint64_t commands_applied = 0;
};

// One contact as stored: the typed record packed with the engine codec
// (about half the size of the unpacked struct), plus what the directory
// itself stamps.
// 72 bytes: members declared by size (the four 4-byte ids together, no
// padding), the record and the notes behind one pointer each
// (compact_holders.h); fields() keeps the order, and the codec the bytes,
// that snapshots and the state hash have always had.
struct StoredContact {
  ContactId contact = engine::kNone;
  engine::PrincipalId created_by = 0;
  engine::PrincipalId modified_by = 0;
  engine::PrincipalId web_account_by = 0;
  uint64_t number = 0;
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
  int64_t web_account_ms = 0;
  uint64_t profile_seq = 0;
  PackedBytes packed;  // engine::encode(ContactFields)
  RareVector<engine::ContactNote> notes;
  // A deleted contact keeps its slot, number 0 and nothing else but its
  // id, times and profile sequence: the id is never given again, and the
  // shards learn of the deletion through the profile (resent after a crash).
  bool deleted() const { return number == 0; }
  auto fields() const {
    return std::tie(contact, number, packed, created_ms, created_by, modified_ms, modified_by, web_account_ms,
                    web_account_by, profile_seq, notes);
  }
};
static_assert(sizeof(StoredContact) == 72, "a million contacts: keep the slot small");

// The typed record of a stored contact (stored records always decode).
engine::ContactFields unpack(const StoredContact& c);
// The same, read in place (views into c.packed: valid until it changes).
ContactFieldsView view(const StoredContact& c);

// A client and the time of its first confirmed order (a snapshot row).
struct ClientSince {
  ContactId contact = engine::kNone;
  int64_t since_ms = 0;
  auto fields() const { return std::tie(contact, since_ms); }
};

// A contact merged into another (MergeContacts): the duplicate's slot is
// deleted; this says where its orders went.
struct MergedContact {
  ContactId duplicate = engine::kNone;
  ContactId survivor = engine::kNone;
  auto fields() const { return std::tie(duplicate, survivor); }
};

struct StoredLink {
  ContactId from = engine::kNone;
  engine::ContactLinkKind kind = engine::ContactLinkKind::kMemberOf;
  ContactId to = engine::kNone;
  auto fields() const { return std::tie(from, kind, to); }
  auto key() const { return std::tuple(from.value(), kind, to.value()); }
  bool operator<(const StoredLink& o) const { return key() < o.key(); }
};

class ContactDirectory {
 public:
  using Stats = DirectoryStats;

  explicit ContactDirectory(int64_t start_ms = 0);
  ContactDirectory(const ContactDirectory&) = delete;
  ContactDirectory& operator=(const ContactDirectory&) = delete;

  uint32_t shard_id() const { return kContactDirectoryPartition; }  // the runner's partition id
  int64_t now_ms() const { return now_ms_; }

  // Applies one command at time now_ms (the time of a command never goes
  // back). Commands of other partitions are refused (InvalidArgument).
  Reply apply(const engine::Command& command, int64_t now_ms);
  // The directory is never part of a catalog broadcast.
  Reply prepare(const engine::Command& command) const;

  // The records whose profile sequence is newer than `seq_of(contact)`:
  // what a shard that has `seq_of` lacks (resent after a crash).
  template <typename SeqOf>
  std::vector<engine::SetContactProfile> profiles_newer_than(SeqOf&& seq_of) const {
    std::vector<engine::SetContactProfile> out;
    for (const StoredContact& c : contacts_.items())
      if (c.profile_seq > static_cast<uint64_t>(seq_of(c.contact))) out.push_back(profile_of(c));
    return out;
  }

  // The last client mark taken from each shard (the pump asks for later ones).
  const std::vector<uint64_t>& client_marks_taken() const { return client_marks_taken_; }
  // Likewise, the last cashback return taken from each shard.
  const std::vector<uint64_t>& cashback_returns_taken() const { return cashback_.returns_taken(); }
  // When `id` became a client (0: a prospect, or unknown).
  int64_t client_since(ContactId id) const;

  // Contacts held (deleted ones not counted).
  size_t size() const { return contacts_.size() - deleted_; }
  bool knows(ContactId id) const { return find(id) != nullptr; }
  DirectoryStats stats() const;
  // Bytes held by records and indexes (for the memory benchmark).
  size_t memory_bytes() const;

  uint64_t state_hash() const;
  Status check_invariants() const;
  void save(std::string* out) const;
  static Result<std::unique_ptr<ContactDirectory>> load(std::string_view bytes);

  // The runner's history hooks: the directory closes no order.
  void keep_history(bool) {}
  void take_history(std::vector<engine::HistoryWrite>*) {}

 private:
  template <typename T>
  Reply on(const T& c, const engine::Caller& who);
  Reply define(const engine::DefineContact& c, const engine::Caller& who);
  Reply update(const engine::UpdateContact& c, const engine::Caller& who);
  Reply create(const engine::CreateContact& c, const engine::Caller& who);
  // CreateContact's checks and insertion: OK with the new contact in
  // `created`, or the refusal. create() answers its card; an import row
  // reads four fields and skips the card (a decode and an allocation a row).
  Reply insert(engine::CreateContact c, const engine::Caller& who, StoredContact** created);
  Reply change(const engine::ChangeContact& c, const engine::Caller& who);
  Reply link(const engine::LinkContacts& c);
  Reply add_note(const engine::AddContactNote& c, const engine::Caller& who);
  Reply remove(const engine::DeleteContact& c, const engine::Caller& who);
  Reply merge(const engine::MergeContacts& c, const engine::Caller& who);  // contact_links.cc
  // contact_lists.cc: the organisation's lists and the client marks.
  Reply define_list_entry(const engine::DefineContactListEntry& c);
  Reply lists(const engine::GetContactLists& c) const;
  // The refusal of a record naming a criterion or audience category its
  // lists do not offer (`before`: the record it replaces, whose ids it
  // keeps even if retired or given before the list existed), else Ok.
  Reply check_lists(const engine::ContactFields& record, const engine::ContactFields* before) const;
  const engine::ContactListEntry* list_entry(engine::ContactListKind list, uint32_t id) const;
  bool list_defined(engine::ContactListKind list) const;
  Reply note_clients(const engine::NoteContactClients& c);
  // Moves the duplicate's client time to the survivor (the earlier one stays).
  void merge_client(const StoredContact& duplicate, const StoredContact& survivor);
  int64_t& client_slot(const StoredContact& c);
  // A stored contact's slot in contacts_ (dense, unlike ids a client may
  // choose): the key of the address index.
  uint32_t slot_of(const StoredContact& c) const { return static_cast<uint32_t>(&c - contacts_.items().data()); }
  std::vector<ClientSince> clients() const;                  // in slot order (snapshots, the hash)
  Reply find_contacts(const engine::FindContacts& c) const;  // contact_find.cc
  engine::ContactFindRow find_row(const StoredContact& c) const;
  // Calls f(other) for each contact at the other end of a relay link of
  // `id`, either way, until f returns true; returns whether one did.
  template <typename F>
  bool any_relay_partner(ContactId id, F&& f) const {
    for (const auto* links : {&links_, &links_in_})
      for (auto it = links->lower_bound(StoredLink{id, engine::ContactLinkKind::kRelayOf, ContactId{0}});
           it != links->end() && it->from == id && it->kind == engine::ContactLinkKind::kRelayOf; ++it)
        if (f(it->to)) return true;
    return false;
  }
  // The survivor `id` was merged into (kNone: not merged).
  ContactId merged_into(ContactId id) const;
  // `id` if it exists, else the contact it was merged into, through every
  // later merge (kNone: deleted or unknown).
  ContactId current(ContactId id) const;
  // NotFound for `id`: "was deleted", "was merged into S" or "not found".
  Reply missing(ContactId id) const;
  // CheckSponsor (engine/commands_sponsorship.h): the claim granted (a
  // SponsorUse detail) or refused.
  Reply check_sponsor(const engine::SponsorClaim& claim) const;
  // MatchPreRegistrants: who each requester is (contact_import.cc).
  Reply match_requesters(const engine::MatchPreRegistrants& c) const;
  // Empties the slot of a contact that goes (deleted or merged): its
  // indexes, record and notes; a new profile sequence for the hand-over.
  void retire(StoredContact& c, const engine::Caller& who);
  // Removes every link of `id` (both directions) and returns them.
  std::vector<StoredLink> unlink_all(ContactId id);
  Reply get(const engine::GetContact& c) const;
  Reply search(const engine::SearchContacts& c) const;
  Reply cards(const engine::GetContactCards& c) const;
  Reply import(const engine::ImportContacts& c, const engine::Caller& who);  // contact_import.cc
  engine::ContactImportResult import_row(const engine::ContactImportRow& row, uint32_t columns,
                                         const engine::Caller& who);
  // Results scanned when matching a row without a number (per index).
  static constexpr uint32_t kMatchScanMax = 1'000;
  StoredContact* match(const engine::ContactFields& row, uint32_t columns, std::string* ambiguity);

  // Stores a new record (checked by the caller); returns it.
  StoredContact& add(ContactId id, uint64_t number, const engine::ContactFields& record, const engine::Caller& who);
  // Replaces a record's fields (and number), keeping the indexes in step.
  void replace(StoredContact& c, uint64_t number, const engine::ContactFields& record, const engine::Caller& who);
  Reply check_number(uint64_t number, ContactId owner) const;
  Reply check_links_fit(ContactId contact, uint8_t types) const;
  bool reaches(ContactId from, engine::ContactLinkKind kind, ContactId to) const;
  void index(const StoredContact& c, const engine::ContactFields& record);
  void unindex(const StoredContact& c, const engine::ContactFields& record);
  Reply card_reply(const StoredContact& c) const;
  engine::ContactCard card_of(const StoredContact& c) const;
  engine::ContactSummary summary_of(const StoredContact& c) const;
  // The summaries of a page of contacts (ids from the index: all present).
  // Each row costs three dependent cache misses (the id's hash slot, the
  // contact's slot, its packed record); the page loads them a stage at a
  // time over every row, so a stage's misses overlap.
  std::vector<engine::ContactSummary> summaries_of(const std::vector<uint32_t>& keys) const;
  engine::SetContactProfile profile_of(const StoredContact& c) const;
  std::string display_name(ContactId id) const;
  // The contact `id` (nullptr when unknown or deleted).
  const StoredContact* find(ContactId id) const {
    const StoredContact* c = contacts_.find(id);
    return c != nullptr && !c->deleted() ? c : nullptr;
  }
  StoredContact* find(ContactId id) { return const_cast<StoredContact*>(std::as_const(*this).find(id)); }
  // Refuses an id a contact has or had (Duplicate).
  Reply check_id_free(ContactId id) const;
  // The contact with this number, through the search indexes' number
  // sequences (no map of its own: 50 bytes a contact less).
  const StoredContact* find_number(uint64_t number) const;
  StoredContact* find_number(uint64_t number) {
    return const_cast<StoredContact*>(std::as_const(*this).find_number(number));
  }
  [[nodiscard]] Status rebuild();

  int64_t now_ms_ = 0;
  engine::EntityTable<ContactId, StoredContact> contacts_;
  std::vector<MergedContact> merges_;  // by duplicate
  std::set<StoredLink> links_;         // from --kind--> to
  std::set<StoredLink> links_in_;      // derived: the same links keyed (to, kind, from)
  ContactIndex valid_index_;           // derived
  ContactIndex invalid_index_;         // derived: contacts marked invalid
  AddressIndex addresses_;             // derived: main addresses (both indexes' contacts)
  engine::IdempotencyTable idempotency_;
  uint32_t next_id_ = 1;
  uint64_t next_number_ = 1;
  uint64_t next_profile_seq_ = 1;
  uint64_t commands_applied_ = 0;
  size_t deleted_ = 0;                           // derived: deleted slots in contacts_
  std::vector<engine::ContactListEntry> lists_;  // by (list, id)
  std::vector<int64_t> client_since_;            // by slot of contacts_ (0: prospect); may be shorter
  std::vector<uint64_t> client_marks_taken_;     // by shard
  CashbackLedger cashback_;                      // directory/cashback_ledger.h
};

// The hand-over to the shards an accepted reply of the directory calls for:
// SetContactProfile for a card (DefineContact ... ChangeContact),
// SetContactProfiles for the contacts an import created or whose types it
// changed; nullopt when there is none.
std::optional<engine::CommandBody> profile_hand_over(const engine::Reply& reply);

}  // namespace tessera::directory
