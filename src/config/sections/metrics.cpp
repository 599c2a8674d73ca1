// metrics: the windowed metrics engine (DESIGN.md §5, docs/kpis.md): its
// sliding windows and buckets, the calendar interval, and the per-partition
// bounds of the repeat-contact index and the agent table. That the window
// settings fit each other as the engine needs is checked once the whole
// file is read (cross_checks.h), since site_timezone takes part.
#include <algorithm>

#include "config/sections/sections.h"

namespace ccpulse::config {

namespace {

using namespace std::chrono_literals;

// Each fine bucket costs every busy scope of a partition its counters
// (partition_metrics.h's MEMORY note: ~3 MB per partition for 100 queues at
// 360 buckets). A day of 10 s buckets is plenty for a wallboard; beyond it a
// typo (1s buckets over 1d) would cost gigabytes.
constexpr std::int64_t max_ring_buckets = 8640;
constexpr duration max_window = 24h;

void read_windows(load_context& ctx, const value& v, metrics_settings& m) {
  const auto items = ctx.in.list(v);
  if (!items) return;
  std::vector<duration> windows;
  ctx.window_items.clear();
  for (const auto& item : *items) {
    const auto d = ctx.in.read_duration(item, duration{1}, max_window);
    if (!d) continue;
    if (std::find(windows.begin(), windows.end(), *d) != windows.end()) {
      ctx.in.report(item.mark, item.path, "window " + format_duration(*d) + " is listed twice");
      continue;
    }
    windows.push_back(*d);
    ctx.window_items.push_back(item);
  }
  if (items->empty())
    ctx.in.report(v.mark, v.path, "at least one window is needed (the longest is the ring's span)");
  m.windows = std::move(windows);
}

// The rules of one field against another in this section; what needs the
// zone too is left to the engine's own check (cross_checks.cpp).
void check_windows_fit_bucket(load_context& ctx, const value& v, const metrics_settings& m) {
  const auto bucket_path = child(v.path, "bucket");
  // A rejected bucket was reported; measuring windows by the default would mislead.
  if (ctx.key_at(bucket_path) && !ctx.accepted_at(bucket_path)) return;
  for (std::size_t i = 0; i < ctx.window_items.size() && i < m.windows.size(); ++i) {
    const auto& at = ctx.window_items[i];
    if (m.windows[i] % m.bucket != duration{0})
      ctx.in.report(at.mark, at.path,
                    "window " + format_duration(m.windows[i]) + " is not a multiple of metrics.bucket " +
                        format_duration(m.bucket));
  }
  const auto longest = std::max_element(m.windows.begin(), m.windows.end());
  if (longest == m.windows.end() || *longest / m.bucket <= max_ring_buckets) return;
  // At the longest window if written, else at the bucket that made it too fine.
  const auto i = static_cast<std::size_t>(longest - m.windows.begin());
  const auto bucket = ctx.accepted_at(bucket_path);
  const written_at at = i < ctx.window_items.size()
                            ? written_at{ctx.window_items[i].path, ctx.window_items[i].mark}
                        : bucket ? *bucket
                                 : written_at{v.path, v.mark};
  ctx.in.report(at.mark, at.path,
                "the longest window " + format_duration(*longest) + " holds " +
                    std::to_string(*longest / m.bucket) + " buckets of " + format_duration(m.bucket) +
                    "; at most " + std::to_string(max_ring_buckets) +
                    " (every bucket costs memory in every queue of every partition): use a larger bucket");
}

// The calendar counts whole minutes, and intervals tile each day.
void check_interval(load_context& ctx, const value& v, const metrics_settings& m) {
  const auto at = ctx.accepted_at(child(v.path, "interval"));
  if (!at || (m.interval % 1min == duration{0} && 24h % m.interval == duration{0})) return;
  ctx.in.report(
      at->mark, at->path,
      "must be whole minutes that divide a day evenly (15m, 30m, 1h...), got " + format_duration(m.interval));
}

void read_metrics(load_context& ctx, const value& v, config& cfg) {
  read_fields(ctx, v, metrics_fields(), cfg.metrics);
  check_windows_fit_bucket(ctx, v, cfg.metrics);
  check_interval(ctx, v, cfg.metrics);
}

}  // namespace

custom_spec<config> metrics_section() {
  return {read_metrics, "mapping", "", [](config& c) { apply_defaults(metrics_fields(), c.metrics); }};
}

field_table<metrics_settings> metrics_fields() {
  using m = metrics_settings;
  constexpr duration day = 24h;
  static const std::vector<field<m>> table{
      {"windows", custom_spec<m>{read_windows, "list of durations", "[15m, 1h]"},
       "sliding windows, each a multiple of bucket; the longest is the span of the bucket ring"},
      {"bucket", duration_field(&m::bucket, 1s, 1h, 10s),
       "width of the ring's buckets: windows move in steps of this"},
      {"histogram_bucket", duration_field(&m::histogram_bucket, 1s, day, 5min),
       "coarse bucket of percentiles and reasons; a multiple of bucket dividing the longest window"},
      {"interval", duration_field(&m::interval, 1min, day, 15min),
       "calendar interval in site_timezone: whole minutes dividing a day, at most half the longest window"},
      {"repeat_window", duration_field(&m::repeat_window, 1min, 365 * day, 7 * day),
       "FCR: a contact from a customer seen within this before is a repeat contact"},
      {"max_repeat_customers", whole_field(&m::max_repeat_customers, 1000, 100'000'000, 1'000'000),
       "customers the repeat-contact index keeps per input partition"},
      {"max_agents", whole_field(&m::max_agents, 1, 10'000'000, 100'000),
       "agents tracked per input partition (occupancy, agents by state)"},
  };
  return table;
}

}  // namespace ccpulse::config
