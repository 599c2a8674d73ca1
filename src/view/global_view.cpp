#include "view/global_view.h"

#include <algorithm>
#include <set>

namespace ccpulse::view {

namespace {

// The calendar periods the view reports: for each kind, the bounds every
// partition's window must have to add into it.
struct period {
  bool known = false;
  instant from{}, to{};
};

struct calendar_plan {
  period interval, previous, today;
};

calendar_plan plan_calendar(const std::vector<const scope_snapshot*>& snaps) {
  calendar_plan p;
  auto newest = [](period& into, const window_snapshot& w) {
    if (!into.known || w.from > into.from) into = {true, w.from, w.to};
  };
  for (const auto* s : snaps)
    for (const auto& w : s->windows) {
      if (w.kind == window_kind::current_interval) newest(p.interval, w);
      if (w.kind == window_kind::today) newest(p.today, w);
    }
  // The previous interval is the one that ends where the newest begins.
  if (p.interval.known) {
    for (const auto* s : snaps)
      for (const auto& w : s->windows)
        if ((w.kind == window_kind::current_interval || w.kind == window_kind::previous_interval) &&
            w.to == p.interval.from)
          p.previous = {true, w.from, w.to};
    if (!p.previous.known)
      p.previous = {true, p.interval.from - (p.interval.to - p.interval.from), p.interval.from};
  }
  return p;
}

struct window_slot {
  merged_window w;
  // Calendar: the period a partition's window must cover exactly.
  std::optional<period> align;
};

std::vector<window_slot> plan_windows(const std::vector<const scope_snapshot*>& snaps) {
  std::set<duration> lengths;
  for (const auto* s : snaps)
    for (const auto& w : s->windows)
      if (w.kind == window_kind::sliding) lengths.insert(w.length);
  std::vector<window_slot> out;
  for (auto l : lengths) {
    window_slot slot;
    slot.w.name = window_name(l);
    slot.w.kind = window_kind::sliding;
    slot.w.length = l;
    out.push_back(std::move(slot));
  }
  const auto cal = plan_calendar(snaps);
  auto add = [&](window_kind k, const period& p) {
    if (!p.known) return;
    window_slot slot;
    slot.w.name = std::string(to_string(k));
    slot.w.kind = k;
    slot.w.from = p.from;
    slot.w.to = p.to;
    slot.align = p;
    out.push_back(std::move(slot));
  };
  add(window_kind::current_interval, cal.interval);
  add(window_kind::previous_interval, cal.previous);
  add(window_kind::today, cal.today);
  return out;
}

// The window of s that adds into slot, if any.
const window_snapshot* contribution(const scope_snapshot& s, const window_slot& slot) {
  for (const auto& w : s.windows) {
    if (slot.w.kind == window_kind::sliding) {
      if (w.kind == window_kind::sliding && w.length == slot.w.length) return &w;
      continue;
    }
    const bool same_family = slot.w.kind == window_kind::today ? w.kind == window_kind::today
                                                               : (w.kind == window_kind::current_interval ||
                                                                  w.kind == window_kind::previous_interval);
    if (same_family && w.from == slot.align->from && w.to == slot.align->to) return &w;
  }
  return nullptr;
}

int scope_order(metrics::scope_kind k) {
  switch (k) {
    case metrics::scope_kind::overall:
      return 0;
    case metrics::scope_kind::queue:
      return 1;
    case metrics::scope_kind::channel:
      return 2;
  }
  return 3;
}

}  // namespace

bool complete_for_judging(const view_freshness& f, instant now, duration max_age) {
  return f.expected_partitions > 0 && f.missing.empty() && f.restoring.empty() && !f.catching_up &&
         f.oldest_produced_at && now - *f.oldest_produced_at <= max_age;
}

const merged_scope* merged_view::find(const scope_key& k) const {
  for (const auto& s : scopes)
    if (s.scope == k) return &s;
  return nullptr;
}

merged_view merge(const std::vector<const scope_snapshot*>& snapshots, std::int32_t expected_partitions) {
  merged_view out;
  const auto slots = plan_windows(snapshots);

  std::map<std::pair<int, std::string>, merged_scope> by_scope;
  for (const auto* s : snapshots) {
    auto [it, fresh_scope] = by_scope.try_emplace({scope_order(s->scope.kind), s->scope.name});
    auto& m = it->second;
    if (fresh_scope) {
      m.scope = s->scope;
      for (const auto& slot : slots) m.windows.push_back(slot.w);
    }
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const auto* w = contribution(*s, slots[i]);
      if (!w) continue;
      auto& into = m.windows[i];
      if (into.partitions == 0 && into.kind == window_kind::sliding) {
        into.from = w->from;
        into.to = w->to;
      }
      into.from = std::min(into.from, w->from);
      into.to = std::max(into.to, w->to);
      into.parts += w->parts;
      ++into.partitions;
    }
    if (s->live && s->fresh != freshness::restoring) {
      m.live.gauges += *s->live;
      ++m.live.partitions;
    }
  }
  // An overall scope even when nobody reported: readers find every key.
  if (by_scope.empty() || by_scope.begin()->first.first != 0) {
    merged_scope overall;
    for (const auto& slot : slots) overall.windows.push_back(slot.w);
    by_scope.emplace(std::pair<int, std::string>{0, ""}, std::move(overall));
  }
  for (auto& [k, m] : by_scope) out.scopes.push_back(std::move(m));

