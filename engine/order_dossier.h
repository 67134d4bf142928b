// The participants and administrative file of the orders that have some
// (engine/commands_dossier.h says what they mean), beside the order table
// as their money is (engine/slot_table.h).
// Thread-safety: none; owned by one shard thread.
#pragma once

#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "base/status.h"
#include "engine/commands_dossier.h"
#include "engine/commands_travel_book.h"
#include "engine/ids.h"
#include "engine/reply.h"
#include "engine/slot_table.h"

namespace tessera::engine {

struct OrderDossier {
  std::vector<Participant> participants;  // in the order added
  std::vector<OrderDocument> documents;   // by number
  // The file's status as the workflow last recorded it (kFileStatus
  // entries are written when it changes).
  bool file_complete = false;
  // Appended: the departure whose city the order returns to (kNone: its
  // own) and what that changes per unit, fixed when chosen.
  PerformanceId return_departure = kNone;
  int64_t return_supplement_cents = 0;
  // Appended: the travel book (engine/commands_travel_book.h): the mode
  // and the order's own convocations (individual mode), in the order
  // attached.
  TravelBookMode travel_book_mode = TravelBookMode::kGroup;
  std::vector<TravelBookLine> own_books;
  static constexpr size_t kHashedAlways = 3;  // engine/hash.h
  auto fields() const {
    return std::tie(participants, documents, file_complete, return_departure, return_supplement_cents, travel_book_mode,
                    own_books);
  }

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

// The travel books of a shard: its departures' convocations (by
// performance, in the order attached) and the outbox of travel-book
// e-mails not noted yet (by seq).
struct TravelBookState {
  std::vector<DepartureBook> departure_books;
  std::vector<TravelBookMail> outbox;
  uint64_t last_seq = 0;
  bool empty() const { return departure_books.empty() && outbox.empty() && last_seq == 0; }
  auto fields() const { return std::tie(departure_books, outbox, last_seq); }
};

// An add-on's quota on one departure of the shard: its capacity and how
// many participants of live orders selected it there.
struct AddOnQuota {
  PerformanceId performance = kNone;
  AddOnId addon = kNone;
  uint32_t capacity = 0;
  uint32_t selected = 0;
  auto fields() const { return std::tie(performance, addon, capacity, selected); }
  bool operator==(const AddOnQuota&) const = default;
};

// The add-on quotas of a shard, sorted by (performance, add-on).
class AddOnQuotas {
 public:
  const AddOnQuota* find(PerformanceId performance, AddOnId addon) const;
  AddOnQuota* find(PerformanceId performance, AddOnId addon) {
    return const_cast<AddOnQuota*>(std::as_const(*this).find(performance, addon));
  }
  // The quota, created empty if there is none.
  AddOnQuota& open(PerformanceId performance, AddOnId addon);
  // One more selection if it has room (false: none there, or full).
  bool take(PerformanceId performance, AddOnId addon);
  void give_back(PerformanceId performance, AddOnId addon);
  const std::vector<AddOnQuota>& rows() const { return rows_; }
  // A snapshot's rows: sorted, unique, each within its capacity.
  Status restore(std::vector<AddOnQuota> rows);

 private:
  std::vector<AddOnQuota> rows_;
};

// A snapshot's dossier of one order within range (DossierTable::restore).
Status check_restored(const OrderDossier& d);
// MergeContacts: participants and representatives named `from` name `to`.
void reassign_contact(DossierTable& dossiers, ContactId from, ContactId to);
// The checks of a document stored by digest (AttachDocument,
// AttachTravelBook, AttachDepartureBook): its name, digest and size, and no
// content left in the command.
Reply check_stored_document(const std::string& name, const std::string& sha256, uint64_t size,
                            const std::string& content);
// The refusal of a command naming a participant the order does not have.
Reply no_participant(OrderId id, ContactId contact);
// True iff `s` is a SHA-256 digest as documents are named: 64 lowercase hex digits.
bool is_sha256_hex(std::string_view s);

}  // namespace tessera::engine
