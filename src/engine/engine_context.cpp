#include "engine/engine_context.h"

#include <algorithm>
#include <stdexcept>

namespace ccpulse::engine {

namespace {
std::vector<std::string> queue_names(const engine_settings& s) {
  std::vector<std::string> names;
  names.reserve(s.queues.size());
  for (const auto& q : s.queues) names.push_back(q.name);
  return names;
}

metrics::calendar_intervals intervals_of(const window_settings& w) {
  if (auto problem = engine_context::check_windows(w); !problem.empty()) throw std::invalid_argument(problem);
  std::string error;
  return *metrics::calendar_intervals::create(w.site_timezone, error, w.interval);
}

metrics::partition_metrics_settings layout_of(const window_settings& w) {
  metrics::partition_metrics_settings s;
  // The partition moves the head with its guarded clock (far-future outliers).
  s.head_from_events = false;
  s.fine_width = w.bucket;
  s.coarse_width = w.coarse_bucket;
  const duration span =
      w.sliding.empty() ? std::chrono::hours{1} : *std::max_element(w.sliding.begin(), w.sliding.end());
  s.fine_buckets = w.bucket.count() > 0 ? static_cast<std::size_t>(span / w.bucket) : 0;
  return s;
}

// A names table for the check: it knows no names, which is all create needs.
struct no_names final : metrics::metrics_names {
  std::string_view queue_name(metrics::queue_index) const override { return {}; }
  std::optional<metrics::queue_index> find_queue(std::string_view) override { return std::nullopt; }
  std::string_view reason_name(metrics::reason_index) const override { return {}; }
  std::optional<metrics::reason_index> find_reason(std::string_view) override { return std::nullopt; }
};
}  // namespace

std::string engine_context::check_windows(const window_settings& w) {
  if (w.bucket <= duration{0}) return "window bucket must be positive";
  for (auto len : w.sliding)
    if (len <= duration{0} || len % w.bucket != duration{0})
      return "every sliding window must be a positive multiple of the bucket";
  std::string error;
  auto cal = metrics::calendar_intervals::create(w.site_timezone, error, w.interval);
  if (!cal) return error;
  no_names names;
  if (!metrics::partition_metrics::create(layout_of(w), *cal, names, error)) return error;
  return {};
}

engine_context::engine_context(engine_settings s, sla::policy_set p)
    : settings(std::move(s)),
      policies(std::move(p)),
      queues(queue_names(settings), settings.max_queues),
      tiers({}, settings.max_tiers),
      reasons({}, max_reasons),
      attributes(policies, settings.max_attribute_values),
      calendar(intervals_of(settings.windows)) {
  for (const auto& def : settings.calendars) {
    std::string error;
    auto cal = sla::business_calendar::create(def, error);
    if (!cal) throw std::invalid_argument("calendar " + def.name + ": " + error);
    _calendars.push_back(std::move(*cal));
  }
  _target_calendars.assign(policies.policies().size() * sla::target_type_count, nullptr);
  for (std::size_t pi = 0; pi < policies.policies().size(); ++pi)
    for (const auto& t : policies.policies()[pi].targets) {
      if (t.calendar.empty()) continue;
      auto it = std::find_if(_calendars.begin(), _calendars.end(),
                             [&](const sla::business_calendar& c) { return c.name() == t.calendar; });
      if (it == _calendars.end())
        throw std::invalid_argument("target names an unknown calendar " + t.calendar);
      _target_calendars[pi * sla::target_type_count + static_cast<std::size_t>(t.type)] = &*it;
    }
  for (const auto& q : settings.queues) {
    _sl_thresholds.push_back(q.sl_threshold);
    _sl_options.push_back(q.sl);
  }
}

metrics::partition_metrics_settings engine_context::window_layout() const {
  return layout_of(settings.windows);
}

}  // namespace ccpulse::engine