  auto& f = out.fresh;
  f.expected_partitions = expected_partitions;
  f.snapshots = snapshots.size();
  std::set<std::int32_t> reporting;
  std::map<std::pair<std::string, std::string>, std::pair<const scope_snapshot*, const firing_queue_alert*>>
      firing;
  for (const auto* s : snapshots) {
    f.oldest_produced_at =
        f.oldest_produced_at ? std::min(*f.oldest_produced_at, s->produced_at) : s->produced_at;
    f.newest_produced_at =
        f.newest_produced_at ? std::max(*f.newest_produced_at, s->produced_at) : s->produced_at;
    if (s->scope.kind != metrics::scope_kind::overall) continue;
    reporting.insert(s->partition);
    (s->fresh == freshness::live     ? f.live
     : s->fresh == freshness::behind ? f.behind
                                     : f.restoring)
        .push_back(s->partition);
    out.nearest.insert(out.nearest.end(), s->nearest.begin(), s->nearest.end());
    for (const auto& a : s->firing) {
      auto& kept = firing[{a.queue, a.rule}];
      if (!kept.first || s->produced_at > kept.first->produced_at) kept = {s, &a};
    }
  }
  for (const auto& [k, v] : firing) out.firing.push_back(*v.second);
  for (auto* v : {&f.live, &f.behind, &f.restoring}) std::sort(v->begin(), v->end());
  std::sort(out.nearest.begin(), out.nearest.end(), nearer);
  if (out.nearest.size() > merged_nearest_limit) out.nearest.resize(merged_nearest_limit);
  for (std::int32_t p = 0; p < expected_partitions; ++p)
    if (!reporting.contains(p)) f.missing.push_back(p);
  return out;
}

void global_view::put(scope_snapshot s) {
  auto key = std::make_pair(s.scope, s.partition);
  auto it = _latest.find(key);
  if (it == _latest.end()) {
    _latest.emplace(std::move(key), std::move(s));
    return;
  }
  // Its live gauges are not kept: they were as of a state being replaced.
  if (s.fresh == freshness::restoring && s.windows.empty()) s.windows = std::move(it->second.windows);
  it->second = std::move(s);
}

void global_view::erase(const scope_key& k, std::int32_t partition) { _latest.erase({k, partition}); }

merged_view global_view::build(instant now) {
  const instant oldest = now - _settings.max_age;
  std::vector<const scope_snapshot*> kept;
  for (auto it = _latest.begin(); it != _latest.end();) {
    if (it->second.produced_at < oldest) {
      it = _latest.erase(it);
      ++_dropped;
      continue;
    }
    kept.push_back(&it->second);
    ++it;
  }
  auto v = merge(kept, _expected);
  v.fresh.dropped_stale = _dropped;
  v.built_at = now;
  return v;
}

}  // namespace ccpulse::view
