// Names of the order page's enums.
#include "engine/order_record.h"

#include <charconv>

#include "engine/commands_batches.h"

namespace tessera::engine {

std::string_view workflow_action_name(WorkflowAction action) {
  switch (action) {
    case WorkflowAction::kCreated:
      return "created";
    case WorkflowAction::kModified:
      return "modified";
    case WorkflowAction::kStateChanged:
      return "state changed";
    case WorkflowAction::kEmailSent:
      return "e-mail sent";
    case WorkflowAction::kPaymentStatus:
      return "payment status";
    case WorkflowAction::kInvoicing:
      return "invoicing";
    case WorkflowAction::kFileStatus:
      return "file status";
    case WorkflowAction::kTravelBook:
      return "travel book";
  }
  return "unknown";
}

std::string workflow_detail_text(WorkflowDetail what, uint64_t arg) {
  const uint64_t hi = arg >> 32, lo = arg & 0xFFFF'FFFFu;
  switch (what) {
    case WorkflowDetail::kNothing:
      return {};
    case WorkflowDetail::kHoldExtended:
      return cat("hold extended to ", arg);
    case WorkflowDetail::kPartlyConfirmed:
      return cat("partly confirmed: ", hi, " of ", lo, " units kept");
    case WorkflowDetail::kMarkedKeep:
      return "marked keep";
    case WorkflowDetail::kMarkedRelease:
      return "marked release";
    case WorkflowDetail::kLocked:
      return "locked";
    case WorkflowDetail::kUnlocked:
      return "unlocked";
    case WorkflowDetail::kFiled:
      return cat("file ", arg);
    case WorkflowDetail::kNoteAdded:
      return "note added";
    case WorkflowDetail::kInfoSet:
      return "client's information set";
    case WorkflowDetail::kInfoCleared:
      return "client's information cleared";
    case WorkflowDetail::kReminderEmail:
      return cat("reminder ", hi, " (format ", lo, ")");
    case WorkflowDetail::kReminderLetter:
      return cat("reminder ", hi, " in a letter file (format ", lo, ")");
    case WorkflowDetail::kPaymentAdded:
      return cat("payment ", hi, " (", payment_mode_name(static_cast<PaymentMode>(lo)), ")");
    case WorkflowDetail::kRefundAdded:
      return cat("refund ", hi, " (", payment_mode_name(static_cast<PaymentMode>(lo)), ")");
    case WorkflowDetail::kPaymentCollected:
      return cat("payment ", arg, " collected");
    case WorkflowDetail::kCashDiscount:
      return cat("cash discount ", arg, " cents");
    case WorkflowDetail::kContractSigned:
      return "contract signed";
    case WorkflowDetail::kFullyPaid:
      return "fully paid";
    case WorkflowDetail::kNotFullyPaid:
      return "no longer fully paid";
    case WorkflowDetail::kPaymentChanged:
      return cat("payment ", arg, " changed");
    case WorkflowDetail::kInvoiceIssued:
      return cat("invoice ", hi, "-", lo, " issued");
    case WorkflowDetail::kCreditNoteIssued:
      return cat("credit note ", hi, "-", lo, " issued (de-invoiced)");
    case WorkflowDetail::kCancelledByClient:
      return cat("cancelled by the client: fee ", arg, " cents");
    case WorkflowDetail::kCancelledByOrganiser:
      return cat("cancelled by the organiser: commission ", arg, " cents");
    case WorkflowDetail::kCancellationInvoiceIssued:
      return cat("cancellation invoice ", hi, "-", lo, " issued");
    case WorkflowDetail::kCommissionInvoiceIssued:
      return cat("commission invoice ", hi, "-", lo, " issued");
    case WorkflowDetail::kPromoApplied:
      return cat("promo code applied: ", arg, " cents off");
    case WorkflowDetail::kPromoRemoved:
      return "promo code removed";
    case WorkflowDetail::kFeeSet:
      return cat("annex fee ", hi, " at ", lo, " cents");
    case WorkflowDetail::kFeeRemoved:
      return cat("annex fee ", arg, " removed");
    case WorkflowDetail::kPaymentFrozen:
      return cat("payment ", (lo >> 8) & 0xFF'FFFFu, " in ", batch_kind_name(static_cast<BatchKind>(lo & 0xFFu)), " ",
                 hi);
    case WorkflowDetail::kCashbackApplied:
      return cat("cashback applied: ", arg, " cents off");
    case WorkflowDetail::kCashbackRemoved:
      return cat("cashback removed: ", arg, " cents given back");
    case WorkflowDetail::kSponsorSet:
      return cat("sponsored by contact ", arg);
    case WorkflowDetail::kSponsorRemoved:
      return cat("sponsor ", arg, " removed");
    case WorkflowDetail::kSponsorRewarded:
      return cat("sponsor rewarded: ", arg, " cents of cashback");
    case WorkflowDetail::kPreRegistrationIntegrated:
      return arg == 0 ? std::string("pre-registration integrated (unknown requester)")
                      : cat("pre-registration integrated for contact ", arg);
    case WorkflowDetail::kParticipantAdded:
      return cat("participant ", lo, " added (line ", hi, ")");
    case WorkflowDetail::kParticipantRemoved:
      return cat("participant ", lo, " removed (line ", hi, ")");
    case WorkflowDetail::kLegalRepresentativeSet:
      return lo == 0 ? cat("legal representative of participant ", hi, ": the client")
                     : cat("legal representative of participant ", hi, ": contact ", lo);
    case WorkflowDetail::kDocumentAttached:
      return lo == 0 ? cat("document ", hi, " attached") : cat("document ", hi, " attached (type ", lo, ")");
    case WorkflowDetail::kDocumentChecked:
      return cat("document ", arg, " checked");
    case WorkflowDetail::kDocumentRefused:
      return cat("document ", arg, " not checked");
    case WorkflowDetail::kFileComplete:
      return "administrative file complete";
    case WorkflowDetail::kFileIncomplete:
      return "administrative file incomplete";
    case WorkflowDetail::kAttendanceSet:
      return cat("participant ", hi, ": ",
                 lo == static_cast<uint64_t>(Attendance::kPresent)  ? "present"
                 : lo == static_cast<uint64_t>(Attendance::kAbsent) ? "absent"
                                                                    : "attendance by default");
    case WorkflowDetail::kLinePriceSet:
      return cat("line ", hi, " unit price ", lo, " cents");
    case WorkflowDetail::kAddOnAdded:
      return cat("participant ", hi, ": add-on ", lo, " added");
    case WorkflowDetail::kAddOnRemoved:
      return cat("participant ", hi, ": add-on ", lo, " removed");
    case WorkflowDetail::kAddOnPriceSet:
      return cat("participant ", hi, ": add-on ", lo, " price changed");
    case WorkflowDetail::kDepartureChanged:
      return cat("departure changed from performance ", hi, " to ", lo);
    case WorkflowDetail::kAddOnsDropped:
      return cat(arg, " add-on", arg == 1 ? "" : "s", " dropped (no room on the new departure)");
    case WorkflowDetail::kReturnCitySet:
      return arg == 0 ? std::string("return to the departure's own city")
                      : cat("return to the city of departure ", arg);
    case WorkflowDetail::kTravelBookAttached:
      return arg == 1 ? std::string("the departure's convocation attached") : std::string("a convocation attached");
    case WorkflowDetail::kTravelBookModeSet:
      return arg == static_cast<uint64_t>(TravelBookMode::kIndividual) ? std::string("travel book: individual mode")
                                                                       : std::string("travel book: group mode");
    case WorkflowDetail::kTravelBookMailQueued:
      return cat("travel-book e-mail ", arg, " to send again");
    case WorkflowDetail::kTravelBookMailSent:
      return cat("travel-book e-mail ", arg, " sent");
    case WorkflowDetail::kTravelBookMailFailed:
      return cat("travel-book e-mail ", arg, " not sent");
  }
  return "unknown";
}

std::optional<ReminderSent> reminder_of(const WorkflowEvent& e) {
  if (e.what != WorkflowDetail::kReminderEmail && e.what != WorkflowDetail::kReminderLetter) return std::nullopt;
  return ReminderSent{static_cast<uint32_t>(e.arg >> 32), e.what == WorkflowDetail::kReminderEmail};
}

std::optional<ReminderSent> reminder_of(const WorkflowEntry& e) {
  // workflow_detail_text: "reminder N (format F)" with kEmailSent, "reminder
  // N in a letter file (format F)" with kModified.
  constexpr std::string_view kPrefix = "reminder ";
  const std::string_view text = e.detail;
  const bool email = e.action == WorkflowAction::kEmailSent;
  if (!text.starts_with(kPrefix)) return std::nullopt;
  if (!email && (e.action != WorkflowAction::kModified || text.find(" in a letter file ") == std::string_view::npos))
    return std::nullopt;
  ReminderSent sent{0, email};
  const char* begin = text.data() + kPrefix.size();
  if (std::from_chars(begin, text.data() + text.size(), sent.rank).ec != std::errc{}) return std::nullopt;
  return sent;
}

std::string_view payment_mode_name(PaymentMode mode) {
  switch (mode) {
    case PaymentMode::kTransfer:
      return "transfer";
    case PaymentMode::kCheque:
      return "cheque";
    case PaymentMode::kCash:
      return "cash";
    case PaymentMode::kCard:
      return "card";
    case PaymentMode::kThirdParty:
      return "third-party payer";
  }
  return "unknown";
}

// Seed 003's words: Option, Option annulable, Validée, Archivée, Annulée;
// the engine's other states (a web cart, a reservation, released, expired)
// in the same language.
std::string_view seed_status_name(OrderState state) {
  switch (state) {
    case OrderState::kHeld:
      return "panier";
    case OrderState::kOption:
      return "option";
    case OrderState::kReservation:
      return "réservation";
    case OrderState::kOverdue:
      return "option annulable";
    case OrderState::kConfirmed:
      return "validée";
    case OrderState::kReleased:
      return "libérée";
    case OrderState::kExpired:
      return "expirée";
    case OrderState::kArchived:
      return "archivée";
    case OrderState::kCancelled:
      return "annulée";
  }
  return "inconnu";
}

}  // namespace tessera::engine
