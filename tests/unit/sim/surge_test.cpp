// Surges (sim::surge): an unforecast burst of one queue's arrivals, which
// the demo uses so a queue falls behind and recovers while people watch.
#include "sim/simulator.h"

#include "sim_profiles.h"

#include <doctest/doctest.h>

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using ccpulse::duration;
using ccpulse::instant;
using ccpulse::sim::profile;
using ccpulse::sim::sim_event;
using ccpulse::sim::simulator;
using ccpulse::sim::surge;
using ccpulse::sim::testing::bytes_of;
using ccpulse::sim::testing::floor_profile;
using ccpulse::sim::testing::t0;

// Interactions created in `queue` during [t0, t0 + 10 min), the next ten
// minutes and the ten after.
std::array<int, 3> arrivals_by_ten_minutes(const std::vector<sim_event>& events, const std::string& queue) {
  std::array<int, 3> n{};
  for (const auto& e : events) {
    if (!e.message.has_interaction_created() || e.message.queue_id() != queue) continue;
    const auto slot = (e.at - t0) / duration{10min};
    if (slot >= 0 && slot < 3) ++n[static_cast<std::size_t>(slot)];
  }
  return n;
}

std::vector<sim_event> run(const profile& p, duration span) {
  simulator sim(p, t0);
  std::vector<sim_event> out;
  sim.generate_until(t0 + span, out);
  return out;
}

}  // namespace

TEST_CASE("a surge multiplies one queue's arrivals over its span and nowhere else") {
  auto p = floor_profile(3, 2.0);  // billing: 0.6 arrivals/s, 360 per ten minutes
  p.queues[0].surges = {surge{10min, 10min, 3.0}};
  const auto events = run(p, 30min);
  const auto billing = arrivals_by_ten_minutes(events, "billing");
  INFO("billing arrivals per ten minutes: " << billing[0] << " " << billing[1] << " " << billing[2]);
  // Poisson counts: a standard deviation of sqrt(360) = 19 at the usual rate.
  CHECK(billing[0] > 290);
  CHECK(billing[0] < 430);
  CHECK(billing[1] > 2.5 * billing[0]);
  CHECK(billing[1] < 3.5 * billing[0]);
  CHECK(billing[2] > 290);
  CHECK(billing[2] < 430);

  const auto support = arrivals_by_ten_minutes(events, "support");  // 0.5/s, 300 per ten minutes
  INFO("support arrivals per ten minutes: " << support[0] << " " << support[1] << " " << support[2]);
  for (int n : support) {
    CHECK(n > 230);
    CHECK(n < 370);
  }
}

TEST_CASE("a surged stream is the same however time is sliced") {
  auto p = floor_profile(5, 1.0);
  p.queues[2].surges = {surge{2min, 3min, 4.0}, surge{4min, 1min, 2.0}};  // overlapping is allowed
  const auto whole = run(p, 10min);
  simulator sliced(p, t0);
  std::vector<sim_event> parts;
  for (instant t = t0; t < t0 + 10min;) {
    t = std::min(t + 7s, t0 + 10min);
    sliced.generate_until(t, parts);
  }
  REQUIRE(whole.size() == parts.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < whole.size(); ++i)
    if (whole[i].at != parts[i].at || bytes_of(whole[i].message) != bytes_of(parts[i].message)) ++mismatches;
  CHECK(mismatches == 0);
}

TEST_CASE("a surge that is not a burst is refused with the field named") {
  auto p = floor_profile(1, 1.0);
  p.queues[1].surges = {surge{1min, 1min, 1.0}};
  CHECK_THROWS_WITH_AS(simulator(p, t0), doctest::Contains("factor"), std::invalid_argument);
  p.queues[1].surges = {surge{1min, duration::zero(), 2.0}};
  CHECK_THROWS_WITH_AS(simulator(p, t0), doctest::Contains("lasting"), std::invalid_argument);
  p.queues[1].surges = {surge{-1s, 1min, 2.0}};
  CHECK_THROWS_WITH_AS(simulator(p, t0), doctest::Contains("after"), std::invalid_argument);
}
