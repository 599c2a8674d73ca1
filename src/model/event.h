#pragma once
// The core's view of one input event. Strings are views into the decoded
// message owned by the caller, valid for the duration of one apply() call.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/channel.h"
#include "model/time.h"

namespace ccpulse {

enum class event_kind : std::uint8_t {
  interaction_created,
  queued,
  answered,
  agent_replied,
  customer_replied,
  held,
  resumed,
  transferred,
  escalated,
  status_changed,
  wrap_up_started,
  wrap_up_ended,
  abandoned,
  resolved,
  reopened,
  sentiment_observed,
  survey_response,
  follow_up_completed,
  agent_state_changed,
};

enum class ticket_status : std::uint8_t { unspecified, new_, open, pending, on_hold, solved, closed };

enum class agent_state : std::uint8_t {
  unspecified,
  logged_out,
  available,
  on_contact,
  after_contact_work,
  away,
};

inline constexpr std::size_t max_id_length = 64;
// Attribute keys the engine keeps: those the policies name (match.attributes),
// at most this many; the decoder keeps their values by slot.
inline constexpr std::size_t max_attribute_keys = 4;

struct event {
  std::string_view event_id;
  instant occurred_at{};
  std::string_view interaction_id;
  channel chan = channel::unspecified;
  std::string_view queue_id;
  std::uint32_t priority = 0;
  std::string_view customer_id;
  std::string_view customer_tier;
  std::string_view agent_id;
  event_kind kind = event_kind::interaction_created;
  // The event's attributes of the kept keys, by slot (the policy set's
  // attribute_keys()); empty: absent (or sent as "").
  std::array<std::string_view, max_attribute_keys> attributes{};

  // Payload fields; which ones are meaningful depends on kind.
  std::string_view to_queue_id;                       // transferred, escalated
  std::string_view reason;                            // transferred, escalated (may be empty)
  ticket_status status = ticket_status::unspecified;  // status_changed
  agent_state agent = agent_state::unspecified;       // agent_state_changed
  double sentiment = 0;                               // sentiment_observed, in [-1, 1]
  std::uint8_t csat = 0;                              // survey_response: 1..5, 0 = not asked
  std::int8_t nps = -1;                               // survey_response: 0..10, -1 = not asked
};

std::string_view to_string(event_kind k);

}  // namespace ccpulse
