#include "stream_checker.h"

namespace ccpulse::sim::testing {

namespace {

bool live(v1::Channel c) { return c != v1::CHANNEL_EMAIL && c != v1::CHANNEL_TICKET; }
bool chat_like(v1::Channel c) {
  return c == v1::CHANNEL_CHAT || c == v1::CHANNEL_MESSAGING || c == v1::CHANNEL_SOCIAL;
}

}  // namespace

void stream_checker::problem(const sim_event& se, const std::string& what) {
  if (_problems.size() < 20)
    _problems.push_back(se.message.interaction_id() + " " + se.message.agent_id() + " payload " +
                        std::to_string(se.message.payload_case()) + ": " + what);
}

void stream_checker::feed(const sim_event& se) {
  const auto& e = se.message;
  ++payloads[e.payload_case()];
  if (!_event_ids.insert(e.event_id()).second) problem(se, "duplicate event id");
  if (e.has_agent_state_changed())
    on_agent(se);
  else
    on_interaction(se);
}

void stream_checker::on_agent(const sim_event& se) {
  const auto& e = se.message;
  if (se.key != e.agent_id()) problem(se, "agent event not keyed by agent id");
  if (e.agent_state_changed().queue_ids_size() != 1) problem(se, "agent event without its queue");
  const auto state = e.agent_state_changed().state();
  if ((state == v1::AGENT_STATE_AWAY) == e.agent_state_changed().away_reason().empty())
    problem(se, "away_reason set exactly when away");
  auto it = _agents.find(e.agent_id());
  if (it == _agents.end()) {
    if (state != v1::AGENT_STATE_AVAILABLE) problem(se, "an agent's first state is not available");
    _agents.emplace(e.agent_id(), state);
    return;
  }
  const auto from = it->second;
  bool ok = false;
  switch (state) {
    case v1::AGENT_STATE_AVAILABLE:
      ok = from == v1::AGENT_STATE_LOGGED_OUT || from == v1::AGENT_STATE_AFTER_CONTACT_WORK ||
           from == v1::AGENT_STATE_AWAY;
      break;
    case v1::AGENT_STATE_ON_CONTACT:
      ok = from == v1::AGENT_STATE_AVAILABLE;
      break;
    case v1::AGENT_STATE_AFTER_CONTACT_WORK:
      ok = from == v1::AGENT_STATE_ON_CONTACT;
      break;
    case v1::AGENT_STATE_AWAY:
      ok = from == v1::AGENT_STATE_AVAILABLE || from == v1::AGENT_STATE_AFTER_CONTACT_WORK;
      break;
    case v1::AGENT_STATE_LOGGED_OUT:
      ok = from == v1::AGENT_STATE_AVAILABLE || from == v1::AGENT_STATE_AFTER_CONTACT_WORK ||
           from == v1::AGENT_STATE_AWAY;
      break;
    default:
      break;
  }
  if (!ok) problem(se, "agent state " + std::to_string(from) + " -> " + std::to_string(state));
  it->second = state;
}

void stream_checker::on_interaction(const sim_event& se) {
  const auto& e = se.message;
  if (e.interaction_id().empty()) return problem(se, "no interaction id");
  if (se.key != e.customer().hashed_id()) problem(se, "not keyed by customer");
  if (e.priority() < 1 || e.priority() > 3) problem(se, "priority out of 1..3");
  auto& t = _interactions[e.interaction_id()];
  const auto expect = [&](bool cond, const char* what) {
    if (!cond) problem(se, what);
    return cond;
  };
  if (e.payload_case() != v1::Event::kInteractionCreated) {
    expect(t.customer == e.customer().hashed_id(), "customer changed");
    expect(t.at != phase::abandoned, "event after abandon");
  }
  const bool by_agent_of_contact = !t.agent.empty() && e.agent_id() == t.agent;
  switch (e.payload_case()) {
    case v1::Event::kInteractionCreated:
      expect(t.customer.empty(), "created twice");
      expect(e.attributes().count("language") == 1, "no language attribute");
      t.customer = e.customer().hashed_id();
      t.channel = e.channel();
      t.queue = e.queue_id();
      break;
    case v1::Event::kQueued:
      expect(t.at == phase::created || t.at == phase::rerouted, "queued out of turn");
      if (t.at == phase::rerouted)
        expect(e.queue_id() == t.reroute_to, "re-queued elsewhere than rerouted to");
      t.queue = e.queue_id();
      t.at = phase::queued;
      break;
    case v1::Event::kAbandoned:
      expect(t.at == phase::queued, "abandoned while not waiting");
      t.at = phase::abandoned;
      break;
    case v1::Event::kAnswered: {
      expect(t.at == phase::queued, "answered while not waiting");
      auto a = _agents.find(e.agent_id());
      if (a == _agents.end() || a->second != v1::AGENT_STATE_AVAILABLE) ++answered_while_not_available;
      expect(e.queue_id() == t.queue, "answered in another queue");
      t.agent = e.agent_id();
      t.at = phase::with_agent;
      t.agent_replies_in_leg = 0;
      t.agent_spoke_last = false;
      break;
    }
    case v1::Event::kHeld:
      expect(t.at == phase::with_agent && !t.on_hold && t.channel == v1::CHANNEL_VOICE, "hold out of turn");
      t.on_hold = true;
      break;
    case v1::Event::kResumed:
      expect(t.on_hold, "resumed without hold");
      t.on_hold = false;
      break;
    case v1::Event::kAgentReplied:
      expect(t.at == phase::with_agent, "agent reply outside a conversation");
      expect(!live(t.channel) || chat_like(t.channel), "agent reply on a call");
      expect(by_agent_of_contact, "reply by another agent");
      if (chat_like(t.channel)) expect(!t.agent_spoke_last, "two agent messages in a row in a chat");
      t.agent_spoke_last = true;
      ++t.agent_replies_in_leg;
      break;
    case v1::Event::kCustomerReplied:
      expect(t.at == phase::with_agent, "customer reply outside a conversation");
      if (chat_like(t.channel)) expect(t.agent_spoke_last, "two customer messages in a row in a chat");
      t.agent_spoke_last = false;
      break;
    case v1::Event::kSentimentObserved:
      expect(t.at == phase::with_agent, "sentiment outside a conversation");
      expect(e.sentiment_observed().score() >= -1 && e.sentiment_observed().score() <= 1,
             "score out of range");
      break;
    case v1::Event::kStatusChanged: {
      expect(t.channel == v1::CHANNEL_TICKET, "status on a non-ticket");
      const auto s = e.status_changed().status();
      if (s == v1::TICKET_STATUS_NEW)
        expect(t.at == phase::created, "NEW after creation");
      else
        expect(t.at == phase::with_agent, "status change outside work on the ticket");
      break;
    }
    case v1::Event::kTransferred:
    case v1::Event::kEscalated: {
      expect(t.at == phase::with_agent && !t.on_hold, "rerouted out of turn");
      expect(by_agent_of_contact, "rerouted by another agent");
      const auto& to = e.has_transferred() ? e.transferred().to_queue_id() : e.escalated().to_queue_id();
      const auto& reason = e.has_transferred() ? e.transferred().reason() : e.escalated().reason();
      expect(!to.empty() && to != t.queue && !reason.empty(), "reroute without target or reason");
      if (e.has_escalated())
        expect(e.escalated().target() != v1::Escalated::TARGET_UNSPECIFIED, "no escalation target");
      t.reroute_to = to;
      t.at = phase::rerouted;
      break;
    }
    case v1::Event::kWrapUpStarted:
      expect(t.at == phase::with_agent && live(t.channel) && !t.on_hold, "wrap-up out of turn");
      expect(by_agent_of_contact, "wrap-up by another agent");
      t.at = phase::wrapping;
      break;
    case v1::Event::kWrapUpEnded:
      expect(t.at == phase::wrapping, "wrap-up ended without start");
      t.at = phase::wrapped;
      break;
    case v1::Event::kResolved:
      expect(by_agent_of_contact, "resolved by another agent");
      if (live(t.channel))
        expect(t.at == phase::wrapped, "live contact resolved before its wrap-up");
      else
        expect(t.at == phase::with_agent && t.agent_replies_in_leg > 0, "thread resolved without a reply");
      if (chat_like(t.channel)) {
        expect(t.agent_replies_in_leg > 0, "chat resolved without an agent reply");
        ++chats_resolved;
      }
      t.at = phase::resolved;
      break;
    case v1::Event::kReopened:
      expect(t.at == phase::resolved && !live(t.channel), "reopened out of turn");
      t.at = phase::with_agent;
      t.agent_replies_in_leg = 0;
      break;
    case v1::Event::kSurveyResponse: {
      expect(t.at == phase::resolved, "survey before resolution or twice");
      const auto& s = e.survey_response();
      expect(s.csat() <= 5 && (!s.has_nps() || s.nps() <= 10) && (s.csat() > 0 || s.has_nps()),
             "survey values");
      t.detractor = (s.csat() > 0 && s.csat() <= 2) || (s.has_nps() && s.nps() <= 6);
      if (t.detractor) ++detractor_surveys;
      t.at = phase::surveyed;
      break;
    }
    case v1::Event::kFollowUpCompleted:
      expect(t.at == phase::surveyed && t.detractor, "follow-up without a detractor survey");
      ++follow_ups;
      t.at = phase::followed_up;
      break;
    default:
      problem(se, "unexpected payload");
  }
}

}  // namespace ccpulse::sim::testing
