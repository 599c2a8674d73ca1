#pragma once
// /api/v1/snapshot (DESIGN.md §10): the merged global view as JSON, its
// shape documented in the README ("HTTP API"). Per scope (overall, each
// queue, each channel) and window: the additive parts and every KPI of
// metrics::summarize (service level by the queue's formula), with the
// view's freshness; per scope the live gauges (ages measured to the view's
// build time) and per queue the Erlang C forecast. No customer data: scopes and figures only.
#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/service_level.h"
#include "model/time.h"
#include "view/global_view.h"
#include "view/queue_forecast.h"

namespace ccpulse::http {

// The service-level options of a queue label (defaults for unknown ones,
// channels and the overall scope).
using sl_lookup = std::function<metrics::sl_options(std::string_view queue)>;
// A queue label's sl_threshold (the config default for unknown ones), for
// the Erlang C forecast (view/queue_forecast.h).
using threshold_lookup = std::function<duration(std::string_view queue)>;

struct snapshot_json_context {
  std::string_view instance_id;
  instant now{};
  duration max_age{};
  bool caught_up = false;  // the reader has read the topic to its end once
  // Empty: no queue gets a forecast ("forecast": null).
  threshold_lookup sl_threshold;
};

// The "live" object of a scope (null without live figures), and the
// "forecast" object of a queue (null when there is none).
boost::json::value live_json(const view::merged_live& l, instant as_of);
boost::json::value forecast_json(const std::optional<view::queue_forecast>& f);
// The merged view's firing queue alerts, as listed.
boost::json::value firing_json(const std::vector<view::firing_queue_alert>& firing);

std::string render_snapshot_json(const view::merged_view& v, const sl_lookup& sl,
                                 const snapshot_json_context& c);

}  // namespace ccpulse::http
