#pragma once
// One SLA clock of one interaction: a target's current cycle, with the time
// it has run so far. The clock runs in spans: started or resumed at
// run_since, stopped by a pause (consumed keeps what ran before) or by its
// end. at_risk_at and deadline are wall-clock instants recomputed at every
// resume; they mean nothing while paused.
#include <cstdint>

#include "model/time.h"
#include "sla/business_calendar.h"
#include "sla/policy.h"

namespace ccpulse::sla {

struct sla_clock {
  std::uint64_t timer = ~std::uint64_t{0};
  instant started_at{};
  instant run_since{};
  instant at_risk_at{};
  instant deadline{};
  duration consumed{};
  std::uint32_t cycle = 0;
  std::uint16_t policy = 0;
  target_type target = target_type::answer;
  // running: started and not stopped (a paused clock is running).
  bool running : 1 = false;
  bool paused : 1 = false;
  bool at_risk_sent : 1 = false;
  bool breached_sent : 1 = false;
};

// What a clock must reach: the target's duration for the interaction's
// priority, and the elapsed time at which it is at risk.
struct clock_goal {
  duration target{};
  duration at_risk_elapsed{};
};
clock_goal goal_of(const target& t, std::uint32_t priority);

// With a business-hours calendar (cal), the clock's time is business time:
// consumed and elapsed count only open hours, and at_risk_at / deadline are
// the wall-clock instants at which the goals' business time runs out.
// nullptr: wall-clock time.

// Time the clock has run by `at` (at ≥ run_since while running).
duration elapsed(const sla_clock& c, instant at, const business_calendar* cal = nullptr);
// A new cycle starting at t (running, or paused from the start).
void start_cycle(sla_clock& c, instant t, const clock_goal& g, bool paused,
                 const business_calendar* cal = nullptr);
// Stops the running span at t; resumes a paused clock at t. No-ops when the
// clock is already in that state or not running.
void pause(sla_clock& c, instant t, const business_calendar* cal = nullptr);
void resume(sla_clock& c, instant t, const clock_goal& g, const business_calendar* cal = nullptr);

}  // namespace ccpulse::sla
