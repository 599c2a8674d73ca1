// Event envelopes: ids, keys, event time, the interaction's context.
#include "sim/simulator.h"

namespace ccpulse::sim {

namespace {

ccpulse::v1::Channel to_proto(channel c) {
  switch (c) {
    case channel::voice:
      return ccpulse::v1::CHANNEL_VOICE;
    case channel::chat:
      return ccpulse::v1::CHANNEL_CHAT;
    case channel::email:
      return ccpulse::v1::CHANNEL_EMAIL;
    case channel::ticket:
      return ccpulse::v1::CHANNEL_TICKET;
    case channel::social:
      return ccpulse::v1::CHANNEL_SOCIAL;
    case channel::messaging:
      return ccpulse::v1::CHANNEL_MESSAGING;
    case channel::video:
      return ccpulse::v1::CHANNEL_VIDEO;
    case channel::unspecified:
      break;
  }
  return ccpulse::v1::CHANNEL_UNSPECIFIED;
}

void set_time(google::protobuf::Timestamp& ts, instant t) {
  std::int64_t us = to_unix_micros(t);
  std::int64_t secs = us / 1'000'000;
  std::int64_t rem = us % 1'000'000;
  if (rem < 0) {  // floor, so nanos stays in [0, 1e9) before the epoch
    rem += 1'000'000;
    --secs;
  }
  ts.set_seconds(secs);
  ts.set_nanos(static_cast<std::int32_t>(rem * 1000));
}

}  // namespace

ccpulse::v1::Event& simulator::emit(std::vector<sim_event>& out, const std::string& key) {
  auto& se = out.emplace_back();
  se.key = key;
  se.at = _now;
  se.message.set_event_id(_event_prefix + std::to_string(_next_event++));
  set_time(*se.message.mutable_occurred_at(), _now);
  ++_totals.events;
  return se.message;
}

ccpulse::v1::Event& simulator::emit_contact(std::vector<sim_event>& out, const contact& c) {
  auto& e = emit(out, c.who.hashed_id);
  const auto& qs = _queues[c.queue];
  e.set_interaction_id(c.interaction_id);
  e.set_channel(to_proto(qs.prof.chan));
  e.set_queue_id(qs.prof.queue);
  e.set_priority(c.who.priority);
  auto* who = e.mutable_customer();
  who->set_hashed_id(c.who.hashed_id);
  who->set_tier(std::string{c.who.tier});
  who->set_segment(std::string{c.who.segment});
  return e;
}

ccpulse::v1::Event& simulator::emit_by_agent(std::vector<sim_event>& out, const contact& c) {
  auto& e = emit_contact(out, c);
  if (c.agent) e.set_agent_id(*c.agent);
  return e;
}

void simulator::emit_agent(std::vector<sim_event>& out, std::uint32_t q, std::uint32_t s,
                           ccpulse::v1::AgentState state, std::string_view away_reason) {
  const auto& qs = _queues[q];
  const auto& name = qs.seats[s].name();
  auto& e = emit(out, name);
  e.set_agent_id(name);
  e.set_channel(to_proto(qs.prof.chan));
  e.set_queue_id(qs.prof.queue);
  auto* a = e.mutable_agent_state_changed();
  a->set_state(state);
  if (!away_reason.empty()) a->set_away_reason(std::string{away_reason});
  a->add_queue_ids(qs.prof.queue);
}

}  // namespace ccpulse::sim
