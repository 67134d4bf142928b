// OrderDesk's participants, administrative file and attendance
// (engine/commands_dossier.h), and the dossier table's own checks.
#include "engine/order_dossier.h"

#include <algorithm>

#include "engine/limits.h"
#include "engine/order_desk.h"
#include "engine/reply_detail.h"

namespace tessera::engine {

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Status check_restored(const OrderDossier& d) {
  if (d.participants.size() > kOrderQuantityMax || d.documents.size() > kOrderDocumentFilesMax)
    return Status::invalid_argument("snapshot order dossier out of range");
  for (const Participant& p : d.participants)
    if (p.contact == kNone || p.line >= kOrderLinesMax || p.attendance > kAttendanceLast ||
        p.absence_reason.size() > kAbsenceReasonBytesMax || p.add_ons.size() > kParticipantAddOnsMax)
      return Status::invalid_argument("snapshot has a participant out of range");
  for (size_t i = 0; i < d.documents.size(); ++i) {
    const OrderDocument& doc = d.documents[i];
    if (doc.number != i + 1 || !check_stored_document(doc.name, doc.sha256, doc.size, {}).ok())
      return Status::invalid_argument("snapshot has a document out of range");
  }
  if (d.travel_book_mode > kTravelBookModeLast || d.own_books.size() > kOrderTravelBooksMax)
    return Status::invalid_argument("snapshot has a travel book out of range");
  for (const TravelBookLine& b : d.own_books)
    if (b.group || !check_stored_document(b.name, b.sha256, b.size, {}).ok())
      return Status::invalid_argument("snapshot has a convocation out of range");
  return Status::ok();
}

void reassign_contact(DossierTable& dossiers, ContactId from, ContactId to) {
  dossiers.for_each_entry([&](OrderId, OrderDossier& d) {
    for (Participant& p : d.participants) {
      if (p.contact == from) p.contact = to;
      if (p.legal_representative == from) p.legal_representative = to;
    }
    for (OrderDocument& doc : d.documents)
      if (doc.participant == from) doc.participant = to;
  });
}

Reply no_participant(OrderId id, ContactId contact) {
  return refuse(ReplyCode::kNotFound, cat("order ", id, " has no participant ", contact));
}

const OrderDossier* OrderDesk::dossier_of(const Order& order) const {
  const uint32_t slot = book_.table().slot_of(order);
  return dossiers_.find(slot, book_.table().id_of(slot));
}

OrderDossier& OrderDesk::open_dossier(const Order& order) {
  const uint32_t slot = book_.table().slot_of(order);
  const OrderId id = book_.table().id_of(slot);
  const bool fresh = dossiers_.find(slot, id) == nullptr;
  OrderDossier& d = dossiers_.open(slot, id);
  if (fresh) d.file_complete = file_complete(order, nullptr, nullptr);  // the status before anything was added
  return d;
}

bool OrderDesk::file_complete(const Order& order, const OrderDossier* d, std::vector<MissingDocument>* missing) const {
  if (catalog_.document_types().size() == 0) return true;
  const ProductId product = product_of(order);
  const size_t named = d ? d->participants.size() : 0;
  bool complete = true;
  for (const DefineDocumentType& t : catalog_.document_types().items()) {
    if (std::find(t.required_for.begin(), t.required_for.end(), product) == t.required_for.end()) continue;
    if (named < order.quantity()) {  // units whose participant is not named yet need this document too
      complete = false;
      if (missing) missing->push_back(MissingDocument{kNone, t.type, t.name, false});
    }
    for (size_t i = 0; i < named; ++i) {
      const ContactId who = d->participants[i].contact;
      bool attached = false, checked = false;
      for (const OrderDocument& doc : d->documents)
        if (doc.participant == who && doc.type == t.type) {
          attached = true;
          checked = checked || doc.checked;
        }
      if (checked) continue;
      complete = false;
      if (missing) missing->push_back(MissingDocument{who, t.type, t.name, attached});
    }
  }
  return complete;
}

void OrderDesk::after_dossier_change(Order& o, PrincipalId by) {
  OrderDossier& d = open_dossier(o);
  const bool now = file_complete(o, &d, nullptr);
  if (now == d.file_complete) return;
  d.file_complete = now;
  book_.record(o, WorkflowAction::kFileStatus, by,
               now ? WorkflowDetail::kFileComplete : WorkflowDetail::kFileIncomplete);
}

Reply OrderDesk::dossier_order(OrderId id, const Caller& who, const char* price_change, Order** out) {
  Order* o = nullptr;
  if (Reply r = find_live(id, who, &o); !r.ok()) return r;
  if (price_change != nullptr)
    if (Reply invoiced = invoiced_refusal(*o, id, price_change); !invoiced.ok()) return invoiced;
  if (Reply full = check_workflow_room(*o, id); !full.ok()) return full;
  *out = o;
  return Reply{};
}

Reply OrderDesk::on(const AddParticipant& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = dossier_order(c.order, who, "its participants change", &o); !bad.ok()) return bad;
  if (c.contact == kNone) return refuse(ReplyCode::kInvalidArgument, "a participant is a contact");
  if (c.line >= o->lines.size())
    return refuse(ReplyCode::kInvalidArgument,
                  cat("order ", c.order, " has ", o->lines.size(), " lines; no line ", c.line));
  const OrderDossier* d = dossier_of(*o);
  if (d && d->participant(c.contact))
    return refuse(ReplyCode::kDuplicate, cat("contact ", c.contact, " is already a participant of order ", c.order));
  const bool needs_unit = (d ? d->participants_on(c.line) : 0) >= o->lines[c.line].quantity;
  const MoneySums before = sums_of(*o);
  if (needs_unit)
    if (Reply r = book_.add_unit(*o, c.order, c.line); !r.ok()) return r;
  open_dossier(*o).participants.push_back(
      Participant{c.contact, c.legal_representative, c.line, Attendance::kUnset, {}});
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kParticipantAdded,
               uint64_t{c.line} << 32 | c.contact.value());
  after_dossier_change(*o, who.principal);
  if (needs_unit) after_money_change(*o, c.order, before, who.principal, false, false);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const RemoveParticipant& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = dossier_order(c.order, who, "its participants change", &o); !bad.ok()) return bad;
  const OrderDossier* d = dossier_of(*o);
  const Participant* p = d ? d->participant(c.contact) : nullptr;
  if (!p) return no_participant(c.order, c.contact);
  if (o->quantity() == 1)
    return refuse(ReplyCode::kInvalidState, cat("participant ", c.contact, " holds the last unit of order ", c.order,
                                                ": release or cancel the order instead"));
  if (const OrderMoney* money = money_of(*o))
    for (const Payment& pay : money->payments)
      if (pay.participant == c.contact)
        return refuse(ReplyCode::kInvalidState,
                      cat("payment ", pay.number, " is allocated to participant ", c.contact,
                          ": allocate it to the order or another participant first (ChangePayment)"));
  const uint32_t line = p->line;
  const bool line_goes = o->lines[line].quantity == 1;
  const MoneySums before = sums_of(*o);
  for (const SelectedAddOn& a : p->add_ons) add_on_quotas_.give_back(o->lines[line].performance, a.addon);
  book_.remove_unit(*o, c.order, line);
  OrderDossier& dd = open_dossier(*o);
  std::erase_if(dd.participants, [&](const Participant& q) { return q.contact == c.contact; });
  if (line_goes)  // the lines after it moved up one
    for (Participant& q : dd.participants)
      if (q.line > line) --q.line;
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kParticipantRemoved,
               uint64_t{line} << 32 | c.contact.value());
  after_dossier_change(*o, who.principal);
  after_money_change(*o, c.order, before, who.principal, false, false);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const SetLegalRepresentative& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = dossier_order(c.order, who, nullptr, &o); !bad.ok()) return bad;
  const OrderDossier* d = dossier_of(*o);
  if (!d || !d->participant(c.participant)) return no_participant(c.order, c.participant);
  Participant& p = *open_dossier(*o).participant(c.participant);
  if (p.legal_representative == c.legal_representative) return order_reply(c.order, *o);  // nothing changes
  p.legal_representative = c.legal_representative;
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kLegalRepresentativeSet,
               uint64_t{c.participant.value()} << 32 | c.legal_representative.value());
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const AttachDocument& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = dossier_order(c.order, who, nullptr, &o); !bad.ok()) return bad;
  if (Reply bad = check_stored_document(c.name, c.sha256, c.size, c.content); !bad.ok()) return bad;
  const OrderDossier* d = dossier_of(*o);
  if (c.participant != kNone && (!d || !d->participant(c.participant))) return no_participant(c.order, c.participant);
  if (c.participant != kNone && c.type == kNone)
    return refuse(ReplyCode::kInvalidArgument, "a participant's document has a document type");
  if (c.type != kNone && !catalog_.document_type(c.type))
    return refuse(ReplyCode::kNotFound, cat("document type ", c.type, " not found"));
  if (d && d->documents.size() >= kOrderDocumentFilesMax)
    return refuse(ReplyCode::kLimitExceeded,
                  cat("order ", c.order, " has ", kOrderDocumentFilesMax, " documents, the most"));
  OrderDossier& dd = open_dossier(*o);
  const auto number = static_cast<uint32_t>(dd.documents.size() + 1);
  dd.documents.push_back(OrderDocument{number, c.participant, c.type, c.name, c.sha256, c.size, now_ms_, who.principal,
                                       who.own_orders_only, false, false, 0, 0});
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kDocumentAttached,
               uint64_t{number} << 32 | c.type.value());
  after_dossier_change(*o, who.principal);
  Reply r = order_reply(c.order, *o);
  r.value = number;
  return r;
}

