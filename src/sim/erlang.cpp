#include "sim/erlang.h"

#include <algorithm>
#include <cmath>

namespace ccpulse::sim {

namespace {

// Erlang B by its recurrence B(k) = a B(k-1) / (k + a B(k-1)): no factorials,
// so it stays exact for thousands of agents.
double erlang_b(int agents, double load) {
  double b = 1.0;
  for (int k = 1; k <= agents; ++k) b = load * b / (k + load * b);
  return b;
}

double c_from_b(int agents, double load, double b) { return agents * b / (agents - load * (1.0 - b)); }

double level(int agents, double load, double within, double c) {
  return 1.0 - c * std::exp(-(agents - load) * within);
}

}  // namespace

double erlang_c(int agents, double load) {
  if (agents <= load) return 1.0;
  return c_from_b(agents, load, erlang_b(agents, load));
}

double erlang_c_service_level(int agents, double load, double within) {
  if (agents <= load) return 0.0;
  return level(agents, load, within, erlang_c(agents, load));
}

int erlang_c_agents(double load, double within, double target, double max_occupancy) {
  if (!(load > 0)) return 0;
  // A target of 100 % is never met exactly; plan for nearly all.
  target = std::min(target, 0.995);
  const int by_occupancy = static_cast<int>(std::ceil(load / max_occupancy));
  int c = static_cast<int>(std::floor(load)) + 1;
  double b = erlang_b(c, load);
  while (c < by_occupancy || level(c, load, within, c_from_b(c, load, b)) < target) {
    ++c;
    b = load * b / (c + load * b);
  }
  return c;
}

}  // namespace ccpulse::sim
