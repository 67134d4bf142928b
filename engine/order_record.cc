// Names of the order page's enums.
#include "engine/order_record.h"

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
