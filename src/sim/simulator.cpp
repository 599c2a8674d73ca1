#include "sim/simulator.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "sim/intraday_curve.h"
#include "sim/sim_draws.h"
#include "sim/survey_model.h"

namespace ccpulse::sim {

simulator::simulator(profile p, instant start)
    : _profile(std::move(p)),
      _rng(_profile.seed),
      _customers(10'000, 0.05),
      _repeats(_profile.queues.size(), _profile.max_planned_repeats),
      _start(start),
      _now(start) {
  if (auto problem = validate(_profile)) throw std::invalid_argument("sim profile: " + *problem);
  _event_prefix = "sim-" + std::to_string(_profile.seed) + "-";
  _interaction_prefix = "int-" + std::to_string(_profile.seed) + "-";

  const auto plans = plan_queues(_profile);
  _queues.reserve(_profile.queues.size());
  for (std::uint32_t i = 0; i < _profile.queues.size(); ++i) {
    queue_state q;
    q.prof = _profile.queues[i];
    q.style = style_of(q.prof.chan);
    q.plan = plans[i];
    _queues.push_back(std::move(q));
  }
  build_seats();

  schedule(start, task{action::staffing_review});
  for (std::uint32_t i = 0; i < _queues.size(); ++i) {
    const double rate = _queues[i].plan.own_rate;
    if (rate > 0)
      schedule(next_arrival(_profile.curve, _profile.utc_offset, rate, start, _rng.exponential(1.0)),
               task{action::arrival, i});
    // Each surge adds a Poisson stream of rate x (factor - 1) over its span:
    // together with the usual stream, arrivals at rate x factor.
    const auto& surges = _queues[i].prof.surges;
    for (std::uint32_t j = 0; j < surges.size(); ++j) {
      if (rate <= 0) break;
      const auto& s = surges[j];
      schedule(next_arrival(_profile.curve, _profile.utc_offset, rate * (s.factor - 1), start + s.after,
                            _rng.exponential(1.0)),
               task{.what = action::surge_arrival, .queue = i, .surge = j});
    }
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

std::size_t simulator::waiting_now() const {
  std::size_t n = 0;
  for (const auto& q : _queues) n += q.waiting.size();
  return n;
}

simulator::due simulator::schedule(instant at, task t) {
  due d{at, _next_seq++};
  _pending.emplace(d, t);
  return d;
}

void simulator::run(const task& t, std::vector<sim_event>& out) {
  switch (t.what) {
    case action::staffing_review:
      on_staffing_review(out);
      return;
    case action::arrival:
      on_arrival(t.queue, out);
      return;
    case action::surge_arrival:
      on_surge_arrival(t, out);
      return;
    case action::enqueue:
      on_enqueue(t.contact, out);
      return;
    case action::give_up:
      on_give_up(t.contact, out);
      return;
    case action::beat:
      on_beat(t.contact, out);
      return;
    case action::wrap_end:
      on_wrap_end(t.contact, out);
      return;
    case action::seat_free:
      on_seat_free(t.queue, t.seat, out);
      return;
    case action::break_due:
      on_break_due(t, out);
      return;
    case action::break_end:
      on_break_end(t, out);
      return;
    case action::shift_end:
      on_shift_end(t, out);
      return;
    case action::survey:
      on_survey(t.contact, out);
      return;
    case action::follow_up:
      on_follow_up(t.contact, out);
      return;
  }
}

void simulator::on_arrival(std::uint32_t q, std::vector<sim_event>& out) {
  auto& qs = _queues[q];
  // The next arrival is drawn first so the arrival stream of a queue does not
  // depend on what happens to this contact.
  schedule(next_arrival(_profile.curve, _profile.utc_offset, qs.plan.own_rate, _now, _rng.exponential(1.0)),
           task{action::arrival, q});
  admit(q, out);
}

void simulator::on_surge_arrival(const task& t, std::vector<sim_event>& out) {
  const auto& qs = _queues[t.queue];
  const auto& s = qs.prof.surges[t.surge];
  if (_now >= _start + s.after + s.lasting) return;  // the surge is over
  schedule(next_arrival(_profile.curve, _profile.utc_offset, qs.plan.own_rate * (s.factor - 1), _now,
                        _rng.exponential(1.0)),
           t);
  admit(t.queue, out);
}

void simulator::admit(std::uint32_t q, std::vector<sim_event>& out) {
  auto& qs = _queues[q];
  std::uint64_t id = _next_contact++;
  contact c;
  c.interaction_id = _interaction_prefix + std::to_string(id);
  if (auto back = _repeats.take_due(q, _now)) {
    c.who = std::move(back->who);
    c.category = back->category;
    ++_totals.repeat_arrivals;
  } else {
    c.who = _customers.next(_rng);
    c.category = draw_category(_rng);
  }
  c.queue = q;
  c.language = draw_language(_rng);
  ++_totals.arrivals;

  auto& e = emit_contact(out, c);
  e.mutable_interaction_created()->set_subject_category(std::string{category_name(c.category)});
  // Attributes ride on the creating event only; consumers keep them per interaction.
  auto& attrs = *e.mutable_attributes();
  attrs["category"] = std::string{category_name(c.category)};
  attrs["language"] = std::string{c.language};
  if (qs.prof.chan == channel::ticket)
    emit_contact(out, c).mutable_status_changed()->set_status(ccpulse::v1::TICKET_STATUS_NEW);

  schedule(_now + routing_delay(qs.prof.chan, _rng), task{action::enqueue, q, 0, 0, id});
  _contacts.emplace(id, std::move(c));
}

void simulator::on_enqueue(std::uint64_t id, std::vector<sim_event>& out) {
  auto& c = _contacts.at(id);
  auto& qs = _queues[c.queue];
  c.queued_at = _now;
  emit_contact(out, c).mutable_queued();
  if (!qs.idle.empty()) {
    std::uint32_t s = qs.idle.front();
    qs.idle.pop_front();
    start_service(c.queue, s, id, out);
    return;
  }
  c.in_line = qs.waiting.insert(qs.waiting.end(), id);
  c.give_up_at =
      schedule(_now + draw_duration(qs.prof.mean_patience, _rng), task{action::give_up, c.queue, 0, 0, id});
}

void simulator::on_give_up(std::uint64_t id, std::vector<sim_event>& out) {
  // Only waiting contacts have a live timer: answering one erases it.
  auto it = _contacts.find(id);
  auto& c = it->second;
  _queues[c.queue].waiting.erase(c.in_line);
  emit_contact(out, c).mutable_abandoned();
  ++_totals.abandoned;
  after_abandon(c);
  _contacts.erase(it);
}

void simulator::start_service(std::uint32_t q, std::uint32_t s, std::uint64_t id,
                              std::vector<sim_event>& out) {
  auto& c = _contacts.at(id);
  auto& qs = _queues[q];
  auto& st = qs.seats[s];
  st.state = seat_state::busy;
  c.seat = s;
  c.agent = &st.name();
  ++c.legs;
  c.wait_ratio += to_seconds(_now - c.queued_at) / to_seconds(qs.prof.answer_within);
  const duration handle = draw_duration(qs.prof.mean_handle, _rng);
  const duration talk = talk_part(handle);
  c.wrap = handle - talk;

  emit_by_agent(out, c).mutable_answered();
  ++_totals.answered;
  emit_agent(out, q, s, ccpulse::v1::AGENT_STATE_ON_CONTACT);
  if (qs.prof.chan == channel::ticket)
    emit_by_agent(out, c).mutable_status_changed()->set_status(ccpulse::v1::TICKET_STATUS_OPEN);

  c.beats.clear();
  c.next_beat = 0;
  plan_session(qs.style, _now, talk, _rng.chance(sentiment_share(qs.style)), _rng, c.beats);
  schedule_next_beat(c, id);
}

void simulator::schedule_next_beat(contact& c, std::uint64_t id) {
  schedule(c.beats[c.next_beat].at, task{action::beat, c.queue, 0, 0, id});
}

void simulator::on_beat(std::uint64_t id, std::vector<sim_event>& out) {
  auto& c = _contacts.at(id);
  const beat b = c.beats[c.next_beat++];
  if (b.kind == beat_kind::session_end) {
    end_session(id, out);
    return;
  }
  play(c, id, b, out);
  // play may have finished the contact (solved with nothing after it).
  auto it = _contacts.find(id);
  if (it != _contacts.end() && it->second.next_beat < it->second.beats.size())
    schedule_next_beat(it->second, id);
}

void simulator::play(contact& c, std::uint64_t id, const beat& b, std::vector<sim_event>& out) {
  using v1s = ccpulse::v1::TicketStatus;
  const auto status = [&](v1s s) { emit_by_agent(out, c).mutable_status_changed()->set_status(s); };
  switch (b.kind) {
    case beat_kind::held:
      emit_by_agent(out, c).mutable_held();
      return;
    case beat_kind::resumed:
      emit_by_agent(out, c).mutable_resumed();
      return;
    case beat_kind::agent_replied:
      emit_by_agent(out, c).mutable_agent_replied();
      return;
    case beat_kind::customer_replied:
      emit_contact(out, c).mutable_customer_replied();
      return;
    case beat_kind::sentiment: {
      c.sentiment = draw_sentiment({c.wait_ratio, c.rerouted, std::nullopt}, _rng);
      emit_contact(out, c).mutable_sentiment_observed()->set_score(*c.sentiment);
      return;
    }
    case beat_kind::status_open:
      status(ccpulse::v1::TICKET_STATUS_OPEN);
      return;
    case beat_kind::status_pending:
      status(ccpulse::v1::TICKET_STATUS_PENDING);
      return;
    case beat_kind::status_on_hold:
      status(ccpulse::v1::TICKET_STATUS_ON_HOLD);
      return;
    case beat_kind::reopened:
      emit_contact(out, c).mutable_reopened()->set_reason(std::string{draw_reopen_reason(_rng)});
      return;
    case beat_kind::solved:
      if (_queues[c.queue].prof.chan == channel::ticket) status(ccpulse::v1::TICKET_STATUS_SOLVED);
      resolve(c, out);
      // A reopen may follow; otherwise the thread is over.
      if (c.next_beat == c.beats.size()) after_resolution(id);
      return;
    case beat_kind::session_end:
      return;
  }
}

void simulator::end_session(std::uint64_t id, std::vector<sim_event>& out) {
  auto& c = _contacts.at(id);
  auto& qs = _queues[c.queue];
  if (c.legs == 1 && !qs.plan.reroute_targets.empty() &&
      _rng.chance(transfer_probability + escalation_probability)) {
    reroute(id, out);
    return;
  }
  emit_agent(out, c.queue, c.seat, ccpulse::v1::AGENT_STATE_AFTER_CONTACT_WORK);
  if (qs.style == channel_style::async_thread) {
    // The agent finishes their notes and moves on; the thread goes on without them.
    schedule(_now + c.wrap, task{action::seat_free, c.queue, c.seat});
    c.beats.clear();
    c.next_beat = 0;
    plan_thread(qs.prof.chan, _now, _rng, c.beats);
    schedule_next_beat(c, id);
    return;
  }
  emit_by_agent(out, c).mutable_wrap_up_started();
  schedule(_now + c.wrap, task{action::wrap_end, c.queue, 0, 0, id});
}

void simulator::reroute(std::uint64_t id, std::vector<sim_event>& out) {
  auto& c = _contacts.at(id);
  auto& from = _queues[c.queue];
  const auto to = from.plan.reroute_targets[_rng.below(from.plan.reroute_targets.size())];
  const auto& to_queue = _queues[to].prof.queue;
  auto& e = emit_by_agent(out, c);
  if (_rng.chance(transfer_probability / (transfer_probability + escalation_probability))) {
    auto* t = e.mutable_transferred();
    t->set_to_queue_id(to_queue);
    t->set_reason(std::string{draw_transfer_reason(_rng)});
  } else {
    auto* x = e.mutable_escalated();
    x->set_target(_rng.chance(0.6) ? ccpulse::v1::Escalated::TARGET_HIGHER_TIER
                                   : ccpulse::v1::Escalated::TARGET_DEPARTMENT);
    x->set_reason(std::string{draw_escalation_reason(_rng)});
    x->set_to_queue_id(to_queue);
  }
  ++_totals.rerouted;
  c.rerouted = true;
  // The first agent wraps up their part; the contact waits for the next queue.
  emit_agent(out, c.queue, c.seat, ccpulse::v1::AGENT_STATE_AFTER_CONTACT_WORK);
  schedule(_now + c.wrap, task{action::seat_free, c.queue, c.seat});
  c.queue = to;
  schedule(_now + routing_delay(_queues[to].prof.chan, _rng), task{action::enqueue, to, 0, 0, id});
}

void simulator::on_wrap_end(std::uint64_t id, std::vector<sim_event>& out) {
  auto& c = _contacts.at(id);
  const auto q = c.queue;
  const auto s = c.seat;
  emit_by_agent(out, c).mutable_wrap_up_ended();
  resolve(c, out);
  after_resolution(id);
  on_seat_free(q, s, out);
}

}  // namespace ccpulse::sim
