// The order's participants and administrative file (seed 003, "Onglet
// Commande": participants and legal representatives; "Onglet Documents":
// the travel file's documents; "Gestion des présents": attendance).
//
// Participants. Each participant is a contact holding one unit of one of
// the order's lines, with one legal representative (a contact; kNone: the
// order's client) and attendance. AddParticipant gives the participant a
// unit of the line no participant holds yet, or takes one more unit of the
// line from stock (refused, changing nothing, when its quotas or the
// contact's limit cannot give it: participants count against stock);
// RemoveParticipant gives that unit back to stock (a line left without
// units goes; the order's last unit stays: release or cancel the order
// instead). Both change the order's price, so both are refused once the
// order is invoiced (until de-invoiced: CancelInvoice). A seated line takes
// no unit this way (its seat is chosen when it is held).
//
// Administrative file. A document type (DefineDocumentType, catalog) is
// required for the participants of the orders of the products it names.
// AttachDocument records one document of a participant (of a type), or of
// the order itself (participant kNone: "autres documents", any type or
// none). Its content is stored by the server under the data directory,
// named by its SHA-256, and synced before the command is logged
// (server/document_store.h); the command carries the digest and size,
// never the bytes. A document a web shop attaches (the client, from their
// account) raises an alert for the operators (ListOrders document_alerts)
// until one checks or refuses it (CheckDocument). The order's file is
// complete when every participant has, for every type its product
// requires, a checked document; each change of that flag is a workflow
// entry (kFileStatus). Documents are never deleted from the order (an
// unchecked one is the refused one); GetDocument reads one back.
//
// Attendance. A participant is present or absent (with a reason) as an
// operator sets it; while not set, the participants of a validated
// (confirmed), fully paid order with a complete file count as present.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "engine/ids.h"

namespace tessera::engine {

enum class Attendance : uint8_t {
  kUnset = 0,  // not set by an operator (the default applies)
  kPresent = 1,
  kAbsent = 2,
};
inline constexpr Attendance kAttendanceLast = Attendance::kAbsent;

// A document type of the administrative file ("fiche sanitaire"...),
// required for the participants of the products in required_for (empty:
// required for none, a type for other documents). Defining it again
// replaces its name and products; orders keep the documents they have.
struct DefineDocumentType {
  DocumentTypeId type;
  std::string name;
  std::vector<ProductId> required_for;
  auto fields() const { return std::tie(type, name, required_for); }
  bool operator==(const DefineDocumentType&) const = default;
};

// Adds `contact` as a participant holding a unit of line `line` of the
// order, with `legal_representative` (kNone: the order's client).
struct AddParticipant {
  OrderId order;
  ContactId contact;
  ContactId legal_representative;
  uint32_t line;
  auto fields() const { return std::tie(order, contact, legal_representative, line); }
};
// Removes the participant `contact` and gives its unit back to stock.
struct RemoveParticipant {
  OrderId order;
  ContactId contact;
  auto fields() const { return std::tie(order, contact); }
};
// Names the participant's legal representative (kNone: the order's client).
struct SetLegalRepresentative {
  OrderId order;
  ContactId participant;
  ContactId legal_representative;
  auto fields() const { return std::tie(order, participant, legal_representative); }
};
// Records a document of `participant` (kNone: of the order) of type `type`
// (kNone: none, only for the order's own documents). Over the wire it
// carries `content` (at most the server's document_bytes_max); the server
// stores it and logs the command with `sha256` (64 lowercase hex digits)
// and `size`, content empty. A shard refuses a command still carrying
// content.
struct AttachDocument {
  OrderId order;
  ContactId participant;
  DocumentTypeId type;
  std::string name;  // the file's name as uploaded, 1..kNameLengthMax bytes
  std::string sha256;
  uint64_t size;
  std::string content;
  auto fields() const { return std::tie(order, participant, type, name, sha256, size, content); }
};
// An operator checks (or unchecks: refuses) document `document` (its
// number on the order, from 1).
struct CheckDocument {
  OrderId order;
  uint32_t document;
  bool checked;
  auto fields() const { return std::tie(order, document, checked); }
};
// Sets the unit price of line `line` of the order ("les tarifs sont
// ouverts en modification"), 0..kLinePriceCentsMax cents; the total
// follows. Refused once the order is invoiced (until de-invoiced).
struct SetLinePrice {
  OrderId order;
  uint32_t line;
  int64_t unit_price_cents;
  auto fields() const { return std::tie(order, line, unit_price_cents); }
};
// Query: document `document` of the order (reply DocumentFile, with the
// content the server reads from its store).
struct GetDocument {
  OrderId order;
  uint32_t document;
  auto fields() const { return std::tie(order, document); }
};
// Sets a participant's attendance (kUnset: back to the default); a reason
// only with kAbsent.
struct SetAttendance {
  OrderId order;
  ContactId participant;
  Attendance attendance;
  std::string reason;
  auto fields() const { return std::tie(order, participant, attendance, reason); }
};

// ---- What an order keeps (engine/order_dossier.h) and shows ----------------

struct Participant {
  ContactId contact;
  ContactId legal_representative;  // kNone: the order's client
  uint32_t line = 0;               // the order line whose unit it holds
  Attendance attendance = Attendance::kUnset;
  std::string absence_reason;
  auto fields() const { return std::tie(contact, legal_representative, line, attendance, absence_reason); }
};

struct OrderDocument {
  uint32_t number = 0;    // 1, 2, ... on the order
  ContactId participant;  // kNone: the order's own
  DocumentTypeId type;    // kNone: none
  std::string name;
  std::string sha256;
  uint64_t size = 0;
  int64_t attached_ms = 0;
  PrincipalId attached_by = 0;
  bool by_client = false;  // a web shop attached it: an alert until checked or refused
  bool checked = false;
  bool reviewed = false;   // an operator checked or refused it (clears the alert)
  int64_t checked_ms = 0;  // when it was last checked or refused
  PrincipalId checked_by = 0;
  auto fields() const {
    return std::tie(number, participant, type, name, sha256, size, attached_ms, attached_by, by_client, checked,
                    reviewed, checked_ms, checked_by);
  }
  bool alert() const { return by_client && !reviewed; }
};

// A participant on the order page: attendance as it counts (the default
// applied), and whether an operator set it; its share of what the order
// costs ("quote part": the order's to_pay split over its units in
// proportion to their line's unit price, to the cent by largest
// remainder, so the units' shares add up to to_pay exactly), what the
// payments allocated to it add up to (refunds deducted, third-party
// coverage counted), and the balance its legal representative owes.
struct ParticipantLine {
  ContactId contact;
  ContactId legal_representative;  // the order's client when none was named
  uint32_t line = 0;
  Attendance attendance = Attendance::kUnset;
  bool attendance_set = false;
  std::string absence_reason;
  int64_t share_cents = 0;
  int64_t paid_cents = 0;
  int64_t balance_cents = 0;  // share − paid
  auto fields() const {
    return std::tie(contact, legal_representative, line, attendance, attendance_set, absence_reason, share_cents,
                    paid_cents, balance_cents);
  }
};

// A document a participant still needs for the file to be complete: absent
// (none attached) or attached and not checked.
struct MissingDocument {
  ContactId participant;
  DocumentTypeId type;
  std::string name;  // the type's
  bool attached = false;
  auto fields() const { return std::tie(participant, type, name, attached); }
};

// GetDocument's reply.
struct DocumentFile {
  OrderId order = 0;
  OrderDocument document;
  std::string content;
  auto fields() const { return std::tie(order, document, content); }
};

}  // namespace tessera::engine