Reply OrderDesk::on(const CheckDocument& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = dossier_order(c.order, who, nullptr, &o); !bad.ok()) return bad;
  const OrderDossier* d = dossier_of(*o);
  if (!d || c.document == 0 || c.document > d->documents.size())
    return refuse(ReplyCode::kNotFound, cat("order ", c.order, " has no document ", c.document));
  OrderDocument& doc = open_dossier(*o).documents[c.document - 1];
  if (doc.reviewed && doc.checked == c.checked) return order_reply(c.order, *o);  // nothing changes
  doc.checked = c.checked;
  doc.reviewed = true;
  doc.checked_ms = now_ms_;
  doc.checked_by = who.principal;
  book_.record(*o, WorkflowAction::kModified, who.principal,
               c.checked ? WorkflowDetail::kDocumentChecked : WorkflowDetail::kDocumentRefused, c.document);
  after_dossier_change(*o, who.principal);
  return order_reply(c.order, *o);
}

Reply OrderDesk::on(const GetDocument& c, const Caller& who) const {
  const Order* o = find_any(c.order, who);
  if (!o) return refuse(ReplyCode::kNotFound, cat("order ", c.order, " not found"));
  const OrderDossier* d = dossier_of(*o);
  if (!d || c.document == 0 || c.document > d->documents.size())
    return refuse(ReplyCode::kNotFound, cat("order ", c.order, " has no document ", c.document));
  Reply r;
  r.order = c.order;
  r.value = static_cast<int64_t>(d->documents[c.document - 1].size);
  r.detail = std::make_shared<ReplyDetail>(ReplyDetail{DocumentFile{c.order, d->documents[c.document - 1], {}}});
  return r;
}

