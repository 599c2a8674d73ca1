#include "engine/engine_context.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
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
// "+05:45"
std::string format_offset(std::chrono::seconds offset) {
  const auto abs = offset < std::chrono::seconds{0} ? -offset : offset;
  char text[16];
  std::snprintf(text, sizeof text, "%c%02d:%02d", offset < std::chrono::seconds{0} ? '-' : '+',
                static_cast<int>(abs.count() / 3600), static_cast<int>(abs.count() / 60 % 60));
  return text;
}

// Coarse buckets are aligned on the epoch: intervals and "today" read whole
// coarse buckets, so the zone's offsets must be multiples of their width, or
// a bucket straddling an interval or midnight would count in the one holding
// its start. Checked over the years events can carry (2000-2100), not the
// local mean times of the 19th century.
std::string check_zone_offsets(const metrics::calendar_intervals& cal, duration coarse) {
  using namespace std::chrono;
  const instant from = time_point_cast<duration>(sys_days{year{2000} / January / 1});
  const instant to = time_point_cast<duration>(sys_days{year{2100} / January / 1});
  const auto bad = cal.first_offset_not_multiple_of(coarse, from, to);
  if (!bad) return {};
  const year_month_day since{floor<days>(bad->since)};
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(since.year()),
                static_cast<unsigned>(since.month()), static_cast<unsigned>(since.day()));
  return "site_timezone " + std::string(cal.zone_name()) + " is UTC" + format_offset(bad->offset) + " from " +
         date + ", not a whole multiple of the histogram bucket (" +
         std::to_string(duration_cast<seconds>(coarse).count()) +
         " s): intervals and days would not start on a bucket; use a histogram bucket that divides the "
         "offset";
}

}  // namespace

std::string engine_context::check_windows(const window_settings& w) {
  if (w.bucket <= duration{0}) return "window bucket must be positive";
  for (auto len : w.sliding)
    if (len <= duration{0} || len % w.bucket != duration{0})
      return "every sliding window must be a positive multiple of the bucket";
  std::string error;
  auto cal = metrics::calendar_intervals::create(w.site_timezone, error, w.interval);
  if (!cal) return error;
  if (auto problem = check_zone_offsets(*cal, w.coarse_bucket); !problem.empty()) return problem;
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
