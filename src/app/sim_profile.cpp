#include "app/sim_profile.h"

#include "metrics/calendar_intervals.h"

namespace ccpulse::app {

std::optional<sim::staffing_mode> parse_staffing(std::string_view word) {
  if (word == "fixed") return sim::staffing_mode::fixed;
  if (word == "sized") return sim::staffing_mode::sized;
  return std::nullopt;
}

std::optional<sim::arrival_curve> parse_arrival_curve(std::string_view word) {
  if (word == "flat") return sim::arrival_curve::flat;
  if (word == "intraday") return sim::arrival_curve::intraday;
  return std::nullopt;
}

sim::profile sim_profile_from(const config::config& cfg, instant start, duration lead_in) {
  sim::profile p;
  p.rate_per_second = cfg.simulator.rate;
  p.seed = cfg.simulator.seed;
  // The loader accepted only these words.
  p.staffing = parse_staffing(cfg.simulator.staffing).value_or(sim::staffing_mode::fixed);
  p.curve = parse_arrival_curve(cfg.simulator.arrival_curve).value_or(sim::arrival_curve::flat);
  p.overload = cfg.simulator.overload;
  // The offset at the start: a DST change during a run shifts the curve by
  // an hour until the run ends, which a traffic generator can live with.
  std::string error;
  if (auto zone = metrics::calendar_intervals::create(cfg.site_timezone, error))
    p.utc_offset = zone->interval_of(start).utc_offset;
  for (const auto& q : cfg.simulator.queues) {
    channel chan = q.chan;
    sim::queue_profile qp{q.queue, channel::voice, q.arrival_share, q.agents, q.mean_handle, q.mean_patience};
    for (const auto& cq : cfg.queues) {
      if (cq.name != q.queue) continue;
      if (chan == channel::unspecified) chan = cq.chan;
      qp.answer_within = cq.sl_threshold;
      qp.answer_target = cq.sl_target;
    }
    qp.chan = chan == channel::unspecified ? channel::voice : chan;
    qp.overload = q.overload;
    for (const auto& s : q.surges) qp.surges.push_back(sim::surge{lead_in + s.after, s.lasting, s.factor});
    p.queues.push_back(std::move(qp));
  }
  return p;
}

}  // namespace ccpulse::app
