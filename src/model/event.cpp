#include "model/event.h"

namespace ccpulse {

std::string_view to_string(event_kind k) {
  switch (k) {
    case event_kind::interaction_created:
      return "interaction_created";
    case event_kind::queued:
      return "queued";
    case event_kind::answered:
      return "answered";
    case event_kind::agent_replied:
      return "agent_replied";
    case event_kind::customer_replied:
      return "customer_replied";
    case event_kind::held:
      return "held";
    case event_kind::resumed:
      return "resumed";
    case event_kind::transferred:
      return "transferred";
    case event_kind::escalated:
      return "escalated";
    case event_kind::status_changed:
      return "status_changed";
    case event_kind::wrap_up_started:
      return "wrap_up_started";
    case event_kind::wrap_up_ended:
      return "wrap_up_ended";
    case event_kind::abandoned:
      return "abandoned";
    case event_kind::resolved:
      return "resolved";
    case event_kind::reopened:
      return "reopened";
    case event_kind::sentiment_observed:
      return "sentiment_observed";
    case event_kind::survey_response:
      return "survey_response";
    case event_kind::follow_up_completed:
      return "follow_up_completed";
    case event_kind::agent_state_changed:
      return "agent_state_changed";
  }
  return "unknown";
}

}  // namespace ccpulse
