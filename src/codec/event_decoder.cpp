#include "codec/event_decoder.h"

#include <cmath>
#include <optional>

#include "codec/event_wire.h"

namespace ccpulse::codec {

namespace {

decode_result fail(invalid_reason r, std::string detail) { return {false, r, std::move(detail)}; }

// Enum numbers of schemas/ccpulse/v1/events.proto (the unit tests check
// them against the generated enums).
std::optional<channel> channel_of(std::int32_t c) {
  switch (c) {
    case 0:
      return channel::unspecified;
    case 1:
      return channel::voice;
    case 2:
      return channel::chat;
    case 3:
      return channel::email;
    case 4:
      return channel::ticket;
    case 5:
      return channel::social;
    case 6:
      return channel::messaging;
    case 7:
      return channel::video;
    default:
      return std::nullopt;  // a value from a newer schema
  }
}

ticket_status status_of(std::int32_t s) {
  switch (s) {
    case 1:
      return ticket_status::new_;
    case 2:
      return ticket_status::open;
    case 3:
      return ticket_status::pending;
    case 4:
      return ticket_status::on_hold;
    case 5:
      return ticket_status::solved;
    case 6:
      return ticket_status::closed;
    default:
      return ticket_status::unspecified;
  }
}

agent_state agent_state_of(std::int32_t s) {
  switch (s) {
    case 1:
      return agent_state::logged_out;
    case 2:
      return agent_state::available;
    case 3:
      return agent_state::on_contact;
    case 4:
      return agent_state::after_contact_work;
    case 5:
      return agent_state::away;
    default:
      return agent_state::unspecified;
  }
}

std::optional<event_kind> kind_of(std::uint32_t payload) {
  namespace p = payload_field;
  switch (payload) {
    case p::interaction_created:
      return event_kind::interaction_created;
    case p::queued:
      return event_kind::queued;
    case p::answered:
      return event_kind::answered;
    case p::agent_replied:
      return event_kind::agent_replied;
    case p::customer_replied:
      return event_kind::customer_replied;
    case p::held:
      return event_kind::held;
    case p::resumed:
      return event_kind::resumed;
    case p::transferred:
      return event_kind::transferred;
    case p::escalated:
      return event_kind::escalated;
    case p::status_changed:
      return event_kind::status_changed;
    case p::wrap_up_started:
      return event_kind::wrap_up_started;
    case p::wrap_up_ended:
      return event_kind::wrap_up_ended;
    case p::abandoned:
      return event_kind::abandoned;
    case p::resolved:
      return event_kind::resolved;
    case p::reopened:
      return event_kind::reopened;
    case p::sentiment_observed:
      return event_kind::sentiment_observed;
    case p::survey_response:
      return event_kind::survey_response;
    case p::follow_up_completed:
      return event_kind::follow_up_completed;
    case p::agent_state_changed:
      return event_kind::agent_state_changed;
    default:
      return std::nullopt;
  }
}

}  // namespace

event_decoder::event_decoder(decoder_limits limits) : _limits(limits) {}

decode_result event_decoder::decode(std::span<const std::byte> bytes, instant now, event& out) {
  if (bytes.size() > _limits.max_event_bytes)
    return fail(invalid_reason::oversize,
                std::to_string(bytes.size()) + " bytes > limit " + std::to_string(_limits.max_event_bytes));
  wire_event m;
  if (!parse_event_wire(bytes, m, _limits.attribute_keys))
    return fail(invalid_reason::decode_failed, "not a valid ccpulse.v1.Event");

  auto kind = kind_of(m.payload);
  if (!kind) return fail(invalid_reason::missing_payload, "no known payload set");
  if (m.event_id.empty()) return fail(invalid_reason::missing_event_id, "event_id is empty");

  const bool agent_event = *kind == event_kind::agent_state_changed;
  if (agent_event && m.agent_id.empty())
    return fail(invalid_reason::missing_agent_id, "agent_state_changed needs agent_id");
  if (!agent_event && m.interaction_id.empty())
    return fail(invalid_reason::missing_interaction_id, "interaction_id is empty");
  for (const std::string_view id :
       {m.event_id, m.interaction_id, m.queue_id, m.agent_id, m.customer_id, m.customer_tier}) {
    if (id.size() > max_id_length)
      return fail(invalid_reason::id_too_long,
                  "an id is " + std::to_string(id.size()) + " bytes, limit " + std::to_string(max_id_length));
  }

  if (!m.has_occurred_at) return fail(invalid_reason::missing_occurred_at, "occurred_at unset");
  // Bounds of google.protobuf.Timestamp: years 0001..9999.
  if (m.seconds < -62135596800 || m.seconds > 253402300799 || m.nanos < 0 || m.nanos > 999999999)
    return fail(invalid_reason::invalid_timestamp, "occurred_at out of Timestamp range");
  const instant at = instant{std::chrono::seconds(m.seconds)} +
                     std::chrono::duration_cast<duration>(std::chrono::nanoseconds(m.nanos));
  if (at < _limits.earliest) return fail(invalid_reason::invalid_timestamp, "occurred_at before 2000-01-01");
  if (at > now + _limits.max_clock_skew)
    return fail(
        invalid_reason::future_timestamp,
        "occurred_at is " +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(at - now).count()) +
            " s in the future (max_clock_skew " +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(_limits.max_clock_skew).count()) +
            " s)");

  auto chan = channel_of(m.channel);
  if (!chan) return fail(invalid_reason::unknown_channel, "channel value " + std::to_string(m.channel));
  if (*chan == channel::unspecified &&
      (*kind == event_kind::interaction_created || *kind == event_kind::queued))
    return fail(invalid_reason::unknown_channel, "channel unspecified on an interaction's first events");
  if (*kind == event_kind::queued && m.queue_id.empty())
    return fail(invalid_reason::missing_queue, "queued needs queue_id");
  if (m.priority > 100)
    return fail(invalid_reason::invalid_field, "priority " + std::to_string(m.priority) + " > 100");

  out = event{};
  out.event_id = m.event_id;
  out.occurred_at = at;
  out.interaction_id = m.interaction_id;
  out.chan = *chan;
  out.queue_id = m.queue_id;
  out.priority = m.priority;
  out.customer_id = m.customer_id;
  out.customer_tier = m.customer_tier;
  out.agent_id = m.agent_id;
  out.kind = *kind;
  for (std::size_t i = 0; i < out.attributes.size(); ++i) out.attributes[i] = m.attributes[i];

  switch (*kind) {
    case event_kind::transferred:
    case event_kind::escalated:
      out.to_queue_id = m.to_queue_id;
      out.reason = m.reason;
      break;
    case event_kind::status_changed:
      out.status = status_of(m.status);
      break;
    case event_kind::agent_state_changed:
      out.agent = agent_state_of(m.agent_state);
      // The agent's queue for per-queue figures: queue_id, else the first
      // membership.
      if (out.queue_id.empty() && m.has_queue_ids) out.queue_id = m.first_queue_id;
      break;
    case event_kind::sentiment_observed:
      if (!std::isfinite(m.score) || m.score < -1.0 || m.score > 1.0)
        return fail(invalid_reason::invalid_field, "sentiment score outside [-1, 1]");
      out.sentiment = m.score;
      break;
    case event_kind::survey_response:
      if (m.csat > 5) return fail(invalid_reason::invalid_field, "csat outside 1..5");
      if (m.has_nps && m.nps > 10) return fail(invalid_reason::invalid_field, "nps outside 0..10");
      if (m.csat == 0 && !m.has_nps)
        return fail(invalid_reason::invalid_field, "survey_response carries neither csat nor nps");
      out.csat = static_cast<std::uint8_t>(m.csat);
      out.nps = m.has_nps ? static_cast<std::int8_t>(m.nps) : std::int8_t{-1};
      break;
    default:
      break;
  }
  return {true, invalid_reason::decode_failed, {}};
}

}  // namespace ccpulse::codec
