// The order page (seed 003): what an order is made of beyond its hot state —
// its workflow (every action with time and principal), operator notes and
// the client's "informations complémentaires" — and the typed replies that
// read an order back (OrderRecord) or list orders (OrderPage).
//
// The cold part (OrderCold) lives beside the order table, not in Order: the
// hot path touches only Order, and a slot's cold vectors keep their capacity
// when the slot is reused, so steady-state holds do not allocate for it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "engine/commands_dossier.h"
#include "engine/commands_invoices.h"
#include "engine/commands_money.h"
#include "engine/commands_travel_book.h"
#include "engine/ids.h"
#include "engine/reply.h"

namespace tessera::engine {

// What one workflow entry records, in the order of seed 003's list ("Les
// actions suivies"). Quotes ("transformation du devis en commande") are not
// modelled; payment, administrative file, travel documents, invoices and the
// client's downloads come with the issues that model them (tags appended).
enum class WorkflowAction : uint8_t {
  kCreated = 0,    // création de commande: `to` is the initial state (not stored: the order's own fields say it)
  kModified,       // modification: detail says what (deadline, lines, mark, lock, file, note, information)
  kStateChanged,   // changement de statut: `from` → `to`
  kEmailSent,      // référence des emails transactionnels envoyés: detail is the reference
  kPaymentStatus,  // passage du statut du règlement en « soldé » (or back, after a refund or a discount)
  kInvoicing,      // émission d'une facture, or of a credit note (défacturation): detail says which
  kFileStatus,     // modification du statut du dossier administratif: complete, or not any more
  kTravelBook,     // modification du statut du carnet de voyage: a convocation, the mode, a mail queued
};
inline constexpr WorkflowAction kWorkflowActionLast = WorkflowAction::kTravelBook;  // snapshots check against it
std::string_view workflow_action_name(WorkflowAction action);

// What a kModified or kEmailSent event changed, with its argument(s); the
// reply renders it as text (workflow_detail_text).
enum class WorkflowDetail : uint8_t {
  kNothing = 0,
  kHoldExtended,     // arg: the new expiry (ms)
  kPartlyConfirmed,  // arg: units kept << 32 | units held before
  kMarkedKeep,
  kMarkedRelease,
  kLocked,
  kUnlocked,
  kFiled,  // arg: the file number
  kNoteAdded,
  kInfoSet,
  kInfoCleared,
  kReminderEmail,     // arg: reminder rank << 32 | format
  kReminderLetter,    // arg: reminder rank << 32 | format
  kPaymentAdded,      // arg: payment number << 32 | mode
  kRefundAdded,       // arg: payment number << 32 | mode
  kPaymentCollected,  // arg: payment number
  kCashDiscount,      // arg: the discount in cents
  kContractSigned,
  kFullyPaid,                  // kPaymentStatus: the balance reached 0
  kNotFullyPaid,               // kPaymentStatus: something is owed again
  kPaymentChanged,             // arg: payment number
  kInvoiceIssued,              // kInvoicing: arg: year << 32 | number
  kCreditNoteIssued,           // kInvoicing: arg: year << 32 | number
  kCancelledByClient,          // kModified (CancelValidated): arg: the fee in cents
  kCancelledByOrganiser,       // kModified (CancelValidated): arg: the commission in cents
  kCancellationInvoiceIssued,  // kInvoicing: arg: year << 32 | number
  kCommissionInvoiceIssued,    // kInvoicing: arg: year << 32 | number
  kPromoApplied,               // kModified (NotePromoClaim): arg: the reduction in cents then
  kPromoRemoved,               // kModified (RemovePromoCode): arg: the claim's attempt
  kFeeSet,                     // kModified (SetOrderFee): arg: fee << 32 | its price in cents (at most 2^32 - 1)
  kFeeRemoved,                 // kModified (RemoveOrderFee): arg: the fee
  kPaymentFrozen,              // kModified (FreezePayments): arg: batch << 32 | payment number << 8 | BatchKind
  kCashbackApplied,            // kModified (NoteCashbackClaim): arg: the cashback in cents
  kCashbackRemoved,            // kModified (RemoveCashback): arg: the cashback in cents given back
  kSponsorSet,                 // kModified (NoteSponsor): arg: the sponsor's contact id
  kSponsorRemoved,             // kModified (RemoveSponsor): arg: the sponsor's contact id
  kSponsorRewarded,            // kModified (the order validated): arg: the sponsor's reward in cents
  kPreRegistrationIntegrated,  // kModified (ApplyPreRegistrations): arg: the contact id it went to
  kParticipantAdded,           // kModified (AddParticipant): arg: line << 32 | the participant's contact id
  kParticipantRemoved,         // kModified (RemoveParticipant): arg: line << 32 | the participant's contact id
  kLegalRepresentativeSet,     // kModified: arg: participant << 32 | representative (0: the client)
  kDocumentAttached,           // kModified (AttachDocument): arg: document number << 32 | type
  kDocumentChecked,            // kModified (CheckDocument): arg: document number
  kDocumentRefused,            // kModified (CheckDocument, unchecked): arg: document number
  kFileComplete,               // kFileStatus: every required document is there and checked
  kFileIncomplete,             // kFileStatus: one is missing or unchecked again
  kAttendanceSet,              // kModified (SetAttendance): arg: participant << 32 | Attendance
  kLinePriceSet,               // kModified (SetLinePrice): arg: line << 32 | the unit price in cents
  kAddOnAdded,                 // kModified (AddAddOn): arg: participant << 32 | add-on
  kAddOnRemoved,               // kModified (RemoveAddOn): arg: participant << 32 | add-on
  kAddOnPriceSet,              // kModified (AddAddOn, selected already): arg: participant << 32 | add-on
  kDepartureChanged,           // kModified (ChangeDeparture): arg: from << 32 | to (performance ids)
  kAddOnsDropped,              // kModified (ChangeDeparture): arg: the add-ons the new departure had no room for
  kReturnCitySet,              // kModified (SetReturnCity): arg: the departure returned to (0: the order's own city)
  kTravelBookAttached,         // kTravelBook: arg: 1 the departure's convocation, 0 the order's own
  kTravelBookModeSet,          // kTravelBook: arg: TravelBookMode
  kTravelBookMailQueued,       // kTravelBook: arg: the mail's number (SendTravelBookMail, by hand)
  kTravelBookMailSent,         // kEmailSent: arg: the mail's number
  kTravelBookMailFailed,       // kEmailSent: arg: the mail's number (the relay refused it)
};
inline constexpr WorkflowDetail kWorkflowDetailLast =
    WorkflowDetail::kTravelBookMailFailed;  // snapshots check against it

// One stored workflow event: 24 bytes, no heap (an order's cold part holds
// a few of them in a vector its slot keeps).
struct WorkflowEvent {
  int64_t at_ms = 0;
  PrincipalId principal = 0;
  WorkflowAction action = WorkflowAction::kCreated;
  OrderState from = OrderState::kHeld;
  OrderState to = OrderState::kHeld;
  WorkflowDetail what = WorkflowDetail::kNothing;
  uint64_t arg = 0;
  auto fields() const { return std::tie(at_ms, principal, action, from, to, what, arg); }
};
static_assert(sizeof(WorkflowEvent) == 24);
std::string workflow_detail_text(WorkflowDetail what, uint64_t arg);

// One workflow entry as the order page shows it (the event, its detail as text).
struct WorkflowEntry {
  int64_t at_ms = 0;
  PrincipalId principal = 0;  // 0: the system (a deadline, an expiry)
  WorkflowAction action = WorkflowAction::kCreated;
  OrderState from = OrderState::kHeld;
  OrderState to = OrderState::kHeld;
  std::string detail;
  auto fields() const { return std::tie(at_ms, principal, action, from, to, detail); }
};

// A reminder an order's workflow records (RemindOrders): its rank, and
// whether it went by e-mail or in a letter file.
struct ReminderSent {
  uint32_t rank = 0;
  bool email = false;
};
std::optional<ReminderSent> reminder_of(const WorkflowEvent& e);
// The same read back from an entry of a stored record, whose detail is the
// text workflow_detail_text wrote.
std::optional<ReminderSent> reminder_of(const WorkflowEntry& e);

// An operator's note on the order (module de suivi).
struct OrderNote {
  int64_t at_ms = 0;
  PrincipalId principal = 0;
  std::string text;
  auto fields() const { return std::tie(at_ms, principal, text); }
};

std::string_view payment_mode_name(PaymentMode mode);

// One payment (or refund) of an order, as recorded (AddPayment) and shown.
struct Payment {
  uint32_t number = 0;  // 1, 2, ... in the order recorded
  PaymentMode mode = PaymentMode::kTransfer;
  int64_t amount_cents = 0;  // < 0: a refund
  int64_t received_ms = 0;
  ContactId contact = kNone;  // who paid
  PayerId payer = kNone;      // a deferred payment's third-party payer
  std::string label;
  std::string bank;
  std::string reason;
  int64_t collected_ms = 0;  // a deferred payment's collection (0: awaiting)
  int64_t recorded_ms = 0;
  PrincipalId principal = 0;  // who recorded it
  // Appended: the batches that froze it (0: none; engine/commands_batches.h).
  uint32_t deposit = 0;   // the cheque deposit
  uint32_t payout = 0;    // the payout
  uint32_t exported = 0;  // the accounting export
  // Appended: the participant it is allocated to (kNone: the order).
  ContactId participant = kNone;
  static constexpr size_t kHashedAlways = 12;  // a payment in no batch hashes as before batches existed
  auto fields() const {
    return std::tie(number, mode, amount_cents, received_ms, contact, payer, label, bank, reason, collected_ms,
                    recorded_ms, principal, deposit, payout, exported, participant);
  }
  bool frozen() const { return deposit != 0 || payout != 0 || exported != 0; }
};

// The money of one order: what was paid and the adjustments to its price.
// Kept only for an order that has some (engine/order_money.h).
// An invoice or credit note of an order, as the order keeps it (the
// register on shard 0 keeps the whole document: engine/commands_invoices.h).
struct InvoiceRef {
  InvoiceKind kind = InvoiceKind::kInvoice;
  uint32_t year = 0;
  uint32_t number = 0;
  uint32_t attempt = 0;
  int64_t issued_ms = 0;
  int64_t total_cents = 0;
  auto fields() const { return std::tie(kind, year, number, attempt, issued_ms, total_cents); }
  bool operator==(const InvoiceRef&) const = default;
};

// An annex fee on an order, as the order keeps it (its price may differ
// from the catalog's).
struct OrderFee {
  AnnexFeeId fee = kNone;
  int64_t unit_cents = 0;
  bool per_unit = false;  // × the order's units
  bool mandatory = false;
  auto fields() const { return std::tie(fee, unit_cents, per_unit, mandatory); }
  bool operator==(const OrderFee&) const = default;
};

struct OrderMoney {
  int64_t cash_discount_cents = 0;
  int64_t contract_signed_ms = 0;
  std::vector<Payment> payments;
  // Appended (docs/format.md, rule 4): invoicing.
  uint32_t documents = 0;                // invoices and credit notes begun (the last attempt's number)
  std::vector<InvoiceDocument> pending;  // the documents being numbered (kOrderPendingDocumentsMax)
  std::vector<InvoiceRef> invoices;      // the numbered ones, oldest first
  // Appended: CancelValidated.
  CancelledBy cancelled_by = CancelledBy::kNobody;
  int64_t cancellation_fee_cents = 0;  // what a client's cancellation costs: the order's to pay once closed
  // Appended: the promo code (engine/commands_promo.h).
  std::string promo_code;          // the code applied ("": none)
  int64_t promo_amount_cents = 0;  // its terms: an amount off, or
  uint32_t promo_percent = 0;      // a percent of the package
  uint32_t promo_claims = 0;       // claims begun (the last attempt's number)
  // Appended: the annex fees, in the order added.
  std::vector<OrderFee> fees;
  // Appended: the cashback (engine/commands_cashback.h).
  int64_t cashback_cents = 0;    // taken from the client's cashback (0: none)
  uint32_t cashback_claims = 0;  // claims begun (the last attempt's number)
  // Appended: sponsorship (engine/commands_sponsorship.h).
  ContactId sponsor = kNone;            // who brought the client (kNone: none)
  int64_t sponsor_reduction_cents = 0;  // the terms when the sponsor was named
  int64_t sponsor_reward_cents = 0;
  uint32_t sponsor_claims = 0;                // claims begun (the last attempt's number)
  bool sponsor_rewarded = false;              // the reward is in the outbox (validated, not taken back since)
  static constexpr size_t kHashedAlways = 3;  // a state without invoicing hashes as before it existed
  auto fields() const {
    return std::tie(cash_discount_cents, contract_signed_ms, payments, documents, pending, invoices, cancelled_by,
                    cancellation_fee_cents, promo_code, promo_amount_cents, promo_percent, promo_claims, fees,
                    cashback_cents, cashback_claims, sponsor, sponsor_reduction_cents, sponsor_reward_cents,
                    sponsor_claims, sponsor_rewarded);
  }
  // Invoiced: the last numbered invoice or credit note is an invoice (a
  // credit note cancels the one before it; cancellation and commission
  // invoices bill the cancellation, not the order).
  const InvoiceRef* invoice() const {
    for (auto it = invoices.rbegin(); it != invoices.rend(); ++it) {
      if (it->kind == InvoiceKind::kInvoice) return &*it;
      if (it->kind == InvoiceKind::kCreditNote) return nullptr;
    }
    return nullptr;
  }
};

// The cold part of one order slot.
struct OrderCold {
  std::vector<WorkflowEvent> workflow;  // without the creation (the order's own fields say it)
  std::vector<OrderNote> notes;
  std::string client_info;  // "informations complémentaires", the client's own field
  auto fields() const { return std::tie(workflow, notes, client_info); }
  // Empties it for the slot's next order, keeping the vectors' capacity.
  void clear() {
    workflow.clear();
    notes.clear();
    client_info.clear();
  }
};

// The order's status as seed 003 names it, next to the engine's state.
std::string_view seed_status_name(OrderState state);

// A seat of a seated line, as the venue names it.
struct SeatPlace {
  uint32_t seat = 0;  // index in the venue layout
  std::string section;
  uint32_t row = 0;
  uint32_t number = 0;
  auto fields() const { return std::tie(seat, section, row, number); }
};

struct OrderRecordLine {
  PerformanceId performance = kNone;
  CategoryId category = kNone;
  TariffId tariff = kNone;
  ContingentId contingent = kNone;
  uint32_t quantity = 0;
  uint32_t unit_price_cents = 0;
  uint64_t amount_cents = 0;     // quantity × unit price
  std::vector<SeatPlace> seats;  // empty for a general-admission line
  auto fields() const {
    return std::tie(performance, category, tariff, contingent, quantity, unit_price_cents, amount_cents, seats);
  }
};

// GetOrderRecord: everything the order page shows.
// An annex fee as the order page shows it.
struct OrderFeeLine {
  AnnexFeeId fee = kNone;
  std::string name;  // the catalog's
  uint32_t quantity = 0;
  int64_t unit_cents = 0;
  int64_t amount_cents = 0;
  bool mandatory = false;
  auto fields() const { return std::tie(fee, name, quantity, unit_cents, amount_cents, mandatory); }
};

struct OrderRecord {
  OrderId order = 0;
  OrderState state = OrderState::kHeld;
  std::string status;  // seed_status_name(state)
  BookingKind kind = BookingKind::kOption;
  ExpiryPolicy policy = ExpiryPolicy::kReleaseAtDeadline;
  ContactId contact = kNone;
  ChannelId channel = kNone;
  PrincipalId principal = 0;  // who created it
  int64_t created_ms = 0;
  int64_t deadline_ms = 0;        // the option/reservation deadline (due date while overdue), 0 otherwise
  int64_t hold_expires_ms = 0;    // a hold's expiry, 0 otherwise
  int64_t overdue_until_ms = 0;   // an overdue order's end of grace, 0 otherwise
  int64_t hold_until_max_ms = 0;  // a hold's last possible extension
  uint32_t extensions = 0;
  uint32_t extensions_max = 0;
  ReleaseMark mark = ReleaseMark::kRelease;
  bool locked = false;
  uint32_t reminder_rank = 0;
  int64_t reminded_ms = 0;
  uint64_t file_number = 0;
  uint32_t quantity = 0;
  uint64_t total_cents = 0;
  std::vector<OrderRecordLine> lines;
  std::vector<OrderNote> notes;
  std::string client_info;
  std::vector<WorkflowEntry> workflow;  // oldest first; the state history is its kCreated/kStateChanged entries
  // The summary and the payments tab (engine/order_money.h states the sums).
  int64_t cash_discount_cents = 0;
  int64_t to_pay_cents = 0;  // total_cents − the cash discount − the reduction (0 once closed)
  int64_t paid_cents = 0;    // immediate payments, refunds deducted
  int64_t deferred_cents = 0;
  int64_t awaiting_collection_cents = 0;
  int64_t balance_cents = 0;  // to_pay − paid − deferred; < 0: owed to the client
  bool fully_paid = false;    // balance <= 0
  int64_t contract_signed_ms = 0;
  std::vector<Payment> payments;
  // Invoicing ("Facturée": the last document is an invoice).
  bool invoiced = false;
  bool invoice_pending = false;      // a document is being numbered
  std::vector<InvoiceRef> invoices;  // invoices and credit notes, oldest first
  // Appended: a validated order's cancellation (CancelValidated).
  CancelledBy cancelled_by = CancelledBy::kNobody;
  int64_t cancellation_fee_cents = 0;
  // Appended: the promo code (engine/commands_promo.h) and what it takes
  // off (to_pay is total − cash discount − reduction).
  std::string promo_code;
  int64_t reduction_cents = 0;
  bool promo_pending = false;  // a code is being claimed
  // Appended: the annex fees (to_pay counts them: total + fees − discount − reduction).
  std::vector<OrderFeeLine> fees;
  int64_t fees_cents = 0;
  // Appended: the cashback taken (engine/commands_cashback.h; part of reduction_cents).
  int64_t cashback_cents = 0;
  bool cashback_pending = false;  // a cashback claim is being paid
  // Appended: the sponsor (engine/commands_sponsorship.h), the sponsorship's
  // part of reduction_cents, the sponsor's reward and whether it was given
  // (the order validated, not cancelled since).
  ContactId sponsor = kNone;
  int64_t sponsorship_cents = 0;
  int64_t sponsor_reward_cents = 0;
  bool sponsor_rewarded = false;
  bool sponsor_pending = false;  // a sponsor claim is being checked
  // Appended: the participants and the administrative file
  // (engine/commands_dossier.h). file_complete: every participant has a
  // checked document of every type the product requires; document_alert:
  // a document a web shop attached waits for an operator.
  std::vector<ParticipantLine> participants;
  std::vector<OrderDocument> documents;
  std::vector<MissingDocument> missing_documents;
  bool file_complete = false;
  bool document_alert = false;
  // Appended: the trip (engine/commands_dossier.h, "Departures, add-ons and
  // the return city"): the departure's city (empty: not a defined
  // departure), the departure whose city it returns to (kNone: its own) and
  // that city, what the return changes per unit (in the package), the
  // add-ons' sum (in the package); and the client as the contact directory
  // knows them (the server fills these two; a shard alone leaves them empty).
  std::string departure_city;
  PerformanceId return_departure = kNone;
  std::string return_city;
  int64_t return_supplement_cents = 0;
  int64_t add_ons_cents = 0;
  std::string client_name;
  bool client_litigious = false;
  // Appended: the travel book (engine/commands_travel_book.h): the mode,
  // the convocations shown (the departure's, then the order's own; withdrawn
  // ones listed too), whether one is shown (travel_book_attached) and
  // whether the client can open it (travel_book_released: attached, fully
  // paid and the file complete — the order page's green "travel book").
  TravelBookMode travel_book_mode = TravelBookMode::kGroup;
  std::vector<TravelBookLine> travel_books;
  bool travel_book_attached = false;
  bool travel_book_released = false;
  auto fields() const {
    return std::tie(order, state, status, kind, policy, contact, channel, principal, created_ms, deadline_ms,
                    hold_expires_ms, overdue_until_ms, hold_until_max_ms, extensions, extensions_max, mark, locked,
                    reminder_rank, reminded_ms, file_number, quantity, total_cents, lines, notes, client_info, workflow,
                    cash_discount_cents, to_pay_cents, paid_cents, deferred_cents, awaiting_collection_cents,
                    balance_cents, fully_paid, contract_signed_ms, payments, invoiced, invoice_pending, invoices,
                    cancelled_by, cancellation_fee_cents, promo_code, reduction_cents, promo_pending, fees, fees_cents,
                    cashback_cents, cashback_pending, sponsor, sponsorship_cents, sponsor_reward_cents,
                    sponsor_rewarded, sponsor_pending, participants, documents, missing_documents, file_complete,
                    document_alert, departure_city, return_departure, return_city, return_supplement_cents,
                    add_ons_cents, client_name, client_litigious, travel_book_mode, travel_books, travel_book_attached,
                    travel_book_released);
  }
  // A record stored before money existed: nothing paid; the total owed
  // unless the order is closed (engine/order_money.h). One stored before
  // the administrative file: nothing was required, so its file is complete.
  void fields_absent(size_t present) {
    if (present <= 55) file_complete = true;
    if (present > 26) return;
    to_pay_cents = balance_cents = is_closed(state) ? 0 : static_cast<int64_t>(total_cents);
    fully_paid = balance_cents <= 0;
  }
};

// One row of ListOrders.
struct OrderSummary {
  OrderId order = 0;
  OrderState state = OrderState::kHeld;
  ContactId contact = kNone;
  ChannelId channel = kNone;
  PrincipalId principal = 0;
  int64_t created_ms = 0;
  int64_t deadline_ms = 0;            // as OrderRecord::deadline_ms, or a hold's expiry
  PerformanceId performance = kNone;  // of the first line
  uint32_t quantity = 0;
  uint64_t total_cents = 0;
  auto fields() const {
    return std::tie(order, state, contact, channel, principal, created_ms, deadline_ms, performance, quantity,
                    total_cents);
  }
};

struct OrderPage {
  std::vector<OrderSummary> orders;  // by order id
  uint64_t total = 0;                // orders matching the filter (all pages)
  OrderId next_after = 0;            // the cursor of the next page (0: this is the last page)
  auto fields() const { return std::tie(orders, total, next_after); }
};

// One category of GetStockSummary: units by state. capacity = free +
// blocked + held + option + overdue + reservation + confirmed.
struct StockRow {
  CategoryId category = kNone;
  bool seated = false;
  uint32_t capacity = 0;
  uint32_t free = 0;
  uint32_t blocked = 0;  // seats blocked (never sold)
  uint32_t held = 0;
  uint32_t option = 0;
  uint32_t overdue = 0;  // options and reservations past their deadline ("OD")
  uint32_t reservation = 0;
  uint32_t confirmed = 0;
  auto fields() const {
    return std::tie(category, seated, capacity, free, blocked, held, option, overdue, reservation, confirmed);
  }
};

struct StockSummary {
  PerformanceId performance = kNone;
  std::vector<StockRow> rows;  // by category
  auto fields() const { return std::tie(performance, rows); }
};

}  // namespace tessera::engine
