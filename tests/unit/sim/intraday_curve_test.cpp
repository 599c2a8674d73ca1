#include "sim/intraday_curve.h"

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cmath>
#include <vector>

#include "sim/simulator.h"
#include "sim_profiles.h"

namespace {

using namespace std::chrono_literals;
using ccpulse::instant;
using ccpulse::sim::arrival_curve;
using ccpulse::sim::curve_multiplier;
namespace v1 = ccpulse::v1;

}  // namespace

TEST_CASE("the intraday curve averages 1 and peaks mid-morning and after lunch") {
  double sum = 0;
  for (int h = 0; h < 24; ++h) sum += curve_multiplier(arrival_curve::intraday, h);
  CHECK(sum / 24 == doctest::Approx(1.0));
  CHECK(curve_multiplier(arrival_curve::intraday, 3) < 0.1);
  CHECK(curve_multiplier(arrival_curve::intraday, 10) > 2.0);
  CHECK(curve_multiplier(arrival_curve::intraday, 12) < curve_multiplier(arrival_curve::intraday, 10));
  CHECK(curve_multiplier(arrival_curve::intraday, 12) < curve_multiplier(arrival_curve::intraday, 14));
  CHECK(curve_multiplier(arrival_curve::flat, 3) == 1.0);
}

TEST_CASE("next_arrival spends its draw hour by hour") {
  const instant midnight = ccpulse::from_unix_micros(1'700'006'400'000'000);  // 2023-11-15T00:00:00Z
  // Flat: draw / rate.
  CHECK(ccpulse::sim::next_arrival(arrival_curve::flat, {}, 2.0, midnight, 3.0) == midnight + 1500ms);
  // Intraday: the first hour holds rate x m(0) x 3600 expected arrivals; a
  // draw just past it lands just after 01:00.
  const double first_hour = 1.0 * curve_multiplier(arrival_curve::intraday, 0) * 3600;
  const instant t = ccpulse::sim::next_arrival(arrival_curve::intraday, {}, 1.0, midnight, first_hour + 1e-3);
  CHECK(t > midnight + 1h);
  CHECK(t < midnight + 1h + 1s);
  // Local time: at UTC+2, 00:00 UTC is 02:00 local.
  const instant local = ccpulse::sim::next_arrival(arrival_curve::intraday, 2h, 1.0, midnight, 1.0);
  CHECK(ccpulse::to_seconds(local - midnight) ==
        doctest::Approx(1.0 / curve_multiplier(arrival_curve::intraday, 2)).epsilon(1e-6));
}

TEST_CASE("hourly arrivals follow the intraday profile in local time") {
  auto p = ccpulse::sim::testing::floor_profile(3, 0.4);
  p.queues.resize(1);  // billing alone: one arrival stream
  p.curve = arrival_curve::intraday;
  p.utc_offset = 1h;
  p.survey_probability = 0;
  const instant midnight_local = ccpulse::from_unix_micros(1'700'006'400'000'000) - 1h;
  ccpulse::sim::simulator sim(p, midnight_local);
  constexpr int days = 2;
  std::array<double, 24> created{};
  std::vector<ccpulse::sim::sim_event> out;
  for (int h = 0; h < 24 * days; ++h) {
    out.clear();
    sim.generate_until(midnight_local + std::chrono::hours(h + 1) - 1us, out);
    for (const auto& se : out)
      if (se.message.has_interaction_created()) created[static_cast<std::size_t>(h % 24)] += 1;
  }
  // Poisson counts: each hour within 4.5 standard deviations (sqrt of the
  // mean) of rate x multiplier x 3600 x days; 24 hours at that bound fail
  // by chance with probability below 2e-4.
  for (int h = 0; h < 24; ++h) {
    const double expected = p.rate_per_second * curve_multiplier(arrival_curve::intraday, h) * 3600 * days;
    CAPTURE(h);
    CAPTURE(created[static_cast<std::size_t>(h)]);
    CHECK(std::abs(created[static_cast<std::size_t>(h)] - expected) < 4.5 * std::sqrt(expected));
  }
  CHECK(created[10] > 8 * created[3]);
}
