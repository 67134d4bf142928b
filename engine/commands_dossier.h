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

// ---- Departures, add-ons and the return city --------------------------------
//
// A trip departure is a performance of the stay's product; DefineDeparture
// (catalog: every shard knows every departure) names its city, its date
// and the price of a round trip from that city, so any shard can tell
// which departures of a stay serve which cities on which date.
//
// Add-ons (the seed's trip "options") are defined per product with a
// catalog price (DefineAddOn) and have a quota on each departure that
// offers them (SetAddOnQuota, the departure's shard). A participant
// selects its own add-ons (AddAddOn, taking one from the quota: refused,
// changing nothing, when it is full, so a full add-on cannot be selected
// again) and gives them back (RemoveAddOn); a participant removed, or the
// order closed, gives its add-ons back. An add-on's price counts in the
// order's package.
//
// ChangeDeparture moves the order to another departure of the same
// product on the order's shard, atomically: every unit is taken on the new
// departure before any is given back on the old one, or the change is
// refused and nothing moves. Add-ons follow when the new departure has
// room for them; the others are dropped and the reply lists them. A
// product's departures share one shard (DefineDeparture refuses another
// one: Catalog::check_departure_shard), so the move never leaves the shard
// thread. The return city goes back to the departure's own.
//
// SetReturnCity: the order goes out from its departure's city and returns
// to the city of another departure of the same product on the same date;
// each unit's round trip then costs return_city_cents(A, B, rule) instead
// of A (engine/order_money.h), the difference (possibly negative) added to
// the package per unit. kNone: back to the same-city round trip.
// The four order commands change the price, so each is refused once the
// order is invoiced.

// A departure of a product: its city, its date (YYYYMMDD, the organiser's
// calendar day) and the round trip's price from that city. Defining it
// again replaces the three; orders keep the prices they took.
struct DefineDeparture {
  PerformanceId performance;
  ProductId product;
  std::string city;  // 1..kNameLengthMax bytes
  uint32_t date;     // YYYYMMDD
  int64_t round_trip_cents;
  auto fields() const { return std::tie(performance, product, city, date, round_trip_cents); }
  bool operator==(const DefineDeparture&) const = default;
};
// An add-on of a product's departures, with its catalog price. Defining it
// again replaces its name and price (selected add-ons keep theirs).
struct DefineAddOn {
  AddOnId addon;
  ProductId product;
  std::string name;  // 1..kNameLengthMax bytes
  int64_t price_cents;
  auto fields() const { return std::tie(addon, product, name, price_cents); }
  bool operator==(const DefineAddOn&) const = default;
};
// The quota of an add-on on one departure (a performance of the add-on's
// product): how many participants may select it there. Not below what is
// selected.
struct SetAddOnQuota {
  PerformanceId performance;
  AddOnId addon;
  uint32_t capacity;
  auto fields() const { return std::tie(performance, addon, capacity); }
};
// Query: the add-ons a departure offers, with what is selected (reply
// AddOnStock).
struct GetAddOnStock {
  PerformanceId performance;
  auto fields() const { return std::tie(performance); }
};
// Selects add-on `addon` for participant `participant`, at price_cents (< 0:
// the catalog's), taking one from its quota on the participant's departure.
// Selected already: sets its price (the quota is not taken again).
struct AddAddOn {
  OrderId order;
  ContactId participant;
  AddOnId addon;
  int64_t price_cents;
  auto fields() const { return std::tie(order, participant, addon, price_cents); }
};
// Gives a participant's add-on back to its quota.
struct RemoveAddOn {
  OrderId order;
  ContactId participant;
  AddOnId addon;
  auto fields() const { return std::tie(order, participant, addon); }
};
// Moves the order to departure `performance` (reply DepartureChange).
struct ChangeDeparture {
  OrderId order;
  PerformanceId performance;
  auto fields() const { return std::tie(order, performance); }
};
// The order returns to the city of departure `departure` (same product,
// same date; kNone: to its own city).
struct SetReturnCity {
  OrderId order;
  PerformanceId departure;
  auto fields() const { return std::tie(order, departure); }
};

// ---- What an order keeps (engine/order_dossier.h) and shows ----------------

// An add-on a participant selected, at the price it took.
struct SelectedAddOn {
  AddOnId addon = kNone;
  int64_t price_cents = 0;
  auto fields() const { return std::tie(addon, price_cents); }
  bool operator==(const SelectedAddOn&) const = default;
};

struct Participant {
  ContactId contact;
  ContactId legal_representative;  // kNone: the order's client
  uint32_t line = 0;               // the order line whose unit it holds
  Attendance attendance = Attendance::kUnset;
  std::string absence_reason;
  std::vector<SelectedAddOn> add_ons;         // appended: in the order selected
  static constexpr size_t kHashedAlways = 5;  // engine/hash.h
  auto fields() const { return std::tie(contact, legal_representative, line, attendance, absence_reason, add_ons); }
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

// An add-on on the order page, or one a departure change dropped.
struct AddOnLine {
  AddOnId addon = kNone;
  std::string name;  // the catalog's
  int64_t price_cents = 0;
  ContactId participant = kNone;  // whose (DepartureChange's list)
  auto fields() const { return std::tie(addon, name, price_cents, participant); }
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
  int64_t balance_cents = 0;       // share − paid
  std::vector<AddOnLine> add_ons;  // appended: its add-ons (their prices are in its share)
  auto fields() const {
    return std::tie(contact, legal_representative, line, attendance, attendance_set, absence_reason, share_cents,
                    paid_cents, balance_cents, add_ons);
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

// ChangeDeparture's reply: the move, and the add-ons left behind.
struct DepartureChange {
  OrderId order = 0;
  PerformanceId from = kNone;
  PerformanceId to = kNone;
  std::vector<AddOnLine> dropped;
  auto fields() const { return std::tie(order, from, to, dropped); }
};

// GetAddOnStock's reply: each add-on of the departure's product with a
// quota there, by id.
struct AddOnStockRow {
  AddOnId addon = kNone;
  std::string name;
  int64_t price_cents = 0;  // the catalog's
  uint32_t capacity = 0;
  uint32_t selected = 0;
  auto fields() const { return std::tie(addon, name, price_cents, capacity, selected); }
};
struct AddOnStock {
  PerformanceId performance = kNone;
  std::vector<AddOnStockRow> rows;
  auto fields() const { return std::tie(performance, rows); }
};

// GetDocument's reply.
struct DocumentFile {
  OrderId order = 0;
  OrderDocument document;
  std::string content;
  auto fields() const { return std::tie(order, document, content); }
};

}  // namespace tessera::engine
