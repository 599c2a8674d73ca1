#include "codec/event_decoder.h"

#include <cmath>

#include "ccpulse/v1/events.pb.h"

namespace ccpulse::codec {

namespace {

decode_result fail(invalid_reason r, std::string detail) { return {false, r, std::move(detail)}; }

std::optional<channel> to_model(v1::Channel c) {
  switch (c) {
    case v1::CHANNEL_VOICE: return channel::voice;
    case v1::CHANNEL_CHAT: return channel::chat;
    case v1::CHANNEL_EMAIL: return channel::email;
    case v1::CHANNEL_TICKET: return channel::ticket;
    case v1::CHANNEL_SOCIAL: return channel::social;
    case v1::CHANNEL_MESSAGING: return channel::messaging;
    case v1::CHANNEL_VIDEO: return channel::video;
    case v1::CHANNEL_UNSPECIFIED: return channel::unspecified;
    default: return std::nullopt;  // a value from a newer schema
  }
}

ticket_status to_model(v1::TicketStatus s) {
  switch (s) {
    case v1::TICKET_STATUS_NEW: return ticket_status::new_;
    case v1::TICKET_STATUS_OPEN: return ticket_status::open;
    case v1::TICKET_STATUS_PENDING: return ticket_status::pending;
    case v1::TICKET_STATUS_ON_HOLD: return ticket_status::on_hold;
    case v1::TICKET_STATUS_SOLVED: return ticket_status::solved;
    case v1::TICKET_STATUS_CLOSED: return ticket_status::closed;
    default: return ticket_status::unspecified;
  }
}

agent_state to_model(v1::AgentState s) {
  switch (s) {
    case v1::AGENT_STATE_LOGGED_OUT: return agent_state::logged_out;
    case v1::AGENT_STATE_AVAILABLE: return agent_state::available;
    case v1::AGENT_STATE_ON_CONTACT: return agent_state::on_contact;
    case v1::AGENT_STATE_AFTER_CONTACT_WORK: return agent_state::after_contact_work;
    case v1::AGENT_STATE_AWAY: return agent_state::away;
    default: return agent_state::unspecified;
  }
}

std::optional<event_kind> kind_of(v1::Event::PayloadCase c) {
  using P = v1::Event::PayloadCase;
  switch (c) {
    case P::kInteractionCreated: return event_kind::interaction_created;
    case P::kQueued: return event_kind::queued;
    case P::kAnswered: return event_kind::answered;
    case P::kAgentReplied: return event_kind::agent_replied;
    case P::kCustomerReplied: return event_kind::customer_replied;
    case P::kHeld: return event_kind::held;
    case P::kResumed: return event_kind::resumed;
    case P::kTransferred: return event_kind::transferred;
    case P::kEscalated: return event_kind::escalated;
    case P::kStatusChanged: return event_kind::status_changed;
    case P::kWrapUpStarted: return event_kind::wrap_up_started;
    case P::kWrapUpEnded: return event_kind::wrap_up_ended;
    case P::kAbandoned: return event_kind::abandoned;
    case P::kResolved: return event_kind::resolved;
    case P::kReopened: return event_kind::reopened;
    case P::kSentimentObserved: return event_kind::sentiment_observed;
    case P::kSurveyResponse: return event_kind::survey_response;
    case P::kFollowUpCompleted: return event_kind::follow_up_completed;
    case P::kAgentStateChanged: return event_kind::agent_state_changed;
    case P::PAYLOAD_NOT_SET: break;
  }
  return std::nullopt;
}

}  // namespace

event_decoder::event_decoder(decoder_limits limits)
    : _limits(limits), _message(std::make_unique<v1::Event>()) {}

event_decoder::~event_decoder() = default;

decode_result event_decoder::decode(std::span<const std::byte> bytes, instant now, event& out) {
  if (bytes.size() > _limits.max_event_bytes)
    return fail(invalid_reason::oversize, std::to_string(bytes.size()) + " bytes > limit " +
                                              std::to_string(_limits.max_event_bytes));
  auto& m = *_message;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return fail(invalid_reason::decode_failed, "not a valid ccpulse.v1.Event");

  auto kind = kind_of(m.payload_case());
  if (!kind) return fail(invalid_reason::missing_payload, "no known payload set");
  if (m.event_id().empty()) return fail(invalid_reason::missing_event_id, "event_id is empty");

  const bool agent_event = *kind == event_kind::agent_state_changed;
  if (agent_event && m.agent_id().empty())
    return fail(invalid_reason::missing_agent_id, "agent_state_changed needs agent_id");
  if (!agent_event && m.interaction_id().empty())
    return fail(invalid_reason::missing_interaction_id, "interaction_id is empty");
  for (const std::string* id : {&m.event_id(), &m.interaction_id(), &m.queue_id(), &m.agent_id(),
                                &m.customer().hashed_id(), &m.customer().tier()}) {
    if (id->size() > max_id_length)
      return fail(invalid_reason::id_too_long,
                  "an id is " + std::to_string(id->size()) + " bytes, limit " +
                      std::to_string(max_id_length));
  }

  if (!m.has_occurred_at()) return fail(invalid_reason::missing_occurred_at, "occurred_at unset");
  const auto& ts = m.occurred_at();
  // Bounds of google.protobuf.Timestamp: years 0001..9999.
  if (ts.seconds() < -62135596800 || ts.seconds() > 253402300799 || ts.nanos() < 0 ||
      ts.nanos() > 999999999)
    return fail(invalid_reason::invalid_timestamp, "occurred_at out of Timestamp range");
  const instant at = instant{std::chrono::seconds(ts.seconds())} +
                     std::chrono::duration_cast<duration>(std::chrono::nanoseconds(ts.nanos()));
  if (at < _limits.earliest)
    return fail(invalid_reason::invalid_timestamp, "occurred_at before 2000-01-01");
  if (at > now + _limits.max_clock_skew)
    return fail(invalid_reason::future_timestamp,
                "occurred_at is " +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(at - now).count()) +
                    " s in the future (max_clock_skew " +
                    std::to_string(
                        std::chrono::duration_cast<std::chrono::seconds>(_limits.max_clock_skew).count()) +
                    " s)");

