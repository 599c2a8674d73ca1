#pragma once
// Why an input record was sent to the dead-letter topic. The string form is
// both the `ccpulse-reason` header and the `reason` label of
// ccpulse_events_invalid_total, so it is stable.
#include <cstdint>
#include <string_view>

namespace ccpulse::codec {

enum class invalid_reason : std::uint8_t {
  oversize,
  decode_failed,
  missing_event_id,
  missing_interaction_id,
  missing_agent_id,
  missing_occurred_at,
  invalid_timestamp,
  future_timestamp,
  id_too_long,
  unknown_channel,
  missing_payload,
  missing_queue,
  invalid_field,
  // Rejected by the engine rather than the decoder.
  engine_rejected,
};
inline constexpr int invalid_reason_count = 14;

constexpr std::string_view to_string(invalid_reason r) {
  switch (r) {
    case invalid_reason::oversize:
      return "oversize";
    case invalid_reason::decode_failed:
      return "decode_failed";
    case invalid_reason::missing_event_id:
      return "missing_event_id";
    case invalid_reason::missing_interaction_id:
      return "missing_interaction_id";
    case invalid_reason::missing_agent_id:
      return "missing_agent_id";
    case invalid_reason::missing_occurred_at:
      return "missing_occurred_at";
    case invalid_reason::invalid_timestamp:
      return "invalid_timestamp";
    case invalid_reason::future_timestamp:
      return "future_timestamp";
    case invalid_reason::id_too_long:
      return "id_too_long";
    case invalid_reason::unknown_channel:
      return "unknown_channel";
    case invalid_reason::missing_payload:
      return "missing_payload";
    case invalid_reason::missing_queue:
      return "missing_queue";
    case invalid_reason::invalid_field:
      return "invalid_field";
    case invalid_reason::engine_rejected:
      return "engine_rejected";
  }
  return "unknown";
}

}  // namespace ccpulse::codec
