#pragma once
// The arrival rate over a day (profile::curve): a piecewise-constant
// multiplier per local hour, averaging 1 over the day, so rate_per_second
// stays the day's mean rate.
#include "model/time.h"
#include "sim/profile.h"

namespace ccpulse::sim {

// Multiplier of the mean rate during local hour [hour, hour + 1), 0..23.
double curve_multiplier(arrival_curve c, int local_hour);

// Multiplier in force at t.
double curve_multiplier_at(arrival_curve c, duration utc_offset, instant t);

// The next arrival after `from` of a Poisson process whose rate is
// mean_rate x the curve's multiplier, by inverting the integrated rate:
// `unit_draw` is an exponential draw with mean 1. mean_rate > 0.
instant next_arrival(arrival_curve c, duration utc_offset, double mean_rate, instant from, double unit_draw);

}  // namespace ccpulse::sim
