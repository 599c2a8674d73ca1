#include "sim/erlang.h"

#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>

using ccpulse::sim::erlang_c;
using ccpulse::sim::erlang_c_agents;
using ccpulse::sim::erlang_c_service_level;

TEST_CASE("erlang_c matches hand-computed values") {
  // a = 2, c = 3: a^3/3! * 3/(3-2) = 4 over 1 + 2 + 2 + 4 = 9.
  CHECK(erlang_c(3, 2.0) == doctest::Approx(4.0 / 9.0));
  // a = 1, c = 1 is critical: everyone waits.
  CHECK(erlang_c(1, 1.0) == 1.0);
  CHECK(erlang_c(2, 5.0) == 1.0);
  // Thousands of agents stay finite (no factorials).
  const double big = erlang_c(3100, 3000.0);
  CHECK(big > 0.0);
  CHECK(big < 1.0);
}

TEST_CASE("erlang_c service level falls with load and rises with the threshold") {
  // 10 Erlangs, 12 agents, threshold 20 s on a 180 s handle time.
  const double sl = erlang_c_service_level(12, 10.0, 20.0 / 180.0);
  CHECK(sl == doctest::Approx(1.0 - erlang_c(12, 10.0) * std::exp(-2.0 * 20.0 / 180.0)));
  CHECK(erlang_c_service_level(12, 11.0, 20.0 / 180.0) < sl);
  CHECK(erlang_c_service_level(12, 10.0, 60.0 / 180.0) > sl);
}

TEST_CASE("erlang_c_agents is the fewest agents meeting the goal and the occupancy cap") {
  const double within = 20.0 / 180.0;
  for (double load : {0.3, 4.0, 10.0, 55.5, 240.0, 2500.0}) {
    const int c = erlang_c_agents(load, within, 0.8, 0.95);
    CAPTURE(load);
    CHECK(erlang_c_service_level(c, load, within) >= 0.8);
    CHECK(load / c <= 0.95);
    // One fewer fails one of the two.
    CHECK((erlang_c_service_level(c - 1, load, within) < 0.8 || load / (c - 1) > 0.95));
  }
  // Long thresholds (email): the occupancy cap decides.
  CHECK(erlang_c_agents(60.0, 120.0, 0.9, 0.88) == 69);
  CHECK(erlang_c_agents(0.0, within, 0.8, 0.9) == 0);
}
