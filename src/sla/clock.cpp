#include "sla/clock.h"

#include <algorithm>

namespace ccpulse::sla {

clock_goal goal_of(const target& t, std::uint32_t priority) {
  const duration d = t.for_priority(priority);
  return {d, t.at_risk.at_elapsed(d)};
}

duration elapsed(const sla_clock& c, instant at, const business_calendar* cal) {
  if (!c.running || c.paused || at <= c.run_since) return c.consumed;
  return c.consumed + (cal ? cal->business_between(c.run_since, at) : at - c.run_since);
}

namespace {
instant after(instant t, duration d, const business_calendar* cal) {
  return cal ? cal->deadline_after(t, d) : t + d;
}

void place(sla_clock& c, instant t, const clock_goal& g, const business_calendar* cal) {
  // What is left of each goal runs from t. A goal already passed in a
  // previous span lands at t: due at once, as it should be.
  c.run_since = t;
  c.deadline = after(t, std::max(duration{0}, g.target - c.consumed), cal);
  c.at_risk_at = after(t, std::max(duration{0}, g.at_risk_elapsed - c.consumed), cal);
}
}  // namespace

void start_cycle(sla_clock& c, instant t, const clock_goal& g, bool paused, const business_calendar* cal) {
  c.started_at = t;
  c.consumed = {};
  c.running = true;
  c.paused = paused;
  c.at_risk_sent = false;
  c.breached_sent = false;
  place(c, t, g, cal);
}

void pause(sla_clock& c, instant t, const business_calendar* cal) {
  if (!c.running || c.paused) return;
  c.consumed = elapsed(c, t, cal);
  c.paused = true;
}

void resume(sla_clock& c, instant t, const clock_goal& g, const business_calendar* cal) {
  if (!c.running || !c.paused) return;
  c.paused = false;
  place(c, t, g, cal);
}

}  // namespace ccpulse::sla
