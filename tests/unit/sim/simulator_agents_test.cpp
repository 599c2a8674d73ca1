#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/simulator.h"
#include "sim/stream_checker.h"
#include "sim_profiles.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::instant;
using ccpulse::sim::simulator;
using ccpulse::sim::testing::floor_profile;
namespace v1 = ccpulse::v1;

}  // namespace

TEST_CASE("over a day agents log in and out with the curve, take breaks and never get a contact away") {
  auto p = floor_profile(23, 1.0);
  p.curve = ccpulse::sim::arrival_curve::intraday;
  const instant midnight = ccpulse::from_unix_micros(1'700'006'400'000'000);
  simulator sim(p, midnight);
  ccpulse::sim::testing::stream_checker check;
  std::map<std::string, v1::AgentState> state;
  std::map<std::string, std::string> away_reasons;  // reason -> an agent
  std::uint64_t answered_by_away = 0, answered = 0;
  std::size_t at_4am = 0, at_10am = 0;
  std::vector<ccpulse::sim::sim_event> out;
  for (int h = 1; h <= 24; ++h) {
    out.clear();
    sim.generate_until(midnight + std::chrono::hours(h), out);
    for (const auto& se : out) {
      check.feed(se);
      const auto& e = se.message;
      if (e.has_agent_state_changed()) {
        state[e.agent_id()] = e.agent_state_changed().state();
        if (e.agent_state_changed().state() == v1::AGENT_STATE_AWAY)
          away_reasons[e.agent_state_changed().away_reason()] = e.agent_id();
      } else if (e.has_answered()) {
        ++answered;
        const auto it = state.find(e.agent_id());
        if (it == state.end() || it->second != v1::AGENT_STATE_AVAILABLE) ++answered_by_away;
      }
    }
    if (h == 5) at_4am = sim.agents_logged_in();
    if (h == 11) at_10am = sim.agents_logged_in();
  }
  CHECK(check.problems() == std::vector<std::string>{});
  CHECK(answered > 10'000);
  CHECK(answered_by_away == 0);
  CHECK(check.answered_while_not_available == 0);
  CHECK(check.payloads[v1::Event::kAgentStateChanged] > 0);
  // Staffing follows the arrivals: the morning peak needs far more agents than the night.
  MESSAGE("agents logged in at 04:00 " << at_4am << ", at 10:00 " << at_10am);
  CHECK(at_10am > 4 * at_4am);
  // Breaks of every kind, and logouts (end of shifts, fewer seats in the evening).
  for (const char* reason : {"break", "lunch", "meeting", "training"}) CHECK(away_reasons.count(reason) == 1);
  std::uint64_t logged_out = 0;
  for (const auto& [agent, s] : state) logged_out += s == v1::AGENT_STATE_LOGGED_OUT;
  CHECK(logged_out > 0);
}

TEST_CASE("fixed staffing keeps every agent logged in and never away") {
  auto p = floor_profile(5, 2.0);
  p.staffing = ccpulse::sim::staffing_mode::fixed;
  for (auto& q : p.queues) q.agents = 40;
  simulator sim(p, ccpulse::sim::testing::t0);
  std::vector<ccpulse::sim::sim_event> out;
  sim.generate_until(ccpulse::sim::testing::t0 + 4h, out);
  std::set<v1::AgentState> seen;
  for (const auto& se : out)
    if (se.message.has_agent_state_changed()) seen.insert(se.message.agent_state_changed().state());
  CHECK(seen == std::set<v1::AgentState>{v1::AGENT_STATE_AVAILABLE, v1::AGENT_STATE_ON_CONTACT,
                                         v1::AGENT_STATE_AFTER_CONTACT_WORK});
  CHECK(sim.agents_logged_in() == 6 * 40);
}

TEST_CASE("a sized floor starts in its steady state with the usual share of agents away") {
  simulator sim(floor_profile(8, 20.0), ccpulse::sim::testing::t0);
  std::vector<ccpulse::sim::sim_event> out;
  sim.generate_until(ccpulse::sim::testing::t0, out);
  std::map<std::string, v1::AgentState> state;
  for (const auto& se : out)
    if (se.message.has_agent_state_changed())
      state[se.message.agent_id()] = se.message.agent_state_changed().state();
  double away = 0;
  for (const auto& [agent, s] : state) away += s == v1::AGENT_STATE_AWAY;
  const auto n = static_cast<double>(state.size());
  REQUIRE(n > 1000);
  const double p = ccpulse::sim::away_fraction();
  MESSAGE(away << " of " << n << " agents away at the start; planned shrinkage " << p);
  CHECK(std::abs(away / n - p) < 4 * std::sqrt(p * (1 - p) / n));
}