Reply OrderDesk::on(const SetAttendance& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = dossier_order(c.order, who, nullptr, &o); !bad.ok()) return bad;
  const OrderDossier* d = dossier_of(*o);
  if (!d || !d->participant(c.participant)) return no_participant(c.order, c.participant);
  if (c.attendance > kAttendanceLast)
    return refuse(ReplyCode::kInvalidArgument, "attendance is unset, present or absent");
  if (c.attendance != Attendance::kAbsent && !c.reason.empty())
    return refuse(ReplyCode::kInvalidArgument, "a reason goes with an absence only");
  if (c.reason.size() > kAbsenceReasonBytesMax)
    return refuse(ReplyCode::kInvalidArgument,
                  cat("an absence's reason has at most ", kAbsenceReasonBytesMax, " bytes"));
  Participant& p = *open_dossier(*o).participant(c.participant);
  if (p.attendance == c.attendance && p.absence_reason == c.reason) return order_reply(c.order, *o);
  p.attendance = c.attendance;
  p.absence_reason = c.reason;
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kAttendanceSet,
               uint64_t{c.participant.value()} << 32 | static_cast<uint64_t>(c.attendance));
  return order_reply(c.order, *o);
}

namespace {

// What each unit of each line weighs in the order's price: its line's unit
// price, the return supplement, and the add-ons of the participant holding
// it (participants take their line's units in the order added).
std::vector<std::vector<int64_t>> unit_weights(const Order& order, const OrderDossier* d) {
  std::vector<std::vector<int64_t>> weights(order.lines.size());
  for (size_t i = 0; i < order.lines.size(); ++i)
    weights[i].assign(order.lines[i].quantity, std::max<int64_t>(0, int64_t{order.lines[i].unit_price_cents} +
                                                                        (d ? d->return_supplement_cents : 0)));
  if (!d) return weights;
  std::vector<uint32_t> taken(order.lines.size(), 0);
  for (const Participant& p : d->participants) {
    if (p.line >= weights.size() || taken[p.line] >= weights[p.line].size()) continue;
    for (const SelectedAddOn& a : p.add_ons) weights[p.line][taken[p.line]] += a.price_cents;
    ++taken[p.line];
  }
  return weights;
}

// Each unit's share of `to_pay`, line by line: in proportion to its weight
// (unit_weights; equal shares when every weight is 0), to the cent, the
// cents left by rounding down going to the largest remainders (the first
// units on a tie): the shares add up to to_pay exactly.
std::vector<std::vector<int64_t>> unit_shares(const std::vector<std::vector<int64_t>>& weights, int64_t to_pay) {
  std::vector<std::vector<int64_t>> shares(weights.size());
  __int128 weight = 0;
  uint32_t units = 0;
  for (const std::vector<int64_t>& line : weights)
    for (const int64_t w : line) {
      weight += w;
      ++units;
    }
  if (units == 0) return shares;
  struct Rest {
    __int128 remainder;
    size_t line, unit;
  };
  std::vector<Rest> rests;
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    for (uint32_t u = 0; u < weights[i].size(); ++u) {
      const __int128 w = weight == 0 ? 1 : __int128{weights[i][u]};
      const __int128 total = weight == 0 ? units : weight;
      const __int128 exact = __int128{to_pay} * w;
      shares[i].push_back(static_cast<int64_t>(exact / total));
      given += shares[i].back();
      rests.push_back(Rest{exact % total, i, u});
    }
  }
  std::stable_sort(rests.begin(), rests.end(), [](const Rest& a, const Rest& b) { return a.remainder > b.remainder; });
  for (size_t k = 0; given < to_pay && k < rests.size(); ++k, ++given) ++shares[rests[k].line][rests[k].unit];
  return shares;
}

}  // namespace