  auto chan = to_model(m.channel());
  if (!chan) return fail(invalid_reason::unknown_channel, "channel value " + std::to_string(m.channel()));
  if (*chan == channel::unspecified &&
      (*kind == event_kind::interaction_created || *kind == event_kind::queued))
    return fail(invalid_reason::unknown_channel, "channel unspecified on an interaction's first events");
  if (*kind == event_kind::queued && m.queue_id().empty())
    return fail(invalid_reason::missing_queue, "queued needs queue_id");
  if (m.priority() > 100)
    return fail(invalid_reason::invalid_field, "priority " + std::to_string(m.priority()) + " > 100");

  out = event{};
  out.event_id = m.event_id();
  out.occurred_at = at;
  out.interaction_id = m.interaction_id();
  out.chan = *chan;
  out.queue_id = m.queue_id();
  out.priority = m.priority();
  out.customer_id = m.customer().hashed_id();
  out.customer_tier = m.customer().tier();
  out.agent_id = m.agent_id();
  out.kind = *kind;

  switch (*kind) {
    case event_kind::transferred:
      out.to_queue_id = m.transferred().to_queue_id();
      out.reason = m.transferred().reason();
      break;
    case event_kind::escalated:
      out.to_queue_id = m.escalated().to_queue_id();
      out.reason = m.escalated().reason();
      break;
    case event_kind::status_changed: out.status = to_model(m.status_changed().status()); break;
    case event_kind::agent_state_changed: {
      const auto& a = m.agent_state_changed();
      out.agent = to_model(a.state());
      // The agent's queue for per-queue figures: queue_id, else the first
      // membership.
      if (out.queue_id.empty() && a.queue_ids_size() > 0) out.queue_id = a.queue_ids(0);
      break;
    }
    case event_kind::sentiment_observed: {
      const double s = m.sentiment_observed().score();
      if (!std::isfinite(s) || s < -1.0 || s > 1.0)
        return fail(invalid_reason::invalid_field, "sentiment score outside [-1, 1]");
      out.sentiment = s;
      break;
    }
    case event_kind::survey_response: {
      const auto& r = m.survey_response();
      if (r.csat() > 5) return fail(invalid_reason::invalid_field, "csat outside 1..5");
      if (r.has_nps() && r.nps() > 10) return fail(invalid_reason::invalid_field, "nps outside 0..10");
      if (r.csat() == 0 && !r.has_nps())
        return fail(invalid_reason::invalid_field, "survey_response carries neither csat nor nps");
      out.csat = static_cast<std::uint8_t>(r.csat());
      out.nps = r.has_nps() ? static_cast<std::int8_t>(r.nps()) : std::int8_t{-1};
      break;
    }
    default: break;
  }
  return {true, invalid_reason::decode_failed, {}};
}

}  // namespace ccpulse::codec
