#include "app/sim_profile.h"

namespace ccpulse::app {

sim::profile sim_profile_from(const config::config& cfg) {
  sim::profile p;
  p.rate_per_second = cfg.simulator.rate;
  p.seed = cfg.simulator.seed;
  for (const auto& q : cfg.simulator.queues) {
    channel chan = q.chan;
    for (const auto& cq : cfg.queues)
      if (cq.name == q.queue && chan == channel::unspecified) chan = cq.chan;
    p.queues.push_back({q.queue, chan == channel::unspecified ? channel::voice : chan,
                        q.arrival_share, q.agents, q.mean_handle, q.mean_patience});
  }
  return p;
}

}  // namespace ccpulse::app
