#pragma once
// A merged read of one scope over one window (partition_metrics::read_*),
// and the KPI figures of DESIGN.md §5 computed from it with the formulas of
// service_level.h. Views of several partitions add up (operator+=) before
// the figures are computed: ratios come last.
#include <optional>

#include "metrics/distributions.h"
#include "metrics/kpi_parts.h"
#include "metrics/service_level.h"
#include "model/time.h"

namespace ccpulse::metrics {

struct kpi_view {
  kpi_counters counts;
  distributions dist;
  // The period the counters cover, [from, to); the distributions cover the
  // coarse buckets overlapping it (partition_metrics.h says how much).
  instant from{};
  instant to{};

  kpi_view& operator+=(const kpi_view& o) {
    counts += o.counts;
    dist += o.dist;
    return *this;
  }
  friend bool operator==(const kpi_view&, const kpi_view&) = default;
};

struct quantiles {
  std::optional<duration> p50, p90, p99;
};

// Every figure is nullopt when its denominator is empty (service_level.h).
struct kpi_summary {
  std::uint64_t offered = 0, answered = 0, abandoned = 0, handled = 0;
  std::optional<double> service_level;
  std::optional<double> abandonment_rate;
  std::optional<double> average_speed_of_answer;  // seconds
  std::optional<double> average_handle_time;      // seconds
  std::optional<double> transfer_rate, escalation_rate, first_contact_resolution;
  std::optional<double> csat_share, csat_mean, net_promoter_score, occupancy;
  quantiles wait, handle, first_response, next_reply, resolution;
};

kpi_summary summarize(const kpi_view& v, const sl_options& sl);

}  // namespace ccpulse::metrics
