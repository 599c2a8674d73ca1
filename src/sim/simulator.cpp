#include "sim/simulator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace ccpulse::sim {
namespace {

// Share of handle time spent talking; the rest is after-contact work.
constexpr double talk_fraction = 0.8;
// Exponential draws are capped so a "never gives up" patience stays far in
// the future without overflowing instant arithmetic.
constexpr double max_draw_s = 1e9;

duration from_seconds(double s) {
  s = std::clamp(s, 0.0, max_draw_s);
  return duration{static_cast<duration::rep>(std::llround(s * 1e6))};
}

ccpulse::v1::Channel to_proto(channel c) {
  switch (c) {
    case channel::voice: return ccpulse::v1::CHANNEL_VOICE;
    case channel::chat: return ccpulse::v1::CHANNEL_CHAT;
    case channel::email: return ccpulse::v1::CHANNEL_EMAIL;
    case channel::ticket: return ccpulse::v1::CHANNEL_TICKET;
    case channel::social: return ccpulse::v1::CHANNEL_SOCIAL;
    case channel::messaging: return ccpulse::v1::CHANNEL_MESSAGING;
    case channel::video: return ccpulse::v1::CHANNEL_VIDEO;
    case channel::unspecified: break;
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

// Time between the contact being created and reaching the queue: an IVR menu
// for voice, a pre-chat form for chat, routing for the rest.
duration routing_delay(channel c, rng& r) {
  switch (c) {
    case channel::voice: return from_seconds(r.uniform(2.0, 12.0));
    case channel::chat:
    case channel::messaging: return from_seconds(r.uniform(0.5, 3.0));
    default: return from_seconds(r.uniform(0.0, 1.0));
  }
}

constexpr std::array<std::string_view, 5> categories{"billing", "technical", "orders", "account",
                                                     "general"};
constexpr std::array<std::string_view, 3> languages{"en", "es", "de"};
constexpr std::array<std::string_view, 3> dispositions{"resolved", "information_given",
                                                       "follow_up_needed"};

template <std::size_t N>
std::string_view pick(const std::array<std::string_view, N>& from, rng& r) {
  return from[r.below(N)];
}

}  // namespace

simulator::simulator(profile p, instant start)
    : _profile(std::move(p)), _rng(_profile.seed), _now(start) {
  if (auto problem = validate(_profile)) throw std::invalid_argument("sim profile: " + *problem);
  _event_prefix = "sim-" + std::to_string(_profile.seed) + "-";
  _interaction_prefix = "int-" + std::to_string(_profile.seed) + "-";

  double total_share = 0;
  for (const auto& q : _profile.queues) total_share += q.arrival_share;

  _queues.reserve(_profile.queues.size());
  for (const auto& qp : _profile.queues) {
    queue_state q;
    q.prof = qp;
    double rate = _profile.rate_per_second * qp.arrival_share / total_share;
    q.mean_interarrival_s = rate > 0 ? 1.0 / rate : 0.0;
    for (int i = 1; i <= qp.agents; ++i) {
      std::string n = std::to_string(i);
      if (n.size() < 3) n.insert(0, 3 - n.size(), '0');
      q.agents.push_back(agent{"agent-" + qp.queue + "-" + n});
    }
    _queues.push_back(std::move(q));
  }

  schedule(start, task{action::log_in, 0, 0});
  for (std::uint32_t i = 0; i < _queues.size(); ++i) {
    if (_queues[i].mean_interarrival_s > 0)
      schedule(start + from_seconds(_rng.exponential(_queues[i].mean_interarrival_s)),
               task{action::arrival, i, 0});
  }
}

void simulator::generate_until(instant until, std::vector<sim_event>& out) {
  while (!_pending.empty() && _pending.begin()->first.at <= until) {
    auto node = _pending.extract(_pending.begin());
    _now = node.key().at;
    run(node.mapped(), out);
  }
  _now = std::max(_now, until);
}

simulator::due simulator::schedule(instant at, task t) {
  due d{at, _next_seq++};
  _pending.emplace(d, t);
  return d;
}

void simulator::run(const task& t, std::vector<sim_event>& out) {
  switch (t.what) {
    case action::log_in: on_log_in(out); return;
    case action::arrival: on_arrival(t.queue, out); return;
    case action::enqueue: on_enqueue(t.contact, out); return;
    case action::give_up: on_give_up(t.contact, out); return;
    case action::talk_end: on_talk_end(t.contact, out); return;
    case action::wrap_end: on_wrap_end(t.contact, out); return;
    case action::survey: on_survey(t.contact, out); return;
  }
}

void simulator::on_log_in(std::vector<sim_event>& out) {
  for (std::uint32_t q = 0; q < _queues.size(); ++q) {
    for (std::uint32_t a = 0; a < _queues[q].agents.size(); ++a) {
      emit_agent(out, q, a, ccpulse::v1::AGENT_STATE_AVAILABLE);
      _queues[q].idle.push_back(a);
    }
  }
}

void simulator::on_arrival(std::uint32_t q, std::vector<sim_event>& out) {
  auto& qs = _queues[q];
  // The next arrival is drawn first so the arrival stream of a queue does not
  // depend on what happens to this contact.
  schedule(_now + from_seconds(_rng.exponential(qs.mean_interarrival_s)),
           task{action::arrival, q, 0});

  std::uint64_t id = _next_contact++;
  contact c;
  c.interaction_id = _interaction_prefix + std::to_string(id);
  c.who = _customers.next(_rng);
  c.queue = q;
  c.category = pick(categories, _rng);
  c.language = pick(languages, _rng);
  ++_totals.arrivals;

  auto& e = emit_contact(out, c);
  e.mutable_interaction_created()->set_subject_category(std::string{c.category});
  // Attributes ride on the creating event only; consumers keep them per interaction.
  auto& attrs = *e.mutable_attributes();
  attrs["category"] = std::string{c.category};
  attrs["language"] = std::string{c.language};

  schedule(_now + routing_delay(qs.prof.chan, _rng), task{action::enqueue, q, id});
  _contacts.emplace(id, std::move(c));
}

void simulator::on_enqueue(std::uint64_t id, std::vector<sim_event>& out) {
  auto& c = _contacts.at(id);
  auto& qs = _queues[c.queue];
  c.queued_at = _now;
  emit_contact(out, c).mutable_queued();
  if (!qs.idle.empty()) {
    std::uint32_t a = qs.idle.front();
    qs.idle.pop_front();
    start_service(a, id, out);
    return;
  }
  c.in_line = qs.waiting.insert(qs.waiting.end(), id);
  c.give_up_at = schedule(
      _now + from_seconds(_rng.exponential(to_seconds(qs.prof.mean_patience))),
      task{action::give_up, c.queue, id});
}

void simulator::on_give_up(std::uint64_t id, std::vector<sim_event>& out) {
  // Only waiting contacts have a live timer: answering one erases it.
  auto it = _contacts.find(id);
  auto& c = it->second;
  _queues[c.queue].waiting.erase(c.in_line);
  emit_contact(out, c).mutable_abandoned();
  ++_totals.abandoned;
  _contacts.erase(it);
}

void simulator::start_service(std::uint32_t a, std::uint64_t id, std::vector<sim_event>& out) {
  auto& c = _contacts.at(id);
  const auto& qs = _queues[c.queue];
  c.agent = a;
  c.answered_at = _now;
  double handle_s = _rng.exponential(to_seconds(qs.prof.mean_handle));
  duration talk = from_seconds(handle_s * talk_fraction);
  c.wrap = from_seconds(handle_s) - talk;

  auto& e = emit_contact(out, c);
  e.set_agent_id(qs.agents[a].id);
  e.mutable_answered();
  ++_totals.answered;
  emit_agent(out, c.queue, a, ccpulse::v1::AGENT_STATE_ON_CONTACT);
  schedule(_now + talk, task{action::talk_end, c.queue, id});
}

void simulator::on_talk_end(std::uint64_t id, std::vector<sim_event>& out) {
  auto& c = _contacts.at(id);
  auto& e = emit_contact(out, c);
  e.set_agent_id(_queues[c.queue].agents[c.agent].id);
  e.mutable_wrap_up_started();
  emit_agent(out, c.queue, c.agent, ccpulse::v1::AGENT_STATE_AFTER_CONTACT_WORK);
  schedule(_now + c.wrap, task{action::wrap_end, c.queue, id});
}

void simulator::on_wrap_end(std::uint64_t id, std::vector<sim_event>& out) {
  auto it = _contacts.find(id);
  auto& c = it->second;
  auto& qs = _queues[c.queue];
  const std::string& agent_id = qs.agents[c.agent].id;

  auto& ended = emit_contact(out, c);
  ended.set_agent_id(agent_id);
  ended.mutable_wrap_up_ended();
  auto& resolved = emit_contact(out, c);
  resolved.set_agent_id(agent_id);
  resolved.mutable_resolved()->set_disposition(std::string{pick(dispositions, _rng)});
  emit_agent(out, c.queue, c.agent, ccpulse::v1::AGENT_STATE_AVAILABLE);

  std::uint32_t freed = c.agent;
  if (_rng.chance(_profile.survey_probability)) {
    // Surveys come back a little later: a minimum send delay plus a tail.
    schedule(_now + from_seconds(30.0 + _rng.exponential(120.0)),
             task{action::survey, c.queue, id});
  } else {
    _contacts.erase(it);  // done: forgotten, so memory follows traffic in flight
  }

  if (!qs.waiting.empty()) {
    std::uint64_t next = qs.waiting.front();
    qs.waiting.pop_front();
    _pending.erase(_contacts.at(next).give_up_at);
    start_service(freed, next, out);
  } else {
    qs.idle.push_back(freed);
  }
}

void simulator::on_survey(std::uint64_t id, std::vector<sim_event>& out) {
  auto it = _contacts.find(id);
  auto& c = it->second;
  // Satisfaction falls with the wait: near 1 when answered at once, near 0
  // after several minutes, plus individual noise.
  double wait_s = to_seconds(c.answered_at - c.queued_at);
  double happy = std::exp(-wait_s / 120.0);
  double csat = std::round(1.8 + 3.0 * happy + 0.8 * _rng.normal());
  double nps = std::round(3.0 + 7.0 * happy + 1.8 * _rng.normal());

  auto& e = emit_contact(out, c);
  e.set_agent_id(_queues[c.queue].agents[c.agent].id);
  auto* s = e.mutable_survey_response();
  s->set_csat(static_cast<std::uint32_t>(std::clamp(csat, 1.0, 5.0)));
  s->set_nps(static_cast<std::uint32_t>(std::clamp(nps, 0.0, 10.0)));
  s->set_has_nps(true);
  ++_totals.surveys;
  _contacts.erase(it);
}

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

void simulator::emit_agent(std::vector<sim_event>& out, std::uint32_t q, std::uint32_t a,
                           ccpulse::v1::AgentState state) {
  const auto& qs = _queues[q];
  auto& e = emit(out, qs.agents[a].id);
  e.set_agent_id(qs.agents[a].id);
  e.set_channel(to_proto(qs.prof.chan));
  e.set_queue_id(qs.prof.queue);
  auto* s = e.mutable_agent_state_changed();
  s->set_state(state);
  s->add_queue_ids(qs.prof.queue);
}

}  // namespace ccpulse::sim
