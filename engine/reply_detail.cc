// Names of outcomes and run states.
#include "engine/reply_detail.h"

namespace tessera::engine {

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kDone:
      return "done";
    case Outcome::kSkippedKept:
      return "skipped: kept";
    case Outcome::kSkippedLocked:
      return "skipped: locked";
    case Outcome::kSkippedState:
      return "skipped: state";
    case Outcome::kNotFound:
      return "not found";
    case Outcome::kSkippedWorkflowFull:
      return "skipped: workflow full";
  }
  return "unknown";
}

std::string_view run_state_name(RunState state) {
  switch (state) {
    case RunState::kSelected:
      return "selected";
    case RunState::kExported:
      return "exported";
    case RunState::kValidated:
      return "validated";
    case RunState::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

}  // namespace tessera::engine
