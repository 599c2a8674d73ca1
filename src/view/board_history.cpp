#include "view/board_history.h"

#include <algorithm>

namespace ccpulse::view {

void board_history::record(const merged_view& v, instant now, const sl_fn& sl) {
  const auto at = now - (now.time_since_epoch() % _opt.step);
  if (!_steps.empty() && _steps.back().at >= at) return;
  // Steps without a view (the reader stalled) stay in the series as gaps, so
  // samples keep their spacing.
  if (!_steps.empty() && at - _steps.back().at > _opt.step * static_cast<long>(_opt.samples)) _steps.clear();
  while (!_steps.empty() && _steps.back().at + _opt.step < at)
    _steps.push_back({_steps.back().at + _opt.step, {}});
  step_samples s{at, {}};
  for (const auto& scope : v.scopes) {
    if (scope.scope.kind != metrics::scope_kind::queue) continue;
    sample x;
    if (scope.live.partitions > 0) x.waiting = scope.live.gauges.waiting;
    const auto w = std::find_if(scope.windows.begin(), scope.windows.end(),
                                [&](const merged_window& m) { return m.name == _opt.window; });
    if (w != scope.windows.end())
      x.service_level = metrics::service_level(w->parts.counts, sl(scope.scope.name));
    s.queues.emplace(scope.scope.name, x);
  }
  _steps.push_back(std::move(s));
  while (_steps.size() > _opt.samples) _steps.pop_front();
}

queue_history board_history::of(std::string_view queue) const {
  queue_history h;
  h.service_level.reserve(_steps.size());
  h.waiting.reserve(_steps.size());
  for (const auto& s : _steps) {
    const auto it = s.queues.find(queue);
    h.service_level.push_back(it == s.queues.end() ? std::nullopt : it->second.service_level);
    h.waiting.push_back(it == s.queues.end() ? std::nullopt : it->second.waiting);
  }
  return h;
}

}  // namespace ccpulse::view
