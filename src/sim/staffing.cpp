#include "sim/staffing.h"

#include <cmath>

#include "sim/agent_breaks.h"
#include "sim/erlang.h"

namespace ccpulse::sim {

double away_fraction() {
  const double away = to_seconds(mean_break_length());
  return away / (to_seconds(mean_time_between_breaks()) + away);
}

std::vector<queue_plan> plan_queues(const profile& p) {
  double total_share = 0;
  for (const auto& q : p.queues) total_share += q.arrival_share;
  std::vector<queue_plan> plans(p.queues.size());
  for (std::uint32_t i = 0; i < p.queues.size(); ++i) {
    plans[i].own_rate = p.rate_per_second * p.queues[i].arrival_share / total_share;
    for (std::uint32_t j = 0; j < p.queues.size(); ++j)
      if (j != i && p.queues[j].chan == p.queues[i].chan) plans[i].reroute_targets.push_back(j);
  }
  constexpr double handed_on = transfer_probability + escalation_probability;
  for (const auto& from : plans)
    for (auto to : from.reroute_targets)
      plans[to].rerouted_in_rate +=
          from.own_rate * handed_on / static_cast<double>(from.reroute_targets.size());
  return plans;
}

double offered_load(const profile& p, const queue_plan& plan, std::uint32_t q, double multiplier) {
  return (plan.own_rate + plan.rerouted_in_rate) * multiplier * to_seconds(p.queues[q].mean_handle);
}

int seats_needed(const profile& p, const queue_plan& plan, std::uint32_t q, double multiplier) {
  const auto& qp = p.queues[q];
  const double overload = p.overload * qp.overload;
  if (p.staffing == staffing_mode::fixed) return static_cast<int>(std::lround(qp.agents / overload));
  const double planned = offered_load(p, plan, q, multiplier) / overload;
  const int on_floor = erlang_c_agents(planned, to_seconds(qp.answer_within) / to_seconds(qp.mean_handle),
                                       qp.answer_target, max_planned_occupancy);
  return static_cast<int>(std::ceil(on_floor / (1.0 - away_fraction())));
}

}  // namespace ccpulse::sim
