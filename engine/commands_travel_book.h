// The travel book and convocations of seed 003 ("Carnet de voyages",
// "Onglet Documents"): what the client receives before the trip.
//
// A convocation is attached to a departure (group mode: AttachDepartureBook,
// "Commercial > Carnets de voyages": every registration of that departure
// has it, those booked later too) or to one registration (individual mode:
// AttachTravelBook). An order is in group mode until an operator switches
// it (SetTravelBookMode): group -> individual keeps the group convocation
// shown and lets individual ones be added; individual -> group withdraws the
// individual ones (they stay in the order's document history, withdrawn).
// The content is stored by the server by digest, as AttachDocument's is
// (server/document_store.h).
//
// The order has a travel book when a convocation is shown for it; the book
// is released to the client only once the order is fully paid and its file
// complete (the order page's "travel book" flag). Each attachment, and a
// re-send by hand (SendTravelBookMail), puts an e-mail in the shard's
// outbox: the book is available in the client's account, or the
// convocation is there but cannot be opened until the missing documents
// are sent and/or the balance paid. The server sends it to the client,
// the participants' legal representatives or both, as the client's record
// says (ContactFields::minors_email_to), after the command is durable, and
// records the outcome on the order (NoteTravelBookMail: a workflow entry
// with the mail's number, sent or not; the recipients and the relay's
// answer are in the logged command and the server's log). A mail sent and not yet noted
// when the server stops is sent again at the next start.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/ids.h"

namespace tessera::engine {

enum class TravelBookMode : uint8_t { kGroup = 0, kIndividual = 1 };
inline constexpr TravelBookMode kTravelBookModeLast = TravelBookMode::kIndividual;

// A departure's convocation, for every registration of it. Over the wire
// it carries `content`; it is logged with `sha256` and `size` only.
struct AttachDepartureBook {
  PerformanceId performance;
  std::string name;  // 1..kNameLengthMax bytes
  std::string sha256;
  uint64_t size;
  std::string content;
  auto fields() const { return std::tie(performance, name, sha256, size, content); }
};
// One registration's own convocation (the order in individual mode).
struct AttachTravelBook {
  OrderId order;
  std::string name;
  std::string sha256;
  uint64_t size;
  std::string content;
  auto fields() const { return std::tie(order, name, sha256, size, content); }
};
struct SetTravelBookMode {
  OrderId order;
  TravelBookMode mode;
  auto fields() const { return std::tie(order, mode); }
};
// The travel-book e-mail of the order again, by hand.
struct SendTravelBookMail {
  OrderId order;
  auto fields() const { return std::tie(order); }
};

// One e-mail of a shard's outbox, as the server needs it to write and send
// it: whom it is about, whether the book is available, what is missing.
struct TravelBookMail {
  uint32_t shard = 0;
  uint64_t seq = 0;  // its number on the shard, from 1
  OrderId order = 0;
  ContactId client = kNone;
  std::vector<ContactId> representatives;  // the participants' legal representatives other than the client
  std::string book;                        // the convocation's file name
  bool available = false;                  // fully paid and the file complete: released
  std::vector<std::string> missing;        // the document types still missing or unchecked
  int64_t balance_cents = 0;               // still to pay (> 0), else 0
  int64_t at_ms = 0;
  auto fields() const {
    return std::tie(shard, seq, order, client, representatives, book, available, missing, balance_cents, at_ms);
  }
};
// Internal (the server's mail pump): the mails of every shard after
// taken[shard] (at most kTravelBookMailsPerReplyMax per shard).
struct GetTravelBookMails {
  std::vector<uint64_t> taken;
  auto fields() const { return std::tie(taken); }
};
struct TravelBookMails {
  std::vector<TravelBookMail> mails;
  auto fields() const { return std::tie(mails); }
};
// Internal: the outcome of mail `seq` of the order's shard — sent to
// `recipients`, or not (`message` says why) — leaves the outbox and is a
// workflow entry of the order.
struct NoteTravelBookMail {
  OrderId order;
  uint64_t seq;
  bool sent;
  std::string recipients;  // "Anne MARTIN <anne@example.org>, ..."
  std::string message;
  auto fields() const { return std::tie(order, seq, sent, recipients, message); }
};

// A departure's convocation as its shard keeps it.
struct DepartureBook {
  PerformanceId performance = kNone;
  std::string name;
  std::string sha256;
  uint64_t size = 0;
  int64_t attached_ms = 0;
  PrincipalId attached_by = 0;
  auto fields() const { return std::tie(performance, name, sha256, size, attached_ms, attached_by); }
};

// A convocation on the order page.
struct TravelBookLine {
  std::string name;
  std::string sha256;
  uint64_t size = 0;
  bool group = false;      // the departure's; else this registration's own
  bool withdrawn = false;  // an individual one the switch back to group mode withdrew
  int64_t attached_ms = 0;
  auto fields() const { return std::tie(name, sha256, size, group, withdrawn, attached_ms); }
  bool operator==(const TravelBookLine&) const = default;
};

}  // namespace tessera::engine
