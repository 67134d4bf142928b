// Contacts: the people and organisations orders and subscriptions refer to
// (number, name, first name, email, types), as the back office needs them
// for follow-up rows, contact-type filters and reminder emails.
//
// Contacts are catalog-level (every shard keeps a copy), so a shard renders
// its follow-up rows and reminders without asking another shard. An order
// may name a contact id that has no record yet: its rows show no name and
// it matches no contact-type filter.
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <cstdint>
#include <string>

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
  // REQUIRES contacts_max <= kContactsMax. A configured bound (not state: not
  // in snapshots or the hash).
  void set_contacts_max(uint32_t contacts_max) { contacts_max_ = contacts_max; }
  const Contact* find(ContactId id) const { return contacts_.find(id); }
  size_t size() const { return contacts_.size(); }

  void hash_into(Hasher& h) const { h.add(contacts_.items()); }
  auto fields() const { return std::tie(contacts_); }
  [[nodiscard]] bool rebuild_index() { return contacts_.rebuild_index(); }

 private:
  EntityTable<ContactId, Contact> contacts_;
  uint32_t contacts_max_ = kContactsMax;
};

}  // namespace tessera::engine
