#include "view/queue_metric.h"

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "metrics/kpi_view.h"

namespace ccpulse::view {

namespace {

using sla::queue_metric;

double seconds(duration d) { return std::chrono::duration<double>(d).count(); }

// How many contacts the metric stands on, for min_contacts; nullopt for
// metrics that are counts themselves or not per contact.
std::optional<std::uint64_t> volume(queue_metric m, const metrics::kpi_counters& c) {
  switch (m) {
    case queue_metric::service_level:
    case queue_metric::abandonment_rate:
    case queue_metric::wait_p90_seconds:
      return c.answered + c.abandoned + c.flowed_out;
    case queue_metric::asa_seconds:
      return c.answered;
    case queue_metric::aht_seconds:
      return c.handled;
    case queue_metric::csat_share:
      return c.csat_responses;
    case queue_metric::nps:
      return c.nps_responses;
    default:
      return std::nullopt;  // counts, occupancy and the live metrics
  }
}

std::optional<double> pick(queue_metric m, const metrics::kpi_summary& k) {
  switch (m) {
    case queue_metric::service_level:
      return k.service_level;
    case queue_metric::abandonment_rate:
      return k.abandonment_rate;
    case queue_metric::asa_seconds:
      return k.average_speed_of_answer;
    case queue_metric::wait_p90_seconds:
      if (!k.wait.p90) return std::nullopt;
      return seconds(*k.wait.p90);
    case queue_metric::aht_seconds:
      return k.average_handle_time;
    case queue_metric::offered:
      return static_cast<double>(k.offered);
    case queue_metric::abandoned:
      return static_cast<double>(k.abandoned);
    case queue_metric::csat_share:
      return k.csat_share;
    case queue_metric::nps:
      return k.net_promoter_score;
    case queue_metric::occupancy:
      return k.occupancy;
    default:
      return std::nullopt;  // live metrics: read_live
  }
}

std::optional<double> read_live(queue_metric m, const merged_scope& s, const queue_reading_context& q) {
  if (s.live.partitions == 0) return std::nullopt;
  const auto& g = s.live.gauges;
  switch (m) {
    case queue_metric::waiting:
      return static_cast<double>(g.waiting);
    case queue_metric::oldest_wait_seconds:
      if (g.waiting == 0 || g.oldest_waiting_since == instant_max) return 0.0;
      return std::max(0.0, seconds(q.now - g.oldest_waiting_since));
    case queue_metric::agents_available:
      return static_cast<double>(g.agents_in(ccpulse::agent_state::available));
    case queue_metric::backlog:
      return static_cast<double>(g.backlog);
    case queue_metric::backlog_overdue:
      return static_cast<double>(g.backlog_overdue);
    case queue_metric::forecast_service_level:
      return forecast_service_level(s, q.sl_threshold);
    case queue_metric::forecast_drain_seconds:
      return forecast_drain_seconds(s);
    default:
      return std::nullopt;
  }
}

}  // namespace

queue_metric_reading read_queue_metric(const merged_scope& s, const sla::queue_rule& r,
                                       const queue_reading_context& q) {
  if (!sla::is_windowed(r.metric)) return {read_live(r.metric, s, q), q.now};
  const auto& sl = q.sl;
  const auto w = std::find_if(s.windows.begin(), s.windows.end(),
                              [&](const merged_window& x) { return x.name == r.window; });
  if (w == s.windows.end()) return {};
  queue_metric_reading out;
  out.window_end = w->to;
  if (const auto n = volume(r.metric, w->parts.counts); n && *n < std::max<std::uint64_t>(r.min_contacts, 1))
    return out;
  out.value = pick(r.metric, metrics::summarize(w->parts.as_kpi_view(), sl));
  return out;
}

}  // namespace ccpulse::view
