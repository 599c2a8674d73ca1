// The agents: logins and logouts as staffing follows the arrivals, breaks,
// shift handovers, and who takes the next contact.
#include <algorithm>
#include <chrono>

#include "sim/agent_breaks.h"
#include "sim/intraday_curve.h"
#include "sim/sim_draws.h"
#include "sim/simulator.h"

namespace ccpulse::sim {

namespace {

using namespace std::chrono_literals;

// Workforce plans change staffing per 15-minute interval.
constexpr duration staffing_interval = 15min;

duration between(duration lo, duration hi, rng& r) {
  return lo + duration{static_cast<duration::rep>(r.uniform() * static_cast<double>((hi - lo).count()))};
}

std::string agent_name(const std::string& queue, std::size_t number) {
  std::string n = std::to_string(number);
  if (n.size() < 3) n.insert(0, 3 - n.size(), '0');
  return "agent-" + queue + "-" + n;
}

}  // namespace

void simulator::build_seats() {
  for (std::uint32_t q = 0; q < _queues.size(); ++q) {
    auto& qs = _queues[q];
    int most = 0;
    if (_profile.staffing == staffing_mode::fixed) {
      most = seats_needed(_profile, qs.plan, q, 1.0);
    } else {
      for (int h = 0; h < 24; ++h)
        most = std::max(most, seats_needed(_profile, qs.plan, q, curve_multiplier(_profile.curve, h)));
    }
    qs.seats.resize(static_cast<std::size_t>(most));
    // Two people share a seat over the day: the early and the late shift.
    for (std::size_t s = 0; s < qs.seats.size(); ++s) {
      qs.seats[s].names[0] = agent_name(qs.prof.queue, s + 1);
      qs.seats[s].names[1] = agent_name(qs.prof.queue, qs.seats.size() + s + 1);
    }
  }
}

std::size_t simulator::agents_logged_in() const {
  std::size_t n = 0;
  for (const auto& q : _queues)
    n += static_cast<std::size_t>(std::count_if(
        q.seats.begin(), q.seats.end(), [](const seat& s) { return s.state != seat_state::logged_out; }));
  return n;
}

void simulator::on_staffing_review(std::vector<sim_event>& out) {
  const bool sized = _profile.staffing == staffing_mode::sized;
  const double multiplier = curve_multiplier_at(_profile.curve, _profile.utc_offset, _now);
  for (std::uint32_t q = 0; q < _queues.size(); ++q) {
    auto& qs = _queues[q];
    const auto target = static_cast<std::uint32_t>(std::min<std::size_t>(
        qs.seats.size(), static_cast<std::size_t>(seats_needed(_profile, qs.plan, q, multiplier))));
    for (std::uint32_t s = 0; s < qs.seats.size(); ++s) {
      auto& st = qs.seats[s];
      if (s < target) {
        st.leaving = false;
        if (st.state == seat_state::logged_out) log_in(q, s, _now == _start, out);
      } else if (st.state == seat_state::available) {
        leave_idle(q, s);
        log_out(q, s, out);
      } else if (st.state != seat_state::logged_out) {
        st.leaving = true;  // after the contact or the break in progress
      }
    }
    qs.online_target = target;
  }
  if (!sized) return;
  // The next interval boundary in local time.
  const duration into = (_now + _profile.utc_offset).time_since_epoch() % staffing_interval;
  schedule(_now - into + staffing_interval, task{action::staffing_review});
}

void simulator::log_in(std::uint32_t q, std::uint32_t s, bool at_start, std::vector<sim_event>& out) {
  auto& st = _queues[q].seats[s];
  if (st.shift > 0) st.person ^= 1;  // the seat's other person comes in
  ++st.shift;
  st.leaving = st.handover_due = st.break_due = false;
  if (_profile.staffing == staffing_mode::sized) {
    // At the start people are already mid-shift, so handovers and breaks are
    // spread out, and the usual share of them is away already: a floor in
    // its steady state, not one where everybody just sat down.
    const duration shift = at_start ? between(5min, 8h, _rng) : between(7h + 30min, 8h + 30min, _rng);
    schedule(_now + shift, task{action::shift_end, q, s, st.shift});
    if (at_start && _rng.chance(away_fraction())) {
      st.state = seat_state::available;  // for the transition's sake: it logs in, then steps away
      emit_agent(out, q, s, ccpulse::v1::AGENT_STATE_AVAILABLE);
      start_break(q, s, out, true);
      return;
    }
    const duration to_break =
        at_start ? between(0min, mean_time_between_breaks(), _rng) : draw_time_to_break(_rng);
    schedule(_now + to_break, task{action::break_due, q, s, st.shift});
  }
  make_available(q, s, out);
}

void simulator::log_out(std::uint32_t q, std::uint32_t s, std::vector<sim_event>& out) {
  auto& st = _queues[q].seats[s];
  st.state = seat_state::logged_out;
  st.leaving = st.handover_due = st.break_due = false;
  emit_agent(out, q, s, ccpulse::v1::AGENT_STATE_LOGGED_OUT);
}

void simulator::make_available(std::uint32_t q, std::uint32_t s, std::vector<sim_event>& out) {
  auto& qs = _queues[q];
  auto& st = qs.seats[s];
  st.state = seat_state::available;
  emit_agent(out, q, s, ccpulse::v1::AGENT_STATE_AVAILABLE);
  if (!qs.waiting.empty()) {
    std::uint64_t next = qs.waiting.front();
    qs.waiting.pop_front();
    _pending.erase(_contacts.at(next).give_up_at);
    start_service(q, s, next, out);
    return;
  }
  st.in_idle = qs.idle.insert(qs.idle.end(), s);
}

void simulator::leave_idle(std::uint32_t q, std::uint32_t s) {
  auto& qs = _queues[q];
  qs.idle.erase(qs.seats[s].in_idle);
}

void simulator::on_seat_free(std::uint32_t q, std::uint32_t s, std::vector<sim_event>& out) {
  auto& st = _queues[q].seats[s];
  if (st.leaving) return log_out(q, s, out);
  if (st.handover_due) return hand_over(q, s, out);
  if (st.break_due) return start_break(q, s, out);
  make_available(q, s, out);
}

void simulator::start_break(std::uint32_t q, std::uint32_t s, std::vector<sim_event>& out, bool under_way) {
  auto& st = _queues[q].seats[s];
  st.break_due = false;
  st.state = seat_state::away;
  const auto spell = draw_away_spell(_rng);
  emit_agent(out, q, s, ccpulse::v1::AGENT_STATE_AWAY, spell.reason);
  // A spell under way at the start has some of its length behind it.
  const duration left = under_way ? between(duration{1}, spell.length, _rng) : spell.length;
  schedule(_now + left, task{action::break_end, q, s, st.shift});
}

void simulator::on_break_due(const task& t, std::vector<sim_event>& out) {
  auto& st = _queues[t.queue].seats[t.seat];
  if (t.shift != st.shift || st.state == seat_state::logged_out) return;  // an earlier login's timer
  if (st.state == seat_state::available) {
    leave_idle(t.queue, t.seat);
    start_break(t.queue, t.seat, out);
  } else {
    st.break_due = true;
  }
}

void simulator::on_break_end(const task& t, std::vector<sim_event>& out) {
  auto& st = _queues[t.queue].seats[t.seat];
  if (t.shift != st.shift || st.state != seat_state::away) return;
  if (st.leaving) return log_out(t.queue, t.seat, out);
  if (st.handover_due) return hand_over(t.queue, t.seat, out);
  schedule(_now + draw_time_to_break(_rng), task{action::break_due, t.queue, t.seat, st.shift});
  make_available(t.queue, t.seat, out);
}

void simulator::on_shift_end(const task& t, std::vector<sim_event>& out) {
  auto& st = _queues[t.queue].seats[t.seat];
  if (t.shift != st.shift || st.state == seat_state::logged_out) return;
  if (st.state == seat_state::available) {
    leave_idle(t.queue, t.seat);
    hand_over(t.queue, t.seat, out);
  } else {
    st.handover_due = true;
  }
}

void simulator::hand_over(std::uint32_t q, std::uint32_t s, std::vector<sim_event>& out) {
  log_out(q, s, out);
  log_in(q, s, false, out);
}

}  // namespace ccpulse::sim
