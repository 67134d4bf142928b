// Contacts: the people and organisations orders and subscriptions refer to
// (number, name, first name, email, types), as the back office needs them
// for follow-up rows, contact-type filters and reminder emails.
//
// The contact directory (directory/contact_directory.h) owns contact
// records. A shard keeps only what its filters need: each contact's number
// and types, handed over by SetContactProfile with the directory's profile
// sequence (a shard applies a hand-over only if it is newer than the one it
// has, so the directory may resend after a crash). Names and e-mails of
// follow-up rows and reminders come from the directory at query time.
// Records defined by DefineContact before the directory existed (logged on
// every shard) are still replayed here with their names. An order may name a
// contact id that has no record yet: its rows show no name and it matches no
// contact-type filter.
//
// A contact being deleted is frozen (FreezeContact, logged: freezes nest)
// and a deleted or merged one closed for good (SetContactProfile::deleted):
// either way check_open refuses the orders and subscriptions that would
// name it. What a merge moves (orders, subscriptions, history) the Shard
// moves (Shard::set_profile).
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "engine/catalog.h"
#include "engine/command.h"
#include "engine/hash.h"
#include "engine/limits.h"

namespace tessera::engine {

struct Contact {
  DefineContact record;
  std::string display_name() const {
    return record.first_name.empty() ? record.last_name : cat(record.last_name, " ", record.first_name);
  }
  auto fields() const { return std::tie(record); }
};

class ContactBook {
 public:
  // check(c): the reply define/update(c) would give, changing nothing.
  Reply check(const DefineContact& c) const;
  Reply check(const UpdateContact& c) const;
  Reply define(const DefineContact& c);
  Reply update(const UpdateContact& c);
  Reply check(const SetContactProfile& c) const;
  // The profile (older than the one applied: no change, no error). The
  // Shard applies SetContactProfile(s) through it (Shard::set_profile).
  Reply set_profile(const SetContactProfile& c);
  // Each profile as SetContactProfile, all or none refused.
  Reply check(const SetContactProfiles& c) const;
  // The profile sequence last applied for `contact` (0: none).
  uint64_t profile_seq(ContactId contact) const;
  struct ProfileSeq {
    ContactId contact;
    uint64_t seq;
    auto fields() const { return std::tie(contact, seq); }
  };
  // By contact id; a snapshot section and part of the hash when not empty.
  const std::vector<ProfileSeq>& profile_seqs() const { return profile_seqs_; }
  std::vector<ProfileSeq>& profile_seqs() { return profile_seqs_; }
  // A contact being deleted (frozen) or deleted: `freezes` pending
  // deletions, or `deleted` (merged into `merged_into` when not kNone).
  // Entries with neither are removed.
  struct ClosedContact {
    ContactId contact;
    uint32_t freezes = 0;
    bool deleted = false;
    ContactId merged_into = kNone;
    auto fields() const { return std::tie(contact, freezes, deleted, merged_into); }
  };
  // OK, or the refusal of an order or subscription naming `contact` (kNone
  // is open). Cost: nothing while no contact is closed, else a binary search.
  Reply check_open(ContactId contact) const {
    return closed_.empty() || contact == kNone ? Reply{} : check_closed(contact);
  }
  // Rules 3 (engine/command.h) on a shard that requires known contacts:
  // the refusal of an order or subscription naming a contact this shard
  // has no profile or record of (kNone is fine). The directory hands a new
  // contact over to every shard before CreateContact answers, so a contact
  // a client was told exists is known here.
  Reply check_known(ContactId contact, uint8_t rules) const {
    if (contact == kNone || rules < 3 || !require_known_ || contacts_.find(contact) != nullptr) return Reply{};
    return unknown_contact(contact);
  }
  // check_open, then check_known.
  Reply check_named(ContactId contact, uint8_t rules) const {
    Reply r = check_open(contact);
    return r.ok() ? check_known(contact, rules) : r;
  }
  // Set by every shard that runs in a server (runtime::ShardRunner) and by
  // log recovery, never changed after: replay must meet the rule the live
  // run met. Engine tests that book for ad-hoc ids leave it off. Not state
  // (not in snapshots or the hash).
  void require_known(bool on) { require_known_ = on; }
  // FreezeContact's change (its count is the shard's: Shard::on).
  Reply freeze(const FreezeContact& c);
  // By contact id; a snapshot section and part of the hash when not empty.
  const std::vector<ClosedContact>& closed() const { return closed_; }
  std::vector<ClosedContact>& closed() { return closed_; }
  // Contacts that became clients on this shard (their first confirmed
  // order here), in mark order: a mark's seq is its position + 1. The
  // runtime forwards them to the contact directory (GetClientMarks).
  struct ClientSince {
    ContactId contact;
    int64_t since_ms = 0;
    auto fields() const { return std::tie(contact, since_ms); }
  };
  // Marks `contact` a client at `now_ms` unless it is one already (kNone:
  // an order without a contact, nothing to mark).
  void mark_client(ContactId contact, int64_t now_ms);
  // When `contact` became a client here (0: not marked).
  int64_t client_since(ContactId contact) const {
    auto it = clients_.find(contact.value());
    return it == clients_.end() ? 0 : it->second;
  }
  // At most `max` marks after seq `after`, as ClientMark of shard `shard`.
  std::vector<ClientMark> client_marks_after(uint32_t shard, uint64_t after, uint32_t max) const;
  // A snapshot section and part of the hash when not empty.
  const std::vector<ClientSince>& client_marks() const { return client_marks_; }
  // Snapshot load: the marks, then rebuild_clients() (false: a contact
  // marked twice).
  std::vector<ClientSince>& client_marks() { return client_marks_; }
  [[nodiscard]] bool rebuild_clients();

  // REQUIRES contacts_max <= kContactsMax. A configured bound (not state: not
  // in snapshots or the hash).
  void set_contacts_max(uint32_t contacts_max) { contacts_max_ = contacts_max; }
  const Contact* find(ContactId id) const { return contacts_.find(id); }
  size_t size() const { return contacts_.size(); }
  const std::vector<Contact>& all() const { return contacts_.items(); }

  void hash_into(Hasher& h) const {
    h.add(contacts_.items());
    if (!profile_seqs_.empty()) h.add(profile_seqs_);  // absent before the directory
    if (!closed_.empty()) h.add(closed_);              // absent before DeleteContact
  }
  auto fields() const { return std::tie(contacts_); }
  [[nodiscard]] bool rebuild_index() { return contacts_.rebuild_index(); }

 private:
  EntityTable<ContactId, Contact> contacts_;
  Reply check_closed(ContactId contact) const;
  static Reply unknown_contact(ContactId contact);
  ClosedContact* closed_entry(ContactId contact, bool add);

  std::vector<ProfileSeq> profile_seqs_;           // sorted by contact
  std::vector<ClosedContact> closed_;              // sorted by contact
  std::vector<ClientSince> client_marks_;          // in mark order
  std::unordered_map<uint32_t, int64_t> clients_;  // derived: contact -> since_ms, from client_marks_
  uint32_t contacts_max_ = kContactsMax;
  bool require_known_ = false;
};

}  // namespace tessera::engine
