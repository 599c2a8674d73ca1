#pragma once
// A queue-alert rule's metric read from one queue's scope of the merged
// view (global_view.h): the figure the rule compares with its threshold.
// Pure.
#include <optional>

#include "metrics/service_level.h"
#include "sla/queue_rule.h"
#include "view/global_view.h"
#include "view/queue_forecast.h"

namespace ccpulse::view {

struct queue_metric_reading {
  std::optional<double> value;  // nullopt: no figure, or fewer contacts than min_contacts
  instant window_end{};         // the end of the period it covers ({} when the window is absent)
};

// What the queue's figures are read with.
struct queue_reading_context {
  metrics::sl_options sl;             // the queue's service-level formula
  duration sl_threshold{20'000'000};  // its T, for the forecast
  instant now{};                      // the view's build time, for ages
};

queue_metric_reading read_queue_metric(const merged_scope& s, const sla::queue_rule& r,
                                       const queue_reading_context& q);

}  // namespace ccpulse::view
