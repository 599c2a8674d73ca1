#pragma once
// ccpulse.v1.Event read straight off the wire: one pass over the bytes,
// strings as views into them, no allocation (DESIGN.md §12; protobuf's
// generated parser allocated and copied ~6 times per event and was a fifth
// of the worker thread). It accepts exactly what protobuf's parser accepts
// (unknown fields and groups skipped, wrong wire types taken as unknown,
// strings checked for UTF-8, the recursion limit, last-one-wins and merged
// sub-messages, oneof members replacing each other); the unit tests hold it
// to protobuf on mutated and generated inputs. Field numbers are those of
// schemas/ccpulse/v1/events.proto.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ccpulse::codec {

struct wire_event {
  std::string_view event_id;
  bool has_occurred_at = false;
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;
  std::string_view interaction_id;
  std::int32_t channel = 0;  // enum value as sent (open enum)
  std::string_view queue_id;
  std::uint32_t priority = 0;
  std::string_view customer_id;
  std::string_view customer_tier;
  std::string_view agent_id;
  // attributes (field 9): the values of the wanted keys (parse_event_wire's
  // `attribute_keys`), by position in that list; a key sent twice keeps the
  // last entry, as protobuf's map does. Other keys are checked, not kept.
  std::array<std::string_view, 4> attributes{};

  // The payload oneof: its field number in Event (20..38), 0 when unset.
  std::uint32_t payload = 0;
  std::string_view to_queue_id;     // transferred (1), escalated (3)
  std::string_view reason;          // transferred (3), escalated (2)
  std::int32_t status = 0;          // status_changed
  std::int32_t agent_state = 0;     // agent_state_changed
  std::string_view first_queue_id;  // agent_state_changed.queue_ids[0]
  bool has_queue_ids = false;
  double score = 0;  // sentiment_observed
  std::uint32_t csat = 0;
  std::uint32_t nps = 0;
  bool has_nps = false;
};

// Event payload field numbers (events.proto).
namespace payload_field {
inline constexpr std::uint32_t interaction_created = 20, queued = 21, answered = 22, agent_replied = 23,
                               customer_replied = 24, held = 25, resumed = 26, transferred = 27,
                               escalated = 28, status_changed = 29, wrap_up_started = 30, wrap_up_ended = 31,
                               abandoned = 32, resolved = 33, reopened = 34, sentiment_observed = 35,
                               survey_response = 36, follow_up_completed = 37, agent_state_changed = 38;
}

// False when protobuf would refuse the bytes as a ccpulse.v1.Event. On
// success the views in `out` point into `bytes`.
// At most wire_event::attributes.size() attribute keys are looked for;
// further ones are ignored.
bool parse_event_wire(std::span<const std::byte> bytes, wire_event& out,
                      std::span<const std::string> attribute_keys = {});

// Structural UTF-8 as protobuf checks proto3 strings: no overlong forms, no
// surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s);

}  // namespace ccpulse::codec