Reply OrderDesk::on(const SetLinePrice& c, const Caller& who) {
  Order* o = nullptr;
  if (Reply bad = dossier_order(c.order, who, "its prices change", &o); !bad.ok()) return bad;
  if (c.line >= o->lines.size())
    return refuse(ReplyCode::kInvalidArgument,
                  cat("order ", c.order, " has ", o->lines.size(), " lines; no line ", c.line));
  if (c.unit_price_cents < 0 || c.unit_price_cents > kLinePriceCentsMax)
    return refuse(ReplyCode::kInvalidArgument, cat("a unit price is in [0, ", kLinePriceCentsMax, "] cents"));
  const auto price = static_cast<uint32_t>(c.unit_price_cents);
  if (o->lines[c.line].unit_price_cents == price) return order_reply(c.order, *o);  // nothing changes
  const MoneySums before = sums_of(*o);
  o->lines[c.line].unit_price_cents = price;
  book_.record(*o, WorkflowAction::kModified, who.principal, WorkflowDetail::kLinePriceSet,
               uint64_t{c.line} << 32 | price);
  after_money_change(*o, c.order, before, who.principal, false, false);
  return order_reply(c.order, *o);
}

void OrderDesk::fill_dossier(const Order& order, OrderRecord* r) const {
  const OrderDossier* d = dossier_of(order);
  r->file_complete = file_complete(order, d, &r->missing_documents);
  if (!d) {
    fill_trip(order, d, r);
    return fill_travel_book(order, d, r);
  }
  // Seed 003, "Gestion des présents": present by default once validated,
  // fully paid and with a complete file.
  const bool present = order.state == OrderState::kConfirmed && r->fully_paid && r->file_complete;
  const std::vector<std::vector<int64_t>> shares =
      unit_shares(unit_weights(order, d), std::max<int64_t>(r->to_pay_cents, 0));
  std::vector<uint32_t> taken(order.lines.size(), 0);  // units of each line given to a participant so far
  for (const Participant& p : d->participants) {
    const int64_t share =
        p.line < shares.size() && taken[p.line] < shares[p.line].size() ? shares[p.line][taken[p.line]++] : 0;
    int64_t paid = 0;
    for (const Payment& pay : r->payments)
      if (pay.participant == p.contact) paid += pay.amount_cents;
    r->participants.push_back(ParticipantLine{
        p.contact, p.legal_representative == kNone ? order.contact : p.legal_representative, p.line,
        p.attendance != Attendance::kUnset ? p.attendance : (present ? Attendance::kPresent : Attendance::kUnset),
        p.attendance != Attendance::kUnset, p.absence_reason, share, paid, share - paid});
  }
  r->documents = d->documents;
  r->document_alert = d->alert();
  fill_trip(order, d, r);
  fill_travel_book(order, d, r);
}

bool OrderDesk::document_alert(const Order& order) const {
  const OrderDossier* d = dossier_of(order);
  return d && d->alert();
}

}  // namespace tessera::engine
