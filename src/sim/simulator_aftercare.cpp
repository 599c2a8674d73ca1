// What follows a contact: the resolution, a repeat contact for some
// customers, surveys and follow-up calls to detractors.
#include "sim/sim_draws.h"
#include "sim/simulator.h"
#include "sim/survey_model.h"

namespace ccpulse::sim {

namespace {

using namespace std::chrono_literals;

// Share of detractor surveys a team lead calls back.
constexpr double follow_up_share = 0.6;

}  // namespace

void simulator::resolve(contact& c, std::vector<sim_event>& out) {
  const auto d = draw_disposition(_rng);
  emit_by_agent(out, c).mutable_resolved()->set_disposition(std::string{d.name});
  c.follow_up_needed = d.follow_up_needed;
  ++_totals.resolved;
}

void simulator::after_resolution(std::uint64_t id) {
  auto it = _contacts.find(id);
  auto& c = it->second;
  if (auto back = draw_return_after_resolution(c.follow_up_needed, _rng))
    _repeats.plan(c.queue, _now + *back, {c.who, c.category});
  if (_rng.chance(_profile.survey_probability)) {
    // Surveys come back a little later: a minimum send delay plus a tail.
    schedule(_now + 30s + draw_duration(120s, _rng), task{action::survey, c.queue, 0, 0, id});
  } else {
    _contacts.erase(it);  // done: forgotten, so memory follows traffic in flight
  }
}

void simulator::after_abandon(const contact& c) {
  if (auto back = draw_return_after_abandon(_rng)) _repeats.plan(c.queue, _now + *back, {c.who, c.category});
}

void simulator::on_survey(std::uint64_t id, std::vector<sim_event>& out) {
  auto it = _contacts.find(id);
  auto& c = it->second;
  const auto answer = draw_survey({c.wait_ratio, c.rerouted, c.sentiment}, _rng);
  auto* s = emit_by_agent(out, c).mutable_survey_response();
  s->set_csat(answer.csat);
  if (answer.has_nps) {
    s->set_nps(answer.nps);
    s->set_has_nps(true);
  }
  ++_totals.surveys;
  if (answer.detractor && _rng.chance(follow_up_share)) {
    schedule(_now + 2min + draw_duration(20min, _rng), task{action::follow_up, c.queue, 0, 0, id});
    return;
  }
  _contacts.erase(it);
}

void simulator::on_follow_up(std::uint64_t id, std::vector<sim_event>& out) {
  auto it = _contacts.find(id);
  emit_by_agent(out, it->second).mutable_follow_up_completed();
  _contacts.erase(it);
}

}  // namespace ccpulse::sim
