#include "sim/staffing.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "sim/simulator.h"
#include "sim_profiles.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::instant;
using ccpulse::sim::simulator;
using ccpulse::sim::testing::floor_profile;
using ccpulse::sim::testing::t0;

struct floor_hour {
  double abandon_share = 0;  // abandoned / arrivals, live queues
  double mean_waiting = 0;   // contacts waiting, sampled each minute after 10 min
  std::size_t max_waiting = 0;
  std::size_t agents = 0;  // logged in at the end
};

// The demo's live queues (voice and chat) for `minutes` of simulated time.
floor_hour run_floor(double rate, double overload, int minutes) {
  auto p = floor_profile(17, rate);
  p.queues.resize(4);
  p.overload = overload;
  p.survey_probability = 0;
  simulator sim(p, t0);
  std::vector<ccpulse::sim::sim_event> out;
  floor_hour r;
  double sum = 0;
  int samples = 0;
  for (int minute = 1; minute <= minutes; ++minute) {
    out.clear();
    sim.generate_until(t0 + std::chrono::minutes(minute), out);
    if (minute <= 10) continue;
    sum += static_cast<double>(sim.waiting_now());
    ++samples;
    r.max_waiting = std::max(r.max_waiting, sim.waiting_now());
  }
  r.mean_waiting = sum / samples;
  r.abandon_share = static_cast<double>(sim.totals().abandoned) / static_cast<double>(sim.totals().arrivals);
  r.agents = sim.agents_logged_in();
  return r;
}

}  // namespace

TEST_CASE("transfers and escalations add to the load of the queues they go to") {
  auto p = floor_profile(1, 10);
  const auto plans = ccpulse::sim::plan_queues(p);
  // billing, support, sales are voice: each hands 8 % of its arrivals to the other two.
  REQUIRE(plans[0].reroute_targets == std::vector<std::uint32_t>{1, 2});
  CHECK(plans[3].reroute_targets.empty());
  const double handed = ccpulse::sim::transfer_probability + ccpulse::sim::escalation_probability;
  CHECK(plans[0].own_rate == doctest::Approx(3.0));
  CHECK(plans[0].rerouted_in_rate == doctest::Approx((2.5 + 1.5) * handed / 2));
  CHECK(ccpulse::sim::offered_load(p, plans[0], 0, 1.0) == doctest::Approx((3.0 + 4.0 * handed / 2) * 40));
  CHECK(plans[3].rerouted_in_rate == 0);
}

TEST_CASE("sized staffing follows the load and the overload knob cuts it") {
  auto p = floor_profile(1, 5);
  const auto plans = ccpulse::sim::plan_queues(p);
  const int at_5 = ccpulse::sim::seats_needed(p, plans[0], 0, 1.0);
  p.rate_per_second = 50;
  const auto plans_50 = ccpulse::sim::plan_queues(p);
  const int at_50 = ccpulse::sim::seats_needed(p, plans_50[0], 0, 1.0);
  // Ten times the load needs a little under ten times the agents (pooling).
  CHECK(at_50 > 8 * at_5);
  CHECK(at_50 <= 10 * at_5);
  // Enough for the load plus breaks.
  CHECK(at_50 * (1 - ccpulse::sim::away_fraction()) > ccpulse::sim::offered_load(p, plans_50[0], 0, 1.0));
  p.overload = 1.3;
  const int short_staffed = ccpulse::sim::seats_needed(p, plans_50[0], 0, 1.0);
  CHECK(short_staffed < at_50 / 1.2);
  // Fixed staffing: the agents as given, divided by the overload.
  p.staffing = ccpulse::sim::staffing_mode::fixed;
  p.overload = 1.0;
  p.queues[0].agents = 64;
  CHECK(ccpulse::sim::seats_needed(p, plans_50[0], 0, 1.0) == 64);
  p.queues[0].overload = 2.0;
  CHECK(ccpulse::sim::seats_needed(p, plans_50[0], 0, 1.0) == 32);
}

TEST_CASE("at rate 50 sized staffing keeps waiting and abandons bounded for an hour") {
  const auto designed = run_floor(50, 1.0, 60);
  MESSAGE("rate 50: abandon share " << designed.abandon_share << ", mean waiting " << designed.mean_waiting
                                    << ", max waiting " << designed.max_waiting << ", agents "
                                    << designed.agents);
  // ~42 live arrivals/s; at the designed load few wait and few leave.
  CHECK(designed.abandon_share < 0.04);
  CHECK(designed.mean_waiting < 40);
  CHECK(designed.max_waiting < 150);

  // Patience is a minute or two, so half an hour shows the overloaded steady state.
  const auto overloaded = run_floor(50, 1.3, 30);
  MESSAGE("rate 50, overload 1.3: abandon share " << overloaded.abandon_share << ", mean waiting "
                                                  << overloaded.mean_waiting << ", agents "
                                                  << overloaded.agents);
  CHECK(overloaded.abandon_share > 0.10);
  CHECK(overloaded.mean_waiting > 5 * designed.mean_waiting + 50);
  CHECK(overloaded.agents < designed.agents);
}
