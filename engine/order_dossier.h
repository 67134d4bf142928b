// The participants and administrative file of the orders that have some
// (engine/commands_dossier.h says what they mean), beside the order table
// as their money is (engine/slot_table.h).
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <string_view>
#include <tuple>
#include <vector>

#include "base/status.h"
#include "engine/commands_dossier.h"
#include "engine/ids.h"
#include "engine/slot_table.h"

namespace tessera::engine {

struct OrderDossier {
  std::vector<Participant> participants;  // in the order added
  std::vector<OrderDocument> documents;   // by number
  // The file's status as the workflow last recorded it (kFileStatus
  // entries are written when it changes).
  bool file_complete = false;
  auto fields() const { return std::tie(participants, documents, file_complete); }

  const Participant* participant(ContactId contact) const {
    for (const Participant& p : participants)
      if (p.contact == contact) return &p;
    return nullptr;
  }
  Participant* participant(ContactId contact) {
    return const_cast<Participant*>(std::as_const(*this).participant(contact));
  }
  uint32_t participants_on(uint32_t line) const {
    uint32_t n = 0;
    for (const Participant& p : participants) n += p.line == line;
    return n;
  }
  bool alert() const {
    for (const OrderDocument& d : documents)
      if (d.alert()) return true;
    return false;
  }
};

using DossierTable = SlotTable<OrderDossier>;

// A snapshot's dossier of one order within range (DossierTable::restore).
Status check_restored(const OrderDossier& d);
// MergeContacts: participants and representatives named `from` name `to`.
void reassign_contact(DossierTable& dossiers, ContactId from, ContactId to);
// True iff `s` is a SHA-256 digest as documents are named: 64 lowercase hex digits.
bool is_sha256_hex(std::string_view s);

}  // namespace tessera::engine
