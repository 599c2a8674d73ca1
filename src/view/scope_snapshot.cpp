#include "view/scope_snapshot.h"

#include <algorithm>

namespace ccpulse::view {

std::string_view to_string(freshness f) {
  switch (f) {
    case freshness::live:
      return "live";
    case freshness::behind:
      return "behind";
    case freshness::restoring:
      return "restoring";
  }
  return "?";
}

std::string_view to_string(window_kind k) {
  switch (k) {
    case window_kind::sliding:
      return "sliding";
    case window_kind::current_interval:
      return "interval";
    case window_kind::previous_interval:
      return "previous_interval";
    case window_kind::today:
      return "today";
  }
  return "?";
}

std::string_view to_string(metrics::scope_kind k) {
  switch (k) {
    case metrics::scope_kind::overall:
      return "overall";
    case metrics::scope_kind::queue:
      return "queue";
    case metrics::scope_kind::channel:
      return "channel";
  }
  return "?";
}

std::optional<metrics::scope_kind> parse_scope_kind(std::string_view s) {
  for (auto k : {metrics::scope_kind::overall, metrics::scope_kind::queue, metrics::scope_kind::channel})
    if (to_string(k) == s) return k;
  return std::nullopt;
}

void add_reasons(reason_counts& a, const reason_counts& b) {
  for (const auto& r : b) {
    auto it =
        std::lower_bound(a.begin(), a.end(), r.reason,
                         [](const metrics::reason_count& x, const std::string& n) { return x.reason < n; });
    if (it != a.end() && it->reason == r.reason)
      it->count += r.count;
    else
      a.insert(it, r);
  }
}

window_parts& window_parts::operator+=(const window_parts& o) {
  counts += o.counts;
  for (std::size_t i = 0; i < histograms.size(); ++i) histograms[i] += o.histograms[i];
  add_reasons(transfers_by_reason, o.transfers_by_reason);
  add_reasons(escalations_by_reason, o.escalations_by_reason);
  return *this;
}

metrics::kpi_view window_parts::as_kpi_view() const {
  metrics::kpi_view v;
  v.counts = counts;
  v.dist.histograms = histograms;
  return v;
}

std::string window_name(duration length) {
  using namespace std::chrono;
  const auto s = duration_cast<seconds>(length).count();
  if (s > 0 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s > 0 && s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

std::string window_name(const window_snapshot& w) {
  return w.kind == window_kind::sliding ? window_name(w.length) : std::string(to_string(w.kind));
}

bool nearer(const near_deadline& a, const near_deadline& b) {
  if (a.deadline != b.deadline) return a.deadline < b.deadline;
  if (a.interaction_id != b.interaction_id) return a.interaction_id < b.interaction_id;
  if (a.target != b.target) return a.target < b.target;
  return a.cycle < b.cycle;
}

}  // namespace ccpulse::view
