#include "view/snapshot_builder.h"

#include <algorithm>

namespace ccpulse::view {

namespace {

void names_of(const metrics::sparse_counts& by_index, const metrics::metrics_names& names,
              reason_counts& out) {
  out.clear();
  for (const auto& e : by_index.entries())
    out.push_back({std::string(names.reason_name(e.index)), e.count()});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.reason < b.reason; });
}

void fill(window_snapshot& w, window_kind kind, duration length, const metrics::kpi_view& v,
          const metrics::metrics_names& names) {
  w.kind = kind;
  w.length = length;
  w.from = v.from;
  w.to = v.to;
  w.parts.counts = v.counts;
  w.parts.histograms = v.dist.histograms;
  names_of(v.dist.transfers_by_reason, names, w.parts.transfers_by_reason);
  names_of(v.dist.escalations_by_reason, names, w.parts.escalations_by_reason);
}

std::string scope_name(metrics::scope_id id, const metrics::metrics_names& names) {
  switch (id.kind) {
    case metrics::scope_kind::overall:
      return {};
    case metrics::scope_kind::queue:
      return std::string(names.queue_name(id.index));
    case metrics::scope_kind::channel:
      return std::string(to_string(static_cast<channel>(id.index)));
  }
  return {};
}

}  // namespace

void build_snapshots(const metrics::partition_metrics& m, const metrics::metrics_names& names,
                     const std::vector<duration>& sliding, const snapshot_source& src,
                     std::vector<scope_snapshot>& out) {
  auto ids = m.scopes();
  auto include = [&ids](metrics::scope_id id) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  };
  if (std::find(ids.begin(), ids.end(), metrics::scope_id::overall()) == ids.end())
    ids.insert(ids.begin(), metrics::scope_id::overall());
  // A queue with open tickets but no windowed activity still reports them.
  const bool with_live = src.live && src.fresh != freshness::restoring;
  if (with_live) src.live->for_each_nonempty([&](metrics::scope_id id, const auto&) { include(id); });
  out.resize(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto& s = out[i];
    s.scope = {ids[i].kind, scope_name(ids[i], names)};
    s.partition = src.partition;
    s.instance_id.assign(src.instance_id);
    s.produced_at = src.produced_at;
    s.watermark = src.watermark;
    s.head = m.head();
    s.fresh = src.fresh;
    s.lag_messages = src.lag_messages;
    s.live.reset();
    if (with_live) {
      const auto* g = src.live->find(ids[i]);
      s.live = g ? *g : metrics::live_gauges{};
    }
    s.windows.clear();
    for (auto length : sliding) {
      const auto v = m.read_sliding(ids[i], length);
      if (!v) continue;
      fill(s.windows.emplace_back(), window_kind::sliding, length, *v, names);
    }
    using metrics::calendar_part;
    fill(s.windows.emplace_back(), window_kind::current_interval, {},
         m.read_calendar(ids[i], calendar_part::current_interval), names);
    fill(s.windows.emplace_back(), window_kind::previous_interval, {},
         m.read_calendar(ids[i], calendar_part::previous_interval), names);
    fill(s.windows.emplace_back(), window_kind::today, {}, m.read_calendar(ids[i], calendar_part::today),
         names);
  }
}

}  // namespace ccpulse::view
