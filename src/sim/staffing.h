#pragma once
// How many agents a queue gets (profile::staffing), and where its contacts
// may be transferred or escalated to: both feed the offered load.
#include <cstdint>
#include <vector>

#include "sim/profile.h"

namespace ccpulse::sim {

// Share of contacts an agent hands on to another queue of the same channel
// at the end of their first leg (when there is one): transfers, escalations.
inline constexpr double transfer_probability = 0.05;
inline constexpr double escalation_probability = 0.03;

// Planned occupancy ceiling: beyond it agents burn out and a small
// surge makes the queue explode, so planners staff above Erlang C there.
inline constexpr double max_planned_occupancy = 0.95;

// Fraction of logged-in time agents spend away (breaks, lunch, meetings,
// training), as the floor's away model draws it; sized staffing adds it.
double away_fraction();

struct queue_plan {
  // Other queues of the same channel, where this queue's contacts may go.
  std::vector<std::uint32_t> reroute_targets;
  // Arrivals per second at curve multiplier 1: own, and rerouted in.
  double own_rate = 0;
  double rerouted_in_rate = 0;
};

std::vector<queue_plan> plan_queues(const profile& p);

// Offered load in Erlangs of queue q at `multiplier` times its mean rate.
double offered_load(const profile& p, const queue_plan& plan, std::uint32_t q, double multiplier);

// Logged-in agents queue q needs at `multiplier` (sized), or its fixed agents;
// both divided by the queue's and the profile's overload.
int seats_needed(const profile& p, const queue_plan& plan, std::uint32_t q, double multiplier);

}  // namespace ccpulse::sim
