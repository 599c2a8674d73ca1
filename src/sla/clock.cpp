#include "sla/clock.h"

#include <algorithm>

namespace ccpulse::sla {

clock_goal goal_of(const target& t, std::uint32_t priority) {
  const duration d = t.for_priority(priority);
  return {d, t.at_risk.at_elapsed(d)};
}

duration elapsed(const sla_clock& c, instant at) {
  if (!c.running || c.paused) return c.consumed;
  return c.consumed + std::max(duration{0}, at - c.run_since);
}

namespace {
void place(sla_clock& c, instant t, const clock_goal& g) {
  // What is left of each goal runs from t. A goal already passed in a
  // previous span lands at t: due at once, as it should be.
  c.run_since = t;
  c.deadline = t + std::max(duration{0}, g.target - c.consumed);
  c.at_risk_at = t + std::max(duration{0}, g.at_risk_elapsed - c.consumed);
}
}  // namespace

void start_cycle(sla_clock& c, instant t, const clock_goal& g, bool paused) {
  c.started_at = t;
  c.consumed = {};
  c.running = true;
  c.paused = paused;
  c.at_risk_sent = false;
  c.breached_sent = false;
  place(c, t, g);
}

void pause(sla_clock& c, instant t) {
  if (!c.running || c.paused) return;
  c.consumed = elapsed(c, t);
  c.paused = true;
}

void resume(sla_clock& c, instant t, const clock_goal& g) {
  if (!c.running || !c.paused) return;
  c.paused = false;
  place(c, t, g);
}

}  // namespace ccpulse::sla
